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
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("HOOKLINE_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("NO_COLOR").current_dir(dir);
    cmd
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
