//! `hookline relay` + `hookline listen --relay`: real processes on loopback. A sender posts
//! to the channel's public URL; the request crosses the relay's WebSocket to listen, which
//! verifies it and forwards it to a small app; the app's answer comes back the same way.

mod common;

use std::time::{Duration, Instant};

use common::app::{start_app, App};
use common::http::{post, Conn};
use common::process::{json_lines, Listener};
use common::relay::{
    base, create_channel, next_binary, public_url, raw_subscriber, raw_subscriber_asking, relay,
    runtime, split, subscriber,
};
use common::{hookline_in, run};
use hookline::signing::Scheme;

use common::{refs, signed, SECRET};

fn app_saw(app: &App, n: usize) -> Vec<u8> {
    app.seen.lock().unwrap()[n].clone()
}

fn wait_until_the_app_has_a_request(app: &App) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.seen.lock().unwrap().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the request never reached the app"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn relayed_requests_reach_the_app_byte_for_byte_and_its_answer_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::ZERO);
    let relay = relay(dir.path(), &[]);
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(
        dir.path(),
        &base(&relay),
        &["--json", "--secret", SECRET, "--forward-to", &forward],
    );
    let (addr, channel_path) = split(&public_url(&sub));

    let stripe_body = b"{ \"id\" :\"evt_1\",  \"type\":\"charge.succeeded\" }\n".to_vec();
    let form_body = b"token=abc&text=two+words&n=%F0%9F%98%80".to_vec();
    let binary_body: Vec<u8> = (0..=255u8).rev().collect();
    let cases = [
        (Scheme::Stripe, "application/json", stripe_body),
        (
            Scheme::Slack,
            "application/x-www-form-urlencoded",
            form_body,
        ),
        (Scheme::Standard, "application/octet-stream", binary_body),
    ];
    for (i, (scheme, content_type, body)) in cases.iter().enumerate() {
        let mut headers = signed(*scheme, body);
        headers.push(("Content-Type".into(), content_type.to_string()));
        headers.push(("X-Keep".into(), "a".into()));
        headers.push(("X-Keep".into(), "b".into()));
        let target = format!("{channel_path}/hooks/{i}?q=1");
        let r = post(addr, &target, &refs(&headers), body);
        assert_eq!(r.status, 418, "{scheme:?}: {}", r.text());
        assert_eq!(r.text(), "short and");
        assert_eq!(r.header("x-app"), Some("yes"));

        let raw = app_saw(&app, i);
        let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert_eq!(&raw[head_end..], &body[..], "{scheme:?}: the body bytes");
        let head = String::from_utf8_lossy(&raw[..head_end]).to_lowercase();
        assert!(
            head.starts_with(&format!("post /hooks/{i}?q=1 http/1.1\r\n")),
            "{head}"
        );
        assert!(head.contains("x-keep: a\r\nx-keep: b\r\n"), "{head}");
        for (name, value) in &headers {
            let line = format!("{}: {}\r\n", name.to_lowercase(), value.to_lowercase());
            assert!(head.contains(&line), "{scheme:?}: {line} missing in {head}");
        }
    }
    let out = sub.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        assert_eq!(line["verification"]["valid"], true, "{line}");
        assert_eq!(line["forward"]["status"], 418);
    }
    assert_eq!(lines[2]["body_base64"].as_str().map(str::len), Some(344));
}

