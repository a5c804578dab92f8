//! The signing core: pure and synchronous (no I/O, no clock, no async).
//!
//! Every command signs and verifies through here. Bodies are fed in chunks
//! ([`Signer::update`], [`Verifier::update`]) so a 1 GB body never has to sit in
//! memory; the current time is an argument, never read from the system.

mod encoding;
mod generic;
mod github;
mod shopify;
mod slack;
mod standard;
mod stripe;

use std::fmt;

use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq;

use crate::secret::Secret;

pub use encoding::group_thousands;

/// A header as an ordered `(name, value)` pair; names compare case-insensitively.
pub type Header = (String, String);

pub(crate) type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// An HMAC-SHA256 tag: what every scheme signs with.
pub(crate) type Tag = [u8; 32];

/// Default timestamp tolerance, as in Stripe's, Slack's and Standard Webhooks' libraries.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// The webhook signature schemes hookline speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Generic,
    Github,
    Stripe,
    Standard,
    Slack,
    Shopify,
}

/// A scheme, or "detect it from the headers" (verification only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeChoice {
    Auto,
    Fixed(Scheme),
}

/// The header names a scheme uses. This table is the one place they are written down;
/// `listen`, `send` and `replay` read them from here.
#[derive(Debug, PartialEq, Eq)]
pub struct HeaderNames {
    /// Carries the signature (for Stripe, also the timestamp).
    pub signature: &'static str,
    /// A separate timestamp header, for schemes that sign a timestamp.
    pub timestamp: Option<&'static str>,
    /// The message id that is part of the signed content (Standard Webhooks).
    pub id: Option<&'static str>,
    /// The provider's event-type header.
    pub event: Option<&'static str>,
    /// The provider's delivery-id header (what receivers de-duplicate on).
    pub delivery_id: Option<&'static str>,
    /// The top-level body field that identifies the event, for providers that send no
    /// delivery-id header (Stripe's `id`, Slack's `event_id`); redeliveries repeat it.
    pub body_event_id: Option<&'static str>,
}

impl Scheme {
    pub const ALL: [Scheme; 6] = [
        Scheme::Generic,
        Scheme::Github,
        Scheme::Stripe,
        Scheme::Standard,
        Scheme::Slack,
        Scheme::Shopify,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Generic => "generic",
            Scheme::Github => "github",
            Scheme::Stripe => "stripe",
            Scheme::Standard => "standard",
            Scheme::Slack => "slack",
            Scheme::Shopify => "shopify",
        }
    }

    pub fn from_name(name: &str) -> Option<Scheme> {
        Scheme::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }

    pub fn headers(self) -> &'static HeaderNames {
        match self {
            Scheme::Generic => &generic::HEADERS,
            Scheme::Github => &github::HEADERS,
            Scheme::Stripe => &stripe::HEADERS,
            Scheme::Standard => &standard::HEADERS,
            Scheme::Slack => &slack::HEADERS,
            Scheme::Shopify => &shopify::HEADERS,
        }
    }

    /// The header that carries the signature; only the generic scheme's can be renamed.
    pub fn signature_header(self, generic_override: Option<&str>) -> &str {
        match (self, generic_override) {
            (Scheme::Generic, Some(custom)) => custom,
            _ => self.headers().signature,
        }
    }

    fn alias_headers(self) -> Option<&'static HeaderNames> {
        match self {
            Scheme::Standard => Some(&standard::SVIX_HEADERS),
            _ => None,
        }
    }

    /// The event header's value for an event named `name` (a file name, say). Shopify's
    /// topics are `resource/action`, and a file name cannot hold a `/`: `orders-create`
    /// is sent as `orders/create`. Other schemes, and names with a `/`, are kept.
    pub fn event_value(self, name: &str) -> String {
        match self {
            Scheme::Shopify if !name.contains('/') => name.replacen('-', "/", 1),
            _ => name.to_string(),
        }
    }

    /// Whether the signature covers a timestamp (and so goes stale): Stripe's sits in its
    /// signature header, Slack's and Standard Webhooks' in their own.
    pub fn is_timestamped(self) -> bool {
        self.signed_prefix(0, "").is_some()
    }

    /// The bytes fed to the MAC before the body.
    fn signed_prefix(self, timestamp: i64, id: &str) -> Option<String> {
        match self {
            Scheme::Stripe => Some(format!("{timestamp}.")),
            Scheme::Standard => Some(format!("{id}.{timestamp}.")),
            Scheme::Slack => Some(format!("v0:{timestamp}:")),
            Scheme::Generic | Scheme::Github | Scheme::Shopify => None,
        }
    }

    /// The MAC key for a secret: the secret's bytes, except for Standard Webhooks,
    /// whose secrets are base64 (optionally prefixed `whsec_`).
    pub fn mac_key(self, secret: &Secret) -> Result<Vec<u8>, KeyError> {
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        match self {
            Scheme::Standard => standard::decode_secret(secret.expose()),
            _ => Ok(secret.expose().to_vec()),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a secret cannot be used. Never carries the secret or any part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the secret is empty")]
    Empty,
    #[error("no secret given")]
    Missing,
    #[error("a standard-scheme secret must be base64, optionally prefixed with whsec_; this one is not valid base64")]
    NotBase64,
}

/// A MAC keyed for one secret, already fed what the scheme signs before the body.
fn keyed_mac(key: &[u8], prefix: Option<&str>) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    if let Some(p) = prefix {
        mac.update(p.as_bytes());
    }
    mac
}

