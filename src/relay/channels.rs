//! The relay's channels: unguessable ids and the SHA-256 of each subscriber token (never
//! the token), kept in a `--state` file so a restart keeps them; unused ones expire.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Clone, Serialize, Deserialize)]
struct Record {
    /// Hex SHA-256 of the subscriber token.
    token_sha256: String,
    /// Unix seconds.
    created_at: u64,
    last_used: u64,
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
    inner: Mutex<HashMap<String, Record>>,
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

impl Channels {
    /// Reads `path` when it exists (an unreadable or malformed file is an error, not a
    /// silent reset); drops channels unused for longer than `ttl`.
    pub fn open(path: Option<&Path>, ttl: Duration, max: usize, now: u64) -> Result<Channels> {
        let mut channels = HashMap::new();
        if let Some(path) = path.filter(|p| p.exists()) {
            let text =
                std::fs::read(path).with_context(|| format!("--state {}", path.display()))?;
            let file: StateFile = serde_json::from_slice(&text)
                .with_context(|| format!("--state {}: not a relay state file", path.display()))?;
            channels = file.channels;
        }
        let store = Channels {
            path: path.map(Path::to_path_buf),
            ttl,
            max,
            inner: Mutex::new(channels),
        };
        store.expire(now)?;
        Ok(store)
    }

    pub fn len(&self) -> usize {
        crate::lock(&self.inner).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A channel id of 128 random bits and a token of 256, both URL-safe base64.
    pub fn create(&self, now: u64) -> Result<Result<Created, CreateError>> {
        let mut inner = crate::lock(&self.inner);
        if inner.len() >= self.max {
            return Ok(Err(CreateError::Full));
        }
        let id = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
        let token = format!("hlr_{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()));
        inner.insert(
            id.clone(),
            Record {
                token_sha256: hex::encode(Sha256::digest(token.as_bytes())),
                created_at: now,
                last_used: now,
            },
        );
        self.persist(&inner)?;
        Ok(Ok(Created { id, token }))
    }

    pub fn exists(&self, id: &str) -> bool {
        crate::lock(&self.inner).contains_key(id)
    }

    /// Whether `token` is `id`'s. Compared in constant time; an unknown channel costs the
    /// same as a wrong token, so the answer tells nothing about which it was.
    pub fn authorize(&self, id: &str, token: &str) -> bool {
        let given = Sha256::digest(token.as_bytes());
        let inner = crate::lock(&self.inner);
        let (known, expected) = match inner
            .get(id)
            .and_then(|r| hex::decode(&r.token_sha256).ok())
        {
            Some(hash) => (true, hash),
            None => (false, vec![0u8; 32]),
        };
        let same: bool = given.as_slice().ct_eq(&expected).into();
        known && same
    }

    /// Marks a channel used (an event, or a subscriber); written out by [`Channels::expire`].
    pub fn touch(&self, id: &str, now: u64) {
        if let Some(record) = crate::lock(&self.inner).get_mut(id) {
            record.last_used = now;
        }
    }

    /// Drops channels unused for longer than the TTL and writes the state out.
    pub fn expire(&self, now: u64) -> Result<usize> {
        let mut inner = crate::lock(&self.inner);
        let before = inner.len();
        let ttl = self.ttl.as_secs();
        inner.retain(|_, r| now.saturating_sub(r.last_used) <= ttl);
        self.persist(&inner)?;
        Ok(before - inner.len())
    }

    /// Written whole to a temp file beside the state file, then renamed over it (0600).
    fn persist(&self, channels: &HashMap<String, Record>) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let file = StateFile {
            hookline_relay: 1,
            channels: channels.clone(),
        };
        let json = serde_json::to_string_pretty(&file)?;
        crate::capture::write_json_file(path, &json, false)
            .with_context(|| format!("--state {}", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_authorize_only_their_channel_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let ttl = Duration::from_secs(3600);
        let store = Channels::open(Some(&path), ttl, 10, 1000).unwrap();
        let a = store.create(1000).unwrap().unwrap();
        let b = store.create(1000).unwrap().unwrap();
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
        assert_eq!(again.expire(5000).unwrap(), 1);
        assert!(again.exists(&a.id) && !again.exists(&b.id));
    }

    #[test]
    fn a_full_relay_refuses_new_channels() {
        let store = Channels::open(None, Duration::from_secs(60), 1, 0).unwrap();
        assert!(store.create(0).unwrap().is_ok());
        assert_eq!(store.create(0).unwrap().err(), Some(CreateError::Full));
    }
}
