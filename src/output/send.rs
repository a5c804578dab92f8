//! `send`'s output. On a terminal: a live spinner per delivery in flight (attempt n/N,
//! last status, countdown to the next retry), each result printed above them. Otherwise a
//! plain line per attempt and per result, or JSON objects with `--json`; lines of
//! concurrent deliveries come out grouped, in fixture order, the delivery at the head
//! streaming live. Then a summary.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use colored::Colorize;
use serde_json::json;

use super::millis_text;
use crate::delivery::{Attempt, Delivery, Outcome, Progress, Verdict};

/// Where a run's progress goes: live spinners on a terminal, else ordered lines.
pub enum Out {
    Live(Live),
    Lines(Ordered),
}

impl Out {
    /// `live` when stdout is a terminal and JSON was not asked for.
    pub fn new(count: usize, live: bool) -> Self {
        if live {
            Out::Live(Live::new(count))
        } else {
            Out::Lines(Ordered::new(count))
        }
    }

    pub fn progress(&self, index: usize, name: &str, id: &str, step: &Progress<'_>, json: bool) {
        match self {
            Out::Live(live) => live.progress(index, name, step),
            Out::Lines(ordered) => {
                if let Some(line) = progress_line(name, id, step, json) {
                    ordered.line(index, line);
                }
            }
        }
    }

    pub fn result(&self, index: usize, name: &str, id: &str, delivery: &Delivery, json: bool) {
        let line = result_line(name, id, delivery, json);
        match self {
            Out::Live(live) => live.result(index, &line),
            Out::Lines(ordered) => {
                ordered.line(index, line);
                ordered.finished(index);
            }
        }
    }

    pub fn is_finished(&self, index: usize) -> bool {
        match self {
            Out::Live(live) => live.is_finished(index),
            Out::Lines(ordered) => ordered.is_finished(index),
        }
    }

    /// Prints what is still pending and clears the spinners (the run is over).
    pub fn close(&self) {
        match self {
            Out::Live(live) => live.close(),
            Out::Lines(ordered) => ordered.flush_waiting(),
        }
    }
}

/// Spinners for the deliveries in flight, redrawn by indicatif; a ticker thread keeps the
/// retry countdowns current.
pub struct Live {
    multi: MultiProgress,
    slots: Arc<Mutex<Vec<Slot>>>,
}

#[derive(Default)]
struct Slot {
    bar: Option<ProgressBar>,
    text: String,
    retry_at: Option<Instant>,
    done: bool,
}

