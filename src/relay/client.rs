//! The subscriber's side, for `hookline listen --relay` and `hookline channel`: make or
//! delete a channel, pick the credentials, connect out to the relay's WebSocket, keep the
//! link up (reconnecting with backoff) and report what it goes through. The link itself is
//! served in `client_link`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, Uri};
use rustls::pki_types::ServerName;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message};

use super::credentials;
use super::frame::{HeadForm, FRAMES_HEADER};
use crate::delivery;
use crate::server::Io;

/// A relay, as `--relay URL` names it.
#[derive(Debug, Clone)]
pub struct Relay {
    /// `scheme://host:port`, the key of saved channels.
    pub base: String,
    host: String,
    port: u16,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// For relays that ask for one to create channels.
    create_token: Option<String>,
    /// The largest request accepted over the link (listen's `--max-body`, plus its head).
    max_message: usize,
    proxy: delivery::ProxySetting,
}

/// `--relay http(s)://HOST[:PORT][/CHANNEL]` (also `/c/CHANNEL`, the public URL itself).
pub fn parse(url: &Uri, tls: Option<Arc<rustls::ClientConfig>>) -> Result<(Relay, Option<String>)> {
    let secure = match url.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => bail!("{url}: use an http:// or https:// URL"),
    };
    if url.authority().is_some_and(|a| a.as_str().contains('@')) {
        bail!("{url}: a relay URL takes no user:password@ (channels have tokens)");
    }
    let host = url
        .host()
        .ok_or_else(|| anyhow!("{url}: no host"))?
        .trim_matches(['[', ']'])
        .to_string();
    let port = url.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let path = url.path().trim_matches('/');
    let channel = path.strip_prefix("c/").unwrap_or(path);
    if !channel.is_empty() && !is_channel_id(channel) {
        bail!("{url}: the path should be just a channel id");
    }
    let relay = Relay {
        base: base_of(url),
        host,
        port,
        tls: if secure {
            Some(tls.ok_or_else(|| anyhow!("https relay without a TLS configuration"))?)
        } else {
            None
        },
        create_token: None,
        max_message: 25 << 20,
        proxy: delivery::ProxySetting::default(),
    };
    Ok((relay, (!channel.is_empty()).then(|| channel.to_string())))
}

/// The relay asks for a channel-creation token (`refused`: the one given was wrong).
#[derive(Debug, thiserror::Error)]
#[error("{relay} asks for a channel-creation token{}", if *refused { "; the one given was refused" } else { "" })]
pub struct NeedsCreateToken {
    pub relay: String,
    pub refused: bool,
}

/// A channel just made: shown once, then saved.
#[derive(Debug, serde::Deserialize)]
pub struct NewChannel {
    pub channel: String,
    pub token: String,
    pub url: String,
}

/// `scheme://host:port` of a relay URL: the key its saved channels are kept under.
pub fn base_of(url: &Uri) -> String {
    let scheme = if url.scheme_str() == Some("https") {
        "https"
    } else {
        "http"
    };
    let authority = url.authority().map_or("", |a| a.as_str());
    format!("{scheme}://{authority}")
}

