//! Kept-alive HTTP/1.1 connections, one idle list per origin (scheme and authority), for
//! the delivery engine. hyper's own connections do the HTTP; this keeps them between
//! requests.
//!
//! Why not hyper_util's pooled client: per request it races a checkout against a lazy
//! connect and spawns a task to return the connection once the body has been read. Every
//! attempt here reads the whole answer before it returns, so the connection goes back to
//! its list right there, and is taken again once hyper has marked it ready (about 5,000
//! instructions fewer per forwarded event, `bench/instructions.sh`).
//!
//! Kept from hyper_util's behaviour: `Host` from the URL when the request has none; the
//! request target in origin form (`/path?q`), or absolute form to a forwarding proxy; and a
//! request that a kept-alive connection closed before taking it (the server timed the
//! connection out meanwhile) is sent again on another connection: it was never written,
//! so it cannot arrive twice.

use std::error::Error as StdError;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::client::legacy::connect::Connection;
use tower_service::Service;

use super::Answer;

type BoxError = Box<dyn StdError + Send + Sync>;

/// An idle connection is not reused after this long: servers close theirs (nginx after
/// 75 s, Node after 5 s); one found closed costs a retry.
const IDLE_FOR: Duration = Duration::from_secs(60);

pub struct Pool<C> {
    connector: C,
    title_case: bool,
    /// Per origin, its idle connections. A list searched in order, not a hash map: the
    /// origins are the few URLs the user gave (`--to`, `--forward-to` rules, the inspector's
    /// replay target), and hashing an authority (byte by byte, case-folded) cost more per
    /// request than comparing it with each of them.
    idle: Mutex<Vec<(Origin, Vec<Idle>)>>,
}

#[derive(Clone, PartialEq, Eq)]
struct Origin {
    scheme: Scheme,
    authority: Authority,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

impl Idle {
    fn new(conn: Conn) -> Self {
        Idle {
            conn,
            since: Instant::now(),
        }
    }
}

/// One connection's sending half.
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    /// Through a forwarding proxy: the request target goes in absolute form.
    proxied: bool,
    origin: Origin,
}

impl<C> Pool<C>
where
    C: Service<Uri> + Clone + Send + Sync + 'static,
    C::Response: Connection + hyper::rt::Read + hyper::rt::Write + Send + Unpin + 'static,
    C::Future: Send,
    C::Error: Into<BoxError>,
{
    pub fn new(connector: C, title_case: bool) -> Self {
        Pool {
            connector,
            title_case,
            idle: Mutex::default(),
        }
    }

    /// Sends `request` (its URL absolute) on a kept-alive connection to its origin, or a
    /// new one, and reads the whole answer; the connection then goes back to its list.
    pub async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<Answer, String> {
        let (response, conn) = self.send(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| describe(&e))?.to_bytes();
        self.done(conn);
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }

    /// The answer's head, with its connection for [`Pool::done`] once the body is read.
    async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<(Response<Incoming>, Conn), String> {
        let url = request.uri().clone();
        let origin = match (url.scheme(), url.authority()) {
            (Some(scheme), Some(authority)) => Origin {
                scheme: scheme.clone(),
                authority: authority.clone(),
            },
            _ => return Err(format!("{url}: not an absolute URL")),
        };
        if !request.headers().contains_key(http::header::HOST) {
            request
                .headers_mut()
                .insert(http::header::HOST, host_header(&origin));
        }
        loop {
            let (mut conn, reused) = match self.take(&origin) {
                Some(conn) => (conn, true),
                // Boxed: connecting is rare, and its future would make every send's large.
                None => (Box::pin(self.connect(&origin, &url)).await?, false),
            };
            *request.uri_mut() = if conn.proxied {
                url.clone()
            } else {
                origin_form(&url)
            };
            match conn.sender.try_send_request(request).await {
                Ok(response) => return Ok((response, conn)),
                Err(mut e) => match e.take_message() {
                    // Closed before it took the request (see above).
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(describe(&e.into_error())),
                },
            }
        }
    }

    /// A connection whose answer has been read in full, back to its origin's list. hyper
    /// marks it ready for another request when it next runs; [`Pool::take`] waits for that.
    fn done(&self, conn: Conn) {
        if conn.sender.is_closed() {
            return;
        }
        let mut idle = crate::lock(&self.idle);
        // The origin is cloned as a key only for the first connection to it.
        match idle.iter_mut().find(|(origin, _)| *origin == conn.origin) {
            Some((_, list)) => list.push(Idle::new(conn)),
            None => {
                let origin = conn.origin.clone();
                idle.push((origin, vec![Idle::new(conn)]));
            }
        }
    }

    /// The most recently used idle connection that can take a request. Closed and stale
    /// ones are dropped; one hyper has not yet marked ready stays for later.
    fn take(&self, origin: &Origin) -> Option<Conn> {
        let mut idle = crate::lock(&self.idle);
        let (_, list) = idle.iter_mut().find(|(o, _)| o == origin)?;
        // One subtraction, then a comparison per connection.
        let fresh_since = Instant::now().checked_sub(IDLE_FOR);
        list.retain(|i| !i.conn.sender.is_closed() && fresh_since.is_none_or(|t| i.since > t));
        let ready = list.iter().rposition(|i| i.conn.sender.is_ready())?;
        Some(list.swap_remove(ready).conn)
    }

    async fn connect(&self, origin: &Origin, url: &Uri) -> Result<Conn, String> {
        let target = Uri::builder()
            .scheme(origin.scheme.clone())
            .authority(origin.authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| format!("{url}: {e}"))?;
        let io = self.connector.clone().call(target).await.map_err(|e| {
            let e: BoxError = e.into();
            describe(&*e)
        })?;
        let proxied = io.connected().is_proxied();
        let (sender, connection) = http1::Builder::new()
            .title_case_headers(self.title_case)
            .handshake(io)
            .await
            .map_err(|e| describe(&e))?;
        // The connection runs on its own until either side closes it.
        tokio::spawn(connection);
        Ok(Conn {
            sender,
            proxied,
            origin: origin.clone(),
        })
    }
}

