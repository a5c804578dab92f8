//! The relay's channels: unguessable ids and the SHA-256 of each subscriber token (never
//! the token), kept in a `--state` file so a restart keeps them; unused ones expire.
//!
//! The file is written whole, off the runtime thread, and creations that arrive while a
//! write is under way share the next one (a group commit): a burst of creations costs a
//! few writes, not one each, and a new channel is answered only once it is on disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::watch;

#[derive(Clone, Serialize, Deserialize)]
pub struct Record {
    /// Hex SHA-256 of the subscriber token.
    pub token_sha256: String,
    /// Unix seconds.
    pub created_at: u64,
    pub last_used: u64,
}

impl Record {
    /// A new channel's record: its token's hash and its times.
    pub fn new(token: &str, now: u64) -> Record {
        Record {
            token_sha256: hex::encode(Sha256::digest(token.as_bytes())),
            created_at: now,
            last_used: now,
        }
    }
}

/// Whether `token` is the one `record` (if any) was made for. Compared in constant time;
/// an unknown channel costs the same as a wrong token, so the answer tells nothing about
/// which it was.
pub fn token_matches(record: Option<&Record>, token: &str) -> bool {
    let given = Sha256::digest(token.as_bytes());
    let (known, expected) = match record.and_then(|r| hex::decode(&r.token_sha256).ok()) {
        Some(hash) => (true, hash),
        None => (false, vec![0u8; 32]),
    };
    let same: bool = given.as_slice().ct_eq(&expected).into();
    known && same
}

