//! `hookline send` against real servers on loopback: `hookline listen` with chaos flags,
//! or a raw socket that never answers. The built binary throughout.

mod common;

use std::fs;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::process::{json_lines, Listener};
use common::{hookline_in, run};

const SECRET: &str = "whsec_c2VuZC10ZXN0LXNlY3JldC1rZXk=";

fn send(dir: &std::path::Path, args: &[&str]) -> common::Out {
    run(hookline_in(dir).arg("send").args(args))
}

/// A server that accepts connections and never answers; its URL with `path`.
fn silent_server(path: &str) -> String {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming() {
            held.push(stream);
        }
    });
    url
}

/// `hookline send FIXTURE --to URL --secret k --watch` in `dir`; its stdout and stderr
/// lines arrive on the receiver as they are printed.
fn watch_send(
    dir: &std::path::Path,
    fixture: &str,
    to: &str,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookline"))
        .current_dir(dir)
        .env_remove("HOOKLINE_SECRET")
        .args(["send", fixture, "--to", to, "--secret", "k", "--watch"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
    }
    (child, rx)
}

fn url(listener: &Listener, path: &str) -> String {
    format!("http://{}{path}", listener.addr)
}

#[test]
fn retried_until_delivered_with_one_delivery_id_and_a_fresh_signature_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/stripe/payment_intent.succeeded.json"
    );
    let listener = Listener::start(
        dir.path(),
        &["--json", "--secret", SECRET, "--responses", "503,503,202"],
    );
    let to = url(&listener, "/hooks/stripe");
    let out = send(
        dir.path(),
        &[
            fixture,
            "--to",
            &to,
            "--scheme",
            "stripe",
            "--secret",
            SECRET,
            "--backoff",
            "10ms",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("delivered 202 on attempt 3"),
        "{}",
        out.stdout
    );
    let received = json_lines(&listener.stop().stdout);
    assert_eq!(received.len(), 3);
    let ids: Vec<&str> = received
        .iter()
        .map(|l| l["delivery_id"].as_str().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(received.iter().all(|l| l["verification"]["valid"] == true));
    assert!(received.iter().all(|l| l["path"] == "/hooks/stripe"));
    let statuses: Vec<u64> = received
        .iter()
        .map(|l| l["answer"]["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 202]);
    // The body arrives byte for byte.
    let body = fs::read_to_string(fixture).unwrap();
    assert_eq!(received[2]["body"], body);
}

#[test]
fn retry_after_is_honoured() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("job.completed.json"), r#"{"job":"j"}"#).unwrap();
    let listener = Listener::start(
        dir.path(),
        &["--responses", "429,202", "--retry-after", "1"],
    );
    let to = url(&listener, "/");
    let started = Instant::now();
    let out = send(
        dir.path(),
        &[
            "job.completed.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--backoff",
            "1ms",
        ],
    );
    let waited = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(waited >= Duration::from_millis(900), "waited {waited:?}");
    assert!(waited < Duration::from_secs(10), "waited {waited:?}");
}

#[test]
fn a_404_is_final_and_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--responses", "404"]);
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &["a.json", "--to", &to, "--secret", "k", "--backoff", "1ms"],
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("failed 404, not retried"),
        "{}",
        out.stdout
    );
    assert_eq!(json_lines(&listener.stop().stdout).len(), 1);

    // --retry-on makes it retryable.
    let listener = Listener::start(dir.path(), &["--json", "--responses", "404,202"]);
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &[
            "a.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--backoff",
            "1ms",
            "--retry-on",
            "404",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json_lines(&listener.stop().stdout).len(), 2);
}

