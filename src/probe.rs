//! `hookline probe`: does a webhook receiver do what a correct one does? A suite of
//! deliveries (valid, forged, tampered, stale, oddly formatted, repeated, rotated, large),
//! each sent once through the delivery client, each judged against what a correct receiver
//! answers. Pure of output: results go to a callback, the output layer renders them.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};

use crate::delivery::{self, Client, Outcome};
use crate::http_headers::append_pairs;
use crate::secret::Secret;
use crate::signing::{Header, Scheme, Signer};

/// The cases, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Valid,
    TamperedBody,
    MissingSignature,
    MalformedSignature,
    WrongSecret,
    StaleTimestamp,
    FutureTimestamp,
    OddJson,
    HeaderCase,
    Redelivery,
    Rotation,
    LargeBody,
}

/// What a correct receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// 2xx.
    Accept,
    /// 4xx.
    Reject,
    /// 2xx, or 413 (too large).
    AcceptOrTooLarge,
}

impl Expected {
    pub fn text(self) -> &'static str {
        match self {
            Expected::Accept => "2xx",
            Expected::Reject => "4xx",
            Expected::AcceptOrTooLarge => "2xx or 413",
        }
    }
}

impl Case {
    pub const ALL: [Case; 12] = [
        Case::Valid,
        Case::TamperedBody,
        Case::MissingSignature,
        Case::MalformedSignature,
        Case::WrongSecret,
        Case::StaleTimestamp,
        Case::FutureTimestamp,
        Case::OddJson,
        Case::HeaderCase,
        Case::Redelivery,
        Case::Rotation,
        Case::LargeBody,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Case::Valid => "valid",
            Case::TamperedBody => "tampered-body",
            Case::MissingSignature => "missing-signature",
            Case::MalformedSignature => "malformed-signature",
            Case::WrongSecret => "wrong-secret",
            Case::StaleTimestamp => "stale-timestamp",
            Case::FutureTimestamp => "future-timestamp",
            Case::OddJson => "odd-json",
            Case::HeaderCase => "header-case",
            Case::Redelivery => "redelivery",
            Case::Rotation => "rotation",
            Case::LargeBody => "large-body",
        }
    }

    pub fn from_name(name: &str) -> Option<Case> {
        Case::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn expected(self) -> Expected {
        match self {
            Case::Valid | Case::OddJson | Case::HeaderCase | Case::Redelivery | Case::Rotation => {
                Expected::Accept
            }
            Case::LargeBody => Expected::AcceptOrTooLarge,
            _ => Expected::Reject,
        }
    }
}

/// What every case shares.
pub struct Setup {
    pub url: Uri,
    pub scheme: Scheme,
    /// The first signs; a second one is for `rotation`.
    pub secrets: Vec<Secret>,
    pub signature_header: Option<String>,
    pub body: Vec<u8>,
    pub content_type: String,
    pub event: String,
    /// Sent with every request (`-H`, Basic auth from the URL).
    pub extra_headers: HeaderMap,
    /// Per request; a correct receiver answers well within it.
    pub timeout: Duration,
}

/// Past this, a receiver is slow: senders give up at 10 s, and one that processes before
/// answering will get there.
pub const SLOW: Duration = Duration::from_secs(1);

/// How far outside any tolerance the stale and future timestamps are.
const SKEW: i64 = 3600;

/// One request of a case, and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: Option<u16>,
    /// `timed out`, or the connection error.
    pub error: Option<String>,
    pub latency: Duration,
}

