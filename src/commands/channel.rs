//! `hookline channel create --relay URL`: a new channel, its token shown this once and
//! saved for `listen --relay`.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::{ChannelAction, TlsClientArgs};
use crate::relay::client;

pub fn run(action: ChannelAction) -> Result<ExitCode> {
    match action {
        ChannelAction::Create {
            relay,
            create_token,
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
            let (made, saved) = runtime.block_on(relay.create_saved_channel())?;
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
