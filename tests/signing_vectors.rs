//! Known-answer vectors per scheme, and negative vectors for every reason.
//!
//! Expected values come from outside hookline:
//! - github: GitHub's documentation vector, and `@octokit/webhooks-methods` 6.0.0 `sign()`
//! - stripe: `stripe` (Python) 16.1.0, `WebhookSignature._compute_signature` + `verify_header`
//! - standard: `standardwebhooks` (Python) 1.1.0, `Webhook(secret).sign(id, ts, body)`
//! - slack: `slack_sdk` (Python) 3.47.0, `SignatureVerifier.generate_signature` + `is_valid`
//! - shopify: Shopify's documented recipe (base64 HMAC-SHA256 of the body; there is no
//!   official verification SDK on PyPI), Python 3.11 `hmac` + `base64`
//! - generic: `openssl dgst -sha256 -hmac` (OpenSSL 3)

use hookline::secret::Secret;
use hookline::signing::{
    sign, verify, Header, Reason, Scheme, SchemeChoice, Verdict, VerifyOptions,
};

const BODY: &str = r#"{"id": "evt_1",  "type":"payment_intent.succeeded" ,"amount":2000}"#;
const TS: i64 = 1_700_000_000;
const STANDARD_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";

struct Vector {
    scheme: Scheme,
    secret: &'static str,
    body: &'static str,
    expected: &'static [(&'static str, &'static str)],
}

const VECTORS: &[Vector] = &[
    Vector {
        scheme: Scheme::Github,
        secret: "It's a Secret to Everybody",
        body: "Hello, World!",
        expected: &[(
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )],
    },
    Vector {
        scheme: Scheme::Github,
        secret: "gh_test_secret",
        body: BODY,
        expected: &[("X-Hub-Signature-256", GH_OK)],
    },
    Vector {
        scheme: Scheme::Stripe,
        secret: "whsec_test_secret",
        body: BODY,
        expected: &[("Stripe-Signature", STRIPE_OK)],
    },
    Vector {
        scheme: Scheme::Standard,
        secret: STD_SECRET,
        body: BODY,
        expected: &[
            ("webhook-id", STANDARD_ID),
            ("webhook-timestamp", "1700000000"),
            ("webhook-signature", STD_SIG),
        ],
    },
    Vector {
        scheme: Scheme::Slack,
        secret: SLACK_SECRET,
        body: BODY,
        expected: &[
            ("X-Slack-Request-Timestamp", "1700000000"),
            ("X-Slack-Signature", SLACK_SIG),
        ],
    },
    Vector {
        scheme: Scheme::Shopify,
        secret: "shpss_test_secret",
        body: BODY,
        expected: &[(
            "X-Shopify-Hmac-Sha256",
            "e2V+gfI5ng7CtjMQ2DwDxZsTCCyq6fK7OK2qwhGjZ5w=",
        )],
    },
    Vector {
        scheme: Scheme::Generic,
        secret: "generic_test_secret",
        body: BODY,
        expected: &[(
            "X-Signature",
            "sha256=66866b558d3784e66b51e0003ffaf8061949c18bc71eabe303d2bc231ee40b43",
        )],
    },
];

const GH_OK: &str = "sha256=39fa999800a308614a34b67a9ffa57b11edbab117d2cf5db89c479bf6ef2bad8";
const STRIPE_OK: &str =
    "t=1700000000,v1=3ec8e2b34fe1cabf142ff8cafbf542bde34dca0272a24ff091da7e1c148ece3f";
const STD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STD_SIG: &str = "v1,PcPTy1aASh0KM0vf+ipeDtn1wTE0AjvqZtECjf2hVlE=";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const SLACK_SIG: &str = "v0=a4061685cccde74e1577713706552530b55aae8afaaacf4e7166ec4029fe2ca0";

fn owned(pairs: &[(&str, &str)]) -> Vec<Header> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn check(
    scheme: SchemeChoice,
    secrets: &[&str],
    headers: &[(&str, &str)],
    body: &str,
    now: i64,
) -> Verdict {
    let secrets: Vec<Secret> = secrets.iter().map(|s| Secret::new(*s)).collect();
    let options = VerifyOptions {
        scheme,
        ..VerifyOptions::default()
    };
    verify(&options, &secrets, &owned(headers), body.as_bytes(), now).expect("usable secrets")
}