/// Whether `id` can be a channel id: what [`new_id_and_token`] makes (URL-safe base64), bounded.
/// Anything else from a URL is refused before it is looked up (or becomes a NATS subject).
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A channel id of 128 random bits and a token of 256, both URL-safe base64. The id never
/// starts with `-`: it is typed as a command-line argument.
pub fn new_id_and_token() -> (String, String) {
    let id = loop {
        let id = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
        if !id.starts_with('-') {
            break id;
        }
    };
    let token = format!("hlr_{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
    (id, token)
}

#[derive(Default, Serialize, Deserialize)]
struct StateFile {
    hookline_relay: u32,
    channels: HashMap<String, Record>,
}

pub struct Channels {
    path: Option<PathBuf>,
    ttl: Duration,
    max: usize,
    inner: Mutex<Inner>,
    /// Held while the file is written, so writes land in the order of their snapshots.
    writing: Mutex<()>,
    /// A write is queued on the blocking pool and has not started yet.
    write_queued: AtomicBool,
    /// The newest change written out (or the write that failed).
    written: watch::Sender<Written>,
}

struct Inner {
    channels: HashMap<String, Record>,
    /// Counts changes that must reach the file (creations, expiries).
    changes: u64,
}

#[derive(Clone, Default)]
struct Written {
    changes: u64,
    failed: Option<String>,
}

/// A new channel: the id goes in URLs; the token is shown to its creator once.
pub struct Created {
    pub id: String,
    pub token: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateError {
    Full,
}

/// The state file could not be read or written; the command names its flag.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a relay state file ({source})", path.display())]
    Malformed {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: {why}", path.display())]
    Write { path: PathBuf, why: String },
}

type Result<T, E = StateError> = std::result::Result<T, E>;

impl Channels {
    /// Reads `path` when it exists (an unreadable or malformed file is an error, not a
    /// silent reset); drops channels unused for longer than `ttl`.
    pub fn open(path: Option<&Path>, ttl: Duration, max: usize, now: u64) -> Result<Channels> {
        let mut channels = HashMap::new();
        if let Some(path) = path.filter(|p| p.exists()) {
            let text = std::fs::read(path).map_err(|source| StateError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let file: StateFile =
                serde_json::from_slice(&text).map_err(|source| StateError::Malformed {
                    path: path.to_path_buf(),
                    source,
                })?;
            channels = file.channels;
        }
        let store = Channels {
            path: path.map(Path::to_path_buf),
            ttl,
            max,
            inner: Mutex::new(Inner {
                channels,
                changes: 0,
            }),
            writing: Mutex::new(()),
            write_queued: AtomicBool::new(false),
            written: watch::Sender::new(Written::default()),
        };
        store.expire(now, |_| false)?;
        Ok(store)
    }

    pub fn len(&self) -> usize {
        crate::lock(&self.inner).channels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A new channel ([`new_id_and_token`]): in memory at once, on disk once
    /// [`Channels::saved`] says so.
    pub fn create(&self, now: u64) -> Result<(Created, Change), CreateError> {
        let mut inner = crate::lock(&self.inner);
        if inner.channels.len() >= self.max {
            return Err(CreateError::Full);
        }
        let (id, token) = new_id_and_token();
        inner.channels.insert(id.clone(), Record::new(&token, now));
        inner.changes += 1;
        Ok((Created { id, token }, Change(inner.changes)))
    }

    /// Waits until `change` is in the state file, writing it (with every change made
    /// meanwhile) on the blocking pool unless a write under way already holds it.
    pub async fn saved(self: &Arc<Self>, change: Change) -> Result<()> {
        if self.path.is_none() {
            return Ok(());
        }
        let mut written = self.written.subscribe();
        if !self.write_queued.swap(true, Ordering::AcqRel) {
            // One write queued at a time: it takes every change made until it starts.
            let store = self.clone();
            tokio::task::spawn_blocking(move || {
                store.write_queued.store(false, Ordering::Release);
                let _ = store.write_out();
            });
        }
        let path = self.path.clone().unwrap_or_default();
        let now = written
            .wait_for(|w| w.changes >= change.0)
            .await
            .map_err(|_| StateError::Write {
                path: path.clone(),
                why: "the writer stopped".into(),
            })?
            .clone();
        match now.failed {
            Some(why) => Err(StateError::Write { path, why }),
            None => Ok(()),
        }
    }

    /// Removes a channel; the change to wait for, or `None` when there was no such channel.
    pub fn remove(&self, id: &str) -> Option<Change> {
        let mut inner = crate::lock(&self.inner);
        inner.channels.remove(id)?;
        inner.changes += 1;
        Some(Change(inner.changes))
    }

    pub fn exists(&self, id: &str) -> bool {
        crate::lock(&self.inner).channels.contains_key(id)
    }

    /// Whether `token` is `id`'s ([`token_matches`]).
    pub fn authorize(&self, id: &str, token: &str) -> bool {
        token_matches(crate::lock(&self.inner).channels.get(id), token)
    }

    /// Every channel's record, for an import into another store.
    pub fn records(&self) -> Vec<(String, Record)> {
        let inner = crate::lock(&self.inner);
        inner
            .channels
            .iter()
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect()
    }

    /// Marks a channel used (an event, or a subscriber); written out by [`Channels::expire`].
    pub fn touch(&self, id: &str, now: u64) {
        if let Some(record) = crate::lock(&self.inner).channels.get_mut(id) {
            record.last_used = now;
        }
    }

    /// Drops channels unused for longer than the TTL and writes the state out. A channel
    /// `in_use` says has a subscriber now counts as used now: it never expires while
    /// someone listens on it.
    pub fn expire(&self, now: u64, in_use: impl Fn(&str) -> bool) -> Result<usize> {
        let mut inner = crate::lock(&self.inner);
        let before = inner.channels.len();
        let ttl = self.ttl.as_secs();
        inner.channels.retain(|id, r| {
            if in_use(id) {
                r.last_used = now;
            }
            now.saturating_sub(r.last_used) <= ttl
        });
        let expired = before - inner.channels.len();
        inner.changes += 1;
        drop(inner);
        self.write_out()?;
        Ok(expired)
    }

    /// Writes every change so far, whole, to a temp file beside the state file, then
    /// renames it over the file (0600); publishes how far the file now is.
    fn write_out(&self) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let _writing = crate::lock(&self.writing);
        let (file, changes) = {
            let inner = crate::lock(&self.inner);
            if self.written.borrow().changes >= inner.changes {
                return Ok(());
            }
            let file = StateFile {
                hookline_relay: 1,
                channels: inner.channels.clone(),
            };
            (file, inner.changes)
        };
        let json = serde_json::to_string_pretty(&file).expect("the state serialises");
        let written = crate::files::write_atomic(path, &json, false);
        let failed = written.as_ref().err().map(|e| e.to_string());
        self.written.send_replace(Written { changes, failed });
        written.map_err(|e| StateError::Write {
            path: path.to_path_buf(),
            why: e.to_string(),
        })
    }
}

/// A change to the channels, to wait for with [`Channels::saved`].
#[derive(Debug, Clone, Copy)]
pub struct Change(u64);

#[cfg(test)]
mod tests {
    use super::*;

    /// A channel id is typed as an argument (`channel delete ID`): never a flag's look.
    #[test]
    fn channel_ids_never_start_with_a_dash() {
        let store = Channels::open(None, Duration::from_secs(60), 5000, 0).unwrap();
        for _ in 0..5000 {
            let (made, _) = store.create(0).unwrap();
            assert!(!made.id.starts_with('-'), "{}", made.id);
        }
    }

    #[test]
    fn tokens_authorize_only_their_channel_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let ttl = Duration::from_secs(3600);
        let store = Channels::open(Some(&path), ttl, 10, 1000).unwrap();
        let (a, _) = store.create(1000).unwrap();
        let (b, _) = store.create(1000).unwrap();
        store.expire(1000, |_| false).unwrap();
        assert!(a.id.len() >= 22 && !a.id.contains(['/', '+', '=']));
        assert!(store.authorize(&a.id, &a.token));
        assert!(!store.authorize(&a.id, &b.token));
        assert!(!store.authorize("nope", &a.token));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&a.token), "the state file holds hashes only");

        let again = Channels::open(Some(&path), ttl, 10, 2000).unwrap();
        assert!(again.authorize(&b.id, &b.token));
        // Unused past the TTL: gone.
        again.touch(&a.id, 5000);
        assert_eq!(again.expire(5000, |_| false).unwrap(), 1);
        assert!(again.exists(&a.id) && !again.exists(&b.id));
        // A channel with a subscriber never expires, however long since its last event.
        assert_eq!(again.expire(50_000, |id| id == a.id).unwrap(), 0);
        assert!(again.exists(&a.id));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn creations_wait_for_the_file_and_share_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let store =
            Arc::new(Channels::open(Some(&path), Duration::from_secs(60), 1000, 0).unwrap());
        let mut waits = Vec::new();
        for _ in 0..200 {
            let (created, change) = store.create(0).unwrap();
            let store = store.clone();
            waits.push(tokio::spawn(async move {
                store.saved(change).await.unwrap();
                created.id
            }));
        }
        for wait in waits {
            let id = wait.await.unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains(&id), "answered only once written");
        }
    }

    #[test]
    fn a_full_relay_refuses_new_channels() {
        let store = Channels::open(None, Duration::from_secs(60), 1, 0).unwrap();
        assert!(store.create(0).is_ok());
        assert_eq!(store.create(0).err(), Some(CreateError::Full));
    }
}
