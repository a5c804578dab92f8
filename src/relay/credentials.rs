//! The channels this user made, with their tokens, in `$XDG_CONFIG_HOME/hookline/relay.json`
//! (else `~/.config/hookline/relay.json`; mode 0600), so `listen --relay URL` reuses them.

use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Saved {
    /// The relay's base URL, `scheme://host:port`.
    pub relay: String,
    pub channel: String,
    pub token: String,
    /// The channel `listen --relay URL` uses for this relay.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

#[derive(Default, Serialize, Deserialize)]
struct File {
    channels: Vec<Saved>,
}

pub fn path() -> Result<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| anyhow!("saved channels: neither XDG_CONFIG_HOME nor HOME is set"))?;
    Ok(base.join("hookline").join("relay.json"))
}

fn load() -> Result<File> {
    let path = path()?;
    match std::fs::read(&path) {
        Ok(text) => serde_json::from_slice(&text)
            .with_context(|| format!("{}: not a hookline relay file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(File::default()),
        Err(e) => Err(e).with_context(|| path.display().to_string()),
    }
}

/// The saved channel for `relay`: that one when `channel` is given, else the one marked
/// default, else the first saved (a second `channel create` does not move `listen`).
pub fn find(relay: &str, channel: Option<&str>) -> Result<Option<Saved>> {
    let saved: Vec<Saved> = load()?
        .channels
        .into_iter()
        .filter(|s| s.relay == relay)
        .collect();
    Ok(match channel {
        Some(c) => saved.into_iter().find(|s| s.channel == c),
        None => {
            let default = saved.iter().position(|s| s.default).unwrap_or(0);
            saved.into_iter().nth(default)
        }
    })
}

/// Every saved channel, in the order saved.
pub fn all() -> Result<Vec<Saved>> {
    Ok(load()?.channels)
}

/// Adds (or refreshes) a channel, the relay's default when `entry.default` (or when it is
/// the relay's first); returns the file's path.
pub fn save(mut entry: Saved) -> Result<PathBuf> {
    let mut file = load()?;
    file.channels
        .retain(|s| !(s.relay == entry.relay && s.channel == entry.channel));
    let first = !file.channels.iter().any(|s| s.relay == entry.relay);
    if entry.default {
        for other in file.channels.iter_mut().filter(|s| s.relay == entry.relay) {
            other.default = false;
        }
    }
    entry.default |= first;
    file.channels.push(entry);
    store(&file)
}

/// Forgets a channel; false when it was not saved.
pub fn forget(relay: &str, channel: &str) -> Result<bool> {
    let mut file = load()?;
    let before = file.channels.len();
    file.channels
        .retain(|s| !(s.relay == relay && s.channel == channel));
    if file.channels.len() == before {
        return Ok(false);
    }
    store(&file)?;
    Ok(true)
}

fn store(file: &File) -> Result<PathBuf> {
    let path = path()?;
    let dir = path.parent().expect("a file in a directory");
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    // Written through a temp file, created 0600; the rename keeps that.
    let json = serde_json::to_string_pretty(file)?;
    crate::files::write_atomic(&path, &json, false).with_context(|| path.display().to_string())?;
    Ok(path)
}
