//! Checks before a request is read or verified (`--allow-ip`, `--token`, `--https-only`):
//! a request that fails one is refused (403 or 401) and never becomes an event. The token
//! is a secret: compared in constant time, never printed or saved, and taken out of the
//! query before anything else sees it.

use std::net::IpAddr;

use http::HeaderMap;
use ipnet::IpNet;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::secret::Secret;
use crate::server::Origin;

#[derive(Default)]
pub struct Guard {
    /// Senders' networks; empty: anyone.
    pub allow: Vec<IpNet>,
    /// `Authorization: Bearer TOKEN` or `?token=TOKEN`.
    pub token: Option<Secret>,
    pub https_only: bool,
}

/// Why a request was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    Https,
    Address(Option<IpAddr>),
    MissingToken,
    BadToken,
}

impl Denied {
    pub fn status(self) -> u16 {
        match self {
            Denied::Https | Denied::Address(_) => 403,
            Denied::MissingToken | Denied::BadToken => 401,
        }
    }

    /// The code in the answer's JSON body.
    pub fn code(self) -> &'static str {
        match self {
            Denied::Https => "https_required",
            Denied::Address(_) => "address_not_allowed",
            Denied::MissingToken => "missing_token",
            Denied::BadToken => "bad_token",
        }
    }

    /// In words, for the output.
    pub fn why(self) -> String {
        match self {
            Denied::Https => "not over HTTPS (--https-only)".into(),
            Denied::Address(Some(ip)) => format!("{ip} is not in --allow-ip"),
            Denied::Address(None) => "no sender address to check against --allow-ip".into(),
            Denied::MissingToken => "no token (--token)".into(),
            Denied::BadToken => "a wrong token (--token)".into(),
        }
    }
}

impl Guard {
    pub fn is_open(&self) -> bool {
        self.allow.is_empty() && self.token.is_none() && !self.https_only
    }

    /// HTTPS first, then the address, then the token. A token that came as
    /// `Authorization: Bearer` is taken out of `headers` once it is checked: it was for this
    /// listener, not for the event's record or the app (the query's: [`Guard::clean_query`]).
    pub fn check(
        &self,
        origin: Origin,
        headers: &mut HeaderMap,
        query: Option<&str>,
    ) -> Result<(), Denied> {
        if self.https_only && !origin.https {
            return Err(Denied::Https);
        }
        if !self.allow.is_empty() {
            let allowed = origin
                .ip
                .map(canonical)
                .is_some_and(|ip| self.allow.iter().any(|net| net.contains(&ip)));
            if !allowed {
                return Err(Denied::Address(origin.ip));
            }
        }
        let Some(expected) = &self.token else {
            return Ok(());
        };
        let (given, in_header) = match bearer(headers) {
            Some(given) => (given, true),
            None => (query_token(query).ok_or(Denied::MissingToken)?, false),
        };
        if !same_token(&given, expected) {
            return Err(Denied::BadToken);
        }
        if in_header {
            headers.remove(http::header::AUTHORIZATION);
        }
        Ok(())
    }

    /// The query without `token=…` when a token guards the endpoint (it is a secret: not
    /// saved, printed or forwarded); `None` when nothing is left.
    pub fn clean_query(&self, query: Option<&str>) -> Option<String> {
        let query = query?;
        if self.token.is_none() || query_token(Some(query)).is_none() {
            return Some(query.to_string());
        }
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| pair.split('=').next() != Some("token"))
            .collect();
        (!kept.is_empty()).then(|| kept.join("&"))
    }
}

/// Compared as SHA-256 digests, in constant time: neither the length nor any prefix of
/// the token leaks through timing.
fn same_token(given: &str, expected: &Secret) -> bool {
    Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected.expose()))
        .into()
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`, a dual-stack listener) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_string)
}

fn query_token(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(ip: &str, https: bool) -> Origin {
        Origin {
            ip: Some(ip.parse().unwrap()),
            https,
        }
    }

    #[test]
    fn https_then_address_then_token() {
        let guard = Guard {
            allow: vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()],
            token: Some(Secret::new("t0k")),
            https_only: true,
        };
        let mut headers = HeaderMap::new();
        assert_eq!(
            guard.check(origin("10.1.2.3", false), &mut headers, None),
            Err(Denied::Https)
        );
        assert!(matches!(
            guard.check(origin("192.168.1.1", true), &mut headers, None),
            Err(Denied::Address(_))
        ));
        assert_eq!(
            guard.check(origin("::ffff:10.0.0.9", true), &mut headers, None),
            Err(Denied::MissingToken)
        );
        assert_eq!(
            guard.check(origin("::1", true), &mut headers, Some("token=nope")),
            Err(Denied::BadToken)
        );
        assert_eq!(
            guard.check(origin("::1", true), &mut headers, Some("a=1&token=t0k")),
            Ok(())
        );
        headers.insert(http::header::AUTHORIZATION, "Bearer t0k".parse().unwrap());
        assert_eq!(
            guard.check(origin("10.0.0.1", true), &mut headers, None),
            Ok(())
        );
        assert!(
            headers.get(http::header::AUTHORIZATION).is_none(),
            "the token is taken out"
        );
        assert_eq!(
            guard.clean_query(Some("a=1&token=t0k&b=2")).as_deref(),
            Some("a=1&b=2")
        );
        assert_eq!(guard.clean_query(Some("token=t0k")), None);
    }
}
