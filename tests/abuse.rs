//! The abuse suite: each attack found on listen and the relay, small and bounded, against
//! the built binaries on loopback. The full-size versions with figures are `bench/abuse.sh`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::app::start_app;
use common::http::{post, request_bytes, Conn};
use common::process::{json_lines, Listener};
use common::relay::{
    base, create_channel, next_binary, raw_subscriber, relay, runtime, split, subscriber,
};
use common::{hookline_in, run};
use futures_util::{SinkExt, StreamExt};
use hookline::relay::frame::{self, AnswerHead, RequestHead};
use tokio_tungstenite::tungstenite::Message;

/// Reads until the peer closes; true when it did within `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        stream
            .set_read_timeout(Some(deadline - Instant::now() + Duration::from_millis(1)))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return false,
            Err(_) => return true,
        }
    }
    false
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        found.push(entry.strip_prefix(dir).unwrap().display().to_string());
    }
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// 1. A dead letter's name never comes from the capture.
#[test]
fn dead_letters_stay_in_their_folder_and_never_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let dead = dir.path().join("dead");
    let outside = dir.path().join("x");
    std::fs::create_dir_all(&outside).unwrap();
    let absolute = dir.path().join("abs").display().to_string();
    let captures = [
        r#"{"hookline":1,"id":"../x/package","body":"a"}"#.to_string(),
        format!(r#"{{"hookline":1,"id":"{absolute}","body":"b"}}"#),
        r#"{"hookline":1,"id":"evt_same","body":"c"}"#.to_string(),
        r#"{"hookline":1,"id":"evt_same","body":"d"}"#.to_string(),
    ]
    .join("\n");
    std::fs::write(dir.path().join("night.jsonl"), captures).unwrap();
    let to = format!("http://127.0.0.1:{}", closed_port());
    let out = run(hookline_in(dir.path()).args([
        "replay",
        "night.jsonl",
        "--to",
        &to,
        "--retries",
        "0",
        "--dead-letter",
        "dead",
    ]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        files_under(&outside).is_empty(),
        "nothing written outside --dead-letter"
    );
    assert!(!Path::new(&format!("{absolute}.json")).exists());
    let names = files_under(&dead);
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().all(|n| !n.contains('/')), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("evt_same")).count(),
        2,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("dl_")).count(),
        2,
        "{names:?}"
    );
}

// 2. Bodies: a trickle ends at the deadline; past the budget new requests get 503; the
// relay refuses before reading when nobody would take the request.
#[test]
fn slow_bodies_end_at_the_deadline_and_the_body_budget_refuses_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(
        dir.path(),
        &[
            "--body-deadline",
            "2s",
            "--body-timeout",
            "10s",
            "--max-buffered",
            "1MiB",
            "--max-body",
            "1MiB",
            "--json",
        ],
    );
    // A trickle: one byte every 300 ms, each within the stall timeout.
    let started = Instant::now();
    let mut trickle = Conn::open(listen.addr);
    trickle.send_raw(b"POST /t HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    let writer = trickle.stream().try_clone().unwrap();
    std::thread::spawn(move || {
        let mut w = writer;
        for _ in 0..100 {
            if w.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    });
    let answer = trickle.read_response().expect("an answer");
    assert_eq!(answer.status, 408, "{}", answer.text());
    assert!(answer.text().contains("within 2s"), "{}", answer.text());
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(8),
        "{took:?}"
    );

    // One upload holds the whole 1 MiB budget: the next request is refused at once.
    let mut hog = Conn::open(listen.addr);
    hog.send_raw(b"POST /hog HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\nstart");
    std::thread::sleep(Duration::from_millis(300));
    let refused = post(listen.addr, "/late", &[], b"{}");
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert!(refused.header("retry-after").is_some());
    drop(hog);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(post(listen.addr, "/after", &[], b"{}").status, 202);
    let out = listen.stop();
    assert_eq!(
        json_lines(&out.stdout).len(),
        1,
        "only the accepted one is an event"
    );

    // The relay answers a sender nobody listens for before reading its body.
    let relay = relay(dir.path(), &[]);
    let (_, _, url) = create_channel(dir.path(), &relay);
    let (addr, path) = split(&url);
    let mut sender = Conn::open(addr);
    sender.send_raw(
        format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n").as_bytes(),
    );
    let answer = sender.read_response().expect("answered without the body");
    assert_eq!(answer.status, 503);
}

