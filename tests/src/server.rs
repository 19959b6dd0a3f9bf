//! Running imserver as a child process and calling its Server API.

use futures_util::future::join_all;
use sha1::{Digest, Sha1};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Server API calls [`ServerProcess::tokens`] keeps in flight.
const TOKENS_IN_FLIGHT: usize = 32;

/// The imserver binary: `$IMSERVER_BIN`, else next to the running test or bench executable.
pub fn imserver_binary() -> PathBuf {
    if let Ok(bin) = std::env::var("IMSERVER_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("current exe");
    for dir in exe.ancestors().skip(1).take(3) {
        let candidate = dir.join("imserver");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "imserver binary not found next to {}: run `cargo build -p imserver` or set IMSERVER_BIN",
        exe.display()
    );
}

/// imserver's options for the per-connection rate limits of sends and requests (per second,
/// 0: none).
const RATE_LIMIT_FLAGS: [&str; 2] = ["--max-sends-per-second", "--max-requests-per-second"];

/// A running imserver child process; killed on drop.
pub struct ServerProcess {
    child: Child,
    data_dir: PathBuf,
    /// `127.0.0.1:PORT` it listens on.
    pub addr: String,
    /// The app key it serves.
    pub app_key: String,
    /// The app secret for Server API signatures.
    pub app_secret: String,
    /// Extra command-line arguments it was started with (kept across restarts).
    extra_args: Vec<String>,
    /// Server API client, reused so that many calls share connections.
    http: reqwest::Client,
}

impl ServerProcess {
    /// Starts imserver on a free loopback port with `data_dir`, serving the given app. Tests
    /// and benchmarks send and ask in bursts, so the seed's send rate limit and the request
    /// rate limit are lifted unless the extra arguments set them.
    pub fn start(data_dir: &Path, app_key: &str, app_secret: &str) -> ServerProcess {
        Self::start_on(data_dir, app_key, app_secret, "127.0.0.1:0")
    }

    /// Starts imserver like [`ServerProcess::start`], with extra command-line arguments
    /// (e.g. `--multi-device`).
    pub fn start_with_args(
        data_dir: &Path,
        app_key: &str,
        app_secret: &str,
        extra_args: &[&str],
    ) -> ServerProcess {
        let extra_args: Vec<String> = extra_args.iter().map(|a| (*a).to_owned()).collect();
        Self::spawn(data_dir, app_key, app_secret, "127.0.0.1:0", extra_args)
    }

    /// Starts imserver listening on `listen` (e.g. the address of a previous run).
    pub fn start_on(
        data_dir: &Path,
        app_key: &str,
        app_secret: &str,
        listen: &str,
    ) -> ServerProcess {
        Self::spawn(data_dir, app_key, app_secret, listen, Vec::new())
    }

    fn spawn(
        data_dir: &Path,
        app_key: &str,
        app_secret: &str,
        listen: &str,
        extra_args: Vec<String>,
    ) -> ServerProcess {
        let mut child = Command::new(imserver_binary())
            .args([
                "--data-dir",
                &data_dir.to_string_lossy(),
                "--listen",
                listen,
            ])
            .args(["--app-key", app_key, "--app-secret", app_secret])
            .args(&extra_args)
            .args(
                RATE_LIMIT_FLAGS
                    .into_iter()
                    .filter(|flag| !extra_args.iter().any(|a| a == flag))
                    .flat_map(|flag| [flag, "0"]),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn imserver");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read imserver ready line");
        let addr = line
            .split_whitespace()
            .skip_while(|w| *w != "on")
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected imserver ready line: {line:?}"))
            .to_owned();
        ServerProcess {
            child,
            data_dir: data_dir.to_owned(),
            addr,
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            extra_args,
            http: reqwest::Client::new(),
        }
    }

    /// The process id, e.g. to read its memory and CPU use from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The WebSocket endpoint raw-protocol clients connect to.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// The navigation URL clients are initialised with.
    pub fn navi(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Freezes (`SIGSTOP`) or thaws (`SIGCONT`) the process: a server that stops answering.
    pub fn freeze(&self, frozen: bool) {
        let signal = if frozen { "-STOP" } else { "-CONT" };
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal} failed");
        if frozen {
            self.wait_until_stopped();
        }
    }

    /// Waits until every thread of the process is stopped: SIGSTOP takes effect asynchronously,
    /// and a thread still running could answer a request sent right after `freeze(true)`.
    fn wait_until_stopped(&self) {
        let tasks = format!("/proc/{}/task", self.child.id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let stopped = |entry: std::fs::DirEntry| {
            std::fs::read_to_string(entry.path().join("stat")).is_ok_and(|stat| {
                // The state follows the parenthesised command name.
                stat.rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('T'))
            })
        };
        while std::time::Instant::now() < deadline {
            let all = std::fs::read_dir(&tasks)
                .map(|dir| dir.flatten().all(stopped))
                .unwrap_or(false);
            if all {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("imserver did not stop within 5 s");
    }

    /// Kills the process (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Kills the process and starts a new one on the same data dir and port.
    pub fn restart(&mut self) {
        self.kill();
        self.start_again();
    }

    /// Adds command-line arguments to those of the next [`ServerProcess::start_again`] and
    /// every start after it (e.g. `--new-epoch`).
    pub fn add_args(&mut self, args: &[&str]) {
        self.extra_args.extend(args.iter().map(|a| (*a).to_owned()));
    }

    /// Starts a new process on the same data dir, port and arguments, once this one was
    /// [killed](ServerProcess::kill) (retrying while the port is still taken).
    pub fn start_again(&mut self) {
        let mut last_error = None;
        for _ in 0..50 {
            match std::panic::catch_unwind(|| {
                ServerProcess::spawn(
                    &self.data_dir,
                    &self.app_key,
                    &self.app_secret,
                    &self.addr,
                    self.extra_args.clone(),
                )
            }) {
                Ok(mut next) => {
                    // `next` now holds the killed child; dropping it is harmless.
                    std::mem::swap(self, &mut next);
                    return;
                }
                Err(e) => last_error = Some(e),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        std::panic::resume_unwind(last_error.expect("at least one attempt"));
    }

    /// Obtains a token for `user_id` through `POST /user/getToken.json`.
    pub async fn token(&self, user_id: &str) -> String {
        let answer = self
            .post(
                "/user/getToken.json",
                &format!("userId={user_id}&name={user_id}"),
            )
            .await;
        assert_eq!(answer["code"], 200, "getToken failed: {answer}");
        answer["token"].as_str().expect("token string").to_owned()
    }

    /// Tokens for many users at once, in the order given (a few requests in flight at a time).
    pub async fn tokens(&self, user_ids: &[String]) -> Vec<String> {
        let mut tokens = Vec::with_capacity(user_ids.len());
        for chunk in user_ids.chunks(TOKENS_IN_FLIGHT) {
            tokens.extend(join_all(chunk.iter().map(|user_id| self.token(user_id))).await);
        }
        tokens
    }

    /// POSTs the form body `form` to the Server API path `path`, signed as the server SDKs
    /// sign it; returns the JSON reply whatever its HTTP status.
    pub async fn post(&self, path: &str, form: &str) -> serde_json::Value {
        let nonce = rand::random::<u32>().to_string();
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs()
            .to_string();
        let signature = hex::encode(Sha1::digest(format!(
            "{}{nonce}{timestamp}",
            self.app_secret
        )));
        self.http
            .post(format!("{}{path}", self.navi()))
            .header("App-Key", &self.app_key)
            .header("Nonce", nonce)
            .header("Timestamp", timestamp)
            .header("Signature", signature)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form.to_owned())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} request: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("{path} JSON: {e}"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
