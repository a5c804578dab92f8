//! Settings, lowest to highest precedence: built-in defaults, `hookline.toml` (current
//! directory, or `--config FILE`), `HOOKLINE_*` environment variables, flags.
//!
//! The result is plain structs; the engines never see clap or the file.

pub mod tables;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Deserializer};

use crate::cli::{ColorWhen, SchemeArg, SigningArgs};
use crate::secret::Secret;
use crate::signing::{Scheme, SchemeChoice, DEFAULT_TOLERANCE_SECS};

pub const DEFAULT_CONFIG_FILE: &str = "hookline.toml";

/// `hookline.toml`. Unknown keys are errors, so a typo is never silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub scheme: Option<SchemeArg>,
    pub secret: Option<String>,
    pub secrets: Option<Vec<String>>,
    pub secret_file: Option<PathBuf>,
    pub signature_header: Option<String>,
    #[serde(default, deserialize_with = "duration")]
    pub tolerance: Option<Duration>,
    pub color: Option<ColorWhen>,
    /// Each command's flags by their long names (see [`tables`]).
    pub listen: Option<toml::Table>,
    pub send: Option<toml::Table>,
    pub replay: Option<toml::Table>,
    pub probe: Option<toml::Table>,
    pub relay: Option<toml::Table>,
}

impl FileConfig {
    /// The command tables present, by command name.
    pub fn tables(&self) -> Vec<(&'static str, &toml::Table)> {
        let all = [
            ("listen", &self.listen),
            ("send", &self.send),
            ("replay", &self.replay),
            ("probe", &self.probe),
            ("relay", &self.relay),
        ];
        all.into_iter()
            .filter_map(|(name, table)| table.as_ref().map(|t| (name, t)))
            .collect()
    }
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let text = String::deserialize(d)?;
    crate::cli::parse_duration(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// The loaded file (or defaults when there is none) and where it came from.
#[derive(Debug, Default)]
pub struct Config {
    pub file: FileConfig,
    pub path: Option<PathBuf>,
    /// The file's text, for the lines of command-table keys.
    pub text: String,
}

impl Config {
    /// `--config FILE` must exist; `./hookline.toml` is read only when present.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => PathBuf::from(DEFAULT_CONFIG_FILE),
            None => return Ok(Config::default()),
        };
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("config {}", path.display()))?;
        let file = parse_file(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(Config {
            file,
            path: Some(path),
            text,
        })
    }

    /// The command line's definition with this file's command tables as flag defaults.
    pub fn command(&self) -> Result<(clap::Command, Vec<tables::Setting>)> {
        tables::apply(crate::cli::command(), &self.file.tables(), &self.text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", self.display_path()))
    }

    pub fn display_path(&self) -> String {
        self.path.as_deref().map_or_else(
            || DEFAULT_CONFIG_FILE.to_string(),
            |p| p.display().to_string(),
        )
    }

    /// Relative paths in the file are relative to the file's directory.
    fn resolve_path(&self, p: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Parses the file's text; errors say the line and the key, on one line.
pub fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        let Some(span) = e.span() else {
            return message;
        };
        let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
        let line = text.lines().nth(line_no - 1).unwrap_or_default();
        if let Some(rest) = message.strip_prefix("unknown field") {
            return format!("line {line_no}: unknown key{rest}");
        }
        match line.split_once('=') {
            Some((key, _)) => {
                let key = key.trim().trim_matches('"');
                // toml quotes the value it could not use: never a secret's.
                let message = if key.contains("secret") {
                    redact_quoted(&message)
                } else {
                    message
                };
                format!("line {line_no}: key `{key}`: {message}")
            }
            None => format!("line {line_no}: {}", redact_quoted(&message)),
        }
    })
}

