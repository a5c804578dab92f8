//! hookline.toml's command tables: `[listen]`, `[send]`… hold flags by their long names,
//! below `HOOKLINE_*` and flags; mistakes name the file, line and key; `hookline config`
//! shows what is in force and where it came from, secrets redacted.

mod common;

use std::fs;

use common::process::{json_lines, Listener};
use common::{hookline_in, run};

const TOKEN: &str = "cfg-token-8c1d";

fn write_config(dir: &std::path::Path, text: &str) {
    let path = dir.join("hookline.toml");
    fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn command_tables_are_defaults_below_the_environment_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "secret = \"s3cret\"\n[listen]\njson = true\nstatus = 201\ntoken = \"{TOKEN}\"\n[send]\nretries = 0\nheader = [\"X-From: config\"]\n"
        ),
    );
    fs::write(dir.path().join("e.json"), "{}").unwrap();
    // The file: --json, 201, the token; HOOKLINE_* and flags still win.
    let listener = Listener::start_with_env(dir.path(), &["--status", "204"], &[]);
    let to = format!("http://{}/hooks?token={TOKEN}", listener.addr);
    let sent = run(hookline_in(dir.path()).args(["send", "e.json", "--to", &to]));
    assert_eq!(sent.code, 0, "{}{}", sent.stdout, sent.stderr);
    let lines = json_lines(&listener.stop().stdout);
    assert_eq!(lines.len(), 1, "--json came from the file");
    assert_eq!(lines[0]["answer"]["status"], 204, "the flag beats the file");
    assert_eq!(lines[0]["verification"]["valid"], true);
    let headers = lines[0]["headers"].to_string();
    assert!(
        headers.contains("X-From") || headers.contains("x-from"),
        "{headers}"
    );

    let env = Listener::start_with_env(dir.path(), &[], &[("HOOKLINE_TOLERANCE", "1m")]);
    let out = env.stop();
    assert!(out.stderr.contains("tolerance 1m"), "{}", out.stderr);
}

#[test]
fn mistakes_in_a_table_name_the_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        (
            "[listen]\nportt = 9001\n",
            "hookline.toml: line 2: [listen] key `portt`: not a setting of `hookline listen`",
        ),
        (
            "[send]\n\nconcurrency = \"many\"\n",
            "line 3: [send] key `concurrency`: invalid value",
        ),
        ("[relay]\nsecret = \"x\"\n", "secrets go at the top level"),
        ("[listne]\nport = 1\n", "line 1"),
    ] {
        write_config(dir.path(), text);
        let out = run(hookline_in(dir.path()).args(["listen", "--port", "0", "--help"]));
        assert_eq!(out.code, 2, "{text:?}: {}", out.stdout);
        assert!(out.stderr.contains(says), "{text:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
    // man and completions never read it.
    let man = run(hookline_in(dir.path()).args(["completions", "bash"]));
    assert_eq!(man.code, 0);
}

#[test]
fn config_shows_each_setting_and_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!("secret = \"very-secret-value\"\n[listen]\nport = 9100\ntoken = \"{TOKEN}\"\n[probe]\ntimeout = \"3s\"\n"),
    );
    let out = run(hookline_in(dir.path())
        .env("HOOKLINE_PORT", "9200")
        .arg("config"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |key: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {}", out.stdout))
            .to_string()
    };
    assert!(
        line("secret =").contains("(redacted)")
            && line("secret =").contains("hookline.toml line 1")
    );
    assert!(
        line("listen.port =").contains("9200") && line("listen.port =").contains("HOOKLINE_PORT")
    );
    assert!(line("listen.token =").contains("(redacted)"));
    assert!(line("probe.timeout =").contains("3s") && line("probe.timeout =").contains("line 6"));
    assert!(!out.stdout.contains("very-secret-value") && !out.stdout.contains(TOKEN));
    let send = run(hookline_in(dir.path()).args(["config", "send", "--all"]));
    assert!(
        send.stdout.contains("send.retries = 3") && send.stdout.contains("# default"),
        "{}",
        send.stdout
    );
    assert!(!send.stdout.contains("listen."), "{}", send.stdout);
}
