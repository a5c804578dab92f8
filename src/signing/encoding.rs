//! Digest encodings shared by the schemes: `prefix<hex>` and plain base64 tags.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

use super::{header_values, malformed, missing, Header, Presented, Rejection, Tag};

pub(super) fn hex_tag(tag: &Tag) -> String {
    hex::encode(tag)
}

pub(super) fn base64_tag(tag: &Tag) -> String {
    BASE64.encode(tag)
}

pub(super) fn decode_hex_tag(text: &str) -> Option<Tag> {
    let mut tag = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut tag).ok()?;
    Some(tag)
}

pub(super) fn decode_base64_tag(text: &str) -> Option<Tag> {
    BASE64.decode(text.trim()).ok()?.try_into().ok()
}

/// Candidates from every `name` header of the form `<prefix><64 hex digits>`
/// (GitHub's `sha256=`, generic's `sha256=`, Slack's `v0=`).
pub(super) fn prefixed_hex(
    headers: &[Header],
    name: &str,
    prefix: &str,
) -> Result<Vec<Tag>, Rejection> {
    let mut any = false;
    let candidates: Vec<Tag> = header_values(headers, name)
        .inspect(|_| any = true)
        .filter_map(|v| v.trim().strip_prefix(prefix).and_then(decode_hex_tag))
        .collect();
    if !any {
        return Err(missing(&[name]));
    }
    if candidates.is_empty() {
        return Err(malformed(format!("{name} is not {prefix}<64 hex digits>")));
    }
    Ok(candidates)
}

/// A request signed over the body alone: no timestamp, no id.
pub(super) fn body_only(candidates: Vec<Tag>) -> Presented {
    Presented {
        candidates,
        timestamp: None,
        id: String::new(),
    }
}

/// `1204` → `1,204`: ages and tolerances read better grouped.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(300), "300");
        assert_eq!(group_thousands(1204), "1,204");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
