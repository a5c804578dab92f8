//! `hookline listen` as a real process on a loopback port, driven by a raw HTTP client.

mod common;

use std::fs;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::app::start_app;
use common::http::{post, Conn, Response};
use common::process::{json_lines, Listener};
use hookline::secret::Secret;
use hookline::signing::{self, Scheme};
use serde_json::Value;

use common::{refs, signed, SECRET};

/// listen --json verifying with [`SECRET`] and saving into `dir/caps` (returned).
fn verifying_and_saving(dir: &std::path::Path) -> (Listener, std::path::PathBuf) {
    let caps = dir.join("caps");
    let listener = Listener::start(
        dir,
        &[
            "--json",
            "--secret",
            SECRET,
            "--save",
            caps.to_str().unwrap(),
        ],
    );
    (listener, caps)
}

/// A secret one scheme cannot use (not base64, for Standard Webhooks) turns that
/// scheme's requests into rejections that say so; the others still verify with it, and
/// the secret is never in the output.
#[test]
fn a_secret_the_detected_scheme_cannot_use_is_a_rejection_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let plain = "plain secret, not base64!";
    let listener = Listener::start(dir.path(), &["--json", "--secret", plain]);
    let body = br#"{"type":"invoice.paid"}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut standard = signed(Scheme::Standard, body);
    // Signed with a usable secret; what matters is that this one cannot check it.
    standard.retain(|(n, _)| n.starts_with("webhook-"));
    let refused = post(listener.addr, "/hook", &refs(&standard), body);
    assert_eq!(refused.status, 401);
    let generic = signing::sign(Scheme::Generic, &Secret::new(plain), now, "id", body).unwrap();
    for _ in 0..2 {
        let ok = post(listener.addr, "/hook", &refs(&generic), body);
        assert_eq!(ok.status, 202, "the generic scheme still verifies");
    }
    let out = listener.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    let detail = lines[0]["verification"]["detail"].as_str().unwrap();
    assert!(detail.contains("cannot be used for standard"), "{detail}");
    assert_eq!(lines[2]["verification"]["valid"], true);
    assert!(!out.stdout.contains(plain) && !out.stderr.contains(plain));
}

#[test]
fn valid_invalid_and_unsigned_for_every_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let (listener, caps) = verifying_and_saving(dir.path());
    let body = br#"{"type":"invoice.paid","n":1}"#;
    for scheme in Scheme::ALL {
        let headers = signed(scheme, body);
        let ok = post(listener.addr, "/hook", &refs(&headers), body);
        assert_eq!(ok.status, 202, "{scheme} valid");
        let bad = post(
            listener.addr,
            "/hook",
            &refs(&headers),
            br#"{"type":"invoice.paid","n":2}"#,
        );
        assert_eq!(bad.status, 401, "{scheme} tampered");
        assert_eq!(bad.text(), r#"{"error":"mismatch"}"#);
        assert_eq!(bad.header("content-type"), Some("application/json"));
    }
    let unsigned = post(listener.addr, "/hook", &[], body);
    assert_eq!(unsigned.status, 401);
    assert_eq!(unsigned.text(), r#"{"error":"missing_signature"}"#);

    let out = listener.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 13);
    for (i, scheme) in Scheme::ALL.iter().enumerate() {
        let (good, bad) = (&lines[2 * i], &lines[2 * i + 1]);
        assert_eq!(good["verification"]["scheme"], scheme.name());
        assert_eq!(good["verification"]["valid"], true);
        assert_eq!(good["event"], "invoice.paid");
        assert_eq!(good["answer"]["status"], 202);
        assert_eq!(bad["verification"]["valid"], false);
        assert_eq!(bad["verification"]["reason"], "mismatch");
    }
    assert_eq!(lines[12]["verification"]["reason"], "missing_signature");
    assert!(out
        .stderr
        .contains("13 events: 6 valid, 7 invalid, 0 unverified"));
    assert!(
        out.stderr.contains("answered 202×6 401×7"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains(SECRET) && !out.stderr.contains(SECRET));
    let secret_b64 = SECRET.trim_start_matches("whsec_");
    for file in fs::read_dir(&caps).unwrap() {
        let text = fs::read_to_string(file.unwrap().path()).unwrap();
        assert!(!text.contains(secret_b64), "a capture holds the secret");
    }
}

#[test]
fn without_a_secret_everything_is_accepted_as_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--status", "200"]);
    let r = post(
        listener.addr,
        "/any/path?x=1",
        &[("X-Signature", "sha256=00")],
        b"hi",
    );
    assert_eq!(r.status, 200);
    let out = listener.stop();
    let line = &json_lines(&out.stdout)[0];
    assert_eq!(line["verification"], Value::Null);
    assert_eq!(line["path"], "/any/path");
    assert_eq!(line["query"], "x=1");
    assert!(out.stderr.contains("1 unverified"));
}

