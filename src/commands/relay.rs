//! `hookline relay`: flags → relay settings; the channel store (a state file, or a NATS
//! bucket shared with other relays); serve until Ctrl-C / SIGTERM, expiring unused
//! channels every minute.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use super::signals::Shutdown;
use crate::cli::RelayArgs;
use crate::output::relay::RelayLog;
use crate::relay::channels::Channels;
use crate::relay::events::RelayReporter;
use crate::relay::hub::{Hub, LocalHub};
use crate::relay::kv_channels::KvChannels;
use crate::relay::nats::{self, NatsHub};
use crate::relay::store::ChannelStore;
use crate::relay::{self, Relay, Settings};
use crate::server::{ConnectionLimits, Server};

pub fn run(args: RelayArgs) -> Result<ExitCode> {
    let addr = super::bind_address(&args.bind, args.port, 8080)?;
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
    if let Some(url) = &args.public_url {
        if url.authority().is_some_and(|a| a.as_str().contains('@')) {
            bail!("--public-url: a public URL takes no user:password@ (it is shown to every subscriber)");
        }
    }
    let reporter: Arc<dyn RelayReporter> = Arc::new(RelayLog);
    // The store first: a relay that cannot keep channels does not take the port.
    let bind = |runtime: &tokio::runtime::Runtime| {
        runtime
            .block_on(Server::bind(addr, tls_config.clone()))
            .map_err(|e| anyhow!("cannot listen on {addr}: {e}"))
    };
    match &args.nats {
        None => {
            let (store, kept) = file_store(&args)?;
            let server = bind(&runtime)?;
            let hub = LocalHub::new(args.max_in_flight as usize);
            serve(runtime, server, scheme, &args, store, &kept, hub, reporter)
        }
        Some(url) => {
            let client = runtime
                .block_on(nats::connect(url, args.max_body, reporter.clone()))
                .map_err(|e| anyhow!("--nats {}: {e}", nats::redacted(url)))?;
            let (store, kept) = runtime.block_on(nats_store(&args, &client, url))?;
            let server = bind(&runtime)?;
            let hub = NatsHub::new(client, &args.nats_prefix, args.max_in_flight as usize);
            serve(runtime, server, scheme, &args, store, &kept, hub, reporter)
        }
    }
}

/// One relay's channels: in memory, and in `--state` when given.
fn file_store(args: &RelayArgs) -> Result<(ChannelStore, String)> {
    let channels = Channels::open(
        args.state.as_deref(),
        args.channel_ttl,
        args.max_channels,
        relay::now(),
    )
    .map_err(|e| anyhow!("--state {e}"))?;
    let kept = match &args.state {
        Some(path) => format!(
            "{} channel{} kept in {}",
            channels.len(),
            if channels.len() == 1 { "" } else { "s" },
            path.display()
        ),
        None => "channels kept in memory only (no --state): a restart forgets them".into(),
    };
    Ok((ChannelStore::File(Arc::new(channels)), kept))
}

/// Channels shared over NATS, in the bucket named after the prefix; a `--state` file is
/// imported into an empty bucket (a single relay becoming the first of several).
async fn nats_store(
    args: &RelayArgs,
    client: &async_nats::Client,
    url: &str,
) -> Result<(ChannelStore, String)> {
    let bucket = args.nats_prefix.replace('.', "_");
    let kv = KvChannels::open(client, &bucket, args.channel_ttl, args.max_channels)
        .await
        .map_err(|e| anyhow!("--nats {}: {e}", nats::redacted(url)))?;
    let mut kept = format!(
        "channels kept in NATS at {} (bucket {bucket}, subjects {}.>)",
        nats::redacted(url),
        args.nats_prefix
    );
    if let Some(path) = &args.state {
        let file = Channels::open(Some(path), args.channel_ttl, usize::MAX, relay::now())
            .map_err(|e| anyhow!("--state {e}"))?;
        let imported = kv
            .import(file.records())
            .await
            .map_err(|e| anyhow!("--state: cannot import into NATS: {e}"))?;
        kept += &match imported {
            Some(count) => format!(
                "; imported {count} channel{} from {} (the file is no longer used)",
                if count == 1 { "" } else { "s" },
                path.display()
            ),
            None => format!(
                "; {} not imported: the bucket has channels already",
                path.display()
            ),
        };
    }
    Ok((ChannelStore::Nats(Box::new(kv)), kept))
}

#[allow(clippy::too_many_arguments)]
fn serve<H: Hub>(
    runtime: tokio::runtime::Runtime,
    server: Server,
    scheme: &str,
    args: &RelayArgs,
    store: ChannelStore,
    kept: &str,
    hub: H,
    reporter: Arc<dyn RelayReporter>,
) -> Result<ExitCode> {
    let local = server.local_addr()?;
    let public_url = match &args.public_url {
        Some(url) => url.to_string().trim_end_matches('/').to_string(),
        None => format!("{scheme}://{local}"),
    };
    let (connection_limits, body_limits): (ConnectionLimits, _) =
        super::server_limits(&args.limits, args.max_body, 2);
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
        store,
        hub,
        reporter,
    );
    crate::output::relay::banner(kept, &public_url, &format!("{scheme}://{local}"));

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
    // Last-used times are written out with the final expiry.
    let expired = runtime.block_on(relay.expire_channels());
    runtime.shutdown_timeout(Duration::from_secs(1));
    expired.map_err(|e| anyhow!("--state {e}"))?;
    eprintln!("hookline: relay stopped");
    Ok(ExitCode::SUCCESS)
}
