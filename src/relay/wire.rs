//! The link's wire, the same on both ends: WebSocket settings, the heartbeat that finds a
//! dead link, and batched sends.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// How often each side pings the other.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// Silence after which either side calls the link dead (a sleeping laptop, a dropped Wi-Fi).
pub const DEAD_AFTER: Duration = Duration::from_secs(30);

/// The link's keep-alive, the same on both ends: a ping every [`HEARTBEAT`], and a check
/// every second so a dead link is seen [`DEAD_AFTER`] of silence later, not up to a whole
/// ping interval after that.
pub struct Heartbeat {
    ping: tokio::time::Interval,
    check: tokio::time::Interval,
    heard: Instant,
}

pub enum Beat {
    /// Time to send a ping.
    Ping,
    /// Nothing heard for this long: the link is dead.
    Dead(Duration),
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self::new()
    }
}

impl Heartbeat {
    pub fn new() -> Self {
        Heartbeat {
            ping: tokio::time::interval(HEARTBEAT),
            check: tokio::time::interval(Duration::from_secs(1)),
            heard: Instant::now(),
        }
    }

    /// Anything arrived from the other side.
    pub fn heard(&mut self) {
        self.heard = Instant::now();
    }

    /// Cancel-safe, for a `select!` branch.
    pub async fn next(&mut self) -> Beat {
        loop {
            tokio::select! {
                _ = self.ping.tick() => return Beat::Ping,
                _ = self.check.tick() => {
                    if self.heard.elapsed() > DEAD_AFTER {
                        return Beat::Dead(self.heard.elapsed());
                    }
                }
            }
        }
    }
}

/// The link's WebSocket settings, both ends. tungstenite zero-fills its whole read buffer
/// before every read (128 KiB by default); 16 KiB keeps that cheap for the small frames
/// that are most webhooks, and a big body just takes more reads.
pub fn link_config(max_message: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(16 << 10)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message))
}

/// Sends `first` and whatever else is queued already, then flushes once: a burst of
/// frames becomes one write instead of one per frame (both ends of the link use it).
pub async fn send_queued<S>(
    sink: &mut S,
    first: Bytes,
    queue: &mut tokio::sync::mpsc::Receiver<Bytes>,
) -> Result<(), tokio_tungstenite::tungstenite::Error>
where
    S: futures_util::Sink<Message, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    sink.feed(Message::Binary(first)).await?;
    while let Ok(more) = queue.try_recv() {
        sink.feed(Message::Binary(more)).await?;
    }
    sink.flush().await
}
