//! The delivery engine: one HTTP request (method, URL, headers, body bytes) sent over
//! pooled connections. `listen --forward-to` makes single attempts through it
//! ([`Client::attempt`]); a delivery retries under a [`Policy`] ([`Client::deliver`]);
//! `send` and `replay` run many deliveries through [`batch`], which writes
//! [`dead_letter`]s. It knows nothing of terminals: it reports, the output layer prints.

pub mod batch;
pub mod dead_letter;
mod policy;
mod pool;
pub mod proxy;
pub mod resign;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;

pub use policy::{parse_retry_after, Policy};
use pool::Pool;
use proxy::ProxyConnector;
pub use proxy::{Proxies, ProxySetting};

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

/// Pooled HTTP/1.1 connections, through a proxy when one applies; cheap to share behind
/// an `Arc`.
pub struct Client {
    inner: Inner,
    proxies: Proxies,
}

enum Inner {
    Plain(Pool<ProxyConnector>),
    Tls(Pool<HttpsConnector<ProxyConnector>>),
}

/// How a [`Client`] connects.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// For https:// targets.
    pub tls: Option<rustls::ClientConfig>,
    /// Header names as `X-Signature` rather than `x-signature` (HTTP/1), for receivers'
    /// handling of letter case.
    pub title_case: bool,
    pub proxy: ProxySetting,
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl Client {
    /// For http:// URLs only (proxies from the environment).
    pub fn new() -> Self {
        Client::build(ClientOptions::default())
    }

    /// For https:// (and http://) URLs, with this TLS configuration.
    pub fn with_tls(config: rustls::ClientConfig) -> Self {
        Client::build(ClientOptions {
            tls: Some(config),
            ..ClientOptions::default()
        })
    }

    pub fn build(options: ClientOptions) -> Self {
        let proxies = Proxies::new(&options.proxy);
        let connector = ProxyConnector::new(proxies.clone());
        let inner = match options.tls {
            None => Inner::Plain(Pool::new(connector, options.title_case)),
            Some(config) => {
                let https = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_tls_config(config)
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(connector);
                Inner::Tls(Pool::new(https, options.title_case))
            }
        };
        Client { inner, proxies }
    }

    /// One attempt, bounded by `timeout` from the first byte sent to the last received.
    pub async fn attempt(&self, request: Request, timeout: Duration) -> Attempt {
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

    async fn exchange(&self, request: Request) -> Result<Answer, String> {
        // A proxy that forwards plain-HTTP requests takes its credentials on each one.
        let proxied = (request.url.scheme_str() == Some("http"))
            .then(|| self.proxies.route(&request.url))
            .flatten();
        let mut outgoing = http::Request::builder()
            .method(request.method)
            .uri(request.url)
            .body(Full::new(request.body))
            .map_err(|e| e.to_string())?;
        *outgoing.headers_mut() = request.headers;
        if let Some(route) = proxied {
            let headers = outgoing.headers_mut();
            if let Some(auth) = route.auth {
                headers.insert(http::header::PROXY_AUTHORIZATION, auth);
            }
            // One request per connection to a forwarding proxy: many (tinyproxy) close
            // the connection after answering without saying so, and a pooled connection
            // found dead costs far more than a new one (measured in bench/proxy.sh).
            // `Connection` is hop-by-hop: the target never sees it.
            headers.insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
        }
        match &self.inner {
            Inner::Plain(pool) => pool.exchange(outgoing).await,
            Inner::Tls(pool) => pool.exchange(outgoing).await,
        }
    }
}

/// What [`Client::deliver`] reports as it goes, for the output layer to render.
#[derive(Debug)]
pub enum Progress<'a> {
    /// Attempt `attempt` (1-based) of at most `of` is about to be sent.
    Sending { attempt: u32, of: u32 },
    /// It ended like this (`record` is the same as history).
    Attempted {
        attempt: u32,
        of: u32,
        result: &'a Attempt,
        record: &'a AttemptRecord,
    },
    /// The next attempt is sent after `delay` (from backoff or the server's Retry-After).
    Waiting { next: u32, delay: Duration },
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// An answer that is not retried (a 4xx other than 408/425/429 and `retry_on`).
    Rejected { status: u16 },
    /// Retries used up; the reason is the last attempt's.
    Exhausted { reason: String },
    /// Cut short (Ctrl-C) after `after` finished attempts, `during` the next one or before
    /// it started.
    Interrupted { after: u32, during: bool },
}

