//! `stripe`: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` over `{t}.{body}`.
//! Only `v1=` entries count (as in Stripe's libraries); `v0=` and unknown keys are ignored.
//! The secret is used as given: `whsec_…` is not decoded.

use super::encoding::{decode_hex_tag, hex_tag};
use super::{header_values, malformed, missing, Header, HeaderNames, Presented, Rejection, Tag};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "Stripe-Signature",
    timestamp: None,
    id: None,
    event: None,
    delivery_id: None,
    body_event_id: Some("id"),
};

pub(super) fn headers(tag: &Tag, timestamp: i64) -> Vec<Header> {
    vec![(
        HEADERS.signature.to_string(),
        format!("t={timestamp},v1={}", hex_tag(tag)),
    )]
}

pub(super) fn parse(headers: &[Header]) -> Result<Presented, Rejection> {
    let name = HEADERS.signature;
    let mut values = header_values(headers, name).peekable();
    if values.peek().is_none() {
        return Err(missing(&[name]));
    }
    let mut timestamp = None;
    let mut v1_entries = 0;
    let mut candidates = Vec::new();
    for item in values.flat_map(|v| v.split(',')) {
        let Some((key, value)) = item.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| malformed(format!("{name}: t= is not a Unix timestamp")))?,
                )
            }
            "v1" => {
                v1_entries += 1;
                candidates.extend(decode_hex_tag(value));
            }
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(malformed(format!("{name} has no t= timestamp")));
    };
    if v1_entries == 0 {
        return Err(malformed(format!("{name} has no v1= signature")));
    }
    if candidates.is_empty() {
        return Err(malformed(format!("{name}: v1= is not 64 hex digits")));
    }
    Ok(Presented {
        candidates,
        timestamp: Some(timestamp),
        id: String::new(),
    })
}
