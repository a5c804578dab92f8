//! The inspector's HTTP side: the page (HTML, CSS, JS embedded in the binary) and the
//! JSON API under `/api`, on loopback by default.
//!
//! Only for this machine's browser: a request whose Host is not the bound address or
//! `localhost` is refused (a DNS-rebinding page cannot reach it), replays need the per-run
//! token the page carries (another site's page cannot read it) and a same-origin
//! `Origin` when one is sent, and no secret is ever in an answer. Everything shown comes
//! from requests, so the page sets it as text, never as markup, under a strict CSP.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use bytes::Bytes;
use http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN,
};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::replay::{Edits, Replayer};
use super::{curl, Filter, Store, Stored};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The largest replay request the page may post (an edited body included).
const MAX_POST: usize = 32 << 20;

type Body = BoxBody<Bytes, Infallible>;

pub struct Inspector {
    pub store: Arc<Store>,
    pub replayer: Replayer,
    /// What the page's header says it looks at (`listen on …`, `3 files`).
    pub title: String,
    token: String,
    /// Host header values this server answers.
    hosts: Vec<String>,
    origin: String,
}

/// Binds `addr`; when its port is taken and `next_free` is set, the next ones up to 20
/// further, then any free port.
pub async fn bind(addr: SocketAddr, next_free: bool) -> std::io::Result<TcpListener> {
    match TcpListener::bind(addr).await {
        Ok(listener) => Ok(listener),
        Err(e) if next_free && e.kind() == std::io::ErrorKind::AddrInUse => {
            for port in addr.port().saturating_add(1)..=addr.port().saturating_add(20) {
                if let Ok(listener) = TcpListener::bind(SocketAddr::new(addr.ip(), port)).await {
                    return Ok(listener);
                }
            }
            TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await
        }
        Err(e) => Err(e),
    }
}

impl Inspector {
    pub fn new(store: Arc<Store>, replayer: Replayer, title: String, local: SocketAddr) -> Self {
        let port = local.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let own = match local {
            SocketAddr::V6(v6) => format!("[{}]:{port}", v6.ip()),
            SocketAddr::V4(v4) => format!("{}:{port}", v4.ip()),
        };
        if !hosts.contains(&own) {
            hosts.push(own.clone());
        }
        let shown = if local.ip().is_unspecified() {
            format!("127.0.0.1:{port}")
        } else {
            own
        };
        Inspector {
            store,
            replayer,
            title,
            token: crate::ids::new_id(""),
            hosts,
            origin: format!("http://{shown}"),
        }
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        format!("{}/", self.origin)
    }

    /// Serves until `stop` resolves; each connection on its own task.
    pub async fn serve(self: Arc<Self>, listener: TcpListener, stop: impl std::future::Future) {
        tokio::pin!(stop);
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                _ = &mut stop => return,
            };
            let inspector = self.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let inspector = inspector.clone();
                    async move { Ok::<_, Infallible>(inspector.handle(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }

    async fn handle(&self, req: Request<Incoming>) -> Response<Body> {
        let host = req
            .headers()
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return error(
                403,
                "this inspector answers only requests for its own address",
            );
        }
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        match (req.method(), path.as_str()) {
            (&Method::GET, "/") => self.index(),
            (&Method::GET, "/app.js") => asset(SCRIPT, "text/javascript; charset=utf-8"),
            (&Method::GET, "/app.css") => asset(STYLE, "text/css; charset=utf-8"),
            (&Method::GET, "/api/info") => self.info(),
            (&Method::GET, "/api/events") => self.list(&query),
            (&Method::GET, "/api/stream") => self.stream(),
            (&Method::GET, "/api/export") => self.export(&query),
            (method, _) if path.starts_with("/api/events/") => {
                let rest = &path["/api/events/".len()..];
                let (seq, action) = rest.split_once('/').unwrap_or((rest, ""));
                let Some(stored) = seq.parse().ok().and_then(|seq| self.store.get(seq)) else {
                    return error(404, "no such event (it may have dropped out of memory)");
                };
                match (method, action) {
                    (&Method::GET, "") => self.detail(&stored),
                    (&Method::GET, "body") => body_download(&stored),
                    (&Method::GET, "capture") => capture_download(&stored),
                    (&Method::GET, "curl") => self.curl(&stored, &query),
                    (&Method::POST, "replay") => self.replay(&stored, req).await,
                    _ => error(404, "not found"),
                }
            }
            _ => error(404, "not found"),
        }
    }

    fn index(&self) -> Response<Body> {
        let html = INDEX.replace("{{TOKEN}}", &self.token);
        let mut reply = asset_owned(html, "text/html; charset=utf-8");
        reply.headers_mut().insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        );
        reply
    }

