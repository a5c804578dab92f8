//! The subscriber's side, for `hookline listen --relay` and `hookline channel create`:
//! make a channel, connect out to the relay's WebSocket, run each relayed request through
//! listen's engine (verify, print, save, chaos, forward) and send its answer back; notice
//! a dead link by its missing heartbeats and reconnect with backoff.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Full};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use super::frame::{self, AnswerHead, RequestHead};
use super::{Beat, Heartbeat};
use crate::delivery;
use crate::http_headers::{append_pairs, is_hop_by_hop, to_pairs};
use crate::listen::Engine;
use crate::server::Io;

/// A relay, as `--relay URL` names it.
#[derive(Debug, Clone)]
pub struct Relay {
    /// `scheme://host:port`, the key of saved channels.
    pub base: String,
    host: String,
    port: u16,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// For relays that ask for one to create channels.
    create_token: Option<String>,
    /// The largest request accepted over the link (listen's `--max-body`, plus its head).
    max_message: usize,
}

/// `--relay http(s)://HOST[:PORT][/CHANNEL]` (also `/c/CHANNEL`, the public URL itself).
pub fn parse(url: &Uri, tls: Option<Arc<rustls::ClientConfig>>) -> Result<(Relay, Option<String>)> {
    let secure = match url.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => bail!("--relay {url}: use an http:// or https:// URL"),
    };
    if url.authority().is_some_and(|a| a.as_str().contains('@')) {
        bail!("--relay: a relay URL takes no user:password@ (channels have tokens)");
    }
    let host = url
        .host()
        .ok_or_else(|| anyhow!("--relay {url}: no host"))?
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let path = url.path().trim_matches('/');
    let channel = path.strip_prefix("c/").unwrap_or(path);
    if !channel.is_empty() && !is_channel_id(channel) {
        bail!("--relay {url}: the path should be just a channel id");
    }
    let relay = Relay {
        base: base_of(url),
        host,
        port,
        tls: if secure {
            Some(tls.ok_or_else(|| anyhow!("https relay without a TLS configuration"))?)
        } else {
            None
        },
        create_token: None,
        max_message: 25 << 20,
    };
    Ok((relay, (!channel.is_empty()).then(|| channel.to_string())))
}

/// A channel just made: shown once, then saved.
#[derive(Debug, serde::Deserialize)]
pub struct NewChannel {
    pub channel: String,
    pub token: String,
    pub url: String,
}

/// `scheme://host:port` of a relay URL: the key its saved channels are kept under.
pub fn base_of(url: &Uri) -> String {
    let scheme = if url.scheme_str() == Some("https") {
        "https"
    } else {
        "http"
    };
    let authority = url.authority().map_or("", |a| a.as_str());
    format!("{scheme}://{authority}")
}

