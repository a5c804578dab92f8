//! What the relay server reports as it runs; the output layer renders it (a log line each,
//! on stderr). Channel ids are given whole: how much of one to show is output's choice.

use std::time::Duration;

use super::store::StoreError;

#[derive(Debug)]
pub enum RelayEvent<'a> {
    ChannelCreated {
        channel: &'a str,
    },
    ChannelDeleted {
        channel: &'a str,
    },
    ChannelsExpired {
        count: usize,
    },
    /// The channel store could not be written (for the state file, the change stays in
    /// memory) or read.
    StoreFailed {
        error: &'a StoreError,
    },
    /// A webhook answered (with `--access-log`).
    Relayed {
        method: &'a str,
        channel: &'a str,
        path: &'a str,
        status: u16,
        elapsed: Duration,
    },
    /// A subscriber with an unknown channel or a wrong token; `more` says how many more
    /// were refused since the last report (they are throttled).
    SubscriberRefused {
        more: &'a str,
    },
    SubscriberConnected {
        channel: &'a str,
    },
    SubscriberLeft {
        channel: &'a str,
        why: &'a str,
    },
    /// The subscriber answered a request that is no longer waiting.
    AnswerDropped {
        channel: &'a str,
        id: u64,
    },
    MalformedFrame {
        channel: &'a str,
        error: &'a str,
    },
    /// The connection to NATS was lost: requests for other instances get 503 until it
    /// is back (said once, not per request).
    NatsLost,
    NatsBack,
    /// From the server under the relay (accept errors, connection limits).
    Problem(&'a str),
}

/// Receives the relay's events.
pub trait RelayReporter: Send + Sync + 'static {
    fn event(&self, event: RelayEvent<'_>);
}
