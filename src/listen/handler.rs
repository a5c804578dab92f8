//! One request → one event: read the body within limits, verify, note duplicates, apply
//! chaos, forward, save, then answer. The answer waits for the saved file, so an answered
//! event is never lost.

use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Body;
use serde_json::json;

use super::guard::{Denied, Guard};
use super::routes::Rule;
use super::seen::SeenIds;
use super::{Answer, Event, ForwardRecord, Plan, Refused, Reporter, SaveTo, Settings};
use crate::capture::{Capture, VerificationRecord};
use crate::http_headers::to_pairs;
use crate::server::{error_reply, json_reply, read_body, with_retry_after, Origin, Refusal};
use crate::signing::{self, Header, Reason, Scheme, Verdict};

pub(super) struct State {
    pub settings: Settings,
    pub seen: Mutex<SeenIds>,
    pub reporter: Arc<dyn Reporter>,
    /// A failing `--save` is said loudly, but not once per event.
    pub save_failures: Mutex<crate::server::Throttle>,
}

type Reply = Response<Full<Bytes>>;

/// The longest event type or delivery id taken from a request.
const MAX_ID_LEN: usize = 256;

/// Any body: a connection's own, or one relayed whole. `origin`: where it came from, for
/// the guards. Not an `async fn`: that would keep the request twice in its future (as
/// the argument and as the parts taken from it), and the future is moved on each request.
pub(super) fn handle<B>(
    state: Arc<State>,
    req: Request<B>,
    origin: Origin,
) -> impl std::future::Future<Output = Reply> + Send
where
    B: Body<Data = Bytes> + Unpin + Send,
    B::Error: std::fmt::Display + Send,
{
    let started = Instant::now();
    let at = SystemTime::now();
    let (mut parts, body) = req.into_parts();
    async move {
        let settings = &state.settings;
        let checked = guard(&settings.guard, origin, &mut parts);
        let target = parts.uri.path_and_query().map_or_else(
            || parts.uri.path().to_string(),
            |pq| pq.as_str().to_string(),
        );
        if let Err(denied) = checked {
            state.reporter.refused(Refused {
                at,
                method: parts.method.to_string(),
                target,
                status: denied.status(),
                why: denied.why(),
            });
            return json_reply(denied.status(), json!({ "error": denied.code() }), true);
        }
        let refuse = |refusal: Refusal| {
            let reply = refusal.reply();
            state.reporter.refused(Refused {
                at,
                method: parts.method.to_string(),
                target: target.clone(),
                status: refusal.status,
                why: refusal.why,
            });
            reply
        };

        let headers = to_pairs(&parts.headers);
        // The share of the body budget is held until the event is reported.
        let (body, _share) = match read_body(body, &parts.headers, &settings.body).await {
            Ok(read) => (read.bytes, read.share),
            Err(refusal) => return refuse(refusal),
        };

        // Verify, and find what identifies the event.
        let body_len = body.len();
        let examine = {
            let state = state.clone();
            move || {
                let verify = state.settings.verify.as_ref();
                // Timestamps are judged against the request's arrival: no second clock read.
                let now = crate::clock::unix_seconds(at);
                let verdict =
                    verify.map(|(options, secrets)| check(options, secrets, &headers, &body, now));
                let generic_header = verify.and_then(|(o, _)| o.signature_header.as_deref());
                let scheme_hint = verdict
                    .as_ref()
                    .map(|v| v.scheme)
                    .or_else(|| signing::detect_scheme(&headers, generic_header));
                let (event_type, delivery_id) = identify(&headers, &body, scheme_hint);
                (headers, body, verdict, event_type, delivery_id)
            }
        };
        let (headers, body, verdict, event_type, delivery_id) = off_thread(body_len, examine).await;
        // 2026-11-22T10:04:05.123Z (humantime's formatter: no format-string parsing per event)
        let received_text = humantime::format_rfc3339_millis(at).to_string();
        // Only accepted events count as delivered: a rejected one is not a first delivery.
        let accepted = verdict.as_ref().is_none_or(Verdict::is_valid);
        // A repeat of a delivery answered 2xx before is the duplicate worth flagging; a retry
        // after a failed answer is the sender doing its job.
        let duplicate_of = delivery_id
            .as_deref()
            .filter(|_| accepted)
            .and_then(|id| crate::lock(&state.seen).first_seen(id));

        // `--events`: a type that matches none is answered, but not forwarded or saved.
        let filtered = !settings.events.is_empty()
            && !event_type
                .as_deref()
                .is_some_and(|t| settings.events.iter().any(|g| g.matches(t)));

        let plan = settings.chaos.plan(accepted);
        if let Some(delay) = plan.delay() {
            tokio::time::sleep(delay).await;
        }
        let route = match filtered {
            true => Routing::Filtered,
            false => Routing::Event(event_type.as_deref()),
        };
        // Shared with a forward, not copied for it; the capture takes its bytes back
        // (without a copy once the forward has let go of them).
        let body = Bytes::from(body);
        let (reply, forward_record) = state
            .decide(&mut parts, &target, &body, verdict.as_ref(), &plan, route)
            .await;
        let body = Vec::from(body);
        let answer = Answer {
            status: reply.status().as_u16(),
            latency_ms: crate::clock::millis(started.elapsed()),
        };

        let chaos = (!plan.is_empty()).then_some(plan);
        let capture = Capture {
            id: Some(crate::ids::ordered_id_at("evt_", at)),
            received_at: Some(received_text),
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers,
            body,
            verification: verdict.as_ref().map(record),
            event: event_type,
            extra: Default::default(),
        };
        let event = Event {
            capture,
            json: None,
            at,
            verdict,
            delivery_id,
            duplicate_of,
            chaos,
            forward: forward_record,
            answer,
            filtered,
        };

        // Most events (no --save, a small body) need nothing awaited to end; the others are
        // boxed, so that every event's future (moved into hyper's connection per request)
        // does not carry the size of a save.
        if state.save_to(&event).is_none() && event.capture.body.len() < OFF_THREAD_FROM {
            return state.finish(event, reply, accepted);
        }
        Box::pin(state.record(event, reply, accepted)).await
    }
}

