//! Text for people, shared by the engines (log lines, refusals) and the output layer:
//! durations, sizes, and input made safe for a terminal. Pure: no I/O.

/// A duration in milliseconds for people: `0.4 ms`, `37 ms`, `1.2 s`.
pub fn millis_text(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{} ms", ms.round())
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A size in the unit it was most likely written in: `--max-body 1MB` is 1,000,000 bytes
/// and shows as `1 MB`, `25MiB` as `25 MiB`, not as `976.6 KiB` (bytesize's choice).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 8] = [
        (1 << 40, "TiB"),
        (1_000_000_000_000, "TB"),
        (1 << 30, "GiB"),
        (1_000_000_000, "GB"),
        (1 << 20, "MiB"),
        (1_000_000, "MB"),
        (1 << 10, "KiB"),
        (1_000, "KB"),
    ];
    UNITS
        .iter()
        .find(|(unit, _)| bytes >= *unit && bytes.is_multiple_of(*unit))
        .map_or_else(
            || format!("{bytes} B"),
            |(unit, name)| format!("{} {name}", bytes / unit),
        )
}

/// Text that came from a request, a capture or a peer, made safe to print on a terminal:
/// control characters (C0 but tab, DEL, C1) and bidirectional overrides are shown as
/// escapes (`\x1b`, `\u{9b}`, `\u{202e}`), so no input can move the cursor, recolour,
/// retitle or reorder what the user sees.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        (c.is_control() && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !unsafe_char(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{printable, size_text};

    #[test]
    fn sizes_show_in_the_unit_they_were_written_in() {
        assert_eq!(size_text(1_000_000), "1 MB");
        assert_eq!(size_text(25 << 20), "25 MiB");
        assert_eq!(size_text(1024), "1 KiB");
        assert_eq!(size_text(1_500_000), "1500 KB");
        assert_eq!(size_text(1234), "1234 B");
    }

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_kept() {
        assert_eq!(printable("push · ✓ tab\there"), "push · ✓ tab\there");
        assert_eq!(printable("a\x1b[2Jb\x07"), "a\\x1b[2Jb\\x07");
        assert_eq!(
            printable("\u{9b}31m\r\u{202e}x\u{7f}"),
            "\\u{9b}31m\\x0d\\u{202e}x\\x7f"
        );
    }
}
