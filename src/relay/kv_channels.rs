//! Channels shared by relays over NATS: one JetStream key-value bucket, a key per channel
//! id, its value the record a single relay keeps in its state file (token hash, created,
//! last used). The bucket's `max_age` is the channel TTL, so NATS forgets unused channels
//! by itself; a channel in use is written again (its age reset) at most about once a day.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::{self, kv, stream};

use super::channels::{new_id_and_token, Created, Record};

/// The channel store could not answer (NATS unreachable, the bucket gone).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KvError(pub String);

fn kv_error(what: &str, e: impl std::fmt::Display) -> KvError {
    KvError(format!("{what}: {e}"))
}

pub struct KvChannels {
    store: kv::Store,
    js: jetstream::Context,
    stream_name: String,
    max: usize,
    /// How often a channel in use has its age reset.
    refresh_every: u64,
    /// When this relay last reset each channel's age (unix seconds); pruned as they age.
    refreshed: Arc<Mutex<HashMap<String, u64>>>,
}

impl KvChannels {
    /// Opens the bucket, making its stream when there is none. The stream is made here,
    /// not through the client's bucket call, whose request shape older servers (2.9)
    /// do not answer as it expects; the settings are those of a key-value bucket.
    pub async fn open(
        client: &async_nats::Client,
        bucket: &str,
        ttl: Duration,
        max: usize,
    ) -> Result<KvChannels, KvError> {
        let js = jetstream::new(client.clone());
        let stream_name = format!("KV_{bucket}");
        if js.get_stream(&stream_name).await.is_err() {
            let config = stream::Config {
                name: stream_name.clone(),
                subjects: vec![format!("$KV.{bucket}.>")],
                max_messages_per_subject: 1,
                max_age: ttl,
                allow_rollup: true,
                deny_delete: true,
                allow_direct: true,
                discard: stream::DiscardPolicy::New,
                storage: stream::StorageType::File,
                num_replicas: 1,
                duplicate_window: Duration::from_secs(120).min(ttl),
                ..Default::default()
            };
            // Another relay may make it at the same moment: then it is there to open.
            if let Err(e) = js.create_stream(config).await {
                if js.get_stream(&stream_name).await.is_err() {
                    return Err(kv_error("cannot make the channel bucket", e));
                }
            }
        }
        let store = js
            .get_key_value(bucket)
            .await
            .map_err(|e| kv_error("cannot open the channel bucket", e))?;
        Ok(KvChannels {
            store,
            js,
            stream_name,
            max,
            refresh_every: (ttl.as_secs() / 2).clamp(1, 86_400),
            refreshed: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The channel's record, or `None` when there is no such channel.
    pub async fn record(&self, id: &str) -> Result<Option<Record>, KvError> {
        let value = self
            .store
            .get(id)
            .await
            .map_err(|e| kv_error("channel lookup", e))?;
        Ok(value.and_then(|v| serde_json::from_slice(&v).ok()))
    }

    /// A new channel, stored with an atomic create (an id already there is never
    /// overwritten). Refused once the bucket holds `max` keys.
    pub async fn create(&self, now: u64) -> Result<Option<Created>, KvError> {
        if self.count().await? >= self.max as u64 {
            return Ok(None);
        }
        loop {
            let (id, token) = new_id_and_token();
            let value = serde_json::to_vec(&Record::new(&token, now)).expect("a record serialises");
            match self.store.create(&id, value.into()).await {
                Ok(_) => return Ok(Some(Created { id, token })),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => continue,
                Err(e) => return Err(kv_error("cannot store the channel", e)),
            }
        }
    }

    /// Removes a channel; false when there was none.
    pub async fn remove(&self, id: &str) -> Result<bool, KvError> {
        if self.record(id).await?.is_none() {
            return Ok(false);
        }
        self.store
            .delete(id)
            .await
            .map_err(|e| kv_error("cannot delete the channel", e))?;
        crate::lock(&self.refreshed).remove(id);
        Ok(true)
    }

    /// Keys in the bucket (deleted channels count until their marker ages out).
    async fn count(&self) -> Result<u64, KvError> {
        let mut stream = self
            .js
            .get_stream(&self.stream_name)
            .await
            .map_err(|e| kv_error("channel count", e))?;
        let info = stream
            .info()
            .await
            .map_err(|e| kv_error("channel count", e))?;
        Ok(info.state.messages)
    }

    /// Marks a channel used: its record is written again (resetting its age) when this
    /// relay has not done so for `refresh_every`. Only for channels known to exist (an
    /// answered request, a subscriber), so the map holds real channels only.
    pub fn touch(&self, id: &str, now: u64) {
        {
            let mut refreshed = crate::lock(&self.refreshed);
            match refreshed.get(id) {
                Some(&at) if now.saturating_sub(at) < self.refresh_every => return,
                _ => refreshed.insert(id.to_string(), now),
            };
        }
        let store = self.store.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            // Rewritten only if unchanged since read: a deletion is never undone.
            if let Ok(Some(entry)) = store.entry(&id).await {
                if entry.operation != kv::Operation::Put {
                    return;
                }
                if let Ok(mut record) = serde_json::from_slice::<Record>(&entry.value) {
                    record.last_used = now;
                    let value = serde_json::to_vec(&record).expect("a record serialises");
                    let _ = store.update(&id, value.into(), entry.revision).await;
                }
            }
        });
    }

    /// Forgets refresh times older than the refresh period (their channels are refreshed
    /// again at their next use).
    pub fn prune(&self, now: u64) {
        let every = self.refresh_every;
        crate::lock(&self.refreshed).retain(|_, at| now.saturating_sub(*at) < every);
    }

    /// Copies a single relay's channels into the bucket when it is empty (the first start
    /// of a cluster); a bucket with channels in it is left alone, so the import happens
    /// once. Returns how many were imported, or `None` when the bucket had channels.
    pub async fn import(&self, records: Vec<(String, Record)>) -> Result<Option<usize>, KvError> {
        if self.count().await? > 0 {
            return Ok(None);
        }
        let mut imported = 0;
        for (id, record) in records {
            let value = serde_json::to_vec(&record).expect("a record serialises");
            match self.store.create(&id, value.into()).await {
                Ok(_) => imported += 1,
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {}
                Err(e) => return Err(kv_error("import", e)),
            }
        }
        Ok(Some(imported))
    }
}
