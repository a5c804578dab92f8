//! `hookline relay`: a public endpoint that tunnels each request posted to
//! `/c/<channel>/…` to the channel's subscriber (`hookline listen --relay`) over a
//! WebSocket, byte for byte, and gives the sender the subscriber's real answer.
//!
//! Routes: `POST /channels` makes a channel (id + token, the token shown once);
//! `GET /subscribe/<channel>` with `Authorization: Bearer <token>` upgrades to the
//! subscriber's WebSocket; anything under `/c/<channel>` is a webhook for it.

pub mod channels;
pub mod client;
pub mod create_limit;
pub mod credentials;
pub mod frame;
pub mod hub;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::header::{
    AUTHORIZATION, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, SEC_WEBSOCKET_ACCEPT,
    SEC_WEBSOCKET_KEY, SET_COOKIE, UPGRADE, WWW_AUTHENTICATE,
};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use channels::{Channels, CreateError};
use create_limit::CreateLimit;
use frame::{AnswerHead, RequestHead};
use hub::{DispatchError, Hub, LocalHub, Subscription};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::time::timeout;

use crate::http_headers::{append_pairs, strip_hop_by_hop, to_pairs};
use crate::server::{
    declared_length, error_reply, json_reply, read_body, with_retry_after, BodyLimits, Throttle,
};
use crate::text::printable;

/// How often each side pings the other.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// Silence after which either side calls the link dead (a sleeping laptop, a dropped Wi-Fi).
const DEAD_AFTER: Duration = Duration::from_secs(30);

/// The link's keep-alive, the same on both ends: a ping every [`HEARTBEAT`], and a check
/// every second so a dead link is seen [`DEAD_AFTER`] of silence later, not up to a whole
/// ping interval after that.
pub(crate) struct Heartbeat {
    ping: tokio::time::Interval,
    check: tokio::time::Interval,
    heard: Instant,
}

pub(crate) enum Beat {
    /// Time to send a ping.
    Ping,
    /// Nothing heard for this long: the link is dead.
    Dead(Duration),
}

impl Heartbeat {
    pub(crate) fn new() -> Self {
        Heartbeat {
            ping: tokio::time::interval(HEARTBEAT),
            check: tokio::time::interval(Duration::from_secs(1)),
            heard: Instant::now(),
        }
    }

    /// Anything arrived from the other side.
    pub(crate) fn heard(&mut self) {
        self.heard = Instant::now();
    }

    /// Cancel-safe, for a `select!` branch.
    pub(crate) async fn next(&mut self) -> Beat {
        loop {
            tokio::select! {
                _ = self.ping.tick() => return Beat::Ping,
                _ = self.check.tick() => {
                    if self.heard.elapsed() > DEAD_AFTER {
                        return Beat::Dead(self.heard.elapsed());
                    }
                }
            }
        }
    }
}

pub struct Settings {
    /// Where senders reach this relay, e.g. `https://relay.example.com` (no trailing `/`).
    pub public_url: String,
    pub body: BodyLimits,
    /// How long a sender waits for the subscriber's answer.
    pub wait: Duration,
    /// How long a write to a subscriber may stay blocked before its link is dropped.
    pub link_timeout: Duration,
    /// Channels one client address may create per hour.
    pub creates_per_hour: u32,
    /// When set, `POST /channels` needs `Authorization: Bearer <token>`.
    pub create_token: Option<String>,
    pub access_log: bool,
}

pub struct Relay<H: Hub = LocalHub> {
    settings: Settings,
    channels: Arc<Channels>,
    hub: H,
    create_limit: CreateLimit,
    /// Refused subscribers are logged, but not one line each.
    refused_log: Mutex<Throttle>,
    /// Set when the relay stops: every link closes with a reason.
    stopping: tokio::sync::watch::Sender<bool>,
}

type Reply = Response<Full<Bytes>>;

impl<H: Hub> Relay<H> {
    pub fn new(settings: Settings, channels: Channels, hub: H) -> Arc<Self> {
        Arc::new(Relay {
            create_limit: CreateLimit::new(settings.creates_per_hour),
            settings,
            channels: Arc::new(channels),
            hub,
            refused_log: Mutex::new(Throttle::new(Duration::from_secs(10))),
            stopping: tokio::sync::watch::Sender::new(false),
        })
    }

