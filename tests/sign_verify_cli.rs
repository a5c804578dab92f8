//! `hookline sign` and `hookline verify`, run as a user would: the built binary,
//! real files, standard input, environment and config files.

mod common;

use common::{header_args, hookline_in, run};
use std::fs;

const BODY: &str = "{\"job_id\": \"job_42\",  \"status\":\"completed\"}\n";

/// Runs `hookline` in the test's directory with a command line split on whitespace.
fn hookline(dir: &tempfile::TempDir, command_line: &str) -> common::Out {
    run(hookline_in(dir.path()).args(command_line.split_whitespace()))
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("body.json"), BODY).unwrap();
    dir
}

#[test]
fn sign_then_verify_for_every_scheme() {
    let dir = setup();
    for (scheme, secret) in [
        ("generic", "s3cret"),
        ("github", "s3cret"),
        ("stripe", "whsec_abc"),
        ("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ("slack", "s3cret"),
        ("shopify", "s3cret"),
    ] {
        let signed = run(hookline_in(dir.path()).args([
            "sign",
            "body.json",
            "--scheme",
            scheme,
            "--secret",
            secret,
        ]));
        assert_eq!(signed.code, 0, "{scheme}: {}", signed.stderr);
        // auto-detection (verify's default) picks the scheme from the headers.
        let checked = run(hookline_in(dir.path())
            .args(["verify", "body.json", "--secret", secret])
            .args(header_args(&signed.stdout)));
        assert_eq!(
            checked.code, 0,
            "{scheme}: {} {}",
            checked.stdout, checked.stderr
        );
        assert_eq!(checked.stdout, format!("valid · {scheme}\n"));
    }
}

#[test]
fn exit_codes_and_json_output() {
    let dir = setup();
    let signed = hookline(&dir, "sign body.json --scheme github --secret right");
    let good = run(hookline_in(dir.path())
        .args(["verify", "body.json", "--json", "--secret", "right"])
        .args(header_args(&signed.stdout)));
    assert_eq!(good.code, 0);
    let v: serde_json::Value = serde_json::from_str(&good.stdout).unwrap();
    assert_eq!(
        (
            v["valid"].as_bool(),
            v["scheme"].as_str(),
            v["reason"].is_null()
        ),
        (Some(true), Some("github"), true)
    );

    let bad = run(hookline_in(dir.path())
        .args(["verify", "body.json", "--json", "--secret", "wrong"])
        .args(header_args(&signed.stdout)));
    assert_eq!(bad.code, 1);
    let v: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(
        (v["valid"].as_bool(), v["reason"].as_str()),
        (Some(false), Some("mismatch"))
    );

    let human = run(hookline_in(dir.path())
        .args(["verify", "body.json", "--secret", "wrong"])
        .args(header_args(&signed.stdout)));
    assert_eq!(
        (human.code, human.stdout.as_str()),
        (1, "invalid · github · mismatch\n")
    );

    let missing = hookline(&dir, "verify body.json --scheme github --secret x --json");
    assert_eq!(missing.code, 1);
    let v: serde_json::Value = serde_json::from_str(&missing.stdout).unwrap();
    assert_eq!(v["reason"], "missing_signature");
}

#[test]
fn stale_timestamp_is_explained_in_plain_words() {
    let dir = setup();
    let old = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 1204)
        .to_string();
    let signed = run(hookline_in(dir.path()).args([
        "sign",
        "body.json",
        "--scheme",
        "stripe",
        "--secret",
        "whsec_k",
        "--timestamp",
        &old,
    ]));
    let out = run(hookline_in(dir.path())
        .args(["verify", "body.json", "--secret", "whsec_k"])
        .args(header_args(&signed.stdout)));
    assert_eq!(out.code, 1);
    // A wide band: the clock may tick between the two commands.
    assert!(
        out.stdout.starts_with("invalid · stripe · timestamp 1,20")
            && out.stdout.ends_with(" s old, tolerance 300 s\n"),
        "{}",
        out.stdout
    );
    let wider = run(hookline_in(dir.path())
        .args([
            "verify",
            "body.json",
            "--secret",
            "whsec_k",
            "--tolerance",
            "30m",
        ])
        .args(header_args(&signed.stdout)));
    assert_eq!(wider.code, 0, "{}", wider.stdout);
}

