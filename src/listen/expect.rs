//! `listen --expect N` / `--expect-event GLOB`: listen as a CI assertion. A [`Reporter`]
//! that checks each event on its way to the real reporter: verified (when verifying) and
//! answered 2xx, its event type matching the globs; it says when the expectation is met
//! (N events, or every glob seen), so the command can stop.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::{Event, Refused, Reporter};

/// What the run must see.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// This many events; the run stops after the last.
    pub count: Option<u64>,
    /// Each of these event types (globs) at least once.
    pub events: Vec<glob::Pattern>,
}

/// How the expectation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub expected: Option<u64>,
    pub seen: u64,
    /// Events that were not verified or not answered 2xx: `(number, why)`, the first few.
    pub failed: Vec<(u64, String)>,
    /// How many failed in all.
    pub failures: u64,
    /// Globs no event matched.
    pub missing: Vec<String>,
}

impl Outcome {
    pub fn is_met(&self) -> bool {
        self.expected.is_none_or(|n| self.seen >= n)
            && self.failures == 0
            && self.missing.is_empty()
    }
}

/// Failures listed by number; the rest are counted.
const LISTED: usize = 10;

pub struct Expect {
    inner: Arc<dyn Reporter>,
    expectation: Expectation,
    state: Mutex<State>,
    /// Notified once when the expectation has all it waits for.
    pub complete: Arc<Notify>,
}

#[derive(Default)]
struct State {
    seen: u64,
    failed: Vec<(u64, String)>,
    failures: u64,
    matched: Vec<bool>,
    completed: bool,
}

impl Expect {
    pub fn new(expectation: Expectation, inner: Arc<dyn Reporter>) -> Arc<Expect> {
        let matched = vec![false; expectation.events.len()];
        Arc::new(Expect {
            inner,
            expectation,
            state: Mutex::new(State {
                matched,
                ..State::default()
            }),
            complete: Arc::new(Notify::new()),
        })
    }

    pub fn outcome(&self) -> Outcome {
        let state = crate::lock(&self.state);
        Outcome {
            expected: self.expectation.count,
            seen: state.seen,
            failed: state.failed.clone(),
            failures: state.failures,
            missing: self
                .expectation
                .events
                .iter()
                .zip(&state.matched)
                .filter(|(_, seen)| !**seen)
                .map(|(glob, _)| glob.as_str().to_string())
                .collect(),
        }
    }

    /// Checks one event; says whether the expectation just became complete.
    fn check(&self, event: &Event) -> bool {
        let mut state = crate::lock(&self.state);
        // Filtered out by --events: not what the run is about.
        if state.completed || event.filtered {
            // Past N: what arrives while stopping is shown, not judged.
            return false;
        }
        state.seen += 1;
        let number = state.seen;
        let why = match (&event.verdict, event.answer.status) {
            (Some(v), _) if !v.is_valid() => Some(format!(
                "signature not valid ({})",
                v.reason.map_or("invalid", crate::signing::Reason::code)
            )),
            (_, status) if !(200..300).contains(&status) => Some(format!("answered {status}")),
            _ => None,
        };
        if let Some(why) = why {
            state.failures += 1;
            if state.failed.len() < LISTED {
                state.failed.push((number, why));
            }
        }
        if let Some(kind) = &event.capture.event {
            for (glob, matched) in self.expectation.events.iter().zip(state.matched.iter_mut()) {
                *matched |= glob.matches(kind);
            }
        }
        let complete = match self.expectation.count {
            Some(n) => state.seen >= n,
            None => !state.matched.is_empty() && state.matched.iter().all(|m| *m),
        };
        state.completed = complete;
        complete
    }

    /// Checks the event against the expectation, has it reported, then says so when it
    /// completed the expectation (after its line is out).
    fn checked(&self, event: &Event, report: impl FnOnce()) {
        let complete = self.check(event);
        report();
        if complete {
            self.complete.notify_one();
        }
    }
}

impl Reporter for Expect {
    fn event(&self, event: &Event) {
        self.checked(event, || self.inner.event(event));
    }

    fn event_and_line(&self, event: &Event, keep: &mut dyn FnMut(&str)) {
        self.checked(event, || self.inner.event_and_line(event, keep));
    }

    fn refused(&self, refused: Refused) {
        self.inner.refused(refused);
    }

    fn problem(&self, text: String) {
        self.inner.problem(text);
    }
}