/// An HTTP/2 HEADERS frame for `GET /` on stream 1, ending the stream (HPACK static
/// table entries only: :method GET, :path /, :scheme http, :authority x).
fn h2_post_headers() -> Vec<u8> {
    let block = [0x82, 0x84, 0x86, 0x41, 0x01, b'x'];
    let mut frame = vec![0, 0, block.len() as u8, 0x01, 0x05, 0, 0, 0, 1];
    frame.extend_from_slice(&block);
    frame
}

// 3. Connections: idle HTTP/2 and keep-alive connections are closed; the connection cap
// turns new ones away cleanly and frees up; a low open-file limit lowers the cap.
#[test]
fn idle_connections_are_closed_and_the_connection_cap_holds() {
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(
        dir.path(),
        &[
            "--header-timeout",
            "1s",
            "--idle-timeout",
            "2s",
            "--max-connections",
            "4",
        ],
    );
    // HTTP/2 preface and SETTINGS, then nothing: closed after the first-request deadline.
    let mut h2 = TcpStream::connect(listen.addr).unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
        .unwrap();
    assert!(
        closed_within(&mut h2, Duration::from_secs(8)),
        "an idle h2 connection is closed"
    );
    // HTTP/1.1 keep-alive: one request, then silence: closed (the next request's
    // headers are due within the header timeout).
    let mut kept = Conn::open(listen.addr);
    assert_eq!(kept.request("POST", "/a", &[], b"{}").status, 202);
    let mut stream = kept.stream().try_clone().unwrap();
    let t = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(10)));
    assert!(
        t.elapsed() >= Duration::from_millis(500),
        "{:?}",
        t.elapsed()
    );
    // HTTP/2 after a request: closed once idle for --idle-timeout.
    let mut h2 = TcpStream::connect(listen.addr).unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0")
        .unwrap();
    h2.write_all(&h2_post_headers()).unwrap();
    let t = Instant::now();
    assert!(closed_within(&mut h2, Duration::from_secs(10)));
    assert!(
        t.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );

    // Four open connections fill the cap; a fifth is told 503 and closed.
    let held: Vec<Conn> = (0..4)
        .map(|_| {
            let mut c = Conn::open(listen.addr);
            c.send_raw(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab");
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut fifth = Conn::open(listen.addr);
    let turned = fifth.read_response().expect("a reason");
    assert_eq!(turned.status, 503);
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(post(listen.addr, "/again", &[], b"{}").status, 202);
    let out = listen.stop();
    assert!(out.stderr.contains("--max-connections"), "{}", out.stderr);

    // With `ulimit -n 128` the cap comes down to fit; 150 connections do not exhaust the
    // descriptors, and a normal request is served once they close.
    let mut cmd = std::process::Command::new("bash");
    cmd.args([
        "-c",
        "ulimit -n 128 && exec \"$0\" listen --port 0",
        env!("CARGO_BIN_EXE_hookline"),
    ]);
    let tight = Listener::from_command(cmd, dir.path());
    assert!(
        tight.banner.iter().any(|l| l.contains("lowered to 64")),
        "{:?}",
        tight.banner
    );
    let flood: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(tight.addr).ok())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    drop(flood);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(post(tight.addr, "/after-flood", &[], b"{}").status, 202);
    let out = tight.stop();
    let lines = out
        .stderr
        .lines()
        .filter(|l| l.contains("connections open"))
        .count();
    assert!(lines <= 2, "throttled log: {}", out.stderr);
}

// 4. Channel creation: limited per client address, and by a token on a private relay.
#[test]
fn channel_creation_is_rate_limited_and_can_require_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let open = relay(
        dir.path(),
        &[
            "--creates-per-hour",
            "3",
            "--state",
            state.to_str().unwrap(),
        ],
    );
    for _ in 0..3 {
        assert_eq!(post(open.addr, "/channels", &[], b"").status, 201);
    }
    let refused = post(open.addr, "/channels", &[], b"");
    assert_eq!(refused.status, 429);
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 60, "{wait}");
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(
        kept["channels"].as_object().unwrap().len(),
        3,
        "each answered channel is on disk"
    );
    drop(open);

    let private = relay(dir.path(), &["--create-token", "team-secret-1"]);
    assert_eq!(post(private.addr, "/channels", &[], b"").status, 401);
    let wrong = [("Authorization", "Bearer nope")];
    assert_eq!(post(private.addr, "/channels", &wrong, b"").status, 401);
    let refused = run(hookline_in(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .args(["channel", "create", "--relay", &base(&private)]));
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("creation token"),
        "{}",
        refused.stderr
    );
    let made = run(hookline_in(dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("HOOKLINE_RELAY_CREATE_TOKEN", "team-secret-1")
        .args(["channel", "create", "--relay", &base(&private)]));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let out = private.stop();
    assert!(!out.stderr.contains("team-secret-1"));
}

