//! The inspector: a local web page and JSON API over the events `listen` sees (or the
//! captures `hookline inspect` reads). This module keeps them: the last N events or M
//! bytes in memory, each as its capture line (the capture format, with what listen
//! recorded beside it) and a short summary the list shows. Older ones drop out of the
//! page (they stay on disk under `--save`).
//!
//! The event path does not wait for it: [`Feed::offer`] hands an event over a bounded
//! queue to the inspector's own thread (a full queue drops it from the page, counted),
//! which serialises it, stores it and tells the open pages.

pub mod curl;
pub mod replay;
pub mod server;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::broadcast;

use crate::capture::Capture;
use crate::signing::header_values;

/// What the list shows of an event: enough to filter and sort by, small.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The inspector's own number for the event (its id in the API and the page).
    pub seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    pub method: String,
    /// Path and query, as received.
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// `None`: not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The same as a short code (`mismatch`, `timestamp_out_of_tolerance`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// The answer listen gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The forwarded-to app's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_status: Option<u16>,
    pub size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_id: Option<String>,
    /// Where it was read from (`hookline inspect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One event as kept.
pub struct Stored {
    pub summary: Summary,
    pub capture: Capture,
    /// The capture line (capture format, with listen's fields beside the request).
    pub line: String,
    /// Which `--secret` verified it (0-based), when listen saw it.
    pub matched_secret: Option<usize>,
}

impl Stored {
    /// From a capture and the fields listen recorded beside it (`answer`, `forward`,
    /// `duplicate_of`, `delivery_id`, `chaos`; for a capture read from a file they are
    /// in its `extra`).
    pub fn new(
        mut capture: Capture,
        recorded: Map<String, Value>,
        matched_secret: Option<usize>,
        source: Option<String>,
    ) -> Stored {
        for (key, value) in recorded {
            capture.extra.insert(key, value);
        }
        let line = capture.to_json();
        let extra = &capture.extra;
        let text = |key: &str| extra.get(key).and_then(Value::as_str).map(str::to_string);
        let status_at = |outer: &str| {
            extra
                .get(outer)
                .and_then(|v| v.get("status"))
                .and_then(Value::as_u64)
                .map(|s| s as u16)
        };
        let target = match &capture.query {
            Some(q) => format!("{}?{q}", capture.path),
            None => capture.path.clone(),
        };
        let verification = capture.verification.as_ref();
        let summary = Summary {
            seq: 0,
            id: capture.id.clone(),
            received_at: capture.received_at.clone(),
            method: capture.method.clone(),
            target,
            event: capture.event.clone(),
            scheme: verification.map(|v| v.scheme.clone()),
            valid: verification.map(|v| v.valid),
            reason: verification
                .filter(|v| !v.valid)
                .map(|v| reason_words(v.reason.as_deref(), v.detail.as_deref())),
            reason_code: verification.and_then(|v| v.reason.clone()),
            status: status_at("answer").or_else(|| {
                extra
                    .get("status")
                    .and_then(Value::as_u64)
                    .map(|s| s as u16)
            }),
            app_status: status_at("forward"),
            size: capture.body.len(),
            duplicate_of: text("duplicate_of"),
            delivery_id: text("delivery_id"),
            source,
        };
        Stored {
            summary,
            capture,
            line,
            matched_secret,
        }
    }

    /// The memory it holds, roughly: what the limit counts.
    fn weight(&self) -> usize {
        self.line.len() + self.capture.body.len() + 512
    }

    pub fn content_type(&self) -> Option<&str> {
        header_values(&self.capture.headers, "content-type").next()
    }
}

