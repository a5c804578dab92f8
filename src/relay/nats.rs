//! Several relays as one, over NATS. Each instance keeps the links of the subscribers
//! connected to it (a [`LocalHub`]) and takes, for each, the channel's subject
//! `<prefix>.ch.<channel>` in a queue group; a request that reaches another instance is
//! sent there as a NATS request with the sender's wait as its timeout, and the holder
//! answers with the subscriber's answer or an error header. NATS' own outcomes are the
//! hub's: no responders (no subscriber anywhere, at once), a timeout (504).
//!
//! A subscriber attaching to an instance asks `<prefix>.kick.<channel>` first: an older
//! holder elsewhere stops taking the channel's requests, closes its link ("replaced by a
//! newer subscriber") and answers, as one relay replaces an older link.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::{Client, HeaderMap, Message, RequestErrorKind, Subscriber};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::events::{RelayEvent, RelayReporter};
use super::frame::{self, AnswerHead, HeadForm, RequestHead};
use super::hub::{self, DispatchError, Hub, LocalHub, Subscription};

/// The header that carries an instance's error answer instead of the subscriber's.
const ERROR_HEADER: &str = "Hookline-Error";
/// The header that carries how long the sender waits, in milliseconds.
const WAIT_HEADER: &str = "Hookline-Wait";
/// What a request frame may add to its body: the head (method, path, headers — at most
/// the server's 64 KiB head, escaped as JSON) and the length prefix.
pub const FRAMING: u64 = 256 * 1024;
/// How long a new subscriber waits for an older holder to let go.
const KICK_WAIT: Duration = Duration::from_secs(2);

/// The relay's NATS connection, and why it could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error(
        "the NATS server takes messages up to {server} but a request may need {needed} \
         (--max-body {max_body} plus {framing} of framing); raise max_payload in the \
         server's config or lower --max-body"
    )]
    PayloadLimit {
        server: bytesize::ByteSize,
        needed: bytesize::ByteSize,
        max_body: bytesize::ByteSize,
        framing: bytesize::ByteSize,
    },
}

/// Connects to NATS (reconnecting by itself for as long as the relay runs; a lost
/// connection and its return are reported once each) and checks that the server carries
/// a request of `max_body`.
pub async fn connect(
    url: &str,
    max_body: u64,
    reporter: Arc<dyn RelayReporter>,
) -> Result<Client, ConnectError> {
    let lost = Arc::new(AtomicBool::new(false));
    let client = async_nats::ConnectOptions::new()
        .name("hookline relay")
        .ping_interval(Duration::from_secs(10))
        .connection_timeout(Duration::from_secs(5))
        .request_timeout(None)
        .reconnect_delay_callback(|attempts| Duration::from_millis(100 * attempts.min(20) as u64))
        .event_callback(move |event| {
            let (lost, reporter) = (lost.clone(), reporter.clone());
            async move {
                match event {
                    async_nats::Event::Disconnected if !lost.swap(true, Ordering::AcqRel) => {
                        reporter.event(RelayEvent::NatsLost)
                    }
                    async_nats::Event::Connected if lost.swap(false, Ordering::AcqRel) => {
                        reporter.event(RelayEvent::NatsBack)
                    }
                    _ => {}
                }
            }
        })
        .connect(url)
        .await
        .map_err(|e| ConnectError::Connect(e.to_string()))?;
    let server = client.server_info().max_payload as u64;
    if server < max_body + FRAMING {
        return Err(ConnectError::PayloadLimit {
            server: bytesize::ByteSize(server),
            needed: bytesize::ByteSize(max_body + FRAMING),
            max_body: bytesize::ByteSize(max_body),
            framing: bytesize::ByteSize(FRAMING),
        });
    }
    Ok(client)
}

/// `url` without a password or token in it, for the banner.
pub fn redacted(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url.to_string(),
        },
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_string(),
        },
    }
}

pub struct NatsHub {
    shared: Arc<Shared>,
}

struct Shared {
    local: LocalHub,
    client: Client,
    prefix: String,
}

