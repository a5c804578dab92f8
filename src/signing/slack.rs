//! `slack`: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`.

use super::encoding::{hex_tag, prefixed_hex};
use super::{
    first_value, malformed, parse_timestamp, Header, HeaderNames, Presented, Rejection, Tag,
};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "X-Slack-Signature",
    timestamp: Some(TIMESTAMP),
    id: None,
    event: None,
    delivery_id: None,
    body_event_id: Some("event_id"),
};

const TIMESTAMP: &str = "X-Slack-Request-Timestamp";

pub(super) fn headers(tag: &Tag, timestamp: i64) -> Vec<Header> {
    vec![
        (TIMESTAMP.to_string(), timestamp.to_string()),
        (
            HEADERS.signature.to_string(),
            format!("v0={}", hex_tag(tag)),
        ),
    ]
}

pub(super) fn parse(headers: &[Header]) -> Result<Presented, Rejection> {
    let candidates = prefixed_hex(headers, HEADERS.signature, "v0=")?;
    let ts = first_value(headers, TIMESTAMP)
        .ok_or_else(|| malformed(format!("no {TIMESTAMP} header")))?;
    Ok(Presented {
        candidates,
        timestamp: Some(parse_timestamp(TIMESTAMP, ts)?),
        id: String::new(),
    })
}
