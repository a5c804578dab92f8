//! `listen` routes (`--forward-to` rules), filters (`--events`) and guards (`--allow-ip`,
//! `--token`, `--https-only`), against real apps and senders on loopback, directly and
//! through the relay.

mod common;

use std::fs;

use common::http::{post, Conn};
use common::process::{json_lines, Listener};
use common::relay::{public_url, relay, split, subscriber};
use common::{hookline_in, run};

fn url(listener: &Listener, path: &str) -> String {
    format!("http://{}{path}", listener.addr)
}

/// Two apps (hookline listen answering 201 and 204), routed by event type and by path;
/// the first matching rule wins; no match and no default: answered, not forwarded.
#[test]
fn events_go_to_the_first_route_that_matches() {
    let dir = tempfile::tempdir().unwrap();
    let billing = Listener::start(dir.path(), &["--json", "--status", "201"]);
    let orders = Listener::start(dir.path(), &["--json", "--status", "204"]);
    let billing_url = url(&billing, "");
    let orders_url = url(&orders, "");
    let front = Listener::start(
        dir.path(),
        &[
            "--json",
            "--forward-to",
            &format!("event:invoice.*={billing_url}"),
            "--forward-to",
            &format!("/orders={orders_url}"),
        ],
    );
    let (invoice, order, other) = (
        br#"{"type":"invoice.paid"}"#.as_slice(),
        br#"{"type":"order.created"}"#.as_slice(),
        br#"{"type":"user.created"}"#.as_slice(),
    );
    // invoice.* wins over /orders: it comes first.
    assert_eq!(post(front.addr, "/orders/1", &[], invoice).status, 201);
    assert_eq!(post(front.addr, "/orders/2", &[], order).status, 204);
    assert_eq!(post(front.addr, "/elsewhere", &[], other).status, 202);
    let lines = json_lines(&front.stop().stdout);
    assert_eq!(lines[0]["forward"]["route"], "event:invoice.*");
    assert_eq!(
        lines[0]["forward"]["url"],
        format!("{billing_url}/orders/1")
    );
    assert_eq!(lines[1]["forward"]["route"], "/orders");
    assert_eq!(lines[2]["forward"]["skipped"], "no route matches");
    assert_eq!(json_lines(&billing.stop().stdout).len(), 1);
    assert_eq!(json_lines(&orders.stop().stdout).len(), 1);
}

