//! Dead letters, for every batch of deliveries: a request that failed for good, written as
//! a capture that `replay` and `verify` read, with the delivery's history.

use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::capture::Capture;
use crate::delivery::AttemptRecord;
use crate::files::write_new;
use crate::ids::new_id;

/// Adds `attempts` and `dead_letter` {to, reason, source} to the capture and writes it
/// into `dir`, atomically, as a new file: never over another one, never outside `dir`
/// (see [`file_name`]). Returns the file written.
pub fn write(
    dir: &Path,
    mut capture: Capture,
    attempts: &[AttemptRecord],
    reason: &str,
    to: &str,
    source: &str,
) -> io::Result<PathBuf> {
    let name = file_name(capture.id.as_deref());
    capture.extra.insert("attempts".into(), json!(attempts));
    capture.extra.insert(
        "dead_letter".into(),
        json!({ "to": to, "reason": reason, "source": source }),
    );
    if capture.received_at.is_none() {
        capture.received_at = attempts.last().map(|a| a.at.clone());
    }
    let json = capture.to_json();
    let path = dir.join(&name);
    match write_new(&path, &json, false) {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            // Two dead letters of one capture (replayed twice): keep both.
            let again = format!("{}-{}.json", name.trim_end_matches(".json"), new_id(""));
            let path = dir.join(again);
            write_new(&path, &json, false).map(|()| path)
        }
        other => other.map(|()| path),
    }
}

/// `<id>.json` when the capture's id is a plain name (letters, digits, `-`, `_`, `.`, not
/// starting with a dot, at most 100 characters), so a dead letter is easy to find by its
/// event; anything else (`../x`, `/etc/x`, a NUL, a backslash) gets a generated name.
pub fn file_name(id: Option<&str>) -> String {
    let plain = |id: &&str| {
        !id.is_empty()
            && id.len() <= 100
            && !id.starts_with('.')
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    match id.filter(plain) {
        Some(id) => format!("{id}.json"),
        None => format!("{}.json", new_id("dl_")),
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn names_from_capture_ids_never_leave_the_folder() {
        assert_eq!(file_name(Some("evt_123.a-b")), "evt_123.a-b.json");
        for hostile in [
            "../x/package",
            "/etc/passwd",
            "a\\b",
            "..",
            ".hidden",
            "a\0b",
            "é",
            "",
        ] {
            let name = file_name(Some(hostile));
            assert!(
                name.starts_with("dl_") && name.ends_with(".json"),
                "{hostile:?} → {name}"
            );
        }
        assert!(file_name(None).starts_with("dl_"));
        assert!(file_name(Some(&"x".repeat(101))).starts_with("dl_"));
    }
}