#[test]
fn channels_tokens_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("relay-state.json");
    let relay = relay(
        dir.path(),
        &["--state", state.to_str().unwrap(), "--max-body", "1KiB"],
    );
    let config = dir.path().join("config");
    let (channel, token, url) = create_channel(dir.path(), &relay);
    assert!(channel.len() >= 22, "{channel}");
    assert_eq!(url, format!("{}/c/{channel}", base(&relay)));
    let saved = std::fs::read_to_string(config.join("hookline/relay.json")).unwrap();
    assert!(saved.contains(&token));
    let kept = std::fs::read_to_string(&state).unwrap();
    assert!(
        kept.contains(&channel) && !kept.contains(&token),
        "hashes only: {kept}"
    );

    // Nobody subscribed: 503 with Retry-After, never a 2xx.
    let (addr, path) = split(&url);
    let r = post(addr, &path, &[], b"{}");
    assert_eq!(r.status, 503);
    assert!(r.header("retry-after").is_some());
    // Unknown channel; too large.
    assert_eq!(post(addr, "/c/nope/x", &[], b"{}").status, 404);
    let too_big = post(addr, &path, &[], &[b'x'; 2048]);
    assert_eq!(too_big.status, 413);
    // A public sender knows no flags: the limit in plain words, in the unit it was given.
    assert!(
        too_big.text().contains("body larger than 1 KiB"),
        "{}",
        too_big.text()
    );
    assert!(!too_big.text().contains("--"), "{}", too_big.text());

    // A wrong token and an unknown channel look the same.
    let subscribe = |channel: &str, token: &str| {
        let mut conn = Conn::open(addr);
        let bearer = format!("Bearer {token}");
        let headers = [
            ("Authorization", bearer.as_str()),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
        ];
        conn.request("GET", &format!("/subscribe/{channel}"), &headers, b"")
    };
    let wrong = subscribe(&channel, "hlr_wrong");
    let unknown = subscribe("unknown-channel", &token);
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.body, unknown.body);

    let refused = run(hookline_in(dir.path())
        .env("XDG_CONFIG_HOME", &config)
        .args([
            "listen",
            "--port",
            "0",
            "--relay",
            &url,
            "--relay-token",
            "hlr_wrong",
        ]));
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("refused the token"),
        "{}",
        refused.stderr
    );

    // The saved token works without being given, and the channel is found by its URL.
    let sub = subscriber(dir.path(), &url, &[]);
    assert_eq!(public_url(&sub), url);
    assert_eq!(post(addr, &format!("{path}/ok"), &[], b"{}").status, 202);
    drop(sub);
    let out = relay.stop();
    assert!(!out.stderr.contains(&token), "the relay never logs a token");
    assert!(!out.stderr.contains(&channel), "nor a whole channel id");
}

#[test]
fn a_subscriber_killed_mid_request_is_a_502() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::from_secs(20));
    let relay = relay(dir.path(), &[]);
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(dir.path(), &base(&relay), &["--forward-to", &forward]);
    let (addr, path) = split(&public_url(&sub));
    let sender = std::thread::spawn(move || post(addr, &path, &[], b"{}"));
    wait_until_the_app_has_a_request(&app);
    drop(sub); // SIGKILL
    let r = sender.join().unwrap();
    assert_eq!(r.status, 502, "{}", r.text());
}

#[test]
fn the_subscriber_reconnects_after_a_relay_restart_and_big_bodies_arrive_whole() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let app = start_app(Duration::ZERO);
    let first = relay(dir.path(), &["--state", state.to_str().unwrap()]);
    let port = first.addr.port().to_string();
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(dir.path(), &base(&first), &["--forward-to", &forward]);
    let (addr, path) = split(&public_url(&sub));
    assert_eq!(post(addr, &path, &[], b"before").status, 418);

    let stopped = first.stop();
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let _second = Listener::spawn(
        dir.path(),
        &["relay", "--port", &port, "--state", state.to_str().unwrap()],
        &[],
    );
    // The channel survived the restart; the subscriber comes back on its own.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let status = post(addr, &path, &[], b"after").status;
        if status != 503 || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, 418);

    let big: Vec<u8> = (0..20 * 1024 * 1024u32)
        .map(|i| (i * 7 % 251) as u8)
        .collect();
    let r = post(
        addr,
        &format!("{path}/big"),
        &[("Content-Type", "application/octet-stream")],
        &big,
    );
    assert_eq!(r.status, 418);
    let last = app.seen.lock().unwrap().len() - 1;
    let raw = app_saw(&app, last);
    assert!(raw.ends_with(&big), "20 MB arrived intact");
    assert!(contains(&raw, b"POST /big HTTP/1.1"));
    let out = sub.stop();
    assert!(out.stderr.contains("reconnected"), "{}", out.stderr);
}

