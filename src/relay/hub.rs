//! Where relayed requests meet subscribers. [`Hub`] is the whole routing interface: one
//! relay keeps its subscribers in memory ([`LocalHub`]); relays behind a load balancer
//! share them over NATS ([`super::nats::NatsHub`]), the server code unchanged.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::frame::{self, AnswerHead, HeadForm, RequestHead};

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
    /// The relays' message bus is unreachable (503).
    Unavailable,
    /// The subscriber's answer is larger than the message bus carries (502).
    AnswerTooLarge,
}

pub trait Hub: Send + Sync + 'static {
    /// Room for one request on a channel's subscriber, held from before its body is read
    /// until its answer: a sender is refused (no subscriber, busy) before it costs memory.
    type Reservation: Send;

    /// A subscriber for `channel`, reading heads as `frames`: frames to send it arrive on
    /// the receiver. A newer subscriber replaces an older one, whose
    /// [`Subscription::replaced`] then resolves.
    fn attach(
        &self,
        channel: &str,
        form: HeadForm,
    ) -> impl Future<Output = (Subscription, mpsc::Receiver<Bytes>)> + Send;
    /// Ends a subscription; its unanswered requests get [`DispatchError::Gone`].
    fn detach(&self, subscription: &Subscription);
    /// An answer from a subscriber; false when no request of that id is waiting there.
    fn answer(&self, subscription: &Subscription, head: AnswerHead, body: Bytes) -> bool;
    /// Whether a subscriber is connected to `channel` now.
    fn is_subscribed(&self, channel: &str) -> bool;
    /// Takes room for one request, or says why there is none.
    fn reserve(&self, channel: &str) -> Result<Self::Reservation, DispatchError>;
    /// Sends a request to the reserved subscriber and waits up to `wait` for its answer.
    fn dispatch(
        &self,
        reservation: Self::Reservation,
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

impl Subscription {
    /// Resolves once a newer subscriber took the channel over.
    pub async fn replaced(&self) {
        self.link.replaced.notified().await;
    }

    /// Resolves once the subscription is detached.
    pub async fn ended(&self) {
        let _ = self.link.ended.subscribe().wait_for(|ended| *ended).await;
    }
}

/// Ids are this relay's own counter, never a sender's choice: foldhash, not SipHash (whose
/// resistance to chosen keys they do not need; three hashes per relayed request).
type Pending = HashMap<u64, oneshot::Sender<(AnswerHead, Bytes)>, foldhash::fast::RandomState>;

struct Link {
    frames: mpsc::Sender<Bytes>,
    /// How this subscriber reads heads.
    form: HeadForm,
    /// The requests in flight on this link, waiting for their answers.
    pending: Mutex<Pending>,
    /// Request ids count per link, so a subscriber learns nothing of other channels' traffic.
    next_id: AtomicU64,
    replaced: Notify,
    ended: watch::Sender<bool>,
}

pub struct LocalHub {
    links: Mutex<HashMap<String, Arc<Link>>>,
    max_in_flight: usize,
}

impl LocalHub {
    pub fn new(max_in_flight: usize) -> Self {
        LocalHub {
            links: Mutex::new(HashMap::new()),
            max_in_flight,
        }
    }

    /// Tells `subscription` a newer subscriber elsewhere took its channel: its link closes
    /// (and then detaches itself) as when one here replaces it. It takes no request from
    /// now on: the newer one is told it holds the channel only after this returns, and a
    /// request here after that must reach it, not a link about to close.
    pub fn kick(&self, subscription: &Subscription) {
        self.forget(subscription);
        subscription.link.replaced.notify_one();
    }

    /// Takes `subscription` out of the channel's place, unless a newer one holds it.
    fn forget(&self, subscription: &Subscription) {
        let mut links = crate::lock(&self.links);
        if links
            .get(&subscription.channel)
            .is_some_and(|l| Arc::ptr_eq(l, &subscription.link))
        {
            links.remove(&subscription.channel);
        }
    }
}

/// A request's place on a link: its id and where its answer arrives. Dropped (the sender
/// hung up, the wait ran out, it was answered), it leaves the link's pending map.
pub struct Reservation {
    link: Arc<Link>,
    id: u64,
    answer: Option<oneshot::Receiver<(AnswerHead, Bytes)>>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        crate::lock(&self.link.pending).remove(&self.id);
    }
}

impl Hub for LocalHub {
    type Reservation = Reservation;

    async fn attach(&self, channel: &str, form: HeadForm) -> (Subscription, mpsc::Receiver<Bytes>) {
        self.attach_here(channel, form)
    }