    /// Closes every subscriber's link with "relay stopped" and waits (up to `limit`) for
    /// the closes to go out, so subscribers see a clean close, not a reset.
    pub async fn close_links(&self, limit: Duration) {
        self.stopping.send_replace(true);
        let closed = async {
            while self.stopping.receiver_count() > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let _ = tokio::time::timeout(limit, closed).await;
    }

    pub fn channels(&self) -> &Channels {
        &self.channels
    }

    /// Drops unused channels; one with a subscriber now is in use, whatever its last event.
    pub fn expire_channels(&self) -> anyhow::Result<usize> {
        self.channels.expire(now(), |id| self.hub.is_subscribed(id))
    }

    /// `POST /channels`: with the creation token when the relay asks for one, within the
    /// client's hourly allowance; answered once the channel is in the state file.
    async fn create_channel(&self, req: &Request<Incoming>, peer: SocketAddr) -> Reply {
        if let Some(expected) = &self.settings.create_token {
            let given = bearer(req).unwrap_or("");
            let same: bool = Sha256::digest(given.as_bytes())
                .ct_eq(&Sha256::digest(expected.as_bytes()))
                .into();
            if !same {
                return unauthorized("creating channels needs this relay's creation token");
            }
        }
        if let Err(wait) = self.create_limit.take(peer.ip(), Instant::now()) {
            let why = "too many channels created from this address; retry later";
            return with_retry_after(error_reply(429, why, false), wait.as_secs().max(1));
        }
        let (created, change) = match self.channels.create(now()) {
            Ok(made) => made,
            Err(CreateError::Full) => {
                return error_reply(503, "this relay has as many channels as it keeps", false)
            }
        };
        if let Err(e) = self.channels.saved(change).await {
            log(&format!("could not write the state file: {e:#}"));
            return error_reply(500, "the channel could not be stored", false);
        }
        log(&format!("channel {} created", short(&created.id)));
        let url = format!("{}/c/{}", self.settings.public_url, created.id);
        let body = serde_json::json!({
            "channel": created.id, "token": created.token, "url": url,
        });
        json_reply(201, body, false)
    }

    /// `DELETE /channels/<id>` with the channel's token: the channel is gone, here and in
    /// the state file. An unknown channel and a wrong token get the same 401.
    async fn delete_channel(&self, channel: &str, req: &Request<Incoming>) -> Reply {
        if !self.channels.authorize(channel, bearer(req).unwrap_or("")) {
            return unauthorized("unauthorized");
        }
        let Some(change) = self.channels.remove(channel) else {
            return unauthorized("unauthorized");
        };
        if let Err(e) = self.channels.saved(change).await {
            log(&format!("could not write the state file: {e:#}"));
            return error_reply(500, "the deletion could not be stored", false);
        }
        log(&format!("channel {} deleted", short(channel)));
        let mut reply = Response::new(Full::new(Bytes::new()));
        *reply.status_mut() = StatusCode::NO_CONTENT;
        reply
    }

    /// A webhook for `channel`: relayed whole to its subscriber, whose answer is ours.
    async fn public(&self, channel: &str, path: &str, req: Request<Incoming>) -> Reply {
        let started = Instant::now();
        let method = req.method().to_string();
        let reply = self.relay_request(channel, path, req).await;
        if self.settings.access_log {
            log(&format!(
                "{method} /c/{}{path} → {} ({})",
                short(channel),
                reply.status().as_u16(),
                crate::text::millis_text(started.elapsed().as_secs_f64() * 1000.0)
            ));
        }
        reply
    }

    /// Everything that can refuse a request (no channel, a declared length over the
    /// limit, no subscriber, the channel's in-flight cap) is checked before its body is
    /// read, so a refused sender costs no memory.
    async fn relay_request(&self, channel: &str, path: &str, req: Request<Incoming>) -> Reply {
        if !self.channels.exists(channel) {
            return error_reply(404, "no such channel", true);
        }
        let (mut parts, body) = req.into_parts();
        let limits = &self.settings.body;
        if let Err(refusal) = declared_length(&parts.headers, limits.max_body) {
            return refusal.reply();
        }
        let reservation = match self.hub.reserve(channel) {
            Ok(reservation) => reservation,
            Err(e) => return dispatch_error_reply(e, self.settings.wait, true),
        };
        strip_hop_by_hop(&mut parts.headers);
        let headers = to_pairs(&parts.headers);
        // The budget counts this body twice (`copies`): it is copied once more into the
        // frame for the subscriber, which lives until the link has written it.
        let body = match read_body(body, &parts.headers, limits).await {
            Ok(read) => read,
            Err(refusal) => return refusal.reply(),
        };
        self.channels.touch(channel, now());
        let head = RequestHead {
            id: 0,
            method: parts.method.to_string(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query: parts.uri.query().map(str::to_string),
            headers,
        };
        let wait = self.settings.wait;
        match self
            .hub
            .dispatch(reservation, head, &body.bytes, wait)
            .await
        {
            Ok((answer, body)) => answer_reply(answer, body),
            Err(e) => dispatch_error_reply(e, wait, false),
        }
    }

    /// The subscriber's WebSocket, for the holder of the channel's token only. A wrong
    /// token and an unknown channel get the same 401.
    fn subscribe(self: Arc<Self>, channel: &str, mut req: Request<Incoming>) -> Reply {
        let token = bearer(&req).unwrap_or("");
        if !self.channels.authorize(channel, token) {
            if let Some(more) = crate::lock(&self.refused_log).allow() {
                log(&format!(
                    "refused a subscriber: unknown channel or wrong token{more}"
                ));
            }
            return unauthorized("unauthorized");
        }
        let upgrade = req
            .headers()
            .get(UPGRADE)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
        let Some(key) = req.headers().get(SEC_WEBSOCKET_KEY).filter(|_| upgrade) else {
            return error_reply(426, "subscribe with a WebSocket upgrade", false);
        };
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let on_upgrade = hyper::upgrade::on(&mut req);
        let channel = channel.to_string();
        let max_message = self.settings.body.max_body.max(25 << 20) as usize + (1 << 20);
        tokio::spawn(async move {
            let Ok(upgraded) = on_upgrade.await else {
                return;
            };
            let ws = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(link_config(max_message)),
            )
            .await;
            self.serve_subscriber(ws, &channel).await;
        });
        let mut reply = Response::new(Full::new(Bytes::new()));
        *reply.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = reply.headers_mut();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(
            SEC_WEBSOCKET_ACCEPT,
            HeaderValue::from_str(&accept).expect("base64 is a header value"),
        );
        reply
    }

    async fn serve_subscriber<S>(&self, ws: WebSocketStream<S>, channel: &str)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let (subscription, mut frames) = self.hub.attach(channel);
        self.channels.touch(channel, now());
        log(&format!("subscriber connected to {}", short(channel)));
        let why = self.link(ws, &subscription, &mut frames).await;
        self.hub.detach(&subscription);
        log(&format!("subscriber left {}: {why}", short(channel)));
    }