// 5, 9, 13. A subscriber's answer loses hop-by-hop headers and cookies; a status that is
// not final is a 502; a replaced subscriber is closed; request ids count per channel.
#[test]
fn the_relay_sanitises_answers_closes_replaced_links_and_counts_ids_per_channel() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &[]);
    let (a_channel, a_token, a_url) = create_channel(dir.path(), &relay);
    let (b_channel, b_token, b_url) = create_channel(dir.path(), &relay);
    let (addr, a_path) = split(&a_url);
    let (_, b_path) = split(&b_url);
    runtime().block_on(async {
        let mut a = raw_subscriber(addr, &a_channel, &a_token).await;
        let mut b = raw_subscriber(addr, &b_channel, &b_token).await;
        let answer = |id: u64, status: u16, headers: &[(&str, &str)]| {
            let head = AnswerHead {
                id,
                status,
                headers: headers.iter().copied().collect(),
            };
            Message::Binary(frame::encode(&head, b"ok", frame::HeadForm::Json))
        };
        for i in 0..3 {
            let path = a_path.clone();
            let sender = std::thread::spawn(move || post(addr, &path, &[], b"{}"));
            let head = next_request(&mut a).await;
            assert_eq!(head.id, i + 1);
            let headers = [
                ("Transfer-Encoding", "chunked"),
                ("Connection", "X-Private-Hop"),
                ("X-Private-Hop", "1"),
                ("Keep-Alive", "timeout=5"),
                ("Upgrade", "h2c"),
                ("Trailer", "x"),
                ("Proxy-Authenticate", "Basic"),
                ("Set-Cookie", "session=1; Domain=relay"),
                ("X-Kept", "yes"),
            ];
            a.send(answer(head.id, 200, &headers)).await.unwrap();
            let got = sender.join().unwrap();
            assert_eq!((got.status, got.text()), (200, "ok".to_string()));
            for gone in [
                "x-private-hop",
                "keep-alive",
                "upgrade",
                "trailer",
                "proxy-authenticate",
                "set-cookie",
                "transfer-encoding",
            ] {
                assert!(
                    got.header(gone).is_none(),
                    "{gone} passed: {:?}",
                    got.headers
                );
            }
            assert_eq!(got.header("x-kept"), Some("yes"));
        }
        // Channel b's first request is its own id 1, whatever a's traffic.
        for status in [101, 100, 999] {
            let path = b_path.clone();
            let sender = std::thread::spawn(move || post(addr, &path, &[], b"{}"));
            let head = next_request(&mut b).await;
            if status == 101 {
                assert_eq!(head.id, 1, "ids count per channel");
            }
            b.send(answer(head.id, status, &[])).await.unwrap();
            assert_eq!(sender.join().unwrap().status, 502, "status {status}");
        }
        // A newer subscriber on a: the older link is closed with a reason.
        let _newer = raw_subscriber(addr, &a_channel, &a_token).await;
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match a.next().await {
                    Some(Ok(Message::Close(Some(frame)))) => return frame.reason.to_string(),
                    Some(Ok(_)) => continue,
                    other => return format!("{other:?}"),
                }
            }
        })
        .await
        .expect("the replaced link is closed");
        assert!(closed.contains("replaced"), "{closed}");
    });
}

