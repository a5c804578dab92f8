//! hookline in CI: `listen --expect` as an assertion (with `--url-file` for readiness),
//! `verify` over many captures, and the recipe of docs/ci.md run end to end as a script.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{hookline_in, run};

/// `hookline listen --port 0 --url-file url ARGS` in `dir`; returns the child and the URL
/// once the file appears.
fn expecting(dir: &Path, args: &[&str]) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookline"));
    for key in common::outer_settings() {
        cmd.env_remove(key);
    }
    let child = cmd
        .current_dir(dir)
        .args(["listen", "--port", "0", "--url-file", "url"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let file = dir.join("url");
    while !file.exists() {
        assert!(started.elapsed() < Duration::from_secs(10), "no --url-file");
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = fs::read_to_string(file).unwrap().trim().to_string();
    (child, url)
}

fn send(dir: &Path, fixtures: &[&str], to: &str, secret: &str) -> common::Out {
    run(hookline_in(dir).arg("send").args(fixtures).args([
        "--to",
        to,
        "--secret",
        secret,
        "--retries",
        "0",
    ]))
}

fn finish(child: Child) -> (i32, String, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn listen_expect_exits_0_after_n_good_events_and_1_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "invoice.paid.json",
        "invoice.failed.json",
        "user.created.json",
    ] {
        fs::write(dir.path().join(name), r#"{"n":1}"#).unwrap();
    }

    // Three signed events: met, JSON lines on stdout as usual.
    let (child, url) = expecting(
        dir.path(),
        &[
            "--secret",
            "s3cret",
            "--expect",
            "3",
            "--json",
            "--expect-event",
            "invoice.*",
        ],
    );
    let sent = send(
        dir.path(),
        &[
            "invoice.paid.json",
            "invoice.failed.json",
            "user.created.json",
        ],
        &format!("{url}/hooks"),
        "s3cret",
    );
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let (code, stdout, stderr) = finish(child);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3);
    assert!(
        stderr.contains("expectation met: 3 events arrived"),
        "{stderr}"
    );

    // One forged: the run fails and says which event.
    let _ = fs::remove_file(dir.path().join("url"));
    let (child, url) = expecting(dir.path(), &["--secret", "s3cret", "--expect", "2"]);
    let to = format!("{url}/hooks");
    send(dir.path(), &["invoice.paid.json"], &to, "s3cret");
    send(dir.path(), &["user.created.json"], &to, "forged");
    let (code, _, stderr) = finish(child);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("event 2: signature not valid (mismatch)"),
        "{stderr}"
    );

    // Too few before --timeout, and an event type that never came.
    let _ = fs::remove_file(dir.path().join("url"));
    let (child, url) = expecting(
        dir.path(),
        &[
            "--expect",
            "3",
            "--timeout",
            "1s",
            "--expect-event",
            "refund.*",
        ],
    );
    send(
        dir.path(),
        &["invoice.paid.json"],
        &format!("{url}/hooks"),
        "x",
    );
    let (code, _, stderr) = finish(child);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("expected 3 events, 1 arrived within 1s")
            && stderr.contains("no `refund.*` event arrived"),
        "{stderr}"
    );
}

/// Without a count, the run ends once every expected event type has been seen.
#[test]
fn expect_event_alone_stops_when_each_type_arrived() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.json", "order.created.json"] {
        fs::write(dir.path().join(name), "{}").unwrap();
    }
    let (child, url) = expecting(
        dir.path(),
        &["--expect-event", "order.*", "--timeout", "20s"],
    );
    let to = format!("{url}/hooks");
    send(dir.path(), &["a.json"], &to, "x");
    send(dir.path(), &["order.created.json"], &to, "x");
    let (code, _, stderr) = finish(child);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("2 events"), "{stderr}");
}

#[test]
fn verify_checks_folders_and_json_lines_of_captures() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("e.json"), r#"{"n":1}"#).unwrap();
    let (child, url) = expecting(
        dir.path(),
        &[
            "--secret", "s3cret", "--save", "caps", "--expect", "2", "--json",
        ],
    );
    let to = format!("{url}/hooks");
    send(dir.path(), &["e.json"], &to, "s3cret");
    send(dir.path(), &["e.json"], &to, "forged");
    let (_, stdout, _) = finish(child);
    fs::write(dir.path().join("night.jsonl"), &stdout).unwrap();

    let folder = run(hookline_in(dir.path()).args(["verify", "caps", "--secret", "s3cret"]));
    assert_eq!(folder.code, 1, "{}", folder.stderr);
    assert!(
        folder.stdout.contains("2 captures: 1 valid, 1 invalid"),
        "{}",
        folder.stdout
    );
    assert_eq!(folder.stdout.matches("caps/").count(), 2);

    let lines = run(hookline_in(dir.path()).args([
        "verify",
        "night.jsonl",
        "--secret",
        "s3cret",
        "--json",
    ]));
    assert_eq!(lines.code, 1);
    let results = common::process::json_lines(&lines.stdout);
    assert_eq!(results[0]["source"], "night.jsonl:1");
    assert_eq!(results[0]["valid"], true);
    assert_eq!(results[1]["reason"], "mismatch");

    // Only the valid one: exit 0.
    let valid = fs::read_dir(dir.path().join("caps"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            run(hookline_in(dir.path())
                .args(["verify", "--secret", "s3cret"])
                .arg(p))
            .code
                == 0
        })
        .unwrap();
    let both = run(hookline_in(dir.path())
        .args(["verify", "--secret", "s3cret"])
        .arg(&valid)
        .arg(&valid));
    assert_eq!(both.code, 0, "{}", both.stdout);

    // A file that is not a capture stops the run before any line, naming it.
    fs::write(dir.path().join("plain.json"), "{}").unwrap();
    let bad =
        run(hookline_in(dir.path()).args(["verify", "caps", "plain.json", "--secret", "s3cret"]));
    assert_eq!(bad.code, 2);
    assert!(bad.stdout.is_empty(), "{}", bad.stdout);
    assert!(bad.stderr.contains("plain.json"), "{}", bad.stderr);
}

/// docs/ci.md's steps, as a script: it must pass as written.
#[test]
fn the_ci_recipe_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_hookline")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ci/recipe.sh");
    let mut cmd = Command::new("bash");
    for key in common::outer_settings() {
        cmd.env_remove(key);
    }
    let out = cmd
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env(
            "FIXTURES",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        )
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("recipe: all three checks passed"),
        "{stdout}"
    );
}
