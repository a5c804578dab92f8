//! Fixtures for `send`: a file (its bytes are the body), a capture/envelope file (its body
//! and headers), a directory (its files in name order, hidden ones skipped), or `-` for
//! standard input.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use crate::capture::Capture;
use crate::signing::{header_values, Header};

/// One payload to deliver.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Where it came from, for messages: the path, or "standard input".
    pub label: String,
    /// The file, when it is one.
    pub path: Option<PathBuf>,
    /// The event name: the envelope's `event`, else the file name without extension.
    pub event: Option<String>,
    pub content_type: Option<String>,
    /// Headers an envelope carries (its signature headers are dropped: send signs afresh).
    pub headers: Vec<Header>,
    pub body: Vec<u8>,
    /// The envelope itself, for a dead letter to keep what it knew.
    pub capture: Option<Capture>,
}

/// Expands the arguments into fixtures, in order (directories: see [`crate::files`]; with
/// `recursive`, their subdirectories too). Fails on the first unreadable one.
pub fn load_all(args: &[PathBuf], recursive: bool) -> Result<Vec<Fixture>> {
    let mut fixtures = Vec::new();
    for arg in args {
        if arg == Path::new("-") {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("standard input")?;
            fixtures.push(from_bytes("standard input".to_string(), None, bytes)?);
        } else if arg.is_dir() {
            let files = crate::files::files_in(arg, recursive)?;
            if files.is_empty() {
                bail!("{}: the directory has no fixture files", arg.display());
            }
            for file in files {
                fixtures.push(load_file(&file)?);
            }
        } else {
            fixtures.push(load_file(arg)?);
        }
    }
    Ok(fixtures)
}

fn load_file(path: &Path) -> Result<Fixture> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| label.clone())?;
    from_bytes(label, Some(path), bytes)
}

fn from_bytes(label: String, path: Option<&Path>, bytes: Vec<u8>) -> Result<Fixture> {
    let stem = path
        .and_then(|p| p.file_stem())
        .and_then(|s| s.to_str())
        .map(str::to_string);
    if crate::capture::looks_like_capture(&bytes) {
        let capture = Capture::from_json(&bytes).map_err(|e| anyhow!("{label}: {e}"))?;
        let content_type = header_values(&capture.headers, "content-type")
            .next()
            .map(str::to_string);
        let headers = capture
            .headers
            .iter()
            .filter(|(name, _)| !is_signature_or_framing(name))
            .cloned()
            .collect();
        return Ok(Fixture {
            label,
            path: path.map(Path::to_path_buf),
            event: capture.event.clone().or(stem),
            content_type,
            headers,
            body: capture.body.clone(),
            capture: Some(capture),
        });
    }
    let content_type = path.and_then(content_type_for).map(str::to_string);
    Ok(Fixture {
        label,
        path: path.map(Path::to_path_buf),
        event: stem,
        content_type,
        headers: Vec::new(),
        body: bytes,
        capture: None,
    })
}

/// Headers an envelope may carry that send replaces: every scheme's signing headers, its
/// event and delivery-id headers, and those that belong to one connection or are recomputed.
fn is_signature_or_framing(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let replaced_by_send = crate::signing::Scheme::ALL
        .iter()
        .flat_map(|s| [s.headers().event, s.headers().delivery_id])
        .flatten()
        .any(|n| n.eq_ignore_ascii_case(&lower));
    crate::signing::is_signing_header(&lower)
        || replaced_by_send
        || matches!(
            lower.as_str(),
            "host" | "content-length" | "content-type" | "connection" | "transfer-encoding"
        )
}

/// Content-Type from the file extension.
fn content_type_for(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "json" => Some("application/json"),
        "xml" => Some("application/xml"),
        "txt" => Some("text/plain; charset=utf-8"),
        "form" => Some("application/x-www-form-urlencoded"),
        _ => None,
    }
}
