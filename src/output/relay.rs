//! The relay's log: one timestamped line per event on stderr. Anything that came from a
//! peer is escaped; channel ids are shortened (enough to tell channels apart, not enough
//! to post to one).

use crate::relay::client::{LinkEvent, LinkReporter};
use crate::relay::events::{RelayEvent, RelayReporter};
use crate::text::{millis_text, printable};

/// Renders relay events as log lines.
pub struct RelayLog;

impl RelayReporter for RelayLog {
    fn event(&self, event: RelayEvent<'_>) {
        log(&line(&event));
    }
}

fn line(event: &RelayEvent<'_>) -> String {
    match event {
        RelayEvent::ChannelCreated { channel } => format!("channel {} created", short(channel)),
        RelayEvent::ChannelDeleted { channel } => format!("channel {} deleted", short(channel)),
        RelayEvent::ChannelsExpired { count } => format!(
            "{count} unused channel{} expired",
            if *count == 1 { "" } else { "s" }
        ),
        RelayEvent::StoreFailed { error } => {
            format!("channel store: {error}")
        }
        RelayEvent::Relayed {
            method,
            channel,
            path,
            status,
            elapsed,
        } => format!(
            "{method} /c/{}{path} → {status} ({})",
            short(channel),
            millis_text(elapsed.as_secs_f64() * 1000.0)
        ),
        RelayEvent::SubscriberRefused { more } => {
            format!("refused a subscriber: unknown channel or wrong token{more}")
        }
        RelayEvent::SubscriberConnected { channel } => {
            format!("subscriber connected to {}", short(channel))
        }
        RelayEvent::SubscriberLeft { channel, why } => {
            format!("subscriber left {}: {why}", short(channel))
        }
        RelayEvent::AnswerDropped { channel, id } => {
            format!(
                "{}: answer for unknown request {id} dropped",
                short(channel)
            )
        }
        RelayEvent::MalformedFrame { channel, error } => {
            format!("{}: malformed frame dropped: {error}", short(channel))
        }
        RelayEvent::NatsLost => {
            "lost the connection to NATS: requests for subscribers on other instances get 503 until it is back".into()
        }
        RelayEvent::NatsBack => "connected to NATS again".into(),
        RelayEvent::Problem(text) => text.to_string(),
    }
}

/// What `hookline relay` says as it starts; `listening on …` last (scripts wait for it).
pub fn banner(kept: &str, public_url: &str, listening: &str) {
    eprintln!("{kept}");
    eprintln!("public URL {public_url}: channels at {public_url}/c/<channel>");
    eprintln!("listening on {listening}");
}

/// A channel id shortened for logs.
fn short(channel: &str) -> String {
    format!("{}…", channel.chars().take(6).collect::<String>())
}

/// A log line on stderr, escaped here whatever its parts.
fn log(line: &str) {
    let now = chrono::Local::now().format("%H:%M:%S%.3f");
    eprintln!("{now} {}", printable(line));
}

/// A subscriber's link events as lines on stderr (listen's banner shows the first ones).
pub struct LinkLog;

impl LinkReporter for LinkLog {
    fn event(&self, event: LinkEvent) {
        eprintln!("{}", link_line(&event));
    }
}

/// One link event in words; anything the relay said is escaped.
pub fn link_line(event: &LinkEvent) -> String {
    match event {
        LinkEvent::ChannelMade { channel, saved_in } => format!(
            "relay: made channel {channel} (its token is saved in {})",
            saved_in.display()
        ),
        LinkEvent::Connected { public_url } => format!("public URL: {}", printable(public_url)),
        LinkEvent::Unreachable { relay, why } => format!(
            "relay: cannot connect to {relay} ({}); retrying",
            printable(why)
        ),
        LinkEvent::Lost { why } => {
            format!("relay: link lost ({}); reconnecting", printable(why))
        }
        LinkEvent::Reconnected { public_url } => {
            format!("relay: reconnected · public URL: {}", printable(public_url))
        }
        LinkEvent::CannotConnect { why } => {
            format!("relay: cannot connect ({}); retrying", printable(why))
        }
        LinkEvent::GaveUp { why } => format!(
            "hookline: relay: {}; no longer trying (local listening goes on)",
            printable(why)
        ),
    }
}