/// A channel id as relays make them (URL-safe base64): nothing else is put in a URL.
fn is_channel_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Relay {
    /// A delivery client for the relay's own endpoints (`/channels`).
    fn http_client(&self) -> delivery::Client {
        match &self.tls {
            Some(config) => delivery::Client::with_tls((**config).clone()),
            None => delivery::Client::new(),
        }
    }

    /// Requests over `max_body` end the link rather than fill memory (the relay enforces
    /// its own limit, but this side does not take its word for it).
    pub fn with_max_body(mut self, max_body: u64) -> Self {
        self.max_message = usize::try_from(max_body)
            .unwrap_or(usize::MAX)
            .saturating_add(1 << 20);
        self
    }

    pub fn with_create_token(mut self, token: Option<String>) -> Self {
        self.create_token = token;
        self
    }

    /// `POST /channels`.
    pub async fn create_channel(&self) -> Result<NewChannel> {
        let client = self.http_client();
        let request = delivery::Request {
            method: http::Method::POST,
            url: format!("{}/channels", self.base).parse()?,
            headers: self.create_headers()?,
            body: Bytes::new(),
        };
        let attempt = client.attempt(request, Duration::from_secs(30)).await;
        match attempt.outcome {
            delivery::Outcome::Answered(a) if a.status == 201 => {
                let made: NewChannel = serde_json::from_slice(&a.body)
                    .map_err(|e| anyhow!("{}: not a hookline relay ({e})", self.base))?;
                if !is_channel_id(&made.channel) {
                    bail!("{}: not a hookline relay (a malformed channel id)", self.base);
                }
                Ok(made)
            }
            delivery::Outcome::Answered(a) if a.status == 401 => bail!(
                "{} asks for a channel-creation token: pass --create-token (or HOOKLINE_RELAY_CREATE_TOKEN){}",
                self.base,
                if self.create_token.is_some() { "; the one given was refused" } else { "" }
            ),
            delivery::Outcome::Answered(a) => bail!(
                "{} refused to make a channel: {} {}",
                self.base,
                a.status,
                crate::text::printable(String::from_utf8_lossy(&a.body).trim())
            ),
            other => bail!("cannot reach the relay {}: {}", self.base, other.reason()),
        }
    }

    fn create_headers(&self) -> Result<http::HeaderMap> {
        let mut headers = http::HeaderMap::new();
        if let Some(token) = &self.create_token {
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| anyhow!("--create-token: not a valid header value"))?;
            headers.insert(http::header::AUTHORIZATION, value);
        }
        Ok(headers)
    }

    /// `POST /channels`, and the new channel saved for later runs; returns it and where it
    /// was saved.
    pub async fn create_saved_channel(
        &self,
        default: bool,
    ) -> Result<(NewChannel, std::path::PathBuf)> {
        let made = self.create_channel().await?;
        let saved = super::credentials::save(super::credentials::Saved {
            relay: self.base.clone(),
            channel: made.channel.clone(),
            token: made.token.clone(),
            default,
        })?;
        Ok((made, saved))
    }

    /// `DELETE /channels/<id>` with the channel's token; Ok(false) when the relay no
    /// longer knows it (already expired or deleted).
    pub async fn delete_channel(&self, channel: &str, token: &str) -> Result<bool> {
        if !is_channel_id(channel) {
            bail!("{channel}: not a channel id");
        }
        let client = self.http_client();
        let mut headers = http::HeaderMap::new();
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| anyhow!("the saved token is not a valid header value"))?;
        headers.insert(http::header::AUTHORIZATION, bearer);
        let request = delivery::Request {
            method: http::Method::DELETE,
            url: format!("{}/channels/{channel}", self.base).parse()?,
            headers,
            body: Bytes::new(),
        };
        match client
            .attempt(request, Duration::from_secs(30))
            .await
            .outcome
        {
            delivery::Outcome::Answered(a) if a.status == 204 => Ok(true),
            delivery::Outcome::Answered(a) if a.status == 401 || a.status == 404 => Ok(false),
            delivery::Outcome::Answered(a) => {
                bail!("{} refused to delete the channel: {}", self.base, a.status)
            }
            other => bail!("cannot reach the relay {}: {}", self.base, other.reason()),
        }
    }

    /// Opens the channel's WebSocket; returns it and the public URL the relay announced.
    pub async fn connect(&self, channel: &str, token: &str) -> Result<Link, ConnectError> {
        let lost = |e: String| ConnectError::Unreachable(e);
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| lost(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match &self.tls {
            None => Box::new(tcp),
            Some(config) => {
                let name =
                    ServerName::try_from(self.host.clone()).map_err(|e| lost(e.to_string()))?;
                let connector = tokio_rustls::TlsConnector::from(config.clone());
                Box::new(
                    connector
                        .connect(name, tcp)
                        .await
                        .map_err(|e| lost(e.to_string()))?,
                )
            }
        };
        let ws_url = format!(
            "{}/subscribe/{channel}",
            self.base.replacen("http", "ws", 1)
        );
        let mut request = ws_url
            .into_client_request()
            .map_err(|e| lost(e.to_string()))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ConnectError::Refused("the token is not a valid header value".into()))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, bearer);
        let config = super::link_config(self.max_message);
        let handshake = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
        let (mut ws, _) = match tokio::time::timeout(Duration::from_secs(30), handshake).await {
            Err(_) => return Err(lost("no handshake within 30s".into())),
            Ok(Err(tungstenite::Error::Http(response))) if response.status() == 401 => {
                return Err(ConnectError::Refused(format!(
                    "the relay refused the token for channel {channel} (unknown, expired, or another token)"
                )))
            }
            Ok(Err(e)) => return Err(lost(e.to_string())),
            Ok(Ok(done)) => done,
        };
        // The relay greets with the channel's public URL.
        let public_url = match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v["public_url"]
                        .as_str()
                        .map(|u| crate::text::printable(u).into_owned())
                })
                .ok_or_else(|| lost("the relay's greeting is malformed".into()))?,
            _ => return Err(lost("the relay did not greet".into())),
        };
        Ok(Link { ws, public_url })
    }
}

