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
