//! `github`: `X-Hub-Signature-256: sha256=<hex>` over the body.

use super::encoding::{body_only, hex_tag, prefixed_hex};
use super::{Header, HeaderNames, Presented, Rejection, Tag};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "X-Hub-Signature-256",
    timestamp: None,
    id: None,
    event: Some("X-GitHub-Event"),
    delivery_id: Some("X-GitHub-Delivery"),
    body_event_id: None,
};

pub(super) fn headers(tag: &Tag) -> Vec<Header> {
    vec![(
        HEADERS.signature.to_string(),
        format!("sha256={}", hex_tag(tag)),
    )]
}

pub(super) fn parse(headers: &[Header]) -> Result<Presented, Rejection> {
    prefixed_hex(headers, HEADERS.signature, "sha256=").map(body_only)
}