    fn detach(&self, subscription: &Subscription) {
        self.detach_here(subscription)
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

    fn is_subscribed(&self, channel: &str) -> bool {
        crate::lock(&self.links).contains_key(channel)
    }

    fn reserve(&self, channel: &str) -> Result<Reservation, DispatchError> {
        self.reserve_here(channel)
    }

    async fn dispatch(
        &self,
        reservation: Reservation,
        head: RequestHead,
        body: &[u8],
        wait: Duration,
    ) -> Result<(AnswerHead, Bytes), DispatchError> {
        reservation.dispatch(head, body, wait).await
    }
}

impl LocalHub {
    pub(super) fn attach_here(
        &self,
        channel: &str,
        form: HeadForm,
    ) -> (Subscription, mpsc::Receiver<Bytes>) {
        let (frames, rx) = mpsc::channel(self.max_in_flight.max(1));
        let link = Arc::new(Link {
            frames,
            form,
            pending: Mutex::new(Pending::default()),
            next_id: AtomicU64::new(1),
            replaced: Notify::new(),
            ended: watch::Sender::new(false),
        });
        let older = crate::lock(&self.links).insert(channel.to_string(), link.clone());
        if let Some(older) = older {
            // A stored permit: the older link's loop sees it even if not waiting yet.
            older.replaced.notify_one();
        }
        let subscription = Subscription {
            channel: channel.to_string(),
            link,
        };
        (subscription, rx)
    }

    pub(super) fn detach_here(&self, subscription: &Subscription) {
        self.forget(subscription);
        // Dropping the senders wakes every waiting request with Gone.
        crate::lock(&subscription.link.pending).clear();
        subscription.link.ended.send_replace(true);
    }

    pub(super) fn reserve_here(&self, channel: &str) -> Result<Reservation, DispatchError> {
        let link = crate::lock(&self.links)
            .get(channel)
            .cloned()
            .ok_or(DispatchError::NoSubscriber)?;
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut pending = crate::lock(&link.pending);
            if pending.len() >= self.max_in_flight {
                return Err(DispatchError::Busy);
            }
            let id = link.next_id.fetch_add(1, Ordering::Relaxed);
            pending.insert(id, tx);
            id
        };
        Ok(Reservation {
            link,
            id,
            answer: Some(rx),
        })
    }
}

impl Reservation {
    /// Sends the request on the reserved link and waits up to `wait` for its answer.
    pub(super) async fn dispatch(
        mut self,
        mut head: RequestHead,
        body: &[u8],
        wait: Duration,
    ) -> Result<(AnswerHead, Bytes), DispatchError> {
        head.id = self.id;
        let answer = self.answer.take().expect("dispatched once");
        self.link
            .frames
            .send(frame::encode(&head, body, self.link.form))
            .await
            .map_err(|_| DispatchError::Gone)?;
        match tokio::time::timeout(wait, answer).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err(DispatchError::Gone),
            Err(_) => Err(DispatchError::TimedOut),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_count_per_link_and_a_reservation_frees_its_place() {
        let hub = LocalHub::new(1);
        assert!(matches!(hub.reserve("a"), Err(DispatchError::NoSubscriber)));
        let (_a, _rx_a) = hub.attach_here("a", HeadForm::Json);
        let (_b, _rx_b) = hub.attach_here("b", HeadForm::Json);
        let first = hub.reserve("a").unwrap();
        assert!(matches!(hub.reserve("a"), Err(DispatchError::Busy)));
        assert_eq!(hub.reserve("b").unwrap().id, 1, "b's ids do not follow a's");
        drop(first);
        assert_eq!(hub.reserve("a").unwrap().id, 2);
    }

    #[tokio::test]
    async fn a_replaced_subscription_is_told() {
        let hub = LocalHub::new(4);
        let (old, _rx) = hub.attach("a", HeadForm::Json).await;
        let (_new, _rx2) = hub.attach("a", HeadForm::Json).await;
        tokio::time::timeout(Duration::from_secs(1), old.replaced())
            .await
            .expect("the older subscription learns it was replaced");
    }

    /// Kicked by a newer subscriber on another relay: from that moment no request is
    /// given to it (it would fail as its link closes), though its link has not closed yet.
    #[tokio::test]
    async fn a_kicked_subscription_takes_no_more_requests() {
        let hub = LocalHub::new(4);
        let (old, _rx) = hub.attach("a", HeadForm::Json).await;
        assert!(hub.reserve_here("a").is_ok());
        hub.kick(&old);
        assert!(matches!(
            hub.reserve_here("a"),
            Err(DispatchError::NoSubscriber)
        ));
        tokio::time::timeout(Duration::from_secs(1), old.replaced())
            .await
            .expect("the kicked subscription is told");
        // Its link detaching later leaves a newer subscription here in place.
        let (_new, _rx2) = hub.attach("a", HeadForm::Json).await;
        hub.detach(&old);
        assert!(hub.reserve_here("a").is_ok());
    }
}