/// Why a signature failed, in words (a capture keeps the code and the detail).
pub fn reason_words(code: Option<&str>, detail: Option<&str>) -> String {
    match (code, detail) {
        (Some("missing_signature"), Some(d)) => format!("missing signature ({d})"),
        (Some("malformed_signature"), Some(d)) => format!("malformed signature ({d})"),
        (Some("mismatch"), _) => {
            "signature does not match the body (another secret, or the body changed)".into()
        }
        (_, Some(d)) => d.to_string(),
        (Some(code), None) => code.replace('_', " "),
        (None, None) => "invalid".into(),
    }
}

/// How much the inspector keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_events: usize,
    pub max_bytes: usize,
}

/// The events in memory, oldest first, and the pages to tell of new ones.
pub struct Store {
    pub limits: Limits,
    inner: Mutex<Inner>,
    next_seq: AtomicU64,
    live: broadcast::Sender<Arc<Summary>>,
    /// Events the event path handed over while the inspector was behind (not shown).
    pub missed: AtomicU64,
}

struct Inner {
    events: VecDeque<Arc<Stored>>,
    bytes: usize,
    /// Dropped to stay within the limits.
    dropped: u64,
}

/// Filters of the list (the page's and the API's).
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Words that must all appear (case-insensitive) in the method, target, event type,
    /// ids, reason or body.
    pub text: Option<String>,
    pub event: Option<glob::Pattern>,
    pub valid: Option<bool>,
    /// `2xx`, `4xx`, `404`, …: the answer's status.
    pub status: Option<String>,
}

impl Filter {
    pub fn matches(&self, stored: &Stored) -> bool {
        let s = &stored.summary;
        if let Some(valid) = self.valid {
            if s.valid != Some(valid) {
                return false;
            }
        }
        if let Some(glob) = &self.event {
            if !s.event.as_deref().is_some_and(|e| glob.matches(e)) {
                return false;
            }
        }
        if let Some(status) = &self.status {
            let Some(code) = s.status else { return false };
            let code = code.to_string();
            let wanted = status.to_ascii_lowercase();
            let same = code
                .chars()
                .zip(wanted.chars())
                .all(|(c, w)| w == 'x' || c == w);
            if wanted.len() != 3 || !same {
                return false;
            }
        }
        if let Some(text) = &self.text {
            let body = String::from_utf8_lossy(&stored.capture.body).to_lowercase();
            let fields = [
                Some(s.method.as_str()),
                Some(s.target.as_str()),
                s.event.as_deref(),
                s.id.as_deref(),
                s.delivery_id.as_deref(),
                s.reason.as_deref(),
            ];
            let haystack = fields
                .iter()
                .flatten()
                .map(|f| f.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            for word in text.to_lowercase().split_whitespace() {
                if !haystack.contains(word) && !body.contains(word) {
                    return false;
                }
            }
        }
        true
    }
}

impl Store {
    pub fn new(limits: Limits) -> Arc<Store> {
        Arc::new(Store {
            limits,
            inner: Mutex::new(Inner {
                events: VecDeque::new(),
                bytes: 0,
                dropped: 0,
            }),
            next_seq: AtomicU64::new(1),
            live: broadcast::channel(1024).0,
            missed: AtomicU64::new(0),
        })
    }

    /// Keeps an event (dropping the oldest past the limits) and tells the open pages.
    pub fn push(&self, mut stored: Stored) -> u64 {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        stored.summary.seq = seq;
        let stored = Arc::new(stored);
        let summary = Arc::new(stored.summary.clone());
        {
            let mut inner = crate::lock(&self.inner);
            inner.bytes += stored.weight();
            inner.events.push_back(stored);
            while inner.events.len() > self.limits.max_events
                || (inner.bytes > self.limits.max_bytes && inner.events.len() > 1)
            {
                if let Some(old) = inner.events.pop_front() {
                    inner.bytes -= old.weight();
                    inner.dropped += 1;
                }
            }
        }
        let _ = self.live.send(summary);
        seq
    }

