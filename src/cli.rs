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
    /// Receive webhooks locally: verify, show, save, misbehave on purpose, forward
    Listen(Box<ListenArgs>),
    /// Send signed fixtures to an endpoint, with retries and dead letters
    Send(Box<SendArgs>),
    /// Re-send captured requests byte for byte (captures, their folders, JSON lines)
    Replay(Box<ReplayArgs>),
    /// Check a webhook receiver: does it accept good deliveries and reject forged, tampered and stale ones?
    Probe(Box<ProbeArgs>),
    /// Open the inspector's web page over saved captures: look, compare, replay, edit and re-sign
    Inspect(Box<InspectArgs>),
    /// Run a relay: a public endpoint that tunnels each channel's webhooks to `listen --relay`
    Relay(Box<RelayArgs>),
    /// The fixtures built into hookline (`send @stripe/invoice.paid`): list them, or print one
    Fixtures {
        #[command(subcommand)]
        action: Option<FixturesAction>,
    },
    /// Show the settings in force and where each comes from (hookline.toml, HOOKLINE_*, defaults); secrets redacted
    Config {
        /// Only this command's: listen, send, replay, probe or relay
        #[arg(value_name = "COMMAND", value_parser = ["listen", "send", "replay", "probe", "relay"])]
        command: Option<String>,

        /// Built-in defaults too
        #[arg(long)]
        all: bool,
    },
    /// Manage relay channels
    Channel {
        #[command(subcommand)]
        action: ChannelAction,
    },
    /// Print a shell completion script
    Completions {
        /// The shell to generate for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff) to stdout: hookline's, or a subcommand's
    Man {
        /// sign, verify, listen, send, replay, probe, relay, channel, fixtures, config or completions
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FixturesAction {
    /// Name, scheme and event of each (the default)
    List,
    /// Print one fixture's body as it is stored (placeholders unfilled)
    Show {
        /// e.g. stripe/invoice.paid (or @stripe/invoice.paid)
        #[arg(value_name = "NAME")]
        name: String,
    },
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
    /// Detect the scheme from the headers present (verify and listen)
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
    /// Signature scheme: generic, github, stripe, standard, slack or shopify; verify and
    /// listen also take auto (detect it per request: their default); sign, send and replay
    /// default to generic (replay: the capture's)
    #[arg(
        long,
        value_enum,
        value_name = "SCHEME",
        env = "HOOKLINE_SCHEME",
        hide_possible_values = true
    )]
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
    /// Body file, or a capture file (its own headers and body are used); `-` or nothing reads standard input. Several captures, directories of them (saved captures, dead letters) and JSON-lines files are verified one by one
    #[arg(value_name = "BODY")]
    pub body: Vec<PathBuf>,

    /// With directories: their subdirectories too
    #[arg(short = 'r', long)]
    pub recursive: bool,

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

    /// Print one JSON object: {"valid", "scheme", "reason", "detail", "secret_index"}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Server")]
pub struct ListenArgs {
    /// Port to listen on; 0 picks a free one [default: 9000]
    #[arg(long, short = 'p', value_name = "PORT", env = "HOOKLINE_PORT")]
    pub port: Option<u16>,

    /// Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,

    /// Status for accepted events
    #[arg(long, value_name = "CODE", default_value_t = 202, value_parser = parse_status)]
    pub status: u16,

    /// Largest body accepted; larger ones get 413 (e.g. 5MB, 25MiB)
    #[arg(long, value_name = "SIZE", default_value = "25MiB", value_parser = parse_size)]
    pub max_body: u64,

    #[command(flatten)]
    pub limits: ServerLimits,

    #[command(flatten)]
    pub signing: SigningArgs,

    /// How far a signed timestamp may be from now, either way [default: 5m]
    #[arg(long, value_name = "DURATION", env = "HOOKLINE_TOLERANCE", value_parser = parse_duration)]
    pub tolerance: Option<Duration>,

    /// Print one capture (JSON) per line on stdout instead of human blocks
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// Show whole bodies (human output cuts them past 40 lines)
    #[arg(long, help_heading = "Output")]
    pub full: bool,

    /// Save every event to DIR as a capture file; a request is answered after its file is written
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub save: Option<PathBuf>,

    /// With --save, fsync each capture before answering (survives power loss, not only a kill)
    #[arg(long, requires = "save", help_heading = "Output")]
    pub fsync: bool,

    /// Wait before answering: a duration or a range, e.g. 300ms or 100ms..2s
    #[arg(long, value_name = "DELAY", value_parser = parse_delay, help_heading = "Chaos")]
    pub delay: Option<(Duration, Duration)>,

    /// Answer this fraction of accepted events (0..1) with --fail-status
    #[arg(long, value_name = "P", value_parser = parse_rate, help_heading = "Chaos")]
    pub fail_rate: Option<f64>,

    /// Status for --fail-rate failures
    #[arg(long, value_name = "CODE", default_value_t = 503, value_parser = parse_status, help_heading = "Chaos")]
    pub fail_status: u16,

    /// Statuses to answer in turn, cycled, e.g. 503,503,202 (a 2xx lets the event through)
    #[arg(long, value_name = "LIST", value_parser = parse_status_list, conflicts_with = "fail_rate", help_heading = "Chaos")]
    pub responses: Option<StatusList>,

    /// Add `Retry-After: SECONDS` to chaos failure answers
    #[arg(long, value_name = "SECONDS", help_heading = "Chaos")]
    pub retry_after: Option<u64>,

    /// Seed for --delay ranges and --fail-rate, to repeat a run's choices
    #[arg(long, value_name = "N", help_heading = "Chaos")]
    pub seed: Option<u64>,

    /// Pass accepted events to your app and answer with its response: `URL` (the default), `/path/prefix=URL` or `event:GLOB=URL`; repeatable, the first rule that matches wins
    #[arg(long, value_name = "[RULE=]URL", value_parser = parse_forward_rule, help_heading = "Forwarding")]
    pub forward_to: Vec<ForwardRule>,

    /// Only events whose type matches (glob, repeatable) are forwarded, saved and shown; the rest are answered and counted as filtered
    #[arg(long = "events", value_name = "GLOB", value_parser = parse_glob, help_heading = "Forwarding")]
    pub events: Vec<glob::Pattern>,

    /// Accept requests from this network only (CIDR or address; repeatable); others get 403. Relayed requests are checked by the address the relay saw
    #[arg(long = "allow-ip", value_name = "CIDR", value_parser = parse_cidr, help_heading = "Guards")]
    pub allow_ip: Vec<ipnet::IpNet>,

    /// Require `Authorization: Bearer TOKEN` (or `?token=TOKEN`); others get 401. Never printed or saved
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HOOKLINE_LISTEN_TOKEN",
        hide_env_values = true,
        conflicts_with = "token_file",
        help_heading = "Guards"
    )]
    pub token: Option<String>,

    /// Read the token from FILE (its first line)
    #[arg(long, value_name = "FILE", help_heading = "Guards")]
    pub token_file: Option<PathBuf>,

    /// Refuse requests that did not come over HTTPS (403); needs --tls-cert/--tls-self-signed, or --relay
    #[arg(long, help_heading = "Guards")]
    pub https_only: bool,

    /// Do not show filtered events at all (they are still counted)
    #[arg(long, requires = "events", help_heading = "Output")]
    pub quiet_filtered: bool,

    /// Give up on the app after this long and answer 504
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout, help_heading = "Forwarding")]
    pub forward_timeout: Duration,

    /// Forward events whose signature is invalid too
    #[arg(long, requires = "forward_to", help_heading = "Forwarding")]
    pub forward_invalid: bool,

    #[command(flatten)]
    pub tls: TlsServerArgs,

    /// Serve HTTPS with a self-signed certificate for localhost (kept in the cache dir; its path and fingerprint are printed)
    #[arg(long, conflicts_with = "tls_cert", help_heading = "HTTPS")]
    pub tls_self_signed: bool,

    /// Serve the inspector, a web page of the events, on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port; off with --json unless given]
    #[arg(
        long,
        value_name = "ADDR",
        conflicts_with = "no_inspect",
        help_heading = "Inspector"
    )]
    pub inspect: Option<String>,

    /// No inspector
    #[arg(long, env = "HOOKLINE_NO_INSPECT", value_parser = clap::builder::FalseyValueParser::new(), help_heading = "Inspector")]
    pub no_inspect: bool,

    #[command(flatten)]
    pub inspector: InspectorLimits,

    /// Also receive the webhooks of a relay channel: URL or URL/CHANNEL (without a channel, the one saved for that relay, else a new one)
    #[arg(long, value_name = "URL", value_parser = parse_target_url, help_heading = "Relay")]
    pub relay: Option<http::Uri>,

    /// The channel's subscriber token [default: the one saved by `channel create`]
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HOOKLINE_RELAY_TOKEN",
        hide_env_values = true,
        requires = "relay",
        help_heading = "Relay"
    )]
    pub relay_token: Option<String>,

    /// The relay's channel-creation token, when it asks for one (`relay --create-token`)
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HOOKLINE_RELAY_CREATE_TOKEN",
        hide_env_values = true,
        requires = "relay",
        help_heading = "Relay"
    )]
    pub relay_create_token: Option<String>,

    /// Relayed requests handled at once; more are answered 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..), requires = "relay", help_heading = "Relay")]
    pub relay_max_in_flight: u32,

    #[command(flatten)]
    pub relay_tls: ConnectArgs,

    /// Stop after N events; exit 0 only if every one was verified (when a secret is set) and answered 2xx
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "CI")]
    pub expect: Option<u64>,

    /// Fail unless an event of this type (glob, e.g. 'invoice.*') arrives; repeatable. Without --expect, stop once each was seen
    #[arg(long = "expect-event", value_name = "GLOB", value_parser = parse_glob, help_heading = "CI")]
    pub expect_events: Vec<glob::Pattern>,

    /// With --expect/--expect-event: give up after this long, exit 1 saying how many arrived
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, help_heading = "CI")]
    pub timeout: Option<Duration>,

    /// Write the URL to send to into FILE (atomically) once listening, for scripts to wait on
    #[arg(long, value_name = "FILE", help_heading = "CI")]
    pub url_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Server")]