// 6. Control characters in what a request carries never reach the terminal.
#[test]
fn control_characters_from_requests_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(dir.path(), &["--full"]);
    let json = b"{\"type\":\"evil\\u001b]0;title\\u0007\",\"note\":\"\\u001b[2J\\u009b31m\"}";
    post(
        listen.addr,
        "/j",
        &[("Content-Type", "application/json")],
        json,
    );
    post(
        listen.addr,
        "/t",
        &[("Content-Type", "text/plain")],
        b"line \x1b[31mred\x1b[0m\r\x07\n",
    );
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    post(listen.addr, "/f", &form, b"a%1b%5b2J=b%07&c=%c2%9b");
    let out = listen.stop();
    for bad in ['\x1b', '\x07', '\u{9b}'] {
        assert!(
            !out.stdout.contains(bad),
            "{bad:?} reached stdout: {:?}",
            out.stdout
        );
    }
    assert!(
        out.stdout.contains("evil\\x1b]0;title\\x07"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\\x1b[31mred"), "{}", out.stdout);
}

// 7. The duplicate memory holds a digest: an absurd id is not an identity, and holds no memory.
#[test]
fn absurd_delivery_ids_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(dir.path(), &["--json"]);
    let long_id = "i".repeat(2 << 20);
    let body = format!("{{\"id\":\"evt_{long_id}\",\"type\":\"x\",\"object\":\"event\"}}");
    let stripe = [("Stripe-Signature", "t=1,v1=00")];
    let idle = rss_kib(listen.pid());
    for _ in 0..30 {
        assert_eq!(
            post(listen.addr, "/s", &stripe, body.as_bytes()).status,
            202
        );
    }
    std::thread::sleep(Duration::from_millis(500));
    let grown = rss_kib(listen.pid()).saturating_sub(idle);
    let out = listen.stop();
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 30);
    assert!(lines
        .iter()
        .all(|l| l.get("duplicate_of").is_none() && l.get("delivery_id").is_none()));
    assert!(
        grown < 60 * 1024,
        "listen kept {grown} KiB after 30 × 2 MiB ids"
    );
}

// 8, 15. Replay sends only to --to's host; a capture it cannot send is skipped and counted.
#[test]
fn replay_keeps_to_its_host_and_skips_what_it_cannot_send() {
    let dir = tempfile::tempdir().unwrap();
    let target = Listener::start(dir.path(), &["--json"]);
    let elsewhere = Listener::start(dir.path(), &["--json"]);
    let captures = [
        format!(
            r#"{{"hookline":1,"path":"@{}/stolen","headers":[["authorization","Bearer x"]],"body":"a"}}"#,
            elsewhere.addr
        ),
        r#"{"hookline":1,"path":".localdomain/x","body":"b"}"#.to_string(),
        r#"{"hookline":1,"method":"NOT A METHOD","path":"/m","body":"c"}"#.to_string(),
        r#"{"hookline":1,"path":"/h","headers":[["bad header","v"]],"body":"d"}"#.to_string(),
        r#"{"hookline":1,"path":"/fine","body":"e"}"#.to_string(),
    ];
    std::fs::write(dir.path().join("night.jsonl"), captures.join("\n") + "\n").unwrap();
    let to = format!("http://{}", target.addr);
    let strict = run(hookline_in(dir.path()).args(["replay", "night.jsonl", "--to", &to]));
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert!(
        strict.stderr.contains("does not start with /"),
        "{}",
        strict.stderr
    );
    let skipping =
        run(hookline_in(dir.path()).args(["replay", "night.jsonl", "--to", &to, "--skip-invalid"]));
    assert_eq!(skipping.code, 0, "{}{}", skipping.stdout, skipping.stderr);
    assert!(skipping.stdout.contains("skipped 4"), "{}", skipping.stdout);
    assert!(
        json_lines(&elsewhere.stop().stdout).is_empty(),
        "nothing reached another host"
    );
    let got = json_lines(&target.stop().stdout);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["path"], "/fine");
}