#[test]
fn signing_matches_the_official_libraries() {
    for v in VECTORS {
        let headers = sign(
            v.scheme,
            &Secret::new(v.secret),
            TS,
            STANDARD_ID,
            v.body.as_bytes(),
        )
        .unwrap();
        assert_eq!(headers, owned(v.expected), "scheme {}", v.scheme);
    }
}

#[test]
fn chunked_signing_equals_one_shot() {
    for v in VECTORS {
        let mut signer =
            hookline::signing::Signer::new(v.scheme, &Secret::new(v.secret), TS, STANDARD_ID)
                .unwrap();
        for chunk in v.body.as_bytes().chunks(7) {
            signer.update(chunk);
        }
        assert_eq!(signer.finish(), owned(v.expected), "scheme {}", v.scheme);
    }
}

#[test]
fn official_vectors_verify_with_fixed_and_auto_scheme() {
    for v in VECTORS {
        for choice in [SchemeChoice::Fixed(v.scheme), SchemeChoice::Auto] {
            let verdict = check(choice, &[v.secret], v.expected, v.body, TS + 10);
            assert!(verdict.is_valid(), "{} {:?}: {verdict:?}", v.scheme, choice);
            assert_eq!(verdict.scheme, v.scheme);
        }
    }
}

#[test]
fn svix_header_names_are_accepted() {
    let headers = [
        ("svix-id", STANDARD_ID),
        ("svix-timestamp", "1700000000"),
        ("svix-signature", STD_SIG),
    ];
    let verdict = check(SchemeChoice::Auto, &[STD_SECRET], &headers, BODY, TS);
    assert!(verdict.is_valid(), "{verdict:?}");
    assert_eq!(verdict.scheme, Scheme::Standard);
}

#[test]
fn rotation_any_secret_may_match_and_the_index_is_reported() {
    let verdict = check(
        SchemeChoice::Fixed(Scheme::Github),
        &["old-secret", "It's a Secret to Everybody"],
        VECTORS[0].expected,
        "Hello, World!",
        0,
    );
    assert!(verdict.is_valid());
    assert_eq!(verdict.matched_secret, Some(1));
}

#[test]
fn several_signatures_in_one_header_are_all_tried() {
    let stripe = "t=1700000000,v0=deadbeef,v1=0000000000000000000000000000000000000000000000000000000000000000,v1=3ec8e2b34fe1cabf142ff8cafbf542bde34dca0272a24ff091da7e1c148ece3f,extra=1";
    let verdict = check(
        SchemeChoice::Fixed(Scheme::Stripe),
        &["whsec_test_secret"],
        &[("Stripe-Signature", stripe)],
        BODY,
        TS,
    );
    assert!(verdict.is_valid(), "{verdict:?}");

    let standard = format!("v1a,ignored v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= {STD_SIG}");
    let headers = [
        ("webhook-id", STANDARD_ID),
        ("webhook-timestamp", "1700000000"),
        ("webhook-signature", standard.as_str()),
    ];
    let verdict = check(SchemeChoice::Auto, &[STD_SECRET], &headers, BODY, TS);
    assert!(verdict.is_valid(), "{verdict:?}");
}