    /// Pumps request frames out and answers in until the link ends; says why it ended.
    async fn link<S>(
        &self,
        ws: WebSocketStream<S>,
        subscription: &Subscription,
        frames: &mut tokio::sync::mpsc::Receiver<Bytes>,
    ) -> String
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let (mut sink, mut stream) = ws.split();
        let hello = serde_json::json!({
            "hookline_relay": 1,
            "public_url": format!("{}/c/{}", self.settings.public_url, subscription.channel),
        });
        let limit = self.settings.link_timeout;
        if !matches!(
            timeout(limit, sink.send(Message::text(hello.to_string()))).await,
            Ok(Ok(()))
        ) {
            return "closed during the greeting".into();
        }
        let mut heartbeat = Heartbeat::new();
        let mut stopping = self.stopping.subscribe();
        loop {
            tokio::select! {
                () = async { let _ = stopping.wait_for(|stop| *stop).await; } => {
                    let close = CloseFrame {
                        code: CloseCode::Away,
                        reason: "relay stopped".into(),
                    };
                    let _ = timeout(limit, sink.send(Message::Close(Some(close)))).await;
                    return "the relay stopped".into();
                },
                frame = frames.recv() => match frame {
                    Some(frame) => match timeout(limit, send_queued(&mut sink, frame, frames)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => return format!("send failed: {e}"),
                        Err(_) => return format!("not reading: a write blocked for {}", humantime::format_duration(limit)),
                    },
                    None => return "closed".into(),
                },
                () = subscription.replaced() => {
                    let close = CloseFrame {
                        code: CloseCode::Policy,
                        reason: "replaced by a newer subscriber".into(),
                    };
                    let _ = timeout(limit, sink.send(Message::Close(Some(close)))).await;
                    return "replaced by a newer subscriber".into();
                },
                message = stream.next() => {
                    heartbeat.heard();
                    match message {
                        Some(Ok(Message::Binary(bytes))) => match frame::decode::<AnswerHead>(&bytes) {
                            Ok((head, body)) => {
                                let id = head.id;
                                if !self.hub.answer(subscription, head, body) {
                                    log(&format!("{}: answer for unknown request {id} dropped", short(&subscription.channel)));
                                }
                            }
                            Err(e) => log(&format!("{}: malformed frame dropped: {e}", short(&subscription.channel))),
                        },
                        Some(Ok(Message::Ping(_))) => {
                            let _ = sink.flush().await;
                        }
                        Some(Ok(Message::Close(_))) | None => return "closed".into(),
                        Some(Err(e)) => return format!("{e}"),
                        Some(Ok(_)) => {}
                    }
                },
                beat = heartbeat.next() => match beat {
                    Beat::Dead(silent) => return format!("silent for {}s", silent.as_secs()),
                    Beat::Ping => match timeout(limit, sink.send(Message::Ping(Bytes::new()))).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return "ping failed".into(),
                        Err(_) => return format!("not reading: a write blocked for {}", humantime::format_duration(limit)),
                    },
                },
            }
        }
    }
}

