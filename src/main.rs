use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::FromArgMatches;
use hookline::cli::Cli;
use hookline::commands::{self, EXIT_USAGE};

// replay's reader thread allocates what its runtime thread frees; glibc's arenas spent
// a quarter of replay's CPU on lock waits for that (bench/replay.sh), mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hookline::memory::small_pages();
    // hookline.toml is read before the command line: its command tables are the flags'
    // defaults. `man` and `completions` never depend on it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let config = match commands::settings_for(&args) {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    let command = match config.command() {
        Ok((command, _)) => command,
        Err(e) => return fail(e),
    };
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    match commands::run(cli, config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hookline: {}", one_line(&format!("{e:#}")));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn fail(e: anyhow::Error) -> ExitCode {
    eprintln!("hookline: {}", one_line(&format!("{e:#}")));
    ExitCode::from(EXIT_USAGE)
}

/// Help and version print as clap renders them; usage errors become one line, exit 2.
fn clap_exit(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(e.exit_code() as u8)
        }
        ErrorKind::InvalidUtf8 => {
            // Which argument, never what it holds (it may be a secret).
            eprintln!("hookline: {}", non_utf8_argument());
            ExitCode::from(EXIT_USAGE)
        }
        _ => {
            let text = from_environment(&e, e.render().to_string());
            let text = text.trim_start_matches("error: ");
            let kept: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("Usage:")
                        && !l.starts_with("For more information")
                })
                .collect();
            eprintln!("hookline: {}", one_line(&kept.join(" ")));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// clap names the flag even when the bad value came from its environment variable
/// (`HOOKLINE_PORT=abc` → "invalid value 'abc' for '--port <PORT>'"): name the variable
/// when the flag is not on the command line and the variable is set.
fn from_environment(e: &clap::Error, text: String) -> String {
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(shown)) = e.get(ContextKind::InvalidArg) else {
        return text;
    };
    let Some(long) = shown
        .split_whitespace()
        .next()
        .and_then(|f| f.strip_prefix("--"))
    else {
        return text;
    };
    let on_command_line = std::env::args_os().any(|a| {
        a.to_str()
            .is_some_and(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")))
    });
    let command = <Cli as clap::CommandFactory>::command();
    let env = std::iter::once(&command)
        .chain(command.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .find(|a| a.get_long() == Some(long))
        .and_then(|a| a.get_env())
        .and_then(|v| v.to_str())
        .filter(|var| std::env::var_os(var).is_some());
    match env {
        Some(var) if !on_command_line => {
            text.replace(shown.as_str(), &format!("{var} (environment)"))
        }
        _ => text,
    }
}

/// "argument 3 (after --secret) is not valid UTF-8".
fn non_utf8_argument() -> String {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let Some(at) = args.iter().position(|a| a.to_str().is_none()) else {
        return "an argument is not valid UTF-8".into();
    };
    let after = args[..at]
        .iter()
        .rev()
        .filter_map(|a| a.to_str())
        .find(|a| a.starts_with('-'))
        .map(|flag| format!(" (after {flag})"))
        .unwrap_or_default();
    format!("argument {at}{after} is not valid UTF-8")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
