//! How a batch of deliveries (`send`, `replay`) looks. One printer for both, four styles:
//! - `Live` (send on a terminal): a spinner per delivery in flight (attempt n/N, last
//!   status, countdown to the next retry), each result printed above them;
//! - `Bar` (replay on a terminal): a progress bar (done/total, rate, ETA, failures), each
//!   result printed above it;
//! - `Lines`: a line per result (and per attempt, with [`Detail::Attempts`]), in job order;
//! - `Json`: the same as JSON objects, one per line; the summary goes to stderr.
//!
//! Lines go through a [`Writer`]: written out every few milliseconds, one write for many
//! lines instead of one each (for 5,000 deliveries, half of send's system calls).
//!
//! Then a summary.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use colored::Colorize;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::millis_text;
use super::writer::Writer;
use crate::delivery::batch::{Event, Job, Reporter};
use crate::delivery::{AttemptRecord, Delivery, Request, Verdict};

/// Where results go.
pub enum Style {
    Live,
    /// With the number of deliveries when it is known.
    Bar(Option<u64>),
    Lines,
    Json,
}

/// What gets a line besides each result.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every attempt, and every wait before a retry (send: watching deliveries).
    Attempts,
    /// Results only (replay: many requests, fast).
    Results,
}

pub struct Printer {
    display: Display,
    detail: Detail,
    json: bool,
    summary: Mutex<Summary>,
}

enum Display {
    Live(Live),
    Bar(ProgressBar),
    Lines(Arc<Writer<()>>),
}

impl Printer {
    pub fn new(style: Style, detail: Detail) -> Self {
        let lines = || Display::Lines(Writer::start());
        let json = matches!(style, Style::Json);
        let display = match style {
            Style::Live => Display::Live(Live::new()),
            Style::Bar(total) => Display::Bar(progress_bar(total)),
            Style::Lines | Style::Json => lines(),
        };
        Printer {
            display,
            detail,
            json,
            summary: Mutex::new(Summary::default()),
        }
    }

    /// `--dry-run`: what would be sent.
    pub fn dry_run(&self, request: &Request) {
        let n = request.headers.len();
        self.line(&format!(
            "{} {}  {n} header{}, {} byte body",
            request.method,
            request.url,
            if n == 1 { "" } else { "s" },
            request.body.len()
        ));
    }

