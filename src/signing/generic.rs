//! `generic`: `X-Signature: sha256=<hex>` over the body (header name changeable).

use super::encoding::{body_only, hex_tag, prefixed_hex};
use super::{Header, HeaderNames, Presented, Rejection, Scheme, Tag};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "X-Signature",
    timestamp: None,
    id: None,
    event: Some("X-Event"),
    delivery_id: Some("X-Delivery-Id"),
    body_event_id: None,
};

pub(super) fn headers(tag: &Tag, signature_header: Option<&str>) -> Vec<Header> {
    let name = Scheme::Generic.signature_header(signature_header);
    vec![(name.to_string(), format!("sha256={}", hex_tag(tag)))]
}

pub(super) fn parse(
    headers: &[Header],
    signature_header: Option<&str>,
) -> Result<Presented, Rejection> {
    let name = Scheme::Generic.signature_header(signature_header);
    prefixed_hex(headers, name, "sha256=").map(body_only)
}
