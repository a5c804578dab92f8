//! `hookline channel create --relay URL`: a new channel, its token shown this once and
//! saved for `listen --relay`; `channel list` and `channel delete` for the saved ones.

use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::cli::{ChannelAction, ConnectArgs};
use crate::output;
use crate::relay::{client, credentials};

pub fn run(action: ChannelAction) -> Result<ExitCode> {
    match action {
        ChannelAction::List { relay } => list(relay.as_ref()),
        ChannelAction::Delete {
            channel,
            relay,
            tls,
        } => delete(&channel, relay.as_ref(), &tls),
        ChannelAction::Create {
            relay,
            create_token,
            default,
            tls,
        } => {
            let (relay, channel) = client::parse(&relay, tls_config(&relay, &tls)?)
                .map_err(|e| anyhow!("--relay {e:#}"))?;
            let relay = relay
                .with_create_token(create_token)
                .with_proxy(super::proxy_setting(&tls));
            if channel.is_some() {
                bail!("--relay: give the relay's URL without a channel");
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let (made, saved) = runtime
                .block_on(relay.create_saved_channel(default))
                .map_err(|e| create_token_hint(e, "--create-token"))?;
            output::channel::created(&made, &saved, &relay.base)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `channel list`: relay, channel, public URL; `*` marks the default. No tokens.
fn list(relay: Option<&http::Uri>) -> Result<ExitCode> {
    let only = relay.map(client::base_of);
    let saved = credentials::all()?;
    let shown: Vec<&credentials::Saved> = saved
        .iter()
        .filter(|s| only.as_ref().is_none_or(|o| *o == s.relay))
        .collect();
    output::channel::list(&shown, only.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// `channel delete`: on the relay (with the saved token), then here.
fn delete(channel: &str, relay: Option<&http::Uri>, tls: &ConnectArgs) -> Result<ExitCode> {
    let only = relay.map(client::base_of);
    let matching: Vec<credentials::Saved> = credentials::all()?
        .into_iter()
        .filter(|s| s.channel == channel && only.as_ref().is_none_or(|o| *o == s.relay))
        .collect();
    let saved = match matching.as_slice() {
        [one] => one.clone(),
        [] => bail!("{channel}: no such saved channel (see `hookline channel list`)"),
        _ => bail!("{channel} is saved for more than one relay: add --relay URL"),
    };
    let url: http::Uri = saved.relay.parse()?;
    let (client, _) = client::parse(&url, tls_config(&url, tls)?)?;
    let client = client.with_proxy(super::proxy_setting(tls));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let known = runtime.block_on(client.delete_channel(channel, &saved.token))?;
    credentials::forget(&saved.relay, channel)?;
    output::channel::deleted(channel, &saved.relay, known);
    Ok(ExitCode::SUCCESS)
}

/// The TLS client configuration for an https:// relay; none for http://.
pub(super) fn tls_config(
    url: &http::Uri,
    tls: &ConnectArgs,
) -> Result<Option<std::sync::Arc<rustls::ClientConfig>>> {
    Ok(super::client_tls(url, tls)?.map(std::sync::Arc::new))
}

/// A relay that wants a creation token: the error says which flag gives it.
pub(super) fn create_token_hint(e: anyhow::Error, flag: &str) -> anyhow::Error {
    match e.downcast_ref::<client::NeedsCreateToken>() {
        Some(needs) => anyhow!("{needs}: pass {flag} (or HOOKLINE_RELAY_CREATE_TOKEN)"),
        None => e,
    }
}
