//! The HTTP server `listen` and `relay` share: HTTP/1.1 keep-alive and HTTP/2 (cleartext
//! with prior knowledge, or ALPN over TLS), upgrades (the relay's WebSockets), a graceful
//! shutdown, and the limits that keep a hostile client from holding the process: a
//! first-request and an idle deadline for both protocols, HTTP/2 keep-alive pings, a
//! connection cap, a cap on the request head, and a process-wide budget for buffered
//! bodies. What a request means is the [`Handler`]'s business.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONNECTION, CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use http_body_util::Full;
use hyper::body::{Body, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

/// Largest request head (request line + headers); larger gets 431 (HTTP/1) or a stream
/// reset (HTTP/2).
const MAX_HEAD: usize = 64 * 1024;
/// HTTP/2 keep-alive: a ping this often on a connection with requests in flight, and the
/// connection closed when one goes unanswered this long (a peer that vanished).
const H2_PING_EVERY: Duration = Duration::from_secs(20);
const H2_PING_TIMEOUT: Duration = Duration::from_secs(20);
/// File descriptors kept back from `--max-connections` for everything else (state
/// files, captures, the relay's outgoing work, accept itself).
const SPARE_FDS: u64 = 64;

/// Answers requests. Called on each connection's own task.
pub trait Handler: Send + Sync + 'static {
    /// `peer`: the address the connection came from.
    fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
        peer: SocketAddr,
    ) -> impl Future<Output = Response<Full<Bytes>>> + Send;
    /// A problem that is not about one request (accept failed).
    fn problem(&self, text: String);
}

/// How long connections may take and how many there may be.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From the connection to the first request's headers; also how long the headers of
    /// any request may take (HTTP/1).
    pub header_timeout: Duration,
    /// A connection with no request in flight for this long is closed (HTTP/1 keep-alive
    /// and HTTP/2 alike).
    pub idle_timeout: Duration,
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
}

/// A bound listener, not yet serving: binding first lets a command report a busy port as
/// a usage error before anything else happens.
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
    /// flight, up to `grace` or until `force` resolves. Returns how many requests were
    /// still in flight at that point (dropped).
    pub async fn serve<H: Handler>(
        self,
        handler: Arc<H>,
        limits: ConnectionLimits,
        shutdown: impl Future<Output = ()>,
        force: impl Future<Output = ()>,
        grace: Duration,
    ) -> usize {
        let builder = Arc::new(connection_builder(limits.header_timeout));
        // Shutdown is announced on `stopping`; every connection task holds a clone of
        // `open`, so `closed` ends once the last one is done. (hyper-util's GracefulShutdown
        // does not take connections that can be upgraded.)
        let (stopping, _) = tokio::sync::watch::channel(false);
        let (open, mut closed) = tokio::sync::mpsc::channel::<()>(1);
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut accept_errors = Throttle::new(Duration::from_secs(10));
        let mut turned_away = Throttle::new(Duration::from_secs(10));
        let housekeeping = tokio::spawn(crate::memory::tick());
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: pause instead of spinning,
                        // and say so once in a while, not once per try.
                        if let Some(more) = accept_errors.allow() {
                            handler.problem(format!("accept failed: {e}{more}"));
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let Ok(slot) = slots.clone().try_acquire_owned() else {
                if let Some(more) = turned_away.allow() {
                    handler.problem(format!(
                        "{} connections open (--max-connections): closing new ones{more}",
                        limits.max_connections
                    ));
                }
                if self.tls.is_none() {
                    // A plain HTTP/1 client gets a reason; anything else a closed socket.
                    let _ = stream.try_write(FULL_REPLY);
                }
                continue;
            };
            let _ = stream.set_nodelay(true);
            let connection = Connection {
                handler: handler.clone(),
                builder: builder.clone(),
                limits,
                stop: stopping.subscribe(),
                open: open.clone(),
                activity: Arc::new(Activity::new(in_flight.clone())),
                _slot: slot,
            };
            tokio::spawn(connection.run(stream, peer, self.tls.clone()));
        }
        drop(self.listener);
        housekeeping.abort();
        let _ = stopping.send(true);
        drop(open);
        tokio::select! {
            _ = closed.recv() => 0,
            () = tokio::time::sleep(grace) => in_flight.load(Ordering::Acquire),
            () = force => in_flight.load(Ordering::Acquire),
        }
    }
}

/// HTTP/1 and HTTP/2 as every connection is served: deadlines, header limits, pings.
fn connection_builder(header_timeout: Duration) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_HEAD);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_HEAD as u32)
        .keep_alive_interval(H2_PING_EVERY)
        .keep_alive_timeout(H2_PING_TIMEOUT);
    builder
}

