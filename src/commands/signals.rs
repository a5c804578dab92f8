//! Ctrl-C and SIGTERM as a stream, registered once so no signal between two waits is lost.
//! `listen`: the first stops the server, a second stops waiting for requests in flight.
//! `send`: the first ends the run (or the watch).

pub struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    pub async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// For servers (`listen`, `relay`): the first Ctrl-C / SIGTERM notifies `stop`, a second
/// notifies `force` (stop waiting for requests in flight).
pub struct Shutdown {
    pub stop: std::sync::Arc<tokio::sync::Notify>,
    pub force: std::sync::Arc<tokio::sync::Notify>,
}

impl Shutdown {
    pub fn watch(runtime: &tokio::runtime::Runtime) -> anyhow::Result<Shutdown> {
        use anyhow::Context;
        let shutdown = Shutdown {
            stop: Default::default(),
            force: Default::default(),
        };
        let mut signals = runtime
            .block_on(async { Signals::new() })
            .context("cannot listen for Ctrl-C / SIGTERM")?;
        let (stop, force) = (shutdown.stop.clone(), shutdown.force.clone());
        runtime.spawn(async move {
            signals.next().await;
            stop.notify_one();
            signals.next().await;
            force.notify_one();
        });
        Ok(shutdown)
    }
}
