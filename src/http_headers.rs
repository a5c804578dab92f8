//! Header rules shared by everything that passes requests on (listen's forward, send,
//! replay and the relay): hop-by-hop headers belong to one connection, not the message;
//! header lists as pairs in order with repeats, values that are not UTF-8 kept as raw
//! bytes; `user:password@` in a URL as Basic auth that is never shown.

use base64::Engine as _;
use http::header::{HeaderMap, HeaderName, CONNECTION};

use crate::signing::Header;

/// Hop-by-hop headers (RFC 9110 §7.6.1), plus the old `keep-alive`/`proxy-connection`.
const HOP_BY_HOP_NAMES: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The same, as names, so removing one needs no parsing (`from_static` gives the
/// standard ones their standard form).
static HOP_BY_HOP: [HeaderName; 9] = {
    const fn name(i: usize) -> HeaderName {
        HeaderName::from_static(HOP_BY_HOP_NAMES[i])
    }
    [
        name(0),
        name(1),
        name(2),
        name(3),
        name(4),
        name(5),
        name(6),
        name(7),
        name(8),
    ]
};

/// Bit `n` set when some hop-by-hop name is `n` bytes long: other names need no compare.
const HOP_BY_HOP_LENGTHS: u32 = {
    let mut lengths = 0;
    let mut i = 0;
    while i < HOP_BY_HOP_NAMES.len() {
        lengths |= 1 << HOP_BY_HOP_NAMES[i].len();
        i += 1;
    }
    lengths
};

/// Whether a header name is hop-by-hop, in any letter case.
pub fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP_NAMES
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

/// Removes hop-by-hop headers, including any that `Connection` names.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // One look at the names says which are there (most messages have none, an app's
    // answer often just `Connection: keep-alive`): each removal hashes its name, so only
    // those present are removed.
    let mut present = 0u16;
    for name in headers.keys() {
        let name = name.as_str();
        if name.len() < 32 && HOP_BY_HOP_LENGTHS & (1 << name.len()) != 0 {
            if let Some(i) = HOP_BY_HOP_NAMES.iter().position(|h| *h == name) {
                present |= 1 << i;
            }
        }
    }
    if present == 0 {
        return;
    }
    // HOP_BY_HOP_NAMES[0] is `connection`.
    if present & 1 != 0 {
        // `close` is an option, not a header; hop-by-hop names go below anyway.
        let named: Vec<HeaderName> = headers
            .get_all(CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|name| !name.eq_ignore_ascii_case("close") && !is_hop_by_hop(name))
            .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok())
            .collect();
        for name in named {
            headers.remove(name);
        }
    }
    for (i, name) in HOP_BY_HOP.iter().enumerate() {
        if present & (1 << i) != 0 {
            headers.remove(name);
        }
    }
}

/// `user:password@` taken out of a URL, curl's way: the URL without it (the only form
/// ever shown, logged or saved) and the credentials as an `Authorization: Basic` value.
pub fn split_userinfo(url: &http::Uri) -> (http::Uri, Option<http::HeaderValue>) {
    let Some(authority) = url.authority() else {
        return (url.clone(), None);
    };
    let Some((userinfo, host)) = authority.as_str().rsplit_once('@') else {
        return (url.clone(), None);
    };
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(userinfo).collect();
    let basic = base64::engine::general_purpose::STANDARD.encode(decoded);
    let mut value = http::HeaderValue::from_str(&format!("Basic {basic}")).ok();
    if let Some(v) = value.as_mut() {
        v.set_sensitive(true);
    }
    let mut parts = url.clone().into_parts();
    parts.authority = host.parse().ok();
    let clean = http::Uri::from_parts(parts).unwrap_or_else(|_| url.clone());
    (clean, value)
}

/// Marks, in memory, a header value that was not UTF-8: the value is then this mark
/// followed by the bytes read as Latin-1 (one char per byte). NUL cannot occur in a header
/// value, so the mark is unambiguous; captures write such a value as base64 (see capture).
pub const RAW_MARK: char = '\0';

/// A header value's bytes as a `Header` value: the text when UTF-8, else marked Latin-1.
pub fn value_text(bytes: &[u8]) -> String {
    value_str(bytes).into_owned()
}

/// [`value_text`], borrowing the bytes when they are UTF-8 (the usual case).
fn value_str(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => std::iter::once(RAW_MARK)
            .chain(bytes.iter().map(|&b| char::from(b)))
            .collect::<String>()
            .into(),
    }
}

/// A header map written as `[[name, value], …]`, values as [`value_text`] shows them,
/// without a string per header (the relay link's JSON heads, a forward's recorded answer).
pub struct AsPairs<'a>(pub &'a HeaderMap);

impl serde::Serialize for AsPairs<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .map(|(name, value)| (name.as_str(), value_str(value.as_bytes()))),
        )
    }
}

/// The bytes of a value [`value_text`] marked, or `None` for a text value (anything that
/// `value_text` would not have made stays text, so every string round-trips).
pub fn raw_bytes(value: &str) -> Option<Vec<u8>> {
    let latin1 = value.strip_prefix(RAW_MARK)?;
    let bytes: Vec<u8> = latin1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<_>>()?;
    std::str::from_utf8(&bytes).is_err().then_some(bytes)
}

