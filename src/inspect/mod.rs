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
use serde_json::Value;
use tokio::sync::broadcast;

use crate::capture::Capture;

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

/// One event as kept: its capture line (the capture format, with what listen recorded
/// beside the request), the very string `--json` printed and `--save` wrote, shared. The
/// summary the list shows is made the first time a page asks, the capture when the
/// detail, a replay or a download does: the event path pays for neither.
#[derive(Clone)]
pub struct Stored {
    /// The inspector's number for it.
    pub seq: u64,
    line: Box<str>,
    summary: std::sync::OnceLock<Summary>,
    /// Which `--secret` verified it (0-based), when listen saw it.
    pub matched_secret: Option<usize>,
    /// Where it was read from (`hookline inspect`).
    source: Option<String>,
}

impl Stored {
    /// A capture read from a file.
    pub fn new(capture: &Capture, source: Option<String>) -> Stored {
        Stored::from_line(capture.to_json().into(), None, source)
    }

    /// A capture line listen wrote.
    pub fn from_line(
        line: Box<str>,
        matched_secret: Option<usize>,
        source: Option<String>,
    ) -> Stored {
        Stored {
            seq: 0,
            line,
            summary: std::sync::OnceLock::new(),
            matched_secret,
            source,
        }
    }

    pub fn line(&self) -> &str {
        &self.line
    }

    /// The capture, read back from its line.
    pub fn capture(&self) -> Capture {
        Capture::from_json(self.line.as_bytes()).unwrap_or_else(|_| Capture::from_body(Vec::new()))
    }

    pub fn summary(&self) -> &Summary {
        self.summary.get_or_init(|| {
            let mut summary = summarise(&self.capture(), self.source.clone());
            summary.seq = self.seq;
            summary
        })
    }

    /// The memory it holds, roughly: what the limit counts (its summary included).
    fn weight(&self) -> usize {
        self.line.len() * 2 + 512
    }
}

