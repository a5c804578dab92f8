//! `hookline listen`: flags → engine settings; bind; serve until Ctrl-C / SIGTERM; summary.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use tokio::sync::Notify;

use super::signals::Signals;
use crate::cli::ListenArgs;
use crate::config::{Config, SigningSettings};
use crate::listen::{tls, Chaos, ChaosSettings, Engine, Forwarder, SaveTo, Settings};
use crate::server::Server;
use crate::output::listen::{Printer, Style};
use crate::signing::{SchemeChoice, VerifyOptions};

pub fn run(config: &Config, args: ListenArgs) -> Result<ExitCode> {
    let addr = bind_address(&args.bind, args.port)?;
    let signing = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let verify = verification(&signing)?;
    let save = match &args.save {
        Some(dir) => Some(SaveTo {
            dir: {
                super::prepare_output_dir("--save", dir)?;
                dir.clone()
            },
            fsync: args.fsync,
        }),
        None => None,
    };
    let (tls_config, tls_note) = if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        (Some(tls::from_files(cert, key)?), None)
    } else if args.tls_self_signed {
        let made = tls::self_signed(&cache_dir()?)?;
        let note = format!(
            "self-signed certificate {} (SHA-256 {})\ntrust it with: curl --cacert {} …",
            made.cert_path.display(),
            made.fingerprint,
            made.cert_path.display()
        );
        (Some(made.config), Some(note))
    } else {
        (None, None)
    };
    let chaos = Chaos::new(ChaosSettings {
        delay: args.delay,
        fail: args.fail_rate.map(|p| (p, args.fail_status)),
        script: args.responses.clone().map(|l| l.0).unwrap_or_default(),
        retry_after: args.retry_after,
        seed: args.seed,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let tls_on = tls_config.is_some();
    let server = runtime
        .block_on(Server::bind(addr, tls_config))
        .map_err(|e| anyhow!("cannot listen on {addr}: {e}"))?;
    let local = server.local_addr()?;

    let secrets_note = match &verify {
        None => {
            "not verifying (no secret): every request is accepted and marked unverified".to_string()
        }
        Some((options, secrets)) => format!(
            "verifying: {} · {} secret{} · tolerance {}",
            match options.scheme {
                SchemeChoice::Auto => "scheme detected per request".to_string(),
                SchemeChoice::Fixed(s) => format!("{s} scheme"),
            },
            secrets.len(),
            if secrets.len() == 1 { "" } else { "s" },
            humantime::format_duration(std::time::Duration::from_secs(options.tolerance_secs)),
        ),
    };
    let settings = Settings {
        verify,
        accept_status: args.status,
        max_body: args.max_body,
        header_timeout: args.header_timeout,
        body_timeout: args.body_timeout,
        save,
        forward: runtime.block_on(async {
            args.forward_to
                .clone()
                .map(|url| Forwarder::new(url, args.forward_timeout))
        }),
        forward_invalid: args.forward_invalid,
        chaos,
    };

    // What is on, then `listening on …` last: scripts and tests wait for that line.
    if let Some(note) = tls_note {
        eprintln!("{note}");
    }
    eprintln!("{secrets_note}");
    if let Some(save) = &settings.save {
        eprintln!("saving to {}", save.dir.display());
    }
    if let Some(url) = &args.forward_to {
        eprintln!("forwarding to {url}");
    }
    let scheme = if tls_on { "https" } else { "http" };
    eprintln!("listening on {scheme}://{local}");

    let style = if args.json {
        Style::Json
    } else {
        Style::Human { full: args.full }
    };
    let printer = Printer::start(style);
    let stop = Arc::new(Notify::new());
    let force = Arc::new(Notify::new());
    let mut signals = runtime
        .block_on(async { Signals::new() })
        .context("cannot listen for Ctrl-C / SIGTERM")?;
    let (on_stop, on_force) = (stop.clone(), force.clone());
    runtime.spawn(async move {
        signals.next().await;
        on_stop.notify_one();
        signals.next().await;
        on_force.notify_one();
    });
    let header_timeout = settings.header_timeout;
    let engine = Engine::new(settings, printer.clone());
    let finished = runtime.block_on(server.serve(
        engine,
        header_timeout,
        stop.notified(),
        force.notified(),
        args.grace,
    ));
    // Requests still running past the grace period are dropped with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let summary = printer.finish();
    if !finished {
        eprintln!(
            "hookline: requests still in flight were dropped (--grace {} ran out, or a second Ctrl-C)",
            humantime::format_duration(args.grace)
        );
    }
    eprintln!("hookline: stopped · {}", summary.line());
    Ok(ExitCode::SUCCESS)
}

/// `--bind` is a host (with --port) or host:port; a name like `localhost` is resolved.
fn bind_address(bind: &str, port: u16) -> Result<SocketAddr> {
    if let Ok(addr) = bind.parse::<SocketAddr>() {
        return Ok(addr);
    }
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

/// Verification is on when any secret is set; the scheme then defaults to auto.
fn verification(
    signing: &SigningSettings,
) -> Result<Option<(VerifyOptions, Vec<crate::secret::Secret>)>> {
    if signing.secrets.is_empty() {
        if let Some(SchemeChoice::Fixed(s)) = signing.scheme {
            bail!("--scheme {s} needs a secret to verify with: pass --secret or --secret-file, or set HOOKLINE_SECRET");
        }
        return Ok(None);
    }
    let scheme = signing.scheme.unwrap_or(SchemeChoice::Auto);
    if let SchemeChoice::Fixed(s) = scheme {
        for secret in &signing.secrets {
            s.mac_key(secret).map_err(|e| signing.key_error(e))?;
        }
    }
    let options = VerifyOptions {
        scheme,
        signature_header: signing.signature_header.clone(),
        tolerance_secs: signing.tolerance.as_secs(),
    };
    Ok(Some((options, signing.secrets.clone())))
}

/// `$XDG_CACHE_HOME/hookline`, else `~/.cache/hookline`.
fn cache_dir() -> Result<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or_else(|| anyhow!("--tls-self-signed: neither XDG_CACHE_HOME nor HOME is set"))?;
    Ok(base.join("hookline"))
}
