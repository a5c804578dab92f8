//! A verification result as one human line or one JSON object.

use colored::Colorize;
use serde_json::{json, Value};

use crate::signing::{Reason, Verdict};

/// `valid · github`, `invalid · stripe · timestamp 1,204 s old, tolerance 300 s`.
pub fn human_line(v: &Verdict, secrets_tried: usize) -> String {
    match v.reason {
        None => {
            let mut line = format!("{} · {}", "valid".green().bold(), v.scheme);
            if let (Some(i), true) = (v.matched_secret, secrets_tried > 1) {
                line.push_str(&format!(" · secret {} of {secrets_tried}", i + 1));
            }
            line
        }
        Some(reason) => format!(
            "{} · {} · {}",
            "invalid".red().bold(),
            v.scheme,
            plain_reason(reason, v.detail.as_deref())
        ),
    }
}

/// The reason in plain words: the detail says it all for mismatch and timestamps; the
/// others get a label in front of the detail.
pub fn plain_reason(reason: Reason, detail: Option<&str>) -> String {
    match (reason, detail) {
        (Reason::MissingSignature, Some(d)) => format!("missing signature ({d})"),
        (Reason::MalformedSignature, Some(d)) => format!("malformed signature ({d})"),
        (_, Some(d)) => d.to_string(),
        (r, None) => r.code().replace('_', " "),
    }
}

pub fn to_json(v: &Verdict) -> Value {
    json!({
        "valid": v.is_valid(),
        "scheme": v.scheme.name(),
        "reason": v.reason.map(|r| r.code()),
        "detail": v.detail,
        "secret_index": v.matched_secret,
    })
}

/// `verify` over many captures: a line (or JSON object) per capture, then a summary.
pub struct Tally {
    json: bool,
    secrets: usize,
    valid: usize,
    invalid: usize,
    out: std::io::BufWriter<std::io::Stdout>,
}

impl Tally {
    pub fn new(json: bool, secrets: usize) -> Self {
        Tally {
            json,
            secrets,
            valid: 0,
            invalid: 0,
            out: std::io::BufWriter::new(std::io::stdout()),
        }
    }

    /// `captures/a.json  valid · github`, or `{"source": …, "valid": …}`.
    pub fn add(&mut self, source: &str, v: &Verdict) -> std::io::Result<()> {
        use std::io::Write;
        if v.is_valid() {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        let line = if self.json {
            let mut object = to_json(v);
            object["source"] = Value::from(source);
            object.to_string()
        } else {
            format!(
                "{}  {}",
                crate::text::printable(source),
                human_line(v, self.secrets)
            )
        };
        match writeln!(self.out, "{line}") {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }

    /// Prints the summary (stderr with JSON); whether every capture was valid.
    pub fn finish(mut self) -> std::io::Result<bool> {
        use std::io::Write;
        let _ = self.out.flush();
        let total = self.valid + self.invalid;
        let text = format!(
            "{total} capture{}: {} valid, {} invalid",
            if total == 1 { "" } else { "s" },
            self.valid,
            self.invalid
        );
        if self.json {
            eprintln!("{text}");
        } else {
            super::print_stdout(&format!("{text}\n"))?;
        }
        Ok(self.invalid == 0)
    }
}
