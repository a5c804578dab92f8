//! The HTTP server `listen` and `relay` share: HTTP/1.1 keep-alive and HTTP/2 (cleartext
//! with prior knowledge, or ALPN over TLS), a header timeout that also covers connections
//! that send nothing, a cap on the request head, upgrades (the relay's WebSockets), and a
//! graceful shutdown. What a request means is the [`Handler`]'s business.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use std::task::Poll;

use bytes::Bytes;
use http::header::{CONNECTION, CONTENT_TYPE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::BodyExt;
use http_body_util::Full;
use hyper::body::{Body, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// Largest request head (request line + headers); larger gets 431.
const MAX_HEAD: usize = 64 * 1024;

/// Answers requests. Called on each connection's own task.
pub trait Handler: Send + Sync + 'static {
    fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
    ) -> impl Future<Output = Response<Full<Bytes>>> + Send;
    /// A problem that is not about one request (accept failed).
    fn problem(&self, text: String);
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
    /// flight, up to `grace` or until `force` resolves. Returns false when requests were
    /// still in flight at that point.
    pub async fn serve<H: Handler>(
        self,
        handler: Arc<H>,
        header_timeout: Duration,
        shutdown: impl Future<Output = ()>,
        force: impl Future<Output = ()>,
        grace: Duration,
    ) -> bool {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .max_buf_size(MAX_HEAD);
        builder.http2().timer(TokioTimer::new());
        let builder = Arc::new(builder);
        // Shutdown is announced on `stopping`; every connection task holds a clone of
        // `open`, so `closed` ends once the last one is done. (hyper-util's GracefulShutdown
        // does not take connections that can be upgraded.)
        let (stopping, _) = tokio::sync::watch::channel(false);
        let (open, mut closed) = tokio::sync::mpsc::channel::<()>(1);
        tokio::pin!(shutdown);
        loop {
            let stream = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: pause instead of spinning.
                        handler.problem(format!("accept failed: {e}"));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let (mut stop, open) = (stopping.subscribe(), open.clone());
            let handler = handler.clone();
            let builder = builder.clone();
            let tls = self.tls.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let handler = handler.clone();
                    async move { Ok::<_, std::convert::Infallible>(handler.handle(req).await) }
                });
                let serve = |io| async move {
                    let _open = open;
                    let conn = builder.serve_connection_with_upgrades(io, service);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => return,
                        _ = stop.wait_for(|stop| *stop) => conn.as_mut().graceful_shutdown(),
                    }
                    let _ = conn.await;
                };
                match tls {
                    None => {
                        if first_byte_within(&stream, header_timeout).await {
                            serve(TokioIo::new(Box::new(stream) as Box<dyn Io>)).await;
                        }
                    }
                    Some(acceptor) => {
                        let handshake =
                            tokio::time::timeout(header_timeout, acceptor.accept(stream));
                        if let Ok(Ok(stream)) = handshake.await {
                            serve(TokioIo::new(Box::new(stream) as Box<dyn Io>)).await;
                        }
                    }
                }
            });
        }
        drop(self.listener);
        let _ = stopping.send(true);
        drop(open);
        tokio::select! {
            _ = closed.recv() => true,
            () = tokio::time::sleep(grace) => false,
            () = force => false,
        }
    }
}

/// A plain or TLS stream, so one connection type serves both.
pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
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

/// Reads the body, refusing it past `max_body` (413: at once when its Content-Length says
/// so) or when it stalls longer than the body timeout (408); a broken body (bad chunked
/// encoding, reset) is a 400.
pub async fn read_body<B>(
    mut body: B,
    headers: &http::HeaderMap,
    max_body: u64,
    idle: Duration,
) -> Result<Vec<u8>, (u16, String)>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: std::fmt::Display,
{
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max_body) {
        return Err((413, too_large(max_body)));
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0).min(1 << 20) as usize);
    loop {
        // Poll once before arming the idle timer: a small body is usually buffered already,
        // and a timer per frame showed up in the profile.
        let mut next = std::pin::pin!(body.frame());
        let polled = std::future::poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await;
        let ready = match polled {
            Poll::Ready(ready) => ready,
            Poll::Pending => match tokio::time::timeout(idle, next).await {
                Ok(ready) => ready,
                Err(_) => {
                    let idle = humantime::format_duration(idle);
                    return Err((408, format!("body stalled for {idle}")));
                }
            },
        };
        let frame = match ready {
            None => break,
            Some(Err(e)) => return Err((400, format!("broken body: {e}"))),
            Some(Ok(frame)) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if (buf.len() + data.len()) as u64 > max_body {
                return Err((413, too_large(max_body)));
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

pub fn too_large(max: u64) -> String {
    format!(
        "body over --max-body ({})",
        bytesize::ByteSize(max).display().iec()
    )
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

/// `{"error": why}`.
pub fn error_reply(status: u16, why: &str, close: bool) -> Response<Full<Bytes>> {
    json_reply(status, serde_json::json!({ "error": why }), close)
}
