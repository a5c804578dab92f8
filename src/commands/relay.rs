//! `hookline relay`: flags → relay settings; load the channel state; serve until Ctrl-C /
//! SIGTERM, expiring unused channels every minute.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use super::signals::Shutdown;
use crate::cli::RelayArgs;
use crate::output::relay::RelayLog;
use crate::relay::channels::Channels;
use crate::relay::hub::LocalHub;
use crate::relay::{self, Relay, Settings};
use crate::server::Server;

pub fn run(args: RelayArgs) -> Result<ExitCode> {
    let addr = super::bind_address(&args.bind, args.port, 8080)?;
    let channels = Channels::open(
        args.state.as_deref(),
        args.channel_ttl,
        args.max_channels,
        relay::now(),
    )
    .map_err(|e| anyhow!("--state {e}"))?;
    let tls_config = super::server_tls(&args.tls)?;
    // One thread serves every channel: a relayed request is a few wake-ups between tasks
    // (sender, hub, link), and across a work-stealing pool those became thread switches.
    // Measured on 2 cores (bench/relay.sh): 13–14 µs of CPU per request against 20 µs.
    // Blocking work (the state file) goes to the blocking pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(crate::memory::collect_on_park)
        .build()
        .context("cannot start the async runtime")?;
    let scheme = if tls_config.is_some() {
        "https"
    } else {
        "http"
    };
    let server = runtime
        .block_on(Server::bind(addr, tls_config))
        .map_err(|e| anyhow!("cannot listen on {addr}: {e}"))?;
    let local = server.local_addr()?;
    if let Some(url) = &args.public_url {
        if url.authority().is_some_and(|a| a.as_str().contains('@')) {
            bail!("--public-url: a public URL takes no user:password@ (it is shown to every subscriber)");
        }
    }
    let public_url = match &args.public_url {
        Some(url) => url.to_string().trim_end_matches('/').to_string(),
        None => format!("{scheme}://{local}"),
    };
    let kept = match &args.state {
        Some(path) => format!(
            "{} channel{} kept in {}",
            channels.len(),
            if channels.len() == 1 { "" } else { "s" },
            path.display()
        ),
        None => "channels kept in memory only (no --state): a restart forgets them".into(),
    };
    let (connection_limits, body_limits) = super::server_limits(&args.limits, args.max_body, 2);
    let relay = Relay::new(
        Settings {
            public_url: public_url.clone(),
            body: body_limits,
            wait: args.wait,
            link_timeout: args.link_timeout,
            creates_per_hour: args.creates_per_hour,
            create_token: args.create_token.clone(),
            access_log: args.access_log,
            tls: scheme == "https",
        },
        channels,
        LocalHub::new(args.max_in_flight as usize),
        Arc::new(RelayLog),
    );
    crate::output::relay::banner(&kept, &public_url, &format!("{scheme}://{local}"));

    // Every minute; more often for a short --channel-ttl, so it holds to about half.
    let expiry_check =
        (args.channel_ttl / 2).clamp(Duration::from_secs(1), Duration::from_secs(60));
    runtime.spawn(relay.clone().expire_every(expiry_check));
    let shutdown = Shutdown::watch(&runtime)?;
    runtime.block_on(server.serve(
        relay.clone(),
        connection_limits,
        shutdown.stop.notified(),
        shutdown.force.notified(),
        args.limits.grace,
    ));
    runtime.block_on(relay.close_links(Duration::from_secs(2)));
    runtime.shutdown_timeout(Duration::from_secs(1));
    // Last-used times are written out with the final expiry.
    relay
        .expire_channels()
        .map_err(|e| anyhow!("--state {e}"))?;
    eprintln!("hookline: relay stopped");
    Ok(ExitCode::SUCCESS)
}