/// A subscriber that misbehaves (a frame that does not parse, an answer for a request
/// nobody asked, a message over the size limit) is logged and refused, and the relay goes
/// on serving: the real answer still reaches its sender, and the channel takes a new
/// subscriber after the oversized message ends the first link.
#[test]
fn a_misbehaving_subscriber_is_logged_and_the_relay_keeps_serving() {
    use futures_util::{SinkExt, StreamExt};
    use hookline::relay::frame::{self, AnswerHead, RequestHead};
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &[]);
    let (channel, token, url) = create_channel(dir.path(), &relay);
    let (addr, path) = split(&url);

    let runtime = runtime();
    runtime.block_on(async {
        let mut ws = raw_subscriber(addr, &channel, &token).await;
        let sender = std::thread::spawn(move || post(addr, &format!("{path}/hook"), &[], b"{}"));
        let request = next_binary(&mut ws).await;
        assert_eq!(
            request[4], b'{',
            "a subscriber that did not ask gets JSON heads"
        );
        let (head, body) = frame::decode::<RequestHead>(&request).unwrap();
        assert_eq!((head.path.as_str(), &body[..]), ("/hook", &b"{}"[..]));

        let answer = |id: u64, status: u16, body: &[u8]| {
            let head = AnswerHead {
                id,
                status,
                headers: [("x-from", "test")].into_iter().collect(),
            };
            Message::Binary(frame::encode(&head, body, frame::HeadForm::Json))
        };
        ws.send(Message::Binary(vec![0, 0, 0, 200, b'{'].into()))
            .await
            .unwrap();
        ws.send(Message::Binary(vec![0, 0, 0, 2, b'n', b'o'].into()))
            .await
            .unwrap();
        ws.send(answer(head.id + 1_000_000, 200, b"not yours"))
            .await
            .unwrap();
        ws.send(answer(head.id, 207, b"the real one"))
            .await
            .unwrap();
        let got = sender.join().unwrap();
        assert_eq!((got.status, got.text()), (207, "the real one".to_string()));
        assert_eq!(got.header("x-from"), Some("test"));

        // Over the relay's message limit (26 MiB with the default --max-body): the relay
        // ends this link rather than buffer it.
        let huge = vec![b'x'; 27 << 20];
        let _ = ws.send(answer(head.id, 200, &huge)).await;
        let ended = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match ws.next().await {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => break,
                    Some(Ok(_)) => continue,
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "the relay closes an oversized link");
    });
    // Nobody is subscribed now; the channel still works for the next subscriber.
    let (addr, path) = split(&url);
    assert_eq!(post(addr, &format!("{path}/again"), &[], b"{}").status, 503);
    let sub = subscriber(dir.path(), &url, &["--relay-token", &token]);
    assert_eq!(post(addr, &format!("{path}/again"), &[], b"{}").status, 202);
    drop(sub);

    let out = relay.stop();
    for expected in [
        "malformed frame dropped",
        "answer for unknown request",
        "too long",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert!(!out.stderr.contains(&token), "the relay never logs a token");
}