/// The bytes a `Header` value stands for (undoes [`value_text`]).
pub fn value_bytes(value: &str) -> std::borrow::Cow<'_, [u8]> {
    match raw_bytes(value) {
        None => std::borrow::Cow::Borrowed(value.as_bytes()),
        Some(bytes) => std::borrow::Cow::Owned(bytes),
    }
}

/// Appends `(name, value)` pairs in order (repeats kept). Errors name the first header
/// HTTP cannot carry.
pub fn append_pairs<'a>(
    map: &mut HeaderMap,
    pairs: impl IntoIterator<Item = &'a Header>,
) -> Result<(), String> {
    for (name, value) in pairs {
        let value = http::HeaderValue::from_bytes(&value_bytes(value));
        append_header(map, name.as_bytes(), value)?;
    }
    Ok(())
}

/// Appends one header whose name and value came from outside (a flag, a capture, a peer);
/// the error names it, printably. A map holds at most 32,768 entries: more is an error,
/// not a panic.
pub fn append_header(
    map: &mut HeaderMap,
    name: &[u8],
    value: Result<http::HeaderValue, http::header::InvalidHeaderValue>,
) -> Result<(), String> {
    let Ok(name) = HeaderName::from_bytes(name) else {
        let shown = crate::text::printable(&String::from_utf8_lossy(name)).into_owned();
        return Err(format!("header name `{shown}` is not valid"));
    };
    let value = value.map_err(|_| format!("header {name}: the value is not valid"))?;
    map.try_append(name, value)
        .map_err(|_| "too many headers (at most 32768)".to_string())?;
    Ok(())
}

/// The headers as ordered `(name, value)` pairs, names lowercase (as HTTP/2 sends them).
/// Repeated headers keep their order; a value that is not UTF-8 is kept byte for byte
/// (see [`value_text`]).
pub fn to_pairs(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str().to_string(), value_text(value.as_bytes())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_are_not_utf8_survive_the_round_trip() {
        for bytes in [&b"caf\xe9"[..], b"\xff\x80 raw", b"plain"] {
            let text = value_text(bytes);
            assert_eq!(&*value_bytes(&text), bytes);
        }
        assert_eq!(value_text(b"plain"), "plain");
    }

    #[test]
    fn userinfo_leaves_the_url_and_becomes_basic_auth() {
        let url: http::Uri = "http://user:p%40ss@127.0.0.1:9/hooks?x=1".parse().unwrap();
        let (clean, auth) = split_userinfo(&url);
        assert_eq!(clean.to_string(), "http://127.0.0.1:9/hooks?x=1");
        assert_eq!(auth.unwrap().to_str().unwrap(), "Basic dXNlcjpwQHNz");
        let plain: http::Uri = "https://example.com/x".parse().unwrap();
        assert_eq!(split_userinfo(&plain), (plain.clone(), None));
    }

    #[test]
    fn more_headers_than_a_map_holds_are_an_error_not_a_panic() {
        let pairs: Vec<Header> = (0..40_000)
            .map(|i| (format!("x-{i}"), "v".into()))
            .collect();
        assert_eq!(
            append_pairs(&mut HeaderMap::new(), &pairs),
            Err("too many headers (at most 32768)".to_string())
        );
    }

    #[test]
    fn hop_by_hop_in_any_case_and_connection_named_headers_are_removed() {
        assert!(
            is_hop_by_hop("Transfer-Encoding") && is_hop_by_hop("TE") && !is_hop_by_hop("x-te")
        );
        let kept = |pairs: &[(&str, &str)]| {
            let pairs: Vec<Header> = pairs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            let mut map = HeaderMap::new();
            append_pairs(&mut map, &pairs).unwrap();
            strip_hop_by_hop(&mut map);
            map.keys()
                .map(|k| k.as_str().to_string())
                .collect::<Vec<_>>()
        };
        let pairs = [
            ("Connection", "close, X-Secret-Hop"),
            ("X-Secret-Hop", "1"),
            ("Keep-Alive", "timeout=5"),
            ("X-Kept", "yes"),
        ];
        assert_eq!(kept(&pairs), ["x-kept"]);
        // Repeated, and named by Connection though hop-by-hop already.
        let pairs = [
            ("Upgrade", "h2c"),
            ("Connection", "keep-alive, Upgrade"),
            ("Connection", "X-A"),
            ("X-A", "1"),
            ("Upgrade", "websocket"),
            ("X-Kept", "yes"),
        ];
        assert_eq!(kept(&pairs), ["x-kept"]);
        // Each one alone is found and removed too (not only when `Connection` is there).
        for hop in &HOP_BY_HOP {
            let upper = hop.as_str().to_uppercase();
            assert_eq!(
                kept(&[(&upper, "x"), ("X-Kept", "yes")]),
                ["x-kept"],
                "{hop}"
            );
        }
    }
}