#[test]
fn json_lines_hold_the_exact_bytes_and_header_list() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json"]);
    let binary: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
    let spaced = b"{ \"a\" :1,\n  \"b\":[ 1,2 ] }\r\n".to_vec();
    let headers = [
        ("X-Tag", "one"),
        ("X-Tag", "two"),
        ("Content-Type", "application/octet-stream"),
        ("X-Tag", "three"),
    ];
    for body in [&binary, &spaced] {
        assert_eq!(post(listener.addr, "/b", &headers, body).status, 202);
    }
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    let mut captures = lines
        .iter()
        .map(|l| hookline::capture::Capture::from_json(l.to_string().as_bytes()).unwrap());
    let bin = captures.next().unwrap();
    assert_eq!(bin.body, binary);
    assert!(lines[0].get("body_base64").is_some());
    let tags: Vec<&str> = signing::header_values(&bin.headers, "x-tag").collect();
    assert_eq!(tags, ["one", "two", "three"]);
    assert!(bin.headers.iter().any(|(n, v)| n == "host" && v == "test"));
    let text = captures.next().unwrap();
    assert_eq!(text.body, spaced);
    assert_eq!(lines[1]["body"], String::from_utf8(spaced).unwrap());
}

/// Bodies from 256 KiB on are verified and encoded off listen's runtime thread: the same
/// verdicts, ids, lines and files as small ones, and small requests answered meanwhile.
#[test]
fn large_bodies_are_verified_identified_and_saved_like_small_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (listener, caps) = verifying_and_saving(dir.path());
    let filler = "é\"x\\".repeat(300_000);
    let body = format!(r#"{{"id":"evt_big1","type":"file.uploaded","data":"{filler}"}}"#);
    assert!(body.len() > 1 << 20);
    let headers = signed(Scheme::Stripe, body.as_bytes());
    let addr = listener.addr;
    let big = std::thread::scope(|s| {
        let uploads: Vec<_> = (0..3)
            .map(|_| s.spawn(|| post(addr, "/big", &refs(&headers), body.as_bytes()).status))
            .collect();
        let small = br#"{"type":"ping"}"#;
        for _ in 0..20 {
            assert_eq!(post(addr, "/small", &[], small).status, 401);
        }
        uploads
            .into_iter()
            .map(|u| u.join().unwrap())
            .collect::<Vec<_>>()
    });
    assert_eq!(big, [202, 202, 202]);
    assert_eq!(
        post(addr, "/big", &refs(&headers), body.as_bytes()).status,
        202
    );
    let mut tampered = body.clone().into_bytes();
    tampered[20] = b'X';
    assert_eq!(post(addr, "/big", &refs(&headers), &tampered).status, 401);

    let out = listener.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    let big_lines: Vec<&Value> = lines.iter().filter(|l| l["path"] == "/big").collect();
    assert_eq!(big_lines.len(), 5);
    for line in &big_lines[..4] {
        assert_eq!(line["body"], body.as_str());
        assert_eq!(line["event"], "file.uploaded");
        assert_eq!(line["delivery_id"], "evt_big1");
        assert_eq!(line["verification"]["valid"], true);
    }
    assert!(big_lines[3]["duplicate_of"].is_string());
    assert_eq!(big_lines[4]["verification"]["reason"], "mismatch");
    let saved: Vec<Vec<u8>> = fs::read_dir(&caps)
        .unwrap()
        .map(|f| fs::read(f.unwrap().path()).unwrap())
        .filter(|text| text.len() > 1 << 20)
        .collect();
    assert_eq!(saved.len(), 5);
    for text in saved {
        let capture = hookline::capture::Capture::from_json(&text).unwrap();
        assert!(capture.body == body.as_bytes() || capture.body == tampered);
    }
}