#[test]
fn body_from_stdin_and_signature_flag() {
    let dir = setup();
    let signed = run(hookline_in(dir.path())
        .args([
            "sign",
            "--scheme",
            "slack",
            "--secret",
            "k",
            "--timestamp",
            "2000000000",
        ])
        .write_stdin(BODY));
    assert_eq!(signed.code, 0);
    let sig = signed
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("X-Slack-Signature: "))
        .unwrap()
        .to_string();
    // Same signature from a file: stdin and files are read the same way.
    let from_file = hookline(
        &dir,
        "sign body.json --scheme slack --secret k --timestamp 2000000000",
    );
    assert_eq!(from_file.stdout, signed.stdout);
    let out = run(hookline_in(dir.path())
        .args([
            "verify",
            "-",
            "--scheme",
            "slack",
            "--secret",
            "k",
            "--signature",
            &sig,
            "--timestamp",
            "2000000000",
            "--tolerance",
            "1000000000s",
        ])
        .write_stdin(BODY));
    assert_eq!(out.code, 0, "{} {}", out.stdout, out.stderr);
}

#[test]
fn sign_json_and_fixed_id() {
    let dir = setup();
    let out = hookline(&dir, "sign body.json --scheme standard --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --timestamp 1700000000 --id msg_1 --json");
    assert_eq!(out.code, 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["headers"]["webhook-id"], "msg_1");
    assert_eq!(v["headers"]["webhook-timestamp"], "1700000000");
    assert!(v["headers"]["webhook-signature"]
        .as_str()
        .unwrap()
        .starts_with("v1,"));
}

#[test]
fn a_capture_file_brings_its_own_headers_and_body() {
    let dir = setup();
    let signed = hookline(&dir, "sign body.json --scheme github --secret k");
    let (name, value) = signed.stdout.trim().split_once(": ").unwrap();
    let capture = serde_json::json!({
        "hookline": 1, "method": "POST", "path": "/hooks",
        "headers": [["content-type", "application/json"], [name, value]],
        "body": BODY,
    });
    fs::write(dir.path().join("cap.json"), capture.to_string()).unwrap();
    let out = hookline(&dir, "verify cap.json --secret k");
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "valid · github\n"),
        "{}",
        out.stderr
    );
    // --raw reads the same file as a plain body, which carries no signature.
    let raw = hookline(&dir, "verify cap.json --raw --secret k");
    assert_eq!(raw.code, 1);

    fs::write(
        dir.path().join("broken.json"),
        "{\"hookline\": 1,\n  \"body\": \"x\"\n  \"headers\": []}",
    )
    .unwrap();
    let out = hookline(&dir, "verify broken.json --secret k");
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "hookline: broken.json: line 3, column 3: expected `,` or `}`\n"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = setup();
    fs::write(
        dir.path().join("hookline.toml.bad"),
        "secret = \"x\"\ntolerance = 5\n",
    )
    .unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["sign", "body.json"], "no secret"),
        (
            vec!["verify", "body.json", "-H", "X-Signature: sha256=00"],
            "no secret",
        ),
        (
            vec!["sign", "missing.json", "--secret", "k"],
            "missing.json",
        ),
        (vec!["sign", ".", "--secret", "k"], "is a directory"),
        (
            vec!["sign", "body.json", "--secret", "k", "--scheme", "paypal"],
            "--scheme",
        ),
        (
            vec![
                "verify",
                "body.json",
                "--secret",
                "k",
                "-H",
                "X-Signature sha256=00",
            ],
            "--header",
        ),
        (
            vec![
                "sign",
                "body.json",
                "--secret",
                "k",
                "--timestamp",
                "yesterday",
            ],
            "--timestamp",
        ),
        (
            vec![
                "sign",
                "body.json",
                "--secret",
                "whsec_***",
                "--scheme",
                "standard",
            ],
            "not valid base64",
        ),
        (
            vec!["sign", "body.json", "--secret", ""],
            "--secret: the secret is empty",
        ),
        (
            vec!["sign", "body.json", "--secret", "k", "--scheme", "auto"],
            "--scheme auto",
        ),
        (
            vec![
                "verify",
                "body.json",
                "--secret",
                "k",
                "--tolerance",
                "5 parsecs",
            ],
            "--tolerance",
        ),
        (
            vec!["sign", "body.json", "--config", "hookline.toml.bad"],
            "hookline.toml.bad: line 2: key `tolerance`",
        ),
        (
            vec![
                "sign",
                "body.json",
                "--config",
                "nope.toml",
                "--secret",
                "k",
            ],
            "nope.toml",
        ),
    ];
    for (args, needle) in cases {
        let out = run(hookline_in(dir.path()).args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: stdout {}", out.stdout);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("hookline: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(needle),
            "{args:?}: {} lacks {needle}",
            out.stderr
        );
    }
}