#[derive(Debug)]
pub enum ConnectError {
    /// The relay said no (401): retrying will not help.
    Refused(String),
    /// Not reachable, or the connection broke: worth retrying.
    Unreachable(String),
}

pub struct Link {
    ws: WebSocketStream<Box<dyn Io>>,
    pub public_url: String,
}

impl Link {
    /// Answers relayed requests through `engine`, at most `max_in_flight` at once (more
    /// get a 503 at once), until the link ends or `stopping` is set. On stopping, the
    /// requests in flight get up to `grace` to be answered (as local ones do), then the
    /// link is closed cleanly.
    pub async fn serve(
        self,
        engine: Arc<Engine>,
        max_in_flight: usize,
        mut stopping: tokio::sync::watch::Receiver<bool>,
        grace: Duration,
    ) -> Ended {
        let (mut sink, mut stream) = self.ws.split();
        let (answers, mut answered) = tokio::sync::mpsc::channel::<Bytes>(256);
        let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
        let mut heartbeat = Heartbeat::new();
        let mut drain_until: Option<tokio::time::Instant> = None;
        loop {
            if let Some(deadline) = drain_until {
                let busy = max_in_flight - in_flight.available_permits();
                let done = busy == 0 && answered.is_empty();
                if done || tokio::time::Instant::now() >= deadline {
                    let close = tungstenite::protocol::CloseFrame {
                        code: tungstenite::protocol::frame::coding::CloseCode::Normal,
                        reason: "subscriber stopped".into(),
                    };
                    let _ = tokio::time::timeout(
                        Duration::from_secs(1),
                        sink.send(Message::Close(Some(close))),
                    )
                    .await;
                    return Ended::Stopped { dropped: busy };
                }
            }
            let tick = tokio::time::sleep(Duration::from_millis(20));
            tokio::select! {
                () = async { let _ = stopping.wait_for(|stop| *stop).await; }, if drain_until.is_none() => {
                    drain_until = Some(tokio::time::Instant::now() + grace);
                }
                () = tick, if drain_until.is_some() => {}
                message = stream.next() => {
                    heartbeat.heard();
                    match message {
                        Some(Ok(Message::Binary(bytes))) => {
                            let permit = match drain_until {
                                None => in_flight.clone().try_acquire_owned().ok(),
                                Some(_) => None,
                            };
                            let Some(permit) = permit else {
                                if let Some(busy) = busy_answer(&bytes) {
                                    let _ = answers.try_send(busy);
                                }
                                continue;
                            };
                            let (engine, answers) = (engine.clone(), answers.clone());
                            tokio::spawn(async move {
                                if let Some(answer) = answer(&engine, bytes).await {
                                    let _ = answers.send(answer).await;
                                }
                                drop(permit);
                            });
                        }
                        Some(Ok(Message::Ping(_))) => {
                            let _ = sink.flush().await;
                        }
                        Some(Ok(Message::Close(frame))) => {
                            let reason = frame.map(|f| f.reason.to_string()).filter(|r| !r.is_empty());
                            return Ended::Lost(reason.unwrap_or_else(|| "the relay closed the link".into()));
                        }
                        None => return Ended::Lost("the relay closed the link".into()),
                        Some(Err(e)) => return Ended::Lost(e.to_string()),
                        Some(Ok(_)) => {}
                    }
                }
                Some(answer) = answered.recv() => {
                    // A relay that stops reading is as dead as a silent one.
                    match tokio::time::timeout(super::DEAD_AFTER, super::send_queued(&mut sink, answer, &mut answered)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => return Ended::Lost(e.to_string()),
                        Err(_) => return Ended::Lost("the relay stopped reading".into()),
                    }
                }
                beat = heartbeat.next() => match beat {
                    Beat::Dead(silent) => {
                        return Ended::Lost(format!("no heartbeat from the relay for {}s", silent.as_secs()))
                    }
                    Beat::Ping => match tokio::time::timeout(super::DEAD_AFTER, sink.send(Message::Ping(Bytes::new()))).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => return Ended::Lost(e.to_string()),
                        Err(_) => return Ended::Lost("the relay stopped reading".into()),
                    },
                },
            }
        }
    }
}