#[test]
fn save_writes_one_file_per_answered_request_under_concurrent_load() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let listener = Listener::start(
        dir.path(),
        &["--json", "--secret", "k", "--save", caps.to_str().unwrap()],
    );
    let addr = listener.addr;
    let body = br#"{"type":"job.completed","job_id":"j"}"#;
    let headers = signing::sign(Scheme::Github, &Secret::new("k"), 0, "", body).unwrap();
    let answered = Arc::new(Mutex::new(0usize));
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let headers = headers.clone();
            let answered = answered.clone();
            std::thread::spawn(move || {
                let mut conn = Conn::open(addr);
                for _ in 0..63 {
                    let r = conn.request("POST", "/load", &refs(&headers), body);
                    assert_eq!(r.status, 202);
                    *answered.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let answered = *answered.lock().unwrap();
    assert_eq!(answered, 32 * 63);
    // Every answered request is on disk already: count before stopping the server.
    let files: Vec<_> = fs::read_dir(&caps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), answered);
    for path in files.iter().step_by(97) {
        let capture = hookline::capture::Capture::from_json(&fs::read(path).unwrap()).unwrap();
        assert_eq!(capture.body, body);
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.ends_with(".json") && name.as_bytes()[8] == b'T',
            "{name}"
        );
    }
    let out = listener.stop();
    assert_eq!(json_lines(&out.stdout).len(), answered);
    // --json prints the very line that was saved.
    let saved = fs::read_to_string(&files[0]).unwrap();
    assert!(out.stdout.contains(&saved), "{saved}");
}

#[test]
fn bodies_over_the_limit_get_413_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let listener = Listener::start(
        dir.path(),
        &["--max-body", "1KiB", "--save", caps.to_str().unwrap()],
    );
    // Declared too large: refused before the body is read.
    let mut conn = Conn::open(listener.addr);
    conn.send_raw(b"POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 10000000\r\n\r\n");
    assert_eq!(conn.read_response().unwrap().status, 413);
    // Chunked, growing past the limit.
    let mut conn = Conn::open(listener.addr);
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
    conn.send_raw(
        format!(
            "POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}{chunk}"
        )
        .as_bytes(),
    );
    assert_eq!(conn.read_response().unwrap().status, 413);
    // Exactly at the limit is fine.
    assert_eq!(post(listener.addr, "/ok", &[], &[b'a'; 1024]).status, 202);
    let out = listener.stop();
    assert_eq!(
        fs::read_dir(&caps).unwrap().count(),
        1,
        "only the accepted one is saved"
    );
    assert!(out.stdout.contains("413"), "{}", out.stdout);
    assert!(out.stderr.contains("2 refused"), "{}", out.stderr);
}

#[test]
fn slow_clients_do_not_hold_up_others_and_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(
        dir.path(),
        &["--header-timeout", "1s", "--body-timeout", "1s"],
    );
    let mut silent = Conn::open(listener.addr);
    let mut half_head = Conn::open(listener.addr);
    half_head.send_raw(b"POST /slow HTTP/1.1\r\nHost: t\r\nX-Partial: ");
    let mut stalled_body = Conn::open(listener.addr);
    stalled_body.send_raw(b"POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nhalf");

    let started = Instant::now();
    assert_eq!(post(listener.addr, "/normal", &[], b"{}").status, 202);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "a normal request waited"
    );

    assert!(silent.is_closed_by_peer());
    assert!(half_head.is_closed_by_peer());
    assert_eq!(stalled_body.read_response().unwrap().status, 408);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(post(listener.addr, "/after", &[], b"{}").status, 202);
}

#[test]
fn malformed_requests_get_4xx_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json"]);
    let cases: [(&[u8], u16); 4] = [
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
        // Not UTF-8, but HTTP allows it (Latin-1, raw bytes): accepted, kept as bytes.
        (b"POST / HTTP/1.1\r\nHost: t\r\nX-Latin: caf\xe9 \xff\r\nContent-Length: 0\r\n\r\n", 202),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n0\r\n\r\n", 400),
        (&[], 431),
    ];
    for (raw, want) in cases {
        let mut conn = Conn::open(listener.addr);
        if raw.is_empty() {
            let huge = format!(
                "GET / HTTP/1.1\r\nHost: t\r\nX-Huge: {}\r\n\r\n",
                "a".repeat(100_000)
            );
            conn.send_raw(huge.as_bytes());
        } else {
            conn.send_raw(raw);
        }
        let status = conn.read_response().map(|r| r.status);
        assert_eq!(
            status,
            Some(want),
            "{}",
            String::from_utf8_lossy(&raw[..raw.len().min(40)])
        );
    }
    assert_eq!(post(listener.addr, "/fine", &[], b"ok").status, 202);
    let out = listener.stop();
    // Only the well-formed requests are captures on stdout; refusals go to stderr.
    assert_eq!(json_lines(&out.stdout).len(), 2);
    assert!(out.stderr.contains("→ 400"), "{}", out.stderr);
}