    pub fn get(&self, seq: u64) -> Option<Arc<Stored>> {
        let inner = crate::lock(&self.inner);
        // Sequence numbers only grow: a binary search over the deque.
        let at = inner
            .events
            .binary_search_by_key(&seq, |e| e.summary.seq)
            .ok()?;
        inner.events.get(at).cloned()
    }

    /// Events matching `filter`, newest first: up to `limit` of those older than `before`.
    pub fn list(&self, filter: &Filter, before: Option<u64>, limit: usize) -> Page {
        let inner = crate::lock(&self.inner);
        let mut events = Vec::new();
        let mut matching = 0;
        for stored in inner.events.iter().rev() {
            if !filter.matches(stored) {
                continue;
            }
            matching += 1;
            if before.is_some_and(|b| stored.summary.seq >= b) || events.len() >= limit {
                continue;
            }
            events.push(stored.summary.clone());
        }
        let next = (events.len() == limit)
            .then(|| events.last().map(|s| s.seq))
            .flatten();
        Page {
            events,
            matching,
            kept: inner.events.len(),
            dropped: inner.dropped,
            next_before: next,
        }
    }

    /// Every event matching `filter`, oldest first (an export).
    pub fn matching(&self, filter: &Filter) -> Vec<Arc<Stored>> {
        let inner = crate::lock(&self.inner);
        inner
            .events
            .iter()
            .filter(|s| filter.matches(s))
            .cloned()
            .collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Summary>> {
        self.live.subscribe()
    }
}

/// One page of the list.
#[derive(Debug, Serialize)]
pub struct Page {
    pub events: Vec<Summary>,
    /// Events matching the filter in memory.
    pub matching: usize,
    /// Events in memory.
    pub kept: usize,
    /// Events dropped from memory to stay within the limits.
    pub dropped: u64,
    /// For the next page: `?before=` this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before: Option<u64>,
}

/// What listen's reporter hands to the inspector: the event's capture and what listen
/// recorded about it, typed (serialised on the inspector's thread, not the event path's).
pub struct Offered {
    pub capture: Capture,
    pub answer: crate::listen::Answer,
    pub delivery_id: Option<String>,
    pub duplicate_of: Option<String>,
    pub chaos: Option<crate::listen::Plan>,
    pub forward: Option<crate::listen::ForwardRecord>,
    pub matched_secret: Option<usize>,
}

impl Offered {
    /// The fields listen records beside the capture, as JSON (as in its capture lines).
    fn recorded(&self) -> Map<String, Value> {
        let mut map = Map::new();
        let mut add = |key: &str, value: Result<Value, serde_json::Error>| {
            if let Ok(value) = value {
                map.insert(key.to_string(), value);
            }
        };
        add("answer", serde_json::to_value(&self.answer));
        if let Some(id) = &self.delivery_id {
            add("delivery_id", Ok(Value::String(id.clone())));
        }
        if let Some(first) = &self.duplicate_of {
            add("duplicate_of", Ok(Value::String(first.clone())));
        }
        if let Some(plan) = &self.chaos {
            add("chaos", serde_json::to_value(plan));
        }
        if let Some(forward) = &self.forward {
            add("forward", serde_json::to_value(forward));
        }
        map
    }
}

/// listen's reporter with the inspector beside it: every event goes to both.
pub struct Tee {
    pub inner: Arc<dyn crate::listen::Reporter>,
    pub feed: Feed,
}

impl crate::listen::Reporter for Tee {
    fn event(&self, event: crate::listen::Event) {
        if !event.filtered {
            self.feed.offer(Offered {
                capture: event.capture.clone(),
                answer: event.answer.clone(),
                delivery_id: event.delivery_id.clone(),
                duplicate_of: event.duplicate_of.clone(),
                chaos: event.chaos.clone(),
                forward: event.forward.clone(),
                matched_secret: event.verdict.as_ref().and_then(|v| v.matched_secret),
            });
        }
        self.inner.event(event);
    }

    fn refused(&self, refused: crate::listen::Refused) {
        self.inner.refused(refused);
    }