pub struct RelayArgs {
    /// Port to listen on; 0 picks a free one [default: 8080]
    #[arg(long, short = 'p', value_name = "PORT", env = "HOOKLINE_RELAY_PORT")]
    pub port: Option<u16>,

    /// Address to bind: HOST or HOST:PORT (0.0.0.0 or :: to accept other machines)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,

    /// The URL senders reach this relay at (behind a proxy, say) [default: from the bound address]
    #[arg(long, value_name = "URL", value_parser = parse_target_url)]
    pub public_url: Option<http::Uri>,

    /// Keep channels (ids and token hashes, never tokens) in FILE, so a restart keeps them
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Largest body relayed; larger ones get 413
    #[arg(long, value_name = "SIZE", default_value = "25MiB", value_parser = parse_size)]
    pub max_body: u64,

    /// How long a sender waits for the subscriber's answer before a 504
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub wait: Duration,

    /// Requests in flight per channel; more get 503 with Retry-After
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: u32,

    /// Forget channels unused (no event, no subscriber) for this long
    #[arg(long, value_name = "DURATION", default_value = "30days", value_parser = parse_timeout)]
    pub channel_ttl: Duration,

    /// Most channels kept; creating more gets 503
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_channels: usize,

    /// Channels one client address (an IPv6 /64) may create per hour; more get 429
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub creates_per_hour: u32,

