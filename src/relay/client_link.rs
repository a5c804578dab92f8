//! The subscriber's end of a link: each relayed request goes to an [`Answerer`] (listen's
//! engine: verify, print, save, chaos, forward) and its answer goes back, at most
//! `max_in_flight` at once; a dead link is noticed by its missing heartbeats.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use super::frame::{self, AnswerHead, HeadForm, RequestHead};
use super::wire::{send_queued, Beat, Heartbeat, DEAD_AFTER};
use crate::http_headers::strip_hop_by_hop;
use crate::server::Io;

/// What answers relayed requests: listen's engine, in hookline.
pub trait Answerer: Send + Sync + 'static {
    /// A relayed request, its body whole, answered as a local one would be; `origin` is
    /// the sender as the relay saw it.
    fn answer(
        &self,
        req: Request<Full<Bytes>>,
        origin: crate::server::Origin,
    ) -> impl Future<Output = Response<Full<Bytes>>> + Send;
    /// Something wrong with a frame from the relay, for the user to see.
    fn problem(&self, text: String);
}

/// An open link to a relay, ready to serve.
pub struct Link {
    pub(super) ws: WebSocketStream<Box<dyn Io>>,
    pub public_url: String,
    /// How the relay reads heads (what its greeting said).
    pub(super) form: HeadForm,
}

impl Link {
    /// Answers relayed requests through `engine`, at most `max_in_flight` at once (more
    /// get a 503 at once), until the link ends or `stopping` is set. On stopping, the
    /// requests in flight get up to `grace` to be answered (as local ones do), then the
    /// link is closed cleanly.
    pub async fn serve<A: Answerer>(
        self,
        engine: Arc<A>,
        max_in_flight: usize,
        mut stopping: tokio::sync::watch::Receiver<bool>,
        grace: Duration,
    ) -> Ended {
        let form = self.form;
        let (mut sink, mut stream) = self.ws.split();
        let (answers, mut answered) = tokio::sync::mpsc::channel::<Bytes>(256);
        let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
        let mut heartbeat = Heartbeat::new();
        let mut drain_until: Option<tokio::time::Instant> = None;
        // Made once, not per wake-up: a fresh wait would join and leave the watch's
        // waiter list every time a frame comes in.
        let mut stopped = std::pin::pin!(async {
            let _ = stopping.wait_for(|stop| *stop).await;
        });
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
            // The tick is a timer only while draining (an async block is not started
            // until polled).
            let tick = async { tokio::time::sleep(Duration::from_millis(20)).await };
            tokio::select! {
                () = &mut stopped, if drain_until.is_none() => {
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
                                if let Some(busy) = busy_answer(&bytes, form) {
                                    let _ = answers.try_send(busy);
                                }
                                continue;
                            };
                            let (engine, answers) = (engine.clone(), answers.clone());
                            tokio::spawn(async move {
                                // Boxed: the engine's future is large, and a spawned
                                // future is copied whole into its task.
                                if let Some(answer) = Box::pin(answer(&*engine, bytes, form)).await {
                                    let _ = answers.send(answer).await;
                                }
                                drop(permit);
                            });
                        }
                        Some(Ok(Message::Ping(_))) => {
                            let _ = sink.flush().await;
                        }
                        Some(Ok(Message::Close(frame))) => {
                            if frame.as_ref().is_some_and(|f| f.code == tungstenite::protocol::frame::coding::CloseCode::Policy && f.reason.starts_with("replaced")) {
                                return Ended::Replaced;
                            }
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
                    match tokio::time::timeout(DEAD_AFTER, send_queued(&mut sink, answer, &mut answered)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => return Ended::Lost(e.to_string()),
                        Err(_) => return Ended::Lost("the relay stopped reading".into()),
                    }
                }
                beat = heartbeat.next() => match beat {
                    Beat::Dead(silent) => {
                        return Ended::Lost(format!("no heartbeat from the relay for {}s", silent.as_secs()))
                    }
                    Beat::Ping => match tokio::time::timeout(DEAD_AFTER, sink.send(Message::Ping(Bytes::new()))).await {
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
    /// A newer subscriber took the channel over: reconnecting would take it back, and
    /// the two would take turns.
    Replaced,
}

/// The 503 for a request that found every in-flight place taken.
fn busy_answer(bytes: &Bytes, form: HeadForm) -> Option<Bytes> {
    let (head, _): (RequestHead, Bytes) = frame::decode(bytes).ok()?;
    let body = br#"{"error":"too many relayed requests in flight at the subscriber"}"#;
    let answer = AnswerHead {
        id: head.id,
        status: 503,
        headers: [("content-type", "application/json"), ("retry-after", "1")]
            .into_iter()
            .collect(),
    };
    Some(frame::encode(&answer, body, form))
}

/// One relayed request through the engine, exactly like a local one; `None` for a
/// malformed frame (reported, and dropped: the relay answers that sender 504 in time).
async fn answer<A: Answerer>(engine: &A, bytes: Bytes, form: HeadForm) -> Option<Bytes> {
    let (head, body): (RequestHead, Bytes) = match frame::decode(&bytes) {
        Ok(decoded) => decoded,
        Err(e) => {
            engine.problem(format!("relay: malformed frame dropped: {e}"));
            return None;
        }
    };
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
    let length = http::HeaderValue::from(body.len());
    let built = match head.headers.invalid {
        Some(why) => Err(why),
        None => Request::builder()
            .method(head.method.as_str())
            .uri(&target)
            .body(Full::new(body))
            .map_err(|e| e.to_string()),
    };
    let (status, headers, body) = match built {
        Ok(mut req) => {
            // The length is the bytes' own: a head that says otherwise would make the app
            // wait for bytes that never come (or read past the body).
            let mut headers = head.headers.map;
            strip_hop_by_hop(&mut headers);
            headers.insert(http::header::CONTENT_LENGTH, length);
            *req.headers_mut() = headers;
            let origin = crate::server::Origin {
                ip: head.client,
                https: head.https,
            };
            let reply = engine.answer(req, origin).await;
            let (parts, body) = reply.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            (parts.status.as_u16(), parts.headers, body)
        }
        Err(why) => {
            engine.problem(format!(
                "relay: request {} {target} refused: {why}",
                head.method
            ));
            let body = serde_json::json!({ "error": why }).to_string();
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            (400, headers, Bytes::from(body))
        }
    };
    let head = AnswerHead {
        id: head.id,
        status,
        headers: headers.into(),
    };
    Some(frame::encode(&head, &body, form))
}
