//! `hookline fixtures [list | show NAME]`: the fixtures compiled into the binary.

use std::process::ExitCode;

use anyhow::{anyhow, Result};

use crate::cli::FixturesAction;
use crate::fixture::builtin;

pub fn run(action: Option<FixturesAction>) -> Result<ExitCode> {
    match action.unwrap_or(FixturesAction::List) {
        FixturesAction::List => crate::output::fixtures::list(&builtin::all())?,
        FixturesAction::Show { name } => {
            let found = builtin::find(&name).ok_or_else(|| {
                anyhow!("{name}: no such built-in fixture (see `hookline fixtures`)")
            })?;
            crate::output::fixtures::show(found.bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
