use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;
use hookline::cli::Cli;
use hookline::commands::{self, EXIT_USAGE};

// replay's reader thread allocates what its runtime thread frees; glibc's arenas spent
// a quarter of replay's CPU on lock waits for that (bench/replay.sh), mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hookline: {}", one_line(&format!("{e:#}")));
            ExitCode::from(EXIT_USAGE)
        }
    }
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
        _ => {
            let text = e.render().to_string();
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

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
