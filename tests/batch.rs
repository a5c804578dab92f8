//! `send` and `replay` run through one batch engine: the same Ctrl-C rule (results so far,
//! unfinished deliveries dead-lettered with their attempts, a summary, exit 130), the same
//! JSON result shape, and a line per request on a terminal too. The built binary against
//! real sockets on loopback.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::process::{json_lines, Listener};
use common::{hookline_in, run};
use serde_json::Value;

/// A server that answers its first `answered` requests 503 and never answers the rest.
fn answers_then_hangs(answered: usize) -> String {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", server.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in server.incoming() {
            let Ok(stream) = stream else { continue };
            let count = count.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        let mut body = vec![0; length];
                        reader.read_exact(&mut body).unwrap();
                        if count.fetch_add(1, Ordering::SeqCst) < answered {
                            let mut stream = &stream;
                            let _ = stream.write_all(
                                b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                            );
                            return;
                        }
                        // Never answered: held open until the test ends.
                        std::thread::sleep(Duration::from_secs(60));
                        return;
                    }
                }
            });
        }
    });
    url
}

/// Runs `hookline ARGS` in `dir`, sends it SIGINT once `ready` lines are on stdout… or
/// after `wait`, and returns (exit code, stdout, stderr).
fn interrupt_after(dir: &std::path::Path, args: &[&str], wait: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookline"))
        .current_dir(dir)
        .env_remove("HOOKLINE_SECRET")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(wait);
    common::process::signal(child.id(), "INT");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (code, stdout, stderr)
}

