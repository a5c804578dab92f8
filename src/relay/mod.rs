//! `hookline relay`: a public endpoint that tunnels each request posted to
//! `/c/<channel>/…` to the channel's subscriber (`hookline listen --relay`) over a
//! WebSocket, byte for byte, and gives the sender the subscriber's real answer.
//!
//! Routes: `POST /channels` makes a channel (id + token, the token shown once);
//! `GET /subscribe/<channel>` with `Authorization: Bearer <token>` upgrades to the
//! subscriber's WebSocket; anything under `/c/<channel>` is a webhook for it.

pub mod channels;
pub mod client;
mod client_link;
pub mod create_limit;
pub mod credentials;
pub mod events;
pub mod frame;
pub mod hub;
pub mod kv_channels;
pub mod nats;
mod replies;
mod server_link;
pub mod store;
pub mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use create_limit::CreateLimit;
use events::{RelayEvent, RelayReporter};
use frame::RequestHead;
use hub::DispatchError;
use hub::{Hub, LocalHub};
use replies::{answer_reply, bearer, dispatch_error_reply, unauthorized, Reply};
use store::{ChannelStore, StoreError};

use crate::http_headers::strip_hop_by_hop;
use crate::server::{
    declared_length, error_reply, json_reply, read_body, with_retry_after, BodyLimits, Throttle,
};

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
    /// Whether senders reach this relay over TLS (told to subscribers, for `--https-only`).
    pub tls: bool,
}

pub struct Relay<H: Hub = LocalHub> {
    settings: Settings,
    channels: ChannelStore,
    hub: H,
    create_limit: CreateLimit,
    /// Refused subscribers are logged, but not one line each.
    refused_log: Mutex<Throttle>,
    /// Set when the relay stops: every link closes with a reason.
    stopping: tokio::sync::watch::Sender<bool>,
    reporter: Arc<dyn RelayReporter>,
}

impl<H: Hub> Relay<H> {
    pub fn new(
        settings: Settings,
        channels: ChannelStore,
        hub: H,
        reporter: Arc<dyn RelayReporter>,
    ) -> Arc<Self> {
        Arc::new(Relay {
            create_limit: CreateLimit::new(settings.creates_per_hour),
            settings,
            channels,
            hub,
            refused_log: Mutex::new(Throttle::new(Duration::from_secs(10))),
            stopping: tokio::sync::watch::Sender::new(false),
            reporter,
        })
    }

    fn report(&self, event: RelayEvent<'_>) {
        self.reporter.event(event);
    }

