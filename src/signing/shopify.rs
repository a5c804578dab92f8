//! `shopify`: `X-Shopify-Hmac-Sha256: <base64>` over the body.

use super::encoding::{base64_tag, body_only, decode_base64_tag};
use super::{header_values, malformed, missing, Header, HeaderNames, Presented, Rejection, Tag};

pub(super) const HEADERS: HeaderNames = HeaderNames {
    signature: "X-Shopify-Hmac-Sha256",
    timestamp: None,
    id: None,
    event: Some("X-Shopify-Topic"),
    delivery_id: Some("X-Shopify-Webhook-Id"),
    body_event_id: None,
};

pub(super) fn headers(tag: &Tag) -> Vec<Header> {
    vec![(HEADERS.signature.to_string(), base64_tag(tag))]
}

pub(super) fn parse(headers: &[Header]) -> Result<Presented, Rejection> {
    let values: Vec<&str> = header_values(headers, HEADERS.signature).collect();
    if values.is_empty() {
        return Err(missing(&[HEADERS.signature]));
    }
    let candidates: Vec<Tag> = values.into_iter().filter_map(decode_base64_tag).collect();
    if candidates.is_empty() {
        return Err(malformed(format!(
            "{} is not a base64 SHA-256 digest",
            HEADERS.signature
        )));
    }
    Ok(body_only(candidates))
}
