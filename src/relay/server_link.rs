//! The relay's end of a subscriber's link: the WebSocket upgrade (for the channel's token
//! only), then request frames out and answers in, with heartbeats, until the link ends.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::header::{CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, UPGRADE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::events::RelayEvent;
use super::frame::{self, AnswerHead, HeadForm, FRAMES_HEADER};
use super::hub::{Hub, Subscription};
use super::replies::{unauthorized, Reply};
use super::wire::{link_config, send_queued, Beat, Heartbeat};
use super::{now, Relay};
use crate::server::error_reply;

impl<H: Hub> Relay<H> {
    /// The subscriber's WebSocket, for the holder of the channel's token only. A wrong
    /// token and an unknown channel get the same 401.
    pub(super) async fn subscribe(
        self: Arc<Self>,
        channel: &str,
        mut req: Request<Incoming>,
    ) -> Reply {
        match self.authorize(channel, &req).await {
            Ok(true) => {}
            Ok(false) => {
                if let Some(more) = crate::lock(&self.refused_log).allow() {
                    self.report(RelayEvent::SubscriberRefused { more: &more });
                }
                return unauthorized("unauthorized");
            }
            Err(refusal) => return refusal,
        }
        let upgrade = req
            .headers()
            .get(UPGRADE)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
        let Some(key) = req.headers().get(SEC_WEBSOCKET_KEY).filter(|_| upgrade) else {
            return error_reply(426, "subscribe with a WebSocket upgrade", false);
        };
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        // A subscriber that reads binary heads says so; older ones get JSON.
        let form = match req.headers().get(FRAMES_HEADER) {
            Some(v) if v.as_bytes().eq_ignore_ascii_case(b"binary") => HeadForm::Binary,
            _ => HeadForm::Json,
        };
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
            self.serve_subscriber(ws, &channel, form).await;
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

    async fn serve_subscriber<S>(&self, ws: WebSocketStream<S>, channel: &str, form: HeadForm)
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let (subscription, mut frames) = self.hub.attach(channel, form).await;
        self.channels.touch(channel, now());
        self.report(RelayEvent::SubscriberConnected { channel });
        let why = self.link(ws, &subscription, &mut frames, form).await;
        self.hub.detach(&subscription);
        self.report(RelayEvent::SubscriberLeft { channel, why: &why });
    }

    /// Pumps request frames out and answers in until the link ends; says why it ended.
    async fn link<S>(
        &self,
        ws: WebSocketStream<S>,
        subscription: &Subscription,
        frames: &mut tokio::sync::mpsc::Receiver<Bytes>,
        form: HeadForm,
    ) -> String
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let (mut sink, mut stream) = ws.split();
        let mut hello = serde_json::json!({
            "hookline_relay": 1,
            "public_url": format!("{}/c/{}", self.settings.public_url, subscription.channel),
        });
        if form == HeadForm::Binary {
            hello["frames"] = "binary".into();
        }
        let limit = self.settings.link_timeout;
        if !matches!(
            timeout(limit, sink.send(Message::text(hello.to_string()))).await,
            Ok(Ok(()))
        ) {
            return "closed during the greeting".into();
        }
        let mut heartbeat = Heartbeat::new();
        let mut stopping = self.stopping.subscribe();
        // Made once, not per wake-up: fresh waits would join and leave their waiter lists
        // every time a frame comes in.
        let mut stopped = std::pin::pin!(async {
            let _ = stopping.wait_for(|stop| *stop).await;
        });
        let mut replaced = std::pin::pin!(subscription.replaced());
        loop {
            tokio::select! {
                () = &mut stopped => {
                    close(&mut sink, &mut stream, CloseCode::Away, "relay stopped").await;
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
                () = &mut replaced => {
                    close(&mut sink, &mut stream, CloseCode::Policy, "replaced by a newer subscriber").await;
                    return "replaced by a newer subscriber".into();
                },
                message = stream.next() => {
                    heartbeat.heard();
                    match message {
                        Some(Ok(Message::Binary(bytes))) => match frame::decode::<AnswerHead>(&bytes) {
                            Ok((head, body)) => {
                                let id = head.id;
                                if !self.hub.answer(subscription, head, body) {
                                    self.report(RelayEvent::AnswerDropped { channel: &subscription.channel, id });
                                }
                            }
                            Err(e) => self.report(RelayEvent::MalformedFrame { channel: &subscription.channel, error: &e.to_string() }),
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
                    Beat::Ping => match self.ping(&mut sink, &subscription.channel).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return "ping failed".into(),
                        Err(_) => return format!("not reading: a write blocked for {}", humantime::format_duration(limit)),
                    },
                },
            }
        }
    }
}

impl<H: Hub> Relay<H> {
    /// A heartbeat to the subscriber; the channel counts as used (a channel someone
    /// listens on never expires, whatever its traffic).
    async fn ping<S>(
        &self,
        sink: &mut futures_util::stream::SplitSink<WebSocketStream<S>, Message>,
        channel: &str,
    ) -> Result<Result<(), tokio_tungstenite::tungstenite::Error>, tokio::time::error::Elapsed>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        self.channels.touch(channel, now());
        timeout(
            self.settings.link_timeout,
            sink.send(Message::Ping(Bytes::new())),
        )
        .await
    }
}

/// The closing handshake, from this end: the close frame with its reason, then (for up to
/// a second) the subscriber's close in reply, so the socket is not dropped while the
/// reason is still on its way (the subscriber would see a reset instead).
async fn close<S>(
    sink: &mut futures_util::stream::SplitSink<WebSocketStream<S>, Message>,
    stream: &mut futures_util::stream::SplitStream<WebSocketStream<S>>,
    code: CloseCode,
    reason: &str,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let frame = CloseFrame {
        code,
        reason: reason.to_string().into(),
    };
    let handshake = async {
        sink.send(Message::Close(Some(frame))).await?;
        while let Some(message) = stream.next().await {
            if matches!(message?, Message::Close(_)) {
                break;
            }
        }
        Ok::<(), tokio_tungstenite::tungstenite::Error>(())
    };
    let _ = timeout(std::time::Duration::from_secs(1), handshake).await;
}