impl Live {
    fn new(count: usize) -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let slots: Arc<Mutex<Vec<Slot>>> =
            Arc::new(Mutex::new((0..count).map(|_| Slot::default()).collect()));
        let weak = Arc::downgrade(&slots);
        std::thread::spawn(move || {
            while let Some(slots) = weak.upgrade() {
                for slot in crate::lock(&slots).iter() {
                    if let (Some(bar), Some(at)) = (&slot.bar, slot.retry_at) {
                        let left = at.saturating_duration_since(Instant::now());
                        bar.set_message(format!(
                            "{}  next retry in {:.1} s",
                            slot.text,
                            left.as_secs_f64()
                        ));
                    }
                }
                drop(slots);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Live { multi, slots }
    }

    fn progress(&self, index: usize, name: &str, step: &Progress<'_>) {
        let mut slots = crate::lock(&self.slots);
        let slot = &mut slots[index];
        let bar = slot.bar.get_or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        match step {
            Progress::Sending { attempt, of } => {
                slot.retry_at = None;
                slot.text = format!("{name}  attempt {attempt}/{of}  sending…");
            }
            Progress::Attempted {
                attempt,
                of,
                result,
            } => {
                let last = match &result.outcome {
                    Outcome::Answered(a) => a.status.to_string(),
                    other => other.reason(),
                };
                slot.text = format!("{name}  attempt {attempt}/{of}  {last}");
            }
            Progress::Waiting { delay, .. } => slot.retry_at = Some(Instant::now() + *delay),
        }
        bar.set_message(slot.text.clone());
    }

    fn result(&self, index: usize, line: &str) {
        let mut slots = crate::lock(&self.slots);
        let slot = &mut slots[index];
        slot.done = true;
        if let Some(bar) = slot.bar.take() {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        let _ = self.multi.println(line);
    }

    fn is_finished(&self, index: usize) -> bool {
        crate::lock(&self.slots).get(index).is_some_and(|s| s.done)
    }

    fn close(&self) {
        for slot in crate::lock(&self.slots).iter_mut() {
            if let Some(bar) = slot.bar.take() {
                bar.finish_and_clear();
            }
        }
        let _ = self.multi.clear();
    }
}

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
        let mut state = crate::lock(&self.state);
        if delivery == state.head {
            print_line(&text);
        } else {
            state.waiting.entry(delivery).or_default().push(text);
        }
    }

    pub fn is_finished(&self, delivery: usize) -> bool {
        let state = crate::lock(&self.state);
        state.done.get(delivery).copied().unwrap_or(false)
    }

    /// Prints every line still waiting for its turn (when the run is cut short).
    pub fn flush_waiting(&self) {
        let mut state = crate::lock(&self.state);
        for (_, lines) in std::mem::take(&mut state.waiting) {
            for text in lines {
                print_line(&text);
            }
        }
    }

    pub fn finished(&self, delivery: usize) {
        let mut state = crate::lock(&self.state);
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
    millis_text(d.as_secs_f64() * 1000.0)
}

/// One progress step as a line, or `None` for steps not worth a line.
fn progress_line(name: &str, id: &str, step: &Progress<'_>, json: bool) -> Option<String> {
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
            "status": status, "error": error, "latency_ms": crate::clock::millis(a.latency),
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
fn result_line(name: &str, id: &str, d: &Delivery, json: bool) -> String {
    let attempts = d.attempts.len();
    if json {
        let status = match &d.verdict {
            Verdict::Delivered { status } | Verdict::Rejected { status } => Some(*status),
            Verdict::Exhausted { .. } => None,
        };
        let (result, reason) = (d.verdict.name(), d.verdict.failure());
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
            "{name}  {} after {attempts} attempt{}, last: {reason}  (delivery {id})",
            "failed".red().bold(),
            if attempts == 1 { "" } else { "s" }
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
    /// Final answers by status (deliveries that got one).
    pub by_status: BTreeMap<u16, usize>,
}

impl Summary {
    pub fn add(&mut self, name: &str, d: &Delivery) {
        self.latencies_ms
            .extend(d.attempts.iter().map(|a| a.latency_ms));
        if let Some(status) = d.attempts.last().and_then(|a| a.status) {
            *self.by_status.entry(status).or_default() += 1;
        }
        match &d.verdict {
            Verdict::Delivered { .. } => self.delivered += 1,
            Verdict::Rejected { .. } => self
                .failed
                .push((name.to_string(), d.verdict.failure().unwrap_or_default())),
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

    /// `3 deliveries: 2 delivered, 1 failed (1 dead-lettered) · success 66.7% · attempt
    /// latency p50 4.1 ms, p95 9.0 ms, p99 9.8 ms · by status 202×2 404×1`
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
        text.push_str(&format!(", p99 {:.1} ms", pct(0.99)));
        if !self.by_status.is_empty() {
            text.push_str(" · by status");
            for (status, n) in &self.by_status {
                text.push_str(&format!(" {status}×{n}"));
            }
        }
        // The first few failures, each with its reason; the count says how many more.
        const LISTED: usize = 10;
        for (name, why) in self.failed.iter().take(LISTED) {
            text.push_str(&format!("\n  failed: {name}: {why}"));
        }
        if self.failed.len() > LISTED {
            text.push_str(&format!(
                "\n  … and {} more failures",
                self.failed.len() - LISTED
            ));
        }
        text
    }
}
