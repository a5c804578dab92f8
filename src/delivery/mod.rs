//! The delivery engine: one HTTP request (method, URL, headers, body bytes) sent over
//! pooled connections. `listen --forward-to` makes single attempts through it; `send`,
//! `replay` and the relay are to add their retries here, under the [`Policy`] (its pure
//! part, backoff and Retry-After, is in place). It knows nothing of terminals.

mod policy;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub use policy::{parse_retry_after, Policy};

/// What to send. Headers go out as given (callers strip hop-by-hop ones and set Host).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How one attempt ended.
#[derive(Debug)]
pub enum Outcome {
    /// The server answered (any status).
    Answered(Answer),
    /// No answer within the policy's timeout.
    TimedOut,
    /// No connection, or it broke: the cause in words ("connection refused").
    Failed(String),
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// One attempt and how long it took.
#[derive(Debug)]
pub struct Attempt {
    pub outcome: Outcome,
    pub latency: Duration,
}

/// Pooled HTTP/1.1 connections; cheap to share behind an `Arc`.
pub struct Client {
    inner: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    pub fn new() -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let inner = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Client { inner }
    }

    /// One attempt, bounded by `timeout` from the first byte sent to the last received.
    pub async fn attempt(&self, request: &Request, timeout: Duration) -> Attempt {
        let started = Instant::now();
        let outcome = match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(Ok(answer)) => Outcome::Answered(answer),
            Ok(Err(cause)) => Outcome::Failed(cause),
            Err(_) => Outcome::TimedOut,
        };
        Attempt {
            outcome,
            latency: started.elapsed(),
        }
    }

    async fn exchange(&self, request: &Request) -> Result<Answer, String> {
        let mut outgoing = http::Request::builder()
            .method(request.method.clone())
            .uri(request.url.clone())
            .body(Full::new(request.body.clone()))
            .map_err(|e| e.to_string())?;
        *outgoing.headers_mut() = request.headers.clone();
        let response = self.inner.request(outgoing).await.map_err(describe)?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// The client error with its causes ("client error (Connect): tcp connect error:
/// Connection refused"), not only the outermost "client error (Connect)".
fn describe(e: hyper_util::client::legacy::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