// 10. A subscriber that stops reading loses its link after --link-timeout.
#[test]
fn a_subscriber_that_stops_reading_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &["--link-timeout", "2s", "--wait", "60s"]);
    let (channel, token, url) = create_channel(dir.path(), &relay);
    let (addr, path) = split(&url);
    let rt = runtime();
    let ws = rt.block_on(raw_subscriber(addr, &channel, &token));
    // It never reads again; requests pile up in the socket buffers until a write blocks.
    let started = Instant::now();
    let senders: Vec<_> = (0..24)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || post(addr, &path, &[], &vec![b'x'; 1 << 20]).status)
        })
        .collect();
    let statuses: Vec<u16> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    assert!(
        statuses.iter().all(|s| *s == 502 || *s == 503),
        "{statuses:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    drop(ws);
    let out = relay.stop();
    assert!(out.stderr.contains("not reading"), "{}", out.stderr);
}

// 11. A channel whose subscriber is connected does not expire; an unused one does.
#[test]
fn channels_expire_only_without_a_subscriber() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &["--channel-ttl", "2s"]);
    // Made directly, so the subscriber below does not pick it from the saved ones.
    let made = post(relay.addr, "/channels", &[], b"");
    let made: serde_json::Value = serde_json::from_slice(&made.body).unwrap();
    let idle_url = made["url"].as_str().unwrap().to_string();
    let sub = subscriber(dir.path(), &base(&relay), &[]);
    let url = common::relay::public_url(&sub);
    std::thread::sleep(Duration::from_secs(6));
    let (addr, path) = split(&url);
    assert_eq!(
        post(addr, &path, &[], b"{}").status,
        202,
        "kept while subscribed"
    );
    let (_, idle_path) = split(&idle_url);
    assert_eq!(
        post(addr, &idle_path, &[], b"{}").status,
        404,
        "the unused one expired"
    );
}

async fn next_request(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> RequestHead {
    frame::decode::<RequestHead>(&next_binary(ws).await)
        .unwrap()
        .0
}

/// `listen --relay` (token `t`, `--forward-to` the app, then `args`) to a stand-in relay
/// that greets it with `public_url`: the runtime the relay's end lives on, the subscriber,
/// and that end of the link, for the test to play the relay.
fn listen_behind_fake_relay(
    dir: &Path,
    public_url: &'static str,
    app: &common::app::App,
    args: &[&str],
) -> (
    tokio::runtime::Runtime,
    Listener,
    tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = rt.spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        let hello = serde_json::json!({"hookline_relay": 1, "public_url": public_url});
        ws.send(Message::text(hello.to_string())).await.unwrap();
        ws
    });
    let forward = format!("http://{}", app.addr);
    let mut all = vec!["--relay-token", "t", "--forward-to", &forward];
    all.extend_from_slice(args);
    let sub = subscriber(dir, &format!("http://{addr}/abc"), &all);
    let ws = rt.block_on(accepted).unwrap();
    (rt, sub, ws)
}

