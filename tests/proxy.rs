//! Proxies, as curl reads them, through a real forward proxy (tinyproxy, started here on
//! loopback): `send`, `replay`, `probe`, `--forward-to` and `listen --relay`, for http://
//! targets (absolute form, the proxy adds `Via`) and https:// ones (a CONNECT tunnel).

mod common;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::process::{json_lines, Listener};
use common::relay::{public_url, relay, split, subscriber};
use common::{hookline_in, run};

/// tinyproxy on a free loopback port, logging to `dir`; stopped when dropped.
struct Proxy {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Proxy {
    fn start(dir: &Path) -> Proxy {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join("tinyproxy.log");
        let conf = dir.join("tinyproxy.conf");
        fs::write(
            &conf,
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogFile \"{}\"\nLogLevel Info\nMaxClients 50\nAllow 127.0.0.1\nViaProxyName \"tinyproxy\"\n",
                log.display()
            ),
        )
        .unwrap();
        let child = Command::new("tinyproxy")
            .args(["-d", "-c"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tinyproxy is installed (.ci/run installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "tinyproxy did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Proxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// Whether the proxy's log shows a CONNECT to `port`.
    fn tunnelled_to(&self, port: u16) -> bool {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        log.lines()
            .any(|l| l.contains("CONNECT") && l.contains(&format!(":{port}")))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether each received request came through tinyproxy (it adds `Via`).
fn via_proxy(stdout: &str) -> Vec<bool> {
    json_lines(stdout)
        .iter()
        .map(|line| {
            line["headers"].as_array().unwrap().iter().any(|h| {
                h[0].as_str().unwrap().eq_ignore_ascii_case("via")
                    && h[1].as_str().unwrap().contains("tinyproxy")
            })
        })
        .collect()
}

#[test]
fn http_targets_go_through_the_proxy_flag_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path());
    fs::write(dir.path().join("e.json"), "{}").unwrap();
    let listener = Listener::start(dir.path(), &["--json", "--save", "caps"]);
    let to = format!("http://{}/hooks", listener.addr);
    let send = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = hookline_in(dir.path());
        cmd.args(["send", "e.json", "--to", &to, "--unsigned"])
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = run(&mut cmd);
        assert_eq!(
            out.code, 0,
            "{args:?} {env:?}: {}{}",
            out.stdout, out.stderr
        );
    };
    send(&["--proxy", &proxy.url], &[]);
    send(&[], &[("HTTP_PROXY", &proxy.url)]);
    send(
        &[],
        &[("http_proxy", &proxy.url), ("NO_PROXY", "127.0.0.1")],
    );
    send(&["--no-proxy"], &[("ALL_PROXY", &proxy.url)]);
    send(&[], &[]);
    let probe = run(hookline_in(dir.path()).args([
        "probe", &to, "--secret", "k", "--only", "valid", "--proxy", &proxy.url,
    ]));
    assert_eq!(probe.code, 0, "{}{}", probe.stdout, probe.stderr);
    let seen = via_proxy(&listener.stop().stdout);
    assert_eq!(seen, [true, true, false, false, false, true]);

    // replay, and --forward-to, through it too.
    let target = Listener::start(dir.path(), &["--json"]);
    let again = run(hookline_in(dir.path()).args([
        "replay",
        "caps",
        "--to",
        &format!("http://{}", target.addr),
        "--proxy",
        &proxy.url,
    ]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(via_proxy(&target.stop().stdout).iter().all(|v| *v));
    let app = Listener::start(dir.path(), &["--json"]);
    let front = Listener::start_with_env(
        dir.path(),
        &["--forward-to", &format!("http://{}", app.addr)],
        &[("HTTP_PROXY", proxy.url.as_str())],
    );
    assert_eq!(common::http::post(front.addr, "/x", &[], b"{}").status, 202);
    front.stop();
    assert_eq!(via_proxy(&app.stop().stdout), [true]);
}

#[test]
fn https_targets_and_relay_links_go_through_a_connect_tunnel() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path());
    let (cert, key) = common::self_signed(dir.path());
    let tls = Listener::start(
        dir.path(),
        &["--json", "--tls-cert", &cert, "--tls-key", &key],
    );
    fs::write(dir.path().join("e.json"), "{}").unwrap();
    let to = format!("https://localhost:{}/hooks", tls.addr.port());
    let sent = run(hookline_in(dir.path())
        .env("HTTPS_PROXY", &proxy.url)
        .args([
            "send",
            "e.json",
            "--to",
            &to,
            "--unsigned",
            "--cacert",
            &cert,
        ]));
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    assert!(
        proxy.tunnelled_to(tls.addr.port()),
        "no CONNECT in the proxy's log"
    );
    // Inside a tunnel the proxy sees only TLS: the request arrives as sent.
    assert_eq!(via_proxy(&tls.stop().stdout), [false]);

    let relay = relay(dir.path(), &[]);
    let sub = subscriber(
        dir.path(),
        &format!("http://{}", relay.addr),
        &["--json", "--proxy", &proxy.url],
    );
    let (addr, path) = split(&public_url(&sub));
    assert_eq!(common::http::post(addr, &path, &[], b"{}").status, 202);
    assert!(
        proxy.tunnelled_to(relay.addr.port()),
        "the link went around the proxy"
    );
    assert_eq!(json_lines(&sub.stop().stdout).len(), 1);
    relay.stop();
}

#[test]
fn a_bad_proxy_url_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(hookline_in(dir.path()).args([
        "send",
        "x.json",
        "--to",
        "http://127.0.0.1:9/",
        "--proxy",
        "socks5://h:1",
    ]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("only http:// proxies"),
        "{}",
        out.stderr
    );
}