impl State {
    /// The event's end: saved (the answer goes out only once the capture is on disk; a
    /// failed save turns it into a 500), its delivery id remembered after a 2xx, reported.
    async fn record(self: &Arc<Self>, mut event: Event, mut reply: Reply, accepted: bool) -> Reply {
        if let Some(save) = self.save_to(&event) {
            let saved;
            (event, saved) = save_event(save, event).await;
            match saved {
                Ok(line) => event.json = Some(line),
                Err(e) => {
                    // What went on the wire is what the output and the summary show.
                    reply = error_reply(500, "the event could not be saved", false);
                    event.answer.status = 500;
                    if let Some(more) = crate::lock(&self.save_failures).allow() {
                        self.reporter.problem(format!(
                            "EVENTS ARE NOT BEING SAVED: could not save to {}: {e}; answering 500{more}",
                            save.dir.display()
                        ));
                    }
                }
            }
        }
        self.remember(&event, &reply, accepted);
        let state = self.clone();
        off_thread(event.capture.body.len(), move || state.report(event)).await;
        reply
    }

    /// Where the event is saved: `--save`, unless `--events` filtered it out.
    fn save_to(&self, event: &Event) -> Option<&SaveTo> {
        self.settings.save.as_ref().filter(|_| !event.filtered)
    }

    /// The end of an event with nothing to save and a small body.
    fn finish(&self, event: Event, reply: Reply, accepted: bool) -> Reply {
        self.remember(&event, &reply, accepted);
        self.report(event);
        reply
    }

    /// Its delivery id, once answered 2xx (only accepted events count as delivered).
    fn remember(&self, event: &Event, reply: &Reply, accepted: bool) {
        if let (Some(id), 200..=299) = (&event.delivery_id, reply.status().as_u16()) {
            if accepted {
                crate::lock(&self.seen)
                    .remember(id, event.capture.received_at.as_deref().unwrap_or_default());
            }
        }
    }