#[test]
fn config_then_env_then_flags() {
    let dir = setup();
    fs::write(
        dir.path().join("hookline.toml"),
        "scheme = \"github\"\nsecret = \"from-file\"\n",
    )
    .unwrap();
    let sig = |secret: &str, scheme: &str| {
        run(hookline_in(dir.path()).args([
            "sign",
            "body.json",
            "--config",
            "/dev/null",
            "--scheme",
            scheme,
            "--secret",
            secret,
        ]))
        .stdout
    };

    // File only: scheme and secret from hookline.toml.
    let out = hookline(&dir, "sign body.json");
    assert_eq!(out.stdout, sig("from-file", "github"));
    // Environment beats the file.
    let out = run(hookline_in(dir.path())
        .args(["sign", "body.json"])
        .env("HOOKLINE_SECRET", "from-env")
        .env("HOOKLINE_SCHEME", "shopify"));
    assert_eq!(out.stdout, sig("from-env", "shopify"));
    // Flags beat the environment.
    let out = run(hookline_in(dir.path())
        .args([
            "sign",
            "body.json",
            "--secret",
            "from-flag",
            "--scheme",
            "generic",
        ])
        .env("HOOKLINE_SECRET", "from-env")
        .env("HOOKLINE_SCHEME", "shopify"));
    assert_eq!(out.stdout, sig("from-flag", "generic"));
    // A secret file given as a flag also beats the environment.
    fs::write(dir.path().join("keys.txt"), "\nfrom-secret-file\n").unwrap();
    let out = run(hookline_in(dir.path())
        .args(["sign", "body.json", "--secret-file", "keys.txt"])
        .env("HOOKLINE_SECRET", "from-env"));
    assert_eq!(out.stdout, sig("from-secret-file", "github"));
}

#[test]
fn rotation_with_a_secret_file() {
    let dir = setup();
    fs::write(dir.path().join("keys.txt"), "new-key\nold-key\n").unwrap();
    let signed = hookline(&dir, "sign body.json --secret old-key");
    let out = run(hookline_in(dir.path())
        .args(["verify", "body.json", "--secret-file", "keys.txt"])
        .args(header_args(&signed.stdout)));
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "valid · generic · secret 2 of 2\n")
    );
}