/// One accepted connection and what serving it needs.
struct Connection<H> {
    handler: Arc<H>,
    builder: Arc<auto::Builder<TokioExecutor>>,
    limits: ConnectionLimits,
    /// Set when the server stops.
    stop: tokio::sync::watch::Receiver<bool>,
    /// Held while the connection is open (the server waits for the last one).
    open: tokio::sync::mpsc::Sender<()>,
    activity: Arc<Activity>,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl<H: Handler> Connection<H> {
    /// TLS (or a clear refusal of plain HTTP on the HTTPS port) when it has an acceptor,
    /// the first request within `--header-timeout`, then requests until it closes, the
    /// server stops, or it has been idle too long.
    async fn run(self, stream: TcpStream, peer: SocketAddr, tls: Option<TlsAcceptor>) {
        let header_timeout = self.limits.header_timeout;
        let Some(acceptor) = tls else {
            if first_byte_within(&stream, header_timeout).await {
                self.serve(Box::new(stream), peer).await;
            }
            return;
        };
        let first = first_byte(&stream, header_timeout).await;
        if first.is_some_and(|b| b.is_ascii_uppercase()) {
            let mut stream = stream;
            let _ = tokio::io::AsyncWriteExt::write_all(&mut stream, PLAIN_ON_TLS).await;
            let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
            return;
        }
        let handshake = tokio::time::timeout(header_timeout, acceptor.accept(stream));
        if let Ok(Ok(stream)) = handshake.await {
            self.serve(Box::new(stream), peer).await;
        }
    }

    async fn serve(self, io: Box<dyn Io>, peer: SocketAddr) {
        let Connection {
            handler,
            builder,
            limits,
            mut stop,
            open,
            activity,
            _slot,
        } = self;
        let _open = open;
        let seen = activity.clone();
        let service = service_fn(move |req| {
            let busy = seen.begin();
            // Made here, not inside the block below: the block would hold the request
            // as well as the future that took it.
            let reply = handler.clone().handle(req, peer);
            async move {
                let reply = reply.await;
                drop(busy);
                Ok::<_, std::convert::Infallible>(reply)
            }
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            () = async { let _ = stop.wait_for(|stop| *stop).await; } => {
                // Requests in flight finish (the server's --grace bounds this).
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
            () = activity.idle(limits) => {
                // Nothing in flight: a second for the GOAWAY to go out, then the
                // connection is dropped, whatever the peer does.
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
            }
        }
    }
}

/// What a client past `--max-connections` is told before the socket closes.
const FULL_REPLY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 40\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{\"error\":\"too many connections, retry\"}\n";

/// The most connections this process can hold: `wanted`, or less when the open-file
/// limit would not allow it. The soft limit is first raised to the hard one, as most
/// servers do, so a low default (1024) does not cap a public relay.
pub fn connection_capacity(wanted: usize) -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    let fds: u64 = limit.rlim_cur;
    let room = fds.saturating_sub(SPARE_FDS).max(1);
    wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
}

/// Requests in flight on one connection, and since when it has had none.
struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    /// The server's count, all connections together.
    server_in_flight: Arc<AtomicUsize>,
    /// Milliseconds after `started` when the last request ended; `u64::MAX` before any.
    last_done: AtomicU64,
}

impl Activity {
    fn new(server_in_flight: Arc<AtomicUsize>) -> Self {
        Activity {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            server_in_flight,
            last_done: AtomicU64::new(u64::MAX),
        }
    }

    fn begin(self: &Arc<Self>) -> BusyGuard {
        self.in_flight.fetch_add(1, Ordering::Acquire);
        self.server_in_flight.fetch_add(1, Ordering::AcqRel);
        BusyGuard(self.clone())
    }

    /// Resolves when the connection has been without a request for too long: the header
    /// timeout before its first request, the idle timeout after.
    async fn idle(&self, limits: ConnectionLimits) {
        loop {
            let last = self.last_done.load(Ordering::Relaxed);
            let (since, limit) = match last {
                u64::MAX => (Duration::ZERO, limits.header_timeout),
                ms => (Duration::from_millis(ms), limits.idle_timeout),
            };
            let due = self.started + since + limit;
            let now = Instant::now();
            let busy = self.in_flight.load(Ordering::Acquire) > 0;
            if !busy && now >= due {
                return;
            }
            // A request in flight ends no earlier than now, so the connection cannot be
            // idle for long enough before a whole idle timeout from now: no polling.
            let next = if busy { now + limits.idle_timeout } else { due };
            tokio::time::sleep_until(next.into()).await;
        }
    }
}

/// Held while a request runs (owned, so the service future can carry it).
struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        let activity = &self.0;
        let at = activity.started.elapsed().as_millis() as u64;
        activity.last_done.store(at, Ordering::Relaxed);
        activity.in_flight.fetch_sub(1, Ordering::Release);
        activity.server_in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Lets a repeated message through at most once per `every`, and counts what it held back.
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
    held: u64,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Throttle {
            every,
            last: None,
            held: 0,
        }
    }