    /// Hands the event to the reporter, then to the keeper (the inspector).
    fn report(&self, event: Event) {
        match self.settings.keep.as_ref().filter(|_| !event.filtered) {
            Some(keeper) => {
                let matched = event.verdict.as_ref().and_then(|v| v.matched_secret);
                self.reporter
                    .event_and_line(&event, &mut |line| keeper.keep(line, matched));
            }
            None => self.reporter.event(&event),
        }
    }

    /// The answer, in this order: a chaos failure, the app's (forwarding, by the route
    /// that matches), 401 for an invalid signature, else the accepted status (or a
    /// script's 2xx). Takes the request's headers when it forwards (the capture has its
    /// own copy).
    async fn decide(
        &self,
        parts: &mut http::request::Parts,
        target: &str,
        body: &Bytes,
        verdict: Option<&Verdict>,
        plan: &Plan,
        routing: Routing<'_>,
    ) -> (Reply, Option<ForwardRecord>) {
        let settings = &self.settings;
        let valid = verdict.is_none_or(Verdict::is_valid);
        if let Some(status) = plan.failure() {
            let rule = plan.rule.as_deref().unwrap_or("");
            let mut reply = error_reply(status, &format!("chaos: {rule}"), false);
            if let Some(seconds) = plan.retry_after {
                reply = with_retry_after(reply, seconds);
            }
            return (reply, None);
        }
        let forwarding = !settings.routes.is_empty() && (valid || settings.forward_invalid);
        let (route, unrouted) = match routing {
            Routing::Event(event) if forwarding => {
                let route = settings.routes.choose(parts.uri.path(), event);
                let unrouted = route.is_none().then(|| ForwardRecord {
                    skipped: Some("no route matches"),
                    ..ForwardRecord::default()
                });
                (route, unrouted)
            }
            _ => (None, None),
        };
        if let Some(route) = route {
            // Boxed, as the save below: a forward's future is large, and every event's
            // future (moved into hyper's connection each request) would carry its size.
            let (outcome, mut record) = Box::pin(route.forwarder.forward(
                parts.method.clone(),
                target,
                std::mem::take(&mut parts.headers),
                body.clone(),
            ))
            .await;
            let reply = match outcome {
                Ok(app) => {
                    let mut reply = Response::new(Full::new(app.body));
                    *reply.status_mut() = status_code(app.status);
                    *reply.headers_mut() = app.headers;
                    reply
                }
                Err(504) => error_reply(504, "the app did not answer in time", false),
                Err(status) => error_reply(status, "the app is not reachable", false),
            };
            if settings.routes.all().nth(1).is_some() || !matches!(route.rule, Rule::Any) {
                record.route = Some(route.rule.label());
            }
            return (reply, Some(record));
        }
        if let Some(v) = verdict.filter(|v| !v.is_valid()) {
            let code = v.reason.map_or("invalid", Reason::code);
            return (json_reply(401, json!({ "error": code }), false), None);
        }
        let mut reply = Response::new(Full::new(Bytes::new()));
        *reply.status_mut() = status_code(plan.status.unwrap_or(settings.accept_status));
        (reply, unrouted)
    }
}

/// The guards, before anything else is done with a request; the token is taken out of it
/// whatever the verdict, so it goes no further: not shown, saved or forwarded.
fn guard(guard: &Guard, origin: Origin, parts: &mut http::request::Parts) -> Result<(), Denied> {
    if guard.is_open() {
        return Ok(());
    }
    let query = parts.uri.query().map(str::to_string);
    let checked = guard.check(origin, &mut parts.headers, query.as_deref());
    parts.uri = without_query_token(guard, &parts.uri);
    checked
}