#[test]
fn chaos_script_is_followed_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(
        dir.path(),
        &["--json", "--responses", "503,429,200", "--retry-after", "7"],
    );
    let statuses: Vec<Response> = (0..4)
        .map(|_| post(listener.addr, "/", &[], b"{}"))
        .collect();
    let codes: Vec<u16> = statuses.iter().map(|r| r.status).collect();
    assert_eq!(codes, [503, 429, 200, 503]);
    assert_eq!(statuses[0].header("retry-after"), Some("7"));
    assert_eq!(statuses[2].header("retry-after"), None);
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["chaos"]["rule"], "script 1/3");
    assert_eq!(lines[0]["chaos"]["status"], 503);
    assert_eq!(lines[1]["answer"]["status"], 429);
}

#[test]
fn a_seed_repeats_fail_rate_choices_across_runs() {
    let run = || {
        let dir = tempfile::tempdir().unwrap();
        let listener = Listener::start(
            dir.path(),
            &["--fail-rate", "0.5", "--fail-status", "500", "--seed", "42"],
        );
        let mut conn = Conn::open(listener.addr);
        (0..30)
            .map(|_| conn.request("POST", "/", &[], b"x").status)
            .collect::<Vec<_>>()
    };
    let first = run();
    assert_eq!(first, run());
    assert!(first.contains(&500) && first.contains(&202), "{first:?}");
}

#[test]
fn delay_range_is_applied_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--delay", "200ms..400ms"]);
    let started = Instant::now();
    assert_eq!(post(listener.addr, "/", &[], b"x").status, 202);
    assert!(started.elapsed() >= Duration::from_millis(200));
    let out = listener.stop();
    let delay = json_lines(&out.stdout)[0]["chaos"]["delay_ms"]
        .as_u64()
        .unwrap();
    assert!((200..=400).contains(&delay), "{delay}");
}

#[test]
fn forward_passes_the_request_on_and_answers_with_the_apps_response() {
    let app = start_app(Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}/app", app.addr);
    let listener = Listener::start(
        dir.path(),
        &["--json", "--secret", SECRET, "--forward-to", &url],
    );
    let body = b"{\"id\":  \"evt_1\" ,\"type\":\"charge.succeeded\"}";
    let mut headers = signed(Scheme::Stripe, body);
    headers.push(("Connection".into(), "keep-alive, X-Hop".into()));
    headers.push(("X-Hop".into(), "drop me".into()));
    headers.push(("X-Keep".into(), "a".into()));
    headers.push(("X-Keep".into(), "b".into()));
    let r = post(listener.addr, "/hooks/stripe?live=1", &refs(&headers), body);
    assert_eq!(r.status, 418);
    assert_eq!(r.text(), "short and");
    assert_eq!(r.header("x-app"), Some("yes"));

    // Invalid: not forwarded, answered 401 by hookline.
    let bad = post(listener.addr, "/hooks/stripe", &refs(&headers), b"{}");
    assert_eq!(bad.status, 401);

    let seen = app.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let raw = String::from_utf8(seen[0].clone()).unwrap();
    assert!(
        raw.starts_with("POST /app/hooks/stripe?live=1 HTTP/1.1\r\n"),
        "{raw}"
    );
    assert!(raw.ends_with(std::str::from_utf8(body).unwrap()));
    assert!(
        raw.to_lowercase()
            .contains(&format!("host: {}\r\n", app.addr)),
        "{raw}"
    );
    assert!(raw.contains("x-keep: a\r\nx-keep: b\r\n"), "{raw}");
    assert!(raw.contains(&format!("stripe-signature: {}\r\n", headers[0].1)));
    assert!(!raw.to_lowercase().contains("x-hop"), "{raw}");
    let out = listener.stop();
    let line = &json_lines(&out.stdout)[0];
    assert_eq!(line["forward"]["status"], 418);
    assert_eq!(line["answer"]["status"], 418);
}

