//! `listen`'s output: a human block per event (colour on a terminal), or one capture per
//! line with `--json`. Events are rendered on the request's own thread and appended to one
//! buffer (whole blocks, so they never interleave), which a flusher thread writes out every
//! few milliseconds; the same lock keeps the counts for the summary printed at shutdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use crate::listen::{Event, Refused, Reporter};
use crate::output::verdict::plain_reason;
use crate::output::{millis_text, printable};
use crate::signing::group_thousands;
use chrono::{DateTime, Local};
use colored::Colorize;

/// Bodies longer than this many lines are cut in human output unless `--full`.
const BODY_LINES: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Human { full: bool },
    Json,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub events: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unverified: u64,
    pub duplicates: u64,
    pub refused: u64,
    pub by_status: BTreeMap<u16, u64>,
}

impl Summary {
    fn count(&mut self, event: &Event) {
        self.events += 1;
        match &event.verdict {
            None => self.unverified += 1,
            Some(v) if v.is_valid() => self.valid += 1,
            Some(_) => self.invalid += 1,
        }
        self.duplicates += u64::from(event.duplicate_of.is_some());
        *self.by_status.entry(event.answer.status).or_default() += 1;
    }

    /// `12 events: 10 valid, 1 invalid, 1 unverified, 2 duplicates · answered 202×10 401×1 503×1`
    pub fn line(&self) -> String {
        let mut line = format!(
            "{} event{}: {} valid, {} invalid, {} unverified, {} duplicate{}",
            self.events,
            if self.events == 1 { "" } else { "s" },
            self.valid,
            self.invalid,
            self.unverified,
            self.duplicates,
            if self.duplicates == 1 { "" } else { "s" },
        );
        if self.refused > 0 {
            let _ = write!(line, ", {} refused", self.refused);
        }
        if !self.by_status.is_empty() {
            line.push_str(" · answered");
            for (status, n) in &self.by_status {
                let _ = write!(line, " {status}×{n}");
            }
        }
        line
    }
}

/// How often buffered output is written out: quick enough to feel live, rare enough that
/// a burst of events costs one write, not one thread wake-up each.
const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Buffered output past which the flusher is woken at once.
const WAKE_AT: usize = 512 * 1024;
/// Buffered output past which requests wait for the flusher (a stalled terminal or pipe
/// slows the server down instead of growing memory).
const MAX_PENDING: usize = 4 * 1024 * 1024;

/// Renders on the caller's thread into one buffer that a flusher thread writes out. The
/// lock is held only to append, so events print in the order they were answered.
pub struct Printer {
    style: Style,
    pending: Mutex<Pending>,
    room: Condvar,
    stop: AtomicBool,
    /// The flusher found nothing to write and sleeps until an event wakes it, so an idle
    /// listener uses no CPU.
    idle: AtomicBool,
    flusher: OnceLock<std::thread::Thread>,
    joined: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Called once when stdout goes away (`| head -n 2`): events would be recorded
    /// nowhere, so the command stops the server.
    on_stdout_closed: OnceLock<Box<dyn Fn() + Send + Sync>>,
    stdout_closed: AtomicBool,
}

#[derive(Default)]
struct Pending {
    out: Vec<u8>,
    err: Vec<u8>,
    summary: Summary,
}

impl Printer {
    pub fn start(style: Style) -> Arc<Printer> {
        let printer = Arc::new(Printer {
            style,
            pending: Mutex::default(),
            room: Condvar::new(),
            stop: AtomicBool::new(false),
            idle: AtomicBool::new(false),
            flusher: OnceLock::new(),
            joined: Mutex::new(None),
            on_stdout_closed: OnceLock::new(),
            stdout_closed: AtomicBool::new(false),
        });
        let worker = printer.clone();
        let handle = std::thread::spawn(move || worker.flush_loop());
        let _ = printer.flusher.set(handle.thread().clone());
        *crate::lock(&printer.joined) = Some(handle);
        printer
    }

    /// What to do when stdout closes (once).
    pub fn on_stdout_closed(&self, then: impl Fn() + Send + Sync + 'static) {
        let _ = self.on_stdout_closed.set(Box::new(then));
    }

    /// Whether stdout went away while events were being printed.
    pub fn stdout_closed(&self) -> bool {
        self.stdout_closed.load(Ordering::SeqCst)
    }

    /// Writes what is left and returns the counts.
    pub fn finish(&self) -> Summary {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = crate::lock(&self.joined).take() {
            handle.thread().unpark();
            let _ = handle.join();
        }
        std::mem::take(&mut crate::lock(&self.pending).summary)
    }

    fn is_empty(&self) -> bool {
        let pending = crate::lock(&self.pending);
        pending.out.is_empty() && pending.err.is_empty()
    }

