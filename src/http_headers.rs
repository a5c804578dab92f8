//! Header rules shared by everything that passes requests on (listen's forward; later
//! send, replay and the relay): hop-by-hop headers belong to one connection, not the message.

use http::header::{HeaderMap, HeaderName, CONNECTION};

use crate::signing::Header;

/// Hop-by-hop headers (RFC 9110 §7.6.1), plus the old `keep-alive`/`proxy-connection`.
const HOP_BY_HOP: [&str; 9] = [
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

/// Whether a (lowercase) header name is hop-by-hop.
pub fn is_hop_by_hop(name: &str) -> bool {
    HOP_BY_HOP.contains(&name)
}

/// Removes hop-by-hop headers, including any that `Connection` names.
pub fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// Appends `(name, value)` pairs in order (repeats kept). Errors name the first header
/// HTTP cannot carry.
pub fn append_pairs<'a>(
    map: &mut HeaderMap,
    pairs: impl IntoIterator<Item = &'a Header>,
) -> Result<(), String> {
    for (name, value) in pairs {
        let n = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("header name `{name}` is not valid"))?;
        let v = http::HeaderValue::from_bytes(value.as_bytes())
            .map_err(|_| format!("header {name}: the value is not valid"))?;
        map.append(n, v);
    }
    Ok(())
}

/// The headers as ordered `(name, value)` pairs, names lowercase (as HTTP/2 sends them).
/// Repeated headers keep their order. Errors with the name of a header whose value is not
/// UTF-8, which a capture cannot hold as text.
pub fn to_pairs(headers: &HeaderMap) -> Result<Vec<Header>, String> {
    headers
        .iter()
        .map(
            |(name, value)| match std::str::from_utf8(value.as_bytes()) {
                Ok(v) => Ok((name.as_str().to_string(), v.to_string())),
                Err(_) => Err(name.as_str().to_string()),
            },
        )
        .collect()
}