/// A channel id as relays make them (URL-safe base64): nothing else is put in a URL.
fn is_channel_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Relay {
    /// A delivery client for the relay's own endpoints (`/channels`).
    fn http_client(&self) -> delivery::Client {
        delivery::Client::build(delivery::ClientOptions {
            tls: self.tls.as_deref().cloned(),
            title_case: false,
            proxy: self.proxy.clone(),
        })
    }

    /// Which proxy the link and the relay's endpoints go through.
    pub fn with_proxy(mut self, proxy: delivery::ProxySetting) -> Self {
        self.proxy = proxy;
        self
    }

    /// Requests over `max_body` end the link rather than fill memory (the relay enforces
    /// its own limit, but this side does not take its word for it).
    pub fn with_max_body(mut self, max_body: u64) -> Self {
        self.max_message = usize::try_from(max_body)
            .unwrap_or(usize::MAX)
            .saturating_add(1 << 20);
        self
    }

    pub fn with_create_token(mut self, token: Option<String>) -> Self {
        self.create_token = token;
        self
    }

    /// `POST /channels`.
    pub async fn create_channel(&self) -> Result<NewChannel> {
        let client = self.http_client();
        let request = delivery::Request {
            method: http::Method::POST,
            url: format!("{}/channels", self.base).parse()?,
            headers: self.create_headers()?,
            body: Bytes::new(),
        };
        let attempt = client.attempt(request, Duration::from_secs(30)).await;
        match attempt.outcome {
            delivery::Outcome::Answered(a) if a.status == 201 => {
                let made: NewChannel = serde_json::from_slice(&a.body)
                    .map_err(|e| anyhow!("{}: not a hookline relay ({e})", self.base))?;
                if !is_channel_id(&made.channel) {
                    bail!(
                        "{}: not a hookline relay (a malformed channel id)",
                        self.base
                    );
                }
                Ok(made)
            }
            delivery::Outcome::Answered(a) if a.status == 401 => Err(NeedsCreateToken {
                relay: self.base.clone(),
                refused: self.create_token.is_some(),
            }
            .into()),
            delivery::Outcome::Answered(a) => bail!(
                "{} refused to make a channel: {} {}",
                self.base,
                a.status,
                crate::text::printable(String::from_utf8_lossy(&a.body).trim())
            ),
            other => bail!("cannot reach the relay {}: {}", self.base, other.reason()),
        }
    }

    fn create_headers(&self) -> Result<http::HeaderMap> {
        let mut headers = http::HeaderMap::new();
        if let Some(token) = &self.create_token {
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| anyhow!("the creation token is not a valid header value"))?;
            headers.insert(http::header::AUTHORIZATION, value);
        }
        Ok(headers)
    }

    /// `POST /channels`, and the new channel saved for later runs; returns it and where it
    /// was saved.
    pub async fn create_saved_channel(
        &self,
        default: bool,
    ) -> Result<(NewChannel, std::path::PathBuf)> {
        let made = self.create_channel().await?;
        let saved = super::credentials::save(super::credentials::Saved {
            relay: self.base.clone(),
            channel: made.channel.clone(),
            token: made.token.clone(),
            default,
        })?;
        Ok((made, saved))
    }

    /// `DELETE /channels/<id>` with the channel's token; Ok(false) when the relay no
    /// longer knows it (already expired or deleted).
    pub async fn delete_channel(&self, channel: &str, token: &str) -> Result<bool> {
        if !is_channel_id(channel) {
            bail!("{channel}: not a channel id");
        }
        let client = self.http_client();
        let mut headers = http::HeaderMap::new();
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| anyhow!("the saved token is not a valid header value"))?;
        headers.insert(http::header::AUTHORIZATION, bearer);
        let request = delivery::Request {
            method: http::Method::DELETE,
            url: format!("{}/channels/{channel}", self.base).parse()?,
            headers,
            body: Bytes::new(),
        };
        match client
            .attempt(request, Duration::from_secs(30))
            .await
            .outcome
        {
            delivery::Outcome::Answered(a) if a.status == 204 => Ok(true),
            delivery::Outcome::Answered(a) if a.status == 401 || a.status == 404 => Ok(false),
            delivery::Outcome::Answered(a) => {
                bail!("{} refused to delete the channel: {}", self.base, a.status)
            }
            other => bail!("cannot reach the relay {}: {}", self.base, other.reason()),
        }
    }

    /// Opens the channel's WebSocket; returns it and the public URL the relay announced.
    pub async fn connect(&self, channel: &str, token: &str) -> Result<Link, ConnectError> {
        let lost = |e: String| ConnectError::Unreachable(e);
        let base: Uri = self
            .base
            .parse()
            .map_err(|e: http::uri::InvalidUri| lost(e.to_string()))?;
        let tcp = delivery::Proxies::new(&self.proxy)
            .tcp(&base, &self.host, self.port)
            .await
            .map_err(|e| lost(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match &self.tls {
            None => Box::new(tcp),
            Some(config) => {
                let name =
                    ServerName::try_from(self.host.clone()).map_err(|e| lost(e.to_string()))?;
                let connector = tokio_rustls::TlsConnector::from(config.clone());
                Box::new(
                    connector
                        .connect(name, tcp)
                        .await
                        .map_err(|e| lost(e.to_string()))?,
                )
            }
        };
        let ws_url = format!(
            "{}/subscribe/{channel}",
            self.base.replacen("http", "ws", 1)
        );
        let mut request = ws_url
            .into_client_request()
            .map_err(|e| lost(e.to_string()))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ConnectError::Refused("the token is not a valid header value".into()))?;
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, bearer);
        request
            .headers_mut()
            .insert(FRAMES_HEADER, HeaderValue::from_static("binary"));
        let config = super::wire::link_config(self.max_message);
        let handshake = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
        let (mut ws, _) = match tokio::time::timeout(Duration::from_secs(30), handshake).await {
            Err(_) => return Err(lost("no handshake within 30s".into())),
            Ok(Err(tungstenite::Error::Http(response))) if response.status() == 401 => {
                return Err(ConnectError::Refused(format!(
                    "the relay refused the token for channel {channel} (unknown, expired, or another token)"
                )))
            }
            Ok(Err(e)) => return Err(lost(e.to_string())),
            Ok(Ok(done)) => done,
        };
        // The relay greets with the channel's public URL, and says whether it writes
        // binary heads (a relay older than them does not).
        let greeting = match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default()
            }
            _ => return Err(lost("the relay did not greet".into())),
        };
        let public_url = greeting["public_url"]
            .as_str()
            .map(|u| crate::text::printable(u).into_owned())
            .ok_or_else(|| lost("the relay's greeting is malformed".into()))?;
        let form = match greeting["frames"].as_str() {
            Some("binary") => HeadForm::Binary,
            _ => HeadForm::Json,
        };
        Ok(Link {
            ws,
            public_url,
            form,
        })
    }
}

#[derive(Debug)]
pub enum ConnectError {
    /// The relay said no (401): retrying will not help.
    Refused(String),
    /// Not reachable, or the connection broke: worth retrying.
    Unreachable(String),
}