/// Signs one body, fed in chunks, for one scheme.
pub struct Signer {
    scheme: Scheme,
    timestamp: i64,
    id: String,
    signature_header: Option<String>,
    mac: HmacSha256,
}

impl Signer {
    /// `timestamp` (Unix seconds) and `id` are used by the schemes that sign them and
    /// ignored by the others.
    pub fn new(
        scheme: Scheme,
        secret: &Secret,
        timestamp: i64,
        id: &str,
    ) -> Result<Self, KeyError> {
        let prefix = scheme.signed_prefix(timestamp, id);
        let mac = keyed_mac(&scheme.mac_key(secret)?, prefix.as_deref());
        Ok(Signer {
            scheme,
            timestamp,
            id: id.to_string(),
            signature_header: None,
            mac,
        })
    }

    /// Renames the signature header (the generic scheme only; others keep the provider's name).
    pub fn with_signature_header(mut self, name: Option<&str>) -> Self {
        self.signature_header = name.map(str::to_string);
        self
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.mac.update(chunk);
    }

    /// The headers to send with the body, in the order providers send them.
    pub fn finish(self) -> Vec<Header> {
        let tag: Tag = self.mac.finalize().into_bytes().into();
        match self.scheme {
            Scheme::Generic => generic::headers(&tag, self.signature_header.as_deref()),
            Scheme::Github => github::headers(&tag),
            Scheme::Stripe => stripe::headers(&tag, self.timestamp),
            Scheme::Standard => standard::headers(&tag, self.timestamp, &self.id),
            Scheme::Slack => slack::headers(&tag, self.timestamp),
            Scheme::Shopify => shopify::headers(&tag),
        }
    }
}

/// Signs a body held in memory.
pub fn sign(
    scheme: Scheme,
    secret: &Secret,
    timestamp: i64,
    id: &str,
    body: &[u8],
) -> Result<Vec<Header>, KeyError> {
    let mut signer = Signer::new(scheme, secret, timestamp, id)?;
    signer.update(body);
    Ok(signer.finish())
}

/// Why a request is not valid: exactly one of a fixed set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    MissingSignature,
    MalformedSignature,
    TimestampOutOfTolerance,
    Mismatch,
}

impl Reason {
    /// The code used in JSON output and captures.
    pub fn code(self) -> &'static str {
        match self {
            Reason::MissingSignature => "missing_signature",
            Reason::MalformedSignature => "malformed_signature",
            Reason::TimestampOutOfTolerance => "timestamp_out_of_tolerance",
            Reason::Mismatch => "mismatch",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The result of verifying one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub scheme: Scheme,
    /// `None` when valid.
    pub reason: Option<Reason>,
    /// The reason in plain words, e.g. "timestamp 412 s old, tolerance 300 s".
    pub detail: Option<String>,
    /// Which secret matched (0-based), for rotation.
    pub matched_secret: Option<usize>,
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        self.reason.is_none()
    }

    fn rejected(scheme: Scheme, reason: Reason, detail: String) -> Self {
        Verdict {
            scheme,
            reason: Some(reason),
            detail: Some(detail),
            matched_secret: None,
        }
    }
}

/// What the request presents, once its headers are parsed.
#[derive(Debug)]
pub(crate) struct Presented {
    pub candidates: Vec<Tag>,
    pub timestamp: Option<i64>,
    pub id: String,
}

/// A request the headers alone already decide (missing or malformed signature).
pub(crate) type Rejection = (Reason, String);

#[derive(Clone, Debug)]
pub struct VerifyOptions {
    pub scheme: SchemeChoice,
    /// The generic scheme's signature header, when not `X-Signature`.
    pub signature_header: Option<String>,
    pub tolerance_secs: u64,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            scheme: SchemeChoice::Auto,
            signature_header: None,
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
        }
    }
}