impl Exchange {
    /// `202`, `timed out`, `connection reset`.
    pub fn text(&self) -> String {
        match (self.status, &self.error) {
            (Some(status), _) => status.to_string(),
            (None, Some(e)) => e.clone(),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    Pass,
    /// Passed, with a note (slow, or an odd but acceptable answer).
    Warn(String),
    Fail(String),
    /// Not applicable here (no timestamp in the scheme, one secret only, a body that is
    /// not JSON).
    Skip(String),
}

impl Judgement {
    pub fn name(&self) -> &'static str {
        match self {
            Judgement::Pass => "pass",
            Judgement::Warn(_) => "warn",
            Judgement::Fail(_) => "fail",
            Judgement::Skip(_) => "skip",
        }
    }

    pub fn why(&self) -> Option<&str> {
        match self {
            Judgement::Pass => None,
            Judgement::Warn(w) | Judgement::Fail(w) | Judgement::Skip(w) => Some(w),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub case: Case,
    pub exchanges: Vec<Exchange>,
    pub judgement: Judgement,
}

impl CaseResult {
    /// The slowest of its requests.
    pub fn latency(&self) -> Option<Duration> {
        self.exchanges.iter().map(|e| e.latency).max()
    }
}

/// Runs `cases` one after another (a receiver is judged on its own, not under load) and
/// hands each result to `on` as it is known.
pub async fn run(
    setup: &Setup,
    cases: &[Case],
    client: &Client,
    title_case: &Client,
    mut on: impl FnMut(&CaseResult),
) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for &case in cases {
        let result = match requests(setup, case) {
            Err(why) => CaseResult {
                case,
                exchanges: Vec::new(),
                judgement: Judgement::Skip(why),
            },
            Ok(requests) => {
                let client = if case == Case::HeaderCase {
                    title_case
                } else {
                    client
                };
                let mut exchanges = Vec::new();
                for request in requests {
                    exchanges.push(exchange(client, request, setup.timeout).await);
                }
                let judgement = judge(case, &exchanges);
                CaseResult {
                    case,
                    exchanges,
                    judgement,
                }
            }
        };
        on(&result);
        results.push(result);
    }
    results
}

async fn exchange(client: &Client, request: delivery::Request, timeout: Duration) -> Exchange {
    let attempt = client.attempt(request, timeout).await;
    let (status, error) = match attempt.outcome {
        Outcome::Answered(a) => (Some(a.status), None),
        other => (None, Some(other.reason())),
    };
    Exchange {
        status,
        error,
        latency: attempt.latency,
    }
}

/// A case's verdict from what came back.
pub fn judge(case: Case, exchanges: &[Exchange]) -> Judgement {
    for (i, e) in exchanges.iter().enumerate() {
        let which = match (case, i) {
            (Case::Redelivery, 1) => "the repeat: ",
            (Case::Rotation, 1) => "signed with the second secret: ",
            (Case::Rotation, 0) => "signed with the first secret: ",
            _ => "",
        };
        let Some(status) = e.status else {
            let error = e.error.as_deref().unwrap_or("no answer");
            return Judgement::Fail(format!("{which}{error}"));
        };
        let fail = match (case.expected(), status) {
            (Expected::Accept, 200..=299) => None,
            (Expected::Accept, _) => Some(match case {
                Case::OddJson => "rejects a valid signature over unusually formatted JSON: verify the raw bytes, not re-serialized JSON".to_string(),
                Case::HeaderCase => "rejects signature headers in other letter case: header names are case-insensitive".to_string(),
                Case::Redelivery => "answer a redelivery 2xx (and skip the work by its delivery id), or the sender retries it".to_string(),
                _ => format!("rejects a correctly signed delivery ({status})"),
            }),
            (Expected::Reject, 200..=299) => Some("accepts forgeries (2xx)".to_string()),
            (Expected::Reject, 400..=499) => None,
            (Expected::Reject, 500..=599) => {
                Some("crashes on bad input (5xx): answer 4xx".to_string())
            }
            (Expected::AcceptOrTooLarge, 200..=299 | 413) => None,
            (Expected::AcceptOrTooLarge, 500..=599) => {
                Some("fails on a large body (5xx): accept it or answer 413".to_string())
            }
            (Expected::AcceptOrTooLarge, 400..=499) => {
                return Judgement::Warn(format!(
                    "answered {status}: 413 says the body is too large"
                ));
            }
            (_, other) => Some(format!("answered {other}")),
        };
        if let Some(why) = fail {
            return Judgement::Fail(format!("{which}{why}"));
        }
    }
    match exchanges.iter().map(|e| e.latency).max() {
        Some(slow) if slow > SLOW => Judgement::Warn(format!(
            "answered after {:.1} s: answer first, process later",
            slow.as_secs_f64()
        )),
        _ => Judgement::Pass,
    }
}

/// The requests a case sends, or why it does not apply.
fn requests(setup: &Setup, case: Case) -> Result<Vec<delivery::Request>, String> {
    let now = crate::clock::unix_now();
    let secret = &setup.secrets[0];
    let body = setup.body.as_slice();
    let one = |r: delivery::Request| Ok(vec![r]);
    let timestamped = || {
        if setup.scheme.is_timestamped() {
            Ok(())
        } else {
            Err(format!("the {} scheme signs no timestamp", setup.scheme))
        }
    };
    match case {
        Case::Valid | Case::HeaderCase => {
            one(signed(setup, secret, now, &new_id(setup), body, body))
        }
        Case::TamperedBody => one(signed(
            setup,
            secret,
            now,
            &new_id(setup),
            body,
            &tampered(body),
        )),
        Case::MissingSignature => {
            let mut request = signed(setup, secret, now, &new_id(setup), body, body);
            request.headers.remove(signature_header(setup));
            one(request)
        }
        Case::MalformedSignature => {
            let mut request = signed(setup, secret, now, &new_id(setup), body, body);
            request.headers.insert(
                http::HeaderName::from_bytes(signature_header(setup).as_bytes())
                    .expect("signature header names are valid"),
                http::HeaderValue::from_static("not-a-signature!"),
            );
            one(request)
        }
        Case::WrongSecret => {
            let wrong = random_secret(setup.scheme);
            one(signed(setup, &wrong, now, &new_id(setup), body, body))
        }
        Case::StaleTimestamp => {
            timestamped()?;
            one(signed(
                setup,
                secret,
                now - SKEW,
                &new_id(setup),
                body,
                body,
            ))
        }
        Case::FutureTimestamp => {
            timestamped()?;
            one(signed(
                setup,
                secret,
                now + SKEW,
                &new_id(setup),
                body,
                body,
            ))
        }
        Case::OddJson => {
            let odd = odd_json(body).ok_or("the body is not JSON")?;
            one(signed(setup, secret, now, &new_id(setup), &odd, &odd))
        }
        Case::Redelivery => {
            let id = new_id(setup);
            let request = signed(setup, secret, now, &id, body, body);
            Ok(vec![request.clone(), request])
        }
        Case::Rotation => {
            let second = setup
                .secrets
                .get(1)
                .ok_or("one secret given: pass a second --secret to check rotation")?;
            Ok(vec![
                signed(setup, secret, now, &new_id(setup), body, body),
                signed(setup, second, now, &new_id(setup), body, body),
            ])
        }
        Case::LargeBody => {
            let large = large(body);
            one(signed(setup, secret, now, &new_id(setup), &large, &large))
        }
    }
}

fn signature_header(setup: &Setup) -> String {
    setup
        .scheme
        .signature_header(setup.signature_header.as_deref())
        .to_ascii_lowercase()
}

fn new_id(setup: &Setup) -> String {
    match setup.scheme {
        Scheme::Standard => crate::ids::new_id("msg_"),
        _ => crate::ids::new_id("dlv_"),
    }
}

/// A request carrying `sent`, signed over `signed_body` with `secret` at `timestamp`.
fn signed(
    setup: &Setup,
    secret: &Secret,
    timestamp: i64,
    id: &str,
    signed_body: &[u8],
    sent: &[u8],
) -> delivery::Request {
    let names = setup.scheme.headers();
    let mut headers: Vec<Header> = vec![("Content-Type".into(), setup.content_type.clone())];
    if let Some(name) = names.event {
        headers.push((name.into(), setup.scheme.event_value(&setup.event)));
    }
    let mut signer = Signer::new(setup.scheme, secret, timestamp, id)
        .expect("the keys were checked before probing")
        .with_signature_header(setup.signature_header.as_deref());
    signer.update(signed_body);
    let signature = signer.finish();
    if let Some(name) = names.delivery_id {
        if !signature.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            headers.push((name.into(), id.to_string()));
        }
    }
    headers.extend(signature);
    let mut map = setup.extra_headers.clone();
    append_pairs(&mut map, &headers).expect("probe headers are plain ASCII");
    delivery::Request {
        method: Method::POST,
        url: setup.url.clone(),
        headers: map,
        body: Bytes::copy_from_slice(sent),
    }
}

/// A secret of the right form that is not the receiver's.
fn random_secret(scheme: Scheme) -> Secret {
    use base64::Engine as _;
    let bytes: [u8; 24] = rand::random();
    match scheme {
        Scheme::Standard => Secret::new(format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )),
        _ => Secret::new(hex::encode(bytes)),
    }
}

