//! Proxies for outgoing connections, as curl reads them: `HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY` and `NO_PROXY` (upper or lower case; hyper-util's matcher), or one proxy for
//! everything (`--proxy URL`), or none (`--no-proxy`). An http:// target is sent to the
//! proxy in absolute form; an https:// target, and a relay link, go through a CONNECT
//! tunnel, so TLS runs end to end and the bytes are the target's own.

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn StdError + Send + Sync>;

/// Which proxy, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProxySetting {
    /// From the environment, as curl reads it.
    #[default]
    Environment,
    /// This one for every scheme (`NO_PROXY` still applies).
    Url(Uri),
    /// None, whatever the environment says.
    Off,
}

/// The proxy rules in force; cheap to clone.
#[derive(Clone, Default)]
pub struct Proxies {
    matcher: Option<Arc<Matcher>>,
}

/// Where a connection to one target goes.
pub struct Route {
    /// The proxy's URL.
    pub proxy: Uri,
    /// `Proxy-Authorization` from the proxy URL's `user:password@`.
    pub auth: Option<HeaderValue>,
}

impl Proxies {
    pub fn new(setting: &ProxySetting) -> Proxies {
        let matcher = match setting {
            ProxySetting::Off => None,
            // No proxy variable set (the usual case): no matcher to consult per request.
            ProxySetting::Environment if !proxy_in_environment() => None,
            ProxySetting::Environment => Some(Matcher::from_env()),
            ProxySetting::Url(url) => {
                let no = std::env::var("NO_PROXY")
                    .or_else(|_| std::env::var("no_proxy"))
                    .unwrap_or_default();
                let url = url.to_string();
                Some(
                    Matcher::builder()
                        .http(url.clone())
                        .https(url)
                        .no(no)
                        .build(),
                )
            }
        };
        Proxies {
            matcher: matcher.map(Arc::new),
        }
    }

    /// The proxy for `target`, if one applies.
    pub fn route(&self, target: &Uri) -> Option<Route> {
        let intercept = self.matcher.as_ref()?.intercept(target)?;
        Some(Route {
            proxy: intercept.uri().clone(),
            auth: intercept.basic_auth().cloned(),
        })
    }

    /// A TCP stream to `host:port`: direct, or through a CONNECT tunnel when a proxy
    /// applies to `target` (the relay client's WebSocket uses this).
    pub async fn tcp(&self, target: &Uri, host: &str, port: u16) -> Result<TcpStream, BoxError> {
        match self.route(target) {
            None => Ok(TcpStream::connect((host, port)).await?),
            Some(route) => {
                let mut tunnel = Tunnel::new(route.proxy, direct());
                if let Some(auth) = route.auth {
                    tunnel = tunnel.with_auth(auth);
                }
                let dst: Uri = format!("http://{host}:{port}").parse()?;
                let io = tunnel
                    .call(dst)
                    .await
                    .map_err(|e| format!("proxy: {e:?}"))?;
                Ok(io.into_inner())
            }
        }
    }
}

/// Whether any variable names a proxy (upper or lower case, as curl reads them).
fn proxy_in_environment() -> bool {
    ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]
        .iter()
        .any(|name| {
            [name.to_string(), name.to_ascii_lowercase()]
                .iter()
                .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()))
        })
}

/// The plain connector under everything (TCP_NODELAY, any scheme).
pub fn direct() -> HttpConnector {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.enforce_http(false);
    connector
}

/// A connector that goes direct, through a CONNECT tunnel (https:// targets) or to the
/// proxy itself (http:// targets, marked proxied so requests use the absolute form).
#[derive(Clone)]
pub struct ProxyConnector {
    proxies: Proxies,
    direct: HttpConnector,
}

impl ProxyConnector {
    pub fn new(proxies: Proxies) -> Self {
        ProxyConnector {
            proxies,
            direct: direct(),
        }
    }
}

impl Service<Uri> for ProxyConnector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let mut direct = self.direct.clone();
        let route = self.proxies.route(&dst);
        Box::pin(async move {
            match route {
                None => Ok(Conn {
                    io: direct.call(dst).await?,
                    proxied: false,
                }),
                Some(route) if dst.scheme_str() == Some("https") => {
                    let mut tunnel = Tunnel::new(route.proxy, direct);
                    if let Some(auth) = route.auth {
                        tunnel = tunnel.with_auth(auth);
                    }
                    let io = tunnel
                        .call(dst)
                        .await
                        .map_err(|e| format!("proxy CONNECT failed: {e:?}"))?;
                    Ok(Conn { io, proxied: false })
                }
                Some(route) => Ok(Conn {
                    io: direct.call(route.proxy).await?,
                    proxied: true,
                }),
            }
        })
    }
}

/// A connection, and whether it goes to a proxy that forwards the request.
pub struct Conn {
    io: TokioIo<TcpStream>,
    proxied: bool,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.proxied)
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}
