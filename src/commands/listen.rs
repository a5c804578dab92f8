//! `hookline listen`: flags → engine settings; bind; serve until Ctrl-C / SIGTERM; summary.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};

use super::signals::Shutdown;
use std::time::Duration;

use crate::cli::ListenArgs;
use crate::config::{Config, SigningSettings};
use crate::inspect::server::Inspector;
use crate::inspect::Store;
use crate::listen::guard::Guard;
use crate::listen::routes::{Route, Routes};
use crate::listen::{expect, Chaos, ChaosSettings, Engine, Forwarder, SaveTo, Settings};
use crate::output::listen::Banner;
use crate::output::listen::{Printer, Style};
use crate::relay::client::{self, SubscribeError, Subscriber};
use crate::secret::Secret;
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
    let (tls_config, tls_note) = server_tls(&args)?;
    let tls_on = tls_config.is_some();
    // One runtime thread, as send, replay and relay: a work-stealing pool spent ~25% more
    // CPU per request waking its other worker (bench/listen-cpu.sh). Work that grows with
    // a body (verifying, encoding) goes to the blocking pool for large bodies, so one big
    // delivery does not hold up the rest (the handler's `off_thread`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(crate::memory::collect_on_park)
        .build()
        .context("cannot start the async runtime")?;
    let (connection_limits, body_limits) = super::server_limits(&args.limits, args.max_body, 1);
    let settings = settings(config, &args, &runtime, body_limits, tls_on)?;
    let server = runtime
        .block_on(Server::bind(addr, tls_config))
        .map_err(|e| anyhow!("cannot listen on {addr}: {e}"))?;
    let local = server.local_addr()?;

    // The relay link is made before anything is printed, so a refused token or an
    // unreachable relay is the only line; its public URL goes in the banner.
    let subscriber = match &args.relay {
        Some(url) => Some(runtime.block_on(subscribe(url, &args))?),
        None => None,
    };
    let (subscriber, relay_events) = match subscriber {
        Some((subscriber, events)) => (Some(subscriber), events),
        None => (None, Vec::new()),
    };
    let inspector = inspector(config, &args, &runtime, local, tls_on)?;
    let inspector_url = inspector.as_ref().map(|(page, _)| page.url());
    crate::output::listen::banner(&Banner {
        tls: tls_note.as_ref(),
        verify: settings.verify.as_ref().map(|(o, s)| (o, s.len())),
        save: settings.save.as_ref().map(|s| s.dir.as_path()),
        routes: &settings.routes,
        relay: &relay_events,
        inspector: inspector_url.as_deref(),
        listening: &format!("{}://{local}", if tls_on { "https" } else { "http" }),
    });

    if let Some(path) = &args.url_file {
        let url = format!("{}://{local}", if tls_on { "https" } else { "http" });
        crate::files::write_atomic(path, &url, false)
            .map_err(|e| anyhow!("--url-file {}: {e}", path.display()))?;
    }

    let feed = inspector.map(|(page, listener)| {
        let feed = page.store.clone();
        runtime.spawn(page.serve(listener, std::future::pending::<()>()));
        feed
    });
    let served = serve(
        &runtime,
        (server, connection_limits),
        settings,
        (subscriber, feed),
        &args,
    )?;
    // Requests still running past the grace period are dropped with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let printer = &served.printer;
    let summary = printer.finish();
    crate::output::listen::stopped(
        &summary,
        printer.stdout_closed(),
        served.dropped,
        args.limits.grace,
    );
    if let Some(outcome) = &served.expected {
        crate::output::listen::expectation(
            outcome,
            served.timed_out.then_some(args.timeout).flatten(),
        );
    }
    if printer.stdout_closed() {
        // `listen --json | head -n 2`: the reader is gone, and an event answered now
        // would be recorded nowhere.
        return Ok(ExitCode::from(super::EXIT_FALSE));
    }
    if served.dropped > 0 {
        // Senders of these got no answer: not a clean stop, so not exit 0.
        return Ok(ExitCode::from(super::EXIT_INTERRUPTED));
    }
    if served.expected.as_ref().is_some_and(|o| !o.is_met()) {
        return Ok(ExitCode::from(super::EXIT_FALSE));
    }
    Ok(ExitCode::SUCCESS)
}

/// The flags as the engine's settings: verification, saving, chaos, routes, guards.
fn settings(
    config: &Config,
    args: &ListenArgs,
    runtime: &tokio::runtime::Runtime,
    body: crate::server::BodyLimits,
    tls: bool,
) -> Result<Settings> {
    let signing = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let save = match &args.save {
        Some(dir) => {
            super::prepare_output_dir("--save", dir)?;
            Some(SaveTo {
                dir: dir.clone(),
                fsync: args.fsync,
            })
        }
        None => None,
    };
    Ok(Settings {
        verify: verification(&signing)?,
        accept_status: args.status,
        body,
        save,
        // Clients are made inside the runtime (their connection pools belong to it).
        routes: runtime.block_on(async { routes(args) })?,
        guard: guard(args)?,
        tls,
        forward_invalid: args.forward_invalid,
        events: args.events.clone(),
        keep: None,
        chaos: Chaos::new(ChaosSettings {
            delay: args.delay,
            fail: args.fail_rate.map(|p| (p, args.fail_status)),
            script: args.responses.clone().map(|l| l.0).unwrap_or_default(),
            retry_after: args.retry_after,
            seed: args.seed,
        }),
    })
}

