//! `hookline replay`: captures made by `listen --save`/`--json` (or `send`'s dead letters)
//! re-sent into a second `hookline listen`, compared byte for byte.

mod common;

use std::fs;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use common::http::post;
use common::process::{json_lines, Listener};
use common::{hookline_in, run};
use serde_json::Value;

fn replay(dir: &std::path::Path, args: &[&str]) -> common::Out {
    run(hookline_in(dir).arg("replay").args(args))
}

/// Header pairs as received, without the ones the sender's connection sets.
fn request_headers(line: &Value) -> Vec<(String, String)> {
    line["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_string(),
                h[1].as_str().unwrap().to_string(),
            )
        })
        .filter(|(n, _)| n != "host" && n != "content-length")
        .collect()
}

#[test]
fn saved_captures_replay_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let first = Listener::start(dir.path(), &["--json", "--save", caps.to_str().unwrap()]);
    let binary: Vec<u8> = (0..=255u8).collect();
    let spaced = b"{ \"type\" : \"invoice.paid\" ,\n \"n\":[1, 2] }".to_vec();
    let headers = [
        ("X-Tag", "one"),
        ("X-Tag", "two"),
        ("Content-Type", "application/json"),
    ];
    post(first.addr, "/hooks/a?x=1", &headers, &binary);
    post(first.addr, "/hooks/b", &headers, &spaced);
    let originals = json_lines(&first.stop().stdout);

    let second = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", second.addr);
    let out = replay(dir.path(), &["caps", "--to", &to, "--concurrency", "1"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("2 deliveries: 2 delivered"),
        "{}",
        out.stdout
    );
    let replayed = json_lines(&second.stop().stdout);
    assert_eq!(replayed.len(), 2);
    for (orig, again) in originals.iter().zip(&replayed) {
        assert_eq!(orig["body"], again["body"]);
        assert_eq!(orig["body_base64"], again["body_base64"]);
        assert_eq!(orig["path"], again["path"]);
        assert_eq!(orig["query"], again["query"]);
        assert_eq!(request_headers(orig), request_headers(again));
    }
    assert!(replayed[0].get("body_base64").is_some(), "the binary body");
}

#[test]
fn json_lines_stream_and_the_url_path_rule() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"hookline":1,"method":"POST","path":"/orig","query":"a=1","headers":[["x-k","v"]],"body":"one"}"#,
        r#"{"hookline":1,"method":"PUT","path":"/other","body":"two"}"#,
    ];
    fs::write(dir.path().join("events.jsonl"), lines.join("\n") + "\n").unwrap();
    let target = Listener::start(dir.path(), &["--json"]);

    // No path in --to: each capture's own.
    let to = format!("http://{}", target.addr);
    let in_order = ["--concurrency", "1"];
    assert_eq!(
        replay(
            dir.path(),
            &[&["events.jsonl", "--to", &to][..], &in_order].concat()
        )
        .code,
        0
    );
    // A path in --to: that one.
    let to = format!("http://{}/new", target.addr);
    let json = [&["events.jsonl", "--to", &to, "--json"][..], &in_order].concat();
    assert_eq!(replay(dir.path(), &json).code, 0);
    let got = json_lines(&target.stop().stdout);
    let seen: Vec<(String, String)> = got
        .iter()
        .map(|l| {
            (
                l["method"].as_str().unwrap().into(),
                format!(
                    "{}?{}",
                    l["path"].as_str().unwrap(),
                    l["query"].as_str().unwrap_or("")
                ),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("POST".into(), "/orig?a=1".into()),
            ("PUT".into(), "/other?".into()),
            ("POST".into(), "/new?a=1".into()),
            ("PUT".into(), "/new?".into()),
        ]
    );
}

