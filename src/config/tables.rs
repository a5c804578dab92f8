//! The command tables of `hookline.toml`: `[listen]`, `[send]`, `[replay]`, `[probe]`,
//! `[relay]` hold a command's flags by their long names (`port = 9001`, `forward-to = [..]`,
//! `max_body = "1MiB"`). They become the flags' defaults, so the order stays: built-in
//! defaults < file < `HOOKLINE_*` < flags. A key that is not a flag of its command, or a
//! value its flag would refuse, is an error naming the file, the line and the key.

use clap::{Arg, ArgAction, Command};

/// The commands that read a table.
pub const COMMANDS: [&str; 5] = ["listen", "send", "replay", "probe", "relay"];

/// One key of a command table, as applied.
#[derive(Debug, Clone)]
pub struct Setting {
    pub command: &'static str,
    /// The flag's id (clap's), for looking it up in the matches.
    pub id: String,
    pub line: usize,
}

/// `cmd` with each table's values as its subcommands' defaults, and what was set.
pub fn apply(
    mut cmd: Command,
    tables: &[(&'static str, &toml::Table)],
    text: &str,
) -> Result<(Command, Vec<Setting>), String> {
    let mut applied = Vec::new();
    for (name, table) in tables {
        let Some(sub) = cmd.find_subcommand(name).cloned() else {
            continue;
        };
        let mut sub = sub;
        for (key, value) in table.iter() {
            let line = line_of(text, name, key);
            let at = |why: String| format!("line {line}: [{name}] key `{key}`: {why}");
            let long = key.replace('_', "-");
            if matches!(long.as_str(), "secret" | "secrets" | "secret-file") {
                return Err(at(
                    "secrets go at the top level of the file, for every command".into(),
                ));
            }
            let Some(arg) = sub
                .get_arguments()
                .find(|a| a.get_long() == Some(long.as_str()))
                .cloned()
            else {
                return Err(at(format!("not a setting of `hookline {name}`")));
            };
            let values = values(&arg, value).map_err(at)?;
            check(&arg, &values).map_err(at)?;
            // Read once at start-up: clap keeps defaults as `&'static str`.
            let values: Vec<&'static str> = values
                .into_iter()
                .map(|v| &*Box::leak(v.into_boxed_str()))
                .collect();
            let id = arg.get_id().to_string();
            sub = sub.mut_arg(&id, |a| match values.as_slice() {
                [one] => a.default_value(*one),
                many => a.default_values(many.to_vec()),
            });
            applied.push(Setting {
                command: name,
                id,
                line,
            });
        }
        cmd = cmd.mut_subcommand(name, |_| sub);
    }
    Ok((cmd, applied))
}

/// A TOML value as the flag's words: a string, number or date as written; a boolean for
/// a switch; an array for a repeatable flag.
fn values(arg: &Arg, value: &toml::Value) -> Result<Vec<String>, String> {
    let switch = matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse);
    let repeatable = matches!(arg.get_action(), ArgAction::Append);
    let one = |v: &toml::Value| -> Result<String, String> {
        match v {
            toml::Value::String(s) => Ok(s.clone()),
            toml::Value::Integer(n) => Ok(n.to_string()),
            toml::Value::Float(f) => Ok(f.to_string()),
            toml::Value::Datetime(d) => Ok(d.to_string()),
            toml::Value::Boolean(_) => Err("a switch's value; this setting takes a value".into()),
            _ => Err("expected a string or a number".into()),
        }
    };
    match value {
        toml::Value::Boolean(b) if switch => Ok(vec![b.to_string()]),
        _ if switch => Err("expected true or false".into()),
        toml::Value::Array(items) if repeatable => items.iter().map(one).collect(),
        toml::Value::Array(_) => Err("takes one value, not a list".into()),
        other => Ok(vec![one(other)?]),
    }
}

/// Whether the flag's parser takes each value (the flag alone in a throwaway command, so
/// the message is about the value, not about other flags).
fn check(arg: &Arg, values: &[String]) -> Result<(), String> {
    if matches!(arg.get_action(), ArgAction::SetTrue | ArgAction::SetFalse) {
        return Ok(());
    }
    let alone = Arg::new("value")
        .long("value")
        .action(ArgAction::Append)
        .value_parser(arg.get_value_parser().clone());
    let probe = Command::new("hookline").no_binary_name(true).arg(alone);
    let words: Vec<String> = values.iter().map(|v| format!("--value={v}")).collect();
    probe
        .try_get_matches_from(words)
        .map(|_| ())
        .map_err(|e| clap_reason(&e))
}

/// clap's reason, without its "error:" and the flag it would name.
fn clap_reason(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    first.trim_start_matches("error: ").trim().to_string()
}

/// The line of `key` in `[table]` (1-based), for messages.
fn line_of(text: &str, table: &str, key: &str) -> usize {
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed.trim_matches(['[', ']']).trim() == table;
            continue;
        }
        let name = trimmed
            .split('=')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches('"');
        if in_table && name == key {
            return i + 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd() -> Command {
        crate::cli::command()
    }

    #[test]
    fn tables_become_defaults_and_bad_keys_name_their_line() {
        let text = "secret = \"x\"\n[listen]\nport = 9001\nforward_to = [\"http://localhost:3000\"]\njson = true\n";
        let file: toml::Table = toml::from_str(text).unwrap();
        let listen = file["listen"].as_table().unwrap();
        let (built, applied) = apply(cmd(), &[("listen", listen)], text).unwrap();
        assert_eq!(applied.len(), 3);
        assert_eq!(applied.iter().find(|s| s.id == "port").unwrap().line, 3);
        let matches = built.try_get_matches_from(["hookline", "listen"]).unwrap();
        let (_, sub) = matches.subcommand().unwrap();
        assert_eq!(sub.get_raw("port").unwrap().next().unwrap(), "9001");
        assert!(sub.get_flag("json"));

        for (text, says) in [
            (
                "[listen]\nportt = 1\n",
                "line 2: [listen] key `portt`: not a setting",
            ),
            (
                "[listen]\n\nport = \"abc\"\n",
                "line 3: [listen] key `port`: invalid value",
            ),
            ("[send]\nsecret = \"s\"\n", "secrets go at the top level"),
            ("[listen]\njson = \"yes\"\n", "expected true or false"),
            ("[listen]\nport = [1, 2]\n", "takes one value"),
        ] {
            let file: toml::Table = toml::from_str(text).unwrap();
            let name = file.keys().next().unwrap().clone();
            let name: &'static str = COMMANDS.into_iter().find(|c| *c == name).unwrap();
            let table = file[name].as_table().unwrap();
            let e = apply(cmd(), &[(name, table)], text).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }
}
