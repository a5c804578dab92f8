//! `--forward-to`: passes an accepted event on to the user's app over pooled connections,
//! byte for byte, and brings back the app's answer.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;

use crate::http_headers::strip_hop_by_hop;

pub struct Forwarder {
    base: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

/// The app's answer, passed back to the sender as it is (hop-by-hop headers aside).
pub struct AppAnswer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How a forward went; recorded in the capture under `"forward"`.
#[derive(Debug, Clone, Serialize)]
pub struct ForwardRecord {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub latency_ms: f64,
}

impl Forwarder {
    pub fn new(base: Uri, timeout: Duration) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Forwarder {
            base,
            client,
            timeout,
        }
    }

    /// The app's URL for a request target: the base URL's path, then the request's.
    pub fn url_for(&self, target: &str) -> String {
        let base = self.base.to_string();
        format!("{}{target}", base.trim_end_matches('/'))
    }

    /// Sends the request to the app. `Err` carries the record of an app that is down (the
    /// sender gets 502) or too slow (504), with that status.
    pub async fn forward(
        &self,
        method: Method,
        target: &str,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> (Result<AppAnswer, u16>, ForwardRecord) {
        let url = self.url_for(target);
        let started = Instant::now();
        strip_hop_by_hop(&mut headers);
        if let Some(authority) = self.base.authority() {
            if let Ok(host) = HeaderValue::from_str(authority.as_str()) {
                headers.insert(HOST, host);
            }
        }
        let result =
            tokio::time::timeout(self.timeout, self.exchange(method, &url, headers, body)).await;
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut record = ForwardRecord {
            url,
            status: None,
            error: None,
            latency_ms,
        };
        let outcome = match result {
            Ok(Ok(answer)) => {
                record.status = Some(answer.status);
                Ok(answer)
            }
            Ok(Err(e)) => {
                record.error = Some(e);
                Err(502)
            }
            Err(_) => {
                record.error = Some(format!(
                    "no answer within {}",
                    humantime::format_duration(self.timeout)
                ));
                Err(504)
            }
        };
        (outcome, record)
    }

    async fn exchange(
        &self,
        method: Method,
        url: &str,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<AppAnswer, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(url)
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        *request.headers_mut() = headers;
        let response = self.client.request(request).await.map_err(describe)?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        let mut headers = parts.headers;
        strip_hop_by_hop(&mut headers);
        Ok(AppAnswer {
            status: parts.status.as_u16(),
            headers,
            body,
        })
    }
}

/// The client error with its cause ("connection refused"), not only "client error (Connect)".
fn describe(e: hyper_util::client::legacy::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