/// How a link ended.
pub enum Ended {
    /// Lost (the relay went away, stopped, or fell silent): worth reconnecting.
    Lost(String),
    /// This side stopped; `dropped` relayed requests were still unanswered at the end.
    Stopped { dropped: usize },
}

/// The 503 for a request that found every in-flight place taken.
fn busy_answer(bytes: &Bytes) -> Option<Bytes> {
    let (head, _): (RequestHead, Bytes) = frame::decode(bytes).ok()?;
    let body = br#"{"error":"too many relayed requests in flight at the subscriber"}"#;
    let answer = AnswerHead {
        id: head.id,
        status: 503,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("retry-after".into(), "1".into()),
        ],
    };
    Some(frame::encode(&answer, body))
}

/// One relayed request through the engine, exactly like a local one; `None` for a
/// malformed frame (reported, and dropped: the relay answers that sender 504 in time).
async fn answer(engine: &Engine, bytes: Bytes) -> Option<Bytes> {
    let (head, body): (RequestHead, Bytes) = match frame::decode(&bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            engine.problem(format!("relay: malformed frame dropped: {e}"));
            return None;
        }
    };
    // The length is the bytes' own: a head that says otherwise would make the app wait
    // for bytes that never come (or read past the body).
    let headers: Vec<_> = head
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length") && !is_hop_by_hop(n))
        .cloned()
        .chain(std::iter::once((
            "content-length".to_string(),
            body.len().to_string(),
        )))
        .collect();
    if !head.path.starts_with('/') {
        engine.problem(format!(
            "relay: request with path `{}` dropped: not a path",
            head.path
        ));
        return None;
    }
    let target = match &head.query {
        Some(q) => format!("{}?{q}", head.path),
        None => head.path.clone(),
    };
    let built = Request::builder()
        .method(head.method.as_str())
        .uri(&target)
        .body(Full::new(body))
        .map_err(|e| e.to_string())
        .and_then(|mut req| {
            append_pairs(req.headers_mut(), &headers)?;
            Ok(req)
        });
    let (status, headers, body) = match built {
        Ok(req) => {
            let reply = engine.handle_relayed(req).await;
            let (parts, body) = reply.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            (parts.status.as_u16(), to_pairs(&parts.headers), body)
        }
        Err(why) => {
            engine.problem(format!(
                "relay: request {} {target} refused: {why}",
                head.method
            ));
            let body = serde_json::json!({ "error": why }).to_string();
            (
                400,
                vec![("content-type".into(), "application/json".into())],
                Bytes::from(body),
            )
        }
    };
    let head = AnswerHead {
        id: head.id,
        status,
        headers,
    };
    Some(frame::encode(&head, &body))
}
