//! `hookline fixtures`: the built-in fixtures as a table; one fixture's bytes.

use std::io::Write;

use crate::fixture::builtin::Builtin;

/// `@NAME  scheme  event  size`, one per line, then how to use one.
pub fn list(fixtures: &[Builtin]) -> std::io::Result<()> {
    let width = fixtures.iter().map(|f| f.name.len() + 1).max().unwrap_or(0);
    let mut text = format!(
        "{:<width$}  {:<9} {:<36} size\n",
        "fixture", "scheme", "event"
    );
    for f in fixtures {
        let scheme = f.scheme().map_or("generic", |s| s.name());
        let event = f
            .scheme()
            .map_or(f.event().to_string(), |s| s.event_value(f.event()));
        text.push_str(&format!(
            "{:<width$}  {scheme:<9} {event:<36} {}\n",
            format!("@{}", f.name),
            crate::text::size_text(f.bytes.len() as u64)
        ));
    }
    super::print_stdout(&text)?;
    eprintln!("send one: hookline send @stripe/invoice.paid --to URL --secret …");
    Ok(())
}

pub fn show(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
