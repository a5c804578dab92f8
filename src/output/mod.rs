//! What the user sees. Engines hand results here; this module decides colour, human text
//! or JSON. Colour is settled once at start-up ([`settle_color`]).

pub mod channel;
pub mod config;
pub mod delivery;
pub mod fixtures;
pub mod listen;
pub mod probe;
pub mod relay;
pub mod verdict;
pub mod writer;

use std::io::{self, IsTerminal, Write};

use crate::cli::ColorWhen;
// Text helpers live below the engines (they use them too); re-exported for the printers.
pub use crate::text::{millis_text, printable, size_text};

/// Settles colour once, at start-up: `always`/`never` win; `auto` means stdout is a
/// terminal and `NO_COLOR` is unset. Returns the decision.
pub fn settle_color(when: ColorWhen) -> bool {
    let color = match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    };
    // `colored` keeps a global switch; set it here, once, from our decision.
    colored::control::set_override(color);
    color
}

/// Writes the product to stdout. A closed pipe (`| head`) is not an error worth a message.
pub fn print_stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
