//! Several relays over NATS: a real `nats-server` (JetStream in a temp dir) on a free
//! loopback port, two `hookline relay --nats` processes, `hookline listen --relay` on one
//! of them and an app behind it. A missing nats-server fails these tests (tests/setup.sh
//! installs it); they never skip.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::{post, Conn, Response};
use common::process::Listener;
use common::relay::{base, create_channel};
use common::{hookline_in, run};

/// The server settings docs/relay.md gives: bodies up to 25 MiB need a larger
/// `max_payload` than NATS' 1 MiB default.
const DOCUMENTED_CONFIG: &str = "max_payload: 32MB\nmax_pending: 128MB\nping_interval: \"10s\"\n";

/// A nats-server child with JetStream, on a port of its own; restartable on the same port
/// and store.
struct Nats {
    child: Option<Child>,
    port: u16,
    config: PathBuf,
}

impl Nats {
    fn start(dir: &Path, settings: &str) -> Nats {
        let port = free_port();
        let store = dir.join("jetstream");
        let config = dir.join("nats.conf");
        std::fs::write(
            &config,
            format!(
                "listen: 127.0.0.1:{port}\n{settings}jetstream {{ store_dir: \"{}\" }}\n",
                store.display()
            ),
        )
        .unwrap();
        let mut nats = Nats {
            child: None,
            port,
            config,
        };
        nats.run();
        nats
    }

    fn run(&mut self) {
        let child = Command::new(common::installed(&["nats-server"], "nats-server"))
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn relay_on(dir: &Path, nats: &Nats, args: &[&str]) -> Listener {
    let url = nats.url();
    let mut all = vec!["relay", "--port", "0", "--nats", &url];
    all.extend_from_slice(args);
    Listener::spawn(dir, &all, &[])
}

/// `listen --relay URL/CHANNEL --relay-token TOKEN --forward-to APP`.
fn listen_on(dir: &Path, relay_url: &str, channel: &str, token: &str, app: SocketAddr) -> Listener {
    let relay = format!("{relay_url}/{channel}");
    let app = format!("http://{app}");
    let config = dir.join("config");
    Listener::spawn(
        dir,
        &[
            "listen",
            "--port",
            "0",
            "--relay",
            &relay,
            "--relay-token",
            token,
            "--forward-to",
            &app,
        ],
        &[("XDG_CONFIG_HOME", config.to_str().unwrap())],
    )
}

/// An app that answers 201 with the request's body, the query it saw, its own name and a
/// repeated header; `?big=N` answers N bytes instead; `?sleep=MS` waits first.
struct EchoApp {
    addr: SocketAddr,
    seen: Arc<Mutex<usize>>,
}

fn echo_app(name: &'static str) -> EchoApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(0));
    let count = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let count = count.clone();
            std::thread::spawn(move || {
                let _ = echo(stream, name, &count);
            });
        }
    });
    EchoApp { addr, seen }
}

fn echo(stream: TcpStream, name: &str, count: &Mutex<usize>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let query = target.split_once('?').map_or("", |(_, q)| q).to_string();
        let mut len = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            if header.trim().is_empty() {
                break;
            }
            if let Some((n, v)) = header.split_once(':') {
                if n.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        *count.lock().unwrap() += 1;
        let param = |key: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
                .and_then(|v| v.parse::<usize>().ok())
        };
        if let Some(ms) = param("sleep") {
            std::thread::sleep(Duration::from_millis(ms as u64));
        }
        let answer = match param("big") {
            Some(n) => vec![b'x'; n],
            None => body,
        };
        let head = format!(
            "HTTP/1.1 201 Created\r\nX-App: {name}\r\nX-Query: {query}\r\nX-Multi: one\r\nX-Multi: two\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        let stream = reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(&answer)?;
    }
}

/// Two relays on one NATS, a channel made on A.
struct Cluster {
    dir: tempfile::TempDir,
    nats: Nats,
    a: Listener,
    b: Listener,
    channel: String,
    token: String,
}