    fn info(&self) -> Response<Body> {
        json_reply(
            200,
            &json!({
                "title": self.title,
                "default_to": self.replayer.default_to.as_ref().map(|u| u.to_string()),
                "can_resign": self.replayer.resign.is_some(),
                "missed": self.store.missed.load(std::sync::atomic::Ordering::Relaxed),
                "max_events": self.store.limits.max_events,
                "max_bytes": self.store.limits.max_bytes,
            }),
        )
    }

    fn list(&self, query: &str) -> Response<Body> {
        let params = Params::parse(query);
        let filter = match params.filter() {
            Ok(filter) => filter,
            Err(why) => return error(400, &why),
        };
        let limit = params
            .get("limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(100usize)
            .clamp(1, 100_000);
        let before = params.get("before").and_then(|b| b.parse().ok());
        json_reply(200, &self.store.list(&filter, before, limit))
    }

    fn detail(&self, stored: &Stored) -> Response<Body> {
        let record: Value = serde_json::from_str(stored.line()).unwrap_or(Value::Null);
        let capture = &stored.capture();
        let body = &capture.body;
        let text = std::str::from_utf8(body).ok();
        let parsed = text.and_then(|t| serde_json::from_str::<Value>(t).ok());
        let kind = if parsed.is_some() {
            "json"
        } else if crate::signing::first_value(&capture.headers, "content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
        {
            "form"
        } else if text.is_some() {
            "text"
        } else {
            "binary"
        };
        let default_to = self.replayer.default_to.as_ref().map(|u| u.to_string());
        let target = default_to
            .clone()
            .unwrap_or_else(|| "http://localhost:3000".into());
        let download = format!("{}api/events/{}/capture", self.url(), stored.seq);
        json_reply(
            200,
            &json!({
                "summary": stored.summary(),
                "capture": record,
                "kind": kind,
                "body": text,
                "body_base64": if text.is_none() { Some(BASE64.encode(body)) } else { None },
                // Pretty-printed in the body's own key order.
                "pretty": parsed.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()),
                "matched_secret": stored.matched_secret,
                "curl": curl::curl_command(capture, &target),
                "send": curl::send_command(&download, &target, capture.verification.as_ref().map(|v| v.scheme.as_str())),
            }),
        )
    }

    fn curl(&self, stored: &Stored, query: &str) -> Response<Body> {
        let params = Params::parse(query);
        let target = params
            .get("to")
            .map(str::to_string)
            .or_else(|| self.replayer.default_to.as_ref().map(|u| u.to_string()))
            .unwrap_or_else(|| "http://localhost:3000".into());
        if let Err(why) = super::replay::parse_target(&target) {
            return error(400, &format!("to: {why}"));
        }
        let mut reply = asset_owned(
            curl::curl_command(&stored.capture(), &target) + "\n",
            "text/plain; charset=utf-8",
        );
        reply
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        reply
    }

    async fn replay(&self, stored: &Stored, req: Request<Incoming>) -> Response<Body> {
        let token = req
            .headers()
            .get("x-hookline-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same: bool =
            subtle::ConstantTimeEq::ct_eq(token.as_bytes(), self.token.as_bytes()).into();
        if !same {
            return error(403, "replays need this page's token (X-Hookline-Token)");
        }
        if let Some(origin) = req.headers().get(ORIGIN) {
            if origin.as_bytes() != self.origin.as_bytes() {
                return error(403, "replays come from the inspector's own page");
            }
        }
        let bytes = match Limited::new(req.into_body(), MAX_POST).collect().await {
            Ok(body) => body.to_bytes(),
            Err(_) => return error(413, "the replay request is too large"),
        };
        let edits: Edits = if bytes.is_empty() {
            Edits::default()
        } else {
            match serde_json::from_slice(&bytes) {
                Ok(edits) => edits,
                Err(e) => return error(400, &format!("not a replay request: {e}")),
            }
        };
        match self.replayer.replay(stored, edits).await {
            Ok(replayed) => json_reply(200, &replayed),
            Err(why) => error(400, &why),
        }
    }

    fn export(&self, query: &str) -> Response<Body> {
        let filter = match Params::parse(query).filter() {
            Ok(filter) => filter,
            Err(why) => return error(400, &why),
        };
        let mut out = String::new();
        for stored in self.store.matching(&filter) {
            out.push_str(stored.line());
            out.push('\n');
        }
        let mut reply = asset_owned(out, "application/x-ndjson");
        reply.headers_mut().insert(
            CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"hookline-events.jsonl\""),
        );
        reply
    }

    /// Server-sent events: `data: [summaries]` with the events new since the last look
    /// (ten looks a second, so nothing happens per event); `event: lagged` when there are
    /// more than a page shows one by one (it fetches its list again); a comment every 15 s
    /// keeps proxies from closing.
    fn stream(&self) -> Response<Body> {
        let store = self.store.clone();
        let start = (store.newest(), 0u32);
        let frames = futures_util::stream::unfold(start, move |(seen, mut quiet)| {
            let store = store.clone();
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if store.newest() > seen {
                        // Up to the last event in the batch: one stored meanwhile comes
                        // in the next, not twice.
                        let (chunk, last) = match store.since(seen, super::LIVE_BATCH) {
                            Some(batch) => (
                                format!(
                                    "data: {}\n\n",
                                    serde_json::to_string(&batch).unwrap_or_default()
                                ),
                                batch.last().map_or(seen, |s| s.seq),
                            ),
                            None => ("event: lagged\ndata: {}\n\n".to_string(), store.newest()),
                        };
                        let frame = Frame::data(Bytes::from(chunk));
                        return Some((Ok::<_, Infallible>(frame), (last, 0)));
                    }
                    quiet += 1;
                    if quiet >= 150 {
                        let frame = Frame::data(Bytes::from_static(b": ping\n\n"));
                        return Some((Ok(frame), (seen, 0)));
                    }
                }
            }
        });
        let mut reply = Response::new(BoxBody::new(StreamBody::new(frames)));
        let headers = reply.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        reply
    }
}