impl Shared {
    fn requests(&self, channel: &str) -> String {
        format!("{}.ch.{channel}", self.prefix)
    }

    fn kicks(&self, channel: &str) -> String {
        format!("{}.kick.{channel}", self.prefix)
    }
}

impl NatsHub {
    pub fn new(client: Client, prefix: &str, max_in_flight: usize) -> NatsHub {
        NatsHub {
            shared: Arc::new(Shared {
                local: LocalHub::new(max_in_flight),
                client,
                prefix: prefix.to_string(),
            }),
        }
    }
}

/// Where a request goes: a subscriber on this instance, or one on another.
pub enum NatsReservation {
    Here(hub::Reservation),
    Elsewhere(String),
}

impl Hub for NatsHub {
    type Reservation = NatsReservation;

    async fn attach(&self, channel: &str, form: HeadForm) -> (Subscription, mpsc::Receiver<Bytes>) {
        let shared = &self.shared;
        let (subscription, frames) = shared.local.attach_here(channel, form);
        // The channel's requests first, so there is no moment with nobody taking them;
        // then the older holder is told to let go (no responders: there was none); then
        // this instance answers the next subscriber's kick. Flushed before the link says
        // ready. If NATS is away now, the client subscribes once it is back.
        let client = &shared.client;
        let requests = client
            .queue_subscribe(shared.requests(channel), "hookline".into())
            .await;
        let _ = tokio::time::timeout(KICK_WAIT, client.flush()).await;
        let _ = tokio::time::timeout(
            KICK_WAIT,
            client.request(shared.kicks(channel), Bytes::new()),
        )
        .await;
        let kicks = client.subscribe(shared.kicks(channel)).await;
        let _ = tokio::time::timeout(KICK_WAIT, client.flush()).await;
        if let (Ok(requests), Ok(kicks)) = (requests, kicks) {
            tokio::spawn(hold(shared.clone(), subscription.clone(), requests, kicks));
        }
        (subscription, frames)
    }

    fn detach(&self, subscription: &Subscription) {
        self.shared.local.detach_here(subscription);
    }

    fn answer(&self, subscription: &Subscription, head: AnswerHead, body: Bytes) -> bool {
        self.shared.local.answer(subscription, head, body)
    }

    fn is_subscribed(&self, channel: &str) -> bool {
        self.shared.local.is_subscribed(channel)
    }

    /// A subscriber here is used directly; otherwise the request goes over NATS (refused
    /// at once while NATS is unreachable).
    fn reserve(&self, channel: &str) -> Result<NatsReservation, DispatchError> {
        match self.shared.local.reserve_here(channel) {
            Ok(here) => Ok(NatsReservation::Here(here)),
            Err(DispatchError::NoSubscriber) => {
                if self.shared.client.connection_state() == async_nats::connection::State::Connected
                {
                    Ok(NatsReservation::Elsewhere(self.shared.requests(channel)))
                } else {
                    Err(DispatchError::Unavailable)
                }
            }
            Err(other) => Err(other),
        }
    }

    async fn dispatch(
        &self,
        reservation: NatsReservation,
        head: RequestHead,
        body: &[u8],
        wait: Duration,
    ) -> Result<(AnswerHead, Bytes), DispatchError> {
        let subject = match reservation {
            NatsReservation::Here(here) => return here.dispatch(head, body, wait).await,
            NatsReservation::Elsewhere(subject) => subject,
        };
        let mut headers = HeaderMap::new();
        headers.insert(WAIT_HEADER, wait.as_millis().to_string().as_str());
        let request = async_nats::Request::new()
            .payload(frame::encode(&head, body, HeadForm::Json))
            .headers(headers)
            .timeout(Some(wait));
        let answer = match self.shared.client.send_request(subject, request).await {
            Ok(answer) => answer,
            Err(e) => {
                return Err(match e.kind() {
                    RequestErrorKind::NoResponders => DispatchError::NoSubscriber,
                    RequestErrorKind::TimedOut => DispatchError::TimedOut,
                    // A body within --max-body always fits (checked at start-up).
                    _ => DispatchError::Unavailable,
                });
            }
        };
        if let Some(error) = answer.headers.as_ref().and_then(|h| h.get(ERROR_HEADER)) {
            return Err(error_from_header(error.as_str()));
        }
        frame::decode::<AnswerHead>(&answer.payload).map_err(|_| DispatchError::Gone)
    }
}