/// A subscriber that asks for binary heads (`hookline-frames: binary`, as listen does) is
/// told so in the greeting and gets them; its binary answers reach the sender whole, and
/// a cut binary head is dropped with a log line like any malformed frame.
#[test]
fn a_subscriber_that_asks_gets_binary_heads_both_ways() {
    use futures_util::SinkExt;
    use hookline::relay::frame::{self, AnswerHead, HeadForm, RequestHead};
    use tokio_tungstenite::tungstenite::Message;

    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &[]);
    let (channel, token, url) = create_channel(dir.path(), &relay);
    let (addr, path) = split(&url);
    let runtime = runtime();
    runtime.block_on(async {
        let (mut ws, greeting) =
            raw_subscriber_asking(addr, &channel, &token, &[("hookline-frames", "binary")]).await;
        assert_eq!(greeting["frames"], "binary", "{greeting}");
        let target = format!("{path}/hook?x=1");
        let sender = std::thread::spawn(move || {
            post(
                addr,
                &target,
                &[("X-Signature", "sha256=ab\u{e9}")],
                b"{\"a\":1}",
            )
        });
        let request = next_binary(&mut ws).await;
        assert_eq!(request[4], 0x01, "a binary head");
        let (head, body) = frame::decode::<RequestHead>(&request).unwrap();
        assert_eq!(
            (
                head.method.as_str(),
                head.path.as_str(),
                head.query.as_deref()
            ),
            ("POST", "/hook", Some("x=1"))
        );
        assert_eq!(&body[..], b"{\"a\":1}");
        assert_eq!(head.client, Some(std::net::Ipv4Addr::LOCALHOST.into()));
        assert_eq!(
            head.headers.map["x-signature"].as_bytes(),
            "sha256=ab\u{e9}".as_bytes()
        );

        let answer = AnswerHead {
            id: head.id,
            status: 201,
            headers: [("x-from", "binary")].into_iter().collect(),
        };
        let frame = frame::encode(&answer, b"made", HeadForm::Binary);
        // Cut inside the head: dropped, the link stays up.
        let mut cut = frame[..12].to_vec();
        cut[..4].copy_from_slice(&8u32.to_be_bytes());
        ws.send(Message::Binary(cut.into())).await.unwrap();
        ws.send(Message::Binary(frame)).await.unwrap();
        let got = sender.join().unwrap();
        assert_eq!((got.status, got.text()), (201, "made".to_string()));
        assert_eq!(got.header("x-from"), Some("binary"));

        // An answer with a header name HTTP cannot carry: the sender gets a 502 at once.
        let target = format!("{path}/again");
        let sender = std::thread::spawn(move || post(addr, &target, &[], b"{}"));
        let request = next_binary(&mut ws).await;
        let (head, _) = frame::decode::<RequestHead>(&request).unwrap();
        let answer = AnswerHead {
            id: head.id,
            status: 200,
            headers: [("x-ok", "1")].into_iter().collect(),
        };
        let mut bad = frame::encode(&answer, b"", HeadForm::Binary).to_vec();
        let at = bad.windows(4).position(|w| w == b"x-ok").unwrap();
        bad[at..at + 4].copy_from_slice(b"x(y)");
        ws.send(Message::Binary(bad.into())).await.unwrap();
        let got = sender.join().unwrap();
        assert_eq!(got.status, 502, "{}", got.text());
        assert!(got.text().contains("malformed header"), "{}", got.text());
    });
    let out = relay.stop();
    assert!(
        out.stderr
            .contains("malformed frame dropped: binary frame head is malformed"),
        "{}",
        out.stderr
    );
}

/// A relay that goes silent without closing anything (here frozen with SIGSTOP, as a
/// sleeping laptop or a dead Wi-Fi looks) is noticed by the heartbeat about 30 s later;
/// listen reconnects, and events flow again once the relay is back. Takes ~40 s.
#[test]
fn a_silent_relay_is_noticed_by_the_heartbeat_and_the_link_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::ZERO);
    let relay = relay(dir.path(), &[]);
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(dir.path(), &base(&relay), &["--forward-to", &forward]);
    let (addr, path) = split(&public_url(&sub));
    assert_eq!(post(addr, &path, &[], b"before").status, 418);

    common::process::signal(relay.pid(), "STOP");
    std::thread::sleep(Duration::from_secs(40));
    common::process::signal(relay.pid(), "CONT");

    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        let status = post(addr, &path, &[], b"after").status;
        if status == 418 || Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, 418);
    let out = sub.stop();
    let lost = out
        .stderr
        .lines()
        .find_map(|l| l.split("no heartbeat from the relay for ").nth(1))
        .unwrap_or_else(|| panic!("the silence was noticed: {}", out.stderr));
    let silent: u64 = lost.split('s').next().unwrap().parse().unwrap();
    assert!(
        (25..=45).contains(&silent),
        "noticed after {silent}s of silence"
    );
    assert!(out.stderr.contains("reconnected"), "{}", out.stderr);
    assert_eq!(app.seen.lock().unwrap().len(), 2);
}

/// The relay's limits, as a sender sees them: an answer slower than `--wait` is a 504, and
/// past `--max-in-flight` requests for one channel a 503 with Retry-After (never a 2xx).
#[test]
fn a_slow_answer_is_504_and_the_in_flight_cap_is_503() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::from_secs(20));
    let relay = relay(dir.path(), &["--wait", "1s", "--max-in-flight", "1"]);
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(dir.path(), &base(&relay), &["--forward-to", &forward]);
    let (addr, path) = split(&public_url(&sub));
    let first = {
        let path = path.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            (post(addr, &path, &[], b"slow"), started.elapsed())
        })
    };
    wait_until_the_app_has_a_request(&app);
    // The first is still waiting for the app: the channel is full.
    let second = post(addr, &path, &[], b"second");
    assert_eq!(second.status, 503, "{}", second.text());
    assert!(second.header("retry-after").is_some());

    let (r, took) = first.join().unwrap();
    assert_eq!(r.status, 504, "{}", r.text());
    assert!(
        took < Duration::from_secs(15),
        "--wait 1s, answered after {took:?}"
    );
    assert_eq!(
        app.seen.lock().unwrap().len(),
        1,
        "the refused one went nowhere"
    );
}

