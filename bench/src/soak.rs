//! `imbench soak`: many connections sending through imserver for a bounded time, with zero
//! loss checked; imserver's memory per idle connection and CPU per 1,000 messages, against a
//! bare tokio-tungstenite echo server carrying the same frames.

use crate::echo::EchoProcess;
use crate::idle_conns::BARE_READ_BUFFER_BYTES;
use crate::process_usage::{cpu_seconds, rss_bytes};
use imcore_harness::{Fleet, Member, Peer, ServerProcess, Verdict};
use std::time::Duration;

/// Pause between the last connection and the memory reading, for the server to settle.
const SETTLE: Duration = Duration::from_secs(1);

/// What one server cost under the soak.
struct Figures {
    bytes_per_idle_conn: f64,
    cpu_s_per_1000_messages: f64,
    verdict: Verdict,
}

/// Runs the scenario and prints its JSON line; exits with status 1 if anything was lost.
pub async fn run(connections: usize, seconds: u64, rate: f64) {
    let duration = Duration::from_secs(seconds);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let members = Member::enrol(&server, "soak", connections).await;
    let ours = measure(
        server.pid(),
        &server.ws_url(),
        &server.app_key,
        &members,
        Peer::ImServer,
        rate,
        duration,
    )
    .await;
    drop(server);
    let bare = EchoProcess::start(Some(BARE_READ_BUFFER_BYTES));
    let baseline = measure(
        bare.pid(),
        &bare.ws_url(),
        "bare",
        &members,
        Peer::Echo,
        rate,
        duration,
    )
    .await;

    let ratio = |ours: f64, bare: f64| (ours / bare * 100.0).round() / 100.0;
    let v = &ours.verdict;
    let line = serde_json::json!({
        "bench": "soak",
        "connections": connections,
        "seconds": seconds,
        "rate_per_s": rate,
        "sent": v.sent,
        "acked": v.acked,
        "received": v.received,
        "lost": v.lost,
        "duplicated": v.duplicated,
        "stray": v.stray,
        "unanswered": v.unanswered,
        "broken_connections": v.broken,
        "zero_loss": v.is_lossless(),
        "bytes_per_idle_conn": ours.bytes_per_idle_conn.round(),
        "cpu_s_per_1000_msgs": round3(ours.cpu_s_per_1000_messages),
        "baseline_bytes_per_idle_conn": baseline.bytes_per_idle_conn.round(),
        "baseline_cpu_s_per_1000_msgs": round3(baseline.cpu_s_per_1000_messages),
        "ratio_memory": ratio(ours.bytes_per_idle_conn, baseline.bytes_per_idle_conn),
        "ratio_cpu": ratio(ours.cpu_s_per_1000_messages, baseline.cpu_s_per_1000_messages),
    });
    println!("{line}");
    if !v.is_lossless() {
        std::process::exit(1);
    }
}

/// Connects `members` to the server `pid` at `ws_url`, reads its memory per idle connection,
/// then loads it at `rate` messages per second for `duration` and reads its CPU time.
async fn measure(
    pid: u32,
    ws_url: &str,
    app_key: &str,
    members: &[Member],
    peer: Peer,
    rate: f64,
    duration: Duration,
) -> Figures {
    let before = rss_bytes(pid);
    let fleet = Fleet::connect(ws_url, app_key, members, peer).await;
    tokio::time::sleep(SETTLE).await;
    let idle = rss_bytes(pid);
    let cpu_before = cpu_seconds(pid);
    let acked = fleet.load(rate, duration).await;
    let cpu = cpu_seconds(pid) - cpu_before;
    let verdict = fleet.close().await;
    Figures {
        bytes_per_idle_conn: idle.saturating_sub(before) as f64 / members.len() as f64,
        cpu_s_per_1000_messages: cpu / (acked.max(1) as f64 / 1000.0),
        verdict,
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
