//! The inspector's replay: an event sent again through the delivery engine, as captured,
//! re-signed over a fresh timestamp, or edited (method, path, headers, body; re-signed by
//! default in the page) to the forward target or any URL. One attempt; its answer is the
//! result the page shows beside the original.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http::Uri;
use serde::{Deserialize, Serialize};

use super::Stored;
use crate::delivery::resign::{request_from_capture, Resign};
use crate::delivery::{self, Outcome};
use crate::http_headers::to_pairs;

/// Sends replays: one client (pooled, TLS when built with it), the re-signing secret when
/// there is one, and where a replay goes when the page names no URL.
pub struct Replayer {
    pub client: delivery::Client,
    pub resign: Option<Arc<Resign>>,
    pub default_to: Option<Uri>,
    pub timeout: Duration,
}

/// What the page asks for: all optional but the event.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edits {
    /// `http(s)://host:port[/path]`; else the default target.
    pub to: Option<String>,
    #[serde(default)]
    pub resign: bool,
    pub method: Option<String>,
    /// Path and query, e.g. `/hooks?x=1`.
    pub path: Option<String>,
    /// Replaces every header when given.
    pub headers: Option<Vec<(String, String)>>,
    pub body: Option<String>,
    pub body_base64: Option<String>,
}

/// How the replay went.
#[derive(Debug, Serialize)]
pub struct Replayed {
    pub url: String,
    pub method: String,
    pub resigned: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The request as sent (after re-signing).
    pub sent_headers: Vec<(String, String)>,
    pub sent_size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Replayer {
    /// The event with `edits` applied, sent once. `Err`: the edits make no request (the
    /// page shows why; nothing was sent).
    pub async fn replay(&self, stored: &Stored, edits: Edits) -> Result<Replayed, String> {
        let mut capture = stored.capture();
        if let Some(method) = edits.method.filter(|m| !m.trim().is_empty()) {
            capture.method = method.trim().to_ascii_uppercase();
        }
        if let Some(path) = edits.path.filter(|p| !p.trim().is_empty()) {
            let path = path.trim();
            let (p, q) = match path.split_once('?') {
                Some((p, q)) => (p.to_string(), Some(q.to_string())),
                None => (path.to_string(), None),
            };
            capture.path = p;
            capture.query = q;
        }
        if let Some(headers) = edits.headers {
            capture.headers = headers;
        }
        match (edits.body, edits.body_base64) {
            (Some(body), _) => capture.body = body.into_bytes(),
            (None, Some(encoded)) => {
                capture.body = BASE64
                    .decode(encoded.trim())
                    .map_err(|e| format!("body_base64: {e}"))?
            }
            (None, None) => {}
        }
        let to = match edits.to.filter(|t| !t.trim().is_empty()) {
            Some(url) => parse_target(url.trim())?,
            None => self
                .default_to
                .clone()
                .ok_or("no target: give the URL to replay to")?,
        };
        let resigner = match (edits.resign, &self.resign) {
            (false, _) => None,
            (true, Some(resign)) => Some(resign.for_capture(&capture).map_err(|e| e.to_string())?),
            (true, None) => return Err("no secret to re-sign with: start with --secret".into()),
        };
        let request = request_from_capture(&mut capture, &to).map_err(|e| e.to_string())?;
        let request = match &resigner {
            Some(resigner) => resigner.sign(&request),
            None => request,
        };
        let url = request.url.to_string();
        let method = request.method.to_string();
        let sent_headers = to_pairs(&request.headers);
        let sent_size = request.body.len();
        let attempt = self.client.attempt(request, self.timeout).await;
        let mut replayed = Replayed {
            url,
            method,
            resigned: resigner.is_some(),
            scheme: resigner.as_ref().map(|r| r.scheme().name().to_string()),
            sent_headers,
            sent_size,
            status: None,
            headers: Vec::new(),
            body: None,
            body_base64: None,
            latency_ms: crate::clock::millis(attempt.latency),
            error: None,
        };
        match attempt.outcome {
            Outcome::Answered(answer) => {
                replayed.status = Some(answer.status);
                replayed.headers = to_pairs(&answer.headers);
                match std::str::from_utf8(&answer.body) {
                    Ok(text) => replayed.body = Some(text.to_string()),
                    Err(_) => replayed.body_base64 = Some(BASE64.encode(&answer.body)),
                }
            }
            Outcome::TimedOut => {
                replayed.error = Some(format!(
                    "no answer within {}",
                    humantime::format_duration(self.timeout)
                ))
            }
            Outcome::Failed(why) => replayed.error = Some(why),
        }
        Ok(replayed)
    }
}

/// An `http://` or `https://` URL with a host.
pub fn parse_target(url: &str) -> Result<Uri, String> {
    let uri: Uri = url.parse().map_err(|e| format!("`{url}`: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(uri),
        _ => Err(format!("`{url}`: give an http:// or https:// URL")),
    }
}