/// A relayed request is an event like a local one: listen's chaos answers it, `--save`
/// keeps it (the path as the sender wrote it after /c/<channel>, the body exactly).
#[test]
fn relayed_requests_are_saved_and_answered_by_chaos_like_local_ones() {
    let dir = tempfile::tempdir().unwrap();
    let caps = dir.path().join("caps");
    let relay = relay(dir.path(), &[]);
    let sub = subscriber(
        dir.path(),
        &base(&relay),
        &["--responses", "503,202", "--save", caps.to_str().unwrap()],
    );
    let (addr, path) = split(&public_url(&sub));
    let body = b"a=1&b=%20two";
    let first = post(addr, &format!("{path}/hooks/form?x=y"), &[], body);
    let second = post(addr, &format!("{path}/hooks/form?x=y"), &[], body);
    assert_eq!((first.status, second.status), (503, 202));
    let files: Vec<_> = std::fs::read_dir(&caps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in files {
        let capture = hookline::capture::Capture::from_json(&std::fs::read(file).unwrap()).unwrap();
        assert_eq!(capture.method, "POST");
        assert_eq!(capture.path, "/hooks/form");
        assert_eq!(capture.query.as_deref(), Some("x=y"));
        assert_eq!(capture.body, body);
    }
}

/// The relay over HTTPS (`--tls-cert/--tls-key`): listen trusts it with `--cacert`, a
/// signed event sent over TLS verifies at the far end, and the access log shows the request
/// with the channel id cut short.
#[test]
fn the_relay_serves_https_and_logs_requests_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = common::self_signed(dir.path());
    let relay = relay(
        dir.path(),
        &["--tls-cert", &cert, "--tls-key", &key, "--access-log"],
    );
    let https = format!("https://localhost:{}", relay.addr.port());
    let sub = subscriber(
        dir.path(),
        &https,
        &["--json", "--secret", "k", "--cacert", &cert],
    );
    let public = public_url(&sub);
    assert!(public.starts_with("https://"), "{public}");
    let channel = public.rsplit('/').next().unwrap().to_string();

    std::fs::write(dir.path().join("event.json"), br#"{"type":"tls.test"}"#).unwrap();
    let to = format!("https://localhost:{}/c/{channel}/tls", relay.addr.port());
    let sent = run(hookline_in(dir.path()).args([
        "send",
        "event.json",
        "--to",
        &to,
        "--secret",
        "k",
        "--retries",
        "0",
        "--cacert",
        &cert,
    ]));
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);

    let untrusted = run(hookline_in(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("other-config"))
        .args(["channel", "create", "--relay", &https]));
    assert_eq!(untrusted.code, 2, "{}", untrusted.stderr);

    let out = sub.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert_eq!(lines[0]["verification"]["valid"], true, "{}", lines[0]);
    assert_eq!(lines[0]["path"], "/tls");
    let log = relay.stop().stderr;
    assert!(
        log.contains("POST /c/") && log.contains("/tls → 202"),
        "{log}"
    );
    assert!(!log.contains(&channel), "{log}");
}

/// Bad input to `relay`, `channel create` and `listen --relay`: one line naming the flag or
/// file, exit 2, and nothing written (a malformed state file is left as it was).
#[test]
fn bad_input_is_one_line_exit_2_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad_state = dir.path().join("bad-state.json");
    std::fs::write(&bad_state, "{not json").unwrap();
    let missing_dir = dir.path().join("missing/state.json");
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let nobody = format!("http://{closed}");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["relay", "--wait", "0s"], "--wait"),
        (vec!["relay", "--max-in-flight", "0"], "--max-in-flight"),
        (vec!["relay", "--channel-ttl", "soon"], "--channel-ttl"),
        (
            vec!["relay", "--public-url", "relay.example"],
            "--public-url",
        ),
        (vec!["relay", "--tls-cert", "cert.pem"], "--tls-key"),
        (
            vec![
                "relay",
                "--port",
                "0",
                "--state",
                bad_state.to_str().unwrap(),
            ],
            "bad-state.json: not a relay state file",
        ),
        (
            vec![
                "relay",
                "--port",
                "0",
                "--state",
                missing_dir.to_str().unwrap(),
            ],
            "cannot create a file in",
        ),
        (vec!["channel", "create", "--relay", "ftp://x"], "--relay"),
        (
            vec!["channel", "create", "--relay", &nobody],
            "cannot reach the relay",
        ),
        (
            vec!["listen", "--port", "0", "--relay", &nobody],
            "cannot reach the relay",
        ),
        (
            vec![
                "listen",
                "--port",
                "0",
                "--relay-token",
                "t",
                "--relay",
                &nobody,
            ],
            "--relay-token",
        ),
    ];
    let config = dir.path().join("config");
    for (args, needle) in cases {
        let out = run(hookline_in(dir.path())
            .env("XDG_CONFIG_HOME", &config)
            .args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    assert_eq!(std::fs::read_to_string(&bad_state).unwrap(), "{not json");
    assert!(!config.exists(), "no credentials saved");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("bad-state.json")]);
}