fn cluster(relay_args: &[&str]) -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let nats = Nats::start(dir.path(), DOCUMENTED_CONFIG);
    let a = relay_on(dir.path(), &nats, relay_args);
    let b = relay_on(dir.path(), &nats, relay_args);
    let (channel, token, _) = create_channel(dir.path(), &a);
    Cluster {
        dir,
        nats,
        a,
        b,
        channel,
        token,
    }
}

impl Cluster {
    fn path(&self, rest: &str) -> String {
        format!("/c/{}{rest}", self.channel)
    }

    fn subscribe(&self, relay: &Listener, app: &EchoApp) -> Listener {
        listen_on(
            self.dir.path(),
            &base(relay),
            &self.channel,
            &self.token,
            app.addr,
        )
    }
}

fn timed_post(addr: SocketAddr, target: &str, body: &[u8]) -> (Response, Duration) {
    let started = Instant::now();
    let answer = post(addr, target, &[], body);
    (answer, started.elapsed())
}

/// Posts until `accept` takes the answer (a subscriber may still be connecting).
fn post_until(
    addr: SocketAddr,
    target: &str,
    body: &[u8],
    accept: impl Fn(&Response) -> bool,
) -> Response {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = post(addr, target, &[], body);
        if accept(&answer) {
            return answer;
        }
        assert!(
            Instant::now() < deadline,
            "still {} {}",
            answer.status,
            answer.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn headers_named<'a>(answer: &'a Response, name: &str) -> Vec<&'a str> {
    answer
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn a_request_to_one_relay_reaches_the_subscriber_on_the_other_byte_for_byte() {
    let c = cluster(&[]);
    let app = echo_app("app");
    let _laptop = c.subscribe(&c.b, &app);
    // Every byte value, and not UTF-8.
    let body: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let target = c.path("/hooks/in?x=1&y=%20two");
    let mut conn = Conn::open(c.a.addr);
    let answer = conn.request(
        "POST",
        &target,
        &[("X-Repeat", "first"), ("X-Repeat", "second")],
        &body,
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.body, body, "the body comes back byte for byte");
    assert_eq!(headers_named(&answer, "x-multi"), ["one", "two"]);
    assert_eq!(headers_named(&answer, "x-query"), ["x=1&y=%20two"]);
    assert_eq!(*app.seen.lock().unwrap(), 1);
    // The same through B, the subscriber's own relay.
    let answer = post(c.b.addr, &c.path("/again"), &[], b"via b");
    assert_eq!(
        (answer.status, answer.body.as_slice()),
        (201, &b"via b"[..])
    );
}

#[test]
fn no_subscriber_anywhere_is_a_fast_503_and_an_unknown_channel_a_404() {
    let c = cluster(&["--wait", "10s"]);
    for relay in [&c.a, &c.b] {
        let (answer, took) = timed_post(relay.addr, &c.path("/x"), b"{}");
        assert_eq!(answer.status, 503, "{}", answer.text());
        assert!(answer.header("retry-after").is_some());
        assert!(took < Duration::from_secs(2), "not after --wait: {took:?}");
        let (answer, _) = timed_post(relay.addr, "/c/AAAAAAAAAAAAAAAAAAAAAA/x", b"{}");
        assert_eq!(answer.status, 404, "{}", answer.text());
        // Not a channel id at all (never a NATS subject): 404 without asking anyone.
        let (answer, _) = timed_post(relay.addr, "/c/a.b.%3E/x", b"{}");
        assert_eq!(answer.status, 404, "{}", answer.text());
    }
}

#[test]
fn a_channel_made_on_one_relay_subscribes_on_the_other_and_a_wrong_token_is_refused_on_both() {
    let c = cluster(&[]);
    for relay in [&c.a, &c.b] {
        let answer = Conn::open(relay.addr).request(
            "GET",
            &format!("/subscribe/{}", c.channel),
            &[
                ("Authorization", "Bearer hlr_wrong"),
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Version", "13"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ],
            b"",
        );
        assert_eq!(answer.status, 401, "{}", answer.text());
    }
    let app = echo_app("app");
    let laptop = c.subscribe(&c.b, &app);
    let answer = post_until(c.a.addr, &c.path("/"), b"made on a", |a| a.status != 503);
    assert_eq!(answer.status, 201, "{}", answer.text());
    // Deleted on B (with the channel's token), it is gone on A too.
    drop(laptop);
    let bearer = format!("Bearer {}", c.token);
    let deleted = Conn::open(c.b.addr).request(
        "DELETE",
        &format!("/channels/{}", c.channel),
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    let answer = post_until(c.a.addr, &c.path("/"), b"", |a| a.status != 503);
    assert_eq!(answer.status, 404, "{}", answer.text());
}

#[test]
fn a_newer_subscriber_on_one_relay_replaces_the_older_on_the_other() {
    let c = cluster(&[]);
    let (old_app, new_app) = (echo_app("old"), echo_app("new"));
    let old = c.subscribe(&c.b, &old_app);
    let answer = post_until(c.b.addr, &c.path("/"), b"1", |a| a.status == 201);
    assert_eq!(headers_named(&answer, "x-app"), ["old"]);
    let _new = c.subscribe(&c.a, &new_app);
    // Once the newer one says ready, every request goes to it, whichever relay it reaches.
    for relay in [&c.b, &c.a, &c.b] {
        let answer = post(relay.addr, &c.path("/"), &[], b"2");
        assert_eq!(answer.status, 201, "{}", answer.text());
        assert_eq!(headers_named(&answer, "x-app"), ["new"]);
    }
    let stopped = old.stop();
    assert!(
        stopped
            .stderr
            .contains("a newer subscriber took the channel over"),
        "{}",
        stopped.stderr
    );
    assert!(
        !stopped.stderr.contains("reconnected"),
        "the older one does not take the channel back: {}",
        stopped.stderr
    );
}

/// A load balancer in front of the relays: each connection goes to the current target.
struct Balancer {
    addr: SocketAddr,
    target: Arc<Mutex<SocketAddr>>,
}

fn balancer(first: SocketAddr) -> Balancer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let target = Arc::new(Mutex::new(first));
    let to = target.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let backend = *to.lock().unwrap();
            let Ok(server) = TcpStream::connect(backend) else {
                continue; // dropped: the client sees the connection close
            };
            for (mut from, mut into) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut into);
                    let _ = into.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    Balancer { addr, target }
}

#[test]
fn a_killed_relay_costs_its_requests_in_flight_then_the_channel_moves_to_the_other() {
    let c = cluster(&["--wait", "2s"]);
    let app = echo_app("app");
    let lb = balancer(c.b.addr);
    let laptop = listen_on(
        c.dir.path(),
        &format!("http://{}", lb.addr),
        &c.channel,
        &c.token,
        app.addr,
    );
    let (root, slow) = (c.path("/"), c.path("/?sleep=3000"));
    post_until(c.a.addr, &root, b"", |a| a.status == 201);
    let a = c.a.addr;
    let target = slow;
    let in_flight = std::thread::spawn(move || timed_post(a, &target, b"in flight"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while *app.seen.lock().unwrap() < 2 {
        assert!(Instant::now() < deadline, "the slow request never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    // B dies with the request; the balancer still points at it, so listen cannot
    // reconnect yet.
    common::process::signal(c.b.pid(), "KILL");
    let (answer, took) = in_flight.join().unwrap();
    assert_eq!(answer.status, 504, "{}", answer.text());
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(10),
        "after about --wait: {took:?}"
    );
    // With no subscriber anywhere: a fast 503, not another wait.
    let (answer, took) = timed_post(c.a.addr, &root, b"next");
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(took < Duration::from_secs(1), "{took:?}");
    // The balancer notices and sends new connections to A: listen comes back, 2xx again.
    *lb.target.lock().unwrap() = c.a.addr;
    let answer = post_until(c.a.addr, &root, b"back", |a| a.status != 503);
    assert_eq!((answer.status, answer.body.as_slice()), (201, &b"back"[..]));
    drop(laptop);
}

#[test]
fn bodies_of_25_mib_cross_and_a_server_that_cannot_carry_them_is_refused() {
    let c = cluster(&[]);
    let app = echo_app("app");
    let _laptop = c.subscribe(&c.b, &app);
    post_until(c.a.addr, &c.path("/"), b"", |a| a.status == 201);
    let body: Vec<u8> = (0..25 << 20).map(|i: u32| (i % 251) as u8).collect();
    let (answer, took) = timed_post(c.a.addr, &c.path("/big"), &body);
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert!(answer.body == body, "25 MiB back byte for byte");
    eprintln!("25 MiB round trip through two relays and NATS: {took:?}");

    // NATS' default 1 MiB: the relay says why and does not start.
    let dir = tempfile::tempdir().unwrap();
    let small = Nats::start(dir.path(), "");
    let refused =
        run(hookline_in(dir.path()).args(["relay", "--port", "0", "--nats", &small.url()]));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("max_payload") && refused.stderr.contains("--max-body"),
        "{}",
        refused.stderr
    );
}

#[test]
fn an_answer_larger_than_nats_carries_is_a_fast_502() {
    let dir = tempfile::tempdir().unwrap();
    let nats = Nats::start(dir.path(), "max_payload: 2MB\n");
    let a = relay_on(dir.path(), &nats, &["--max-body", "1MiB"]);
    let b = relay_on(dir.path(), &nats, &["--max-body", "1MiB"]);
    let (channel, token, _) = create_channel(dir.path(), &a);
    let app = echo_app("app");
    let _laptop = listen_on(dir.path(), &base(&b), &channel, &token, app.addr);
    let target = format!("/c/{channel}/");
    post_until(a.addr, &target, b"", |r| r.status == 201);
    let (answer, took) = timed_post(a.addr, &format!("{target}?big=3000000"), b"");
    assert_eq!(answer.status, 502, "{}", answer.text());
    assert!(took < Duration::from_secs(5), "{took:?}");
    // Answered by the subscriber's own relay, it is not limited by NATS.
    let answer = post(b.addr, &format!("{target}?big=3000000"), &[], b"");
    assert_eq!((answer.status, answer.body.len()), (201, 3_000_000));
}

#[test]
fn both_relays_recover_when_nats_restarts() {
    let mut c = cluster(&[]);
    let app = echo_app("app");
    let _laptop = c.subscribe(&c.b, &app);
    post_until(c.a.addr, &c.path("/"), b"", |a| a.status == 201);
    c.nats.kill();
    // NATS away: a fast 503 for a subscriber on the other relay.
    let (answer, took) = timed_post(c.a.addr, &c.path("/"), b"");
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(took < Duration::from_secs(2), "{took:?}");
    c.nats.run();
    let answer = post_until(c.a.addr, &c.path("/"), b"again", |a| a.status == 201);
    assert_eq!(answer.body, b"again");
    // A new channel (the bucket, on the restarted server) works too.
    let (channel, _, _) = create_channel(c.dir.path(), &c.b);
    let answer = post(c.a.addr, &format!("/c/{channel}/"), &[], b"");
    assert_eq!(answer.status, 503, "a channel nobody listens on");
    let Cluster { a, .. } = c;
    let stopped = a.stop();
    assert_eq!(
        stopped
            .stderr
            .matches("lost the connection to NATS")
            .count(),
        1,
        "said once: {}",
        stopped.stderr
    );
    assert!(stopped.stderr.contains("connected to NATS again"));
}

#[test]
fn a_single_relays_state_file_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("relay.json");
    let state_arg = state.to_str().unwrap();
    let single = common::relay::relay(dir.path(), &["--state", state_arg]);
    let (channel, token, _) = create_channel(dir.path(), &single);
    assert_eq!(single.stop().code, 0);

    let nats = Nats::start(dir.path(), DOCUMENTED_CONFIG);
    let a = relay_on(dir.path(), &nats, &["--state", state_arg]);
    assert!(
        a.banner.join("").contains("imported 1 channel from"),
        "{:?}",
        a.banner
    );
    let b = relay_on(dir.path(), &nats, &["--state", state_arg]);
    assert!(
        b.banner
            .join("")
            .contains("not imported: the bucket has channels already"),
        "{:?}",
        b.banner
    );
    // The imported channel keeps its token: a subscriber on B, a sender on A.
    let app = echo_app("app");
    let _laptop = listen_on(dir.path(), &base(&b), &channel, &token, app.addr);
    let answer = post_until(a.addr, &format!("/c/{channel}/"), b"kept", |r| {
        r.status == 201
    });
    assert_eq!(answer.body, b"kept");
}
