//! The inspector in a real browser: headless Chromium through chromedriver (Debian's
//! `chromium` and `chromium-driver`, installed by tests/setup.sh), driving the page that
//! `hookline listen` and `hookline inspect` serve, with real events posted to real
//! listeners. Plus its API's guards without a browser.
//!
//! With UPDATE_SCREENSHOTS=1 the screenshots go to docs/ (light and dark, list and
//! detail); otherwise to a temp dir (taken all the same).

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use common::http::{post, Conn};
use common::process::{json_lines, Listener};
use common::{hookline_in, run};

/// One browser at a time: each is a few hundred MB and two cores are shared.
static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Browser {
    driver: Child,
    client: Client,
}

impl Browser {
    async fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(common::installed(&["chromedriver"], "chromium-driver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": common::installed(&["chromium", "chromium-browser"], "chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,900"],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a browser session");
        Browser { driver, client }
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Waits (up to `limit`) until the list shows `n` rows.
    async fn rows_become(&self, n: u64, limit: Duration) {
        self.until(
            "return document.querySelectorAll('#list .row').length",
            limit,
            |v| v == n,
        )
        .await;
    }

    async fn rows(&self) -> usize {
        self.client
            .execute(
                "return document.querySelectorAll('#list .row').length",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap() as usize
    }

    /// Polls `script` (returning a value) until `done` takes it, for up to `limit`.
    async fn until(&self, script: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.client.execute(script, vec![]).await.unwrap();
            if done(&value) {
                return value;
            }
            assert!(Instant::now() < deadline, "{script}: still {value}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Clicks the element `css` names once it is there (rows are re-rendered as the list
    /// changes, so the element is looked up and clicked in one step).
    async fn click(&self, css: &str) {
        let script = format!(
            "const e = document.querySelector({css:?}); if (!e) return false; e.click(); return true;"
        );
        self.until(&script, Duration::from_secs(10), |v| v == true)
            .await;
    }

    /// The shown text of the element `css` names once it is there. Looked up and read in one
    /// step: the detail pane is re-rendered as events arrive, so an element found in one
    /// WebDriver call may be gone by the next.
    async fn text(&self, css: &str) -> String {
        let script =
            format!("const e = document.querySelector({css:?}); return e ? e.innerText : null;");
        let value = self
            .until(&script, Duration::from_secs(10), Value::is_string)
            .await;
        value.as_str().unwrap().trim().to_string()
    }

    /// Sets a field's value as typing would (the page listens for `input`).
    async fn fill(&self, id: &str, value: &str) {
        let script = format!(
            "const e = document.getElementById({id:?}); e.value = arguments[0]; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change'));"
        );
        self.client
            .execute(&script, vec![json!(value)])
            .await
            .unwrap();
    }

    async fn screenshot(&self, name: &str, out: &Path) {
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(out.join(name), png).unwrap();
    }
}

fn screenshot_dir(temp: &Path) -> PathBuf {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
    } else {
        temp.to_path_buf()
    }
}

/// The `inspector: URL` line of a banner.
fn page_url(server: &Listener) -> String {
    server
        .banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("inspector: "))
        .unwrap_or_else(|| panic!("no inspector line in {:?}", server.banner))
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn page_addr(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

fn signed_headers(dir: &Path, body: &[u8], args: &[&str]) -> Vec<(String, String)> {
    std::fs::write(dir.join("body.tmp"), body).unwrap();
    let mut all = vec!["sign", "body.tmp"];
    all.extend_from_slice(args);
    let out = run(hookline_in(dir).args(&all));
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_appear_live_narrow_with_filters_and_say_why_they_failed() {
    let _one = BROWSER.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(
        dir.path(),
        &["--secret", "s3cret", "--inspect", "127.0.0.1:0"],
    );
    let url = page_url(&listen);
    let browser = Browser::start().await;
    browser.client.goto(&url).await.unwrap();
    browser
        .until(
            "return window.__hookline.readyMs",
            Duration::from_secs(10),
            |v| !v.is_null(),
        )
        .await;
    assert_eq!(browser.rows().await, 0);

    let paid = br#"{"type":"invoice.paid","id":"evt_1","data":{"amount":4200,"currency":"eur"}}"#;
    let headers = signed_headers(dir.path(), paid, &["--secret", "s3cret"]);
    let mut with_type = refs(&headers);
    with_type.push(("Content-Type", "application/json"));
    let answer = post(listen.addr, "/hooks/billing", &with_type, paid);
    assert_eq!(answer.status, 202);
    let posted = Instant::now();
    browser.rows_become(1, Duration::from_secs(1)).await;
    let appeared = posted.elapsed();
    eprintln!("an event posted with curl appeared in the list after {appeared:?}");
    assert!(appeared < Duration::from_secs(1), "{appeared:?}");

    // A tampered event and another type.
    let failed = br#"{"type":"charge.failed","id":"evt_2"}"#;
    let headers = signed_headers(dir.path(), failed, &["--secret", "s3cret"]);
    let answer = post(
        listen.addr,
        "/hooks/billing",
        &refs(&headers),
        br#"{"type":"charge.failed","id":"evt_X"}"#,
    );
    assert_eq!(answer.status, 401);
    let answer = post(listen.addr, "/hooks/billing", &refs(&headers), failed);
    assert_eq!(answer.status, 202);
    browser.rows_become(3, Duration::from_secs(5)).await;

    // Filters narrow the list: text, verdict, event glob.
    browser.fill("q", "evt_X").await;
    browser.rows_become(1, Duration::from_secs(5)).await;
    browser.fill("q", "").await;
    browser.fill("valid", "false").await;
    browser.rows_become(1, Duration::from_secs(5)).await;
    browser.fill("valid", "").await;
    browser.fill("event", "charge.*").await;
    browser.rows_become(2, Duration::from_secs(5)).await;
    browser.fill("event", "").await;
    browser.rows_become(3, Duration::from_secs(5)).await;

    // The tampered one's detail says why, in words.
    let tampered_row = browser
        .until(
            "return [...document.querySelectorAll('#list .row')].findIndex(r => r.textContent.includes('✗'))",
            Duration::from_secs(5),
            |v| v.as_i64().is_some_and(|i| i >= 0),
        )
        .await;
    browser
        .click(&format!("#list .row[data-index=\"{tampered_row}\"]"))
        .await;
    let verdict = browser.text("#verdict").await;
    assert!(verdict.starts_with('✗'), "{verdict}");
    assert!(verdict.contains("generic"), "{verdict}");
    assert!(
        verdict.contains("does not match"),
        "the reason in words: {verdict}"
    );
    // Never a secret on the page.
    let html: String = browser
        .client
        .execute("return document.documentElement.outerHTML", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert!(!html.contains("s3cret"));

    // Keyboard: j/k move, Enter opens.
    browser
        .client
        .execute("document.activeElement.blur()", vec![])
        .await
        .unwrap();
    let keys = browser.client.find(Locator::Css("body")).await.unwrap();
    keys.send_keys("k").await.unwrap();
    keys.send_keys("\u{E007}").await.unwrap();
    browser
        .until(
            "return document.querySelector('.request-line') && document.querySelector('.request-line').textContent",
            Duration::from_secs(5),
            |v| v.as_str().is_some_and(|t| t.contains("/hooks/billing")),
        )
        .await;

    // Screenshots: list and detail, light and dark.
    let out = screenshot_dir(dir.path());
    browser.click("#list .row[data-index=\"2\"]").await;
    browser.text("#verdict").await;
    browser
        .client
        .execute("document.documentElement.dataset.theme = 'light'", vec![])
        .await
        .unwrap();
    browser.screenshot("inspector-light.png", &out).await;
    browser
        .client
        .execute("document.documentElement.dataset.theme = 'dark'", vec![])
        .await
        .unwrap();
    browser
        .click(&format!("#list .row[data-index=\"{tampered_row}\"]"))
        .await;
    browser.text("#verdict").await;
    browser.screenshot("inspector-dark.png", &out).await;
    browser.stop().await;
    listen.stop();
}

/// A capture in the capture format, as `listen --save` writes it.
fn capture_file(path: &Path, capture: Value) {
    std::fs::write(path, serde_json::to_string(&capture).unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replays_resigned_and_edited_verify_elsewhere_and_copied_curl_is_byte_exact() {
    let _one = BROWSER.lock().await;
    let dir = tempfile::tempdir().unwrap();
    // The second listener: where replays land, verifying Stripe signatures.
    let second = Listener::start(dir.path(), &["--secret", "whsec_test", "--json"]);
    assert!(
        !second.banner.join("").contains("inspector:"),
        "off under --json"
    );

    // A Stripe delivery received a day ago (its signature long past the tolerance).
    let body =
        br#"{"id":"evt_1Stripe","type":"invoice.paid","data":{"object":{"amount_paid":4200}}}"#;
    let day_ago = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 86_400)
        .to_string();
    let headers = signed_headers(
        dir.path(),
        body,
        &[
            "--scheme",
            "stripe",
            "--secret",
            "whsec_test",
            "--timestamp",
            &day_ago,
        ],
    );
    let mut pairs = vec![json!(["Content-Type", "application/json"])];
    pairs.extend(headers.iter().map(|(n, v)| json!([n, v])));
    capture_file(
        &dir.path().join("stripe.json"),
        json!({
            "hookline": 1, "id": "evt_day_old", "received_at": "2026-11-30T10:00:00.000Z",
            "method": "POST", "path": "/stripe", "headers": pairs,
            "body": std::str::from_utf8(body).unwrap(),
            "verification": {"scheme": "stripe", "valid": true, "reason": null},
            "event": "invoice.paid", "answer": {"status": 202, "latency_ms": 0.4},
        }),
    );
    // A binary body, NUL bytes and quotes included, for "copy as curl".
    let binary: Vec<u8> = vec![
        0, 1, b'\'', b'"', b'%', b'\\', 0xff, 0xfe, b'\n', b'$', b'(', b'x', b')', 0,
    ];
    use base64::Engine;
    capture_file(
        &dir.path().join("binary.json"),
        json!({
            "hookline": 1, "method": "POST", "path": "/bin", "query": "a=1&b=two",
            "headers": [["Content-Type", "application/octet-stream"], ["X-Repeat", "1"], ["X-Repeat", "2"]],
            "body_base64": base64::engine::general_purpose::STANDARD.encode(&binary),
        }),
    );
    let to = format!("http://{}", second.addr);
    let inspect = Listener::spawn(
        dir.path(),
        &[
            "inspect",
            "stripe.json",
            "binary.json",
            "--to",
            &to,
            "--secret",
            "whsec_test",
            "--addr",
            "127.0.0.1:0",
        ],
        &[],
    );
    let url = page_url(&inspect);
    let browser = Browser::start().await;
    browser.client.goto(&url).await.unwrap();
    browser.rows_become(2, Duration::from_secs(10)).await;
    let stripe_row = browser
        .until(
            "return [...document.querySelectorAll('#list .row')].findIndex(r => r.textContent.includes('/stripe'))",
            Duration::from_secs(5),
            |v| v.as_i64().is_some_and(|i| i >= 0),
        )
        .await;
    browser
        .click(&format!("#list .row[data-index=\"{stripe_row}\"]"))
        .await;

    // As captured: the day-old signature is refused there.
    browser.click("#replay").await;
    let status = browser
        .until(
            "const r = document.getElementById('replay-result'); return r && r.dataset.status",
            Duration::from_secs(10),
            |v| v.is_string(),
        )
        .await;
    assert_eq!(status, "401");
    // Re-signed with a fresh timestamp: accepted, and it verifies there.
    browser.click("#replay-resigned").await;
    let status = browser
        .until(
            "const r = document.getElementById('replay-result'); return r && r.dataset.status",
            Duration::from_secs(10),
            |v| v == "202",
        )
        .await;
    assert_eq!(status, "202");
    assert!(browser
        .text("#replay-result h3")
        .await
        .contains("re-signed, stripe"));

    // Edit and replay: a new body, re-signed by default.
    browser.click("#edit").await;
    let edited =
        r#"{"id":"evt_1Stripe","type":"invoice.paid","data":{"object":{"amount_paid":9900}}}"#;
    browser.fill("edit-body", edited).await;
    browser.click("#edit-send").await;
    browser
        .until(
            "const r = document.getElementById('replay-result'); return r && r.dataset.status",
            Duration::from_secs(10),
            |v| v == "202",
        )
        .await;

    // Compare the two events: a diff of headers and bodies.
    browser.click("#compare").await;
    let binary_row = 1 - stripe_row.as_i64().unwrap();
    browser
        .click(&format!("#list .row[data-index=\"{binary_row}\"]"))
        .await;
    // The other event's detail loads after the click: Compare on that one.
    browser
        .until(
            "const b = document.getElementById('compare'); return b && b.textContent",
            Duration::from_secs(10),
            |v| v.as_str().is_some_and(|t| t.starts_with("Compare with")),
        )
        .await;
    browser.click("#compare").await;
    let diff = browser.text(".diff").await;
    assert!(
        diff.contains("- Stripe-Signature") || diff.contains("- stripe-signature"),
        "{diff}"
    );
    assert!(diff.contains("+ X-Repeat: 1"), "{diff}");

    // Copy as curl: the command, run, sends the binary body byte for byte.
    browser.click("#copy-curl").await;
    let command: String = browser
        .until(
            "return document.getElementById('copy-text').value",
            Duration::from_secs(5),
            |v| {
                v.as_str()
                    .is_some_and(|s| s.starts_with("printf") || s.starts_with("curl"))
            },
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    let ran = Command::new("bash")
        .arg("-c")
        .arg(&command)
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    browser.stop().await;
    inspect.stop();

    let received = json_lines(&second.stop().stdout);
    assert_eq!(received.len(), 4, "{received:?}");
    let valid = |e: &Value| e["verification"]["valid"].as_bool().unwrap();
    assert!(!valid(&received[0]), "as captured: stale");
    assert!(valid(&received[1]), "re-signed: verifies");
    assert_eq!(received[1]["body"], std::str::from_utf8(body).unwrap());
    assert!(valid(&received[2]), "edited and re-signed: verifies");
    assert_eq!(received[2]["body"], edited);
    let curl = &received[3];
    assert_eq!(curl["path"], "/bin");
    assert_eq!(curl["query"], "a=1&b=two");
    let sent = base64::engine::general_purpose::STANDARD
        .decode(curl["body_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(sent, binary, "byte for byte");
    let repeats: Vec<_> = curl["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("x-repeat"))
        .map(|h| h[1].as_str().unwrap().to_string())
        .collect();
    assert_eq!(repeats, ["1", "2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_events_render_and_scroll() {
    let _one = BROWSER.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..10_000 {
        let event = if i % 3 == 0 {
            "invoice.paid"
        } else {
            "charge.succeeded"
        };
        let body = format!("{{\"n\":{i},\"type\":\"{event}\"}}");
        lines.push_str(
            &json!({
                "hookline": 1, "id": format!("evt_{i:05}"), "received_at": "2026-11-30T10:00:00.000Z",
                "method": "POST", "path": format!("/hooks/{i}"), "headers": [["Content-Type", "application/json"]],
                "body": body, "event": event,
                "verification": {"scheme": "stripe", "valid": i % 10 != 0, "reason": if i % 10 == 0 { Some("signature_mismatch") } else { None }},
                "answer": {"status": if i % 10 == 0 { 401 } else { 202 }, "latency_ms": 0.3},
            })
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(dir.path().join("many.jsonl"), lines).unwrap();
    let inspect = Listener::spawn(
        dir.path(),
        &["inspect", "many.jsonl", "--addr", "127.0.0.1:0"],
        &[],
    );
    let url = page_url(&inspect);
    let browser = Browser::start().await;
    browser.client.goto(&url).await.unwrap();
    let ready = browser
        .until(
            "return window.__hookline.readyMs",
            Duration::from_secs(30),
            |v| !v.is_null(),
        )
        .await
        .as_f64()
        .unwrap();
    let loaded = browser
        .client
        .execute(
            "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    eprintln!(
        "10,000 events: the list was interactive {ready:.0} ms after navigation started, {:.0} ms after the page loaded",
        ready - loaded
    );
    assert!(ready < 5000.0, "{ready} ms");
    let count = browser.text("#count").await;
    assert_eq!(count, "10000 events");
    // Only what is visible is in the page, and scrolling renders the rows there.
    let rows = browser.rows().await;
    assert!(rows < 200, "a virtual list: {rows} rows in the DOM");
    browser
        .client
        .execute("const l = document.getElementById('list'); l.scrollTop = 150000; l.dispatchEvent(new Event('scroll'));", vec![])
        .await
        .unwrap();
    browser
        .until(
            "return [...document.querySelectorAll('#list .row')].some(r => r.textContent.includes('/hooks/5000'))",
            Duration::from_secs(5),
            |v| v == true,
        )
        .await;
    // Filtering 10,000 stays quick.
    browser.fill("valid", "false").await;
    browser
        .until(
            "return document.getElementById('count').textContent",
            Duration::from_secs(5),
            |v| v == "1000 events",
        )
        .await;
    browser.stop().await;
    inspect.stop();
}

/// A request with exactly these headers (its own Host among them) and a `{}` body.
fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> common::http::Response {
    let mut raw = format!("{method} {target} HTTP/1.1\r\n");
    for (n, v) in headers {
        raw.push_str(&format!("{n}: {v}\r\n"));
    }
    raw.push_str("Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    let mut conn = Conn::open(addr);
    conn.send_raw(raw.as_bytes());
    conn.read_response().expect("an answer")
}

#[test]
fn the_api_answers_only_its_own_host_and_replays_only_with_the_pages_token() {
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(
        dir.path(),
        &[
            "--secret",
            "s3cret",
            "--inspect",
            "127.0.0.1:0",
            "--inspect-max-events",
            "5",
        ],
    );
    let page = page_addr(&page_url(&listen));
    for i in 0..8 {
        post(listen.addr, &format!("/e/{i}"), &[], b"{}");
    }
    std::thread::sleep(Duration::from_millis(300));
    let get = |target: &str, host: &str| request(page, "GET", target, &[("Host", host)]);
    let host = page.to_string();
    let list = get("/api/events", &host);
    assert_eq!(list.status, 200);
    let list: Value = serde_json::from_slice(&list.body).unwrap();
    assert_eq!(
        (list["kept"].as_u64(), list["dropped"].as_u64()),
        (Some(5), Some(3)),
        "{list}"
    );
    assert_eq!(list["events"][0]["target"], "/e/7");
    // DNS rebinding: a page on another name that resolves here is refused.
    let rebound = get("/api/events", &format!("attacker.example:{}", page.port()));
    assert_eq!(rebound.status, 403);
    assert_eq!(get("/", &format!("localhost:{}", page.port())).status, 200);
    // Replays need the page's token (and a same-origin Origin).
    let seq = list["events"][0]["seq"].as_u64().unwrap();
    let replay = format!("/api/events/{seq}/replay");
    let no_token = request(page, "POST", &replay, &[("Host", &host)]);
    assert_eq!(no_token.status, 403);
    let html = get("/", &host).text();
    let token = html
        .split("name=\"hookline-token\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let cross = request(
        page,
        "POST",
        &replay,
        &[
            ("Host", &host),
            ("X-Hookline-Token", &token),
            ("Origin", "http://attacker.example"),
        ],
    );
    assert_eq!(cross.status, 403);
    let ok = request(
        page,
        "POST",
        &replay,
        &[("Host", &host), ("X-Hookline-Token", &token)],
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    let replayed: Value = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(
        replayed["url"],
        format!("http://{}/e/7", listen.addr),
        "back to listen itself"
    );
    // The page's script never builds markup from event data.
    let script = get("/app.js", &host).text();
    assert!(!script.contains("innerHTML"));
    let csp = get("/", &host);
    assert!(csp
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
    let stopped = listen.stop();
    assert!(!stopped.stdout.contains("s3cret") && !stopped.stderr.contains("s3cret"));
}

/// The live stream sends each new event once, in order, while events keep arriving
/// between its looks and while it builds a batch.
#[test]
fn the_live_stream_sends_each_event_once() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let listen = Listener::start(dir.path(), &["--json", "--inspect", "127.0.0.1:0"]);
    let page = page_addr(&page_url(&listen));
    let mut stream = TcpStream::connect(page).unwrap();
    write!(
        stream,
        "GET /api/stream HTTP/1.1\r\nHost: {page}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // The answer's head: the stream has started, and counts from the first event.
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        if let Ok(n) = stream.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
    }
    // Three senders, 400 events in bursts over about a second and a half.
    let addr = listen.addr;
    let senders: Vec<_> = (0..3)
        .map(|t| {
            std::thread::spawn(move || {
                let mut conn = Conn::open(addr);
                for i in 0..400 / 3 + usize::from(t < 400 % 3) {
                    let body = format!("{{\"n\":{i}}}");
                    let r = conn.request("POST", &format!("/t{t}"), &[], body.as_bytes());
                    assert_eq!(r.status, 202);
                    if i % 20 == 0 {
                        std::thread::sleep(Duration::from_millis(70));
                    }
                }
            })
        })
        .collect();
    let mut sent = false;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seqs: Vec<u64> = Vec::new();
    while Instant::now() < deadline {
        if let Ok(n) = stream.read(&mut buf) {
            raw.extend_from_slice(&buf[..n]);
        }
        if !sent && senders.iter().all(|s| s.is_finished()) {
            sent = true;
        }
        seqs = String::from_utf8_lossy(&raw)
            .lines()
            .filter_map(|l| l.strip_prefix("data: ["))
            .flat_map(|batch| serde_json::from_str::<Vec<Value>>(&format!("[{batch}")).unwrap())
            .map(|s| s["seq"].as_u64().unwrap())
            .collect();
        if sent && seqs.len() >= 400 {
            break;
        }
    }
    for s in senders {
        s.join().unwrap();
    }
    let text = String::from_utf8_lossy(&raw);
    assert!(!text.contains("event: lagged"), "{text}");
    assert_eq!(seqs, (1..=400).collect::<Vec<u64>>());
    listen.stop();
}
