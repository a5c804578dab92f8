//! Fixtures built into the binary: listed, shown, and sent from a folder that has no
//! `fixtures/`, with fresh ids per delivery and `--set`.

mod common;

use common::process::{json_lines, Listener};
use common::{hookline_in, run};
use serde_json::Value;

#[test]
fn built_in_fixtures_are_listed_and_shown_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let list = run(hookline_in(dir.path()).arg("fixtures"));
    assert_eq!(list.code, 0, "{}", list.stderr);
    for name in [
        "@github/push",
        "@github/pull_request",
        "@github/issues",
        "@github/workflow_run",
        "@stripe/checkout.session.completed",
        "@stripe/invoice.paid",
        "@stripe/customer.subscription.updated",
        "@shopify/orders-create",
        "@slack/url_verification",
        "@slack/event_callback",
        "@generic/job.completed",
        "@generic/job.failed",
        "@generic/price.changed",
    ] {
        assert!(list.stdout.contains(name), "{name}: {}", list.stdout);
    }
    assert!(list.stdout.contains("orders/create"), "{}", list.stdout);
    let shown = run(hookline_in(dir.path()).args(["fixtures", "show", "stripe/invoice.paid"]));
    assert_eq!(shown.code, 0);
    let body: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(body["type"], "invoice.paid");
    let missing = run(hookline_in(dir.path()).args(["fixtures", "show", "stripe/nope"]));
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("stripe/nope"), "{}", missing.stderr);
}

/// `@stripe/…` is signed as Stripe without `--scheme`; each delivery gets a new event id
/// and a `created` of now; `--set` changes a field; GitHub delivery ids are UUIDs.
#[test]
fn sending_a_built_in_fixture_fills_in_fresh_values() {
    let dir = tempfile::tempdir().unwrap();
    let secret = common::SECRET;
    let listener = Listener::start(dir.path(), &["--json", "--secret", secret]);
    let to = format!("http://{}/hooks", listener.addr);
    let sent = run(hookline_in(dir.path()).args([
        "send",
        "@stripe/invoice.paid",
        "@stripe/invoice.paid",
        "--to",
        &to,
        "--secret",
        secret,
        "--set",
        "data.object.amount_paid=5000",
    ]));
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    let github = run(hookline_in(dir.path()).args([
        "send",
        "@github/pull_request",
        "--to",
        &to,
        "--secret",
        secret,
    ]));
    assert_eq!(github.code, 0, "{}", github.stderr);
    let lines = json_lines(&listener.stop().stdout);
    assert_eq!(lines.len(), 3);
    let bodies: Vec<Value> = lines[..2]
        .iter()
        .map(|l| serde_json::from_str(l["body"].as_str().unwrap()).unwrap())
        .collect();
    for (line, body) in lines.iter().zip(&bodies) {
        assert_eq!(line["verification"]["scheme"], "stripe");
        assert_eq!(line["verification"]["valid"], true);
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(line["delivery_id"], body["id"]);
        let created = body["created"].as_u64().unwrap();
        assert!(
            created.abs_diff(hookline::clock::unix_now() as u64) < 60,
            "{created}"
        );
        assert_eq!(body["data"]["object"]["amount_paid"], 5000);
    }
    assert_ne!(
        bodies[0]["id"], bodies[1]["id"],
        "a new event id per delivery"
    );
    assert_eq!(lines[2]["verification"]["scheme"], "github");
    let delivery = lines[2]["delivery_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(delivery).is_ok(), "{delivery}");
}

#[test]
fn bad_fixture_names_placeholders_and_sets_send_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Listener::start(dir.path(), &["--json"]);
    let to = format!("http://{}/hooks", listener.addr);
    std::fs::write(dir.path().join("odd.json"), r#"{"id":"{{nope}}"}"#).unwrap();
    for (args, says) in [
        (vec!["@stripe/nope"], "no such built-in fixture"),
        (vec!["odd.json"], "unknown placeholder `{{nope}}`"),
        (
            vec!["@generic/job.failed", "--set", "no.such.place=1"],
            "--set no.such.place",
        ),
    ] {
        let out =
            run(hookline_in(dir.path())
                .arg("send")
                .args(&args)
                .args(["--to", &to, "--unsigned"]));
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    assert!(json_lines(&listener.stop().stdout).is_empty());
}

/// `sign` and `verify` take a built-in fixture as BODY, as it is stored.
#[test]
fn sign_and_verify_read_built_in_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let signed = run(hookline_in(dir.path()).args([
        "sign",
        "@github/push",
        "--scheme",
        "github",
        "--secret",
        "k",
    ]));
    assert_eq!(signed.code, 0, "{}", signed.stderr);
    let header = signed.stdout.trim().to_string();
    let verified = run(hookline_in(dir.path()).args([
        "verify",
        "@github/push",
        "--secret",
        "k",
        "-H",
        &header,
    ]));
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    assert!(
        verified.stdout.contains("valid · github"),
        "{}",
        verified.stdout
    );
    let missing = run(hookline_in(dir.path()).args(["sign", "@nope/nothing", "--secret", "k"]));
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("no such built-in fixture"),
        "{}",
        missing.stderr
    );
}