#[test]
fn a_bad_line_stops_the_run_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"hookline":1,"body":"one"}"#,
        r#"{"hookline":1,"body": nope}"#,
        r#"{"hookline":1,"body":"three"}"#,
    ];
    fs::write(dir.path().join("bad.jsonl"), lines.join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let out = replay(
        dir.path(),
        &["bad.jsonl", "--to", &to, "--concurrency", "1"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("bad.jsonl: line 2, column"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("nothing was sent"),
        "a regular file is checked whole before the first request: {}",
        out.stderr
    );

    let skipped = replay(dir.path(), &["bad.jsonl", "--to", &to, "--skip-invalid"]);
    assert_eq!(skipped.code, 0, "{}", skipped.stderr);
    assert_eq!(
        json_lines(&target.stop().stdout).len(),
        2,
        "none before the stop, then 2 skipping"
    );

    // A malformed capture file stops everything before a request is made.
    fs::write(dir.path().join("good.json"), r#"{"hookline":1,"body":"x"}"#).unwrap();
    fs::write(
        dir.path().join("broken.json"),
        "{\"hookline\": 1,\n\"body\": }",
    )
    .unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let out = replay(dir.path(), &["good.json", "broken.json", "--to", &to]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("broken.json: line 2, column"),
        "{}",
        out.stderr
    );
    assert!(target.stop().stdout.is_empty(), "nothing sent");
}

#[test]
fn send_dead_letters_replay_once_the_endpoint_is_back() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("order.created.json"), r#"{"order":7}"#).unwrap();
    let down = Listener::start(dir.path(), &["--responses", "503"]);
    let to = format!("http://{}/orders", down.addr);
    let sent = run(hookline_in(dir.path()).args([
        "send",
        "order.created.json",
        "--to",
        &to,
        "--secret",
        "s3cret",
        "--retries",
        "0",
        "--dead-letter",
        "dead",
    ]));
    assert_eq!(sent.code, 1);
    drop(down);

    let up = Listener::start(dir.path(), &["--json", "--secret", "s3cret"]);
    let to = format!("http://{}", up.addr);
    let out = replay(dir.path(), &["dead", "--to", &to]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let got = json_lines(&up.stop().stdout);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["path"], "/orders");
    assert_eq!(got[0]["body"], r#"{"order":7}"#);
    assert_eq!(got[0]["event"], "order.created");
    assert_eq!(
        got[0]["verification"]["valid"], true,
        "signed when the dead letter was written"
    );
}

#[test]
fn dry_run_prints_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("c.json"), r#"{"hookline":1,"method":"DELETE","path":"/x","headers":[["a","1"],["b","2"]],"body":"hello"}"#).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let out = replay(dir.path(), &["c.json", "--to", &to, "--dry-run"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout.trim(),
        format!("DELETE {to}/x  2 headers, 5 byte body")
    );
    assert!(target.stop().stdout.is_empty());
}

#[test]
fn selection_by_event_validity_time_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let capture = |event: &str, valid: bool, at: &str| {
        format!(
            r#"{{"hookline":1,"event":"{event}","received_at":"{at}","verification":{{"scheme":"generic","valid":{valid},"reason":null}},"body":"{event}"}}"#
        )
    };
    let lines = [
        capture("invoice.paid", true, "2026-11-22T10:00:00.000Z"),
        capture("invoice.failed", false, "2026-11-22T10:05:00.000Z"),
        capture("customer.created", true, "2026-11-22T10:06:00.000Z"),
        capture("invoice.created", true, "2026-11-22T11:30:00.000Z"),
        capture("invoice.voided", true, "2026-11-22T10:10:00.000Z"),
    ];
    fs::write(dir.path().join("day.jsonl"), lines.join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let out = replay(
        dir.path(),
        &[
            "day.jsonl",
            "--to",
            &to,
            "--event",
            "invoice.*",
            "--only-valid",
            "--since",
            "2026-11-22T10:00:00Z",
            "--until",
            "2026-11-22T11:00:00Z",
            "--concurrency",
            "1",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bodies: Vec<String> = json_lines(&target.stop().stdout)
        .iter()
        .map(|l| l["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(bodies, ["invoice.paid", "invoice.voided"]);

    let out = replay(
        dir.path(),
        &["day.jsonl", "--to", &to, "--limit", "2", "--dry-run"],
    );
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn rate_spaces_requests_evenly() {
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"hookline":1,"body":"x"}"#;
    fs::write(dir.path().join("many.jsonl"), vec![line; 60].join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let started = std::time::Instant::now();
    let out = replay(
        dir.path(),
        &[
            "many.jsonl",
            "--to",
            &to,
            "--rate",
            "20",
            "--concurrency",
            "8",
        ],
    );
    let took = started.elapsed();
    assert_eq!(out.code, 0);
    assert_eq!(json_lines(&target.stop().stdout).len(), 60);
    // 60 at 20/s is about 3 s; a wide band, as the machine is shared.
    assert!(took >= std::time::Duration::from_secs(2), "{took:?}");
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
}

#[test]
fn resign_makes_stale_stripe_and_standard_signatures_valid_again() {
    use hookline::secret::Secret;
    use hookline::signing::{self, Scheme};
    let dir = tempfile::tempdir().unwrap();
    let secret = "whsec_cmVwbGF5LXJlc2lnbi1zZWNyZXQ=";
    let body = br#"{"type":"invoice.paid","id":"evt_9"}"#;
    // Signed a day ago, as last night's captures were.
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    let ts = then
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let received = humantime::format_rfc3339_millis(then).to_string();
    let mut lines = Vec::new();
    for scheme in [Scheme::Stripe, Scheme::Standard] {
        let headers = signing::sign(scheme, &Secret::new(secret), ts, "msg_kept", body).unwrap();
        let capture = serde_json::json!({
            "hookline": 1, "received_at": received, "method": "POST", "path": "/hook",
            "headers": headers, "body": std::str::from_utf8(body).unwrap(),
            "verification": {"scheme": scheme.name(), "valid": true, "reason": null},
        });
        lines.push(capture.to_string());
    }
    fs::write(dir.path().join("night.jsonl"), lines.join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json", "--secret", secret]);
    let to = format!("http://{}", target.addr);

    let stale = replay(dir.path(), &["night.jsonl", "--to", &to, "--retries", "0"]);
    assert_eq!(stale.code, 1);
    assert!(stale.stderr.contains("use --resign"), "{}", stale.stderr);
    assert_eq!(stale.stderr.matches("warning").count(), 1, "warned once");

    let resigned = replay(
        dir.path(),
        &[
            "night.jsonl",
            "--to",
            &to,
            "--resign",
            "--secret",
            secret,
            "--concurrency",
            "1",
        ],
    );
    assert_eq!(resigned.code, 0, "{}{}", resigned.stdout, resigned.stderr);
    let got = json_lines(&target.stop().stdout);
    let reasons: Vec<&Value> = got.iter().map(|l| &l["verification"]["reason"]).collect();
    assert_eq!(reasons[0], "timestamp_out_of_tolerance");
    assert_eq!(reasons[1], "timestamp_out_of_tolerance");
    assert_eq!(got[2]["verification"]["valid"], true, "stripe re-signed");
    assert_eq!(got[3]["verification"]["valid"], true, "standard re-signed");
    assert_eq!(
        got[3]["delivery_id"], "msg_kept",
        "the captured webhook-id is kept"
    );
    // The old signature headers are gone, not sent twice.
    let signatures = got[2]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "stripe-signature")
        .count();
    assert_eq!(signatures, 1);

    let no_secret = replay(dir.path(), &["night.jsonl", "--to", &to, "--resign"]);
    assert_eq!(no_secret.code, 2);
    assert!(
        no_secret.stderr.contains("no secret"),
        "{}",
        no_secret.stderr
    );
}

/// Lines on standard input are sent as they arrive, not held back until a batch fills or
/// the input ends (`tail -f captures.jsonl | hookline replay -`).
#[test]
fn stdin_lines_are_sent_as_they_arrive() {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved");
    let target = Listener::start(dir.path(), &["--save", saved.to_str().unwrap()]);
    let to = format!("http://{}", target.addr);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookline"))
        .current_dir(dir.path())
        .args(["replay", "-", "--to", &to])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let saved_count = || fs::read_dir(&saved).map_or(0, |d| d.count());
    for n in 1..=2 {
        writeln!(
            stdin,
            r#"{{"hookline":1,"path":"/live","body":"line {n}"}}"#
        )
        .unwrap();
        stdin.flush().unwrap();
        // Generous: only "before the input ends" is asserted, not how soon.
        let deadline = Instant::now() + Duration::from_secs(20);
        while saved_count() < n {
            assert!(
                Instant::now() < deadline,
                "line {n} was not sent while stdin stayed open"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert_eq!(saved_count(), 2);
}

/// `--secret` without `--resign` changes nothing: said, not silently ignored.
#[test]
fn a_secret_without_resign_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("c.json"), r#"{"hookline":1,"body":"x"}"#).unwrap();
    let out = replay(
        dir.path(),
        &[
            "c.json",
            "--to",
            "http://127.0.0.1:9",
            "--secret",
            "k",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("--secret does nothing here"),
        "{}",
        out.stderr
    );
}

/// A capture with more headers than HTTP can carry in one message (40,000; a map holds
/// 32,768) is a one-line error naming the file and line, exit 2; it used to be a panic.
#[test]
fn a_capture_with_too_many_headers_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let headers: Vec<[String; 2]> = (0..40_000)
        .map(|i| [format!("x-{i}"), "v".into()])
        .collect();
    let capture = serde_json::json!({"hookline": 1, "headers": headers, "body": "{}"});
    fs::write(dir.path().join("big.jsonl"), format!("{capture}\n")).unwrap();
    let out = replay(dir.path(), &["big.jsonl", "--to", "http://127.0.0.1:9"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("big.jsonl:1: too many headers (at most 32768)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

/// A date alone is that day's start (UTC); a `.json` file holding JSON lines says what it
/// is and how to read it.
#[test]
fn since_takes_a_date_and_json_lines_in_a_json_file_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"hookline":1,"received_at":"2026-11-30T23:59:59Z","body":"old"}"#,
        r#"{"hookline":1,"received_at":"2026-12-01T00:00:01Z","body":"new"}"#,
    ];
    fs::write(dir.path().join("night.json"), lines.join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let named = replay(dir.path(), &["night.json", "--to", &to]);
    assert_eq!(named.code, 2);
    assert!(
        named.stderr.contains("looks like JSON lines") && named.stderr.contains("--jsonl"),
        "{}",
        named.stderr
    );
    let out = replay(
        dir.path(),
        &[
            "night.json",
            "--jsonl",
            "--since",
            "2026-12-01",
            "--to",
            &to,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = json_lines(&target.stop().stdout);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["body"], "new");
}

/// A header value that is not UTF-8 (Latin-1, raw bytes) is accepted like any other,
/// kept byte for byte in the capture (`[name, base64, "base64"]`), and replayed as it came.
#[test]
fn header_values_that_are_not_utf8_are_kept_and_replayed_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let first = Listener::start(dir.path(), &["--json", "--save", "caps"]);
    let raw = b"POST /l1 HTTP/1.1\r\nHost: x\r\nX-Latin: caf\xe9\r\nX-Raw: \xff\x80ok\r\nContent-Length: 2\r\n\r\n{}".to_vec();
    let mut conn = common::http::Conn::open(first.addr);
    conn.send_raw(&raw);
    assert_eq!(conn.read_response().unwrap().status, 202);
    let line = json_lines(&first.stop().stdout).remove(0);
    let headers = line["headers"].as_array().unwrap();
    let latin = headers.iter().find(|h| h[0] == "x-latin").unwrap();
    assert_eq!(latin.as_array().unwrap().len(), 3, "{latin}");
    assert_eq!(
        (latin[1].as_str(), latin[2].as_str()),
        (Some("Y2Fm6Q=="), Some("base64"))
    );

    let second = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", second.addr);
    let out = replay(dir.path(), &["caps", "--to", &to]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let again = json_lines(&second.stop().stdout).remove(0);
    let pick = |l: &Value, name: &str| {
        l["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == name)
            .cloned()
            .unwrap()
    };
    for name in ["x-latin", "x-raw"] {
        assert_eq!(pick(&again, name), pick(&line, name), "{name}");
    }
}

/// Connections, then requests, a test receiver has seen.
type Counts = (AtomicUsize, AtomicUsize);

/// A receiver that answers every request on a connection with 200 and closes the
/// connection once it has been idle for `idle`.
fn closing_receiver(idle: std::time::Duration) -> (String, Arc<Counts>) {
    use std::io::{BufReader, Write};
    use std::sync::atomic::Ordering::SeqCst;
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/in", server.local_addr().unwrap());
    let counts = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let seen = counts.clone();
    std::thread::spawn(move || {
        for stream in server.incoming() {
            let Ok(stream) = stream else { continue };
            seen.0.fetch_add(1, SeqCst);
            let seen = seen.clone();
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(idle)).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                // A timeout or the peer's close ends the connection.
                while common::http::read_request(&mut reader).is_some() {
                    seen.1.fetch_add(1, SeqCst);
                    if writer
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (url, counts)
}

/// Back-to-back deliveries share one kept-alive connection; one the receiver has closed
/// while idle is not reused: the next delivery opens a new one and succeeds first time.
#[test]
fn kept_alive_connections_are_reused_and_closed_ones_are_not() {
    use std::sync::atomic::Ordering::SeqCst;
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"hookline":1,"body":"x"}"#;
    fs::write(dir.path().join("five.jsonl"), [line; 5].join("\n")).unwrap();
    fs::write(dir.path().join("three.jsonl"), [line; 3].join("\n")).unwrap();
    // Wide margins both ways on a loaded machine: a 450 ms stall between back-to-back
    // deliveries, 550 ms between the receiver's close and the next delivery.
    let (to, counts) = closing_receiver(std::time::Duration::from_millis(450));

    let out = replay(
        dir.path(),
        &["five.jsonl", "--to", &to, "--concurrency", "1"],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(counts.1.load(SeqCst), 5);
    assert_eq!(counts.0.load(SeqCst), 1, "five requests, one connection");

    // A second apart: the receiver closes each connection before the next request.
    let out = replay(
        dir.path(),
        &[
            "three.jsonl",
            "--to",
            &to,
            "--concurrency",
            "1",
            "--rate",
            "1",
            "--retries",
            "0",
            "--json",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let results: Vec<Value> = json_lines(&out.stdout)
        .into_iter()
        .filter(|l| l["type"] == "result")
        .collect();
    assert_eq!(results.len(), 3);
    for result in &results {
        assert_eq!(result["result"], "delivered", "{result}");
        assert_eq!(result["attempts"].as_array().unwrap().len(), 1, "{result}");
    }
    assert_eq!(counts.1.load(SeqCst), 8);
    assert_eq!(
        counts.0.load(SeqCst),
        4,
        "a new connection for each of the three"
    );
}