#[test]
fn secrets_never_appear_in_any_output() {
    let dir = setup();
    const S: &str = "Zq9-DISTINCTIVE-s3cr3t-Vx7";
    let std_secret = format!("whsec_{S}");
    fs::write(dir.path().join("keys.txt"), format!("{S}\n")).unwrap();
    fs::write(
        dir.path().join("cfg.toml"),
        format!("secret = \"{S}\"\ncolour = 1\n"),
    )
    .unwrap();
    let signed = run(hookline_in(dir.path()).args(["sign", "body.json", "--secret", S]));
    let runs: Vec<Vec<String>> = vec![
        vec!["sign", "body.json", "--secret", S],
        vec!["sign", "body.json", "--secret", S, "--json"],
        vec!["sign", "body.json", "--secret", S, "--scheme", "standard"],
        vec![
            "sign",
            "body.json",
            "--secret",
            &std_secret,
            "--scheme",
            "standard",
        ],
        vec!["sign", "missing.json", "--secret", S],
        vec![
            "sign",
            "body.json",
            "--secret-file",
            "keys.txt",
            "--timestamp",
            "x",
        ],
        vec!["sign", "body.json", "--config", "cfg.toml"],
        vec!["verify", "body.json", "--secret", S, "--json"],
        vec![
            "verify",
            "body.json",
            "--secret",
            S,
            "-H",
            signed.stdout.trim(),
        ],
        vec!["verify", "body.json", "--secret", "-x", "--secret", S],
        vec!["sign", "--help"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    for args in runs {
        for env in [false, true] {
            let mut cmd = hookline_in(dir.path());
            cmd.args(&args);
            if env {
                cmd.env("HOOKLINE_SECRET", S);
            }
            let out = run(&mut cmd);
            assert!(
                !out.stdout.contains(S) && !out.stderr.contains(S),
                "{args:?}: {} {}",
                out.stdout,
                out.stderr
            );
            assert!(
                !out.stdout.contains("DISTINCTIVE") && !out.stderr.contains("DISTINCTIVE"),
                "{args:?}"
            );
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = setup();
    let signed = hookline(&dir, "sign body.json --secret k");
    let verify = |extra: &[&str], no_color: bool| {
        let mut cmd = hookline_in(dir.path());
        cmd.args(["verify", "body.json", "--secret", "k"])
            .args(header_args(&signed.stdout))
            .args(extra);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        run(&mut cmd).stdout
    };
    // stdout is a pipe here, so `auto` means no colour.
    assert_eq!(verify(&[], false), "valid · generic\n");
    assert!(verify(&["--color", "always"], false).contains("\u{1b}["));
    assert!(
        verify(&["--color", "always"], true).contains("\u{1b}["),
        "an explicit --color always wins over NO_COLOR"
    );
    assert!(!verify(&["--color", "never"], false).contains("\u{1b}["));
    fs::write(dir.path().join("hookline.toml"), "color = \"always\"\n").unwrap();
    assert!(
        verify(&[], false).contains("\u{1b}["),
        "color from hookline.toml"
    );
}

/// A secret given with its line end (`$'k\n'`, CRLF from a Windows editor) signs as the
/// secret without it, from a flag, the environment or the config file alike; other white
/// space is kept, with a warning that does not show the secret.
#[test]
fn a_trailing_line_end_is_not_part_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("body.json"), "{}").unwrap();
    let sign = |args: &[&str], env: Option<&str>| {
        let mut cmd = hookline_in(dir.path());
        cmd.args(["sign", "body.json"]).args(args);
        if let Some(v) = env {
            cmd.env("HOOKLINE_SECRET", v);
        }
        run(&mut cmd)
    };
    let plain = sign(&["--secret", "s3cret"], None);
    assert_eq!(plain.code, 0);
    for (args, env) in [
        (vec!["--secret", "s3cret\n"], None),
        (vec!["--secret", "s3cret\r\n"], None),
        (vec![], Some("s3cret\n")),
    ] {
        let out = sign(&args, env);
        assert_eq!(out.stdout, plain.stdout, "{args:?} {env:?}");
        assert!(out.stderr.is_empty(), "{}", out.stderr);
    }
    fs::write(dir.path().join("hookline.toml"), "secret = \"s3cret\\n\"\n").unwrap();
    assert_eq!(sign(&[], None).stdout, plain.stdout);
    fs::remove_file(dir.path().join("hookline.toml")).unwrap();
    let spaced = sign(&["--secret", " s3cret-with-space"], None);
    assert_eq!(spaced.code, 0);
    assert!(spaced.stderr.contains("white space"), "{}", spaced.stderr);
    assert!(!spaced.stderr.contains("s3cret-with-space"));
}

/// Flags that change nothing for the scheme are accepted with a warning saying so.
#[test]
fn flags_that_do_nothing_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("body.json"), "{}").unwrap();
    let out = run(hookline_in(dir.path()).args([
        "sign",
        "body.json",
        "--secret",
        "k",
        "--id",
        "msg_1",
        "--timestamp",
        "1700000000",
    ]));
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains("--timestamp does nothing here")
            && out.stderr.contains("--id does nothing here"),
        "{}",
        out.stderr
    );
    let out = run(hookline_in(dir.path()).args([
        "sign",
        "body.json",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--scheme",
        "standard",
        "--id",
        "msg_1",
        "--timestamp",
        "1700000000",
    ]));
    assert_eq!(out.code, 0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

/// Help says what is true: replay's delivery flags are not under Signing, send does not
/// offer `auto`, verify's JSON names every field, and every command's --help has one form.
#[test]
fn help_texts_say_what_is_true() {
    let dir = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| run(hookline_in(dir.path()).args(args)).stdout;
    let replay = help(&["replay", "--help"]);
    let signing = replay.split("Signing:").nth(1).unwrap();
    let signing = signing.split("\n\n").next().unwrap();
    for flag in [
        "--concurrency",
        "--dead-letter",
        "--skip-invalid",
        "--dry-run",
        "--json",
    ] {
        assert!(!signing.contains(flag), "{flag} under Signing:\n{signing}");
    }
    assert!(replay.contains("and send nothing"));
    assert!(!help(&["send", "--help"]).contains("possible values: auto"));
    assert!(help(&["verify", "--help"]).contains("secret_index"));
    for command in ["man", "completions"] {
        let text = help(&[command, "--help"]);
        assert!(
            !text.contains("--config") && !text.contains("--color"),
            "{command}: {text}"
        );
    }
    for command in ["listen", "relay", "send", "verify", "sign", "replay"] {
        let text = help(&[command, "--help"]);
        assert!(
            !text.contains("(see a summary with '-h')"),
            "{command} --help is long-form"
        );
    }
}

/// A bad value from an environment variable names the variable; a non-UTF-8 argument is
/// named by its place (never shown: it may be a secret).
#[test]
fn errors_name_the_variable_or_the_argument() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let out = run(hookline_in(dir.path())
        .env("HOOKLINE_PORT", "abc")
        .arg("listen"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("HOOKLINE_PORT"), "{}", out.stderr);
    assert!(!out.stderr.contains("--port"), "{}", out.stderr);
    let bad = std::ffi::OsStr::from_bytes(b"s3cr\xffet");
    let out = run(hookline_in(dir.path())
        .args(["sign", "--secret"])
        .arg(bad)
        .arg("x"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("argument 3 (after --secret) is not valid UTF-8"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cr"), "{}", out.stderr);
}
