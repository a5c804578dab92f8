//! Where the relay keeps its channels: in memory and a `--state` file (one relay), or in a
//! NATS key-value bucket shared by several. The relay asks the same questions of both.

use std::sync::Arc;

use super::channels::{token_matches, Channels, CreateError, Created, StateError};
use super::kv_channels::{KvChannels, KvError};

pub enum ChannelStore {
    File(Arc<Channels>),
    Nats(Box<KvChannels>),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this relay has as many channels as it keeps")]
    Full,
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Nats(#[from] KvError),
}

impl ChannelStore {
    /// A new channel, answered once it is stored (on disk, or in the bucket).
    pub async fn create(&self, now: u64) -> Result<Created, StoreError> {
        match self {
            ChannelStore::File(channels) => {
                let (created, change) = channels.create(now).map_err(|e| match e {
                    CreateError::Full => StoreError::Full,
                })?;
                channels.saved(change).await?;
                Ok(created)
            }
            ChannelStore::Nats(kv) => kv.create(now).await?.ok_or(StoreError::Full),
        }
    }

    /// Whether the channel exists. In memory for one relay; a lookup in the bucket for
    /// several (so asked only once a request found no subscriber).
    pub async fn exists(&self, id: &str) -> Result<bool, StoreError> {
        match self {
            ChannelStore::File(channels) => Ok(channels.exists(id)),
            ChannelStore::Nats(kv) => Ok(kv.record(id).await?.is_some()),
        }
    }

    /// Whether the channel is known not to exist without asking anyone else: a single
    /// relay refuses a request for an unknown channel before reading its body.
    pub fn known_missing(&self, id: &str) -> bool {
        match self {
            ChannelStore::File(channels) => !channels.exists(id),
            ChannelStore::Nats(_) => false,
        }
    }

    /// Whether `token` is the channel's (an unknown channel and a wrong token look alike).
    pub async fn authorize(&self, id: &str, token: &str) -> Result<bool, StoreError> {
        match self {
            ChannelStore::File(channels) => Ok(channels.authorize(id, token)),
            ChannelStore::Nats(kv) => Ok(token_matches(kv.record(id).await?.as_ref(), token)),
        }
    }

    /// Removes a channel; false when there was none.
    pub async fn remove(&self, id: &str) -> Result<bool, StoreError> {
        match self {
            ChannelStore::File(channels) => match channels.remove(id) {
                Some(change) => {
                    channels.saved(change).await?;
                    Ok(true)
                }
                None => Ok(false),
            },
            ChannelStore::Nats(kv) => Ok(kv.remove(id).await?),
        }
    }

    /// Marks a channel used: it expires a TTL after its last use.
    pub fn touch(&self, id: &str, now: u64) {
        match self {
            ChannelStore::File(channels) => channels.touch(id, now),
            ChannelStore::Nats(kv) => kv.touch(id, now),
        }
    }

    /// Drops unused channels (a channel `in_use` says has a subscriber counts as used)
    /// and writes the state file; how many went. NATS ages a bucket's channels out by
    /// itself: there, only this relay's bookkeeping is pruned.
    pub async fn expire(
        &self,
        now: u64,
        in_use: impl Fn(&str) -> bool + Send + 'static,
    ) -> Result<usize, StoreError> {
        match self {
            ChannelStore::File(channels) => {
                let channels = channels.clone();
                tokio::task::spawn_blocking(move || channels.expire(now, in_use))
                    .await
                    .unwrap_or(Ok(0))
                    .map_err(StoreError::from)
            }
            ChannelStore::Nats(kv) => {
                kv.prune(now);
                Ok(0)
            }
        }
    }
}
