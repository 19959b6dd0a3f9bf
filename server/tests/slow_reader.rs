//! A peer that floods requests and never reads its socket: the server holds a bounded number of
//! bytes for it (`--max-outbox-bytes`), closes it once its writes stall
//! (`--write-stall-timeout-ms`), and keeps checking kicks while it is stuck; other users are
//! served meanwhile.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use improto::{Body, Pull};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::MaybeTlsStream;

mod common;

use common::{
    ServerBinary, TestServer, Ws, expect_alive, recv_ack_and_own_entry, recv_pushed, send,
    send_text,
};

/// `user_id` sends itself `count` messages of about `bytes` content bytes each over `ws`.
async fn fill_own_inbox(ws: &mut Ws, user_id: &str, count: u64, bytes: usize) {
    for n in 1..=count {
        let content = format!(r#"{{"content":"{}"}}"#, "x".repeat(bytes));
        let message = Body::Send(improto::Send {
            request_id: n,
            conversation_type: 1,
            target_id: user_id.into(),
            object_name: "RC:TxtMsg".into(),
            content,
            client_message_id: format!("big-{n}"),
            persisted: true,
            counted: true,
            ..Default::default()
        });
        send(ws, message).await;
        recv_ack_and_own_entry(ws).await;
    }
}

/// The resident memory of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Bytes of padding in each flooding `Pull` frame: enough that the server's reading shows
/// on the sending side (as TCP window updates) within a few frames.
const PULL_PADDING: usize = 4000;

/// A masked (mask 0: the payload as is) WebSocket binary frame of a `Pull`, padded with
/// [`PULL_PADDING`] bytes of an unknown protobuf field (which decoding skips).
fn padded_pull(request_id: u64, limit: u32) -> Vec<u8> {
    let pull = Body::Pull(Pull {
        request_id,
        after_seq: 0,
        limit,
        ..Default::default()
    });
    let mut payload = improto::encode(pull);
    // Field 1000, length-delimited: key 8002, then the length, as varints.
    for mut n in [8002, PULL_PADDING] {
        while n >= 0x80 {
            payload.push((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        payload.push(n as u8);
    }
    payload.resize(payload.len() + PULL_PADDING, 0);
    let len = u16::try_from(payload.len()).expect("a 16-bit payload length");
    let mut frame = vec![0x82, 0x80 | 126];
    frame.extend(len.to_be_bytes());
    frame.extend([0, 0, 0, 0]);
    frame.extend(payload);
    frame
}

/// A connection sending `Pull`s and never reading.
struct Flood {
    /// Ends (with the number of pulls sent) once the server drops the connection.
    task: tokio::task::JoinHandle<u64>,
    /// Pulls written so far.
    written: Arc<AtomicU64>,
}

impl Flood {
    /// Sends `Pull`s of `limit` entries from the start of the inbox on `ws`, as raw WebSocket
    /// frames on its TCP stream (never read again), until a write fails.
    fn start(ws: Ws, limit: u32) -> Flood {
        let MaybeTlsStream::Plain(mut tcp) = ws.into_inner() else {
            panic!("a plain TCP connection")
        };
        let written = Arc::new(AtomicU64::default());
        let progress = written.clone();
        let task = tokio::spawn(async move {
            let mut request_id = 0;
            loop {
                let mut batch = Vec::new();
                for _ in 0..16 {
                    request_id += 1;
                    batch.extend(padded_pull(request_id, limit));
                }
                if tcp.write_all(&batch).await.is_err() {
                    return request_id;
                }
                progress.store(request_id, Ordering::Relaxed);
            }
        });
        Flood { task, written }
    }

    /// Waits until the server has stopped reading the flood (no pull written for 500 ms: the
    /// session takes no more frames and the socket buffers are full); panics after `within`.
    async fn wait_until_stuck(&self, within: Duration) {
        let started = Instant::now();
        let mut last = (0, Instant::now());
        while last.1.elapsed() < Duration::from_millis(500) {
            assert!(!self.task.is_finished(), "the connection was dropped");
            assert!(started.elapsed() < within, "the server kept reading");
            let written = self.written.load(Ordering::Relaxed);
            if written != last.0 {
                last = (written, Instant::now());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn a_peer_that_floods_pulls_and_never_reads_is_bounded_and_dropped() {
    // Connections flooding at once.
    const FLOODERS: usize = 4;
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--multi-device",
        "--max-sends-per-second",
        "0",
        "--max-outbox-bytes",
        "1048576",
        "--write-stall-timeout-ms",
        "1000",
    ];
    let mut server = ServerBinary::start(dir.path(), &args, Stdio::null());
    let token = server.token("alice").await;
    let mut filler = server.connect(&token).await;
    // Two of them fill a pull answer (a frame).
    fill_own_inbox(&mut filler, "alice", 40, 120 * 1024).await;
    drop(filler);
    let mut bob = server.connect(&server.token("bob").await).await;
    let mut carol = server.connect(&server.token("carol").await).await;

    let baseline = rss_kib(server.pid());
    let started = Instant::now();
    let mut flooders = Vec::new();
    for _ in 0..FLOODERS {
        flooders.push(Flood::start(server.connect(&token).await, 500));
    }
    let mut peak = baseline;
    let mut sent = 0;
    while !flooders.iter().all(|f| f.task.is_finished()) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "flooding connections still open after 10 s; RSS {baseline} KiB -> {peak} KiB"
        );
        peak = peak.max(rss_kib(server.pid()));
        // Another user's sends go through meanwhile (each within `recv`'s 5 s).
        sent += 1;
        let own = send_text(&mut bob, sent, "carol", &format!("during-{sent}")).await;
        assert_eq!(recv_pushed(&mut carol).await.message_uid, own.message_uid);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let growth_mib = peak.saturating_sub(baseline) / 1024;
    eprintln!(
        "{FLOODERS} flooders closed after {:?}; RSS {baseline} KiB -> peak {peak} KiB; \
         bob sent {sent} meanwhile",
        started.elapsed()
    );
    assert!(
        growth_mib < 64,
        "RSS grew by {growth_mib} MiB ({baseline} KiB -> {peak} KiB)"
    );
    // The server is still up and serving.
    assert!(server.running());
    let mut ws = server.connect(&token).await;
    expect_alive(&mut ws, 1).await;
}

#[tokio::test]
async fn a_kick_closes_a_connection_stuck_on_a_peer_that_does_not_read() {
    // Writes never time out here: only the kick can end the connection.
    let server = TestServer::start_with(|config| {
        config.max_outbox_bytes = 1 << 20;
        config.write_stall_timeout_ms = 600_000;
    })
    .await;
    let token = server.token("alice").await;
    let (mut filler, _) = server.connect_as(&token, 2, "filler").await;
    fill_own_inbox(&mut filler, "alice", 1, 8 * 1024).await;
    drop(filler);

    // Small answers, so that the outbox fills in frames as well as in bytes.
    let (stuck, _) = server.connect(&token).await;
    let flood = Flood::start(stuck, 1);
    flood.wait_until_stuck(Duration::from_secs(20)).await;

    // A second desktop login kicks the first, which must go even though it is stuck.
    let (mut second, ack) = server.connect(&token).await;
    assert_eq!(ack.code, 0);
    tokio::time::timeout(Duration::from_secs(10), flood.task)
        .await
        .expect("the stuck connection was not closed within 10 s of the kick")
        .unwrap();
    expect_alive(&mut second, 1).await;
    server.stop().await;
}
