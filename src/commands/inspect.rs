//! `hookline inspect PATH…`: the inspector's page over saved captures (files, folders,
//! dead letters, JSON lines), with no listener; and what listen shares with it (where
//! the page is served, how replays are sent and re-signed).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use http::Uri;

use super::replay::inputs::{expand, read_capture, Input};
use super::signals::Shutdown;
use crate::capture::JsonLines;
use crate::cli::{InspectArgs, InspectorLimits};
use crate::config::{Config, SigningSettings};
use crate::inspect::replay::Replayer;
use crate::inspect::server::{self, Inspector};
use crate::inspect::{Limits, Store};

/// Where the page is served: `--inspect`/`--addr` (`PORT` or `HOST:PORT`), else
/// 127.0.0.1:4040 or the next free port.
pub(super) fn page_address(flag: &str, given: Option<&str>) -> Result<(SocketAddr, bool)> {
    let Some(text) = given else {
        return Ok((SocketAddr::from(([127, 0, 0, 1], 4040)), true));
    };
    if let Ok(port) = text.parse::<u16>() {
        return Ok((SocketAddr::from(([127, 0, 0, 1], port)), false));
    }
    let addr = super::bind_address(text, None, 4040).map_err(|e| anyhow!("{flag}: {e:#}"))?;
    Ok((addr, false))
}

pub(super) fn limits(args: &InspectorLimits) -> Limits {
    Limits {
        max_events: args.inspect_max_events as usize,
        max_bytes: args.inspect_max_bytes as usize,
    }
}

/// Replays: through one client (TLS with the system roots, `--cacert`, `--insecure`),
/// re-signed with the first secret when there is one.
pub(super) fn replayer(
    signing: &SigningSettings,
    connect: &crate::cli::ConnectArgs,
    default_to: Option<Uri>,
    timeout: Duration,
) -> Result<Replayer> {
    let resign = super::resign_with(signing)?.map(Arc::new);
    let https: Uri = "https://localhost/".parse().expect("a URL");
    let options = super::client_options(&https, connect)?;
    Ok(Replayer {
        client: crate::delivery::Client::build(options),
        resign,
        default_to,
        timeout,
    })
}

pub fn run(config: &Config, args: InspectArgs) -> Result<ExitCode> {
    let signing = SigningSettings::resolve(config, &args.signing, None)?;
    let store = Store::new(limits(&args.inspector));
    let (files, events) = read_all(&args, &store)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (addr, next_free) = page_address("--addr", args.addr.as_deref())?;
    let replayer = runtime
        .block_on(async { replayer(&signing, &args.connect, args.to.clone(), args.timeout) })?;
    let listener = runtime
        .block_on(server::bind(addr, next_free))
        .map_err(|e| anyhow!("--addr {addr}: {e}"))?;
    let local = listener.local_addr()?;
    let title = format!(
        "{events} event{} from {files} file{}",
        if events == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    let inspector = Arc::new(Inspector::new(store, replayer, title.clone(), local));
    crate::output::listen::inspect_banner(&title, &inspector.url());
    let shutdown = Shutdown::watch(&runtime)?;
    runtime.block_on(inspector.serve(listener, shutdown.stop.notified()));
    Ok(ExitCode::SUCCESS)
}

/// Every capture of every input into the store: (files read, events kept).
fn read_all(args: &InspectArgs, store: &Store) -> Result<(usize, u64)> {
    let inputs = expand(&args.captures, args.recursive, false)?;
    let mut events = 0;
    let files = inputs.len();
    for input in inputs {
        match input {
            Input::File(path) => {
                let item = read_capture(&path)?;
                store.push_capture(&item.capture, Some(item.label));
                events += 1;
            }
            Input::Lines(None) => bail!("-: the inspector reads files, not standard input"),
            Input::Lines(Some(path)) => {
                let file =
                    std::fs::File::open(&path).with_context(|| path.display().to_string())?;
                let label = path.display().to_string();
                let lines = JsonLines::new(std::io::BufReader::with_capacity(256 * 1024, file));
                for item in lines {
                    let (line, capture) = item.map_err(|e| anyhow!("{label}: {e}"))?;
                    store.push_capture(&capture, Some(format!("{label}:{line}")));
                    events += 1;
                }
            }
        }
    }
    Ok((files, events))
}
