//! `replay`'s inputs: capture files (read and checked up front), directories of them, and
//! JSON lines (streamed by a reader thread through a bounded channel).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use tokio::sync::mpsc;

use crate::capture::{Capture, JsonLines, LineError};

/// One capture to replay, named `file` or `file:line` for messages.
pub struct Item {
    pub label: String,
    pub capture: Capture,
}

/// The captures read from files, by the index of their input.
pub type Files = BTreeMap<usize, Vec<Item>>;

pub enum Input {
    /// One capture (`.json`, or anything not named `.jsonl`/`.ndjson`).
    File(PathBuf),
    /// JSON lines: a `.jsonl`/`.ndjson` file, or standard input.
    Lines(Option<PathBuf>),
}

/// The arguments as inputs, directories expanded in name order (hidden files skipped);
/// with `all_lines` (`--jsonl`), every file is read as JSON lines.
pub fn expand(args: &[PathBuf], recursive: bool, all_lines: bool) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for arg in args {
        if arg == Path::new("-") {
            inputs.push(Input::Lines(None));
        } else if arg.is_dir() {
            let found = crate::files::files_in(arg, recursive)?;
            if found.is_empty() {
                bail!("{}: the directory has no captures", arg.display());
            }
            inputs.extend(found.into_iter().map(|p| classify(p, all_lines)));
        } else if arg.exists() {
            inputs.push(classify(arg.clone(), all_lines));
        } else {
            bail!("{}: no such file or directory", arg.display());
        }
    }
    Ok(inputs)
}

fn classify(path: PathBuf, all_lines: bool) -> Input {
    match path.extension().and_then(|e| e.to_str()) {
        _ if all_lines => Input::Lines(Some(path)),
        Some("jsonl" | "ndjson") => Input::Lines(Some(path)),
        _ => Input::File(path),
    }
}

pub fn read_capture(path: &Path) -> Result<Item> {
    let label = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| label.clone())?;
    let capture = Capture::from_json(&bytes).map_err(|e| {
        if looks_like_json_lines(&bytes) {
            anyhow!("{label}: looks like JSON lines (one capture per line): name it .jsonl or pass --jsonl")
        } else {
            anyhow!("{label}: {e}")
        }
    })?;
    Ok(Item { label, capture })
}

/// Two or more non-empty lines, each a JSON object on its own.
fn looks_like_json_lines(bytes: &[u8]) -> bool {
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|l| !l.is_empty());
    let objects = lines
        .by_ref()
        .take(3)
        .filter(|l| {
            serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok() && l.starts_with(b"{")
        })
        .count();
    objects >= 2
}

/// A JSON-lines file read through once before anything is done with it: a bad line stops
/// the run before it starts, not halfway through. (Standard input and pipes stream.)
pub fn check_lines(path: &Path) -> Result<()> {
    let label = path.display().to_string();
    let is_regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if !is_regular {
        return Ok(());
    }
    let file = File::open(path).with_context(|| label.clone())?;
    let lines = JsonLines::new(BufReader::with_capacity(256 * 1024, file));
    for next in lines {
        if let Err(e) = next {
            bail!("{label}: {e}");
        }
    }
    Ok(())
}

/// What the reader thread hands over: a batch of items, the last possibly an error.
pub type Batch = Vec<Result<Item, String>>;

/// Items go over in batches, one hand-off (and one wake-up of the runtime) per batch rather
/// than per item. A batch goes when it holds 64 items or 1 MiB of bodies, and whenever the
/// reader would have to wait for more input, so a slow standard input still flows at once.
struct Batcher {
    tx: mpsc::Sender<Batch>,
    batch: Batch,
    bytes: usize,
}

impl Batcher {
    const ITEMS: usize = 64;
    const BYTES: usize = 1 << 20;

    /// False once the receiver is gone.
    fn push(&mut self, item: Result<Item, String>) -> bool {
        self.bytes += item.as_ref().map_or(0, |i| i.capture.body.len());
        self.batch.push(item);
        if self.batch.len() >= Self::ITEMS || self.bytes >= Self::BYTES {
            return self.flush();
        }
        true
    }

    fn flush(&mut self) -> bool {
        self.bytes = 0;
        let batch = std::mem::take(&mut self.batch);
        batch.is_empty() || self.tx.blocking_send(batch).is_ok()
    }
}

/// Sends every item in input order; stops at the first bad line unless skipping.
pub fn feed(inputs: Vec<Input>, mut files: Files, skip_invalid: bool, tx: mpsc::Sender<Batch>) {
    let mut out = Batcher {
        tx,
        batch: Vec::new(),
        bytes: 0,
    };
    for (i, input) in inputs.into_iter().enumerate() {
        match input {
            Input::File(_) => {
                for item in files.remove(&i).unwrap_or_default() {
                    if !out.push(Ok(item)) {
                        return;
                    }
                }
            }
            Input::Lines(path) => {
                let (label, reader): (String, Box<dyn Read>) = match &path {
                    None => ("standard input".into(), Box::new(std::io::stdin())),
                    Some(p) => match File::open(p) {
                        Ok(f) => (p.display().to_string(), Box::new(f)),
                        Err(e) => {
                            out.push(Err(format!("{}: {e}", p.display())));
                            out.flush();
                            return;
                        }
                    },
                };
                let mut lines = JsonLines::new(BufReader::with_capacity(256 * 1024, reader));
                while let Some(next) = lines.next() {
                    let item = match next {
                        Ok((line, capture)) => Ok(Item {
                            label: format!("{label}:{line}"),
                            capture,
                        }),
                        Err(LineError::Parse(e)) if skip_invalid => {
                            eprintln!("hookline: skipped {label}: {e}");
                            continue;
                        }
                        Err(e) => Err(format!("{label}: {e}")),
                    };
                    let stop = item.is_err();
                    if !out.push(item) || stop {
                        out.flush();
                        return;
                    }
                    if !lines.has_buffered_input() && !out.flush() {
                        return;
                    }
                }
            }
        }
    }
    out.flush();
}