#[test]
fn forward_to_an_app_that_is_down_or_slow() {
    let down = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let url = format!("http://{down}");
    let listener = Listener::start(
        dir.path(),
        &[
            "--json",
            "--forward-to",
            &url,
            "--save",
            caps.to_str().unwrap(),
        ],
    );
    let r = post(listener.addr, "/x", &[], b"{}");
    assert_eq!(r.status, 502);
    let out = listener.stop();
    let line = &json_lines(&out.stdout)[0];
    assert!(
        line["forward"]["error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{line}"
    );
    assert_eq!(fs::read_dir(&caps).unwrap().count(), 1, "still saved");

    let slow = start_app(Duration::from_secs(3));
    let url = format!("http://{}", slow.addr);
    let listener = Listener::start(
        dir.path(),
        &["--forward-to", &url, "--forward-timeout", "300ms"],
    );
    let started = Instant::now();
    assert_eq!(post(listener.addr, "/x", &[], b"{}").status, 504);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn sigterm_with_requests_in_flight_loses_no_answered_capture() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let listener = Listener::start(
        dir.path(),
        &["--delay", "700ms", "--save", caps.to_str().unwrap()],
    );
    let addr = listener.addr;
    let clients: Vec<_> = (0..12)
        .map(|i| std::thread::spawn(move || post(addr, &format!("/n/{i}"), &[], b"{}").status))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let out = listener.stop();
    let answered = clients
        .into_iter()
        .filter(|_| true)
        .map(|c| c.join().unwrap())
        .filter(|s| *s == 202)
        .count();
    assert_eq!(answered, 12, "requests in flight are finished");
    assert_eq!(fs::read_dir(&caps).unwrap().count(), answered);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("stopped · 12 events"), "{}", out.stderr);
}

#[test]
fn repeated_delivery_ids_are_marked_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(
        dir.path(),
        &["--json", "--secret", SECRET, "--color", "never"],
    );
    let body = br#"{"action":"opened"}"#;
    let mut headers = signed(Scheme::Github, body);
    headers.push(("X-GitHub-Delivery".into(), "72d3162e".into()));
    headers.push(("X-GitHub-Event".into(), "pull_request".into()));
    for _ in 0..2 {
        assert_eq!(
            post(listener.addr, "/gh", &refs(&headers), body).status,
            202
        );
    }
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["delivery_id"], "72d3162e");
    assert_eq!(lines[0]["event"], "pull_request");
    assert!(lines[0].get("duplicate_of").is_none());
    assert_eq!(lines[1]["duplicate_of"], lines[0]["received_at"]);
    assert!(out.stderr.contains("1 duplicate"));
}

#[test]
fn stripe_redeliveries_are_duplicates_by_the_body_event_id() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", SECRET]);
    let body = br#"{"id":"evt_3QGx8t","object":"event","type":"charge.succeeded"}"#;
    for _ in 0..2 {
        let headers = signed(Scheme::Stripe, body);
        assert_eq!(
            post(listener.addr, "/stripe", &refs(&headers), body).status,
            202
        );
    }
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["delivery_id"], "evt_3QGx8t");
    assert_eq!(lines[0]["event"], "charge.succeeded");
    assert_eq!(lines[1]["duplicate_of"], lines[0]["received_at"]);
}

#[test]
fn a_second_sigterm_stops_waiting_for_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--delay", "20s", "--grace", "60s"]);
    let addr = listener.addr;
    let client = std::thread::spawn(move || {
        let mut conn = Conn::open(addr);
        conn.send_raw(&common::http::request_bytes("POST", "/slow", &[], b"{}"));
        conn.read_response().map(|r| r.status)
    });
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    common::process::signal_term(listener.pid());
    std::thread::sleep(Duration::from_millis(300));
    let out = listener.stop(); // the second SIGTERM
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "waited for the 20 s request"
    );
    assert_eq!(out.code, 130, "dropped requests are not a clean stop");
    assert!(
        out.stderr.contains("1 request still in flight was dropped"),
        "{}",
        out.stderr
    );
    assert_eq!(
        client.join().unwrap(),
        None,
        "the slow request was dropped, not answered"
    );
}