/// Finds the scheme of a request from the signature headers it carries.
pub fn detect_scheme(headers: &[Header], generic_header: Option<&str>) -> Option<Scheme> {
    let has = |name: &str| first_value(headers, name).is_some();
    [
        Scheme::Github,
        Scheme::Stripe,
        Scheme::Standard,
        Scheme::Slack,
        Scheme::Shopify,
    ]
    .into_iter()
    .find(|s| has(s.headers().signature) || s.alias_headers().is_some_and(|a| has(a.signature)))
    .or_else(|| has(Scheme::Generic.signature_header(generic_header)).then_some(Scheme::Generic))
}

/// Every scheme's header table, aliases included, with `preferred`'s first.
fn header_tables(preferred: Option<Scheme>) -> impl Iterator<Item = &'static HeaderNames> {
    let first = preferred.map(|s| s.headers());
    first.into_iter().chain(
        Scheme::ALL
            .into_iter()
            .flat_map(|s| std::iter::once(s.headers()).chain(s.alias_headers())),
    )
}

/// Whether a header is one a signer writes for some scheme: its signature, timestamp or
/// signed id (aliases such as `svix-*` included). Re-signing drops these first.
pub fn is_signing_header(name: &str) -> bool {
    header_tables(None)
        .flat_map(|t| [Some(t.signature), t.timestamp, t.id])
        .flatten()
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// The provider's event type from its event header (`X-GitHub-Event`, `X-Event`, …),
/// looking first at `preferred` scheme's header, then at every scheme's.
pub fn event_header(headers: &[Header], preferred: Option<Scheme>) -> Option<&str> {
    header_tables(preferred)
        .filter_map(|t| t.event)
        .find_map(|name| first_value(headers, name))
}

/// The delivery id receivers de-duplicate on (`X-GitHub-Delivery`, `webhook-id`, …),
/// looking first at `preferred` scheme's header, then at every scheme's.
pub fn delivery_id(headers: &[Header], preferred: Option<Scheme>) -> Option<&str> {
    header_tables(preferred)
        .filter_map(|t| t.delivery_id)
        .find_map(|name| first_value(headers, name))
}

/// The first value of a header with this name (compared case-insensitively). A plain loop:
/// listen looks up every scheme's event, id and signature headers on every request, and
/// as an iterator chain its closures were not always inlined (~1,000 instructions more per
/// request, bench/instructions.sh).
pub fn first_value<'h>(headers: &'h [Header], name: &str) -> Option<&'h str> {
    for (n, v) in headers {
        if n.len() == name.len() && n.eq_ignore_ascii_case(name) {
            return Some(v);
        }
    }
    None
}

