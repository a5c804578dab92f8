//! `send`'s output: a plain line per attempt and per result, or JSON objects with
//! `--json`; lines of concurrent deliveries come out grouped, in fixture order, the
//! delivery at the head streaming live. Then a summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use colored::Colorize;
use serde_json::json;

use crate::delivery::{Attempt, Delivery, Outcome, Progress, Verdict};

/// Prints deliveries' lines in their order, whatever order they run in.
pub struct Ordered {
    state: Mutex<OrderedState>,
}

struct OrderedState {
    /// The delivery whose lines go out as they come.
    head: usize,
    waiting: BTreeMap<usize, Vec<String>>,
    done: Vec<bool>,
}

impl Ordered {
    pub fn new(count: usize) -> Self {
        Ordered {
            state: Mutex::new(OrderedState {
                head: 0,
                waiting: BTreeMap::new(),
                done: vec![false; count],
            }),
        }
    }

    pub fn line(&self, delivery: usize, text: String) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if delivery == state.head {
            print_line(&text);
        } else {
            state.waiting.entry(delivery).or_default().push(text);
        }
    }

    pub fn is_finished(&self, delivery: usize) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.done.get(delivery).copied().unwrap_or(false)
    }

    /// Prints every line still waiting for its turn (when the run is cut short).
    pub fn flush_waiting(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for (_, lines) in std::mem::take(&mut state.waiting) {
            for text in lines {
                print_line(&text);
            }
        }
    }

    pub fn finished(&self, delivery: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.done[delivery] = true;
        while state.head < state.done.len() && state.done[state.head] {
            state.head += 1;
            let head = state.head;
            for text in state.waiting.remove(&head).unwrap_or_default() {
                print_line(&text);
            }
        }
    }
}

fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 10_000.0 {
        format!("{} ms", ms.round())
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// One progress step as a line, or `None` for steps not worth a line.
pub fn progress_line(name: &str, id: &str, step: &Progress<'_>, json: bool) -> Option<String> {
    match step {
        Progress::Sending { .. } => None,
        Progress::Attempted {
            attempt,
            of,
            result,
        } => Some(attempt_line(name, id, *attempt, *of, result, json)),
        Progress::Waiting { next, delay } => (!json).then(|| {
            format!(
                "{name}  {}",
                format!("attempt {next} in {}", ms(*delay)).dimmed()
            )
        }),
    }
}

fn attempt_line(name: &str, id: &str, attempt: u32, of: u32, a: &Attempt, json: bool) -> String {
    let (status, error) = match &a.outcome {
        Outcome::Answered(answer) => (Some(answer.status), None),
        other => (None, Some(other.reason())),
    };
    if json {
        return json!({
            "type": "attempt", "fixture": name, "delivery_id": id, "attempt": attempt, "of": of,
            "status": status, "error": error, "latency_ms": a.latency.as_secs_f64() * 1000.0,
        })
        .to_string();
    }
    let result = match (status, error) {
        (Some(s @ 200..=299), _) => s.to_string().green().bold().to_string(),
        (Some(s), _) => s.to_string().yellow().bold().to_string(),
        (None, Some(e)) => e.red().to_string(),
        (None, None) => String::new(),
    };
    format!(
        "{name}  attempt {attempt}/{of}  {result}  {}",
        ms(a.latency).dimmed()
    )
}

/// The final line for a delivery.
pub fn result_line(name: &str, id: &str, d: &Delivery, json: bool) -> String {
    let attempts = d.attempts.len();
    if json {
        let (result, status, reason) = match &d.verdict {
            Verdict::Delivered { status } => ("delivered", Some(*status), None),
            Verdict::Rejected { status } => (
                "rejected",
                Some(*status),
                Some(format!("{status}, not retried")),
            ),
            Verdict::Exhausted { reason } => ("exhausted", None, Some(reason.clone())),
        };
        return json!({
            "type": "result", "fixture": name, "delivery_id": id, "result": result,
            "status": status, "attempts": attempts, "reason": reason,
        })
        .to_string();
    }
    match &d.verdict {
        Verdict::Delivered { status } => format!(
            "{name}  {} {status} on attempt {attempts}  (delivery {id})",
            "delivered".green().bold()
        ),
        Verdict::Rejected { status } => format!(
            "{name}  {} {status}, not retried  (delivery {id})",
            "failed".red().bold()
        ),
        Verdict::Exhausted { reason } => format!(
            "{name}  {} after {attempts} attempts, last: {reason}  (delivery {id})",
            "failed".red().bold()
        ),
    }
}

/// Counts for the summary.
#[derive(Default)]
pub struct Summary {
    pub delivered: usize,
    pub failed: Vec<(String, String)>,
    pub dead_lettered: usize,
    pub latencies_ms: Vec<f64>,
}

impl Summary {
    pub fn add(&mut self, name: &str, d: &Delivery) {
        self.latencies_ms
            .extend(d.attempts.iter().map(|a| a.latency_ms));
        match &d.verdict {
            Verdict::Delivered { .. } => self.delivered += 1,
            Verdict::Rejected { status } => self
                .failed
                .push((name.to_string(), format!("{status}, not retried"))),
            Verdict::Exhausted { reason } => self.failed.push((
                name.to_string(),
                format!(
                    "{} attempt{}, last: {reason}",
                    d.attempts.len(),
                    if d.attempts.len() == 1 { "" } else { "s" }
                ),
            )),
        }
    }

    /// `3 deliveries: 2 delivered, 1 failed (1 dead-lettered) · success 66.7% · attempt latency p50 4.1 ms, p95 9.0 ms`
    /// and a line per failure.
    pub fn text(&mut self) -> String {
        let total = self.delivered + self.failed.len();
        self.latencies_ms.sort_by(f64::total_cmp);
        let pct = |p: f64| -> f64 {
            if self.latencies_ms.is_empty() {
                return 0.0;
            }
            let i = ((self.latencies_ms.len() - 1) as f64 * p).round() as usize;
            self.latencies_ms[i]
        };
        let mut text = format!(
            "{total} deliver{}: {} delivered, {} failed ({} dead-lettered) · success {:.1}% · attempt latency p50 {:.1} ms, p95 {:.1} ms",
            if total == 1 { "y" } else { "ies" },
            self.delivered,
            self.failed.len(),
            self.dead_lettered,
            if total == 0 { 100.0 } else { self.delivered as f64 * 100.0 / total as f64 },
            pct(0.50),
            pct(0.95),
        );
        for (name, why) in &self.failed {
            text.push_str(&format!("\n  failed: {name}: {why}"));
        }
        text
    }
}