    /// Expires unused channels every `period`, for as long as the relay runs; the state
    /// file is written each time (last-used times included).
    pub async fn expire_every(self: Arc<Self>, period: Duration) {
        let mut every = tokio::time::interval(period);
        every.tick().await;
        loop {
            every.tick().await;
            match self.clone().expire_channels().await {
                Ok(0) => {}
                Ok(count) => self.report(RelayEvent::ChannelsExpired { count }),
                Err(error) => self.report(RelayEvent::StoreFailed { error: &error }),
            }
        }
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

    /// Drops unused channels; one with a subscriber now is in use, whatever its last event.
    pub async fn expire_channels(self: Arc<Self>) -> Result<usize, StoreError> {
        let relay = self.clone();
        self.channels
            .expire(now(), move |id| relay.hub.is_subscribed(id))
            .await
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
        let created = match self.channels.create(now()).await {
            Ok(created) => created,
            Err(StoreError::Full) => {
                return error_reply(503, "this relay has as many channels as it keeps", false)
            }
            Err(error) => {
                self.report(RelayEvent::StoreFailed { error: &error });
                return error_reply(500, "the channel could not be stored", false);
            }
        };
        self.report(RelayEvent::ChannelCreated {
            channel: &created.id,
        });
        let url = format!("{}/c/{}", self.settings.public_url, created.id);
        let body = serde_json::json!({
            "channel": created.id, "token": created.token, "url": url,
        });
        json_reply(201, body, false)
    }

    /// `DELETE /channels/<id>` with the channel's token: the channel is gone, here and in
    /// the state file. An unknown channel and a wrong token get the same 401.
    async fn delete_channel(&self, channel: &str, req: &Request<Incoming>) -> Reply {
        match self.authorize(channel, req).await {
            Ok(true) => {}
            Ok(false) => return unauthorized("unauthorized"),
            Err(refusal) => return refusal,
        }
        match self.channels.remove(channel).await {
            Ok(true) => {}
            Ok(false) => return unauthorized("unauthorized"),
            Err(error) => {
                self.report(RelayEvent::StoreFailed { error: &error });
                return error_reply(500, "the deletion could not be stored", false);
            }
        }
        self.report(RelayEvent::ChannelDeleted { channel });
        let mut reply = Response::new(Full::new(Bytes::new()));
        *reply.status_mut() = StatusCode::NO_CONTENT;
        reply
    }

    /// A webhook for `channel`: relayed whole to its subscriber, whose answer is ours.
    async fn public(
        &self,
        channel: &str,
        path: &str,
        req: Request<Incoming>,
        peer: SocketAddr,
    ) -> Reply {
        let started = Instant::now();
        let method = req.method().to_string();
        let reply = self.relay_request(channel, path, req, peer).await;
        if self.settings.access_log {
            self.report(RelayEvent::Relayed {
                method: &method,
                channel,
                path,
                status: reply.status().as_u16(),
                elapsed: started.elapsed(),
            });
        }
        reply
    }

    /// Everything that can refuse a request (no channel, a declared length over the
    /// limit, no subscriber, the channel's in-flight cap) is checked before its body is
    /// read, so a refused sender costs no memory.
    async fn relay_request(
        &self,
        channel: &str,
        path: &str,
        req: Request<Incoming>,
        peer: SocketAddr,
    ) -> Reply {
        if !channels::is_valid_id(channel) || self.channels.known_missing(channel) {
            return error_reply(404, "no such channel", true);
        }
        let (mut parts, body) = req.into_parts();
        let limits = &self.settings.body;
        if let Err(refusal) = declared_length(&parts.headers, limits.max_body) {
            return refusal.reply();
        }
        let reservation = match self.hub.reserve(channel) {
            Ok(reservation) => reservation,
            Err(e) => return self.refusal(channel, e, true).await,
        };
        strip_hop_by_hop(&mut parts.headers);
        // The budget counts this body twice (`copies`): it is copied once more into the
        // frame for the subscriber, which lives until the link has written it.
        let body = match read_body(body, &parts.headers, limits).await {
            Ok(read) => read,
            Err(refusal) => return refusal.reply(),
        };
        let head = RequestHead {
            id: 0,
            method: parts.method.to_string(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers.into(),
            client: Some(peer.ip()),
            https: self.settings.tls,
        };
        let wait = self.settings.wait;
        match self
            .hub
            .dispatch(reservation, head, &body.bytes, wait)
            .await
        {
            Ok((answer, body)) => {
                self.channels.touch(channel, now());
                answer_reply(answer, body)
            }
            Err(e) => self.refusal(channel, e, false).await,
        }
    }

    /// The reply for a request nobody answered. With no subscriber anywhere, the channel
    /// is looked up only now (for several relays, a lookup in the shared store) to tell
    /// an unknown channel (404) from one nobody listens on (503).
    async fn refusal(&self, channel: &str, error: DispatchError, unread: bool) -> Reply {
        if error == DispatchError::NoSubscriber {
            match self.channels.exists(channel).await {
                Ok(true) => {}
                Ok(false) => return error_reply(404, "no such channel", unread),
                Err(_) => {
                    return dispatch_error_reply(
                        DispatchError::Unavailable,
                        self.settings.wait,
                        unread,
                    )
                }
            }
        }
        dispatch_error_reply(error, self.settings.wait, unread)
    }

    /// Whether the request's bearer token is the channel's; a store that cannot answer
    /// is a 503, not a 401 (the token may well be right).
    async fn authorize(&self, channel: &str, req: &Request<Incoming>) -> Result<bool, Reply> {
        if !channels::is_valid_id(channel) {
            return Ok(false);
        }
        match self
            .channels
            .authorize(channel, bearer(req).unwrap_or(""))
            .await
        {
            Ok(known) => Ok(known),
            Err(error) => {
                self.report(RelayEvent::StoreFailed { error: &error });
                Err(dispatch_error_reply(
                    DispatchError::Unavailable,
                    self.settings.wait,
                    false,
                ))
            }
        }
    }
}

impl<H: Hub> crate::server::Handler for Relay<H> {
    async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: SocketAddr) -> Reply {
        let path = req.uri().path().to_string();
        if let Some(rest) = path.strip_prefix("/c/") {
            let (channel, sub) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            return self.public(channel, sub, req, peer).await;
        }
        if let Some(channel) = path.strip_prefix("/subscribe/") {
            return self.clone().subscribe(channel, req).await;
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
        self.report(RelayEvent::Problem(&text));
    }
}

/// Unix seconds, for channel bookkeeping.
pub fn now() -> u64 {
    crate::clock::unix_now().max(0) as u64
}
