//! `imbench idle-conns`: imserver's memory per idle authenticated connection against a bare
//! tokio-tungstenite server holding as many connections.

use crate::echo::EchoProcess;
use crate::fleet_process::FleetProcesses;
use crate::process_usage::rss_bytes;
use imcore_harness::{Member, Peer, ServerProcess};
use std::time::Duration;

/// Read buffer of the bare server's connections.
pub const BARE_READ_BUFFER_BYTES: usize = 4 * 1024;
/// The ratio (imserver ÷ bare, per connection) the issue asks for at most.
const TARGET_RATIO: f64 = 1.6;
/// Pause between the last connection and the memory reading, for the servers to settle.
const SETTLE: Duration = Duration::from_secs(2);

/// Runs the scenario and prints its JSON line.
pub async fn run(connections: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let members = Member::enrol(&server, "idle", connections).await;
    let (ours, generators) = growth_per_connection(
        server.pid(),
        &server.ws_url(),
        &server.app_key,
        &members,
        Peer::ImServer,
    )
    .await;
    drop(server);
    let bare = EchoProcess::start(Some(BARE_READ_BUFFER_BYTES));
    let (baseline, _) =
        growth_per_connection(bare.pid(), &bare.ws_url(), "bare", &members, Peer::Echo).await;

    let ratio = ours / baseline;
    let line = serde_json::json!({
        "bench": "idle-conns",
        "connections": connections,
        "generator_processes": generators,
        "bytes_per_conn": ours.round(),
        "baseline_bytes_per_conn": baseline.round(),
        "baseline_read_buffer_bytes": BARE_READ_BUFFER_BYTES,
        "ratio": (ratio * 100.0).round() / 100.0,
        "target_ratio": TARGET_RATIO,
    });
    println!("{line}");
}

/// Growth of process `pid`'s resident memory per connection once `members` are connected from
/// holding processes; also the number of those processes.
async fn growth_per_connection(
    pid: u32,
    ws_url: &str,
    app_key: &str,
    members: &[Member],
    peer: Peer,
) -> (f64, usize) {
    let before = rss_bytes(pid);
    let holders = FleetProcesses::spawn(ws_url, app_key, members, peer);
    tokio::time::sleep(SETTLE).await;
    let after = rss_bytes(pid);
    let per_connection = after.saturating_sub(before) as f64 / members.len() as f64;
    (per_connection, holders.len())
}