#[test]
fn human_output_shows_one_block_per_event() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--secret", SECRET, "--color", "never"]);
    let body = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/github/push.json"
    ))
    .unwrap();
    let mut headers = signed(Scheme::Github, &body);
    headers.push(("X-GitHub-Event".into(), "push".into()));
    headers.push(("Content-Type".into(), "application/json".into()));
    post(listener.addr, "/hooks/github", &refs(&headers), &body);
    post(
        listener.addr,
        "/form",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"a=1&b=two+words",
    );
    let out = listener.stop();
    let blocks: Vec<&str> = out.stdout.split("\n\n").filter(|b| !b.is_empty()).collect();
    assert_eq!(blocks.len(), 2, "{}", out.stdout);
    let first: Vec<&str> = blocks[0].lines().collect();
    assert!(
        first[0].contains("POST /hooks/github  → 202"),
        "{}",
        first[0]
    );
    assert!(
        first[1].contains("push · ") && first[1].contains("✓ github"),
        "{}",
        first[1]
    );
    assert!(first[2].trim_start().starts_with('{'));
    assert!(first.len() <= 2 + 40 + 1, "cut past 40 body lines");
    assert!(first
        .last()
        .unwrap()
        .contains("more lines (--full shows all)"));
    assert!(
        blocks[1].contains("✗ generic missing signature"),
        "{}",
        blocks[1]
    );
    assert!(blocks[1].contains("b = two words"));
    assert!(!out.stdout.contains('\x1b'), "no colour when asked");
}

#[test]
fn https_with_a_self_signed_certificate_and_h2c() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let listener = Listener::start_with_env(
        dir.path(),
        &["--tls-self-signed"],
        &[("XDG_CACHE_HOME", cache.to_str().unwrap())],
    );
    let banner = listener.banner.join("");
    assert!(banner.contains("listening on https://"), "{banner}");
    assert!(banner.contains("SHA-256 "), "{banner}");
    let cert = cache.join("hookline/listen-cert.pem");
    assert!(banner.contains(cert.to_str().unwrap()));
    let url = format!("https://localhost:{}/tls", listener.addr.port());
    let curl = std::process::Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{http_version}",
            "--cacert",
        ])
        .arg(&cert)
        .args(["-d", "x", &url])
        .output()
        .expect("curl runs");
    assert_eq!(
        String::from_utf8_lossy(&curl.stdout),
        "202 2",
        "{}",
        String::from_utf8_lossy(&curl.stderr)
    );
    drop(listener);

    // The same files given as --tls-cert/--tls-key.
    let key = cache.join("hookline/listen-key.pem");
    let listener = Listener::start(
        dir.path(),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let url = format!("https://localhost:{}/files", listener.addr.port());
    let curl = std::process::Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--http1.1",
            "--cacert",
        ])
        .arg(&cert)
        .args(["-d", "x", &url])
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&curl.stdout), "202");
    drop(listener);

    let plain = Listener::start(dir.path(), &[]);
    let curl = std::process::Command::new("curl")
        .args([
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{http_version}",
            "--http2-prior-knowledge",
            "-d",
            "x",
        ])
        .arg(format!("http://{}/h2c", plain.addr))
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&curl.stdout), "202 2");
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a-file"), "x").unwrap();
    let busy = Listener::start(dir.path(), &[]);
    let port = busy.addr.port().to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--port", &port], "cannot listen on 127.0.0.1:"),
        (vec!["--fail-rate", "1.5"], "--fail-rate"),
        (vec!["--responses", "503,abc"], "--responses"),
        (vec!["--max-body", "lots"], "--max-body"),
        (vec!["--delay", "2s..1s"], "--delay"),
        (
            vec!["--tls-cert", "nope.pem", "--tls-key", "nope.pem"],
            "--tls-cert nope.pem",
        ),
        (vec!["--save", "a-file/caps"], "--save a-file/caps"),
        (vec!["--forward-to", "localhost:3000"], "--forward-to"),
        (vec!["--bind", "not an address"], "--bind"),
        (vec!["--scheme", "stripe"], "needs a secret"),
        (
            vec!["--bind", "127.0.0.1:0", "--port", "18306"],
            "--bind 127.0.0.1:0 names a port and --port gives another",
        ),
        (vec!["--status", "101"], "200 to 599"),
    ];
    for (args, needle) in cases {
        let out = common::run(common::hookline_in(dir.path()).arg("listen").args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn forward_invalid_sends_rejected_events_on_too() {
    let app = start_app(Duration::ZERO);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}", app.addr);
    let listener = Listener::start(
        dir.path(),
        &[
            "--json",
            "--secret",
            SECRET,
            "--forward-to",
            &url,
            "--forward-invalid",
        ],
    );
    let r = post(
        listener.addr,
        "/hook",
        &[("X-Signature", "sha256=00")],
        b"{}",
    );
    assert_eq!(r.status, 418, "the app's answer, not 401");
    assert_eq!(app.seen.lock().unwrap().len(), 1);
    let out = listener.stop();
    let line = &json_lines(&out.stdout)[0];
    assert_eq!(line["verification"]["valid"], false);
    assert_eq!(line["forward"]["status"], 418);
}

/// Retries after a failed answer are the sender doing its job, not duplicates; a repeat
/// after a 2xx is.
#[test]
fn only_a_repeat_of_an_accepted_delivery_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(
        dir.path(),
        &["--json", "--secret", SECRET, "--responses", "503,429,202"],
    );
    let body = br#"{"action":"opened"}"#;
    let mut headers = signed(Scheme::Github, body);
    headers.push(("X-GitHub-Delivery".into(), "retry-me".into()));
    let statuses: Vec<u16> = (0..4)
        .map(|_| post(listener.addr, "/gh", &refs(&headers), body).status)
        .collect();
    assert_eq!(statuses, [503, 429, 202, 503]);
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    let marked: Vec<bool> = lines
        .iter()
        .map(|l| l.get("duplicate_of").is_some())
        .collect();
    assert_eq!(marked, [false, false, false, true], "{}", out.stdout);
    assert_eq!(lines[3]["duplicate_of"], lines[2]["received_at"]);
}