// 12, 6. listen --relay takes no word of the relay's on trust: the greeting is escaped,
// Content-Length is the body's own, in-flight work is bounded, --max-body holds.
#[test]
fn listen_does_not_trust_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::from_millis(1500));
    let (rt, sub, mut ws) = listen_behind_fake_relay(
        dir.path(),
        "http://relay.test/c/abc\u{1b}]0;owned\u{7}",
        &app,
        &["--relay-max-in-flight", "1", "--max-body", "1KiB"],
    );
    assert!(
        sub.banner
            .iter()
            .all(|l| !l.contains('\x1b') && !l.contains('\x07')),
        "{:?}",
        sub.banner
    );
    assert!(
        sub.banner.iter().any(|l| l.contains("\\x1b]0;owned")),
        "{:?}",
        sub.banner
    );
    let request = |id: u64, headers: &[(&str, &str)], body: &[u8]| {
        let head = RequestHead {
            id,
            method: "POST".into(),
            path: "/hook".into(),
            query: None,
            headers: headers.iter().copied().collect(),
            client: None,
            https: false,
        };
        Message::Binary(frame::encode(&head, body, frame::HeadForm::Json))
    };
    let answers = rt.block_on(async {
        ws.send(request(1, &[("content-length", "999")], b"four"))
            .await
            .unwrap();
        ws.send(request(2, &[], b"second")).await.unwrap();
        let mut answers = Vec::new();
        while answers.len() < 2 {
            match tokio::time::timeout(Duration::from_secs(20), ws.next())
                .await
                .unwrap()
            {
                Some(Ok(Message::Binary(bytes))) => {
                    assert_eq!(
                        bytes[4], b'{',
                        "a relay that did not offer binary heads gets JSON"
                    );
                    let (head, _) = frame::decode::<AnswerHead>(&bytes).unwrap();
                    answers.push((head.id, head.status));
                }
                Some(Ok(_)) => continue,
                other => panic!("link ended: {other:?}"),
            }
        }
        answers
    });
    assert!(
        answers.contains(&(2, 503)),
        "one in flight at a time: {answers:?}"
    );
    assert!(answers.contains(&(1, 418)), "{answers:?}");
    let seen = String::from_utf8_lossy(&app.seen.lock().unwrap()[0]).to_lowercase();
    assert!(
        seen.contains("content-length: 4\r\n") && !seen.contains("999"),
        "{seen}"
    );
    // A header HTTP cannot carry: that request is answered 400 with the reason, at once.
    let refused = rt.block_on(async {
        let head = br#"{"id":4,"method":"POST","path":"/hook","headers":[["x(y)","1"]]}"#;
        let mut frame = (head.len() as u32).to_be_bytes().to_vec();
        frame.extend_from_slice(head);
        ws.send(Message::Binary(frame.into())).await.unwrap();
        loop {
            let next = tokio::time::timeout(Duration::from_secs(20), ws.next()).await;
            if let Ok(Some(Ok(Message::Binary(bytes)))) = next {
                let (head, body) = frame::decode::<AnswerHead>(&bytes).unwrap();
                if head.id == 4 {
                    return (head.status, String::from_utf8_lossy(&body).into_owned());
                }
            }
        }
    });
    assert_eq!(refused.0, 400, "{}", refused.1);
    assert!(
        refused.1.contains("header name `x(y)` is not valid"),
        "{}",
        refused.1
    );
    // A frame far over --max-body ends the link instead of filling memory.
    let ended = rt.block_on(async {
        let _ = ws.send(request(3, &[], &vec![b'x'; 3 << 20])).await;
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match ws.next().await {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => continue,
                }
            }
        })
        .await
    });
    assert!(ended.is_ok(), "an oversized frame ends the link");
    drop(sub);
}

/// A relayed request still in flight when the link drops is finished like a local one:
/// forwarded to the app and printed, though its answer has nowhere to go.
#[test]
fn a_relayed_request_in_flight_when_the_link_drops_still_ends_as_an_event() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_app(Duration::from_millis(1500));
    let (rt, sub, mut ws) =
        listen_behind_fake_relay(dir.path(), "http://relay.test/c/abc", &app, &["--json"]);
    rt.block_on(async {
        let head = RequestHead {
            id: 1,
            method: "POST".into(),
            path: "/in-flight".into(),
            query: None,
            headers: [("content-type", "application/json")].into_iter().collect(),
            client: None,
            https: false,
        };
        let frame = frame::encode(&head, br#"{"type":"late.event"}"#, frame::HeadForm::Json);
        ws.send(Message::Binary(frame)).await.unwrap();
        // Listen has it once the app has it; then the link goes, mid-request.
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.seen.lock().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "the app never got the request");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        drop(ws);
    });
    // The app answers 1.5 s after it got the request.
    std::thread::sleep(Duration::from_millis(2500));
    let out = sub.stop();
    let events = json_lines(&out.stdout);
    let event = events
        .iter()
        .find(|e| e["path"] == "/in-flight")
        .unwrap_or_else(|| panic!("no event printed: {}\n{}", out.stdout, out.stderr));
    assert_eq!(event["event"], "late.event");
    assert_eq!(event["forward"]["status"], 418, "{event}");
    assert!(out.stderr.contains("link lost"), "{}", out.stderr);
}