/// The URI with `token=` taken out of its query (see [`Guard::clean_query`]).
fn without_query_token(guard: &Guard, uri: &http::Uri) -> http::Uri {
    if uri.query().is_none() {
        return uri.clone();
    }
    let target = match guard.clean_query(uri.query()) {
        Some(q) => format!("{}?{q}", uri.path()),
        None => uri.path().to_string(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = target.parse().ok();
    http::Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

/// Whether an event may be forwarded: by its type (when routes look at it), or not at all
/// (filtered out by `--events`).
enum Routing<'a> {
    Event(Option<&'a str>),
    Filtered,
}

/// The event type and delivery id: from the scheme's headers, else from the body (the
/// body is scanned only for what the headers did not say).
fn identify(
    headers: &[Header],
    body: &[u8],
    scheme: Option<Scheme>,
) -> (Option<String>, Option<String>) {
    let mut event_type = signing::event_header(headers, scheme).map(str::to_string);
    let mut delivery_id = signing::delivery_id(headers, scheme).map(str::to_string);
    let id_field = scheme
        .and_then(|s| s.headers().body_event_id)
        .filter(|_| delivery_id.is_none());
    if event_type.is_none() || id_field.is_some() {
        let found = super::body_fields::scan(body, id_field);
        event_type = event_type.or(found.event_type);
        delivery_id = delivery_id.or(found.event_id);
    }
    // Real ids and types are short; a megabyte "id" is an attack on the duplicate memory
    // and the output, not an identity.
    let plausible = |v: &String| v.len() <= MAX_ID_LEN;
    (event_type.filter(plausible), delivery_id.filter(plausible))
}

/// Writes the event as `DIR/<received_at>-<id>.json` (names sort by arrival) and gives
/// back its JSON line, which `--json` prints as is. Encoded on the blocking pool with the
/// write, so a large body's line is not made on the runtime's thread.
async fn save_event(save: &SaveTo, event: Event) -> (Event, std::io::Result<Arc<String>>) {
    let capture = &event.capture;
    let stamp = capture
        .received_at
        .as_deref()
        .unwrap_or_default()
        .replace(['-', ':'], "");
    let name = format!("{stamp}-{}.json", capture.id.as_deref().unwrap_or("evt"));
    let path = save.dir.join(name);
    let fsync = save.fsync;
    let write = move || {
        let line = Arc::new(event.json_line());
        let written = crate::files::write_atomic(&path, &line, fsync).map(|()| line);
        (event, written)
    };
    on_pool(write).await
}

/// Bodies from this size on are verified, scanned and encoded on the blocking pool: listen
/// runs on one thread, and 25 MiB hashed and encoded there (~40 ms) would hold up every
/// other request meanwhile.
const OFF_THREAD_FROM: usize = 256 * 1024;

/// Runs `work` here for a body under [`OFF_THREAD_FROM`] bytes, else on the blocking pool.
async fn off_thread<T: Send + 'static>(
    body_len: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    if body_len < OFF_THREAD_FROM {
        return work();
    }
    // Boxed: a rare path, kept out of the size of every event's future.
    Box::pin(on_pool(work)).await
}

/// Runs `work` on the blocking pool.
async fn on_pool<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => done,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Cancelled: the runtime is shutting down, and this request goes with it.
        Err(_) => std::future::pending().await,
    }
}

/// Verifies with the shared core. A secret the detected scheme cannot use (say, not
/// base64 for Standard Webhooks) is a rejection that says so, not a crash.
fn check(
    options: &signing::VerifyOptions,
    keys: &signing::Keys,
    headers: &[Header],
    body: &[u8],
    now: i64,
) -> Verdict {
    signing::verify_with(options, keys, headers, body, now).unwrap_or_else(|e| {
        let scheme = signing::detect_scheme(headers, options.signature_header.as_deref())
            .unwrap_or(Scheme::Generic);
        Verdict {
            scheme,
            reason: Some(Reason::Mismatch),
            detail: Some(format!("the secret cannot be used for {scheme}: {e}")),
            matched_secret: None,
        }
    })
}

fn record(v: &Verdict) -> VerificationRecord {
    VerificationRecord {
        scheme: v.scheme.name().to_string(),
        valid: v.is_valid(),
        reason: v.reason.map(|r| r.code().to_string()),
        detail: v.detail.clone(),
    }
}

fn status_code(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