    /// The end of the run: what is pending printed, the display cleared, then the summary
    /// with `notes` (one per line) below it. Returns the counts.
    pub fn finish(&self, notes: &[String]) -> Summary {
        self.close();
        let mut summary = std::mem::take(&mut *crate::lock(&self.summary));
        let mut text = summary.text();
        for note in notes {
            text.push_str("\n  ");
            text.push_str(note);
        }
        if self.json {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
        summary
    }

    /// What is pending printed and the display cleared, without a summary (`--dry-run`).
    pub fn close(&self) {
        match &self.display {
            Display::Live(live) => live.close(),
            Display::Bar(bar) => bar.finish_and_clear(),
            Display::Lines(writer) => writer.finish(),
        }
    }

    fn line(&self, text: &str) {
        match &self.display {
            Display::Live(live) => live.println(text),
            Display::Bar(bar) => bar.println(text),
            Display::Lines(writer) => writer.push_parts(false, &[text, "\n"], |()| {}),
        }
    }

    /// One JSON object as a line, serialised straight into the writer's buffer.
    fn json_line(&self, value: &impl serde::Serialize) {
        match &self.display {
            Display::Lines(writer) => writer.push_with(
                false,
                |buf| {
                    serde_json::to_writer(&mut *buf, value).expect("a JSON line serialises");
                    buf.push(b'\n');
                },
                |()| {},
            ),
            _ => self.line(&serde_json::to_string(value).expect("a JSON line serialises")),
        }
    }
}

impl<J: Job> Reporter<J> for Printer {
    fn event(&self, index: usize, job: &J, event: &Event) {
        let json = self.json;
        if let Display::Live(live) = &self.display {
            live.progress(index, job.source(), event);
        }
        match event {
            Event::Finished {
                delivery,
                dead_letter,
            } => {
                crate::lock(&self.summary).add(job.source(), delivery, dead_letter);
                if let Some(Err(e)) = dead_letter {
                    eprintln!("hookline: {e}");
                }
                if let Display::Bar(bar) = &self.display {
                    bar.inc(1);
                    let failed = crate::lock(&self.summary).failed.len();
                    if failed > 0 {
                        bar.set_message(format!("{failed} failed"));
                    }
                }
                match json {
                    true => self.json_line(&ResultLine::new(job, delivery, dead_letter)),
                    false => self.line(&result_text(job, delivery, dead_letter)),
                }
            }
            _ if self.detail == Detail::Results => {}
            _ if matches!(self.display, Display::Live(_) | Display::Bar(_)) => {}
            Event::Sending { .. } => {}
            Event::Attempted { record, of } => match json {
                true => self.json_line(&AttemptLine::new(job, record, *of)),
                false => self.line(&attempt_text(job, record, *of)),
            },
            Event::Waiting { next, delay } => {
                if !json {
                    let wait = format!("attempt {next} in {}", ms(*delay));
                    self.line(&format!("{}  {}", job.source(), wait.dimmed()));
                }
            }
        }
    }
}

/// Spinners for the deliveries in flight, redrawn by indicatif; a ticker thread keeps the
/// retry countdowns current.
struct Live {
    multi: MultiProgress,
    slots: Arc<Mutex<HashMap<usize, Slot>>>,
}

struct Slot {
    bar: ProgressBar,
    text: String,
    retry_at: Option<Instant>,
}

impl Live {
    fn new() -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let slots: Arc<Mutex<HashMap<usize, Slot>>> = Arc::default();
        let weak = Arc::downgrade(&slots);
        std::thread::spawn(move || {
            while let Some(slots) = weak.upgrade() {
                for slot in crate::lock(&slots).values() {
                    if let Some(at) = slot.retry_at {
                        let left = at.saturating_duration_since(Instant::now());
                        slot.bar.set_message(format!(
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

    fn progress(&self, index: usize, name: &str, event: &Event) {
        let mut slots = crate::lock(&self.slots);
        if let Event::Finished { .. } = event {
            if let Some(slot) = slots.remove(&index) {
                slot.bar.finish_and_clear();
                self.multi.remove(&slot.bar);
            }
            return;
        }
        let slot = slots.entry(index).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            Slot {
                bar,
                text: String::new(),
                retry_at: None,
            }
        });
        match event {
            Event::Sending { attempt, of } => {
                slot.retry_at = None;
                slot.text = format!("{name}  attempt {attempt}/{of}  sending…");
            }
            Event::Attempted { record, of } => {
                slot.text = format!(
                    "{name}  attempt {}/{of}  {}",
                    record.attempt,
                    outcome(record)
                );
            }
            Event::Waiting { delay, .. } => slot.retry_at = Some(Instant::now() + *delay),
            Event::Finished { .. } => {}
        }
        slot.bar.set_message(slot.text.clone());
    }

    fn println(&self, text: &str) {
        let _ = self.multi.println(text);
    }

    fn close(&self) {
        for (_, slot) in crate::lock(&self.slots).drain() {
            slot.bar.finish_and_clear();
        }
        let _ = self.multi.clear();
    }
}

/// done/total (or a count when the total is unknown), rate, ETA, failures so far.
fn progress_bar(total: Option<u64>) -> ProgressBar {
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n),
            "{bar:30} {pos}/{len}  {rate}  ETA {eta}  {msg}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} sent  {rate}  {msg}",
        ),
    };
    bar.set_draw_target(ProgressDrawTarget::stdout());
    // indicatif's own {per_sec} shows `5.6534/s`; whole requests per second read better.
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        );
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

fn ms(d: Duration) -> String {
    millis_text(d.as_secs_f64() * 1000.0)
}

/// An attempt's outcome in a word: its status, or the error.
fn outcome(record: &AttemptRecord) -> String {
    match (record.status, &record.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => error.clone(),
        (None, None) => String::new(),
    }
}

/// `{"type":"attempt",…}`: the source, then the attempt record's fields.
#[derive(serde::Serialize)]
struct AttemptLine<'a> {
    r#type: &'static str,
    source: &'a str,
    delivery_id: Option<&'a str>,
    of: u32,
    #[serde(flatten)]
    record: &'a AttemptRecord,
}

impl<'a> AttemptLine<'a> {
    fn new<J: Job>(job: &'a J, record: &'a AttemptRecord, of: u32) -> Self {
        AttemptLine {
            r#type: "attempt",
            source: job.source(),
            delivery_id: job.delivery_id(),
            of,
            record,
        }
    }
}

/// `source  attempt 2/4  503  1.0 ms`.
fn attempt_text<J: Job>(job: &J, record: &AttemptRecord, of: u32) -> String {
    let result = match (record.status, &record.error) {
        (Some(s @ 200..=299), _) => s.to_string().green().bold().to_string(),
        (Some(s), _) => s.to_string().yellow().bold().to_string(),
        (None, Some(e)) => e.red().to_string(),
        (None, None) => String::new(),
    };
    format!(
        "{}  attempt {}/{of}  {result}  {}",
        job.source(),
        record.attempt,
        millis_text(record.latency_ms).dimmed()
    )
}

/// A delivery's end as one object. The shape, for `send` and `replay` alike, is
/// documented in docs/send-and-replay.md.
#[derive(serde::Serialize)]
struct ResultLine<'a> {
    r#type: &'static str,
    source: &'a str,
    delivery_id: Option<&'a str>,
    method: &'a str,
    url: Text<&'a http::Uri>,
    result: &'static str,
    status: Option<u16>,
    reason: Option<String>,
    attempts: &'a [AttemptRecord],
    dead_letter: Option<Text<std::path::Display<'a>>>,
}

impl<'a> ResultLine<'a> {
    fn new<J: Job>(
        job: &'a J,
        d: &'a Delivery,
        dead_letter: &'a Option<Result<std::path::PathBuf, String>>,
    ) -> Self {
        ResultLine {
            r#type: "result",
            source: job.source(),
            delivery_id: job.delivery_id(),
            method: job.method().as_str(),
            url: Text(job.url()),
            result: d.verdict.name(),
            status: d.verdict.status(),
            reason: d.verdict.failure(),
            attempts: &d.attempts,
            dead_letter: match dead_letter {
                Some(Ok(path)) => Some(Text(path.display())),
                _ => None,
            },
        }
    }
}

/// A value as the text it displays as, written without making a `String` first.
struct Text<T>(T);

impl<T: std::fmt::Display> serde::Serialize for Text<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A delivery's end as a line: `source  delivered 202 on attempt 1  1.0 ms  POST /path`.
fn result_text<J: Job>(
    job: &J,
    d: &Delivery,
    dead_letter: &Option<Result<std::path::PathBuf, String>>,
) -> String {
    let attempts = d.attempts.len();
    let s = if attempts == 1 { "" } else { "s" };
    let verdict = match &d.verdict {
        Verdict::Delivered { status } => format!(
            "{} {status} on attempt {attempts}",
            "delivered".green().bold()
        ),
        Verdict::Rejected { status } => format!("{} {status}, not retried", "failed".red().bold()),
        Verdict::Exhausted { reason } => format!(
            "{} after {attempts} attempt{s}, last: {reason}",
            "failed".red().bold()
        ),
        Verdict::Interrupted { .. } => {
            format!("{}", d.verdict.failure().unwrap_or_default().red().bold())
        }
    };
    let mut line = format!("{}  {verdict}", job.source());
    if let Some(last) = d.attempts.last() {
        line.push_str(&format!("  {}", millis_text(last.latency_ms).dimmed()));
    }
    line.push_str(&format!("  {} {}", job.method(), job.url().path()));
    if let Some(id) = job.delivery_id() {
        line.push_str(&format!("  (delivery {id})"));
    }
    if let Some(Ok(path)) = dead_letter {
        line.push_str(&format!("  → {}", path.display()));
    }
    line
}

/// Counts for the summary.
#[derive(Default)]
pub struct Summary {
    pub delivered: usize,
    pub failed: Vec<(String, String)>,
    pub interrupted: usize,
    pub dead_lettered: usize,
    pub latencies_ms: Vec<f64>,
    /// Final answers by status (deliveries that got one).
    pub by_status: BTreeMap<u16, usize>,
}

impl Summary {
    fn add(
        &mut self,
        name: &str,
        d: &Delivery,
        dead_letter: &Option<Result<std::path::PathBuf, String>>,
    ) {
        // An attempt cut off has no latency worth counting.
        self.latencies_ms.extend(
            d.attempts
                .iter()
                .filter(|a| a.status.is_some() || a.error.as_deref() != Some("interrupted"))
                .map(|a| a.latency_ms),
        );
        // The last answer received (an interrupted delivery may have had one before).
        if let Some(status) = d.attempts.iter().rev().find_map(|a| a.status) {
            *self.by_status.entry(status).or_default() += 1;
        }
        self.dead_lettered += usize::from(matches!(dead_letter, Some(Ok(_))));
        match &d.verdict {
            Verdict::Delivered { .. } => self.delivered += 1,
            Verdict::Exhausted { reason } => self.failed.push((
                name.to_string(),
                format!(
                    "{} attempt{}, last: {reason}",
                    d.attempts.len(),
                    if d.attempts.len() == 1 { "" } else { "s" }
                ),
            )),
            other => {
                self.interrupted += usize::from(matches!(other, Verdict::Interrupted { .. }));
                self.failed
                    .push((name.to_string(), other.failure().unwrap_or_default()))
            }
        }
    }

