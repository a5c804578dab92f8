//! `hookline config`: one line per setting, where it comes from beside it.

use std::path::Path;

pub enum Source {
    /// The settings file, at this line.
    File(usize),
    /// This environment variable.
    Environment(String),
    Default,
}

pub struct Row {
    pub key: String,
    pub value: String,
    pub source: Source,
}

pub fn print(file: Option<&Path>, rows: &[Row]) -> std::io::Result<()> {
    let file_name = file.map(|p| p.display().to_string());
    let mut text = match &file_name {
        Some(name) => format!("# settings file: {name}\n"),
        None => "# settings file: none (no ./hookline.toml, no --config)\n".to_string(),
    };
    let width = rows
        .iter()
        .map(|r| r.key.len() + r.value.len() + 3)
        .max()
        .unwrap_or(0);
    for row in rows {
        let setting = format!("{} = {}", row.key, crate::text::printable(&row.value));
        let from = match &row.source {
            Source::File(line) => format!("{} line {line}", file_name.as_deref().unwrap_or("file")),
            Source::Environment(var) => var.clone(),
            Source::Default => "default".to_string(),
        };
        text.push_str(&format!("{setting:<width$}  # {from}\n"));
    }
    if rows.is_empty() {
        text.push_str("# everything at its built-in default\n");
    }
    super::print_stdout(&text)
}