    /// Make `POST /channels` require `Authorization: Bearer TOKEN` (a private relay)
    #[arg(
        long,
        value_name = "TOKEN",
        env = "HOOKLINE_RELAY_CREATE_TOKEN",
        hide_env_values = true
    )]
    pub create_token: Option<String>,

    /// Drop a subscriber's link when a write to it stays blocked this long (it stopped reading)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub link_timeout: Duration,

    #[command(flatten)]
    pub limits: ServerLimits,

    /// Log one line per relayed request on stderr
    #[arg(long)]
    pub access_log: bool,

    #[command(flatten)]
    pub tls: TlsServerArgs,

    /// Run as one of several relays sharing channels and subscribers over NATS (nats://HOST:PORT)
    #[arg(
        long,
        value_name = "URL",
        env = "HOOKLINE_RELAY_NATS",
        hide_env_values = true,
        help_heading = "Several relays"
    )]
    pub nats: Option<String>,

    /// The subjects' prefix and bucket name on NATS (relays sharing channels use the same one)
    #[arg(long, value_name = "PREFIX", default_value = "hookline", value_parser = parse_nats_prefix, help_heading = "Several relays")]
    pub nats_prefix: String,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Capture files, directories of them (dead letters too), JSON-lines files (.jsonl, e.g. `listen --json` output)
    #[arg(value_name = "CAPTURE", required = true)]
    pub captures: Vec<PathBuf>,

    /// Read directories recursively
    #[arg(short, long)]
    pub recursive: bool,

    /// Serve the page on ADDR (HOST:PORT or PORT) [default: 127.0.0.1:4040, or the next free port]
    #[arg(long, value_name = "ADDR")]
    pub addr: Option<String>,

    /// Where replays go unless the page names another URL
    #[arg(long, value_name = "URL", value_parser = parse_target_url)]
    pub to: Option<http::Uri>,

    /// Give up on a replay's answer after this long
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_timeout)]
    pub timeout: Duration,

    #[command(flatten, next_help_heading = "Signing")]
    pub signing: SigningArgs,

    #[command(flatten)]
    pub inspector: InspectorLimits,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// How much the inspector keeps in memory (listen and inspect).