/// Values of every header with this name, in order (names compare case-insensitively).
pub fn header_values<'h: 'n, 'n>(
    headers: &'h [Header],
    name: &'n str,
) -> impl Iterator<Item = &'h str> + 'n {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Secrets keyed for HMAC once, for a receiver that checks many requests with the same
/// secrets: keying a MAC hashes two blocks, copying a keyed one does not. No `Debug`: it
/// holds key material.
pub struct Keys {
    /// Per secret, keyed with its bytes as given (every scheme but Standard Webhooks)…
    raw: Vec<Result<HmacSha256, KeyError>>,
    /// …and with its base64-decoded bytes (Standard Webhooks).
    standard: Vec<Result<HmacSha256, KeyError>>,
}

impl Keys {
    pub fn new(secrets: &[Secret]) -> Self {
        let keyed = |scheme: Scheme| {
            secrets
                .iter()
                .map(|s| scheme.mac_key(s).map(|key| keyed_mac(&key, None)))
                .collect()
        };
        Keys {
            raw: keyed(Scheme::Generic),
            standard: keyed(Scheme::Standard),
        }
    }

    /// How many secrets.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// One keyed MAC per secret for `scheme`; the first secret that cannot be used for
    /// the scheme is the error.
    fn macs(&self, scheme: Scheme) -> Result<Vec<HmacSha256>, KeyError> {
        let keyed = match scheme {
            Scheme::Standard => &self.standard,
            _ => &self.raw,
        };
        keyed.iter().cloned().collect()
    }
}

/// Verifies one request: headers first, then the body in chunks, then [`Verifier::finish`].
pub struct Verifier {
    scheme: Scheme,
    tolerance_secs: u64,
    state: State,
}

enum State {
    Decided(Rejection),
    Hashing {
        macs: Vec<HmacSha256>,
        presented: Presented,
    },
}

impl Verifier {
    /// Errors only when a secret cannot be used for the scheme (empty, or not base64
    /// for Standard Webhooks); a bad request is a [`Verdict`], not an error.
    pub fn new(
        options: &VerifyOptions,
        secrets: &[Secret],
        headers: &[Header],
    ) -> Result<Self, KeyError> {
        Self::with_keys(options, &Keys::new(secrets), headers)
    }

    /// As [`Verifier::new`], with the secrets keyed once beforehand.
    pub fn with_keys(
        options: &VerifyOptions,
        keys: &Keys,
        headers: &[Header],
    ) -> Result<Self, KeyError> {
        if keys.is_empty() {
            return Err(KeyError::Missing);
        }
        let generic_header = options.signature_header.as_deref();
        let scheme = match options.scheme {
            SchemeChoice::Fixed(s) => s,
            SchemeChoice::Auto => detect_scheme(headers, generic_header).unwrap_or(Scheme::Generic),
        };
        // A secret the scheme cannot use is an error whatever the headers say.
        let keyed = keys.macs(scheme)?;
        let parsed = match scheme {
            Scheme::Generic => generic::parse(headers, generic_header),
            Scheme::Github => github::parse(headers),
            Scheme::Stripe => stripe::parse(headers),
            Scheme::Standard => standard::parse(headers),
            Scheme::Slack => slack::parse(headers),
            Scheme::Shopify => shopify::parse(headers),
        };
        let state = match parsed {
            Err(rejection) => State::Decided(rejection),
            Ok(presented) => {
                let prefix = scheme.signed_prefix(presented.timestamp.unwrap_or(0), &presented.id);
                let mut macs = keyed;
                if let Some(p) = prefix {
                    for mac in &mut macs {
                        mac.update(p.as_bytes());
                    }
                }
                State::Hashing { macs, presented }
            }
        };
        Ok(Verifier {
            scheme,
            tolerance_secs: options.tolerance_secs,
            state,
        })
    }

    /// False when the headers already decided the verdict, so the body need not be read.
    pub fn needs_body(&self) -> bool {
        matches!(self.state, State::Hashing { .. })
    }

    pub fn update(&mut self, chunk: &[u8]) {
        if let State::Hashing { macs, .. } = &mut self.state {
            for mac in macs {
                mac.update(chunk);
            }
        }
    }

    /// The verdict, with `now` (Unix seconds) for the timestamp check.
    pub fn finish(self, now: i64) -> Verdict {
        let (macs, presented) = match self.state {
            State::Decided((reason, detail)) => {
                return Verdict::rejected(self.scheme, reason, detail)
            }
            State::Hashing { macs, presented } => (macs, presented),
        };
        // Compare every tag with every candidate in constant time; rotation means any
        // secret may match, and providers may send several signatures at once.
        let mut matched = None;
        for (i, mac) in macs.into_iter().enumerate() {
            let tag: Tag = mac.finalize().into_bytes().into();
            let hit = presented
                .candidates
                .iter()
                .fold(subtle::Choice::from(0), |acc, c| acc | tag.ct_eq(c));
            if bool::from(hit) && matched.is_none() {
                matched = Some(i);
            }
        }
        let Some(secret_index) = matched else {
            return Verdict::rejected(self.scheme, Reason::Mismatch, "mismatch".to_string());
        };
        if let Some(ts) = presented.timestamp {
            let age = now.saturating_sub(ts);
            if age.unsigned_abs() > self.tolerance_secs {
                let when = if age > 0 { "old" } else { "in the future" };
                let detail = format!(
                    "timestamp {} s {when}, tolerance {} s",
                    group_thousands(age.unsigned_abs()),
                    group_thousands(self.tolerance_secs)
                );
                return Verdict::rejected(self.scheme, Reason::TimestampOutOfTolerance, detail);
            }
        }
        Verdict {
            scheme: self.scheme,
            reason: None,
            detail: None,
            matched_secret: Some(secret_index),
        }
    }
}

/// Verifies a request whose body is in memory.
pub fn verify(
    options: &VerifyOptions,
    secrets: &[Secret],
    headers: &[Header],
    body: &[u8],
    now: i64,
) -> Result<Verdict, KeyError> {
    verify_with(options, &Keys::new(secrets), headers, body, now)
}

/// [`verify`], with the secrets keyed once beforehand (a receiver's many requests).
pub fn verify_with(
    options: &VerifyOptions,
    keys: &Keys,
    headers: &[Header],
    body: &[u8],
    now: i64,
) -> Result<Verdict, KeyError> {
    let mut verifier = Verifier::with_keys(options, keys, headers)?;
    verifier.update(body);
    Ok(verifier.finish(now))
}

/// A missing-signature rejection naming the header that was looked for.
fn missing(names: &[&str]) -> Rejection {
    (
        Reason::MissingSignature,
        format!("no {} header", names.join(" or ")),
    )
}

fn malformed(detail: impl Into<String>) -> Rejection {
    (Reason::MalformedSignature, detail.into())
}

/// Parses a timestamp header value (Unix seconds).
fn parse_timestamp(name: &str, value: &str) -> Result<i64, Rejection> {
    value
        .trim()
        .parse::<i64>()
        .map_err(|_| malformed(format!("{name} is not a Unix timestamp")))
}