    fn flush_loop(&self) {
        let mut stdout_open = true;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        loop {
            if self.idle.load(Ordering::SeqCst) {
                std::thread::park();
            }
            // Let a burst gather, so it costs one write.
            std::thread::park_timeout(FLUSH_EVERY);
            let stopping = self.stop.load(Ordering::SeqCst);
            {
                // Swap, not copy: the lock is held for two pointer swaps.
                let mut pending = crate::lock(&self.pending);
                std::mem::swap(&mut out, &mut pending.out);
                std::mem::swap(&mut err, &mut pending.err);
            }
            self.room.notify_all();
            let wrote = !(out.is_empty() && err.is_empty());
            if !out.is_empty() && stdout_open {
                let mut stdout = io::stdout().lock();
                stdout_open = stdout.write_all(&out).and_then(|()| stdout.flush()).is_ok();
                if !stdout_open {
                    self.stdout_closed.store(true, Ordering::SeqCst);
                    if let Some(then) = self.on_stdout_closed.get() {
                        then();
                    }
                }
            }
            if !err.is_empty() {
                let _ = io::stderr().lock().write_all(&err);
            }
            out.clear();
            err.clear();
            if stopping {
                return;
            }
            if !wrote {
                self.idle.store(true, Ordering::SeqCst);
                // An event pushed before `idle` was set would not wake us: look again.
                if !self.is_empty() {
                    self.idle.store(false, Ordering::SeqCst);
                }
            }
        }
    }

    /// Appends under the lock, waiting while too much is pending.
    fn push(&self, to_stderr: bool, text: &str, count: impl FnOnce(&mut Summary)) {
        let mut pending = crate::lock(&self.pending);
        while pending.out.len() + pending.err.len() > MAX_PENDING
            && !self.stop.load(Ordering::SeqCst)
        {
            pending = self
                .room
                .wait_timeout(pending, FLUSH_EVERY)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        count(&mut pending.summary);
        let buf = if to_stderr {
            &mut pending.err
        } else {
            &mut pending.out
        };
        buf.extend_from_slice(text.as_bytes());
        let wake = buf.len() > WAKE_AT;
        drop(pending);
        // Load before swapping: under load `idle` stays false, and a plain load keeps
        // the cache line shared between threads.
        let was_idle = self.idle.load(Ordering::SeqCst) && self.idle.swap(false, Ordering::SeqCst);
        if wake || was_idle {
            if let Some(flusher) = self.flusher.get() {
                flusher.unpark();
            }
        }
    }
}

impl Reporter for Printer {
    fn event(&self, event: Event) {
        let text = match self.style {
            Style::Json => {
                let mut line = match &event.json {
                    Some(saved) => String::clone(saved),
                    None => event.json_line(),
                };
                line.push('\n');
                line
            }
            Style::Human { full } => render_event(&event, full),
        };
        self.push(false, &text, |s| s.count(&event));
    }

    fn refused(&self, refused: Refused) {
        // Not a capture: with --json it goes to stderr, keeping stdout pure JSON lines.
        let text = render_refused(&refused);
        self.push(self.style == Style::Json, &text, |s| {
            s.refused += 1;
            *s.by_status.entry(refused.status).or_default() += 1;
        });
    }

