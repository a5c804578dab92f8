//! `send --watch`: which fixture files changed. Events from notify are debounced (editors
//! write a file in several steps), and a file whose bytes hash the same as when last seen
//! (sent, or found broken) is not reported: saving without a change, `touch`, or reading
//! the file (which inotify also reports) does nothing. Files are named as the user named
//! them (or their folder).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

/// Quiet time after the last event before a change is acted on.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

pub struct FixtureWatcher {
    // Kept alive: dropping it stops the events.
    _watcher: RecommendedWatcher,
    events: mpsc::UnboundedReceiver<PathBuf>,
    /// Named files (watched through their directory) and watched directories, each with
    /// the path the user gave, for display.
    files: HashMap<PathBuf, PathBuf>,
    dirs: HashMap<PathBuf, PathBuf>,
    sent: HashMap<PathBuf, [u8; 32]>,
}

impl FixtureWatcher {
    /// Watches the FIXTURE arguments (files or directories; not `-`).
    pub fn new(args: &[PathBuf]) -> Result<Self> {
        let (tx, events) = mpsc::unbounded_channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                // Only writes, creations and renames change a fixture; opening and
                // reading one (as sending it does) must not look like a change.
                let event = event
                    .ok()
                    .filter(|e| !matches!(e.kind, notify::EventKind::Access(_)));
                if let Some(event) = event {
                    for path in event.paths {
                        let _ = tx.send(path);
                    }
                }
            })
            .map_err(|e| anyhow!("cannot watch files: {e}"))?;
        let (mut files, mut dirs) = (HashMap::new(), HashMap::new());
        for arg in args {
            if arg == Path::new("-") {
                bail!("standard input cannot be watched: give fixture files or directories");
            }
            let full = std::fs::canonicalize(arg).map_err(|e| anyhow!("{}: {e}", arg.display()))?;
            // A file is watched through its directory: editors replace files by renaming.
            let dir = if full.is_dir() {
                dirs.insert(full.clone(), arg.clone());
                full
            } else {
                let parent = full.parent().map(Path::to_path_buf).unwrap_or_default();
                files.insert(full, arg.clone());
                parent
            };
            watcher
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(|e| anyhow!("{}: {e}", dir.display()))?;
        }
        Ok(FixtureWatcher {
            _watcher: watcher,
            events,
            files,
            dirs,
            sent: HashMap::new(),
        })
    }

    /// Records the bytes `path` (as the user named it) holds now, so the same bytes are
    /// not reported again (for the files sent before watching starts).
    pub fn seen(&mut self, path: &Path) {
        if let (Ok(full), Ok(bytes)) = (std::fs::canonicalize(path), std::fs::read(path)) {
            self.sent.insert(full, Sha256::digest(&bytes).into());
        }
    }

    /// Waits for the next batch of fixture files whose bytes changed, in name order, as
    /// the user named them; their new bytes count as seen.
    pub async fn changed(&mut self) -> Vec<PathBuf> {
        loop {
            let Some(first) = self.events.recv().await else {
                return Vec::new();
            };
            let mut touched = BTreeSet::from([first]);
            while let Ok(Some(path)) = tokio::time::timeout(DEBOUNCE, self.events.recv()).await {
                touched.insert(path);
            }
            let mut changed = Vec::new();
            for path in touched {
                let Some(name) = self.display_name(&path) else {
                    continue;
                };
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                // Seen from now on, sent or found broken: the same bytes are not reported
                // again (a broken save is said once, not until it is fixed).
                let hash: [u8; 32] = Sha256::digest(&bytes).into();
                if self.sent.insert(path, hash) != Some(hash) {
                    changed.push(name);
                }
            }
            if !changed.is_empty() {
                return changed;
            }
        }
    }

    /// The user's name for a fixture file, or `None` when `path` is not one.
    fn display_name(&self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?;
        if !path.is_file() || crate::files::is_skipped(path) {
            return None;
        }
        if let Some(given) = self.files.get(path) {
            return Some(given.clone());
        }
        let dir = self.dirs.get(path.parent()?)?;
        Some(dir.join(name))
    }
}