#[test]
fn a_server_that_never_answers_times_out_and_the_delivery_is_dead_lettered() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("order.created.json"), r#"{"order":1}"#).unwrap();
    let to = silent_server("/hook");
    let started = Instant::now();
    let out = send(
        dir.path(),
        &[
            "order.created.json",
            "--to",
            &to,
            "--secret",
            "s3cret",
            "--timeout",
            "300ms",
            "--retries",
            "1",
            "--backoff",
            "1ms",
            "--dead-letter",
            "dead",
        ],
    );
    assert_eq!(out.code, 1);
    assert!(started.elapsed() < Duration::from_secs(10));
    let timed_out = out
        .stdout
        .lines()
        .filter(|l| l.contains("/2  timed out"))
        .count();
    assert_eq!(timed_out, 2, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("failed after 2 attempts, last: timed out"));
    let (letter, capture) = the_dead_letter(dir.path());
    assert_eq!(capture["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(capture["attempts"][0]["error"], "timed out");
    assert_eq!(capture["event"], "order.created");
    assert_eq!(capture["body"], r#"{"order":1}"#);
    assert_verifies(dir.path(), &letter, "s3cret");
}

/// The one dead letter in `dir/dead`, and what it holds.
fn the_dead_letter(dir: &std::path::Path) -> (std::path::PathBuf, serde_json::Value) {
    let letters: Vec<_> = fs::read_dir(dir.join("dead")).unwrap().collect();
    assert_eq!(letters.len(), 1);
    let letter = letters[0].as_ref().unwrap().path();
    let capture = serde_json::from_slice(&fs::read(&letter).unwrap()).unwrap();
    (letter, capture)
}

/// A dead letter is a capture: `verify` reads it with its own headers and body.
fn assert_verifies(dir: &std::path::Path, letter: &std::path::Path, secret: &str) {
    let verified =
        run(hookline_in(dir).args(["verify", letter.to_str().unwrap(), "--secret", secret]));
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
}

/// An envelope whose body holds placeholders is dead-lettered with the body it was sent
/// with (filled in, the one its signature covers), not the template.
#[test]
fn a_dead_letter_keeps_the_filled_in_body_of_an_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let envelope = r#"{"hookline":1,"event":"order.paid","headers":[["x-tenant","acme"]],"body":"{\"id\":\"{{uuid}}\"}"}"#;
    fs::write(dir.path().join("envelope.json"), envelope).unwrap();
    let to = silent_server("/hook");
    let out = send(
        dir.path(),
        &[
            "envelope.json",
            "--to",
            &to,
            "--secret",
            "s3cret",
            "--timeout",
            "200ms",
            "--retries",
            "0",
            "--dead-letter",
            "dead",
        ],
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let (letter, capture) = the_dead_letter(dir.path());
    let body = capture["body"].as_str().unwrap();
    assert!(!body.contains("{{"), "{body}");
    assert!(body.starts_with(r#"{"id":""#), "{body}");
    assert_verifies(dir.path(), &letter, "s3cret");
}

#[test]
fn many_fixtures_against_a_flaky_server_are_all_accounted_for() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    fs::create_dir(&fixtures).unwrap();
    for i in 0..200 {
        fs::write(
            fixtures.join(format!("event-{i:03}.json")),
            format!(r#"{{"n":{i}}}"#),
        )
        .unwrap();
    }
    fs::write(fixtures.join(".hidden.json"), "{}").unwrap();
    let listener = Listener::start(
        dir.path(),
        &[
            "--json",
            "--secret",
            "k",
            "--fail-rate",
            "0.5",
            "--seed",
            "7",
        ],
    );
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &[
            "fixtures",
            "--to",
            &to,
            "--secret",
            "k",
            "--concurrency",
            "8",
            "--retries",
            "3",
            "--backoff",
            "1ms",
            "--dead-letter",
            "dead",
        ],
    );
    let received = json_lines(&listener.stop().stdout);
    let delivered = out.stdout.matches(" delivered 2").count();
    let dead = fs::read_dir(dir.path().join("dead")).map_or(0, |d| d.count());
    assert_eq!(delivered + dead, 200, "{}", out.stdout);
    assert!(
        delivered > 150,
        "with 4 attempts at 50%, most get through: {delivered}"
    );
    let summary = out
        .stdout
        .lines()
        .find(|l| l.starts_with("200 deliveries"))
        .expect("summary");
    assert!(
        summary.contains(&format!(
            "{delivered} delivered, {dead} failed ({dead} dead-lettered)"
        )),
        "{summary}"
    );
    // Each accepted request is one attempt the sender saw.
    let is_attempt = |l: &&str| {
        l.split("  attempt ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|n| n.contains('/'))
    };
    let attempts = out.stdout.lines().filter(is_attempt).count();
    assert_eq!(attempts, received.len());
    // Output stays in fixture order, whatever order deliveries finish in.
    let results: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("(delivery "))
        .collect();
    let mut sorted = results.clone();
    sorted.sort();
    assert_eq!(results, sorted);
    assert_eq!(out.code, if dead == 0 { 0 } else { 1 });
}

#[test]
fn duplicate_sends_the_same_delivery_id_twice() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("push.json"), r#"{"ref":"main"}"#).unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let to = url(&listener, "/gh");
    let out = send(
        dir.path(),
        &[
            "push.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--scheme",
            "github",
            "--duplicate",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    let received = json_lines(&listener.stop().stdout);
    assert_eq!(received.len(), 2);
    assert_eq!(received[0]["delivery_id"], received[1]["delivery_id"]);
    assert_eq!(received[0]["event"], "push");
    assert_eq!(received[1]["duplicate_of"], received[0]["received_at"]);
}

#[test]
fn json_output_is_one_object_per_attempt_and_per_result() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--responses", "500,202"]);
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &[
            "a.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--backoff",
            "1ms",
            "--json",
        ],
    );
    assert_eq!(out.code, 0);
    let lines = json_lines(&out.stdout);
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["attempt", "attempt", "result"]);
    assert_eq!(lines[0]["status"], 500);
    assert_eq!(lines[2]["result"], "delivered");
    assert!(
        out.stderr.contains("1 delivery: 1 delivered"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_sent() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ok.json"), "{}").unwrap();
    fs::write(
        dir.path().join("bad-envelope.json"),
        "{\"hookline\": 1,\n  \"body\": oops}",
    )
    .unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let listener = Listener::start(dir.path(), &["--json"]);
    let to = url(&listener, "/");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["ok.json", "--secret", "k"], "--to"),
        (
            vec!["ok.json", "--to", "localhost:3000", "--secret", "k"],
            "--to",
        ),
        (
            vec!["missing.json", "--to", &to, "--secret", "k"],
            "missing.json",
        ),
        (
            vec!["ok.json", "bad-envelope.json", "--to", &to, "--secret", "k"],
            "bad-envelope.json: line 2, column",
        ),
        (
            vec!["empty", "--to", &to, "--secret", "k"],
            "empty: the directory has no fixture files",
        ),
        (
            vec!["ok.json", "--to", &to, "--secret", "k", "--retries", "-1"],
            "--retries",
        ),
        (
            vec![
                "ok.json",
                "--to",
                &to,
                "--secret",
                "k",
                "--concurrency",
                "0",
            ],
            "--concurrency",
        ),
        (vec!["ok.json", "--to", &to], "no secret"),
        (
            vec![
                "ok.json",
                "--to",
                &to,
                "--scheme",
                "standard",
                "--secret",
                "not base64!",
            ],
            "base64",
        ),
        (
            vec!["ok.json", "--to", &to, "--secret", "k", "-H", "X(Y): v"],
            "-H: header name `X(Y)` is not valid",
        ),
    ];
    for (args, needle) in cases {
        let out = send(dir.path(), &args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    assert!(listener.stop().stdout.is_empty(), "nothing was sent");
}

#[test]
fn https_targets_with_cacert_or_insecure() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.json"), "{}").unwrap();
    let cache = dir.path().join("cache");
    let listener = Listener::start_with_env(
        dir.path(),
        &["--json", "--tls-self-signed"],
        &[("XDG_CACHE_HOME", cache.to_str().unwrap())],
    );
    let cert = cache.join("hookline/listen-cert.pem");
    let to = format!("https://localhost:{}/tls", listener.addr.port());
    let base = ["a.json", "--to", &to, "--secret", "k", "--retries", "0"];

    let trusted = send(
        dir.path(),
        &[&base[..], &["--cacert", cert.to_str().unwrap()]].concat(),
    );
    assert_eq!(trusted.code, 0, "{}{}", trusted.stdout, trusted.stderr);

    let untrusted = send(dir.path(), &base);
    assert_eq!(untrusted.code, 1);
    assert!(
        untrusted.stdout.to_lowercase().contains("certificate"),
        "{}",
        untrusted.stdout
    );

    let insecure = send(dir.path(), &[&base[..], &["--insecure"]].concat());
    assert_eq!(insecure.code, 0, "{}", insecure.stdout);
    assert!(
        insecure.stderr.contains("warning: --insecure"),
        "{}",
        insecure.stderr
    );

    assert_eq!(json_lines(&listener.stop().stdout).len(), 2);
}

#[test]
fn interrupted_deliveries_go_to_the_dead_letter_folder_and_exit_130() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.json", "b.json", "c.json"] {
        fs::write(dir.path().join(name), "{}").unwrap();
    }
    let to = silent_server("/");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_hookline"))
        .current_dir(dir.path())
        .env_remove("HOOKLINE_SECRET")
        .args([
            "send", "a.json", "b.json", "c.json", "--to", &to, "--secret", "k",
        ])
        .args([
            "--timeout",
            "60s",
            "--concurrency",
            "2",
            "--dead-letter",
            "dead",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    common::process::signal_term(child.id());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    assert!(
        stdout.contains("3 deliveries: 0 delivered, 3 failed (3 dead-lettered)"),
        "{stdout}"
    );
    assert!(stdout.contains("interrupted after 0 attempts"), "{stdout}");
    let letters = fs::read_dir(dir.path().join("dead")).unwrap().count();
    assert_eq!(letters, 3);
}

#[test]
fn watch_resends_on_change_and_not_on_an_unchanged_save() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("price.changed.json");
    fs::write(&fixture, r#"{"price":1}"#).unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let to = url(&listener, "/");
    let (mut child, rx) = watch_send(dir.path(), "price.changed.json", &to);
    let wait_delivered = |what: &str| loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .unwrap_or_else(|_| panic!("no delivery {what}"));
        if line.contains(" delivered ") {
            break;
        }
    };
    wait_delivered("at start");
    std::thread::sleep(Duration::from_millis(300)); // the first save's events settle
    fs::write(&fixture, r#"{"price":2}"#).unwrap();
    wait_delivered("after a change");
    fs::write(&fixture, r#"{"price":2}"#).unwrap(); // same bytes
    std::thread::sleep(Duration::from_millis(1200));
    common::process::signal_term(child.id());
    let status = child.wait().unwrap();
    // Everything the readers still hold: they end at the pipes' end, after the exit.
    let rest: Vec<String> = rx.iter().collect();
    assert_eq!(status.code(), Some(0), "{rest:?}");
    assert!(
        rest.iter().all(|l| !l.contains(" delivered ")),
        "re-sent unchanged bytes: {rest:?}"
    );
    assert!(
        rest.iter()
            .any(|l| l.starts_with("2 deliveries: 2 delivered")),
        "{rest:?}"
    );
    let received = json_lines(&listener.stop().stdout);
    let bodies: Vec<&str> = received
        .iter()
        .map(|l| l["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, [r#"{"price":1}"#, r#"{"price":2}"#]);
}

#[test]
fn extra_headers_and_envelope_headers_are_sent_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let envelope = r#"{"hookline":1,"event":"order.paid","headers":[["x-tenant","acme"],["x-signature","sha256=stale"]],"body":"{\"o\":1}"}"#;
    fs::write(dir.path().join("envelope.json"), envelope).unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let to = url(&listener, "/e");
    let out = send(
        dir.path(),
        &[
            "envelope.json",
            "--to",
            &to,
            "--secret",
            "k",
            "-H",
            "Authorization: Bearer t0k",
            "-H",
            "X-Note: café",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let line = &json_lines(&listener.stop().stdout)[0];
    let header = |name: &str| -> Vec<String> {
        line["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0] == name)
            .map(|h| h[1].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(header("x-tenant"), ["acme"]);
    assert_eq!(header("authorization"), ["Bearer t0k"]);
    assert_eq!(header("x-note"), ["café"]);
    assert_eq!(header("x-event"), ["order.paid"]);
    assert_eq!(
        header("x-signature").len(),
        1,
        "the stale signature is replaced"
    );
    assert_eq!(line["verification"]["valid"], true);
    assert_eq!(line["body"], r#"{"o":1}"#);
}

/// A broken save of a watched envelope is reported once; restoring it sends it once more,
/// and then nothing: reading a file is not a change. The file keeps the name it was given.
#[test]
fn watch_reports_a_broken_save_once_and_sends_each_new_content_once() {
    let dir = tempfile::tempdir().unwrap();
    let envelope = r#"{"hookline":1,"event":"order.paid","body":"{\"o\":1}"}"#;
    let path = dir.path().join("envelope.json");
    fs::write(&path, envelope).unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let to = url(&listener, "/");
    let (mut child, rx) = watch_send(dir.path(), "envelope.json", &to);
    let wait_for = |what: &str| loop {
        let line = rx
            .recv_timeout(Duration::from_secs(15))
            .unwrap_or_else(|_| panic!("nothing like {what}"));
        if line.contains(what) {
            break;
        }
    };
    wait_for(" delivered ");
    std::thread::sleep(Duration::from_millis(400));
    fs::write(&path, r#"{"hookline":1,"event":"order.paid","body":"#).unwrap();
    wait_for("envelope.json");
    std::thread::sleep(Duration::from_millis(1500));
    let errors: Vec<String> = rx.try_iter().collect();
    assert!(
        errors.is_empty(),
        "one error line per broken content: {errors:?}"
    );
    fs::write(&path, envelope).unwrap();
    wait_for(" delivered ");
    std::thread::sleep(Duration::from_millis(1500));
    common::process::signal_term(child.id());
    child.wait().unwrap();
    let rest: Vec<String> = rx.iter().collect();
    assert!(
        rest.iter().all(|l| !l.contains(" delivered ")),
        "sent again: {rest:?}"
    );
    let received = json_lines(&listener.stop().stdout);
    assert_eq!(
        received.len(),
        2,
        "one send at start, one after the restore"
    );
    let absolute = dir.path().display().to_string();
    assert!(
        rest.iter().all(|l| !l.contains(&absolute)),
        "one name for the file: {rest:?}"
    );
}

/// Shopify topics are `resource/action`: the fixture `orders-create.json` is sent as the
/// topic `orders/create`.
#[test]
fn shopify_fixtures_are_sent_with_their_topic() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/shopify/orders-create.json"
    );
    let out = send(
        dir.path(),
        &[
            fixture,
            "--to",
            &url(&listener, "/"),
            "--scheme",
            "shopify",
            "--secret",
            "k",
        ],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let got = json_lines(&listener.stop().stdout);
    assert_eq!(got[0]["event"], "orders/create");
    assert_eq!(got[0]["verification"]["valid"], true);
}

/// `--unsigned` needs no secret and sends no signature: a receiver's 401 can be tested.
#[test]
fn unsigned_sends_need_no_secret_and_carry_no_signature() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("body.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--secret", "k"]);
    let out = send(
        dir.path(),
        &[
            "body.json",
            "--to",
            &url(&listener, "/"),
            "--unsigned",
            "--scheme",
            "github",
        ],
    );
    assert_eq!(out.code, 1, "rejected: {}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("401"), "{}", out.stdout);
    let got = json_lines(&listener.stop().stdout);
    assert_eq!(got[0]["verification"]["reason"], "missing_signature");
    let names: Vec<&str> = got[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"x-hub-signature-256"), "{names:?}");
}

/// Plain words and plain numbers: "after 1 attempt", latencies to the microsecond.
#[test]
fn one_attempt_is_singular_and_latencies_are_rounded() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("body.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--status", "503"]);
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &["body.json", "--to", &to, "--secret", "k", "--retries", "0"],
    );
    assert!(out.stdout.contains("after 1 attempt,"), "{}", out.stdout);
    let json = send(
        dir.path(),
        &[
            "body.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--retries",
            "0",
            "--json",
        ],
    );
    let answers = json_lines(&listener.stop().stdout);
    let mut latencies: Vec<f64> = answers
        .iter()
        .map(|l| l["answer"]["latency_ms"].as_f64().unwrap())
        .collect();
    for line in json.stdout.lines().filter(|l| l.contains("latency_ms")) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(ms) = v["latency_ms"].as_f64() {
            latencies.push(ms);
        }
    }
    assert!(latencies.len() >= 3, "{}", json.stdout);
    for ms in latencies {
        assert_eq!(
            (ms * 1000.0).round() / 1000.0,
            ms,
            "{ms} has more than microseconds"
        );
    }
}

/// A fixture folder: editor leftovers and hidden files are never sent; `-r` goes down.
#[test]
fn fixture_folders_skip_editor_leftovers_and_recurse_with_r() {
    let dir = tempfile::tempdir().unwrap();
    let fx = dir.path().join("fx");
    fs::create_dir_all(fx.join("deeper")).unwrap();
    for name in [
        "a.json",
        "a.json~",
        ".a.json.swp",
        "#a.json#",
        "b.json.swp",
        ".hidden",
    ] {
        fs::write(fx.join(name), "{}").unwrap();
    }
    fs::write(fx.join("deeper/c.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--json"]);
    let to = url(&listener, "/");
    let flat = send(dir.path(), &["fx", "--to", &to, "--secret", "k"]);
    assert!(
        flat.stdout.contains("1 delivery: 1 delivered"),
        "{}",
        flat.stdout
    );
    let deep = send(dir.path(), &["fx", "-r", "--to", &to, "--secret", "k"]);
    assert!(
        deep.stdout.contains("2 deliveries: 2 delivered"),
        "{}",
        deep.stdout
    );
    let mut events: Vec<String> = json_lines(&listener.stop().stdout)
        .iter()
        .map(|l| l["event"].as_str().unwrap_or("").to_string())
        .collect();
    events.sort();
    assert_eq!(events, ["a", "a", "c"]);
}

/// A folder of many fixtures is read on several threads: the deliveries still go in name
/// order, and of two broken files the first by name is the one reported, nothing sent.
#[test]
fn a_large_folder_is_sent_in_name_order_and_its_first_broken_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let fx = dir.path().join("fx");
    fs::create_dir(&fx).unwrap();
    for i in 0..1000 {
        fs::write(fx.join(format!("e{i:04}.json")), format!("{{\"n\":{i}}}")).unwrap();
    }
    let listener = Listener::start(dir.path(), &["--json"]);
    let to = url(&listener, "/");
    let out = send(
        dir.path(),
        &[
            "fx",
            "--to",
            &to,
            "--secret",
            "k",
            "--concurrency",
            "16",
            "--json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let sources: Vec<String> = json_lines(&out.stdout)
        .iter()
        .filter(|l| l["type"] == "result")
        .map(|l| l["source"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..1000).map(|i| format!("fx/e{i:04}.json")).collect();
    let first_wrong = sources.iter().zip(&expected).position(|(a, b)| a != b);
    assert!(
        sources.len() == expected.len() && first_wrong.is_none(),
        "{} results, first out of order at {first_wrong:?}",
        sources.len()
    );
    let mut bodies: Vec<i64> = json_lines(&listener.stop().stdout)
        .iter()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l["body"].as_str().unwrap()).unwrap()["n"]
                .as_i64()
                .unwrap()
        })
        .collect();
    bodies.sort();
    assert_eq!(bodies, (0..1000).collect::<Vec<_>>());

    for broken in ["e0700.json", "e0300.json"] {
        fs::write(fx.join(broken), "{\"hookline\": 1,\n  \"body\": oops}").unwrap();
    }
    let listener = Listener::start(dir.path(), &["--json"]);
    let to = url(&listener, "/");
    let out = send(dir.path(), &["fx", "--to", &to, "--secret", "k"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("fx/e0300.json: line 2, column"),
        "{}",
        out.stderr
    );
    assert!(listener.stop().stdout.is_empty(), "nothing was sent");
}
