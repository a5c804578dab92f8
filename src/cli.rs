//! The command line: clap derive types only. Doc comments are the help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

#[derive(Debug, Parser)]
#[command(
    name = "hookline",
    version,
    about = "Send, verify, receive, tunnel and replay webhooks",
    long_about = "Send, verify, receive, tunnel and replay webhooks.\n\nSettings come from built-in defaults, then hookline.toml in the current directory (or --config FILE), then HOOKLINE_* environment variables, then flags.",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Read settings from FILE instead of ./hookline.toml
    #[arg(long, global = true, value_name = "FILE", env = "HOOKLINE_CONFIG")]
    pub config: Option<PathBuf>,

    /// When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        env = "HOOKLINE_COLOR"
    )]
    pub color: Option<ColorWhen>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the signature headers for a body, ready for `curl -H`
    Sign(SignArgs),
    /// Check a webhook signature: exit 0 valid, 1 invalid, 2 usage or input error
    Verify(VerifyArgs),
    /// Print a shell completion script
    Completions {
        /// The shell to generate for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout
    Man,
}

// Also deserialised from hookline.toml, so the file and the flags accept the same words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--scheme` values: the signing core's schemes, plus `auto` for verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SchemeArg {
    /// Detect the scheme from the headers present (verify only)
    Auto,
    /// X-Signature: sha256=<hex> over the body
    Generic,
    /// X-Hub-Signature-256: sha256=<hex> over the body
    Github,
    /// Stripe-Signature: t=<unix>,v1=<hex> over "{t}.{body}"
    Stripe,
    /// Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>
    Standard,
    /// X-Slack-Signature: v0=<hex> over "v0:{ts}:{body}"
    Slack,
    /// X-Shopify-Hmac-Sha256: <base64> over the body
    Shopify,
}

/// Secrets and the scheme's knobs, shared by every command that signs or verifies.
#[derive(Debug, Args)]
pub struct SigningArgs {
    /// Signature scheme [default: generic for sign, auto for verify]
    #[arg(long, value_enum, value_name = "SCHEME", env = "HOOKLINE_SCHEME")]
    pub scheme: Option<SchemeArg>,

    /// Secret to sign or verify with; repeat for rotation (any one may match; the first signs).
    /// Environment: HOOKLINE_SECRET
    // Hyphen values allowed so a secret starting with `-` is taken, never echoed in an error.
    #[arg(long = "secret", value_name = "SECRET", allow_hyphen_values = true)]
    pub secrets: Vec<String>,

    /// Read secrets from FILE, one per line (blank lines ignored). Environment: HOOKLINE_SECRET_FILE
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,

    /// Header that carries the generic scheme's signature [default: X-Signature]
    #[arg(long, value_name = "NAME", env = "HOOKLINE_SIGNATURE_HEADER")]
    pub signature_header: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Body file; `-` or nothing reads standard input
    #[arg(value_name = "BODY")]
    pub body: Option<PathBuf>,

    #[command(flatten)]
    pub signing: SigningArgs,

    /// Unix time to sign with, instead of now (timestamped schemes)
    #[arg(long, value_name = "UNIX")]
    pub timestamp: Option<i64>,

    /// Message id to sign with, instead of a random one (standard scheme)
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Print {"headers": {"Name": "value", …}} instead of `Name: value` lines
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Body file, or a capture file (its own headers and body are used); `-` or nothing reads standard input
    #[arg(value_name = "BODY")]
    pub body: Option<PathBuf>,

    #[command(flatten)]
    pub signing: SigningArgs,

    /// A request header, `Name: value`; repeatable
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// The value of the scheme's signature header (instead of -H)
    #[arg(long, value_name = "VALUE")]
    pub signature: Option<String>,

    /// The timestamp header's value, with --signature (slack, standard)
    #[arg(long, value_name = "UNIX")]
    pub timestamp: Option<i64>,

    /// The webhook-id header's value, with --signature (standard)
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// How far a signed timestamp may be from now, either way [default: 5m]
    #[arg(long, value_name = "DURATION", env = "HOOKLINE_TOLERANCE", value_parser = parse_duration)]
    pub tolerance: Option<Duration>,

    /// Treat BODY as a plain body even when it looks like a capture file
    #[arg(long)]
    pub raw: bool,

    /// Print one JSON object: {"valid", "scheme", "reason", "detail"}
    #[arg(long)]
    pub json: bool,
}

/// `Name: value` → pair. The value keeps inner spaces; surrounding whitespace is trimmed.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| "expected `Name: value` (no colon found)".to_string())?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err("expected `Name: value` (the name is empty or has spaces)".to_string());
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// Durations like `500ms`, `10s`, `5m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (use e.g. 500ms, 10s, 5m)"))
}
