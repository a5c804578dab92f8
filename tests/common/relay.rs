//! `hookline relay` and its subscribers as child processes, and a raw WebSocket
//! subscriber for tests that play a misbehaving one.

use std::path::Path;

use super::process::Listener;
use super::{hookline_in, run};

/// A one-thread runtime for a test's own WebSocket end.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub fn relay(dir: &Path, args: &[&str]) -> Listener {
    let mut all = vec!["relay", "--port", "0"];
    all.extend_from_slice(args);
    Listener::spawn(dir, &all, &[])
}

/// `listen --relay URL ARGS`, its saved channels under `dir/config`.
pub fn subscriber(dir: &Path, relay_url: &str, args: &[&str]) -> Listener {
    let mut all = vec!["listen", "--port", "0", "--relay", relay_url];
    all.extend_from_slice(args);
    let config = dir.join("config");
    Listener::spawn(dir, &all, &[("XDG_CONFIG_HOME", config.to_str().unwrap())])
}

/// `hookline channel create` (saved under `dir/config`) → (channel, token, public URL).
pub fn create_channel(dir: &Path, relay: &Listener) -> (String, String, String) {
    let made = run(hookline_in(dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .args(["channel", "create", "--relay", &base(relay)]));
    assert_eq!(made.code, 0, "{}", made.stderr);
    let field = |name: &str| {
        made.stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {}", made.stdout))
            .trim()
            .to_string()
    };
    (field("channel"), field("token"), field("public URL"))
}

pub fn public_url(subscriber: &Listener) -> String {
    subscriber
        .banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("public URL: "))
        .unwrap_or_else(|| panic!("no public URL in {:?}", subscriber.banner))
        .to_string()
}

/// `http://127.0.0.1:PORT/c/ID` → (address, `/c/ID`).
pub fn split(url: &str) -> (std::net::SocketAddr, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let slash = rest.find('/').unwrap();
    (rest[..slash].parse().unwrap(), rest[slash..].to_string())
}

pub fn base(relay: &Listener) -> String {
    format!("http://{}", relay.addr)
}

/// A raw subscriber on `channel`: the WebSocket after the relay's greeting.
pub async fn raw_subscriber(
    addr: std::net::SocketAddr,
    channel: &str,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    raw_subscriber_asking(addr, channel, token, &[]).await.0
}

/// A subscriber's WebSocket made with extra request headers; with the relay's greeting.
pub async fn raw_subscriber_asking(
    addr: std::net::SocketAddr,
    channel: &str,
    token: &str,
    headers: &[(&'static str, &'static str)],
) -> (
    tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    serde_json::Value,
) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}/subscribe/{channel}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    for (name, value) in headers {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .unwrap();
    let hello = ws.next().await.unwrap().unwrap();
    assert!(hello.is_text(), "a greeting first: {hello:?}");
    let greeting = serde_json::from_str(hello.to_text().unwrap()).unwrap();
    (ws, greeting)
}

/// The next binary message on a raw subscriber's link (a request frame), skipping pings.
pub async fn next_binary(
    ws: &mut tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
) -> bytes::Bytes {
    use futures_util::StreamExt;
    loop {
        if let tokio_tungstenite::tungstenite::Message::Binary(bytes) =
            ws.next().await.unwrap().unwrap()
        {
            return bytes;
        }
    }
}