/// A failed --save answers 500, and output, capture and summary say 500, not the 202
/// that was never sent; the failure is said once.
#[test]
fn a_failed_save_is_shown_as_the_500_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let listener = Listener::start(dir.path(), &["--json", "--save", caps.to_str().unwrap()]);
    fs::remove_dir_all(&caps).unwrap();
    fs::write(&caps, "a file where the folder was").unwrap();
    for _ in 0..3 {
        let r = post(listener.addr, "/x", &[], b"{}");
        assert_eq!(r.status, 500, "{}", r.text());
    }
    let out = listener.stop();
    let lines = json_lines(&out.stdout);
    assert!(
        lines.iter().all(|l| l["answer"]["status"] == 500),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("answered 500×3"), "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("NOT BEING SAVED").count(),
        1,
        "{}",
        out.stderr
    );
}

/// `--retry-after` without chaos failures would never be sent: said at start.
#[test]
fn retry_after_without_chaos_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--retry-after", "30"]);
    let out = listener.stop();
    assert!(
        out.stderr.contains("--retry-after does nothing here"),
        "{}",
        out.stderr
    );
}

/// `listen --json | head -n 2`: once the reader is gone, listen stops (events would be
/// recorded nowhere), says so, and exits non-zero.
#[test]
fn a_closed_stdout_stops_listen() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookline"))
        .current_dir(dir.path())
        .args(["listen", "--port", "0", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let addr: std::net::SocketAddr = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no banner");
        if let Some(rest) = line.trim().strip_prefix("listening on http://") {
            break rest.parse().unwrap();
        }
    };
    let mut head = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        assert_eq!(post(addr, "/x", &[], b"{}").status, 202);
        let mut line = String::new();
        head.read_line(&mut line).unwrap();
    }
    drop(head); // `head -n 2` exits
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        // A raw request whose failure is fine: the server may be gone by now.
        if let Ok(mut stream) = std::net::TcpStream::connect(addr) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = stream.write_all(&common::http::request_bytes("POST", "/x", &[], b"{}"));
            let _ = stream.read(&mut [0u8; 512]);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "listen kept answering with nobody reading"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(1));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("standard output was closed"), "{rest}");
}

/// `--max-body 1MB` is a million bytes, and the refusal says `1 MB`, as written.
#[test]
fn sizes_are_shown_in_the_unit_they_were_given_in() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--max-body", "1MB"]);
    let fits = post(listener.addr, "/x", &[], &vec![b'x'; 1_000_000]);
    assert_eq!(fits.status, 202);
    let over = post(listener.addr, "/x", &[], &vec![b'x'; 1_000_001]);
    assert_eq!(over.status, 413);
    assert!(
        over.text().contains("body larger than 1 MB"),
        "{}",
        over.text()
    );
}