/// `host[:port]`, the port only when it is not the scheme's default.
fn host_header(origin: &Origin) -> HeaderValue {
    let default_port = match origin.scheme.as_str() {
        "https" => 443,
        _ => 80,
    };
    let text = match origin.authority.port_u16() {
        Some(port) if port != default_port => origin.authority.as_str(),
        _ => origin.authority.host(),
    };
    // Credentials in a URL are taken out before it gets here; a `user@` is never sent.
    let text = text.rsplit('@').next().unwrap_or(text);
    HeaderValue::from_str(text).expect("a URL's host is a valid header value")
}

/// `/path?query` of an absolute URL.
fn origin_form(url: &Uri) -> Uri {
    let path = url
        .path_and_query()
        .cloned()
        .unwrap_or_else(|| PathAndQuery::from_static("/"));
    Uri::from(path)
}

/// An error with its causes ("tcp connect error: Connection refused (os error 111)"), not
/// only the outermost.
fn describe(e: &(dyn StdError + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_has_a_port_only_when_it_is_not_the_default() {
        let origin = |url: &str| {
            let url: Uri = url.parse().unwrap();
            Origin {
                scheme: url.scheme().unwrap().clone(),
                authority: url.authority().unwrap().clone(),
            }
        };
        assert_eq!(host_header(&origin("http://a.example/x")), "a.example");
        assert_eq!(host_header(&origin("http://a.example:80/x")), "a.example");
        assert_eq!(
            host_header(&origin("http://a.example:8080/")),
            "a.example:8080"
        );
        assert_eq!(host_header(&origin("https://a.example:443/")), "a.example");
        assert_eq!(
            host_header(&origin("https://a.example:80/")),
            "a.example:80"
        );
        assert_eq!(host_header(&origin("http://[::1]:9000/")), "[::1]:9000");
        assert_eq!(
            host_header(&origin("http://u:p@a.example:81/")),
            "a.example:81"
        );
    }

    #[test]
    fn the_target_is_the_path_and_query() {
        let url: Uri = "http://a.example:8080/hooks/x?y=1".parse().unwrap();
        assert_eq!(origin_form(&url), "/hooks/x?y=1");
        let bare: Uri = "http://a.example".parse().unwrap();
        assert_eq!(origin_form(&bare), "/");
    }
}