/// Saved channels: a second `channel create` keeps the first as the default (`--default`
/// moves it); `channel list` shows them without tokens; `channel delete` removes one on
/// the relay and here.
#[test]
fn saved_channels_are_listed_deleted_and_keep_their_default() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &[]);
    let channel = |args: &[&str]| {
        run(hookline_in(dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .arg("channel")
            .args(args))
    };
    let (first, first_token, _) = create_channel(dir.path(), &relay);
    let (second, _, _) = create_channel(dir.path(), &relay);
    let sub = subscriber(dir.path(), &base(&relay), &[]);
    assert!(
        public_url(&sub).ends_with(&first),
        "the first stays the default"
    );
    drop(sub);
    let made = channel(&["create", "--relay", &base(&relay), "--default"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let listed = channel(&["list"]);
    assert_eq!(listed.stdout.lines().count(), 3, "{}", listed.stdout);
    assert!(
        !listed.stdout.contains(&first_token),
        "no tokens in the list"
    );
    let marked: Vec<&str> = listed
        .stdout
        .lines()
        .filter(|l| l.starts_with('*'))
        .collect();
    assert_eq!(marked.len(), 1);
    assert!(
        !marked[0].contains(&first) && !marked[0].contains(&second),
        "{}",
        listed.stdout
    );

    let deleted = channel(&["delete", &second]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert!(!channel(&["list"]).stdout.contains(&second));
    let (addr, _) = split(&format!("{}/c/x", base(&relay)));
    assert_eq!(
        post(addr, &format!("/c/{second}"), &[], b"{}").status,
        404,
        "gone on the relay"
    );
    assert_eq!(channel(&["delete", &second]).code, 2, "no longer saved");
}

/// Stopping either end closes the link cleanly (no "reset without closing handshake" on
/// the other side), and a relayed request in flight when listen stops gets the same grace
/// as a local one: its sender gets the app's answer, not a 502.
#[test]
fn both_ends_close_the_link_cleanly_and_relayed_requests_get_the_grace() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::from_millis(1500));
    let relay_a = relay(dir.path(), &[]);
    let forward = format!("http://{}", app.addr);
    let sub = subscriber(dir.path(), &base(&relay_a), &["--forward-to", &forward]);
    let (addr, path) = split(&public_url(&sub));
    let sender = std::thread::spawn(move || post(addr, &path, &[], b"{}").status);
    wait_until_the_app_has_a_request(&app);
    let out = sub.stop(); // SIGTERM while the request is at the app
    assert_eq!(
        sender.join().unwrap(),
        418,
        "answered within the grace, not dropped"
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let relay_out = relay_a.stop();
    assert!(
        !relay_out.stderr.contains("without closing handshake"),
        "{}",
        relay_out.stderr
    );
    assert!(
        relay_out.stderr.contains("subscriber left"),
        "{}",
        relay_out.stderr
    );

    // The relay stops while a subscriber is connected: the subscriber hears why.
    let relay_b = relay(dir.path(), &[]);
    let sub = subscriber(dir.path(), &base(&relay_b), &[]);
    let _ = relay_b.stop();
    std::thread::sleep(Duration::from_millis(500));
    let out = sub.stop();
    assert!(
        out.stderr.contains("link lost (relay stopped)"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("without closing handshake"),
        "{}",
        out.stderr
    );
}