pub use super::client_link::{Answerer, Ended, Link};

/// What a subscriber's link goes through, for the output layer to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// No channel was saved for this relay: one was made, its token saved there.
    ChannelMade {
        channel: String,
        saved_in: PathBuf,
    },
    /// Linked; senders post to `public_url`.
    Connected {
        public_url: String,
    },
    /// The relay could not be reached at start: retried in the background.
    Unreachable {
        relay: String,
        why: String,
    },
    /// The link dropped: reconnecting.
    Lost {
        why: String,
    },
    Reconnected {
        public_url: String,
    },
    /// A reconnection failed: retrying.
    CannotConnect {
        why: String,
    },
    /// The relay refused the token on a reconnection: no more tries.
    GaveUp {
        why: String,
    },
}

/// Receives a running link's events.
pub trait LinkReporter: Send + Sync + 'static {
    fn event(&self, event: LinkEvent);
}

/// Why a subscription could not start; the command names its flags.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("no token saved for channel {0}")]
    NoSavedToken(String),
    #[error("a token was given without its channel")]
    TokenWithoutChannel,
    /// The relay refused the token.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A channel on a relay, subscribed to: its credentials and its link.
pub struct Subscriber {
    relay: Relay,
    channel: String,
    token: String,
    /// `None` while the relay is not reachable.
    link: Option<Link>,
}

impl Subscriber {
    /// Picks the credentials (the channel and token given; the token saved for the channel
    /// given; the default channel saved for this relay; else a channel made and saved now)
    /// and makes the first link. Returns what happened, for the banner. A token the relay
    /// refuses is an error; an unreachable relay is not (it is retried).
    pub async fn start(
        relay: Relay,
        channel: Option<String>,
        token: Option<String>,
    ) -> Result<(Subscriber, Vec<LinkEvent>), SubscribeError> {
        let mut events = Vec::new();
        let (channel, token) = match (channel, token) {
            (Some(channel), Some(token)) => (channel, token),
            (Some(channel), None) => match credentials::find(&relay.base, Some(&channel))? {
                Some(saved) => (channel, saved.token),
                None => return Err(SubscribeError::NoSavedToken(channel)),
            },
            (None, Some(_)) => return Err(SubscribeError::TokenWithoutChannel),
            (None, None) => match credentials::find(&relay.base, None)? {
                Some(saved) => (saved.channel, saved.token),
                None => {
                    let (made, saved_in) = relay.create_saved_channel(false).await?;
                    events.push(LinkEvent::ChannelMade {
                        channel: made.channel.clone(),
                        saved_in,
                    });
                    (made.channel, made.token)
                }
            },
        };
        let link = match relay.connect(&channel, &token).await {
            Ok(link) => {
                events.push(LinkEvent::Connected {
                    public_url: link.public_url.clone(),
                });
                Some(link)
            }
            Err(ConnectError::Refused(why)) => return Err(SubscribeError::Refused(why)),
            Err(ConnectError::Unreachable(why)) => {
                events.push(LinkEvent::Unreachable {
                    relay: relay.base.clone(),
                    why,
                });
                None
            }
        };
        let subscriber = Subscriber {
            relay,
            channel,
            token,
            link,
        };
        Ok((subscriber, events))
    }

    /// Serves the link through `answerer`; when it drops, reconnects with backoff (full
    /// jitter from 0.5 s, doubling, capped at 30 s: send's policy) and reports it. Gives
    /// up when the relay refuses the token or a newer subscriber replaced this one. Returns how many relayed requests were
    /// still unanswered when `stopping` ended it.
    pub async fn keep<A: Answerer>(
        mut self,
        answerer: Arc<A>,
        max_in_flight: usize,
        mut stopping: tokio::sync::watch::Receiver<bool>,
        grace: Duration,
        report: Arc<dyn LinkReporter>,
    ) -> usize {
        let backoff = delivery::Policy {
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            ..Default::default()
        };
        let mut retry = 0;
        loop {
            if let Some(up) = self.link.take() {
                retry = 0;
                let served = up.serve(answerer.clone(), max_in_flight, stopping.clone(), grace);
                match served.await {
                    Ended::Stopped { dropped } => return dropped,
                    Ended::Lost(why) => report.event(LinkEvent::Lost { why }),
                    Ended::Replaced => {
                        report.event(LinkEvent::GaveUp {
                            why: "a newer subscriber took the channel over".into(),
                        });
                        return 0;
                    }
                }
            }
            let wait = backoff.delay(retry, rand::random::<f64>(), None);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stopping.wait_for(|stop| *stop) => return 0,
            }
            retry += 1;
            match self.relay.connect(&self.channel, &self.token).await {
                Ok(up) => {
                    report.event(LinkEvent::Reconnected {
                        public_url: up.public_url.clone(),
                    });
                    self.link = Some(up);
                }
                Err(ConnectError::Refused(why)) => {
                    report.event(LinkEvent::GaveUp { why });
                    return 0;
                }
                Err(ConnectError::Unreachable(why)) => {
                    report.event(LinkEvent::CannotConnect { why })
                }
            }
        }
    }
}
