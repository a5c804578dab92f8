//! `hookline listen` as a child process: started with a clean environment, its address
//! read from the `listening on` line, stopped with SIGTERM, its output collected.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Listener {
    child: Child,
    // Drained on threads from the start, so a full pipe never blocks the server.
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
    pub addr: SocketAddr,
    /// The stderr lines up to and including `listening on` (which hookline prints last).
    pub banner: Vec<String>,
}

pub struct Stopped {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Listener {
    /// Starts `hookline listen --port 0 ARGS` in `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Listener {
        Self::start_with_env(dir, args, &[])
    }

    pub fn start_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Listener {
        let mut all = vec!["listen", "--port", "0"];
        all.extend_from_slice(args);
        Self::spawn(dir, &all, env)
    }

    /// Starts `hookline ARGS` (a server: `listen` or `relay`) and waits for its
    /// `listening on` line.
    pub fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Listener {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookline"));
        cmd.args(args).envs(env.iter().copied());
        Self::from_command(cmd, dir)
    }

    /// Starts a server from a prepared command (say, hookline under `bash -c 'ulimit …'`),
    /// with no HOOKLINE_* variables from the outer environment.
    pub fn from_command(mut cmd: Command, dir: &Path) -> Listener {
        for key in super::outer_settings() {
            cmd.env_remove(key);
        }
        let mut child = cmd
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("hookline starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut banner = Vec::new();
        let addr = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                let _ = child.wait();
                panic!("hookline exited before listening: {}", banner.join(""));
            }
            banner.push(line.clone());
            if let Some(rest) = line.trim().strip_prefix("listening on ") {
                let hostport = rest.split("://").nth(1).unwrap();
                break hostport.parse().expect("an address");
            }
        };
        let mut stdout = child.stdout.take().unwrap();
        Listener {
            child,
            stdout: Some(drain(move |s| stdout.read_to_string(s))),
            stderr: Some(drain(move |s| stderr.read_to_string(s))),
            addr,
            banner,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM and collects the output; panics if it does not exit within 30 s.
    pub fn stop(mut self) -> Stopped {
        signal_term(self.child.id());
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(std::time::Instant::now() < deadline, "listen did not stop");
            std::thread::sleep(Duration::from_millis(20));
        };
        let stdout = self.stdout.take().unwrap().join().unwrap();
        let stderr = self.banner.join("") + &self.stderr.take().unwrap().join().unwrap();
        Stopped {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(
    read: impl FnOnce(&mut String) -> std::io::Result<usize> + Send + 'static,
) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = read(&mut text);
        text
    })
}

pub fn signal_term(pid: u32) {
    signal(pid, "TERM");
}

/// `kill -NAME pid`: TERM, STOP (freeze, the way a sleeping laptop looks), CONT.
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// The JSON lines of a `listen --json` run.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}
