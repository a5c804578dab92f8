//! Shared helpers: run the built `hookline` binary in a clean environment.

#![allow(dead_code)]

pub mod app;
pub mod relay;

use std::path::Path;

use assert_cmd::Command;

/// `hookline` with no HOOKLINE_* variables from the outer environment, run in `dir`
/// so no stray hookline.toml is picked up.
pub fn hookline_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("hookline").expect("built binary");
    for key in outer_settings() {
        cmd.env_remove(key);
    }
    cmd.current_dir(dir);
    cmd
}

/// The variables of the outer environment that would change what hookline does: every
/// HOOKLINE_*, NO_COLOR, and the proxy variables (tests talk to loopback directly unless
/// they set a proxy themselves). Tests remove them from each process they start.
pub fn outer_settings() -> Vec<std::ffi::OsString> {
    std::env::vars_os()
        .map(|(key, _)| key)
        .filter(|key| {
            let name = key.to_string_lossy();
            name.starts_with("HOOKLINE_")
                || name == "NO_COLOR"
                || name.to_ascii_uppercase().ends_with("_PROXY")
        })
        .collect()
}

/// A secret every scheme can use: base64 for Standard Webhooks, plain bytes for the rest.
pub const SECRET: &str = "whsec_c2VjcmV0LWtleS1mb3ItbGlzdGVuLXRlc3Rz";

/// The headers `scheme` signs `body` with now, under [`SECRET`].
pub fn signed(scheme: hookline::signing::Scheme, body: &[u8]) -> Vec<(String, String)> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let secret = hookline::secret::Secret::new(SECRET);
    hookline::signing::sign(scheme, &secret, now, "msg_test", body).unwrap()
}

/// Owned header pairs as the `(&str, &str)` the HTTP helpers take.
pub fn refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Out {
    let out = cmd.output().expect("hookline runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `Name: value` lines → `-H` arguments.
pub fn header_args(lines: &str) -> Vec<String> {
    lines
        .lines()
        .flat_map(|l| ["-H".to_string(), l.to_string()])
        .collect()
}

pub mod http;
pub mod process;

/// A self-signed certificate for localhost under `dir/certs`: (certificate, key) paths,
/// for `--tls-cert`/`--tls-key` and `--cacert`.
pub fn self_signed(dir: &Path) -> (String, String) {
    let certs = hookline::tls::self_signed(&dir.join("certs")).unwrap();
    let key = dir.join("certs/listen-key.pem");
    (
        certs.cert_path.to_str().unwrap().to_string(),
        key.to_str().unwrap().to_string(),
    )
}

/// The path of the first of `names` installed (PATH, then the Debian places), or a panic
/// naming the setup script: the tests that need a real server never skip.
pub fn installed(names: &[&str], package: &str) -> std::path::PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<std::path::PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/usr/lib/chromium"].map(std::path::PathBuf::from))
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("{names:?} not installed: run tests/setup.sh (apt-get install {package})")
        })
}
