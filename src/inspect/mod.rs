//! The inspector: a local web page and JSON API over the events `listen` sees (or the
//! captures `hookline inspect` reads). This module keeps them: the last N events or M
//! bytes in memory, each as its capture line (the capture format, with what listen
//! recorded beside it), and makes the short summary the list shows when a page asks.
//! Older ones drop out of the page (they stay on disk under `--save`).
//!
//! The event path pays one copy: listen's capture line (made once, shared with `--json`
//! and `--save`) is copied into one buffer reused in a circle ([`Store::push_line`]); no
//! allocation, no other thread, nothing per event for the pages, which look for new
//! events ten times a second.

pub mod curl;
pub mod replay;
pub mod server;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

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

/// One event, as a page or a script gets it: a copy of its capture line (the capture
/// format, with what listen recorded beside the request) out of the store, its summary,
/// and the capture read back when the detail, a replay or a download needs it.
#[derive(Clone)]
pub struct Stored {
    /// The inspector's number for it.
    pub seq: u64,
    line: Box<str>,
    summary: std::sync::OnceLock<Box<Summary>>,
    /// Which `--secret` verified it (0-based), when listen saw it.
    pub matched_secret: Option<usize>,
    /// Where it was read from (`hookline inspect`).
    source: Option<String>,
}

impl Stored {
    pub fn line(&self) -> &str {
        &self.line
    }

    /// The capture, read back from its line.
    pub fn capture(&self) -> Capture {
        capture_of(&self.line)
    }

    pub fn summary(&self) -> &Summary {
        self.summary
            .get_or_init(|| summary_of(&self.line, self.seq, self.source.as_deref()))
    }
}

/// The capture a kept line holds (every line kept was written from one).
fn capture_of(line: &str) -> Capture {
    Capture::from_json(line.as_bytes()).unwrap_or_else(|_| Capture::from_body(Vec::new()))
}

