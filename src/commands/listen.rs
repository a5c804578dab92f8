//! `hookline listen`: flags → engine settings; bind; serve until Ctrl-C / SIGTERM; summary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};

use super::signals::Shutdown;
use std::time::Duration;

use crate::cli::ListenArgs;
use crate::config::{Config, SigningSettings};
use crate::listen::{tls, Chaos, ChaosSettings, Engine, Forwarder, SaveTo, Settings};
use crate::output::listen::{Printer, Style};
use crate::relay::{client, credentials};
use crate::server::Server;
use crate::signing::{SchemeChoice, VerifyOptions};

pub fn run(config: &Config, args: ListenArgs) -> Result<ExitCode> {
    if args.retry_after.is_some() && args.fail_rate.is_none() && args.responses.is_none() {
        super::warn_unused(
            "--retry-after",
            "it goes on chaos failures; add --fail-rate or --responses",
        );
    }
    let addr = super::bind_address(&args.bind, args.port, 9000)?;
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
    let (tls_config, tls_note) = if let Some(config) = super::server_tls(&args.tls)? {
        (Some(config), None)
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
        .on_thread_park(crate::memory::collect_on_park)
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
    let (connection_limits, body_limits) = super::server_limits(&args.limits, args.max_body, 1);
    let settings = Settings {
        verify,
        accept_status: args.status,
        body: body_limits,
        save,
        forward: runtime.block_on(async {
            args.forward_to
                .as_ref()
                .map(|url| Forwarder::new(url, args.forward_timeout))
        }),
        forward_invalid: args.forward_invalid,
        chaos,
    };

    // The relay link is made before anything is printed, so a refused token or an
    // unreachable relay is the only line; its public URL goes in the banner.
    let relay = match &args.relay {
        Some(url) => Some(runtime.block_on(relay_link(url, &args))?),
        None => None,
    };

    // What is on, then `listening on …` last: scripts and tests wait for that line.
    if let Some(note) = tls_note {
        eprintln!("{note}");
    }
    eprintln!("{secrets_note}");
    if let Some(save) = &settings.save {
        eprintln!("saving to {}", save.dir.display());
    }
    if let Some(forward) = &settings.forward {
        eprintln!("forwarding to {}", forward.base());
    }
    for note in relay.iter().flat_map(|r| &r.notes) {
        eprintln!("{note}");
    }
    let scheme = if tls_on { "https" } else { "http" };
    eprintln!("listening on {scheme}://{local}");

    let style = if args.json {
        Style::Json
    } else {
        Style::Human { full: args.full }
    };
    let printer = Printer::start(style);
    let shutdown = Shutdown::watch(&runtime)?;
    let stop = shutdown.stop.clone();
    printer.on_stdout_closed(move || stop.notify_one());
    let engine = Engine::new(settings, printer.clone());
    // The relay link is told when listen stops, and drains like the server.
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let relay_task = relay.map(|start| {
        runtime.spawn(keep_relay_link(
            start,
            engine.clone(),
            args.relay_max_in_flight as usize,
            stopping_rx,
            args.limits.grace,
        ))
    });
    let stop = async {
        shutdown.stop.notified().await;
        let _ = stopping.send(true);
    };
    let mut dropped = runtime.block_on(server.serve(
        engine,
        connection_limits,
        stop,
        shutdown.force.notified(),
        args.limits.grace,
    ));
    // Relayed requests in flight get the same grace as local ones (counted from now, at
    // most: the link started draining with the server).
    if let Some(task) = relay_task {
        let drained = runtime.block_on(async {
            tokio::time::timeout(args.limits.grace + Duration::from_secs(1), task).await
        });
        dropped += match drained {
            Ok(Ok(unanswered)) => unanswered,
            _ => 1,
        };
    }
    // Requests still running past the grace period are dropped with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let summary = printer.finish();
    eprintln!("hookline: stopped · {}", summary.line());
    if printer.stdout_closed() {
        // `listen --json | head -n 2`: the reader is gone, and an event answered now
        // would be recorded nowhere.
        eprintln!("hookline: standard output was closed: stopped listening");
        return Ok(ExitCode::from(super::EXIT_FALSE));
    }
    if dropped > 0 {
        // Senders of these got no answer: not a clean stop, so not exit 0.
        eprintln!(
            "hookline: {dropped} request{} still in flight {} dropped (--grace {} ran out, or a second Ctrl-C)",
            if dropped == 1 { "" } else { "s" },
            if dropped == 1 { "was" } else { "were" },
            humantime::format_duration(args.limits.grace)
        );
        return Ok(ExitCode::from(super::EXIT_INTERRUPTED));
    }
    Ok(ExitCode::SUCCESS)
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

/// `--relay`: the relay, channel and token (saved, given, or made now), and the first link
/// (`None` when the relay is not reachable yet: it is retried in the background).
struct RelayStart {
    relay: client::Relay,
    channel: String,
    token: String,
    link: Option<client::Link>,
    /// For the banner: a channel made, the public URL, or that the relay is not up yet.
    notes: Vec<String>,
}

/// Sets up `--relay` without printing anything; a token the relay refuses is an error.
async fn relay_link(url: &http::Uri, args: &ListenArgs) -> Result<RelayStart> {
    let mut notes = Vec::new();
    let tls = super::channel::tls_config(url, &args.relay_tls)?;
    let (relay, channel) = client::parse(url, tls)?;
    let relay = relay
        .with_create_token(args.relay_create_token.clone())
        .with_max_body(args.max_body);
    let (channel, token) = match (channel, &args.relay_token) {
        (Some(channel), Some(token)) => (channel, token.clone()),
        (Some(channel), None) => match credentials::find(&relay.base, Some(&channel))? {
            Some(saved) => (channel, saved.token),
            None => bail!("--relay: no token saved for channel {channel}: pass --relay-token (or HOOKLINE_RELAY_TOKEN)"),
        },
        (None, Some(_)) => bail!("--relay-token: give the channel too, as --relay URL/CHANNEL"),
        (None, None) => match credentials::find(&relay.base, None)? {
            Some(saved) => (saved.channel, saved.token),
            None => {
                let (made, path) = relay.create_saved_channel(false).await?;
                notes.push(format!("relay: made channel {} (its token is saved in {})", made.channel, path.display()));
                (made.channel, made.token)
            }
        },
    };
    let link = match relay.connect(&channel, &token).await {
        Ok(link) => {
            notes.push(format!("public URL: {}", link.public_url));
            Some(link)
        }
        Err(client::ConnectError::Refused(why)) => bail!("--relay: {why}"),
        Err(client::ConnectError::Unreachable(why)) => {
            notes.push(format!(
                "relay: cannot connect to {} ({why}); retrying",
                relay.base
            ));
            None
        }
    };
    Ok(RelayStart {
        relay,
        channel,
        token,
        link,
        notes,
    })
}

/// Serves the relay link; when it drops, reconnects with backoff and says so on stderr. Gives up only when the relay refuses the token.
async fn keep_relay_link(
    start: RelayStart,
    engine: Arc<Engine>,
    max_in_flight: usize,
    mut stopping: tokio::sync::watch::Receiver<bool>,
    grace: Duration,
) -> usize {
    // send's retry policy, for its backoff: full jitter from 0.5 s, doubling, capped at 30 s.
    let backoff = crate::delivery::Policy {
        backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(30),
        ..Default::default()
    };
    let RelayStart {
        relay,
        channel,
        token,
        mut link,
        ..
    } = start;
    let mut retry = 0;
    loop {
        if let Some(up) = link.take() {
            retry = 0;
            match up
                .serve(engine.clone(), max_in_flight, stopping.clone(), grace)
                .await
            {
                client::Ended::Stopped { dropped } => return dropped,
                client::Ended::Lost(why) => eprintln!(
                    "relay: link lost ({}); reconnecting",
                    crate::output::printable(&why)
                ),
            }
        }
        let wait = backoff.delay(retry, rand::random::<f64>(), None);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopping.wait_for(|stop| *stop) => return 0,
        }
        retry += 1;
        match relay.connect(&channel, &token).await {
            Ok(up) => {
                eprintln!("relay: reconnected · public URL: {}", up.public_url);
                link = Some(up);
            }
            Err(client::ConnectError::Refused(why)) => {
                eprintln!("hookline: relay: {why}; no longer trying (local listening goes on)");
                return 0;
            }
            Err(client::ConnectError::Unreachable(why)) => {
                eprintln!(
                    "relay: cannot connect ({}); retrying",
                    crate::output::printable(&why)
                );
            }
        }
    }
}
