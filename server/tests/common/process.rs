//! An `imserver` process started from its binary, for what only a separate process shows:
//! start-up validation, environment variables, a file-descriptor limit.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, Stdio};

/// A running `imserver` process on loopback serving the app `k` / `s`; killed when dropped.
pub struct ChildServer {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl ChildServer {
    /// Starts the binary (`IMSERVER_BIN`, else this package's) on a temporary data directory
    /// with `args` and the environment `env`, allowed `file_limit` open descriptors if given.
    /// Fails with its exit code and stderr if it exits before its ready line.
    pub fn spawn(
        args: &[&str],
        env: &[(&str, &str)],
        file_limit: Option<u32>,
    ) -> Result<Self, (Option<i32>, String)> {
        let dir = tempfile::tempdir().unwrap();
        let binary =
            std::env::var("IMSERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_imserver").into());
        let limit = file_limit.map_or_else(String::new, |n| format!("ulimit -n {n} && "));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" \"$@\""))
            .arg(binary)
            .args(["--data-dir", &dir.path().to_string_lossy()])
            .args([
                "--listen",
                "127.0.0.1:0",
                "--app-key",
                "k",
                "--app-secret",
                "s",
            ])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        match ready.split_whitespace().skip_while(|w| *w != "on").nth(1) {
            Some(addr) => Ok(ChildServer {
                addr: addr.parse().unwrap(),
                child,
                _dir: dir,
            }),
            None => {
                let output = child.wait_with_output().unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                Err((output.status.code(), stderr))
            }
        }
    }

    /// Its stderr (the log), to read.
    pub fn stderr(&mut self) -> ChildStderr {
        self.child.stderr.take().expect("stderr taken once")
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
