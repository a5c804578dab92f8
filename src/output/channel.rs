//! `hookline channel`'s output: a new channel (its token shown this once), the saved ones,
//! a deletion.

use std::path::Path;

use crate::relay::client::NewChannel;
use crate::relay::credentials::Saved;

/// The new channel on stdout (for scripts), where its token went on stderr.
pub fn created(made: &NewChannel, saved_in: &Path, relay: &str) -> std::io::Result<()> {
    super::print_stdout(&format!(
        "channel     {}\npublic URL  {}\ntoken       {}\n",
        made.channel, made.url, made.token
    ))?;
    eprintln!(
        "The token is shown this once and saved to {}; `hookline listen --relay {relay}` uses it.",
        saved_in.display()
    );
    Ok(())
}

/// Relay, channel and public URL, one per line; `*` marks the default. No tokens.
pub fn list(saved: &[&Saved], relay: Option<&str>) -> std::io::Result<()> {
    if saved.is_empty() {
        eprintln!(
            "no saved channels{}",
            relay.map(|r| format!(" for {r}")).unwrap_or_default()
        );
    }
    let mut text = String::new();
    for s in saved {
        let mark = if s.default { "*" } else { " " };
        text.push_str(&format!(
            "{mark} {}  {}  {}/c/{}\n",
            s.relay, s.channel, s.relay, s.channel
        ));
    }
    super::print_stdout(&text)
}

/// `known`: the relay still had it (else it had expired or was deleted there already).
pub fn deleted(channel: &str, relay: &str, known: bool) {
    if known {
        eprintln!("deleted channel {channel} on {relay} and here");
    } else {
        eprintln!("{relay} no longer knew channel {channel}; forgotten here");
    }
}