/// The list's summary of event `seq`, from its line.
fn summary_of(line: &str, seq: u64, source: Option<&str>) -> Box<Summary> {
    let mut summary = summarise(&capture_of(line), source.map(str::to_string));
    summary.seq = seq;
    Box::new(summary)
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

/// The events in memory, oldest first: their capture lines copied, back to back, into
/// one buffer reused in a circle (no allocation per event, nothing freed per event on
/// another thread), with an index. Open pages look for new events ten times a second.
pub struct Store {
    pub limits: Limits,
    inner: Mutex<Ring>,
    /// The newest event's number (0: none yet).
    newest: AtomicU64,
    /// Events too large to keep (over `--inspect-max-bytes`), not shown.
    pub missed: AtomicU64,
}

struct Entry {
    seq: u64,
    start: usize,
    len: usize,
    matched_secret: Option<usize>,
    source: Option<Box<str>>,
    /// Made when a page first asks; boxed, so the index written per event stays small.
    summary: std::sync::OnceLock<Box<Summary>>,
}

/// The lines, in a buffer written from the start again once it is full (or twice the
/// size of what it holds): what the next line would overwrite is dropped first.
struct Ring {
    buf: Vec<u8>,
    /// Where the next line goes.
    at: usize,
    entries: VecDeque<Entry>,
    /// The bytes the kept lines take.
    held: usize,
    /// Dropped to stay within the limits.
    dropped: u64,
}

impl Ring {
    fn pop(&mut self) {
        if let Some(old) = self.entries.pop_front() {
            self.held -= old.len;
            self.dropped += 1;
        }
    }

    fn push(&mut self, line: &[u8], limits: &Limits, mut entry: Entry) {
        let len = line.len();
        while self.entries.len() >= limits.max_events.max(1) {
            self.pop();
        }
        // Back to the start: when the line does not fit before the end, or the buffer
        // has grown to twice what it holds (so it stays about the size of the events).
        if self.at + len > limits.max_bytes || self.at > 2 * self.held + (1 << 20) {
            // What lies past this point is from the round before: the oldest of all.
            let end = self.at;
            while self.entries.front().is_some_and(|e| e.start >= end) {
                self.pop();
            }
            self.at = 0;
        }
        let (from, to) = (self.at, self.at + len);
        while self
            .entries
            .front()
            .is_some_and(|e| e.start < to && from < e.start + e.len)
        {
            self.pop();
        }
        if self.buf.len() < to {
            self.buf.resize(to, 0);
        }
        self.buf[from..to].copy_from_slice(line);
        entry.start = from;
        entry.len = len;
        self.entries.push_back(entry);
        self.at = to;
        self.held += len;
    }

    fn line(&self, entry: &Entry) -> &str {
        std::str::from_utf8(&self.buf[entry.start..entry.start + entry.len]).unwrap_or("{}")
    }

    fn summary<'a>(&self, entry: &'a Entry) -> &'a Summary {
        entry
            .summary
            .get_or_init(|| summary_of(self.line(entry), entry.seq, entry.source.as_deref()))
    }

    fn stored(&self, entry: &Entry) -> Stored {
        Stored {
            seq: entry.seq,
            line: self.line(entry).into(),
            summary: entry.summary.clone(),
            matched_secret: entry.matched_secret,
            source: entry.source.as_deref().map(str::to_string),
        }
    }
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
    /// No filter at all: everything matches, and no summary need be made to say so.
    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.event.is_none() && self.valid.is_none() && self.status.is_none()
    }

    /// Whether an event matches, by its summary and its capture line.
    pub fn matches_line(&self, s: &Summary, line: &str) -> bool {
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
            let mut haystack = line.to_lowercase();
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
            inner: Mutex::new(Ring {
                buf: Vec::new(),
                at: 0,
                entries: VecDeque::new(),
                held: 0,
                dropped: 0,
            }),
            newest: AtomicU64::new(0),
            missed: AtomicU64::new(0),
        })
    }

    /// Keeps a capture line (dropping the oldest past the limits). One copy, no
    /// allocation once the buffer has grown: this runs on listen's event path.
    pub fn push_line(&self, line: &str, matched_secret: Option<usize>, source: Option<String>) {
        if line.len() > self.limits.max_bytes {
            self.missed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let mut ring = crate::lock(&self.inner);
        let seq = self.newest.load(Ordering::Relaxed) + 1;
        let entry = Entry {
            seq,
            start: 0,
            len: 0,
            matched_secret,
            source: source.map(String::into_boxed_str),
            summary: std::sync::OnceLock::new(),
        };
        ring.push(line.as_bytes(), &self.limits, entry);
        self.newest.store(seq, Ordering::Release);
    }

    /// A capture read from a file (`source` names it).
    pub fn push_capture(&self, capture: &Capture, source: Option<String>) {
        self.push_line(&capture.to_json(), None, source);
    }

    /// The newest event's number (0 before the first).
    pub fn newest(&self) -> u64 {
        self.newest.load(Ordering::Acquire)
    }

    /// A copy of the event (the store's lock is not held while a page is answered).
    pub fn get(&self, seq: u64) -> Option<Stored> {
        let ring = crate::lock(&self.inner);
        let at = ring.entries.binary_search_by_key(&seq, |e| e.seq).ok()?;
        let entry = &ring.entries[at];
        Some(ring.stored(entry))
    }

    /// The summaries of the events after `after`, oldest first; `None` when there are
    /// more than `most` (a page then fetches its list again).
    pub fn since(&self, after: u64, most: usize) -> Option<Vec<Summary>> {
        let ring = crate::lock(&self.inner);
        let newer = ring
            .entries
            .iter()
            .rev()
            .take_while(|e| e.seq > after)
            .count();
        if newer > most {
            return None;
        }
        let first = ring.entries.len() - newer;
        Some(
            ring.entries
                .range(first..)
                .map(|e| ring.summary(e).clone())
                .collect(),
        )
    }

    /// Events matching `filter`, newest first: up to `limit` of those older than `before`.
    pub fn list(&self, filter: &Filter, before: Option<u64>, limit: usize) -> Page {
        let ring = crate::lock(&self.inner);
        let mut events = Vec::new();
        let mut matching = 0;
        let everything = filter.is_empty();
        for entry in ring.entries.iter().rev() {
            if !everything && !filter.matches_line(ring.summary(entry), ring.line(entry)) {
                continue;
            }
            matching += 1;
            if before.is_some_and(|b| entry.seq >= b) || events.len() >= limit {
                continue;
            }
            events.push(ring.summary(entry).clone());
        }
        let next = (events.len() == limit)
            .then(|| events.last().map(|s| s.seq))
            .flatten();
        Page {
            events,
            matching,
            kept: ring.entries.len(),
            dropped: ring.dropped,
            next_before: next,
        }
    }

    /// Every event matching `filter`, oldest first (an export).
    pub fn matching(&self, filter: &Filter) -> Vec<Stored> {
        let ring = crate::lock(&self.inner);
        ring.entries
            .iter()
            .filter(|e| filter.is_empty() || filter.matches_line(ring.summary(e), ring.line(e)))
            .map(|e| ring.stored(e))
            .collect()
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

/// listen's side: each event's capture line goes straight into the store.
impl crate::listen::Keeper for Store {
    fn keep(&self, line: &str, matched_secret: Option<usize>) {
        self.push_line(line, matched_secret, None);
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
            store.push_capture(&capture(&format!("/{i}"), b"{}"), None);
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
            small.push_capture(&capture("/", &[b'x'; 1000]), None);
        }
        let kept = small.list(&Filter::default(), None, 100).kept;
        assert!((1..=5).contains(&kept), "{kept}");
    }

    /// Lines of every size, written round and round the buffer: whatever is kept reads
    /// back whole and is the event its number says, and the newest is always kept.
    #[test]
    fn the_ring_never_hands_back_an_overwritten_line() {
        let store = Store::new(Limits {
            max_events: 60,
            max_bytes: 40_000,
        });
        for i in 0..3000u64 {
            let size = ((i * 7919) % 3500) as usize;
            store.push_capture(&capture(&format!("/{i}"), &vec![b'a'; size]), None);
            let seq = i + 1;
            assert!(store.get(seq).is_some(), "the newest ({seq}) is kept");
            if i % 97 == 0 {
                let page = store.list(&Filter::default(), None, 1000);
                assert!(page.kept <= 60);
                for summary in &page.events {
                    let kept = store.get(summary.seq).unwrap();
                    let capture = kept.capture();
                    assert_eq!(capture.path, format!("/{}", summary.seq - 1));
                    assert_eq!(
                        capture.body.len(),
                        ((summary.seq - 1) * 7919 % 3500) as usize
                    );
                }
            }
        }
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
            store.push_capture(&c, None);
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
