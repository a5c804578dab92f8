//! `send --watch`: which fixture files changed. Events from notify are debounced (editors
//! write a file in several steps), and a file whose bytes hash the same as when last sent
//! is not reported: saving without a change, or `touch`, sends nothing.

use std::collections::{BTreeSet, HashMap, HashSet};
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
    /// Named files (watched through their directory) and watched directories.
    files: HashSet<PathBuf>,
    dirs: HashSet<PathBuf>,
    sent: HashMap<PathBuf, [u8; 32]>,
}

impl FixtureWatcher {
    /// Watches the FIXTURE arguments (files or directories; not `-`).
    pub fn new(args: &[PathBuf]) -> Result<Self> {
        let (tx, events) = mpsc::unbounded_channel();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    for path in event.paths {
                        let _ = tx.send(path);
                    }
                }
            })
            .map_err(|e| anyhow!("--watch: {e}"))?;
        let (mut files, mut dirs) = (HashSet::new(), HashSet::new());
        for arg in args {
            if arg == Path::new("-") {
                bail!("--watch needs fixture files or directories, not standard input");
            }
            let full = std::fs::canonicalize(arg).map_err(|e| anyhow!("{}: {e}", arg.display()))?;
            // A file is watched through its directory: editors replace files by renaming.
            let dir = if full.is_dir() {
                dirs.insert(full.clone());
                full
            } else {
                let parent = full.parent().map(Path::to_path_buf).unwrap_or_default();
                files.insert(full);
                parent
            };
            watcher
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(|e| anyhow!("--watch {}: {e}", dir.display()))?;
        }
        Ok(FixtureWatcher {
            _watcher: watcher,
            events,
            files,
            dirs,
            sent: HashMap::new(),
        })
    }

    /// Records what was sent for `path`, so the same bytes are not sent again.
    pub fn sent(&mut self, path: &Path, bytes: &[u8]) {
        if let Ok(full) = std::fs::canonicalize(path) {
            self.sent.insert(full, Sha256::digest(bytes).into());
        }
    }

    /// Waits for the next batch of fixture files whose bytes changed, in name order.
    pub async fn changed(&mut self) -> Vec<PathBuf> {
        loop {
            let Some(first) = self.events.recv().await else {
                return Vec::new();
            };
            let mut touched = BTreeSet::from([first]);
            while let Ok(Some(path)) = tokio::time::timeout(DEBOUNCE, self.events.recv()).await {
                touched.insert(path);
            }
            let changed: Vec<PathBuf> = touched
                .into_iter()
                .filter(|p| self.is_fixture(p))
                .filter(|p| self.bytes_changed(p))
                .collect();
            if !changed.is_empty() {
                return changed;
            }
        }
    }

    fn is_fixture(&self, path: &Path) -> bool {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        let in_dir = path.parent().is_some_and(|d| self.dirs.contains(d));
        path.is_file() && !hidden && (self.files.contains(path) || in_dir)
    }

    fn bytes_changed(&self, path: &Path) -> bool {
        match std::fs::read(path) {
            Ok(bytes) => {
                let hash: [u8; 32] = Sha256::digest(&bytes).into();
                self.sent.get(path) != Some(&hash)
            }
            Err(_) => false,
        }
    }
}