#[test]
fn standard_secret_without_prefix_is_decoded_too() {
    let headers = [
        ("webhook-id", STANDARD_ID),
        ("webhook-timestamp", "1700000000"),
        ("webhook-signature", STD_SIG),
    ];
    let verdict = check(
        SchemeChoice::Auto,
        &["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
        &headers,
        BODY,
        TS,
    );
    assert!(verdict.is_valid());
}

#[test]
fn unusable_secrets_are_key_errors_that_do_not_quote_the_secret() {
    let err = Scheme::Standard
        .mac_key(&Secret::new("whsec_not base64!"))
        .unwrap_err();
    assert_eq!(err, hookline::signing::KeyError::NotBase64);
    assert!(!err.to_string().contains("not base64!"));
    assert_eq!(
        Scheme::Github.mac_key(&Secret::new("")).unwrap_err(),
        hookline::signing::KeyError::Empty
    );
}

struct Negative {
    name: &'static str,
    scheme: Scheme,
    secret: &'static str,
    headers: &'static [(&'static str, &'static str)],
    now: i64,
    reason: Reason,
}

#[rustfmt::skip]
const NEGATIVES: &[Negative] = &[
    Negative { name: "github no header", scheme: Scheme::Github, secret: "gh_test_secret", headers: &[], now: TS, reason: Reason::MissingSignature },
    Negative { name: "github wrong prefix", scheme: Scheme::Github, secret: "gh_test_secret", headers: &[("X-Hub-Signature-256", "sha1=39fa999800a308614a34b67a9ffa57b11edbab117d2cf5db89c479bf6ef2bad8")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "github short digest", scheme: Scheme::Github, secret: "gh_test_secret", headers: &[("X-Hub-Signature-256", "sha256=39fa99")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "github not hex", scheme: Scheme::Github, secret: "gh_test_secret", headers: &[("X-Hub-Signature-256", "sha256=zzfa999800a308614a34b67a9ffa57b11edbab117d2cf5db89c479bf6ef2bad8")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "github wrong secret", scheme: Scheme::Github, secret: "other", headers: &[("X-Hub-Signature-256", GH_OK)], now: TS, reason: Reason::Mismatch },
    Negative { name: "stripe no header", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("X-Other", "1")], now: TS, reason: Reason::MissingSignature },
    Negative { name: "stripe no t=", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("Stripe-Signature", "v1=3ec8e2b34fe1cabf142ff8cafbf542bde34dca0272a24ff091da7e1c148ece3f")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "stripe only v0", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("Stripe-Signature", "t=1700000000,v0=3ec8e2b34fe1cabf142ff8cafbf542bde34dca0272a24ff091da7e1c148ece3f")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "stripe t not a number", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("Stripe-Signature", "t=yesterday,v1=3ec8e2b34fe1cabf142ff8cafbf542bde34dca0272a24ff091da7e1c148ece3f")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "stripe wrong secret", scheme: Scheme::Stripe, secret: "whsec_other", headers: &[("Stripe-Signature", STRIPE_OK)], now: TS, reason: Reason::Mismatch },
    Negative { name: "stripe too old", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("Stripe-Signature", STRIPE_OK)], now: TS + 301, reason: Reason::TimestampOutOfTolerance },
    Negative { name: "stripe too new", scheme: Scheme::Stripe, secret: "whsec_test_secret", headers: &[("Stripe-Signature", STRIPE_OK)], now: TS - 301, reason: Reason::TimestampOutOfTolerance },
    Negative { name: "stripe stale and wrong: mismatch wins", scheme: Scheme::Stripe, secret: "whsec_other", headers: &[("Stripe-Signature", STRIPE_OK)], now: TS + 9999, reason: Reason::Mismatch },
    Negative { name: "standard no signature", scheme: Scheme::Standard, secret: STD_SECRET, headers: &[("webhook-id", STANDARD_ID), ("webhook-timestamp", "1700000000")], now: TS, reason: Reason::MissingSignature },
    Negative { name: "standard no timestamp", scheme: Scheme::Standard, secret: STD_SECRET, headers: &[("webhook-id", STANDARD_ID), ("webhook-signature", STD_SIG)], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "standard no v1", scheme: Scheme::Standard, secret: STD_SECRET, headers: &[("webhook-id", STANDARD_ID), ("webhook-timestamp", "1700000000"), ("webhook-signature", "v2,abc")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "standard other id", scheme: Scheme::Standard, secret: STD_SECRET, headers: &[("webhook-id", "msg_other"), ("webhook-timestamp", "1700000000"), ("webhook-signature", STD_SIG)], now: TS, reason: Reason::Mismatch },
    Negative { name: "standard too old", scheme: Scheme::Standard, secret: STD_SECRET, headers: &[("webhook-id", STANDARD_ID), ("webhook-timestamp", "1700000000"), ("webhook-signature", STD_SIG)], now: TS + 1204, reason: Reason::TimestampOutOfTolerance },
    Negative { name: "slack no timestamp", scheme: Scheme::Slack, secret: SLACK_SECRET, headers: &[("X-Slack-Signature", SLACK_SIG)], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "slack wrong prefix", scheme: Scheme::Slack, secret: SLACK_SECRET, headers: &[("X-Slack-Request-Timestamp", "1700000000"), ("X-Slack-Signature", "v1=a4061685cccde74e1577713706552530b55aae8afaaacf4e7166ec4029fe2ca0")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "slack shifted timestamp", scheme: Scheme::Slack, secret: SLACK_SECRET, headers: &[("X-Slack-Request-Timestamp", "1700000001"), ("X-Slack-Signature", SLACK_SIG)], now: TS, reason: Reason::Mismatch },
    Negative { name: "slack too old", scheme: Scheme::Slack, secret: SLACK_SECRET, headers: &[("X-Slack-Request-Timestamp", "1700000000"), ("X-Slack-Signature", SLACK_SIG)], now: TS + 600, reason: Reason::TimestampOutOfTolerance },
    Negative { name: "shopify not base64", scheme: Scheme::Shopify, secret: "shpss_test_secret", headers: &[("X-Shopify-Hmac-Sha256", "not-base64!")], now: TS, reason: Reason::MalformedSignature },
    Negative { name: "shopify wrong secret", scheme: Scheme::Shopify, secret: "other", headers: &[("X-Shopify-Hmac-Sha256", "e2V+gfI5ng7CtjMQ2DwDxZsTCCyq6fK7OK2qwhGjZ5w=")], now: TS, reason: Reason::Mismatch },
    Negative { name: "generic missing", scheme: Scheme::Generic, secret: "generic_test_secret", headers: &[("X-Hub-Signature-256", GH_OK)], now: TS, reason: Reason::MissingSignature },
];

#[test]
fn negative_vectors_give_the_expected_reason() {
    for n in NEGATIVES {
        let verdict = check(
            SchemeChoice::Fixed(n.scheme),
            &[n.secret],
            n.headers,
            BODY,
            n.now,
        );
        assert_eq!(verdict.reason, Some(n.reason), "{}: {verdict:?}", n.name);
        assert_eq!(verdict.scheme, n.scheme, "{}", n.name);
        assert!(verdict.detail.is_some(), "{}", n.name);
    }
}

#[test]
fn timestamp_detail_is_plain_words() {
    let headers = [("Stripe-Signature", STRIPE_OK)];
    let verdict = check(
        SchemeChoice::Fixed(Scheme::Stripe),
        &["whsec_test_secret"],
        &headers,
        BODY,
        TS + 1204,
    );
    assert_eq!(
        verdict.detail.as_deref(),
        Some("timestamp 1,204 s old, tolerance 300 s")
    );
    let verdict = check(
        SchemeChoice::Fixed(Scheme::Stripe),
        &["whsec_test_secret"],
        &headers,
        BODY,
        TS - 400,
    );
    assert_eq!(
        verdict.detail.as_deref(),
        Some("timestamp 400 s in the future, tolerance 300 s")
    );
}

#[test]
fn tolerance_is_configurable() {
    let secrets = [Secret::new("whsec_test_secret")];
    let opts = VerifyOptions {
        scheme: SchemeChoice::Fixed(Scheme::Stripe),
        signature_header: None,
        tolerance_secs: 3600,
    };
    let headers = owned(&[("Stripe-Signature", STRIPE_OK)]);
    let verdict = verify(&opts, &secrets, &headers, BODY.as_bytes(), TS + 1204).unwrap();
    assert!(verdict.is_valid());
}

#[test]
fn generic_signature_header_can_be_renamed() {
    let secret = Secret::new("s3");
    let mut signer = hookline::signing::Signer::new(Scheme::Generic, &secret, 0, "")
        .unwrap()
        .with_signature_header(Some("X-Webhook-Signature"));
    signer.update(b"body");
    let headers = signer.finish();
    assert_eq!(headers[0].0, "X-Webhook-Signature");
    let opts = VerifyOptions {
        scheme: SchemeChoice::Auto,
        signature_header: Some("x-webhook-signature".into()),
        tolerance_secs: 300,
    };
    let verdict = verify(&opts, &[secret], &headers, b"body", 0).unwrap();
    assert!(verdict.is_valid(), "{verdict:?}");
    assert_eq!(verdict.scheme, Scheme::Generic);
}

#[test]
fn header_names_are_case_insensitive() {
    let verdict = check(
        SchemeChoice::Auto,
        &["gh_test_secret"],
        &[("x-hub-signature-256", GH_OK)],
        BODY,
        TS,
    );
    assert!(verdict.is_valid());
}

#[test]
fn timestamped_schemes() {
    use hookline::signing::Scheme;
    let timestamped: Vec<&str> = Scheme::ALL
        .into_iter()
        .filter(|s| s.is_timestamped())
        .map(|s| s.name())
        .collect();
    assert_eq!(timestamped, ["stripe", "standard", "slack"]);
}