#[derive(Debug, Args, Clone, Copy)]
pub struct InspectorLimits {
    /// Events the inspector keeps in memory; older ones drop out of the page (not from --save)
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..), help_heading = "Inspector")]
    pub inspect_max_events: u64,

    /// Memory the inspector's events may take; the oldest drop out past it
    #[arg(long, value_name = "SIZE", default_value = "128MiB", value_parser = parse_size, help_heading = "Inspector")]
    pub inspect_max_bytes: u64,
}

/// A NATS subject prefix: dot-separated words of letters, digits, `-` and `_`.
fn parse_nats_prefix(text: &str) -> Result<String, String> {
    let word_ok = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if text.len() <= 64 && text.split('.').all(word_ok) {
        Ok(text.to_string())
    } else {
        Err(
            "use dot-separated words of letters, digits, '-' and '_' (64 characters at most)"
                .into(),
        )
    }
}

/// The limits of a server (listen and relay): what one client may take of it.
#[derive(Debug, Args)]
pub struct ServerLimits {
    /// Drop a client that has not sent a request's headers within this time
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout, help_heading = "Limits")]
    pub header_timeout: Duration,

    /// Drop a client whose body stalls (no bytes) for this long
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = parse_timeout, help_heading = "Limits")]
    pub body_timeout: Duration,

    /// Drop a client whose whole body has not arrived within this time (ends a trickle)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_timeout, help_heading = "Limits")]
    pub body_deadline: Duration,

    /// Close an HTTP/2 connection with no request in flight for this long (an idle HTTP/1 one waits --header-timeout)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_timeout, help_heading = "Limits")]
    pub idle_timeout: Duration,

    /// Connections open at once; more are closed as they arrive (lowered to fit the open-file limit)
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..), help_heading = "Limits")]
    pub max_connections: u32,

    /// Request bodies held in memory at once, all connections together; past it, new requests get 503
    #[arg(long, value_name = "SIZE", default_value = "128MiB", value_parser = parse_size, help_heading = "Limits")]
    pub max_buffered: u64,

    /// On Ctrl-C / SIGTERM, wait this long for requests in flight
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub grace: Duration,
}