/// The body changed after signing, in a way that changes what it says: a JSON object gets
/// one more field; anything else one byte flipped.
fn tampered(body: &[u8]) -> Vec<u8> {
    let trimmed = body.trim_ascii_start();
    if trimmed.starts_with(b"{") && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        let at = body.len() - trimmed.len() + 1;
        let inner_empty = trimmed[1..].trim_ascii_start().starts_with(b"}");
        let field: &[u8] = if inner_empty {
            br#""tampered":true"#
        } else {
            br#""tampered":true,"#
        };
        return [&body[..at], field, &body[at..]].concat();
    }
    let mut changed = body.to_vec();
    match changed.last_mut() {
        Some(last) => *last ^= 1,
        None => changed.push(b'x'),
    }
    changed
}

/// The same JSON written the way no serializer would: keys in reverse order, spaces around
/// everything, strings with `\u` escapes. A receiver that re-serializes JSON before
/// checking the signature gets different bytes.
pub fn odd_json(body: &[u8]) -> Option<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut out = String::new();
    write_odd(&value, &mut out);
    Some(out.into_bytes())
}

fn write_odd(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            out.push_str("{ ");
            for (i, (key, item)) in map.iter().rev().enumerate() {
                if i > 0 {
                    out.push_str(" ,  ");
                }
                write_odd_string(key, out);
                out.push_str(" :  ");
                write_odd(item, out);
            }
            out.push_str(" }");
        }
        Value::Array(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(" , ");
                }
                write_odd(item, out);
            }
            out.push_str(" ]");
        }
        Value::String(text) => write_odd_string(text, out),
        other => out.push_str(&other.to_string()),
    }
}