/// How a listen run ended.
struct Served {
    printer: Arc<Printer>,
    /// Requests in flight dropped at the end.
    dropped: usize,
    /// With --expect/--expect-event: what was seen.
    expected: Option<expect::Outcome>,
    /// The --timeout ran out first.
    timed_out: bool,
}

/// `--expect N` and `--expect-event GLOB`, when given.
fn expectation(args: &ListenArgs) -> Option<expect::Expectation> {
    let wanted = args.expect.is_some() || !args.expect_events.is_empty();
    if !wanted && args.timeout.is_some() {
        super::warn_unused("--timeout", "it bounds --expect and --expect-event");
    }
    wanted.then(|| expect::Expectation {
        count: args.expect,
        events: args.expect_events.clone(),
    })
}

/// Serves until Ctrl-C / SIGTERM (or stdout closes, or an expectation is complete or
/// times out), the relay link beside the server.
fn serve(
    runtime: &tokio::runtime::Runtime,
    (server, connection_limits): (Server, crate::server::ConnectionLimits),
    settings: Settings,
    (subscriber, feed): (Option<Subscriber>, Option<Arc<Store>>),
    args: &ListenArgs,
) -> Result<Served> {
    let style = if args.json {
        Style::Json
    } else {
        Style::Human { full: args.full }
    };
    let printer = Printer::start(style, args.quiet_filtered);
    let shutdown = Shutdown::watch(runtime)?;
    let stop = shutdown.stop.clone();
    printer.on_stdout_closed(move || stop.notify_one());
    let expect = expectation(args).map(|e| expect::Expect::new(e, printer.clone()));
    let timed_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reporter: Arc<dyn crate::listen::Reporter> = match &expect {
        Some(expect) => {
            let (complete, stop) = (expect.complete.clone(), shutdown.stop.clone());
            runtime.spawn(async move {
                complete.notified().await;
                stop.notify_one();
            });
            if let Some(limit) = args.timeout {
                let (stop, timed_out) = (shutdown.stop.clone(), timed_out.clone());
                runtime.spawn(async move {
                    tokio::time::sleep(limit).await;
                    timed_out.store(true, std::sync::atomic::Ordering::SeqCst);
                    stop.notify_one();
                });
            }
            expect.clone()
        }
        None => printer.clone(),
    };
    let mut settings = settings;
    settings.keep = feed.map(|store| store as Arc<dyn crate::listen::Keeper>);
    let engine = Engine::new(settings, reporter);
    // The relay link is told when listen stops, and drains like the server.
    let (stopping, stopping_rx) = tokio::sync::watch::channel(false);
    let relay_task = subscriber.map(|subscriber| {
        runtime.spawn(subscriber.keep(
            engine.clone(),
            args.relay_max_in_flight as usize,
            stopping_rx,
            args.limits.grace,
            Arc::new(crate::output::relay::LinkLog),
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
    let expected = expect.map(|e| e.outcome());
    let timed_out = timed_out.load(std::sync::atomic::Ordering::SeqCst)
        && expected.as_ref().is_some_and(|o| !o.is_met());
    Ok(Served {
        printer,
        dropped,
        expected,
        timed_out,
    })
}

/// The inspector, unless `--no-inspect` (or `--json` without `--inspect`): its page bound
/// (so its URL goes in the banner), events not yet flowing. Replays go to the forward
/// target (the default route's, else the first), else back to this listener.
fn inspector(
    config: &Config,
    args: &ListenArgs,
    runtime: &tokio::runtime::Runtime,
    local: std::net::SocketAddr,
    tls: bool,
) -> Result<Option<(Arc<Inspector>, tokio::net::TcpListener)>> {
    if args.no_inspect || (args.json && args.inspect.is_none()) {
        return Ok(None);
    }
    let (addr, next_free) = super::inspect::page_address("--inspect", args.inspect.as_deref())?;
    let listener = runtime
        .block_on(crate::inspect::server::bind(addr, next_free))
        .map_err(|e| anyhow!("--inspect {addr}: {e}"))?;
    let forward = args
        .forward_to
        .iter()
        .find(|r| matches!(r.rule, crate::listen::routes::Rule::Any))
        .or(args.forward_to.first())
        .map(|r| crate::http_headers::split_userinfo(&r.url).0);
    let own_host = if local.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
    } else {
        local
    };
    let own: http::Uri = format!("{}://{own_host}/", if tls { "https" } else { "http" })
        .parse()
        .expect("an address is a URL");
    let signing = SigningSettings::resolve(config, &args.signing, args.tolerance)?;
    let replayer = runtime.block_on(async {
        super::inspect::replayer(
            &signing,
            &args.relay_tls,
            Some(forward.unwrap_or(own)),
            args.forward_timeout,
        )
    })?;
    let store = Store::new(super::inspect::limits(&args.inspector));
    let title = format!("listen on {own_host}");
    let page = Inspector::new(store, replayer, title, listener.local_addr()?);
    Ok(Some((Arc::new(page), listener)))
}

/// `--allow-ip`, `--token`/`--token-file`, `--https-only`.
fn guard(args: &ListenArgs) -> Result<Guard> {
    let https = args.tls.tls_cert.is_some() || args.tls_self_signed || args.relay.is_some();
    if args.https_only && !https {
        bail!("--https-only: this listener serves plain HTTP; add --tls-cert/--tls-key or --tls-self-signed (or use --relay with an https:// relay)");
    }
    let token = match (&args.token, &args.token_file) {
        (Some(token), _) if token.trim().is_empty() => bail!("--token: the token is empty"),
        (Some(token), _) => Some(Secret::new(token.trim())),
        (None, Some(path)) => {
            let mut read = crate::config::read_secret_file(path)
                .map_err(|e| anyhow!("--token-file {}: {e:#}", path.display()))?;
            Some(read.remove(0))
        }
        (None, None) => None,
    };
    Ok(Guard {
        allow: args.allow_ip.clone(),
        token,
        https_only: args.https_only,
    })
}

/// `--forward-to` rules as routes, each with its client (TLS for https:// apps, with
/// `--cacert`/`--insecure`).
fn routes(args: &ListenArgs) -> Result<Routes> {
    let mut built = Vec::new();
    for rule in &args.forward_to {
        let options = super::client_options(&rule.url, &args.relay_tls)?;
        built.push(Route {
            rule: rule.rule.clone(),
            forwarder: Forwarder::new(&rule.url, args.forward_timeout, options),
        });
    }
    Routes::new(built).map_err(|e| anyhow!("--forward-to: {e}"))
}

/// Verification is on when any secret is set; the scheme then defaults to auto.
fn verification(
    signing: &SigningSettings,
) -> Result<Option<(VerifyOptions, crate::signing::Keys)>> {
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
    Ok(Some((options, crate::signing::Keys::new(&signing.secrets))))
}

/// `--tls-cert/--tls-key`, or `--tls-self-signed` (with its file and fingerprint for the
/// banner), or plain HTTP.
fn server_tls(
    args: &ListenArgs,
) -> Result<(Option<Arc<rustls::ServerConfig>>, Option<SelfSignedNote>)> {
    if let Some(config) = super::server_tls(&args.tls)? {
        return Ok((Some(config), None));
    }
    if !args.tls_self_signed {
        return Ok((None, None));
    }
    let made = crate::tls::self_signed(&cache_dir()?)?;
    Ok((Some(made.config), Some((made.cert_path, made.fingerprint))))
}

/// A self-signed certificate's file and fingerprint, for the banner.
type SelfSignedNote = (PathBuf, String);

/// `$XDG_CACHE_HOME/hookline`, else `~/.cache/hookline`.
fn cache_dir() -> Result<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .ok_or_else(|| anyhow!("--tls-self-signed: neither XDG_CACHE_HOME nor HOME is set"))?;
    Ok(base.join("hookline"))
}

/// `--relay`: the relay client set up from the flags, then the subscription started (see
/// [`Subscriber::start`]); errors name the flags.
async fn subscribe(
    url: &http::Uri,
    args: &ListenArgs,
) -> Result<(Subscriber, Vec<client::LinkEvent>)> {
    let tls = super::channel::tls_config(url, &args.relay_tls)?;
    let (relay, channel) = client::parse(url, tls).map_err(|e| anyhow!("--relay {e:#}"))?;
    let relay = relay
        .with_create_token(args.relay_create_token.clone())
        .with_max_body(args.max_body)
        .with_proxy(super::proxy_setting(&args.relay_tls));
    Subscriber::start(relay, channel, args.relay_token.clone())
        .await
        .map_err(|e| match e {
            SubscribeError::NoSavedToken(channel) => anyhow!(
                "--relay: no token saved for channel {channel}: pass --relay-token (or HOOKLINE_RELAY_TOKEN)"
            ),
            SubscribeError::TokenWithoutChannel => {
                anyhow!("--relay-token: give the channel too, as --relay URL/CHANNEL")
            }
            SubscribeError::Refused(why) => anyhow!("--relay: {why}"),
            SubscribeError::Other(e) => super::channel::create_token_hint(e, "--relay-create-token"),
        })
}