fn dead_letters(dir: &std::path::Path) -> Vec<Value> {
    let mut letters: Vec<Value> = fs::read_dir(dir)
        .unwrap()
        .map(|e| serde_json::from_slice(&fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    letters.sort_by_key(|l| l["dead_letter"]["source"].as_str().unwrap().to_string());
    letters
}

/// Replay cut short: the requests in flight are reported, dead-lettered with the attempt
/// that was answered and the one cut off, and the summary is printed; exit 130.
#[test]
fn an_interrupted_replay_reports_and_dead_letters_what_was_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..2)
        .map(|i| format!(r#"{{"hookline":1,"id":"evt_{i}","path":"/p{i}","body":"{{}}"}}"#))
        .collect();
    fs::write(dir.path().join("night.jsonl"), lines.join("\n")).unwrap();
    let to = answers_then_hangs(2);
    let (code, stdout, stderr) = interrupt_after(
        dir.path(),
        &[
            "replay",
            "night.jsonl",
            "--to",
            &to,
            "--backoff",
            "1ms",
            "--timeout",
            "60s",
            "--dead-letter",
            "dead",
        ],
        Duration::from_millis(1500),
    );
    assert_eq!(code, 130, "{stdout}{stderr}");
    assert!(
        stdout.contains("2 deliveries: 0 delivered, 2 failed (2 dead-lettered)")
            && stdout.contains("2 interrupted")
            && stdout.contains("by status 503×2"),
        "{stdout}"
    );
    for i in 0..2 {
        assert!(
            stdout.contains(&format!(
                "night.jsonl:{}  interrupted during attempt 2",
                i + 1
            )),
            "{stdout}"
        );
    }
    let letters = dead_letters(&dir.path().join("dead"));
    assert_eq!(letters.len(), 2);
    for letter in letters {
        let attempts = letter["attempts"].as_array().unwrap();
        assert_eq!(attempts.len(), 2, "{letter}");
        assert_eq!(attempts[0]["status"], 503);
        assert_eq!(attempts[1]["error"], "interrupted");
        assert_eq!(
            letter["dead_letter"]["reason"],
            "interrupted during attempt 2"
        );
    }
}

/// Send cut short: the same, with JSON result objects for every delivery (the one not
/// started included), and no latency figures made of nothing.
#[test]
fn an_interrupted_send_keeps_each_delivery_history_and_prints_json_results() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.json", "b.json", "c.json"] {
        fs::write(dir.path().join(name), "{}").unwrap();
    }
    let to = answers_then_hangs(1);
    let (code, stdout, stderr) = interrupt_after(
        dir.path(),
        &[
            "send",
            "a.json",
            "b.json",
            "c.json",
            "--to",
            &to,
            "--secret",
            "k",
            "--backoff",
            "1ms",
            "--timeout",
            "60s",
            "--concurrency",
            "1",
            "--dead-letter",
            "dead",
            "--json",
        ],
        Duration::from_millis(1500),
    );
    assert_eq!(code, 130, "{stdout}{stderr}");
    let results: Vec<Value> = json_lines(&stdout)
        .into_iter()
        .filter(|l| l["type"] == "result")
        .collect();
    assert_eq!(results.len(), 3, "{stdout}");
    let reasons: Vec<&str> = results
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "interrupted during attempt 2",
            "interrupted after 0 attempts",
            "interrupted after 0 attempts"
        ]
    );
    assert!(results.iter().all(|r| r["result"] == "interrupted"));
    assert_eq!(results[0]["attempts"][0]["status"], 503);
    assert!(
        stderr.contains("3 deliveries: 0 delivered, 3 failed (3 dead-lettered)")
            && stderr.contains("attempt latency p50")
            && stderr.contains("by status 503×1"),
        "{stderr}"
    );
    let letters = dead_letters(&dir.path().join("dead"));
    assert_eq!(letters.len(), 3);
    assert_eq!(letters[0]["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(letters[1]["attempts"].as_array().unwrap().len(), 0);
}

/// One delivery object for both commands: the same keys, the same meaning.
#[test]
fn send_and_replay_print_one_json_shape_for_a_delivery() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("e.json"), r#"{"n":1}"#).unwrap();
    let target = Listener::start(dir.path(), &["--json", "--save", "caps"]);
    let to = format!("http://{}/hooks", target.addr);
    let sent =
        run(hookline_in(dir.path())
            .args(["send", "e.json", "--to", &to, "--secret", "k", "--json"]));
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let replayed = run(hookline_in(dir.path()).args(["replay", "caps", "--to", &to, "--json"]));
    assert_eq!(replayed.code, 0, "{}", replayed.stderr);
    target.stop();

    let result = |stdout: &str| {
        json_lines(stdout)
            .into_iter()
            .find(|l| l["type"] == "result")
            .unwrap()
    };
    let (a, b) = (result(&sent.stdout), result(&replayed.stdout));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&a), keys(&b));
    assert_eq!(
        keys(&a),
        [
            "type",
            "source",
            "delivery_id",
            "method",
            "url",
            "result",
            "status",
            "reason",
            "attempts",
            "dead_letter"
        ]
    );
    for r in [&a, &b] {
        assert_eq!(r["result"], "delivered");
        assert_eq!(r["status"], 202);
        assert_eq!(r["url"], to.as_str());
        assert_eq!(r["attempts"][0]["status"], 202);
    }
    // Replay's delivery id is the one captured: the id send gave it.
    assert_eq!(a["delivery_id"], b["delivery_id"]);
    assert_eq!(a["source"], "e.json");
    assert!(b["source"].as_str().unwrap().starts_with("caps/"));
}

/// On a terminal, replay prints a line per request above its bar, as it does into a pipe.
#[test]
fn replay_on_a_terminal_prints_a_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..3)
        .map(|i| format!(r#"{{"hookline":1,"path":"/t{i}","body":"x"}}"#))
        .collect();
    fs::write(dir.path().join("three.jsonl"), lines.join("\n")).unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}", target.addr);
    let command = format!(
        "{} replay three.jsonl --to {to} --concurrency 1",
        env!("CARGO_BIN_EXE_hookline")
    );
    // `script` gives the command a pseudo-terminal as its stdout.
    let out = Command::new("script")
        .current_dir(dir.path())
        .env_remove("HOOKLINE_SECRET")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for i in 0..3 {
        assert!(
            text.contains(&format!("three.jsonl:{}", i + 1))
                && text.contains(&format!("POST /t{i}")),
            "{text}"
        );
    }
    assert!(text.contains("3 deliveries: 3 delivered"), "{text}");
    assert_eq!(json_lines(&target.stop().stdout).len(), 3);
}
