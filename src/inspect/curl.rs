//! "Copy as curl" and "copy as hookline send": shell commands that reproduce a captured
//! request. Pure: no I/O.
//!
//! The curl command sends the body byte for byte with `--data-binary`: in bash's `$'…'`
//! quoting, every byte that is not printable ASCII as `\xHH`; a body with a NUL byte
//! (which no shell string can hold) is piped in from `printf`. Headers go as captured, in
//! order with repeats, except those curl sets itself (Host, Content-Length) and hop-by-hop
//! ones; with no Content-Type captured, curl is told not to add one.

use crate::capture::Capture;
use crate::http_headers::is_hop_by_hop;

/// `curl` reproducing `capture` at `url` (scheme, host and port; the captured path and
/// query are added).
pub fn curl_command(capture: &Capture, base: &str) -> String {
    let target = match &capture.query {
        Some(q) => format!("{}?{q}", capture.path),
        None => capture.path.clone(),
    };
    let url = format!("{}{target}", base.trim_end_matches('/'));
    let mut parts = vec![
        "curl".to_string(),
        "-sS".to_string(),
        "-X".to_string(),
        shell_quote(capture.method.as_bytes()),
        shell_quote(url.as_bytes()),
    ];
    let mut content_type = false;
    for (name, value) in &capture.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "host" || lower == "content-length" || is_hop_by_hop(&lower) {
            continue;
        }
        content_type |= lower == "content-type";
        parts.push("-H".into());
        parts.push(shell_quote(format!("{name}: {value}").as_bytes()));
    }
    if !content_type {
        parts.push("-H".into());
        parts.push(shell_quote(b"Content-Type:"));
    }
    // curl's own Accept and User-Agent are not the sender's: removed unless captured.
    for (header, name) in [("accept", "Accept:"), ("user-agent", "User-Agent:")] {
        if !capture
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(header))
        {
            parts.push("-H".into());
            parts.push(shell_quote(name.as_bytes()));
        }
    }
    if capture.body.contains(&0) {
        parts.push("--data-binary".into());
        parts.push("@-".into());
        return format!(
            "printf {} | {}",
            printf_format(&capture.body),
            parts.join(" ")
        );
    }
    parts.push("--data-binary".into());
    parts.push(shell_quote(&capture.body));
    parts.join(" ")
}

/// `hookline send` of the capture (downloaded from the inspector) to `url`, re-signed
/// with the secret from the environment.
pub fn send_command(download: &str, url: &str, scheme: Option<&str>) -> String {
    let scheme = scheme.map_or(String::new(), |s| format!(" --scheme {s}"));
    format!(
        "curl -sS -o capture.json {} && hookline send capture.json --to {}{scheme} --secret \"$HOOKLINE_SECRET\"",
        shell_quote(download.as_bytes()),
        shell_quote(url.as_bytes())
    )
}

/// One shell word for `bytes`: plain `'…'` when it is printable ASCII, else `$'…'` with
/// `\xHH` escapes (NUL excepted: callers pipe such bodies in).
fn shell_quote(bytes: &[u8]) -> String {
    let printable = bytes.iter().all(|&b| (0x20..0x7f).contains(&b));
    if printable {
        let text = std::str::from_utf8(bytes).expect("printable ASCII");
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str(r"\\"),
            b'\'' => out.push_str(r"\'"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

/// A `printf` format (single-quoted) that prints `bytes` exactly, NULs included.
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::from("'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str(r"\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str(r"\x27"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command, run by bash, prints the body it would send: here through `cat`.
    fn body_through_bash(command: &str) -> Vec<u8> {
        // Replace curl with a function that writes its --data-binary argument.
        let script = format!(
            "curl() {{ while [ $# -gt 0 ]; do if [ \"$1\" = --data-binary ]; then shift; if [ \"$1\" = @- ]; then cat; else printf '%s' \"$1\"; fi; fi; shift; done; }}\n{command}"
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    #[test]
    fn bodies_survive_the_shell_byte_for_byte() {
        let bodies: [&[u8]; 4] = [
            b"{\"a\":\"it's 100% \\\"quoted\\\"\"}",
            "caf\u{e9} \u{1F600}\n\ttabs".as_bytes(),
            &[0xff, 0xfe, 0x80, b'a', b'\\', b'x', b'4', b'1'],
            &[b'a', 0, b'%', b'\'', 0, 0xff, b'\\', b'n'],
        ];
        for body in bodies {
            let capture = Capture::from_body(body.to_vec());
            let command = curl_command(&capture, "http://127.0.0.1:1");
            assert_eq!(body_through_bash(&command), body, "{command}");
        }
    }

    #[test]
    fn headers_go_in_order_with_repeats_and_without_hosts_and_lengths() {
        let mut capture = Capture::from_body(b"x".to_vec());
        capture.headers = vec![
            ("Host".into(), "example".into()),
            ("X-A".into(), "1".into()),
            ("Content-Length".into(), "1".into()),
            ("X-A".into(), "it's".into()),
        ];
        capture.query = Some("q=1".into());
        let command = curl_command(&capture, "http://127.0.0.1:9/");
        assert!(command.contains("'http://127.0.0.1:9/?q=1'"), "{command}");
        assert!(
            command.contains(r"-H 'X-A: 1' -H 'X-A: it'\''s'"),
            "{command}"
        );
        assert!(!command.contains("Host") && !command.contains("Content-Length"));
        assert!(command.contains("-H 'Content-Type:'"));
    }
}