/// `invalid type: integer `12345678`, expected a string` → `invalid type: integer (value
/// not shown), expected a string`.
fn redact_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut parts = message.split('`');
    out.push_str(parts.next().unwrap_or_default());
    let mut inside = true;
    for part in parts {
        if inside {
            out.push_str("(value not shown)");
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

/// What signing and verifying need, settled.
#[derive(Debug)]
pub struct SigningSettings {
    /// `None` when nothing chose one: sign uses generic, verify detects.
    pub scheme: Option<SchemeChoice>,
    pub secrets: Vec<Secret>,
    /// Where the secrets came from, for error messages ("--secret", "HOOKLINE_SECRET", …).
    pub secret_source: String,
    pub signature_header: Option<String>,
    pub tolerance: Duration,
}

impl SigningSettings {
    pub fn resolve(
        config: &Config,
        args: &SigningArgs,
        tolerance_flag: Option<Duration>,
    ) -> Result<Self> {
        let scheme = args.scheme.or(config.file.scheme).map(scheme_choice);
        let (secrets, secret_source) = resolve_secrets(config, args)?;
        Ok(SigningSettings {
            scheme,
            secrets,
            secret_source,
            signature_header: args
                .signature_header
                .clone()
                .or_else(|| config.file.signature_header.clone()),
            tolerance: tolerance_flag
                .or(config.file.tolerance)
                .unwrap_or(Duration::from_secs(DEFAULT_TOLERANCE_SECS)),
        })
    }

    /// A secret the scheme cannot use, as a one-line error naming where it came from.
    pub fn key_error(&self, e: crate::signing::KeyError) -> anyhow::Error {
        anyhow::anyhow!("{}: {e}", self.secret_source)
    }

    /// The secrets, or the one-line error a user needs when there are none.
    pub fn require_secrets(&self) -> Result<&[Secret]> {
        if self.secrets.is_empty() {
            bail!("no secret: pass --secret or --secret-file, set HOOKLINE_SECRET, or put `secret` in {DEFAULT_CONFIG_FILE}");
        }
        Ok(&self.secrets)
    }
}

fn scheme_choice(arg: SchemeArg) -> SchemeChoice {
    let fixed = |s| SchemeChoice::Fixed(s);
    match arg {
        SchemeArg::Auto => SchemeChoice::Auto,
        SchemeArg::Generic => fixed(Scheme::Generic),
        SchemeArg::Github => fixed(Scheme::Github),
        SchemeArg::Stripe => fixed(Scheme::Stripe),
        SchemeArg::Standard => fixed(Scheme::Standard),
        SchemeArg::Slack => fixed(Scheme::Slack),
        SchemeArg::Shopify => fixed(Scheme::Shopify),
    }
}

pub fn color_when(config: &Config, flag: Option<ColorWhen>) -> ColorWhen {
    flag.or(config.file.color).unwrap_or(ColorWhen::Auto)
}

/// Secrets come from one level only, the highest that has any: flags, then environment,
/// then the config file. Within a level, the listed secrets come before the file's.
fn resolve_secrets(config: &Config, args: &SigningArgs) -> Result<(Vec<Secret>, String)> {
    let flags = gather(
        args.secrets
            .iter()
            .map(|s| ("--secret".to_string(), s.clone())),
        args.secret_file
            .as_deref()
            .map(|p| ("--secret-file".to_string(), p.to_path_buf())),
    )?;
    if !flags.0.is_empty() {
        return Ok(flags);
    }
    let env_secret = std::env::var("HOOKLINE_SECRET").ok();
    let env_file = std::env::var_os("HOOKLINE_SECRET_FILE").map(PathBuf::from);
    let env = gather(
        env_secret.map(|s| ("HOOKLINE_SECRET".to_string(), s)),
        env_file.map(|p| ("HOOKLINE_SECRET_FILE".to_string(), p)),
    )?;
    if !env.0.is_empty() {
        return Ok(env);
    }
    let file = config.display_path();
    let holds_secrets = config.file.secret.is_some() || config.file.secrets.is_some();
    if let (true, Some(path)) = (holds_secrets, &config.path) {
        if let Ok(opened) = std::fs::File::open(path) {
            warn_if_readable_by_others(&opened, &file);
        }
    }
    let listed = config
        .file
        .secret
        .iter()
        .chain(config.file.secrets.iter().flatten())
        .map(|s| (format!("{file}: key `secret`"), s.clone()));
    gather(
        listed,
        config
            .file
            .secret_file
            .as_deref()
            .map(|p| (format!("{file}: key `secret_file`"), config.resolve_path(p))),
    )
}

fn gather(
    listed: impl IntoIterator<Item = (String, String)>,
    file: Option<(String, PathBuf)>,
) -> Result<(Vec<Secret>, String)> {
    let mut secrets = Vec::new();
    let mut sources = Vec::new();
    for (source, value) in listed {
        // `$(cat key)` drops the newline, `"$(< key)"` too, but `HOOKLINE_SECRET=$'k\n'`
        // or a value pasted with its line end keeps it: the classic CI mistake. A line
        // end is never part of a secret (a --secret-file line is read the same way).
        let value = value.trim_end_matches(['\r', '\n']);
        if value.is_empty() {
            bail!("{source}: the secret is empty");
        }
        if value.trim() != value {
            eprintln!("hookline: warning: {source}: the secret starts or ends with white space, which is kept");
        }
        secrets.push(Secret::new(value));
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    if let Some((source, path)) = file {
        let from_file =
            read_secret_file(&path).with_context(|| format!("{source} {}", path.display()))?;
        secrets.extend(from_file);
        sources.push(source);
    }
    Ok((secrets, sources.join(" and ")))
}

/// The largest secret file read: far more than any list of secrets, far less than
/// `/dev/zero` or a log file named by mistake.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// One secret per line; surrounding whitespace and blank lines are ignored. A file that
/// others can read gets a warning (never its content).
pub fn read_secret_file(path: &Path) -> Result<Vec<Secret>> {
    let mut text = Vec::new();
    let file = std::fs::File::open(path)?;
    warn_if_readable_by_others(&file, &path.display().to_string());
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_SECRET_FILE + 1),
        &mut text,
    )?;
    if text.len() as u64 > MAX_SECRET_FILE {
        bail!("larger than 64 KiB: not a secret file");
    }
    let secrets: Vec<Secret> = text
        .split(|b| *b == b'\n')
        .map(|line| line.trim_ascii())
        .filter(|line| !line.is_empty())
        .map(|line| Secret::new(line.to_vec()))
        .collect();
    if secrets.is_empty() {
        bail!("the file holds no secret");
    }
    Ok(secrets)
}

/// Warns on stderr when a file holding a secret or a private key can be read by its
/// group or by everyone (the warning names the file, never what it holds).
pub fn warn_if_readable_by_others(file: &std::fs::File, name: &str) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = file.metadata() {
        let mode = meta.permissions().mode();
        if meta.is_file() && mode & 0o077 != 0 {
            eprintln!(
                "hookline: warning: {name} can be read by others (mode {:o}): chmod 600 {name}",
                mode & 0o777
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = parse_file("scheme = \"github\"\nsecrte = \"x\"\n").unwrap_err();
        assert!(e.starts_with("line 2: "), "{e}");
        assert!(e.contains("secrte"), "{e}");
    }

    #[test]
    fn wrong_type_names_line_and_key() {
        let e = parse_file("\ntolerance = 5\n").unwrap_err();
        assert!(e.starts_with("line 2: key `tolerance`: "), "{e}");
        let e = parse_file("tolerance = \"5 parsecs\"\n").unwrap_err();
        assert!(e.starts_with("line 1: key `tolerance`: "), "{e}");
        let e = parse_file("scheme = \"paypal\"\n").unwrap_err();
        assert!(e.starts_with("line 1: key `scheme`: "), "{e}");
    }

    #[test]
    fn a_secret_of_the_wrong_type_is_not_echoed() {
        let e = parse_file("secret = 12345678\n").unwrap_err();
        assert!(e.starts_with("line 1: key `secret`: "), "{e}");
        assert!(!e.contains("12345678"), "{e}");
        let e = parse_file("secrets = [\"ok\", 987654321]\n").unwrap_err();
        assert!(!e.contains("987654321"), "{e}");
    }

    #[test]
    fn a_good_file_parses() {
        let c = parse_file("scheme = \"stripe\"\nsecrets = [\"a\", \"b\"]\ntolerance = \"10m\"\ncolor = \"never\"\n").unwrap();
        assert_eq!(c.tolerance, Some(Duration::from_secs(600)));
        assert_eq!(c.secrets.unwrap().len(), 2);
    }
}
