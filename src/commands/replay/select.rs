//! Which captures `replay` sends: `--event`, `--only-valid`/`--only-invalid`,
//! `--since`/`--until`.

use std::time::SystemTime;

use crate::capture::Capture;
use crate::cli::ReplayArgs;

/// Which captures are replayed (`--event`, `--only-valid`/`--only-invalid`,
/// `--since`/`--until`). A capture without a receive time is left out by a time bound.
pub struct Selection {
    event: Option<glob::Pattern>,
    valid: Option<bool>,
    since: Option<SystemTime>,
    until: Option<SystemTime>,
}

impl Selection {
    pub fn from(args: &ReplayArgs) -> Self {
        let valid = match (args.only_valid, args.only_invalid) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        Selection {
            event: args.event.clone(),
            valid,
            since: args.since,
            until: args.until,
        }
    }

    pub fn wants(&self, c: &Capture) -> bool {
        if let Some(pattern) = &self.event {
            if !c.event.as_deref().is_some_and(|e| pattern.matches(e)) {
                return false;
            }
        }
        if let Some(valid) = self.valid {
            if c.verification.as_ref().map(|v| v.valid) != Some(valid) {
                return false;
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(at) = c
                .received_at
                .as_deref()
                .and_then(|t| humantime::parse_rfc3339_weak(t).ok())
            else {
                return false;
            };
            if self.since.is_some_and(|since| at < since)
                || self.until.is_some_and(|until| at >= until)
            {
                return false;
            }
        }
        true
    }
}
