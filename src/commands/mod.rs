//! One small file per subcommand: options → engine → output.

mod dead_letter;
mod generate;
mod input;
mod listen;
mod replay;
mod send;
mod sign;
mod signals;
mod verify;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::config::{self, Config};

/// Exit status 1: the thing checked is false (invalid signature, undelivered).
pub const EXIT_FALSE: u8 = 1;
/// Exit status 2: usage, config or input error.
pub const EXIT_USAGE: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    // Generated files must not depend on a local hookline.toml.
    match cli.command {
        Command::Completions { shell } => return generate::completions(shell),
        Command::Man => return generate::man(),
        _ => {}
    }
    let config = Config::load(cli.config.as_deref())?;
    crate::output::settle_color(config::color_when(&config, cli.color));
    match cli.command {
        Command::Sign(args) => sign::run(&config, args),
        Command::Verify(args) => verify::run(&config, args),
        Command::Listen(args) => listen::run(&config, *args),
        Command::Send(args) => send::run(&config, *args),
        Command::Replay(args) => replay::run(&config, *args),
        Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    }
}

/// Seconds since the Unix epoch: the only clock read the signing commands make.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Creates DIR when missing and proves it writable, before any work starts: a directory
/// that fails later would lose what should have been written there. `flag` names the
/// option in errors (`--save`, `--dead-letter`).
fn prepare_output_dir(flag: &str, dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        anyhow::anyhow!("{flag} {}: cannot create the directory: {e}", dir.display())
    })?;
    tempfile::Builder::new()
        .prefix(".hookline-probe-")
        .tempfile_in(dir)
        .map_err(|e| anyhow::anyhow!("{flag} {}: cannot write there: {e}", dir.display()))?;
    Ok(())
}