/// A server's own certificate (listen and relay).
#[derive(Debug, Args)]
pub struct TlsServerArgs {
    /// Serve HTTPS with this certificate chain (PEM)
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        help_heading = "HTTPS"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key for --tls-cert (PEM)
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_cert",
        help_heading = "HTTPS"
    )]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ChannelAction {
    /// Make a channel on a relay; prints its public URL and token (once) and saves them
    Create {
        /// The relay, e.g. https://relay.example.com
        #[arg(long, value_name = "URL", value_parser = parse_target_url)]
        relay: http::Uri,

        /// The relay's channel-creation token, when it asks for one (`relay --create-token`)
        #[arg(
            long,
            value_name = "TOKEN",
            env = "HOOKLINE_RELAY_CREATE_TOKEN",
            hide_env_values = true
        )]
        create_token: Option<String>,

        /// Make it the channel `listen --relay URL` uses for this relay (else the first
        /// one saved stays the default)
        #[arg(long)]
        default: bool,

        #[command(flatten)]
        tls: ConnectArgs,
    },
    /// List the saved channels (never their tokens); `*` marks each relay's default
    List {
        /// Only this relay's
        #[arg(long, value_name = "URL", value_parser = parse_target_url)]
        relay: Option<http::Uri>,
    },
    /// Delete a channel on its relay and forget it here
    Delete {
        /// The channel id (one that starts with `-` is taken as an id, not a flag)
        #[arg(value_name = "CHANNEL", allow_hyphen_values = true)]
        channel: String,

        /// The relay, when the channel is saved for more than one
        #[arg(long, value_name = "URL", value_parser = parse_target_url)]
        relay: Option<http::Uri>,

        #[command(flatten)]
        tls: ConnectArgs,
    },
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Fixture files (their bytes are the body), envelopes/captures, directories, or - for standard input
    #[arg(value_name = "FIXTURE", required = true)]
    pub fixtures: Vec<PathBuf>,

    /// The endpoint, e.g. http://localhost:3000/webhooks
    #[arg(long, value_name = "URL", value_parser = parse_target_url)]
    pub to: http::Uri,

    #[command(flatten)]
    pub signing: SigningArgs,

    /// Send without a signature (no secret needed): to check that a receiver answers 401
    #[arg(long)]
    pub unsigned: bool,

    /// Read FIXTURE directories recursively
    #[arg(short, long)]
    pub recursive: bool,

    /// Event name for the scheme's event header [default: the envelope's, else the file name without extension]
    #[arg(long, value_name = "NAME")]
    pub event: Option<String>,

    /// An extra request header, `Name: value`; repeatable
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// HTTP method
    #[arg(long, value_name = "METHOD", default_value = "POST")]
    pub method: http::Method,

    /// Content-Type when neither the envelope nor the extension gives one
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,

    #[command(flatten)]
    pub retry: RetryArgs,

    /// Deliveries in flight at once
    #[arg(long, value_name = "N", default_value_t = 4, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,

    /// Write each delivery that fails for good to DIR as a capture (with its attempts)
    #[arg(long, value_name = "DIR")]
    pub dead_letter: Option<PathBuf>,

    /// Set a field of each JSON body: PATH=VALUE, PATH a dot path (data.object.amount) or a JSON pointer, VALUE JSON or text; placeholders such as {{uuid}}, {{hex}}, {{now}} allowed; repeatable
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = crate::fixture::template::Set::parse)]
    pub sets: Vec<crate::fixture::template::Set>,

    /// Send each delivery twice with the same delivery id (tests idempotency)
    #[arg(long)]
    pub duplicate: bool,

    /// Keep running: send a fixture again whenever its file changes (Ctrl-C ends with the summary)
    #[arg(long)]
    pub watch: bool,

    /// One JSON object per attempt and per result on stdout
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub tls: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The receiver's URL (`user:password@` is sent as Basic auth)
    #[arg(value_name = "URL", value_parser = parse_target_url)]
    pub url: http::Uri,

    #[command(flatten)]
    pub signing: SigningArgs,

    /// The body to sign and send (a file or an envelope) [default: a built-in JSON event]
    #[arg(long, value_name = "FILE")]
    pub fixture: Option<PathBuf>,

    /// The event name sent in the scheme's event header [default: the fixture's, else probe.check]
    #[arg(long, value_name = "NAME")]
    pub event: Option<String>,

    /// A header sent with every request, `Name: value` (a bearer token…); repeatable
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,

    /// Only these cases, comma-separated (valid, tampered-body, missing-signature, malformed-signature, wrong-secret, stale-timestamp, future-timestamp, odd-json, header-case, redelivery, rotation, large-body)
    #[arg(long, value_name = "CASES", value_delimiter = ',', value_parser = parse_probe_case)]
    pub only: Vec<crate::probe::Case>,

    /// Leave these cases out, comma-separated
    #[arg(long, value_name = "CASES", value_delimiter = ',', value_parser = parse_probe_case)]
    pub skip: Vec<crate::probe::Case>,

    /// Per request: a sender gives up after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout)]
    pub timeout: Duration,

    /// One JSON object per case on stdout; the summary goes to stderr
    #[arg(long)]
    pub json: bool,

    /// Also write the results as JUnit XML, for CI systems to show
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    #[command(flatten)]
    pub tls: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Capture files, directories of them, JSON-lines files (.jsonl, e.g. `listen --json` output), or - for JSON lines on standard input
    #[arg(value_name = "CAPTURE", required = true)]
    pub captures: Vec<PathBuf>,

    /// Where to send. With no path (or `/`), each capture's own path and query are kept
    #[arg(long, value_name = "URL", value_parser = parse_target_url)]
    pub to: http::Uri,

    /// Read directories recursively
    #[arg(short, long)]
    pub recursive: bool,

    /// Read every CAPTURE file as JSON lines, whatever its name (not only .jsonl/.ndjson)
    #[arg(long)]
    pub jsonl: bool,

    /// Only captures whose event type matches this glob, e.g. 'invoice.*'
    #[arg(long, value_name = "PATTERN", value_parser = parse_glob, help_heading = "Selection")]
    pub event: Option<glob::Pattern>,

    /// Only captures whose signature was valid when received
    #[arg(long, conflicts_with = "only_invalid", help_heading = "Selection")]
    pub only_valid: bool,

    /// Only captures whose signature was invalid when received
    #[arg(long, help_heading = "Selection")]
    pub only_invalid: bool,

    /// Only captures received at or after this time: RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22, UTC) or a duration ago (1h)
    #[arg(long, value_name = "TIME", value_parser = parse_moment, help_heading = "Selection")]
    pub since: Option<std::time::SystemTime>,

    /// Only captures received before this time: RFC 3339 or a duration ago
    #[arg(long, value_name = "TIME", value_parser = parse_moment, help_heading = "Selection")]
    pub until: Option<std::time::SystemTime>,

    /// Stop after N requests
    #[arg(long, value_name = "N", help_heading = "Selection")]
    pub limit: Option<u64>,

    /// At most N requests per second, evenly spaced
    #[arg(long, value_name = "N", value_parser = parse_rate_per_second)]
    pub rate: Option<f64>,

    /// Drop the captured signature headers and sign afresh (fresh timestamp; the scheme is
    /// --scheme, else the capture's, else generic; a captured webhook-id is kept)
    #[arg(long, help_heading = "Signing")]
    pub resign: bool,

    #[command(flatten, next_help_heading = "Signing")]
    pub signing: SigningArgs,

    /// How old a captured signature may be before replay warns it will be rejected as stale [default: 5m]
    #[arg(long, value_name = "DURATION", env = "HOOKLINE_TOLERANCE", value_parser = parse_duration, help_heading = "Signing")]
    pub tolerance: Option<Duration>,

    #[command(flatten)]
    pub retry: RetryArgs,

    /// Requests in flight at once
    #[arg(long, value_name = "N", default_value_t = 4, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..), help_heading = "Options")]
    pub concurrency: u32,

    /// Write each request that fails for good to DIR as a capture (with its attempts)
    #[arg(long, value_name = "DIR", help_heading = "Options")]
    pub dead_letter: Option<PathBuf>,

    /// Skip (and count) malformed captures or lines instead of stopping
    #[arg(long, help_heading = "Options")]
    pub skip_invalid: bool,

    /// Print one line per request that would be sent (method, URL, header count, body size), and send nothing
    #[arg(long, help_heading = "Options")]
    pub dry_run: bool,

    /// One JSON object per request on stdout; the summary goes to stderr
    #[arg(long, help_heading = "Options")]
    pub json: bool,

    #[command(flatten)]
    pub tls: ConnectArgs,
}

