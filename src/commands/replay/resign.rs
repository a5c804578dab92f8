//! `replay --resign`: drop every scheme's signing headers and sign afresh per attempt;
//! and the warning when captured signatures are already stale.

use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{anyhow, Result};
use http::header::HeaderName;

use crate::capture::Capture;
use crate::config::SigningSettings;
use crate::delivery;
use crate::http_headers::append_pairs;
use crate::secret::Secret;
use crate::signing::{header_values, is_signing_header, Scheme, SchemeChoice, Signer};

/// `--resign`: the secret and the scheme chosen on the command line, if any.
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
    pub fn new(signing: &SigningSettings) -> Result<Self> {
        let secret = signing.require_secrets()?[0].clone();
        let scheme = match signing.scheme {
            Some(SchemeChoice::Fixed(s)) => {
                s.mac_key(&secret).map_err(|e| signing.key_error(e))?;
                Some(s)
            }
            _ => None,
        };
        Ok(Resign {
            scheme,
            secret,
            signature_header: signing.signature_header.clone(),
        })
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
            .find_map(|name| header_values(&capture.headers, name).next())
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
