//! `hookline completions SHELL` and `hookline man`, from the same clap definition.

use std::process::ExitCode;

use anyhow::Result;

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "hookline", &mut out);
    crate::output::print_stdout(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::SUCCESS)
}

/// `hookline man [SUBCOMMAND]`: clap's page for it (every flag, its default and its
/// variable), then what clap does not know: exit status, environment, files.
pub fn man(subcommand: Option<&str>) -> Result<ExitCode> {
    let mut cmd = crate::cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = match subcommand {
        None => cmd,
        Some(name) => cmd
            .find_subcommand(name)
            .filter(|c| !c.is_hide_set())
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                anyhow::anyhow!(
                    "man {name}: no such subcommand (one of: {})",
                    names.join(", ")
                )
            })?,
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page).render(&mut out)?;
    out.extend_from_slice(MORE_SECTIONS.as_bytes());
    crate::output::print_stdout(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::SUCCESS)
}

/// The sections every page ends with.
const MORE_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
0
Success: a valid signature (verify), every delivery delivered (send, replay), a clean stop (listen, relay).
.TP
1
The thing checked is false: an invalid signature, a delivery that failed for good; listen whose standard output closed.
.TP
2
A usage, configuration or input error, said in one line on standard error; nothing half-written.
.TP
130
Interrupted with work left undone: send or replay stopped by Ctrl-C (unfinished deliveries are dead-lettered), listen whose requests in flight were dropped.
.SH ENVIRONMENT
.TP
HOOKLINE_SECRET, HOOKLINE_SECRET_FILE
The secret(s), when no \-\-secret or \-\-secret\-file is given.
.TP
HOOKLINE_SCHEME, HOOKLINE_SIGNATURE_HEADER, HOOKLINE_TOLERANCE
As \-\-scheme, \-\-signature\-header, \-\-tolerance.
.TP
HOOKLINE_CONFIG, HOOKLINE_COLOR, NO_COLOR
As \-\-config and \-\-color; NO_COLOR turns colour off unless \-\-color always.
.TP
HOOKLINE_PORT, HOOKLINE_RELAY_PORT
listen's and relay's \-\-port.
.TP
HOOKLINE_RELAY_TOKEN, HOOKLINE_RELAY_CREATE_TOKEN
A channel's subscriber token (listen \-\-relay); a relay's channel\-creation token (relay, channel create, listen \-\-relay).
.TP
HOOKLINE_LISTEN_TOKEN
listen's \-\-token: the token senders must present.
.TP
HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (and lower case)
The proxy for outgoing connections, as curl reads them (send, replay, probe, listen \-\-forward\-to and \-\-relay, channel); \-\-proxy and \-\-no\-proxy override.
.TP
XDG_CONFIG_HOME, XDG_CACHE_HOME, HOME
Where saved channels and the self\-signed certificate live.
.SH FILES
.TP
\&./hookline.toml
Settings (scheme, secrets, tolerance, colour; a [listen], [send], [replay], [probe] or [relay] table of a command's flags), read when present in the current directory; hookline config shows what is in force.
.TP
$XDG_CONFIG_HOME/hookline/relay.json
Saved relay channels and their tokens (mode 0600).
.TP
$XDG_CACHE_HOME/hookline/listen\-cert.pem, listen\-key.pem
The certificate listen \-\-tls\-self\-signed makes once and reuses.
.SH "SEE ALSO"
hookline man SUBCOMMAND prints the page of one subcommand (sign, verify, listen, send, replay, relay, channel).
"#;