/// The retry policy's flags, shared by `send` and `replay`.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// Retries after the first attempt
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        allow_negative_numbers = true,
        help_heading = "Retries"
    )]
    pub retries: u32,

    /// Backoff base: retry n waits a random time up to BASE × 2^n (full jitter)
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration, help_heading = "Retries")]
    pub backoff: Duration,

    /// The longest wait between attempts (also caps Retry-After)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, help_heading = "Retries")]
    pub max_backoff: Duration,

    /// Per-attempt timeout
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_timeout, help_heading = "Retries")]
    pub timeout: Duration,

    /// Also retry these statuses (408, 425, 429 and 5xx always are), e.g. 404,409
    #[arg(long, value_name = "LIST", value_parser = parse_status_list, help_heading = "Retries")]
    pub retry_on: Option<StatusList>,
}

/// Trust for the https:// servers hookline connects to: send's and replay's targets, a
/// relay (`listen --relay`, `channel create`).
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Trust this CA certificate (PEM) for the https:// server connected to (a target, an app, or a relay), besides the usual roots
    #[arg(long, value_name = "FILE", help_heading = "Network")]
    pub cacert: Option<PathBuf>,

    /// Do not check the https:// server's certificate (printed as a warning)
    #[arg(long, help_heading = "Network")]
    pub insecure: bool,

    /// Connect through this proxy (http://[user:password@]host:port), whatever HTTPS_PROXY, HTTP_PROXY and ALL_PROXY say; NO_PROXY still applies
    #[arg(long, value_name = "URL", value_parser = parse_proxy_url, conflicts_with = "no_proxy", help_heading = "Network")]
    pub proxy: Option<http::Uri>,

    /// Connect directly, whatever the proxy variables say
    #[arg(long, help_heading = "Network")]
    pub no_proxy: bool,
}