/// What the list shows of a capture (listen's fields are in its `extra`).
fn summarise(capture: &Capture, source: Option<String>) -> Summary {
    let extra = &capture.extra;
    let text = |key: &str| extra.get(key).and_then(Value::as_str).map(str::to_string);
    let status_at = |outer: &str| {
        extra
            .get(outer)
            .and_then(|v| v.get("status"))
            .and_then(Value::as_u64)
            .map(|s| s as u16)
    };
    let verification = capture.verification.as_ref();
    Summary {
        seq: 0,
        id: capture.id.clone(),
        received_at: capture.received_at.clone(),
        method: capture.method.clone(),
        target: match &capture.query {
            Some(q) => format!("{}?{q}", capture.path),
            None => capture.path.clone(),
        },
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

/// The most new events sent to a page one by one; after a larger batch the page fetches
/// its list again instead.
pub const LIVE_BATCH: usize = 500;

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
    live: broadcast::Sender<Arc<Vec<Summary>>>,
    /// Events the event path handed over while the inspector was behind (not shown).
    pub missed: AtomicU64,
}

struct Inner {
    events: VecDeque<Stored>,
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
        let s = stored.summary();
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
            // The line holds the method, path, headers, body (as JSON text), ids and
            // what listen recorded; the reason's words are added.
            let mut haystack = stored.line.to_lowercase();
            if let Some(reason) = &s.reason {
                haystack.push(' ');
                haystack.push_str(&reason.to_lowercase());
            }
            for word in text.to_lowercase().split_whitespace() {
                // The body is JSON text in the line: `"amount":42` is there as
                // `\"amount\":42`.
                let escaped = serde_json::to_string(word).unwrap_or_default();
                let escaped = escaped.trim_matches('"');
                if !haystack.contains(word) && !haystack.contains(escaped) {
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
    pub fn push(&self, stored: Stored) {
        self.push_all(vec![stored]);
    }

    /// Keeps events, in order, under one lock, and tells the open pages in one message.
    pub fn push_all(&self, batch: Vec<Stored>) {
        if batch.is_empty() {
            return;
        }
        let mut summaries = Vec::with_capacity(batch.len());
        {
            let mut inner = crate::lock(&self.inner);
            // Summaries for the open pages, unless the batch is more than a page shows
            // one by one (a load test): then an empty batch tells them to fetch the list.
            let pages = self.live.receiver_count() > 0 && batch.len() <= LIVE_BATCH;
            for mut stored in batch {
                stored.seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
                if pages {
                    summaries.push(stored.summary().clone());
                }
                inner.bytes += stored.weight();
                inner.events.push_back(stored);
            }
            while inner.events.len() > self.limits.max_events
                || (inner.bytes > self.limits.max_bytes && inner.events.len() > 1)
            {
                if let Some(old) = inner.events.pop_front() {
                    inner.bytes -= old.weight();
                    inner.dropped += 1;
                }
            }
        }
        if self.live.receiver_count() > 0 {
            let _ = self.live.send(Arc::new(summaries));
        }
    }

    /// A copy of the event (the store's lock is not held while a page is answered).
    pub fn get(&self, seq: u64) -> Option<Stored> {
        let inner = crate::lock(&self.inner);
        // Sequence numbers only grow: a binary search over the deque.
        let at = inner.events.binary_search_by_key(&seq, |e| e.seq).ok()?;
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
            if before.is_some_and(|b| stored.seq >= b) || events.len() >= limit {
                continue;
            }
            events.push(stored.summary().clone());
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
    pub fn matching(&self, filter: &Filter) -> Vec<Stored> {
        let inner = crate::lock(&self.inner);
        inner
            .events
            .iter()
            .filter(|s| filter.matches(s))
            .cloned()
            .collect()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Vec<Summary>>> {
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

/// The event path's side: events wait in a bounded list that the inspector's thread
/// takes ten times a second, all at once: no wake-up per event on the event path, one
/// lock and one message to the open pages per batch.
#[derive(Clone)]
pub struct Feed {
    waiting: Arc<Waiting>,
    store: Arc<Store>,
}

/// Capture lines waiting for the inspector's thread, with the secret that verified each.
type Waiting = Mutex<Vec<(Box<str>, Option<usize>)>>;

/// Events waiting for the inspector's thread, at most (more are not shown, and counted).
const WAITING: usize = 16_384;
/// How often the inspector's thread takes what waits: new events show within this.
const EVERY: std::time::Duration = std::time::Duration::from_millis(100);

impl Feed {
    /// Starts the inspector's thread, storing what is offered into `store`.
    pub fn start(store: Arc<Store>) -> Feed {
        let waiting: Arc<Waiting> = Arc::default();
        let (take, keep) = (waiting.clone(), store.clone());
        std::thread::Builder::new()
            .name("inspector".into())
            .spawn(move || {
                // Two lists swapped each time, both keeping their room: the event path
                // never grows one from empty (a fresh multi-MB buffer is fresh pages).
                let mut batch = Vec::new();
                loop {
                    std::thread::sleep(EVERY);
                    std::mem::swap(&mut *crate::lock(&take), &mut batch);
                    keep.push_all(
                        batch
                            .drain(..)
                            .map(|(line, secret)| Stored::from_line(line, secret, None))
                            .collect(),
                    );
                }
            })
            .expect("the inspector's thread starts");
        Feed { waiting, store }
    }
}

impl crate::listen::Keeper for Feed {
    /// Takes the event without waiting; when the inspector is behind, the page misses it
    /// (counted), the event path never does.
    fn keep(&self, line: &str, matched_secret: Option<usize>) {
        // A copy of exactly its size: the line itself (sized for serialising) goes back
        // to the allocator of the thread that made it, at once, for the next event.
        let line = Box::from(line);
        let mut waiting = crate::lock(&self.waiting);
        if waiting.len() < WAITING {
            waiting.push((line, matched_secret));
        } else {
            drop(waiting);
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
            store.push(Stored::new(&capture(&format!("/{i}"), b"{}"), None));
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
            small.push(Stored::new(&capture("/", &[b'x'; 1000]), None));
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
            c.extra
                .insert("answer".into(), serde_json::json!({"status": 200 + i}));
            store.push(Stored::new(&c, None));
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
