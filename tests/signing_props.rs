//! Property tests: parsers never panic on arbitrary headers, and sign → verify holds
//! for arbitrary bodies, secrets and schemes.

use base64::Engine;
use hookline::secret::Secret;
use hookline::signing::{sign, verify, Reason, Scheme, SchemeChoice, VerifyOptions};
use proptest::prelude::*;

fn any_scheme() -> impl Strategy<Value = Scheme> {
    proptest::sample::select(Scheme::ALL.to_vec())
}

/// Standard Webhooks secrets must be base64; build one from the arbitrary key bytes.
fn secret_for(scheme: Scheme, key: &[u8]) -> Secret {
    match scheme {
        Scheme::Standard => Secret::new(format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )),
        _ => Secret::new(key.to_vec()),
    }
}

proptest! {
    #[test]
    fn sign_then_verify_holds(
        scheme in any_scheme(),
        key in proptest::collection::vec(any::<u8>(), 1..80),
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        ts in 0i64..4_000_000_000,
        id in "[a-zA-Z0-9_]{1,40}",
    ) {
        let secret = secret_for(scheme, &key);
        let headers = sign(scheme, &secret, ts, &id, &body).unwrap();
        for choice in [SchemeChoice::Fixed(scheme), SchemeChoice::Auto] {
            let opts = VerifyOptions { scheme: choice, ..VerifyOptions::default() };
            let verdict = verify(&opts, std::slice::from_ref(&secret), &headers, &body, ts).unwrap();
            prop_assert!(verdict.is_valid(), "{:?}", verdict);
            prop_assert_eq!(verdict.scheme, scheme);
        }
    }

    #[test]
    fn a_flipped_body_bit_is_a_mismatch(
        scheme in any_scheme(),
        key in proptest::collection::vec(any::<u8>(), 1..80),
        body in proptest::collection::vec(any::<u8>(), 1..512),
        flip in any::<prop::sample::Index>(),
    ) {
        let secret = secret_for(scheme, &key);
        let headers = sign(scheme, &secret, 100, "msg_1", &body).unwrap();
        let mut tampered = body.clone();
        let i = flip.index(tampered.len());
        tampered[i] ^= 0x01;
        let opts = VerifyOptions { scheme: SchemeChoice::Fixed(scheme), ..VerifyOptions::default() };
        let verdict = verify(&opts, &[secret], &headers, &tampered, 100).unwrap();
        prop_assert_eq!(verdict.reason, Some(Reason::Mismatch));
    }

    #[test]
    fn arbitrary_headers_never_panic(
        scheme in proptest::option::of(any_scheme()),
        headers in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "X-Signature", "X-Hub-Signature-256", "Stripe-Signature", "webhook-id",
                    "webhook-timestamp", "webhook-signature", "svix-signature", "svix-id",
                    "svix-timestamp", "X-Slack-Signature", "X-Slack-Request-Timestamp",
                    "X-Shopify-Hmac-Sha256", "X-Other",
                ]),
                ".{0,200}",
            ),
            0..8,
        ),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        now in any::<i64>(),
    ) {
        let headers: Vec<(String, String)> = headers.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        let opts = VerifyOptions {
            scheme: scheme.map_or(SchemeChoice::Auto, SchemeChoice::Fixed),
            ..VerifyOptions::default()
        };
        let secrets = [Secret::new("c2VjcmV0")];
        let verdict = verify(&opts, &secrets, &headers, &body, now).unwrap();
        // Random header values never carry a valid MAC of this body.
        prop_assert!(!verdict.is_valid());
        prop_assert!(verdict.detail.is_some());
    }
}
