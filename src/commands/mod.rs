//! One small file per subcommand: options → engine → output.

mod channel;
mod fixtures;
mod generate;
mod input;
mod inspect;
mod listen;
mod probe;
mod relay;
mod replay;
mod send;
mod settings;
mod sign;
mod signals;
mod verify;

use std::process::ExitCode;

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use anyhow::{anyhow, Result};

use crate::cli::{Cli, Command};
use crate::config::{self, Config};

/// Exit status 1: the thing checked is false (invalid signature, undelivered).
pub const EXIT_FALSE: u8 = 1;
/// Exit status 2: usage, config or input error.
pub const EXIT_USAGE: u8 = 2;
/// Exit status 130: stopped by Ctrl-C with work left undone (128 + SIGINT, as shells do).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The settings file for this command line: `--config FILE` (anywhere in it) or
/// `HOOKLINE_CONFIG`, else `./hookline.toml` when present; none for `man` and
/// `completions`, whose output must not depend on a local file.
pub fn settings_for(args: &[std::ffi::OsString]) -> Result<Config> {
    let words: Vec<&str> = args.iter().skip(1).filter_map(|a| a.to_str()).collect();
    let mut explicit = None;
    let mut subcommand = None;
    let mut skip_value = false;
    for (i, word) in words.iter().enumerate() {
        if let Some(path) = word.strip_prefix("--config=") {
            explicit = Some(std::path::PathBuf::from(path));
        } else if *word == "--config" {
            explicit = words.get(i + 1).map(std::path::PathBuf::from);
        }
        if subcommand.is_none() && !skip_value && !word.starts_with('-') {
            subcommand = Some(*word);
        }
        skip_value = subcommand.is_none() && matches!(*word, "--config" | "--color");
    }
    if matches!(subcommand, Some("man" | "completions")) {
        return Ok(Config::default());
    }
    let explicit = explicit.or_else(|| {
        std::env::var_os("HOOKLINE_CONFIG")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    });
    Config::load(explicit.as_deref())
}

pub fn run(cli: Cli, config: Config) -> Result<ExitCode> {
    // Generated files must not depend on a local hookline.toml.
    match cli.command {
        Command::Completions { shell } => return generate::completions(shell),
        Command::Man { subcommand } => return generate::man(subcommand.as_deref()),
        _ => {}
    }
    crate::output::settle_color(config::color_when(&config, cli.color));
    match cli.command {
        Command::Sign(args) => sign::run(&config, args),
        Command::Verify(args) => verify::run(&config, args),
        Command::Listen(args) => listen::run(&config, *args),
        Command::Send(args) => send::run(&config, *args),
        Command::Replay(args) => replay::run(&config, *args),
        Command::Probe(args) => probe::run(&config, *args),
        Command::Inspect(args) => inspect::run(&config, *args),
        Command::Relay(args) => relay::run(*args),
        Command::Channel { action } => channel::run(action),
        Command::Fixtures { action } => fixtures::run(action),
        Command::Config { command, all } => settings::run(&config, command.as_deref(), all),
        Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
    }
}

/// A flag that does nothing in this combination is accepted, with a warning that says why
/// (a silently ignored flag is a test that tests nothing).
fn warn_unused(flag: &str, why: &str) {
    eprintln!("hookline: warning: {flag} does nothing here: {why}");
}

/// The retry flags as the delivery engine's policy.
fn policy(args: &crate::cli::RetryArgs) -> crate::delivery::Policy {
    crate::delivery::Policy {
        retries: args.retries,
        backoff: args.backoff,
        max_backoff: args.max_backoff,
        timeout: args.timeout,
        retry_on: args
            .retry_on
            .as_ref()
            .map(|l| l.0.clone())
            .unwrap_or_default(),
    }
}

/// A delivery client for `to`: TLS only for an https:// target, the proxy flags applied.
fn delivery_client(
    to: &http::Uri,
    args: &crate::cli::ConnectArgs,
) -> Result<crate::delivery::Client> {
    Ok(crate::delivery::Client::build(client_options(to, args)?))
}

/// `--cacert`, `--insecure`, `--proxy` and `--no-proxy` as client options for `url`.
fn client_options(
    url: &http::Uri,
    args: &crate::cli::ConnectArgs,
) -> Result<crate::delivery::ClientOptions> {
    Ok(crate::delivery::ClientOptions {
        tls: client_tls(url, args)?,
        title_case: false,
        proxy: proxy_setting(args),
    })
}

fn proxy_setting(args: &crate::cli::ConnectArgs) -> crate::delivery::ProxySetting {
    use crate::delivery::ProxySetting;
    match (&args.proxy, args.no_proxy) {
        (_, true) => ProxySetting::Off,
        (Some(url), false) => ProxySetting::Url(url.clone()),
        (None, false) => ProxySetting::Environment,
    }
}

/// `--cacert` / `--insecure` as a TLS client configuration, for an https:// URL only
/// (`None` for http://). The one place that warns about `--insecure`.
fn client_tls(
    url: &http::Uri,
    tls: &crate::cli::ConnectArgs,
) -> Result<Option<rustls::ClientConfig>> {
    if url.scheme_str() != Some("https") {
        return Ok(None);
    }
    if tls.insecure {
        eprintln!("hookline: warning: --insecure: the certificate of {url} is not checked");
    }
    crate::tls::client_config(tls.cacert.as_deref(), tls.insecure)
        .map(Some)
        .map_err(|e| tls_error(e, false))
}

