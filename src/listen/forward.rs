//! `--forward-to`: passes an accepted event on to the user's app through the delivery
//! engine (pooled connections), byte for byte, and brings back the app's answer.

use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderMap, HeaderValue, Method, Uri};
use serde::Serialize;

use crate::delivery::{self, Outcome};
use crate::http_headers::strip_hop_by_hop;

pub struct Forwarder {
    base: Uri,
    /// The base URL as text without its trailing slash, and its Host: made once, not per
    /// event.
    prefix: String,
    host: Option<HeaderValue>,
    /// From `user:password@` in the URL: added when the request has no Authorization.
    basic_auth: Option<HeaderValue>,
    client: delivery::Client,
    timeout: Duration,
}

/// How a forward went; recorded in the capture under `"forward"`. With routes, `route`
/// names the rule that chose the app; `skipped` says why an event was not forwarded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ForwardRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub latency_ms: f64,
    /// What the app answered besides its status: its headers and (the first
    /// [`KEPT_BODY`] bytes of) its body, so a failing app can be seen, not guessed at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<AppResponse>,
}

/// The most of an app's answer body a record keeps (the sender still gets all of it).
pub const KEPT_BODY: usize = 64 * 1024;

/// The app's answer as recorded: headers as `[name, value]` pairs in order, the body as
/// text when it is UTF-8, else base64, cut at [`KEPT_BODY`] bytes. Kept as the answer's
/// own header map and bytes (no string per header, no copy of the body) and written out
/// only when the event's line is.
#[derive(Debug, Clone)]
pub struct AppResponse {
    headers: HeaderMap,
    /// The first [`KEPT_BODY`] bytes.
    kept: Bytes,
    /// The body's full length.
    len: usize,
}

impl AppResponse {
    fn of(answer: &delivery::Answer) -> AppResponse {
        AppResponse {
            headers: answer.headers.clone(),
            kept: answer.body.slice(..answer.body.len().min(KEPT_BODY)),
            len: answer.body.len(),
        }
    }

    /// The kept body, when it is text. Text cut at [`KEPT_BODY`] inside a character stays
    /// text, without that character's first bytes.
    pub fn body_text(&self) -> Option<&str> {
        match std::str::from_utf8(&self.kept) {
            Ok(text) => Some(text),
            Err(cut) if cut.error_len().is_none() && self.len > self.kept.len() => {
                std::str::from_utf8(&self.kept[..cut.valid_up_to()]).ok()
            }
            Err(_) => None,
        }
    }
}

impl Serialize for AppResponse {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("headers", &crate::http_headers::AsPairs(&self.headers))?;
        match self.body_text() {
            Some(text) => map.serialize_entry("body", text)?,
            None => map.serialize_entry(
                "body_base64",
                &base64::engine::general_purpose::STANDARD.encode(&self.kept),
            )?,
        }
        if self.len > KEPT_BODY {
            map.serialize_entry("truncated_from", &self.len)?;
        }
        map.end()
    }
}

impl Forwarder {
    /// `base` may hold `user:password@`; it is never shown or saved. `client`: TLS for an
    /// https:// app, proxies.
    pub fn new(base: &Uri, timeout: Duration, client: delivery::ClientOptions) -> Self {
        let (base, basic_auth) = crate::http_headers::split_userinfo(base);
        let prefix = base.to_string().trim_end_matches('/').to_string();
        let host = base
            .authority()
            .and_then(|a| HeaderValue::from_str(a.as_str()).ok());
        Forwarder {
            base,
            prefix,
            host,
            basic_auth,
            client: delivery::Client::build(client),
            timeout,
        }
    }

    /// The app's URL, as shown and saved (without credentials).
    pub fn base(&self) -> &Uri {
        &self.base
    }

    /// The app's URL for a request target: the base URL's path, then the request's.
    fn url_for(&self, target: &str) -> String {
        [self.prefix.as_str(), target].concat()
    }

    /// Sends the request to the app, once. `Err` carries the status the sender gets when
    /// the app is down (502) or too slow (504); the record says what happened either way.
    pub async fn forward(
        &self,
        method: Method,
        target: &str,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> (Result<delivery::Answer, u16>, ForwardRecord) {
        let url = self.url_for(target);
        strip_hop_by_hop(&mut headers);
        if let Some(host) = &self.host {
            headers.insert(HOST, host.clone());
        }
        if let Some(auth) = &self.basic_auth {
            headers
                .entry(http::header::AUTHORIZATION)
                .or_insert_with(|| auth.clone());
        }
        let mut record = ForwardRecord {
            url: Some(url.clone()),
            ..ForwardRecord::default()
        };
        let request = match url.parse::<Uri>() {
            Ok(uri) => delivery::Request {
                method,
                url: uri,
                headers,
                body,
            },
            Err(e) => {
                record.error = Some(format!("not a URL: {e}"));
                return (Err(502), record);
            }
        };
        let attempt = self.client.attempt(request, self.timeout).await;
        record.latency_ms = crate::clock::millis(attempt.latency);
        let outcome = match attempt.outcome {
            Outcome::Answered(mut answer) => {
                record.status = Some(answer.status);
                strip_hop_by_hop(&mut answer.headers);
                record.response = Some(AppResponse::of(&answer));
                Ok(answer)
            }
            Outcome::Failed(cause) => {
                record.error = Some(cause);
                Err(502)
            }
            Outcome::TimedOut => {
                record.error = Some(format!(
                    "no answer within {}",
                    humantime::format_duration(self.timeout)
                ));
                Err(504)
            }
        };
        (outcome, record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(headers: &[(&'static str, &[u8])], body: Vec<u8>) -> serde_json::Value {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                http::HeaderName::from_static(name),
                HeaderValue::from_bytes(value).unwrap(),
            );
        }
        let answer = delivery::Answer {
            status: 500,
            headers: map,
            body: Bytes::from(body),
        };
        serde_json::to_value(AppResponse::of(&answer)).unwrap()
    }

    #[test]
    fn an_answer_is_recorded_as_pairs_and_text_or_base64() {
        let text = recorded(&[("x-app", b"yes"), ("x-raw", b"caf\xe9")], b"no".to_vec());
        assert_eq!(
            text,
            serde_json::json!({"headers": [["x-app", "yes"], ["x-raw", "\u{0}caf\u{e9}"]], "body": "no"})
        );
        let binary = recorded(&[], vec![0xff, 0x00]);
        assert_eq!(
            binary,
            serde_json::json!({"headers": [], "body_base64": "/wA="})
        );
    }

    #[test]
    fn a_long_body_is_cut_and_text_cut_inside_a_character_stays_text() {
        // "é" is two bytes: the cut falls between them.
        let mut body = vec![b'a'; KEPT_BODY - 1];
        body.extend("é and more".as_bytes());
        let cut = recorded(&[], body.clone());
        assert_eq!(cut["truncated_from"], body.len());
        assert_eq!(cut["body"].as_str().unwrap().len(), KEPT_BODY - 1);
        assert!(cut.get("body_base64").is_none(), "{}", cut["body_base64"]);
        // Bytes that are not text anywhere stay base64, cut or not.
        let mut binary = vec![0xff; 10];
        binary.resize(KEPT_BODY + 10, b'a');
        assert!(recorded(&[], binary).get("body_base64").is_some());
    }
}
