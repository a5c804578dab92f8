//! The `listen` engine: a hyper server (HTTP/1.1 and HTTP/2, optionally TLS) that turns
//! every request into an [`Event`]: verified, de-duplicated, saved, answered (or misbehaved
//! on purpose, or forwarded). It hands events to a [`Reporter`] and knows nothing of
//! terminals; `output::listen` renders them.

mod body_fields;
pub mod chaos;
mod forward;
mod handler;
mod seen;
pub mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::capture::Capture;
use crate::secret::Secret;
use crate::signing::{Verdict, VerifyOptions};

pub use chaos::{Chaos, ChaosSettings, Plan};
pub use forward::{ForwardRecord, Forwarder};

/// How many delivery ids are remembered for duplicate detection.
pub const SEEN_IDS: usize = 100_000;
/// Largest request head (request line + headers); larger gets 431.
const MAX_HEAD: usize = 64 * 1024;

pub struct Settings {
    /// `None`: no secret, every request is accepted and marked unverified.
    pub verify: Option<(VerifyOptions, Vec<Secret>)>,
    pub accept_status: u16,
    pub max_body: u64,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub save: Option<SaveTo>,
    pub chaos: Chaos,
    pub forward: Option<Forwarder>,
    pub forward_invalid: bool,
}

pub struct SaveTo {
    pub dir: PathBuf,
    pub fsync: bool,
}

/// Where the engine hands what happened; the output layer implements it. Called on the
/// request's own task, so rendering runs in parallel and nothing crosses threads per event.
pub trait Reporter: Send + Sync + 'static {
    /// An event, after it is answered (and saved).
    fn event(&self, event: Event);
    /// A request answered before it became an event (body too large, stalled, malformed).
    fn refused(&self, refused: Refused);
    /// A problem that is not about one request's content (a save failed, accept failed).
    fn problem(&self, text: String);
}

/// One request, as received and answered. JSON output and `--save` write
/// [`Event::json_line`]: the capture plus what listen recorded about it.
pub struct Event {
    pub capture: Capture,
    /// [`Event::json_line`], when `--save` already wrote it.
    pub json: Option<Arc<String>>,
    pub at: SystemTime,
    pub verdict: Option<Verdict>,
    pub delivery_id: Option<String>,
    pub duplicate_of: Option<String>,
    pub chaos: Option<Plan>,
    pub forward: Option<ForwardRecord>,
    pub answer: Answer,
}

impl Event {
    /// The capture as one JSON line, with what listen recorded beside the request:
    /// `answer`, `delivery_id`, `duplicate_of`, `chaos`, `forward`.
    pub fn json_line(&self) -> String {
        self.capture.to_json_with(|more| {
            more.add("answer", &self.answer);
            if let Some(id) = &self.delivery_id {
                more.add("delivery_id", id);
            }
            if let Some(first) = &self.duplicate_of {
                more.add("duplicate_of", first);
            }
            if let Some(plan) = &self.chaos {
                more.add("chaos", plan);
            }
            if let Some(record) = &self.forward {
                more.add("forward", record);
            }
        })
    }
}

/// The answer given; recorded in the capture under `"answer"`.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub status: u16,
    /// Time from the request's arrival to the answer being decided.
    pub latency_ms: f64,
}

pub struct Refused {
    pub at: SystemTime,
    pub method: String,
    pub target: String,
    pub status: u16,
    pub why: String,
}

/// A bound listener, not yet serving: binding first lets the command report a busy port
/// as a usage error before anything else happens.
pub struct Server {
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
}

impl Server {
    pub async fn bind(
        addr: SocketAddr,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Server {
            listener,
            tls: tls.map(TlsAcceptor::from),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then stops accepting and waits for requests in
    /// flight, up to `grace` or until `force` resolves. Returns false when requests were
    /// still in flight at that point.
    pub async fn serve(
        self,
        settings: Settings,
        reporter: Arc<dyn Reporter>,
        shutdown: impl Future<Output = ()>,
        force: impl Future<Output = ()>,
        grace: Duration,
    ) -> bool {
        let header_timeout = settings.header_timeout;
        let state = Arc::new(handler::State {
            settings,
            seen: Mutex::new(seen::SeenIds::new(SEEN_IDS)),
            reporter,
        });
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .max_buf_size(MAX_HEAD);
        builder.http2().timer(TokioTimer::new());
        let builder = Arc::new(builder);
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: pause instead of spinning.
                        state.reporter.problem(format!("accept failed: {e}"));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let watcher = graceful.watcher();
            let state = state.clone();
            let builder = builder.clone();
            let tls = self.tls.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handler::handle(state.clone(), req));
                let serve = |io| watcher.watch(builder.serve_connection(io, service).into_owned());
                match tls {
                    None => {
                        if first_byte_within(&stream, header_timeout).await {
                            let _ = serve(TokioIo::new(Box::new(stream) as Box<dyn Io>)).await;
                        }
                    }
                    Some(acceptor) => {
                        let handshake =
                            tokio::time::timeout(header_timeout, acceptor.accept(stream));
                        if let Ok(Ok(stream)) = handshake.await {
                            let _ = serve(TokioIo::new(Box::new(stream) as Box<dyn Io>)).await;
                        }
                    }
                }
            });
        }
        drop(self.listener);
        tokio::select! {
            () = graceful.shutdown() => true,
            () = tokio::time::sleep(grace) => false,
            () = force => false,
        }
    }
}

/// A plain or TLS stream, so one connection type serves both.
trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// A connection that sends nothing at all is dropped after the header timeout (hyper's
/// own timeout only starts once a request begins).
async fn first_byte_within(stream: &TcpStream, limit: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(limit, stream.peek(&mut byte)).await,
        Ok(Ok(n)) if n > 0
    )
}