// 14. Secrets: never echoed, loose files warned about, bounded reads, no URL credentials
// in output or dead letters (sent as Basic auth instead).
#[test]
fn secrets_are_never_echoed_and_files_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hookline.toml"), "secret = 12345678\n").unwrap();
    let out = run(hookline_in(dir.path()).args(["sign", "-"]).write_stdin("x"));
    assert_eq!(out.code, 2);
    assert!(!out.stderr.contains("12345678"), "{}", out.stderr);
    std::fs::remove_file(dir.path().join("hookline.toml")).unwrap();

    let secret_file = dir.path().join("secret.txt");
    std::fs::write(&secret_file, "s3cret-in-a-file\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(hookline_in(dir.path())
        .args(["sign", "-", "--secret-file", "secret.txt"])
        .write_stdin("x"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("can be read by others") && out.stderr.contains("chmod 600"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret-in-a-file"));

    let started = Instant::now();
    let out = run(hookline_in(dir.path())
        .args(["sign", "-", "--secret-file", "/dev/zero"])
        .write_stdin("x"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("64 KiB"), "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));

    // user:PASS@ in --to: sent as Basic auth, never printed or saved.
    let target = Listener::start(dir.path(), &["--json", "--status", "503"]);
    let to = format!("http://alice:PASS-w0rd@{}/hook", target.addr);
    std::fs::write(dir.path().join("body.json"), "{}").unwrap();
    let out = run(hookline_in(dir.path()).args([
        "send",
        "body.json",
        "--to",
        &to,
        "--secret",
        "s",
        "--retries",
        "0",
        "--dead-letter",
        "dead",
        "--json",
    ]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let seen = json_lines(&target.stop().stdout);
    let auth = seen[0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "authorization")
        .unwrap();
    assert_eq!(auth[1], "Basic YWxpY2U6UEFTUy13MHJk");
    let dead: String = walk(&dir.path().join("dead"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    for text in [&out.stdout, &out.stderr, &dead] {
        assert!(!text.contains("PASS-w0rd"), "{text}");
    }
    assert!(
        dead.contains(&format!(
            "http://{}/hook",
            seen[0]["headers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h[0] == "host")
                .unwrap()[1]
                .as_str()
                .unwrap()
        )),
        "{dead}"
    );
}

// 16. 1xx statuses are not answers.
#[test]
fn informational_statuses_are_refused_as_answers() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        ["--status", "100"],
        ["--status", "101"],
        ["--responses", "101,202"],
        ["--fail-status", "199"],
    ] {
        let out = run(hookline_in(dir.path()).arg("listen").args(args));
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("200 to 599"), "{}", out.stderr);
        assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    }
}

// 17. Refused subscribers do not flood the log.
#[test]
fn refused_subscribers_are_logged_without_a_flood() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path(), &[]);
    for _ in 0..300 {
        let mut conn = Conn::open(relay.addr);
        let head = request_bytes(
            "GET",
            "/subscribe/nope",
            &[("Authorization", "Bearer bad"), ("Upgrade", "websocket")],
            b"",
        );
        conn.send_raw(&head);
        assert_eq!(conn.read_response().unwrap().status, 401);
    }
    let out = relay.stop();
    let lines = out
        .stderr
        .lines()
        .filter(|l| l.contains("refused a subscriber"))
        .count();
    assert!((1..=2).contains(&lines), "{lines} lines: {}", out.stderr);
}
