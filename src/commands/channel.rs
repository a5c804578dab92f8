//! `hookline channel create --relay URL`: a new channel, its token shown this once and
//! saved for `listen --relay`; `channel list` and `channel delete` for the saved ones.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::{ChannelAction, TlsClientArgs};
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
            let (relay, channel) = client::parse(&relay, tls_config(&relay, &tls)?)?;
            let relay = relay.with_create_token(create_token);
            if channel.is_some() {
                bail!("--relay: give the relay's URL without a channel");
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            let (made, saved) = runtime.block_on(relay.create_saved_channel(default))?;
            println!("channel     {}", made.channel);
            println!("public URL  {}", made.url);
            println!("token       {}", made.token);
            eprintln!(
                "The token is shown this once and saved to {}; `hookline listen --relay {}` uses it.",
                saved.display(),
                relay.base
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `channel list`: relay, channel, public URL; `*` marks the default. No tokens.
fn list(relay: Option<&http::Uri>) -> Result<ExitCode> {
    let only = relay.map(client::base_of);
    let saved = credentials::all()?;
    let mut text = String::new();
    for s in saved
        .iter()
        .filter(|s| only.as_ref().is_none_or(|o| *o == s.relay))
    {
        let mark = if s.default { "*" } else { " " };
        text.push_str(&format!(
            "{mark} {}  {}  {}/c/{}\n",
            s.relay, s.channel, s.relay, s.channel
        ));
    }
    if text.is_empty() {
        eprintln!(
            "no saved channels{}",
            only.map(|o| format!(" for {o}")).unwrap_or_default()
        );
    }
    crate::output::print_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `channel delete`: on the relay (with the saved token), then here.
fn delete(channel: &str, relay: Option<&http::Uri>, tls: &TlsClientArgs) -> Result<ExitCode> {
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let known = runtime.block_on(client.delete_channel(channel, &saved.token))?;
    credentials::forget(&saved.relay, channel)?;
    if known {
        eprintln!("deleted channel {channel} on {} and here", saved.relay);
    } else {
        eprintln!(
            "{} no longer knew channel {channel}; forgotten here",
            saved.relay
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The TLS client configuration for an https:// relay; none for http://.
pub(super) fn tls_config(
    url: &http::Uri,
    tls: &TlsClientArgs,
) -> Result<Option<std::sync::Arc<rustls::ClientConfig>>> {
    if url.scheme_str() != Some("https") {
        return Ok(None);
    }
    if tls.insecure {
        eprintln!("hookline: warning: --insecure: the certificate of {url} is not checked");
    }
    let config = crate::delivery::tls::client_config(tls.cacert.as_deref(), tls.insecure)?;
    Ok(Some(std::sync::Arc::new(config)))
}