    /// `Some(suffix)` when the message may go out now; the suffix says how many were held
    /// back since the last one (` (and 41 more like it)`), or is empty.
    pub fn allow(&mut self) -> Option<String> {
        let now = Instant::now();
        if self.last.is_some_and(|last| now - last < self.every) {
            self.held += 1;
            return None;
        }
        self.last = Some(now);
        let held = std::mem::take(&mut self.held);
        Some(if held > 0 {
            format!(" (and {held} more like it)")
        } else {
            String::new()
        })
    }
}

/// A plain or TLS stream, so one connection type serves both.
pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// A connection that sends nothing at all is dropped after the header timeout (hyper's
/// own timeout only starts once a request begins).
async fn first_byte_within(stream: &TcpStream, limit: Duration) -> bool {
    first_byte(stream, limit).await.is_some()
}

/// The connection's first byte, once it arrives within `limit` (left unread).
async fn first_byte(stream: &TcpStream, limit: Duration) -> Option<u8> {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(limit, stream.peek(&mut byte)).await {
        Ok(Ok(n)) if n > 0 => Some(byte[0]),
        _ => None,
    }
}

/// Where a request came from, for guards: the peer's address and whether it came over
/// TLS (for a relayed request, as the relay saw its sender).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<std::net::IpAddr>,
    pub https: bool,
}

/// What a plain-HTTP request to the HTTPS port is told (a TLS connection starts with a
/// handshake record, 0x16; a plain request with its method's letters).
const PLAIN_ON_TLS: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 69\r\nConnection: close\r\n\r\n{\"error\":\"this endpoint takes HTTPS: a plain HTTP request was sent\"}\n";

/// The bytes of request bodies held in memory by this process at once. Each body takes
/// its share before it is read (its Content-Length, or as it grows) and gives it back when
/// dropped; a request that does not fit is refused with 503 instead of growing memory.
pub struct BodyBudget {
    max: u64,
    used: AtomicU64,
}

impl BodyBudget {
    pub fn new(max: u64) -> Arc<Self> {
        Arc::new(BodyBudget {
            max,
            used: AtomicU64::new(0),
        })
    }

    fn take(self: &Arc<Self>, bytes: u64) -> Option<Share> {
        let mut share = Share {
            budget: self.clone(),
            bytes: 0,
        };
        share.grow(bytes).then_some(share)
    }
}

/// A body's part of the [`BodyBudget`], given back on drop.
pub struct Share {
    budget: Arc<BodyBudget>,
    bytes: u64,
}

impl Share {
    /// Takes `more` bytes of the budget for this body; false when the budget cannot hold them.
    fn grow(&mut self, more: u64) -> bool {
        let budget = &self.budget;
        let taken = budget
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                (used + more <= budget.max).then_some(used + more)
            });
        if taken.is_ok() {
            self.bytes += more;
        }
        taken.is_ok()
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

/// What bounds a request body: its size, how long it may stall, how long it may take in
/// all, and the process-wide budget it draws on.
#[derive(Clone)]
pub struct BodyLimits {
    pub max_body: u64,
    pub stall: Duration,
    pub deadline: Duration,
    pub budget: Arc<BodyBudget>,
    /// How many copies of a body the server holds while it is handled (the relay copies
    /// each into a frame for its subscriber: 2); the budget is charged for all of them.
    pub copies: u64,
}

/// A body read whole, with its share of the budget (hold it as long as the bytes).
pub struct ReadBody {
    pub bytes: Vec<u8>,
    pub share: Share,
}

/// Why a body was not read: the status to answer and the reason, in words for the sender.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub why: String,
}

impl Refusal {
    fn new(status: u16, why: impl Into<String>) -> Self {
        Refusal {
            status,
            why: why.into(),
        }
    }

    /// The answer; the connection closes, since the rest of the body was not read. A
    /// 503 (the budget is spent) says when to come back.
    pub fn reply(&self) -> Response<Full<Bytes>> {
        let reply = error_reply(self.status, &self.why, true);
        match self.status {
            503 => with_retry_after(reply, 1),
            _ => reply,
        }
    }
}