/// A TLS error with the flag that named the file (`server`: listen's or relay's own
/// certificate, else a client's `--cacert`).
fn tls_error(e: crate::tls::TlsError, server: bool) -> anyhow::Error {
    use crate::tls::TlsError;
    match (&e, server) {
        (TlsError::CaFile { .. }, _) => anyhow!("--cacert {e}"),
        (TlsError::CertFile { .. }, true) => anyhow!("--tls-cert {e}"),
        (TlsError::KeyFile { .. }, true) => anyhow!("--tls-key {e}"),
        (TlsError::Mismatch(_), true) => anyhow!("--tls-cert/--tls-key: {e}"),
        _ => anyhow!(e),
    }
}

/// A batch's exit status: 130 when Ctrl-C cut deliveries short, 1 when any failed, else 0.
fn batch_exit(summary: &crate::output::delivery::Summary, interrupted: bool) -> ExitCode {
    if interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FALSE)
    }
}

/// Creates DIR when missing and proves it writable, before any work starts: a directory
/// that fails later would lose what should have been written there. `flag` names the
/// option in errors (`--save`, `--dead-letter`).
fn prepare_output_dir(flag: &str, dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!("{flag} {}: cannot create the directory: {e}", dir.display())
    })?;
    tempfile::Builder::new()
        .prefix(".hookline-probe-")
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("{flag} {}: cannot write there: {e}", dir.display()))?;
    Ok(())
}

/// `--tls-cert/--tls-key` loaded, when given (listen and relay).
fn server_tls(
    tls: &crate::cli::TlsServerArgs,
) -> Result<Option<std::sync::Arc<rustls::ServerConfig>>> {
    let (Some(cert), Some(key)) = (&tls.tls_cert, &tls.tls_key) else {
        return Ok(None);
    };
    if let Ok(file) = std::fs::File::open(key) {
        let name = format!("--tls-key {}", key.display());
        crate::config::warn_if_readable_by_others(&file, &name);
    }
    crate::tls::from_files(cert, key)
        .map(Some)
        .map_err(|e| tls_error(e, true))
}

/// `--header-timeout`, `--idle-timeout`, `--max-connections`, `--body-timeout`,
/// `--body-deadline` and `--max-buffered` as the server takes them (`copies`: how many
/// copies of a body the command holds while handling it). The budget always
/// holds at least one body of `max_body`; the connection cap is lowered to what the
/// open-file limit allows, with a note saying so.
fn server_limits(
    limits: &crate::cli::ServerLimits,
    max_body: u64,
    copies: u64,
) -> (crate::server::ConnectionLimits, crate::server::BodyLimits) {
    let wanted = limits.max_connections as usize;
    let max_connections = crate::server::connection_capacity(wanted);
    if max_connections < wanted {
        eprintln!("hookline: --max-connections lowered to {max_connections} to fit the open-file limit (ulimit -n)");
    }
    let connections = crate::server::ConnectionLimits {
        header_timeout: limits.header_timeout,
        idle_timeout: limits.idle_timeout,
        max_connections,
    };
    let body = crate::server::BodyLimits {
        max_body,
        stall: limits.body_timeout,
        deadline: limits.body_deadline,
        budget: crate::server::BodyBudget::new(limits.max_buffered.max(max_body * copies)),
        copies,
    };
    (connections, body)
}

/// `--bind` is a host (with --port) or host:port; a name like `localhost` is resolved.
/// A port in both `--bind HOST:PORT` and `--port` (or its variable) is a conflict, not a
/// silent choice.
fn bind_address(bind: &str, port: Option<u16>, default_port: u16) -> Result<SocketAddr> {
    if let Ok(addr) = bind.parse::<SocketAddr>() {
        if port.is_some_and(|p| p != addr.port()) {
            anyhow::bail!("--bind {bind} names a port and --port gives another: use one of them");
        }
        return Ok(addr);
    }
    let port = port.unwrap_or(default_port);
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let with_port = if bind.contains(':') {
        bind.to_string()
    } else {
        format!("{bind}:{port}")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| {
            anyhow!("--bind {bind}: not an address (use e.g. 127.0.0.1, ::1 or 0.0.0.0:9000)")
        })
}

/// Re-signing with the first secret (none without one), and `--scheme` when fixed (its
/// key checked against the secret): `replay --resign` and the inspector's replays.
fn resign_with(
    signing: &crate::config::SigningSettings,
) -> Result<Option<crate::delivery::resign::Resign>> {
    let Some(secret) = signing.secrets.first() else {
        return Ok(None);
    };
    let scheme = match signing.scheme {
        Some(crate::signing::SchemeChoice::Fixed(s)) => {
            s.mac_key(secret).map_err(|e| signing.key_error(e))?;
            Some(s)
        }
        _ => None,
    };
    Ok(Some(crate::delivery::resign::Resign::new(
        secret.clone(),
        scheme,
        signing.signature_header.clone(),
    )))
}