/// The raw body, as a download: never rendered by the browser as the sender's type
/// (an HTML body would otherwise run as this page's origin).
fn body_download(stored: &Stored) -> Response<Body> {
    let mut reply = Response::new(full(Bytes::from(stored.capture().body)));
    let headers = reply.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"event-{}.body\"",
            stored.seq
        ))
        .expect("digits"),
    );
    secure(reply)
}

fn capture_download(stored: &Stored) -> Response<Body> {
    let mut reply = asset_owned(format!("{}\n", stored.line()), "application/json");
    reply.headers_mut().insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"event-{}.json\"",
            stored.seq
        ))
        .expect("digits"),
    );
    reply
}

/// Query parameters, percent-decoded.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str) -> Params {
        Params(
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// `q` (words), `event` (a glob), `valid` (`true`/`false`), `status` (`2xx`, `404`).
    fn filter(&self) -> Result<Filter, String> {
        let event = match self.get("event") {
            Some(glob) => {
                Some(glob::Pattern::new(glob).map_err(|e| format!("event: `{glob}`: {e}"))?)
            }
            None => None,
        };
        let valid = match self.get("valid") {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(other) => return Err(format!("valid: `{other}` is not true or false")),
        };
        Ok(Filter {
            text: self.get("q").map(str::to_string),
            event,
            valid,
            status: self.get("status").map(str::to_string),
        })
    }
}

fn full(bytes: Bytes) -> Body {
    BoxBody::new(Full::new(bytes))
}

fn secure(mut reply: Response<Body>) -> Response<Body> {
    let headers = reply.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    reply
}

fn asset(text: &'static str, content_type: &'static str) -> Response<Body> {
    let mut reply = Response::new(full(Bytes::from_static(text.as_bytes())));
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    secure(reply)
}

fn asset_owned(text: String, content_type: &'static str) -> Response<Body> {
    let mut reply = Response::new(full(Bytes::from(text)));
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    secure(reply)
}

fn json_reply(status: u16, value: &impl serde::Serialize) -> Response<Body> {
    let body = serde_json::to_vec(value).expect("JSON serialises");
    let mut reply = Response::new(full(Bytes::from(body)));
    *reply.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    reply
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    secure(reply)
}

fn error(status: u16, why: &str) -> Response<Body> {
    json_reply(status, &json!({ "error": why }))
}