    /// `3 deliveries: 2 delivered, 1 failed (1 dead-lettered) · success 66.7% · attempt
    /// latency p50 4.1 ms, p95 9.0 ms, p99 9.8 ms · by status 202×2 404×1`
    /// and a line per failure (the first ten).
    pub fn text(&mut self) -> String {
        let total = self.delivered + self.failed.len();
        let mut text = format!(
            "{total} deliver{}: {} delivered, {} failed ({} dead-lettered) · success {:.1}%",
            if total == 1 { "y" } else { "ies" },
            self.delivered,
            self.failed.len(),
            self.dead_lettered,
            if total == 0 {
                100.0
            } else {
                self.delivered as f64 * 100.0 / total as f64
            },
        );
        if self.interrupted > 0 {
            text.push_str(&format!(" · {} interrupted", self.interrupted));
        }
        // No finished attempt, no latency to speak of (rather than a p50 of 0.0 ms).
        if !self.latencies_ms.is_empty() {
            self.latencies_ms.sort_by(f64::total_cmp);
            let pct = |p: f64| -> f64 {
                let i = ((self.latencies_ms.len() - 1) as f64 * p).round() as usize;
                self.latencies_ms[i]
            };
            text.push_str(&format!(
                " · attempt latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
                pct(0.50),
                pct(0.95),
                pct(0.99)
            ));
        }
        if !self.by_status.is_empty() {
            text.push_str(" · by status");
            for (status, n) in &self.by_status {
                text.push_str(&format!(" {status}×{n}"));
            }
        }
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
