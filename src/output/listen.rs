//! `listen`'s output: the banner, a human block per event (colour on a terminal), or one
//! capture per line with `--json`, and the summary. Events are rendered on the request's
//! own thread and written out by a [`Writer`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;

use super::writer::Writer;
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
    /// Filtered out by `--events`: answered, not shown in full, saved or forwarded.
    pub filtered: u64,
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
        if self.filtered > 0 {
            let _ = write!(line, ", {} filtered", self.filtered);
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

/// What `listen` says as it starts.
pub struct Banner<'a> {
    /// A self-signed certificate: its file and SHA-256 fingerprint.
    pub tls: Option<&'a (std::path::PathBuf, String)>,
    /// Verifying: how, and with how many secrets.
    pub verify: Option<(&'a crate::signing::VerifyOptions, usize)>,
    pub save: Option<&'a std::path::Path>,
    pub routes: &'a crate::listen::routes::Routes,
    pub relay: &'a [crate::relay::client::LinkEvent],
    /// The inspector's page, when it is on.
    pub inspector: Option<&'a str>,
    pub listening: &'a str,
}

/// `hookline inspect`'s banner: what it shows, and where (`listening on …` last, as
/// every server's).
pub fn inspect_banner(title: &str, url: &str) {
    eprintln!("inspector: {url} ({title}); Ctrl-C to stop");
    eprintln!("listening on {}", url.trim_end_matches('/'));
}

/// The banner on stderr: what is on, then `listening on …` last (scripts and tests wait
/// for that line).
pub fn banner(b: &Banner<'_>) {
    use crate::signing::SchemeChoice;
    if let Some((cert, fingerprint)) = b.tls {
        eprintln!(
            "self-signed certificate {} (SHA-256 {fingerprint})\ntrust it with: curl --cacert {} …",
            cert.display(),
            cert.display()
        );
    }
    match b.verify {
        None => {
            eprintln!("not verifying (no secret): every request is accepted and marked unverified")
        }
        Some((options, secrets)) => eprintln!(
            "verifying: {} · {secrets} secret{} · tolerance {}",
            match options.scheme {
                SchemeChoice::Auto => "scheme detected per request".to_string(),
                SchemeChoice::Fixed(s) => format!("{s} scheme"),
            },
            if secrets == 1 { "" } else { "s" },
            humantime::format_duration(std::time::Duration::from_secs(options.tolerance_secs)),
        ),
    }
    if let Some(dir) = b.save {
        eprintln!("saving to {}", dir.display());
    }
    for route in b.routes.all() {
        match &route.rule {
            crate::listen::routes::Rule::Any => {
                eprintln!("forwarding to {}", route.forwarder.base())
            }
            rule => eprintln!("forwarding {} to {}", rule.label(), route.forwarder.base()),
        }
    }
    for event in b.relay {
        eprintln!("{}", super::relay::link_line(event));
    }
    if let Some(url) = b.inspector {
        eprintln!("inspector: {url}");
    }
    eprintln!("listening on {}", b.listening);
}

/// The last lines: what was seen; why the stop was not clean (stdout closed, requests
/// in flight dropped after `grace`).
pub fn stopped(summary: &Summary, stdout_closed: bool, dropped: usize, grace: std::time::Duration) {
    eprintln!("hookline: stopped · {}", summary.line());
    if stdout_closed {
        eprintln!("hookline: standard output was closed: stopped listening");
    } else if dropped > 0 {
        eprintln!(
            "hookline: {dropped} request{} still in flight {} dropped (--grace {} ran out, or a second Ctrl-C)",
            if dropped == 1 { "" } else { "s" },
            if dropped == 1 { "was" } else { "were" },
            humantime::format_duration(grace)
        );
    }
}

/// `--expect`'s verdict, after the summary: met, or what was missing or wrong.
pub fn expectation(
    outcome: &crate::listen::expect::Outcome,
    timed_out: Option<std::time::Duration>,
) {
    let events = |n: u64| format!("{n} event{}", if n == 1 { "" } else { "s" });
    if outcome.is_met() {
        let what = match outcome.expected {
            Some(n) => format!("{} arrived", events(n)),
            None => "every expected event type arrived".to_string(),
        };
        eprintln!("hookline: expectation met: {what}, each verified and answered 2xx");
        return;
    }
    if let Some(n) = outcome.expected.filter(|n| outcome.seen < *n) {
        let within = timed_out
            .map(|d| format!(" within {}", humantime::format_duration(d)))
            .unwrap_or_default();
        eprintln!(
            "hookline: expectation not met: expected {}, {} arrived{within}",
            events(n),
            outcome.seen
        );
    }
    for (number, why) in &outcome.failed {
        eprintln!("hookline: expectation not met: event {number}: {why}");
    }
    let listed = outcome.failed.len() as u64;
    if outcome.failures > listed {
        eprintln!(
            "hookline: expectation not met: … and {} more events",
            outcome.failures - listed
        );
    }
    for glob in &outcome.missing {
        let within = timed_out
            .map(|d| format!(" within {}", humantime::format_duration(d)))
            .unwrap_or_default();
        eprintln!("hookline: expectation not met: no `{glob}` event arrived{within}");
    }
}

/// Renders events on the caller's thread; a [`Writer`] writes them out in the order they
/// were answered, and keeps the counts for the summary.
pub struct Printer {
    style: Style,
    /// `--quiet-filtered`: events filtered out by `--events` are counted, not shown.
    quiet_filtered: bool,
    writer: Arc<Writer<Summary>>,
}

impl Printer {
    pub fn start(style: Style, quiet_filtered: bool) -> Arc<Printer> {
        Arc::new(Printer {
            style,
            quiet_filtered,
            writer: Writer::start(),
        })
    }

    /// What to do when stdout closes (once).
    pub fn on_stdout_closed(&self, then: impl Fn() + Send + Sync + 'static) {
        self.writer.on_stdout_closed(then);
    }

    /// Whether stdout went away while events were being printed.
    pub fn stdout_closed(&self) -> bool {
        self.writer.stdout_closed()
    }

    /// Writes what is left and returns the counts.
    pub fn finish(&self) -> Summary {
        self.writer.finish()
    }

    fn push(&self, to_stderr: bool, text: &str, count: impl FnOnce(&mut Summary)) {
        self.writer.push(to_stderr, text, count);
    }

    /// The event's JSON line, written straight into the output buffer (no String made and
    /// copied), and handed from there to `keep` when given.
    fn write_json_line(&self, event: &Event, keep: Option<&mut dyn FnMut(&str)>) {
        self.writer.push_with(
            false,
            |out| {
                let start = out.len();
                event.write_json_line(out);
                if let Some(keep) = keep {
                    keep(std::str::from_utf8(&out[start..]).expect("the line is UTF-8"));
                }
                out.push(b'\n');
            },
            |s| s.count(event),
        );
    }
}

impl Reporter for Printer {
    fn event(&self, event: &Event) {
        if event.filtered {
            // Not a capture: never on stdout with --json; a dim line for people.
            let show = !self.quiet_filtered && self.style != Style::Json;
            let text = if show {
                render_filtered(event)
            } else {
                String::new()
            };
            self.push(false, &text, |s| s.filtered += 1);
            return;
        }
        match (self.style, &event.json) {
            // Written by --save, or for the inspector: not serialised twice.
            (Style::Json, Some(line)) => self
                .writer
                .push_parts(false, &[line, "\n"], |s| s.count(event)),
            (Style::Json, None) => self.write_json_line(event, None),
            (Style::Human { full }, _) => {
                self.push(false, &render_event(event, full), |s| s.count(event))
            }
        }
    }

    fn event_and_line(&self, event: &Event, keep: &mut dyn FnMut(&str)) {
        if self.style == Style::Json && event.json.is_none() && !event.filtered {
            return self.write_json_line(event, Some(keep));
        }
        event.with_json_line(keep);
        self.event(event);
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

/// One dim line for an event `--events` filtered out.
fn render_filtered(event: &Event) -> String {
    let c = &event.capture;
    let kind = c.event.as_deref().unwrap_or("no event type");
    format!(
        "{}\n",
        format!(
            "{}  {} {}  → {}  filtered: {}",
            clock(event.at),
            printable(&c.method),
            printable(&c.path),
            event.answer.status,
            printable(kind)
        )
        .dimmed()
    )
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
        let line = match (&fwd.url, fwd.skipped) {
            (_, Some(why)) => format!("  {} {}", "forward".blue().bold(), why.dimmed()),
            (Some(url), None) => {
                let route = fwd
                    .route
                    .as_deref()
                    .map(|r| format!(" ({})", printable(r)))
                    .unwrap_or_default();
                format!(
                    "  {} {}{route} → {result}  {}",
                    "forward".blue().bold(),
                    printable(url),
                    millis_text(fwd.latency_ms).dimmed()
                )
            }
            (None, None) => String::new(),
        };
        lines.push(line);
        // An app that failed says why in its body: its first line, shortened.
        let failed = fwd.status.is_some_and(|s| !(200..300).contains(&s));
        let said = fwd.response.as_ref().and_then(|r| r.body_text());
        if let (true, Some(said)) = (failed, said.map(str::trim).filter(|b| !b.is_empty())) {
            let first = said.lines().next().unwrap_or_default();
            lines.push(format!(
                "  {} {}",
                "app said".blue(),
                printable(&shorten(first, 200)).dimmed()
            ));
        }
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