/// `--events`: other types are answered but neither forwarded, saved nor printed as
/// captures; they are counted.
#[test]
fn filtered_events_are_answered_counted_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let app = Listener::start(dir.path(), &["--json"]);
    let front = Listener::start(
        dir.path(),
        &[
            "--json",
            "--events",
            "invoice.*",
            "--save",
            "caps",
            "--forward-to",
            &url(&app, ""),
        ],
    );
    assert_eq!(
        post(front.addr, "/", &[], br#"{"type":"invoice.paid"}"#).status,
        202
    );
    assert_eq!(
        post(front.addr, "/", &[], br#"{"type":"user.created"}"#).status,
        202
    );
    assert_eq!(post(front.addr, "/", &[], b"not json").status, 202);
    let out = front.stop();
    assert_eq!(json_lines(&out.stdout).len(), 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("1 event: ") && out.stderr.contains("2 filtered"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_dir(dir.path().join("caps")).unwrap().count(), 1);
    assert_eq!(json_lines(&app.stop().stdout).len(), 1);

    // On a terminal-less human run they show as one dim line each, unless asked not to.
    let human = Listener::start(dir.path(), &["--events", "invoice.*"]);
    post(human.addr, "/", &[], br#"{"type":"user.created"}"#);
    assert!(human.stop().stdout.contains("filtered: user.created"));
    let quiet = Listener::start(dir.path(), &["--events", "invoice.*", "--quiet-filtered"]);
    post(quiet.addr, "/", &[], br#"{"type":"user.created"}"#);
    let out = quiet.stop();
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("1 filtered"), "{}", out.stderr);
}

/// `--token`: header or query; the token is never printed, saved or forwarded.
#[test]
fn the_token_guard_refuses_before_verifying_and_keeps_the_token_secret() {
    let dir = tempfile::tempdir().unwrap();
    let app = Listener::start(dir.path(), &["--json"]);
    let token = "tok-5f1e-secret";
    let guarded = Listener::start(
        dir.path(),
        &[
            "--json",
            "--token",
            token,
            "--save",
            "caps",
            "--forward-to",
            &url(&app, ""),
        ],
    );
    let missing = post(guarded.addr, "/hooks", &[], b"{}");
    assert_eq!(missing.status, 401);
    assert!(
        missing.text().contains("missing_token"),
        "{}",
        missing.text()
    );
    let wrong = post(
        guarded.addr,
        "/hooks",
        &[("Authorization", "Bearer nope")],
        b"{}",
    );
    assert!(wrong.text().contains("bad_token"));
    let bearer = format!("Bearer {token}");
    assert_eq!(
        post(guarded.addr, "/hooks", &[("Authorization", &bearer)], b"{}").status,
        202
    );
    let in_query = format!("/hooks?a=1&token={token}");
    assert_eq!(post(guarded.addr, &in_query, &[], b"{}").status, 202);
    let out = guarded.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(
        lines.len(),
        2,
        "refused requests are not events: {}",
        out.stdout
    );
    assert_eq!(lines[1]["query"], "a=1");
    assert!(
        out.stderr.contains("missing_token") || out.stderr.contains("no token"),
        "{}",
        out.stderr
    );
    let app_lines = app.stop().stdout;
    assert!(app_lines.contains(r#""query":"a=1""#), "{app_lines}");
    for place in [out.stdout, out.stderr, app_lines] {
        assert!(!place.contains(token), "{place}");
    }
    for entry in fs::read_dir(dir.path().join("caps")).unwrap() {
        let saved = fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!saved.contains(token), "{saved}");
    }
}

/// `--allow-ip`: directly by the peer's address, through the relay by the address the
/// relay saw (a sender cannot claim another with X-Forwarded-For).
#[test]
fn allowed_networks_are_checked_directly_and_through_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let open = Listener::start(dir.path(), &["--allow-ip", "127.0.0.0/8"]);
    assert_eq!(post(open.addr, "/", &[], b"{}").status, 202);
    open.stop();
    let closed = Listener::start(dir.path(), &["--allow-ip", "10.0.0.0/8"]);
    let refused = post(closed.addr, "/", &[("X-Forwarded-For", "10.1.1.1")], b"{}");
    assert_eq!(refused.status, 403);
    assert!(refused.text().contains("address_not_allowed"));
    let out = closed.stop();
    assert!(
        out.stderr.contains("127.0.0.1 is not in --allow-ip")
            || out.stdout.contains("127.0.0.1 is not in --allow-ip"),
        "{}{}",
        out.stdout,
        out.stderr
    );

    let relay = relay(dir.path(), &[]);
    let base = format!("http://{}", relay.addr);
    let sub = subscriber(dir.path(), &base, &["--allow-ip", "10.0.0.0/8"]);
    let (addr, path) = split(&public_url(&sub));
    let relayed = post(addr, &path, &[("X-Forwarded-For", "10.1.1.1")], b"{}");
    assert_eq!(relayed.status, 403, "the relay saw 127.0.0.1");
    sub.stop();
    let sub = subscriber(dir.path(), &base, &["--allow-ip", "127.0.0.1"]);
    let (addr, path) = split(&public_url(&sub));
    assert_eq!(post(addr, &path, &[], b"{}").status, 202);
    sub.stop();
    relay.stop();
}

/// `--https-only`: a plain request to the HTTPS port gets a clear 400; through a plain-HTTP
/// relay, a 403; over TLS, accepted. Without TLS or a relay it is a usage error.
#[test]
fn https_only_refuses_plain_http_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let usage = run(hookline_in(dir.path()).args(["listen", "--https-only"]));
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains("--https-only"), "{}", usage.stderr);

    let (cert, key) = common::self_signed(dir.path());
    let tls = Listener::start(
        dir.path(),
        &["--https-only", "--tls-cert", &cert, "--tls-key", &key],
    );
    let mut plain = Conn::open(tls.addr);
    plain.send_raw(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    let answer = plain.read_response().expect("an answer, not a reset");
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("HTTPS"), "{}", answer.text());
    fs::write(dir.path().join("e.json"), "{}").unwrap();
    let to = format!("https://localhost:{}/x", tls.addr.port());
    let sent = run(hookline_in(dir.path()).args([
        "send",
        "e.json",
        "--to",
        &to,
        "--unsigned",
        "--cacert",
        &cert,
    ]));
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    tls.stop();

    let relay = relay(dir.path(), &[]);
    let sub = subscriber(
        dir.path(),
        &format!("http://{}", relay.addr),
        &["--https-only"],
    );
    let (addr, path) = split(&public_url(&sub));
    let refused = post(addr, &path, &[("X-Forwarded-Proto", "https")], b"{}");
    assert_eq!(refused.status, 403);
    assert!(refused.text().contains("https_required"));
    sub.stop();
    relay.stop();
}

/// `--forward-to https://…` with `--cacert`: the app is a TLS listener.
#[test]
fn forwarding_to_an_https_app() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = common::self_signed(dir.path());
    let app = Listener::start(
        dir.path(),
        &[
            "--json",
            "--status",
            "201",
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
        ],
    );
    let app_url = format!("https://localhost:{}", app.addr.port());
    let front = Listener::start(
        dir.path(),
        &["--json", "--forward-to", &app_url, "--cacert", &cert],
    );
    assert_eq!(post(front.addr, "/hooks", &[], b"{}").status, 201);
    let untrusted = Listener::start(dir.path(), &["--json", "--forward-to", &app_url]);
    assert_eq!(post(untrusted.addr, "/hooks", &[], b"{}").status, 502);
    let line = json_lines(&untrusted.stop().stdout).remove(0);
    assert!(
        line["forward"]["error"]
            .as_str()
            .unwrap()
            .contains("certificate"),
        "{line}"
    );
    front.stop();
    assert_eq!(json_lines(&app.stop().stdout).len(), 1);
}