/// The command line: the derive's definition, and what it cannot say per subcommand.
/// `man` and `completions` read no settings: their own hidden --config/--color stand in
/// for the global ones, so their help and pages do not offer them.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let hide_settings = |c: clap::Command| {
        c.arg(
            clap::Arg::new("config")
                .long("config")
                .hide(true)
                .value_parser(clap::value_parser!(PathBuf)),
        )
        .arg(
            clap::Arg::new("color")
                .long("color")
                .hide(true)
                .value_parser(clap::builder::EnumValueParser::<ColorWhen>::new()),
        )
    };
    Cli::command()
        .mut_subcommand("man", hide_settings)
        .mut_subcommand("completions", hide_settings)
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

/// A timeout, wait or lifetime: a duration, and not zero (zero would refuse everything).
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        d if d.is_zero() => Err("must be more than zero".into()),
        d => Ok(d),
    }
}

/// Sizes like `5MB`, `25MiB`, `1024`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|_| format!("`{text}` is not a size (use e.g. 512KB, 5MB, 25MiB)"))
}

/// A final HTTP status code, 200..=599.
pub fn parse_status(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        // 1xx are not final answers (hyper turns 100 into a 500, 101 switches protocols).
        Ok(code @ 200..=599) => Ok(code),
        _ => Err(format!("`{text}` is not a final HTTP status (200 to 599)")),
    }
}

/// A list of statuses (a newtype: clap would read a bare `Vec` as a repeated flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList(pub Vec<u16>);

/// `503,503,202`: a non-empty list of statuses.
pub fn parse_status_list(text: &str) -> Result<StatusList, String> {
    text.split(',')
        .map(|part| parse_status(part.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map(StatusList)
        .map_err(|e| format!("{e}; expected a list like 503,503,202"))
}

/// A probability, 0 to 1.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a rate between 0 and 1 (e.g. 0.3)")),
    }
}

/// `300ms` (fixed) or `100ms..2s` (uniform in the range).
pub fn parse_delay(text: &str) -> Result<(Duration, Duration), String> {
    let (low, high) = match text.split_once("..") {
        Some((low, high)) => (parse_duration(low.trim())?, parse_duration(high.trim())?),
        None => {
            let d = parse_duration(text.trim())?;
            (d, d)
        }
    };
    if low > high {
        return Err(format!("`{text}`: the range's start is after its end"));
    }
    Ok((low, high))
}

