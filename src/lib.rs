//! hookline: send, verify, receive, tunnel and replay webhooks.
//!
//! The library face: the pure signing core, the capture format, configuration, output,
//! and the commands the binary runs.

pub mod capture;
pub mod cli;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod fixture;
pub mod http_headers;
pub mod ids;
pub mod listen;
pub mod output;
pub mod secret;
pub mod signing;
pub mod watch;
