//! hookline: send, verify, receive, tunnel and replay webhooks.
//!
//! The library face: the pure signing core, the capture format, configuration, and the
//! commands the binary runs.

pub mod capture;
pub mod secret;
pub mod signing;
