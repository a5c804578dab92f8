//! `hookline config [COMMAND] [--all]`: every setting in force that does not come from the
//! built-in defaults (with `--all`, those too), and where it comes from.

use std::process::ExitCode;

use anyhow::Result;
use clap::parser::ValueSource;

use crate::config::{tables, Config};
use crate::output::config::{Row, Source};

/// Top-level settings: the file key, its variable, and whether it holds a secret.
const TOP: [(&str, &str, bool); 7] = [
    ("scheme", "HOOKLINE_SCHEME", false),
    ("secret", "HOOKLINE_SECRET", true),
    ("secrets", "", true),
    ("secret_file", "HOOKLINE_SECRET_FILE", false),
    ("signature_header", "HOOKLINE_SIGNATURE_HEADER", false),
    ("tolerance", "HOOKLINE_TOLERANCE", false),
    ("color", "HOOKLINE_COLOR", false),
];

pub fn run(config: &Config, only: Option<&str>, all: bool) -> Result<ExitCode> {
    let mut rows = Vec::new();
    let file: toml::Table = toml::from_str(&config.text).unwrap_or_default();
    for (key, var, secret) in TOP {
        let from_env = (!var.is_empty())
            .then(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
            .flatten();
        let (value, source) = match (from_env, file.get(key)) {
            (Some(v), _) => (v, Source::Environment(var.to_string())),
            (None, Some(v)) => (toml_text(v), Source::File(line(&config.text, key))),
            (None, None) => continue,
        };
        rows.push(Row {
            key: key.to_string(),
            value: if secret { "(redacted)".into() } else { value },
            source,
        });
    }
    let (command, applied) = config.command()?;
    for name in tables::COMMANDS {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let Some(sub) = command.find_subcommand(name) else {
            continue;
        };
        let matches = sub
            .clone()
            .ignore_errors(true)
            .no_binary_name(true)
            .try_get_matches_from(Vec::<String>::new())?;
        for arg in sub.get_arguments() {
            let (Some(long), id) = (arg.get_long(), arg.get_id().as_str()) else {
                continue;
            };
            let from_file = applied.iter().find(|s| s.command == name && s.id == id);
            let source = match (matches.value_source(id), from_file) {
                (Some(ValueSource::EnvVariable), _) => Source::Environment(
                    arg.get_env()
                        .and_then(|v| v.to_str())
                        .unwrap_or_default()
                        .to_string(),
                ),
                (Some(ValueSource::DefaultValue), Some(setting)) => Source::File(setting.line),
                (Some(ValueSource::DefaultValue), None) if all => Source::Default,
                _ => continue,
            };
            let value: Vec<String> = matches
                .get_raw(id)
                .into_iter()
                .flatten()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let hidden = id.contains("secret") || id.contains("token");
            rows.push(Row {
                key: format!("{name}.{long}"),
                value: if hidden {
                    "(redacted)".into()
                } else {
                    value.join(", ")
                },
                source,
            });
        }
    }
    crate::output::config::print(config.path.as_deref(), &rows)?;
    Ok(ExitCode::SUCCESS)
}

fn toml_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The line of a top-level key.
fn line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let name = l.split('=').next().unwrap_or_default().trim();
            name == key
        })
        .map_or(0, |i| i + 1)
}