impl<H: Hub> crate::server::Handler for Relay<H> {
    async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: SocketAddr) -> Reply {
        let path = req.uri().path().to_string();
        if let Some(rest) = path.strip_prefix("/c/") {
            let (channel, sub) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            return self.public(channel, sub, req).await;
        }
        if let Some(channel) = path.strip_prefix("/subscribe/") {
            return self.clone().subscribe(channel, req);
        }
        if let (Some(channel), &Method::DELETE) = (path.strip_prefix("/channels/"), req.method()) {
            return self.delete_channel(channel, &req).await;
        }
        match (req.method(), path.as_str()) {
            (&Method::POST, "/channels") => self.create_channel(&req, peer).await,
            (&Method::GET, "/") => {
                let mut reply = Response::new(Full::new(Bytes::from_static(
                    b"hookline relay: POST /channels to make a channel; webhooks go to /c/<channel>/...\n",
                )));
                reply
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                reply
            }
            _ => error_reply(404, "not found", false),
        }
    }

    fn problem(&self, text: String) {
        log(&text);
    }
}

/// The link's WebSocket settings, both ends. tungstenite zero-fills its whole read buffer
/// before every read (128 KiB by default); 16 KiB keeps that cheap for the small frames
/// that are most webhooks, and a big body just takes more reads.
pub(crate) fn link_config(max_message: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(16 << 10)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message))
}

/// Sends `first` and whatever else is queued already, then flushes once: a burst of
/// frames becomes one write instead of one per frame (both ends of the link use it).
async fn send_queued<S>(
    sink: &mut S,
    first: Bytes,
    queue: &mut tokio::sync::mpsc::Receiver<Bytes>,
) -> Result<(), tokio_tungstenite::tungstenite::Error>
where
    S: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    sink.feed(Message::Binary(first)).await?;
    while let Ok(more) = queue.try_recv() {
        sink.feed(Message::Binary(more)).await?;
    }
    sink.flush().await
}

/// The answer for a request the subscriber did not answer. `unread`: its body was not
/// read, so the connection cannot carry another request.
fn dispatch_error_reply(error: DispatchError, wait: Duration, unread: bool) -> Reply {
    let (status, why, retry_after) = match error {
        DispatchError::NoSubscriber => (
            503,
            "no subscriber on this channel right now".to_string(),
            Some(10),
        ),
        DispatchError::Busy => (
            503,
            "too many requests in flight on this channel".to_string(),
            Some(1),
        ),
        DispatchError::Gone => (
            502,
            "the subscriber went away before answering".to_string(),
            None,
        ),
        DispatchError::TimedOut => (
            504,
            format!(
                "no answer from the subscriber within {}",
                humantime::format_duration(wait)
            ),
            None,
        ),
    };
    let reply = error_reply(status, &why, unread);
    match retry_after {
        Some(seconds) => with_retry_after(reply, seconds),
        None => reply,
    }
}

/// 401 with `WWW-Authenticate: Bearer`: the same for an unknown channel and a wrong token.
fn unauthorized(why: &str) -> Reply {
    let mut reply = error_reply(401, why, false);
    reply
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    reply
}

/// The subscriber's answer as the sender gets it. The relay is the sender's only hop, so
/// it keeps the connection's own headers (hop-by-hop ones, those `Connection` names, the
/// length) and answers 502 for a status that is not a final one (200–599). `Set-Cookie`
/// is dropped: every channel shares the relay's origin, so a cookie set by one subscriber
/// would reach the senders of all.
fn answer_reply(answer: AnswerHead, body: Bytes) -> Reply {
    if !(200..=599).contains(&answer.status) {
        return error_reply(
            502,
            &format!("the subscriber answered with status {}", answer.status),
            false,
        );
    }
    let mut reply = Response::new(Full::new(body));
    *reply.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    if append_pairs(reply.headers_mut(), &answer.headers).is_err() {
        return error_reply(502, "the subscriber's answer has a malformed header", false);
    }
    let headers = reply.headers_mut();
    strip_hop_by_hop(headers);
    headers.remove(CONTENT_LENGTH);
    headers.remove(SET_COOKIE);
    reply
}

/// The token of an `Authorization: Bearer …` header.
fn bearer<B>(req: &Request<B>) -> Option<&str> {
    req.headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// A channel id shortened for logs: enough to tell channels apart, not enough to post.
fn short(channel: &str) -> String {
    format!("{}…", channel.chars().take(6).collect::<String>())
}

/// A log line on stderr; anything in it that came from a peer is escaped here.
fn log(line: &str) {
    let now = chrono::Local::now().format("%H:%M:%S%.3f");
    eprintln!("{now} {}", printable(line));
}

/// Unix seconds, for channel bookkeeping.
pub fn now() -> u64 {
    crate::clock::unix_now().max(0) as u64
}
