//! `hookline probe` against `hookline listen` (a correct receiver) and against small
//! receivers written here that each get one thing wrong: each must fail exactly the cases
//! it should. Real sockets on loopback, the built binary.

mod common;

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use common::process::{json_lines, Listener};
use common::{hookline_in, run};
use hookline::secret::Secret;
use hookline::signing::{SchemeChoice, Verifier, VerifyOptions};

/// A request as a test receiver sees it.
struct Seen {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A keep-alive HTTP/1.1 receiver on loopback answering each request with `answer`'s
/// status, after its delay. Returns its URL.
fn receiver(answer: impl Fn(&Seen) -> (u16, Duration) + Send + Sync + 'static) -> String {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", server.local_addr().unwrap());
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in server.incoming() {
            let Ok(stream) = stream else { continue };
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let Some(common::http::Received { headers, body }) =
                        common::http::read_request(&mut reader)
                    else {
                        return;
                    };
                    let (status, delay) = answer(&Seen { headers, body });
                    std::thread::sleep(delay);
                    let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n");
                    if writer.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// Whether `body` carries a valid generic signature under `secret`, as a correct receiver
/// checks it (the raw bytes, any header letter case).
fn verifies(seen: &Seen, body: &[u8]) -> bool {
    let options = VerifyOptions {
        scheme: SchemeChoice::Fixed(hookline::signing::Scheme::Generic),
        signature_header: None,
        tolerance_secs: 300,
    };
    let secrets = [Secret::new("k")];
    let Ok(mut verifier) = Verifier::new(&options, &secrets, &seen.headers) else {
        return false;
    };
    verifier.update(body);
    verifier.finish(hookline::clock::unix_now()).is_valid()
}

/// `hookline probe URL ARGS --json`: exit code and the verdict of each case.
fn probe(url: &str, args: &[&str]) -> (i32, BTreeMap<String, String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = run(hookline_in(dir.path())
        .args(["probe", url, "--json"])
        .args(args));
    let verdicts = json_lines(&out.stdout)
        .into_iter()
        .map(|l| {
            (
                l["case"].as_str().unwrap().to_string(),
                l["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.code, verdicts, out.stderr)
}

/// The cases with this verdict.
fn with(verdicts: &BTreeMap<String, String>, verdict: &str) -> Vec<String> {
    verdicts
        .iter()
        .filter(|(_, v)| *v == verdict)
        .map(|(c, _)| c.clone())
        .collect()
}

#[test]
fn hookline_listen_passes_every_case_and_junit_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let secret = common::SECRET;
    let listener = Listener::start(
        dir.path(),
        &["--secret", secret, "--secret", "whsec_b3RoZXI="],
    );
    for scheme in ["stripe", "standard", "github"] {
        let url = format!("http://{}/hooks", listener.addr);
        let (code, verdicts, stderr) = probe(
            &url,
            &[
                "--scheme",
                scheme,
                "--secret",
                secret,
                "--secret",
                "whsec_b3RoZXI=",
            ],
        );
        assert_eq!(code, 0, "{scheme}: {verdicts:?} {stderr}");
        assert_eq!(verdicts.len(), 12);
        assert!(with(&verdicts, "fail").is_empty(), "{scheme}: {verdicts:?}");
        let skipped = with(&verdicts, "skip");
        match scheme {
            "github" => assert_eq!(skipped, ["future-timestamp", "stale-timestamp"]),
            _ => assert!(skipped.is_empty(), "{scheme}: {skipped:?}"),
        }
    }
    let url = format!("http://{}/hooks", listener.addr);
    let out = run(hookline_in(dir.path()).args([
        "probe",
        &url,
        "--secret",
        secret,
        "--only",
        "valid,wrong-secret",
        "--junit",
        "out/probe.xml",
    ]));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("2 cases: 2 passed"), "{}", out.stdout);
    let xml = std::fs::read_to_string(dir.path().join("out/probe.xml")).unwrap();
    assert!(
        xml.contains(r#"<testcase name="valid""#) && xml.contains(r#"tests="2""#),
        "{xml}"
    );
    listener.stop();
}

#[test]
fn a_receiver_that_accepts_everything_fails_the_forgeries() {
    let url = receiver(|_| (200, Duration::ZERO));
    let (code, verdicts, _) = probe(&url, &["--scheme", "stripe", "--secret", "k"]);
    assert_eq!(code, 1);
    assert_eq!(
        with(&verdicts, "fail"),
        [
            "future-timestamp",
            "malformed-signature",
            "missing-signature",
            "stale-timestamp",
            "tampered-body",
            "wrong-secret"
        ]
    );
    assert_eq!(with(&verdicts, "skip"), ["rotation"]);
}

#[test]
fn a_receiver_that_verifies_reserialized_json_fails_odd_json_only() {
    let url = receiver(|seen| {
        let value: serde_json::Value = match serde_json::from_slice(&seen.body) {
            Ok(v) => v,
            Err(_) => return (400, Duration::ZERO),
        };
        let again = serde_json::to_vec(&value).unwrap();
        (
            if verifies(seen, &again) { 200 } else { 401 },
            Duration::ZERO,
        )
    });
    let (code, verdicts, _) = probe(&url, &["--secret", "k"]);
    assert_eq!(code, 1);
    assert_eq!(with(&verdicts, "fail"), ["odd-json"], "{verdicts:?}");
}

#[test]
fn a_receiver_that_crashes_on_bad_signatures_fails_them() {
    let url = receiver(|seen| {
        (
            if verifies(seen, &seen.body) { 202 } else { 500 },
            Duration::ZERO,
        )
    });
    let (code, verdicts, _) = probe(&url, &["--secret", "k"]);
    assert_eq!(code, 1);
    assert_eq!(
        with(&verdicts, "fail"),
        [
            "malformed-signature",
            "missing-signature",
            "tampered-body",
            "wrong-secret"
        ]
    );
}

/// Two seconds is within a sender's 10 s but a warning; past --timeout it is a failure.
#[test]
fn a_slow_receiver_is_warned_about_and_fails_past_the_timeout() {
    let url = receiver(|seen| {
        let status = if verifies(seen, &seen.body) { 202 } else { 401 };
        (status, Duration::from_secs(2))
    });
    let (code, verdicts, _) = probe(&url, &["--secret", "k", "--only", "valid,wrong-secret"]);
    assert_eq!(code, 0, "warnings do not fail the run");
    assert_eq!(with(&verdicts, "warn"), ["valid", "wrong-secret"]);
    let (code, verdicts, _) = probe(
        &url,
        &["--secret", "k", "--only", "valid", "--timeout", "1s"],
    );
    assert_eq!(code, 1);
    assert_eq!(with(&verdicts, "fail"), ["valid"]);
}

#[test]
fn bad_case_names_and_auto_scheme_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = "http://127.0.0.1:9/hooks";
    let out = run(hookline_in(dir.path()).args(["probe", url, "--secret", "k", "--only", "nope"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`nope` is not a probe case"),
        "{}",
        out.stderr
    );
    let out =
        run(hookline_in(dir.path()).args(["probe", url, "--secret", "k", "--scheme", "auto"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--scheme auto"), "{}", out.stderr);
}
