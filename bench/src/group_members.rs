//! The receiving members of `group-fanout`, held in child processes (`imbench
//! group-members`) so that their work costs the measured server nothing and each process stays
//! within its open-files limit. Each child prints `ready` once its members are connected, then
//! one `<message id> <unix ns>` line per message a member received (an imcore client: once
//! committed to its database).

use crate::fleet_process::members_from_stdin;
use futures_util::StreamExt;
use imcore::{Event, ImClient, InitOptions};
use imcore_harness::wire::{self, next_frame};
use imcore_harness::{KEEPALIVE, Member};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Members connecting at once in one process.
const CONNECTS_IN_FLIGHT: usize = 32;

/// What a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A real imcore client with its own database (connects through navigation).
    Imcore,
    /// A raw-protocol imserver connection: authenticates, reads group deliveries.
    Raw,
    /// A connection to the baseline relay: reads frames whose first 8 bytes are the id.
    Relay,
}

/// One message received by one member.
#[derive(Debug, Clone, Copy)]
pub struct Receipt {
    /// The message id the sender gave it.
    pub id: u64,
    /// When it was received (committed), in ns since the Unix epoch.
    pub at_ns: u128,
}

/// Child processes holding members until dropped, and their receipts.
pub struct MemberProcesses {
    children: Vec<Child>,
    receipts: mpsc::UnboundedReceiver<Receipt>,
}

impl MemberProcesses {
    /// Spawns `processes` children sharing `members` of `kind` (for imcore members `url` is the
    /// navigation URL, else the WebSocket URL) and returns once every member is connected.
    pub fn spawn(
        kind: Kind,
        url: &str,
        app_key: &str,
        members: &[Member],
        processes: usize,
    ) -> MemberProcesses {
        let (tx, receipts) = mpsc::unbounded_channel();
        let share = members.len().div_ceil(processes.max(1)).max(1);
        let mut children = Vec::new();
        let mut ready = Vec::new();
        for chunk in members.chunks(share) {
            let kind_arg = match kind {
                Kind::Imcore => "imcore",
                Kind::Raw => "raw",
                Kind::Relay => "relay",
            };
            let mut child = Command::new(std::env::current_exe().expect("exe"))
                .args(["group-members", "--kind", kind_arg, "--url", url])
                .args(["--app-key", app_key])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn imbench group-members");
            let mut stdin = child.stdin.take().expect("stdin");
            for member in chunk {
                writeln!(stdin, "{} {}", member.user_id, member.token).expect("write member");
            }
            drop(stdin);
            let (ready_tx, ready_rx) = std_mpsc::channel();
            let stdout = BufReader::new(child.stdout.take().expect("stdout"));
            let tx = tx.clone();
            std::thread::spawn(move || forward(stdout, &ready_tx, &tx));
            ready.push(ready_rx);
            children.push(child);
        }
        for ready in ready {
            ready
                .recv_timeout(Duration::from_secs(600))
                .expect("a member process failed to connect");
        }
        MemberProcesses { children, receipts }
    }

    /// The next receipt, or `None` if none comes within `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Option<Receipt> {
        tokio::time::timeout(timeout, self.receipts.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for MemberProcesses {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reads a child's output: signals its `ready` line, forwards its receipts.
fn forward(
    stdout: impl BufRead,
    ready: &std_mpsc::Sender<()>,
    receipts: &mpsc::UnboundedSender<Receipt>,
) {
    for line in stdout.lines() {
        let Ok(line) = line else { return };
        if line == "ready" {
            let _ = ready.send(());
            continue;
        }
        let parsed = line
            .split_once(' ')
            .and_then(|(id, at)| Some((id.parse().ok()?, at.parse().ok()?)));
        if let Some((id, at_ns)) = parsed {
            let _ = receipts.send(Receipt { id, at_ns });
        }
    }
}

/// Now, in ns since the Unix epoch (comparable between processes of one machine).
pub fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos()
}

/// The id a benchmark message carries in its content's `extra`.
pub fn content_id(content: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(content).ok()?;
    value["extra"].as_str()?.parse().ok()
}

/// The child side: reads `user_id token` lines until stdin closes, connects them all as
/// `kind`, prints `ready`, then a line per message received until killed.
pub async fn hold(kind: Kind, url: String, app_key: String) {
    let members = members_from_stdin();
    let (tx, rx) = std_mpsc::channel::<(u64, u128)>();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut clients = Vec::new();
    for chunk in members.chunks(CONNECTS_IN_FLIGHT) {
        let connects = chunk.iter().map(|member| {
            let (url, app_key, tx) = (url.clone(), app_key.clone(), tx.clone());
            let db_dir = dir.path().join(&member.user_id);
            async move {
                match kind {
                    Kind::Imcore => Some(imcore_member(&url, &app_key, member, db_dir, tx).await),
                    Kind::Raw | Kind::Relay => {
                        raw_member(kind, &url, &app_key, member, tx).await;
                        None
                    }
                }
            }
        });
        clients.extend(futures_util::future::join_all(connects).await);
    }
    println!("ready");
    std::io::stdout().flush().expect("flush");
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Ok(first) = rx.recv() {
        // A burst goes out in one write.
        for (id, at_ns) in std::iter::once(first).chain(rx.try_iter()) {
            writeln!(out, "{id} {at_ns}").expect("write receipt");
        }
        out.flush().expect("flush");
    }
    drop(clients);
}

/// Connects an imcore client for `member` and reports each message it commits.
async fn imcore_member(
    navi: &str,
    app_key: &str,
    member: &Member,
    db_dir: std::path::PathBuf,
    receipts: std_mpsc::Sender<(u64, u128)>,
) -> ImClient {
    let im = ImClient::new();
    im.init(app_key, InitOptions::new(navi, db_dir))
        .expect("init");
    let events = im.events().expect("events");
    im.connect(&member.token).await.expect("connect");
    std::thread::spawn(move || {
        while let Some(event) = events.recv_timeout(Duration::from_secs(3600)) {
            if let Event::Message { message } = event
                && let Some(id) = content_id(message.content.json())
            {
                let _ = receipts.send((id, now_ns()));
            }
        }
    });
    im
}

/// Opens a raw connection for `member` and reports each message it receives.
async fn raw_member(
    kind: Kind,
    url: &str,
    app_key: &str,
    member: &Member,
    receipts: std_mpsc::Sender<(u64, u128)>,
) {
    if kind == Kind::Relay {
        let (mut socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect relay");
        tokio::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                if let WsMessage::Binary(bytes) = frame {
                    let id = u64::from_le_bytes(bytes[..8].try_into().expect("id prefix"));
                    let _ = receipts.send((id, now_ns()));
                }
            }
        });
        return;
    }
    let device_id = format!("fanout-{}", member.user_id);
    let mut socket = wire::open(url, app_key, &member.token, &device_id, false)
        .await
        .expect("connect imserver");
    tokio::spawn(async move {
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        loop {
            tokio::select! {
                frame = next_frame(&mut socket) => match frame {
                    Ok(improto::Body::Delivery(delivery)) => {
                        for message in &delivery.messages {
                            if let Some(id) = content_id(&message.content) {
                                let _ = receipts.send((id, now_ns()));
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                },
                _ = keepalive.tick() => {
                    let ping = improto::Body::Ping(improto::Ping { nonce: 0 });
                    if wire::write(&mut socket, ping).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
}
