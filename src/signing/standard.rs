//! `standard` (Standard Webhooks / Svix): `webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64> [v1,<base64> …]` over `{id}.{timestamp}.{body}`.
//! The `svix-*` names are accepted too. Secrets are base64, optionally prefixed `whsec_`,
//! and decoded for any secret given to this scheme, as the standardwebhooks library does.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::encoding::{base64_tag, decode_base64_tag};
use super::{
    first_value, header_values, malformed, missing, parse_timestamp, Header, HeaderNames, KeyError,
    Presented, Rejection, Tag,
};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "webhook-signature",
    timestamp: Some("webhook-timestamp"),
    id: Some("webhook-id"),
    event: None,
    delivery_id: Some("webhook-id"),
    body_event_id: None,
};

pub(super) const SVIX_HEADERS: HeaderNames = HeaderNames {
    signature: "svix-signature",
    timestamp: Some("svix-timestamp"),
    id: Some("svix-id"),
    event: None,
    delivery_id: Some("svix-id"),
    body_event_id: None,
};

pub(super) fn decode_secret(secret: &[u8]) -> Result<Vec<u8>, KeyError> {
    let encoded = secret.strip_prefix(b"whsec_").unwrap_or(secret);
    BASE64.decode(encoded).map_err(|_| KeyError::NotBase64)
}

pub(super) fn headers(tag: &Tag, timestamp: i64, id: &str) -> Vec<Header> {
    vec![
        (HEADERS.id.unwrap_or_default().to_string(), id.to_string()),
        (
            HEADERS.timestamp.unwrap_or_default().to_string(),
            timestamp.to_string(),
        ),
        (
            HEADERS.signature.to_string(),
            format!("v1,{}", base64_tag(tag)),
        ),
    ]
}

pub(super) fn parse(headers: &[Header]) -> Result<Presented, Rejection> {
    // Use the webhook-* set when it carries a signature, else the svix-* set.
    let names = if first_value(headers, HEADERS.signature).is_some() {
        &HEADERS
    } else if first_value(headers, SVIX_HEADERS.signature).is_some() {
        &SVIX_HEADERS
    } else {
        return Err(missing(&[HEADERS.signature, SVIX_HEADERS.signature]));
    };
    let mut entries = 0;
    let mut candidates = Vec::new();
    for entry in header_values(headers, names.signature).flat_map(str::split_whitespace) {
        let Some((version, sig)) = entry.split_once(',') else {
            continue;
        };
        if version == "v1" {
            entries += 1;
            candidates.extend(decode_base64_tag(sig));
        }
    }
    if entries == 0 || candidates.is_empty() {
        return Err(malformed(format!(
            "{} has no v1,<base64 SHA-256 digest> entry",
            names.signature
        )));
    }
    let required = |name: &'static str| {
        first_value(headers, name).ok_or_else(|| malformed(format!("no {name} header")))
    };
    let id_name = names.id.unwrap_or_default();
    let ts_name = names.timestamp.unwrap_or_default();
    let id = required(id_name)?;
    let ts = required(ts_name)?;
    Ok(Presented {
        candidates,
        timestamp: Some(parse_timestamp(ts_name, ts)?),
        id: id.to_string(),
    })
}
