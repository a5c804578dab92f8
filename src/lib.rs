//! hookline: send, verify, receive, tunnel and replay webhooks.
//!
//! The library face: the pure signing core, the capture format, configuration, output,
//! and the commands the binary runs.

pub mod capture;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod delivery;
pub mod files;
pub mod fixture;
pub mod http_headers;
pub mod ids;
pub mod inspect;
pub mod listen;
pub mod memory;
pub mod output;
pub mod probe;
pub mod relay;
pub mod secret;
pub mod server;
pub mod signing;
pub mod text;
pub mod tls;
pub mod watch;

/// Locks a mutex, going on past a panic elsewhere: every lock here guards counters and
/// buffers that stay usable, and a listener must keep serving.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