    fn problem(&self, text: String) {
        self.inner.problem(text);
    }
}

/// The event path's side: a bounded queue to the inspector's thread.
#[derive(Clone)]
pub struct Feed {
    queue: std::sync::mpsc::SyncSender<Offered>,
    store: Arc<Store>,
}

/// Events waiting for the inspector's thread, at most.
const QUEUE: usize = 4096;

impl Feed {
    /// Starts the inspector's thread, storing what is offered into `store`.
    pub fn start(store: Arc<Store>) -> Feed {
        let (queue, offered) = std::sync::mpsc::sync_channel::<Offered>(QUEUE);
        let keep = store.clone();
        std::thread::Builder::new()
            .name("inspector".into())
            .spawn(move || {
                for offered in offered {
                    let recorded = offered.recorded();
                    keep.push(Stored::new(
                        offered.capture,
                        recorded,
                        offered.matched_secret,
                        None,
                    ));
                }
            })
            .expect("the inspector's thread starts");
        Feed { queue, store }
    }

    /// Hands an event over without waiting; when the inspector is behind, the page
    /// misses it (counted), the event path never does.
    pub fn offer(&self, offered: Offered) {
        if self.queue.try_send(offered).is_err() {
            self.store.missed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(path: &str, body: &[u8]) -> Capture {
        let mut c = Capture::from_body(body.to_vec());
        c.path = path.to_string();
        c
    }

    #[test]
    fn the_store_keeps_the_last_events_within_both_limits() {
        let store = Store::new(Limits {
            max_events: 3,
            max_bytes: 1 << 20,
        });
        for i in 0..5 {
            store.push(Stored::new(
                capture(&format!("/{i}"), b"{}"),
                Map::new(),
                None,
                None,
            ));
        }
        let page = store.list(&Filter::default(), None, 10);
        let paths: Vec<_> = page.events.iter().map(|s| s.target.as_str()).collect();
        assert_eq!(paths, ["/4", "/3", "/2"]);
        assert_eq!(page.dropped, 2);
        assert!(store.get(1).is_none() && store.get(5).is_some());

        let small = Store::new(Limits {
            max_events: 100,
            max_bytes: 5000,
        });
        for _ in 0..10 {
            small.push(Stored::new(
                capture("/", &[b'x'; 1000]),
                Map::new(),
                None,
                None,
            ));
        }
        let kept = small.list(&Filter::default(), None, 100).kept;
        assert!((1..=3).contains(&kept), "{kept}");
    }

    #[test]
    fn filters_and_pages() {
        let store = Store::new(Limits {
            max_events: 100,
            max_bytes: 1 << 20,
        });
        for i in 0..10 {
            let mut c = capture("/hooks", format!("{{\"n\":{i}}}").as_bytes());
            c.event = Some(
                if i % 2 == 0 {
                    "invoice.paid"
                } else {
                    "charge.failed"
                }
                .into(),
            );
            let mut recorded = Map::new();
            recorded.insert("answer".into(), serde_json::json!({"status": 200 + i}));
            store.push(Stored::new(c, recorded, None, None));
        }
        let by_event = Filter {
            event: Some(glob::Pattern::new("invoice.*").unwrap()),
            ..Default::default()
        };
        assert_eq!(store.list(&by_event, None, 100).matching, 5);
        let by_text = Filter {
            text: Some("\"N\":7".into()),
            ..Default::default()
        };
        assert_eq!(store.list(&by_text, None, 100).events[0].seq, 8);
        let by_status = Filter {
            status: Some("20x".into()),
            ..Default::default()
        };
        assert_eq!(store.list(&by_status, None, 100).matching, 10);
        let page = store.list(&Filter::default(), None, 4);
        assert_eq!(page.next_before, Some(7));
        let next = store.list(&Filter::default(), page.next_before, 4);
        assert_eq!(next.events[0].seq, 6);
    }
}