/// Reads the body, refusing it past `max_body` (413: at once when its Content-Length says
/// so), when the budget cannot hold it (503), when it stalls longer than `stall` or is not
/// whole within `deadline` (408: a trickle of one byte now and then ends too); a broken
/// body (bad chunked encoding, reset) is a 400.
pub async fn read_body<B>(
    mut body: B,
    headers: &http::HeaderMap,
    limits: &BodyLimits,
) -> Result<ReadBody, Refusal>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let max_body = limits.max_body;
    let declared = declared_length(headers, max_body)?;
    let busy = || Refusal::new(503, "too many request bodies in progress, retry shortly");
    // A declared length is taken whole up front (and allocated once); otherwise the
    // share grows with the buffer.
    let capacity = declared.unwrap_or(0).min(max_body);
    let copies = limits.copies.max(1);
    let mut share = limits.budget.take(capacity * copies).ok_or_else(busy)?;
    let mut buf = Vec::with_capacity(capacity as usize);
    // Set at the first wait (the first poll took no time): no clock read for a body
    // that was already buffered.
    let mut deadline = None;
    loop {
        // Poll once before arming the timers: a small body is usually buffered already,
        // and a timer per frame showed up in the profile.
        let mut next = std::pin::pin!(body.frame());
        let polled = std::future::poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await;
        let ready = match polled {
            Poll::Ready(ready) => ready,
            Poll::Pending => {
                let now = tokio::time::Instant::now();
                let deadline = *deadline.get_or_insert(now + limits.deadline);
                let stall_at = now + limits.stall;
                match tokio::time::timeout_at(stall_at.min(deadline), next).await {
                    Ok(ready) => ready,
                    Err(_) if stall_at <= deadline => {
                        let stall = humantime::format_duration(limits.stall);
                        return Err(Refusal::new(408, format!("body stalled for {stall}")));
                    }
                    Err(_) => {
                        let all = humantime::format_duration(limits.deadline);
                        return Err(Refusal::new(408, format!("body not whole within {all}")));
                    }
                }
            }
        };
        let frame = match ready {
            None => break,
            Some(Err(e)) => return Err(Refusal::new(400, format!("broken body: {e}"))),
            Some(Ok(frame)) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if (buf.len() + data.len()) as u64 > max_body {
                return Err(Refusal::new(413, too_large(max_body)));
            }
            if buf.capacity() - buf.len() < data.len() {
                let before = buf.capacity();
                buf.reserve(data.len());
                if !share.grow((buf.capacity() - before) as u64 * copies) {
                    return Err(busy());
                }
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(ReadBody { bytes: buf, share })
}

/// The body's Content-Length, refused (413) when it is over `max_body`: a check that
/// needs nothing read.
pub fn declared_length(headers: &http::HeaderMap, max_body: u64) -> Result<Option<u64>, Refusal> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > max_body => Err(Refusal::new(413, too_large(max_body))),
        other => Ok(other),
    }
}

/// What a sender is told about a body over the limit, in the unit the limit was given in
/// (a sender knows no flags).
pub fn too_large(max: u64) -> String {
    format!("body larger than {}", crate::text::size_text(max))
}

/// A JSON answer; `close` when the rest of the request was not read.
pub fn json_reply(status: u16, body: serde_json::Value, close: bool) -> Response<Full<Bytes>> {
    let mut reply = Response::new(Full::new(Bytes::from(body.to_string())));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if close {
        // The rest of the request was not read: this connection cannot carry another.
        reply
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    reply
}

/// The answer with `Retry-After: seconds`, for a sender that should come back.
pub fn with_retry_after(mut reply: Response<Full<Bytes>>, seconds: u64) -> Response<Full<Bytes>> {
    reply
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(seconds));
    reply
}

/// `{"error": why}`.
pub fn error_reply(status: u16, why: &str, close: bool) -> Response<Full<Bytes>> {
    json_reply(status, serde_json::json!({ "error": why }), close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throttle_lets_one_through_per_period_and_counts_the_rest() {
        let mut throttle = Throttle::new(Duration::from_secs(3600));
        assert_eq!(throttle.allow().as_deref(), Some(""));
        assert!(throttle.allow().is_none() && throttle.allow().is_none());
        throttle.last = Some(Instant::now() - Duration::from_secs(3601));
        assert_eq!(throttle.allow().as_deref(), Some(" (and 2 more like it)"));
    }

    #[test]
    fn the_body_budget_is_shared_and_given_back() {
        let budget = BodyBudget::new(100);
        let mut a = budget.take(60).unwrap();
        assert!(budget.take(50).is_none());
        assert!(!a.grow(41) && a.grow(40));
        drop(a);
        assert!(budget.take(100).is_some());
    }
}