/// An `http://host[:port][/path]` URL for --forward-to.
/// `--proxy`: an http:// proxy (the scheme may be left out).
pub fn parse_proxy_url(text: &str) -> Result<http::Uri, String> {
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let uri: http::Uri = with_scheme
        .parse()
        .map_err(|e| format!("`{text}` is not a URL ({e})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http"), Some(_)) => Ok(uri),
        (Some(other), Some(_)) => Err(format!(
            "`{text}`: only http:// proxies are supported, not {other}://"
        )),
        _ => Err(format!(
            "`{text}` needs a host, e.g. http://proxy.example:3128"
        )),
    }
}

/// `--forward-to`: a route rule and the app's URL.
#[derive(Debug, Clone)]
pub struct ForwardRule {
    pub rule: crate::listen::routes::Rule,
    pub url: http::Uri,
}

/// `URL`, `/path/prefix=URL` or `event:GLOB=URL`.
pub fn parse_forward_rule(text: &str) -> Result<ForwardRule, String> {
    use crate::listen::routes::Rule;
    let (rule, url) = if let Some(rest) = text.strip_prefix("event:") {
        let (glob, url) = rest
            .split_once('=')
            .ok_or_else(|| format!("`{text}`: write event:GLOB=URL"))?;
        (Rule::Event(parse_glob(glob)?), url)
    } else if text.starts_with('/') {
        let (prefix, url) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}`: write /path/prefix=URL"))?;
        (Rule::PathPrefix(prefix.to_string()), url)
    } else {
        (Rule::Any, text)
    };
    Ok(ForwardRule {
        rule,
        url: parse_forward_url(url)?,
    })
}

pub fn parse_forward_url(text: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = text
        .parse()
        .map_err(|e| format!("`{text}` is not a URL ({e})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(uri),
        _ => Err(format!(
            "`{text}` needs a scheme and host, e.g. http://localhost:3000"
        )),
    }
}

/// An `http(s)://host[:port][/path]` URL to send to.
pub fn parse_target_url(text: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = text
        .parse()
        .map_err(|e| format!("`{text}` is not a URL ({e})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http"), Some(_)) => Ok(uri),
        (Some("https"), Some(_)) => Ok(uri),
        (Some(other), Some(_)) if other != "http" && other != "https" => Err(format!(
            "`{text}`: the scheme must be http:// or https://, not {other}://"
        )),
        _ => Err(format!(
            "`{text}` needs a scheme and host, e.g. http://localhost:3000/webhooks"
        )),
    }
}

/// A glob for event types: `invoice.*`, `*.created`.
pub fn parse_probe_case(text: &str) -> Result<crate::probe::Case, String> {
    crate::probe::Case::from_name(text.trim()).ok_or_else(|| {
        let names: Vec<&str> = crate::probe::Case::ALL.iter().map(|c| c.name()).collect();
        format!("`{text}` is not a probe case ({})", names.join(", "))
    })
}

/// `10.0.0.0/8`, `2001:db8::/32`, or an address alone (`127.0.0.1`).
pub fn parse_cidr(text: &str) -> Result<ipnet::IpNet, String> {
    text.parse::<ipnet::IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{text}` is not an address or network (e.g. 10.0.0.0/8, ::1)"))
}

pub fn parse_glob(text: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(text).map_err(|e| format!("`{text}` is not a glob ({e})"))
}

/// A point in time: RFC 3339 (`2026-11-22T10:00:00Z`), or a duration ago (`1h`, `30m`).
pub fn parse_moment(text: &str) -> Result<std::time::SystemTime, String> {
    if let Ok(at) = humantime::parse_rfc3339_weak(text.trim()) {
        return Ok(at);
    }
    // A date alone is its start, in UTC (as capture times are).
    if let Ok(at) = humantime::parse_rfc3339_weak(&format!("{}T00:00:00Z", text.trim())) {
        return Ok(at);
    }
    let ago = humantime::parse_duration(text.trim()).map_err(|_| {
        format!("`{text}` is neither a time (2026-11-22T10:00:00Z) nor a duration ago (1h)")
    })?;
    Ok(std::time::SystemTime::now() - ago)
}

/// Requests per second, above 0.
pub fn parse_rate_per_second(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(n),
        _ => Err(format!(
            "`{text}` is not a rate above 0 (requests per second)"
        )),
    }
}