/// Takes the channel's requests for a subscriber here until its link ends or a newer
/// subscriber on another instance kicks it.
async fn hold(
    shared: Arc<Shared>,
    subscription: Subscription,
    mut requests: Subscriber,
    mut kicks: Subscriber,
) {
    loop {
        tokio::select! {
            () = subscription.ended() => break,
            request = requests.next() => match request {
                Some(request) => {
                    tokio::spawn(answer_one(shared.clone(), subscription.channel.clone(), request));
                }
                None => break,
            },
            kick = kicks.next() => {
                // No more requests here, then the link closes, then the newer one is told.
                let _ = requests.unsubscribe().await;
                let _ = shared.client.flush().await;
                shared.local.kick(&subscription);
                if let Some(reply) = kick.and_then(|k| k.reply) {
                    let _ = shared.client.publish(reply, Bytes::new()).await;
                }
                break;
            },
        }
    }
}

/// One request from another instance: given to the subscriber here, its answer (or why
/// there is none) published back.
async fn answer_one(shared: Arc<Shared>, channel: String, request: Message) {
    let Some(reply) = request.reply else {
        return;
    };
    let wait = request
        .headers
        .as_ref()
        .and_then(|h| h.get(WAIT_HEADER))
        .and_then(|v| v.as_str().parse::<u64>().ok())
        .map_or(Duration::from_secs(30), Duration::from_millis)
        .min(Duration::from_secs(3600));
    let outcome = match frame::decode::<RequestHead>(&request.payload) {
        Ok((head, body)) => match shared.local.reserve_here(&channel) {
            Ok(here) => here.dispatch(head, &body, wait).await,
            Err(e) => Err(e),
        },
        Err(_) => Err(DispatchError::Gone),
    };
    let client = &shared.client;
    let error = match outcome {
        Ok((head, body)) => match client
            .publish(reply.clone(), frame::encode(&head, &body, HeadForm::Json))
            .await
        {
            Ok(()) => return,
            Err(e) if e.kind() == async_nats::client::PublishErrorKind::MaxPayloadExceeded => {
                DispatchError::AnswerTooLarge
            }
            Err(_) => return,
        },
        // The sender's own wait ran out there too: its request is gone.
        Err(DispatchError::TimedOut) => return,
        Err(e) => e,
    };
    let mut headers = HeaderMap::new();
    headers.insert(ERROR_HEADER, error_header(&error));
    let _ = client
        .publish_with_headers(reply, headers, Bytes::new())
        .await;
}

fn error_header(error: &DispatchError) -> &'static str {
    match error {
        DispatchError::NoSubscriber | DispatchError::Gone => "gone",
        DispatchError::Busy => "busy",
        DispatchError::TimedOut => "timeout",
        DispatchError::Unavailable => "unavailable",
        DispatchError::AnswerTooLarge => "too-large",
    }
}

fn error_from_header(value: &str) -> DispatchError {
    match value {
        "busy" => DispatchError::Busy,
        "timeout" => DispatchError::TimedOut,
        "unavailable" => DispatchError::Unavailable,
        "too-large" => DispatchError::AnswerTooLarge,
        _ => DispatchError::Gone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_headers_round_trip() {
        for error in [
            DispatchError::Busy,
            DispatchError::Gone,
            DispatchError::TimedOut,
            DispatchError::Unavailable,
            DispatchError::AnswerTooLarge,
        ] {
            let header = error_header(&error);
            assert_eq!(error_from_header(header), error);
        }
    }

    #[test]
    fn passwords_stay_out_of_the_banner() {
        assert_eq!(
            redacted("nats://user:pw@127.0.0.1:4222"),
            "nats://***@127.0.0.1:4222"
        );
        assert_eq!(redacted("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redacted("tok@host:4222"), "***@host:4222");
    }
}
