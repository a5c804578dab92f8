//! Re-signing a captured request (`replay --resign`, the inspector's "replay re-signed"):
//! drop every scheme's signing headers and sign afresh, per attempt; and whether captured
//! signatures are already stale. Also the request a capture stands for.

use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use http::header::HeaderName;
use http::{HeaderMap, Method, Uri};

use crate::capture::Capture;
use crate::delivery;
use crate::http_headers::{append_pairs, is_hop_by_hop};
use crate::secret::Secret;
use crate::signing::{first_value, is_signing_header, Scheme, Signer};

/// What re-signs: the secret, and the scheme when one was chosen (else the capture's).
pub struct Resign {
    scheme: Option<Scheme>,
    secret: Secret,
    signature_header: Option<String>,
}

/// How one capture is signed afresh on every attempt.
pub struct Resigner {
    resign: Arc<Resign>,
    scheme: Scheme,
    id: String,
}

impl Resign {
    /// The caller checked that `secret` can key `scheme`.
    pub fn new(secret: Secret, scheme: Option<Scheme>, signature_header: Option<String>) -> Self {
        Resign {
            scheme,
            secret,
            signature_header,
        }
    }

    /// The scheme: --scheme, else the one the capture was verified with, else generic.
    /// A captured Standard Webhooks id is kept (it is part of what is signed).
    pub fn for_capture(self: &Arc<Self>, capture: &Capture) -> Result<Resigner> {
        let scheme = match (self.scheme, &capture.verification) {
            (Some(s), _) => s,
            (None, Some(v)) => Scheme::from_name(&v.scheme).ok_or_else(|| {
                anyhow!(
                    "unknown scheme `{}` in the capture's verification",
                    v.scheme
                )
            })?,
            (None, None) => Scheme::Generic,
        };
        scheme
            .mac_key(&self.secret)
            .map_err(|e| anyhow!("the secret cannot sign {scheme}: {e}"))?;
        let id = ["webhook-id", "svix-id"]
            .iter()
            .find_map(|name| first_value(&capture.headers, name))
            .map(str::to_string)
            .unwrap_or_else(|| crate::ids::new_id("msg_"));
        Ok(Resigner {
            resign: self.clone(),
            scheme,
            id,
        })
    }
}

impl Resigner {
    /// The scheme it signs with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The request without any scheme's signing headers, signed over a fresh timestamp.
    pub fn sign(&self, request: &delivery::Request) -> delivery::Request {
        let mut signed = request.clone();
        let stale: Vec<HeaderName> = signed
            .headers
            .keys()
            .filter(|n| is_signing_header(n.as_str()))
            .cloned()
            .collect();
        for name in stale {
            signed.headers.remove(name);
        }
        let mut signer = Signer::new(
            self.scheme,
            &self.resign.secret,
            crate::clock::unix_now(),
            &self.id,
        )
        .expect("the key was checked for this capture")
        .with_signature_header(self.resign.signature_header.as_deref());
        signer.update(&request.body);
        append_pairs(&mut signed.headers, &signer.finish())
            .expect("signature headers are plain ASCII");
        signed
    }
}

/// Whether a capture's signature is timestamped and older than the tolerance by now.
pub fn is_stale(capture: &Capture, tolerance: std::time::Duration) -> bool {
    let timestamped = capture
        .verification
        .as_ref()
        .is_some_and(|v| Scheme::from_name(&v.scheme).is_some_and(Scheme::is_timestamped));
    let received = capture
        .received_at
        .as_deref()
        .and_then(|t| humantime::parse_rfc3339_weak(t).ok());
    timestamped
        && received
            .is_some_and(|at| SystemTime::now().duration_since(at).unwrap_or_default() > tolerance)
}

/// The request as captured: method, headers (order and repeats kept; hop-by-hop headers,
/// Host and Content-Length left to the client) and body bytes, moved out of the capture
/// rather than copied. The URL's path replaces the capture's when it has one other than `/`.
pub fn request_from_capture(capture: &mut Capture, to: &Uri) -> Result<delivery::Request> {
    let method = Method::from_bytes(capture.method.as_bytes())
        .map_err(|_| anyhow!("`{}` is not an HTTP method", capture.method))?;
    let (path, query) = if to.path() == "/" || to.path().is_empty() {
        (capture.path.as_str(), capture.query.as_deref())
    } else {
        (to.path(), to.query().or(capture.query.as_deref()))
    };
    let target = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    // The host is the target's, whatever the capture says: a captured path is only ever
    // a path (`@evil:1/x` or `.localdomain/x` pasted after the authority would change the
    // host).
    if !target.starts_with('/') {
        bail!("path `{target}` does not start with /");
    }
    let path_and_query = http::uri::PathAndQuery::try_from(target.as_str())
        .map_err(|e| anyhow!("path `{target}`: {e}"))?;
    let mut parts = to.clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    let url = Uri::from_parts(parts).map_err(|e| anyhow!("path `{target}`: {e}"))?;
    let mut headers = HeaderMap::new();
    let kept = capture.headers.iter().filter(|(name, _)| {
        let lower = name.to_ascii_lowercase();
        !(is_hop_by_hop(&lower) || lower == "host" || lower == "content-length")
    });
    append_pairs(&mut headers, kept).map_err(|e| anyhow!(e))?;
    Ok(delivery::Request {
        method,
        url,
        headers,
        body: Bytes::from(std::mem::take(&mut capture.body)),
    })
}