impl Verdict {
    /// `delivered`, `rejected` or `exhausted`, as JSON output writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Delivered { .. } => "delivered",
            Verdict::Rejected { .. } => "rejected",
            Verdict::Exhausted { .. } => "exhausted",
            Verdict::Interrupted { .. } => "interrupted",
        }
    }

    /// Why it failed, in words (`404, not retried`, `timed out`); `None` when delivered.
    pub fn failure(&self) -> Option<String> {
        match self {
            Verdict::Delivered { .. } => None,
            Verdict::Rejected { status } => Some(format!("{status}, not retried")),
            Verdict::Exhausted { reason } => Some(reason.clone()),
            Verdict::Interrupted {
                after,
                during: true,
            } => Some(format!("interrupted during attempt {}", after + 1)),
            Verdict::Interrupted {
                after,
                during: false,
            } => Some(format!(
                "interrupted after {after} attempt{}",
                if *after == 1 { "" } else { "s" }
            )),
        }
    }

    /// The final answer's status, when the verdict rests on one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Verdict::Delivered { status } | Verdict::Rejected { status } => Some(*status),
            Verdict::Exhausted { .. } | Verdict::Interrupted { .. } => None,
        }
    }
}

/// One attempt as history: when, and how it ended.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttemptRecord {
    pub attempt: u32,
    /// RFC 3339, milliseconds, UTC.
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub latency_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub attempts: Vec<AttemptRecord>,
    pub verdict: Verdict,
}

impl Delivery {
    pub fn is_delivered(&self) -> bool {
        matches!(self.verdict, Verdict::Delivered { .. })
    }
}

impl Outcome {
    /// A short reason for a failed attempt: `503`, `timed out`, or the connection error.
    pub fn reason(&self) -> String {
        match self {
            Outcome::Answered(a) => a.status.to_string(),
            Outcome::TimedOut => "timed out".to_string(),
            Outcome::Failed(cause) => cause.clone(),
        }
    }
}

impl Client {
    /// Runs a delivery: attempts under `policy`, each built afresh by `build(attempt)` (so
    /// it can be re-signed), retrying connection errors, timeouts and retryable statuses
    /// after a full-jitter backoff or the server's Retry-After.
    pub async fn deliver(
        &self,
        policy: &Policy,
        mut build: impl FnMut(u32) -> Request,
        mut on: impl FnMut(Progress<'_>),
    ) -> Delivery {
        let of = policy.retries + 1;
        let mut attempts = Vec::new();
        for attempt in 1..=of {
            let request = build(attempt);
            on(Progress::Sending { attempt, of });
            let at = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
            let result = self.attempt(request, policy.timeout).await;
            let (status, error) = match &result.outcome {
                Outcome::Answered(a) => (Some(a.status), None),
                other => (None, Some(other.reason())),
            };
            attempts.push(AttemptRecord {
                attempt,
                at,
                status,
                error,
                latency_ms: crate::clock::millis(result.latency),
            });
            on(Progress::Attempted {
                attempt,
                of,
                result: &result,
                record: attempts.last().expect("just pushed"),
            });
            let retry_after = match &result.outcome {
                Outcome::Answered(a) if (200..300).contains(&a.status) => {
                    return Delivery {
                        attempts,
                        verdict: Verdict::Delivered { status: a.status },
                    };
                }
                Outcome::Answered(a) if !policy.retries_status(a.status) => {
                    return Delivery {
                        attempts,
                        verdict: Verdict::Rejected { status: a.status },
                    };
                }
                Outcome::Answered(a) => a
                    .headers
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| parse_retry_after(v, std::time::SystemTime::now())),
                _ => None,
            };
            if attempt == of {
                return Delivery {
                    attempts,
                    verdict: Verdict::Exhausted {
                        reason: result.outcome.reason(),
                    },
                };
            }
            let delay = policy.delay(attempt - 1, rand::random::<f64>(), retry_after);
            on(Progress::Waiting {
                next: attempt + 1,
                delay,
            });
            tokio::time::sleep(delay).await;
        }
        unreachable!("the last attempt returns")
    }
}
