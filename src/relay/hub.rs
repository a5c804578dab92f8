//! Where relayed requests meet subscribers. [`Hub`] is the whole routing interface: this
//! process keeps subscribers in memory ([`LocalHub`]); relays behind a load balancer would
//! implement it over a shared pub/sub (say, Redis), the server code unchanged.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::frame::{self, AnswerHead, RequestHead};

/// Why a relayed request got no answer.
#[derive(Debug, PartialEq, Eq)]
pub enum DispatchError {
    /// Nobody subscribed to the channel (503).
    NoSubscriber,
    /// The channel's in-flight cap is reached (503).
    Busy,
    /// The subscriber went away before answering (502).
    Gone,
    /// No answer within the wait (504).
    TimedOut,
}

pub trait Hub: Send + Sync + 'static {
    /// A subscriber for `channel`: frames to send it arrive on the receiver. A newer
    /// subscriber replaces an older one, whose receiver then ends.
    fn attach(&self, channel: &str) -> (Subscription, mpsc::Receiver<Bytes>);
    /// Ends a subscription; its unanswered requests get [`DispatchError::Gone`].
    fn detach(&self, subscription: &Subscription);
    /// An answer from a subscriber; false when no request of that id is waiting there.
    fn answer(&self, subscription: &Subscription, head: AnswerHead, body: Bytes) -> bool;
    /// Sends a request to the channel's subscriber and waits up to `wait` for its answer.
    fn dispatch(
        &self,
        channel: &str,
        head: RequestHead,
        body: &[u8],
        wait: Duration,
    ) -> impl Future<Output = Result<(AnswerHead, Bytes), DispatchError>> + Send;
}

/// One subscriber's connection, as the hub knows it.
#[derive(Clone)]
pub struct Subscription {
    pub channel: String,
    link: Arc<Link>,
}

type Pending = HashMap<u64, oneshot::Sender<(AnswerHead, Bytes)>>;

struct Link {
    frames: mpsc::Sender<Bytes>,
    /// The requests in flight on this link, waiting for their answers.
    pending: Mutex<Pending>,
}

pub struct LocalHub {
    links: Mutex<HashMap<String, Arc<Link>>>,
    next_id: AtomicU64,
    max_in_flight: usize,
}

impl LocalHub {
    pub fn new(max_in_flight: usize) -> Self {
        LocalHub {
            links: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            max_in_flight,
        }
    }
}

impl Hub for LocalHub {
    fn attach(&self, channel: &str) -> (Subscription, mpsc::Receiver<Bytes>) {
        let (frames, rx) = mpsc::channel(self.max_in_flight.max(1));
        let link = Arc::new(Link {
            frames,
            pending: Mutex::new(HashMap::new()),
        });
        crate::lock(&self.links).insert(channel.to_string(), link.clone());
        let subscription = Subscription {
            channel: channel.to_string(),
            link,
        };
        (subscription, rx)
    }

    fn detach(&self, subscription: &Subscription) {
        let mut links = crate::lock(&self.links);
        if links
            .get(&subscription.channel)
            .is_some_and(|l| Arc::ptr_eq(l, &subscription.link))
        {
            links.remove(&subscription.channel);
        }
        drop(links);
        // Dropping the senders wakes every waiting request with Gone.
        crate::lock(&subscription.link.pending).clear();
    }

    fn answer(&self, subscription: &Subscription, head: AnswerHead, body: Bytes) -> bool {
        let waiting = crate::lock(&subscription.link.pending).remove(&head.id);
        match waiting {
            Some(tx) => {
                let _ = tx.send((head, body));
                true
            }
            None => false,
        }
    }

    async fn dispatch(
        &self,
        channel: &str,
        mut head: RequestHead,
        body: &[u8],
        wait: Duration,
    ) -> Result<(AnswerHead, Bytes), DispatchError> {
        let link = crate::lock(&self.links)
            .get(channel)
            .cloned()
            .ok_or(DispatchError::NoSubscriber)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        head.id = id;
        let (tx, rx) = oneshot::channel();
        {
            let mut pending = crate::lock(&link.pending);
            if pending.len() >= self.max_in_flight {
                return Err(DispatchError::Busy);
            }
            pending.insert(id, tx);
        }
        // Undone however this ends, even when the sender hangs up and the wait is dropped.
        let _in_flight = InFlight { link: &link, id };
        link.frames
            .send(frame::encode(&head, body))
            .await
            .map_err(|_| DispatchError::Gone)?;
        match tokio::time::timeout(wait, rx).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err(DispatchError::Gone),
            Err(_) => Err(DispatchError::TimedOut),
        }
    }
}

struct InFlight<'a> {
    link: &'a Link,
    id: u64,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        crate::lock(&self.link.pending).remove(&self.id);
    }
}
