//! Dead letters, for `send` and `replay`: a request that failed for good, written as a
//! capture (SPEC §3) that `replay` and `verify` read, with the delivery's history.

use std::path::Path;

use anyhow::{anyhow, Result};
use serde_json::json;

use crate::capture::Capture;
use crate::delivery::AttemptRecord;

/// Adds `attempts` and `dead_letter` {to, reason, source} to the capture and writes it as
/// `DIR/<id>.json`, atomically.
pub fn write(
    dir: &Path,
    mut capture: Capture,
    attempts: &[AttemptRecord],
    reason: &str,
    to: &str,
    source: &str,
) -> Result<()> {
    let id = capture
        .id
        .clone()
        .unwrap_or_else(|| crate::ids::new_id("evt_"));
    capture.extra.insert("attempts".into(), json!(attempts));
    capture.extra.insert(
        "dead_letter".into(),
        json!({ "to": to, "reason": reason, "source": source }),
    );
    capture
        .write_file(&dir.join(format!("{id}.json")), false)
        .map_err(|e| anyhow!("--dead-letter {}: {e}", dir.display()))
}