/// The app's answer is recorded beside its status: headers and body (stripe-cli#1011: "I
/// can see my app returned 500, but not why").
#[test]
fn the_apps_answer_is_recorded_with_its_headers_and_body() {
    let dir = tempfile::tempdir().unwrap();
    let app = common::app::start_app(std::time::Duration::ZERO);
    let front = Listener::start(
        dir.path(),
        &["--json", "--forward-to", &format!("http://{}", app.addr)],
    );
    assert_eq!(post(front.addr, "/hooks", &[], b"{}").status, 418);
    let line = json_lines(&front.stop().stdout).remove(0);
    let response = &line["forward"]["response"];
    assert_eq!(response["body"], "short and", "{line}");
    let headers = response["headers"].as_array().unwrap();
    assert!(
        headers.iter().any(|h| h[0] == "x-app" && h[1] == "yes"),
        "{response}"
    );
    // For people: a failing app's first line of body under the forward line.
    let human = Listener::start(
        dir.path(),
        &["--forward-to", &format!("http://{}", app.addr)],
    );
    post(human.addr, "/hooks", &[], b"{}");
    let out = human.stop().stdout;
    assert!(out.contains("app said short and"), "{out}");
}

/// An app's long text answer is recorded cut at 64 KiB, with its full length; a cut that
/// falls inside a character leaves text (without that character), not base64.
#[test]
fn a_long_text_answer_is_recorded_cut_and_still_text() {
    use std::io::{BufReader, Write};
    const KEPT: usize = 64 * 1024;
    // "é" is two bytes, the first of them the 65,536th byte of the body.
    let mut body = "a".repeat(KEPT - 1);
    body.push_str("é and more");
    let app = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app_url = format!("http://{}", app.local_addr().unwrap());
    let answer = body.clone();
    std::thread::spawn(move || {
        let (stream, _) = app.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        common::http::read_request(&mut reader).unwrap();
        let mut writer = stream;
        write!(
            writer,
            "HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
    });
    let dir = tempfile::tempdir().unwrap();
    let front = Listener::start(dir.path(), &["--json", "--forward-to", &app_url]);
    let sent = post(front.addr, "/hooks", &[], b"{}");
    assert_eq!(sent.status, 500);
    assert_eq!(sent.body.len(), body.len(), "the sender gets all of it");
    let line = json_lines(&front.stop().stdout).remove(0);
    let response = &line["forward"]["response"];
    assert_eq!(response["truncated_from"], body.len(), "{response}");
    assert!(response.get("body_base64").is_none(), "{response}");
    assert_eq!(response["body"].as_str().unwrap(), &body[..KEPT - 1]);
}