    fn problem(&self, text: String) {
        self.push(true, &format!("hookline: {}\n", printable(&text)), |_| {});
    }
}

fn clock(at: SystemTime) -> String {
    DateTime::<Local>::from(at)
        .format("%H:%M:%S%.3f")
        .to_string()
}

fn status_colored(status: u16) -> String {
    let text = status.to_string();
    match status {
        200..=299 => text.green().bold().to_string(),
        400..=499 => text.yellow().bold().to_string(),
        500..=599 => text.red().bold().to_string(),
        _ => text.bold().to_string(),
    }
}

/// One event as a block:
///
/// ```text
/// 10:04:05.123  POST /hooks/github?x=1  → 202  0.4 ms
///   push · delivery 72d3162e-… · 1,204 bytes · ✓ github
///   { …body, pretty… }
/// ```
pub fn render_event(event: &Event, full: bool) -> String {
    let c = &event.capture;
    let target = match &c.query {
        Some(q) => format!("{}?{q}", c.path),
        None => c.path.clone(),
    };
    let mut head = format!(
        "{}  {} {}  → {}",
        clock(event.at).dimmed(),
        printable(&c.method).bold(),
        printable(&target),
        status_colored(event.answer.status),
    );
    if let Some(fwd) = &event.forward {
        match (&fwd.status, &fwd.error) {
            (Some(_), _) => head.push_str(&" from app".dimmed().to_string()),
            (None, Some(_)) => head.push_str(&" app failed".red().to_string()),
            _ => {}
        }
    }
    let _ = write!(head, "  {}", millis_text(event.answer.latency_ms).dimmed());

    let mut facts: Vec<String> = Vec::new();
    if let Some(kind) = &c.event {
        facts.push(printable(kind).cyan().to_string());
    }
    if let Some(id) = &event.delivery_id {
        facts.push(format!("delivery {}", printable(&shorten(id, 36))));
    }
    facts.push(format!(
        "{} byte{}",
        group_thousands(c.body.len() as u64),
        if c.body.len() == 1 { "" } else { "s" }
    ));
    facts.push(match &event.verdict {
        None => "unverified".dimmed().to_string(),
        Some(v) if v.is_valid() => format!("{} {}", "✓".green().bold(), v.scheme),
        Some(v) => format!(
            "{} {} {}",
            "✗".red().bold(),
            v.scheme,
            printable(
                &v.reason
                    .map(|r| plain_reason(r, v.detail.as_deref()))
                    .unwrap_or_default()
            )
            .red()
        ),
    });
    if let Some(first) = &event.duplicate_of {
        let when = DateTime::parse_from_rfc3339(first)
            .map(|t| t.with_timezone(&Local).format("%H:%M:%S%.3f").to_string())
            .unwrap_or_else(|_| first.clone());
        facts.push(format!("duplicate of {when}").yellow().bold().to_string());
    }
    let mut lines = vec![head];
    lines.extend(fact_lines(&facts));
    if let Some(plan) = &event.chaos {
        let mut what = Vec::new();
        if let Some(ms) = plan.delay_ms {
            what.push(format!("delayed {ms} ms"));
        }
        if let (Some(status), Some(rule)) = (plan.status, &plan.rule) {
            let through = if plan.failure().is_none() {
                " (let through)"
            } else {
                ""
            };
            what.push(format!("{rule} → {status}{through}"));
        }
        if let Some(s) = plan.retry_after {
            what.push(format!("Retry-After {s}"));
        }
        lines.push(format!(
            "  {} {}",
            "chaos".magenta().bold(),
            what.join(", ")
        ));
    }
    if let Some(fwd) = &event.forward {
        let result = match (fwd.status, &fwd.error) {
            (Some(status), _) => status_colored(status),
            (None, Some(e)) => printable(e).red().to_string(),
            (None, None) => String::new(),
        };
        lines.push(format!(
            "  {} {} → {result}  {}",
            "forward".blue().bold(),
            printable(&fwd.url),
            millis_text(fwd.latency_ms).dimmed()
        ));
    }
    let content_type = c
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str());
    let body = body_lines(&c.body, content_type);
    let shown = if full {
        body.len()
    } else {
        body.len().min(BODY_LINES)
    };
    lines.extend(body[..shown].iter().map(|l| format!("  {l}")));
    if shown < body.len() {
        lines.push(format!(
            "  {}",
            format!("… {} more lines (--full shows all)", body.len() - shown).dimmed()
        ));
    }
    let mut block = lines.join("\n");
    block.push_str("\n\n");
    block
}

/// The facts joined with ` · `, on as many lines as keep each within 80 columns
/// (a fact longer than that gets a line of its own).
fn fact_lines(facts: &[String]) -> Vec<String> {
    const WIDTH: usize = 80;
    let mut lines: Vec<(String, usize)> = Vec::new();
    for fact in facts {
        let width = visible_width(fact);
        match lines.last_mut() {
            Some((line, used)) if *used + 3 + width <= WIDTH => {
                line.push_str(" · ");
                line.push_str(fact);
                *used += 3 + width;
            }
            _ => lines.push((format!("  {fact}"), 2 + width)),
        }
    }
    lines.into_iter().map(|(line, _)| line).collect()
}

/// Columns a string takes on a terminal: characters, not counting colour codes.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}

fn render_refused(r: &Refused) -> String {
    format!(
        "{}  {} {}  → {}  {}\n\n",
        clock(r.at).dimmed(),
        printable(&r.method).bold(),
        printable(&r.target),
        status_colored(r.status),
        printable(&r.why)
    )
}

/// The body for reading: JSON pretty-printed (key order kept), a form as `key = value`
/// lines, other text as is, binary as its size and first bytes in hex.
pub fn body_lines(body: &[u8], content_type: Option<&str>) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        if value.is_object() || value.is_array() {
            if let Ok(pretty) = serde_json::to_string_pretty(&value) {
                return pretty.lines().map(|l| printable(l).into_owned()).collect();
            }
        }
    }
    let Ok(text) = std::str::from_utf8(body) else {
        let head = &body[..body.len().min(32)];
        let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
        let more = if body.len() > head.len() { " …" } else { "" };
        return vec![format!("binary: {}{more}", hex.join(" "))
            .dimmed()
            .to_string()];
    };
    let is_form = content_type.is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        return form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| format!("{} = {}", printable(&k).bold(), printable(&v)))
            .collect();
    }
    text.lines().map(|l| printable(l).into_owned()).collect()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_wrap_to_80_columns_ignoring_colour_codes() {
        colored::control::set_override(true);
        let facts = vec![
            "payment_intent.succeeded".cyan().to_string(),
            "2,031 bytes".to_string(),
            "✗ stripe timestamp 31,615,079 s old, tolerance 300 s"
                .red()
                .to_string(),
        ];
        let lines = fact_lines(&facts);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| visible_width(l) <= 80), "{lines:?}");
        assert!(lines[0].ends_with("2,031 bytes"));
        let short = fact_lines(&["push".to_string(), "12 bytes".to_string()]);
        assert_eq!(short, ["  push · 12 bytes"]);
    }
}
