//! The `listen` engine: a hyper server (HTTP/1.1 and HTTP/2, optionally TLS) that turns
//! every request into an [`Event`]: verified, de-duplicated, saved, answered (or misbehaved
//! on purpose, or forwarded). It hands events to a [`Reporter`] and knows nothing of
//! terminals; `output::listen` renders them.

mod body_fields;
pub mod chaos;
pub mod expect;
mod forward;
pub mod guard;
mod handler;
pub mod routes;
mod seen;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use serde::Serialize;

use crate::capture::Capture;
use crate::signing::{Verdict, VerifyOptions};

pub use chaos::{Chaos, ChaosSettings, Plan};
pub use forward::{ForwardRecord, Forwarder};

/// How many delivery ids are remembered for duplicate detection.
pub const SEEN_IDS: usize = 100_000;

pub struct Settings {
    /// `None`: no secret, every request is accepted and marked unverified.
    pub verify: Option<(VerifyOptions, crate::signing::Keys)>,
    pub accept_status: u16,
    pub body: crate::server::BodyLimits,
    pub save: Option<SaveTo>,
    pub chaos: Chaos,
    pub routes: routes::Routes,
    /// Checks before anything else (`--allow-ip`, `--token`, `--https-only`).
    pub guard: guard::Guard,
    /// Whether this listener serves HTTPS itself.
    pub tls: bool,
    pub forward_invalid: bool,
    /// `--events`: only events whose type matches are forwarded, saved and shown in full.
    pub events: Vec<glob::Pattern>,
    /// Where each event goes once reported (the inspector), moved, not copied.
    pub keep: Option<Arc<dyn Keeper>>,
}

/// Takes events after they are reported: the inspector keeps them for its page, as
/// their capture lines (made once, shared with `--json` output and `--save`).
pub trait Keeper: Send + Sync + 'static {
    /// Must not wait: it runs on the request's task.
    fn keep(&self, line: &str, matched_secret: Option<usize>);
}

pub struct SaveTo {
    pub dir: PathBuf,
    pub fsync: bool,
}

/// Where the engine hands what happened; the output layer implements it. Called on the
/// request's own task, so rendering runs in parallel and nothing crosses threads per event.
pub trait Reporter: Send + Sync + 'static {
    /// An event, after it is answered (and saved).
    fn event(&self, event: &Event);
    /// [`Reporter::event`] for an event whose JSON line is also wanted by `keep` (the
    /// inspector): a reporter that writes the line anyway hands it over from where it wrote
    /// it, so it is made once and copied once.
    fn event_and_line(&self, event: &Event, keep: &mut dyn FnMut(&str)) {
        event.with_json_line(keep);
        self.event(event);
    }
    /// A request answered before it became an event (body too large, stalled, malformed).
    fn refused(&self, refused: Refused);
    /// A problem that is not about one request's content (a save failed, accept failed).
    fn problem(&self, text: String);
}

/// One request, as received and answered. JSON output and `--save` write
/// [`Event::json_line`]: the capture plus what listen recorded about it.
pub struct Event {
    pub capture: Capture,
    /// [`Event::json_line`], when `--save` already wrote it.
    pub json: Option<Arc<String>>,
    pub at: SystemTime,
    pub verdict: Option<Verdict>,
    pub delivery_id: Option<String>,
    pub duplicate_of: Option<String>,
    pub chaos: Option<Plan>,
    pub forward: Option<ForwardRecord>,
    pub answer: Answer,
    /// Its type matched none of `--events`: answered, not forwarded or saved.
    pub filtered: bool,
}

impl Event {
    /// The capture as one JSON line, with what listen recorded beside the request:
    /// `answer`, `delivery_id`, `duplicate_of`, `chaos`, `forward`.
    pub fn json_line(&self) -> String {
        let mut line = Vec::new();
        self.write_json_line(&mut line);
        String::from_utf8(line).expect("built from UTF-8 strings")
    }

    /// Calls `f` with the JSON line: the one `--save` made, else a new one.
    pub fn with_json_line(&self, f: &mut dyn FnMut(&str)) {
        match &self.json {
            Some(line) => f(line),
            None => f(&self.json_line()),
        }
    }

    /// [`Event::json_line`], appended to `out`.
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        self.capture.write_json_with(out, |more| {
            more.add("answer", &self.answer);
            if let Some(id) = &self.delivery_id {
                more.add("delivery_id", id);
            }
            if let Some(first) = &self.duplicate_of {
                more.add("duplicate_of", first);
            }
            if let Some(plan) = &self.chaos {
                more.add("chaos", plan);
            }
            if let Some(record) = &self.forward {
                more.add("forward", record);
            }
        })
    }
}

/// The answer given; recorded in the capture under `"answer"`.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub status: u16,
    /// Time from the request's arrival to the answer being decided.
    pub latency_ms: f64,
}

pub struct Refused {
    pub at: SystemTime,
    pub method: String,
    pub target: String,
    pub status: u16,
    pub why: String,
}

/// The listen engine: settings, duplicate memory and the reporter. It answers requests
/// from its own server ([`crate::server::Handler`]) and requests relayed from a
/// `hookline relay` alike (as the relay link's [`crate::relay::client::Answerer`]).
pub struct Engine {
    state: Arc<handler::State>,
}

impl Engine {
    pub fn new(settings: Settings, reporter: Arc<dyn Reporter>) -> Arc<Engine> {
        Arc::new(Engine {
            state: Arc::new(handler::State {
                settings,
                seen: Mutex::new(seen::SeenIds::new(SEEN_IDS)),
                reporter,
                save_failures: Mutex::new(crate::server::Throttle::new(
                    std::time::Duration::from_secs(10),
                )),
            }),
        })
    }
}

/// Requests relayed from a `hookline relay`, their bodies already whole.
impl crate::relay::client::Answerer for Engine {
    async fn answer(
        &self,
        req: Request<Full<Bytes>>,
        origin: crate::server::Origin,
    ) -> Response<Full<Bytes>> {
        handler::handle(self.state.clone(), req, origin).await
    }

    fn problem(&self, text: String) {
        self.state.reporter.problem(text);
    }
}

impl crate::server::Handler for Engine {
    fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
        peer: std::net::SocketAddr,
    ) -> impl std::future::Future<Output = Response<Full<Bytes>>> + Send {
        let origin = crate::server::Origin {
            ip: Some(peer.ip()),
            https: self.state.settings.tls,
        };
        handler::handle(self.state.clone(), req, origin)
    }

    fn problem(&self, text: String) {
        self.state.reporter.problem(text);
    }
}