/// A JSON string with its first character and everything outside printable ASCII as `\u`
/// escapes (surrogate pairs past the BMP).
fn write_odd_string(text: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' if i > 0 => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// About 5 MB: the size past which senders tend to send a URL instead of the data. A JSON
/// object gets a `padding` field; anything else is repeated.
fn large(body: &[u8]) -> Vec<u8> {
    const SIZE: usize = 5 << 20;
    let trimmed = body.trim_ascii_start();
    if trimmed.starts_with(b"{") && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        let at = body.len() - trimmed.len() + 1;
        let mut out = Vec::with_capacity(SIZE + body.len() + 32);
        out.extend_from_slice(&body[..at]);
        out.extend_from_slice(br#""padding":""#);
        out.resize(out.len() + SIZE, b'x');
        let inner_empty = trimmed[1..].trim_ascii_start().starts_with(b"}");
        out.extend_from_slice(if inner_empty { b"\"" } else { b"\"," });
        out.extend_from_slice(&body[at..]);
        return out;
    }
    let mut out = Vec::with_capacity(SIZE + body.len());
    while out.len() < SIZE {
        out.extend_from_slice(if body.is_empty() { b"x" } else { body });
    }
    out
}

/// The body probes send when no fixture is given.
pub const DEFAULT_BODY: &str = r#"{"id":"evt_probe_0001","type":"probe.check","created":1764547200,"data":{"message":"a hookline probe delivery","amount":1999,"currency":"eur","tags":["a","b"],"note":"café ☕"}}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_json_means_the_same_in_other_bytes() {
        let body = br#"{"a":"caf\u00e9 \ud83d\ude00","b":[1,2,{"c":null}],"d":"x"}"#;
        let odd = odd_json(body).unwrap();
        assert_ne!(odd, body.to_vec());
        let original: serde_json::Value = serde_json::from_slice(body).unwrap();
        let again: serde_json::Value = serde_json::from_slice(&odd).unwrap();
        assert_eq!(original, again);
        let text = String::from_utf8(odd).unwrap();
        assert!(text.starts_with(r#"{ "\u0064" :  "#), "{text}");
        assert!(text.contains(r#"\ud83d\ude00"#), "{text}");
        assert!(odd_json(b"a=1&b=2").is_none());
    }

    #[test]
    fn tampering_changes_what_the_body_says() {
        let body = br#" {"amount":1}"#;
        let t = tampered(body);
        assert_eq!(t, br#" {"tampered":true,"amount":1}"#.to_vec());
        assert_eq!(tampered(b"{}"), br#"{"tampered":true}"#.to_vec());
        assert_eq!(tampered(b"a=1"), b"a=0".to_vec());
        let big = large(DEFAULT_BODY.as_bytes());
        assert!(big.len() > 5 << 20);
        let _: serde_json::Value = serde_json::from_slice(&big).unwrap();
        let _: serde_json::Value = serde_json::from_slice(&large(b"{ }")).unwrap();
    }

    #[test]
    fn judgements() {
        let ex = |status: Option<u16>, ms: u64| Exchange {
            status,
            error: status.is_none().then(|| "timed out".to_string()),
            latency: Duration::from_millis(ms),
        };
        assert_eq!(judge(Case::Valid, &[ex(Some(202), 5)]), Judgement::Pass);
        assert!(matches!(
            judge(Case::Valid, &[ex(Some(202), 1500)]),
            Judgement::Warn(_)
        ));
        assert!(
            matches!(judge(Case::TamperedBody, &[ex(Some(200), 5)]), Judgement::Fail(w) if w.contains("forgeries"))
        );
        assert!(
            matches!(judge(Case::TamperedBody, &[ex(Some(500), 5)]), Judgement::Fail(w) if w.contains("5xx"))
        );
        assert_eq!(
            judge(Case::WrongSecret, &[ex(Some(401), 5)]),
            Judgement::Pass
        );
        assert_eq!(judge(Case::LargeBody, &[ex(Some(413), 5)]), Judgement::Pass);
        assert!(matches!(
            judge(Case::LargeBody, &[ex(None, 5)]),
            Judgement::Fail(_)
        ));
        assert!(
            matches!(judge(Case::Redelivery, &[ex(Some(202), 5), ex(Some(409), 5)]), Judgement::Fail(w) if w.starts_with("the repeat"))
        );
    }
}
