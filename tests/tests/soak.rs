//! A scaled-down soak (the full one is `imbench soak`): 200 raw-protocol connections each
//! sending to the next for a few seconds; every acknowledged message must reach its recipient
//! exactly once.

use imcore_harness::{Fleet, Member, Peer, ServerProcess};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_connections_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-soak", "secret-soak");
    let members = Member::enrol(&server, "soak", 200).await;
    let fleet = Fleet::connect(&server.ws_url(), &server.app_key, &members, Peer::ImServer).await;
    let acked = fleet.load(400.0, Duration::from_secs(5)).await;
    let verdict = fleet.close().await;
    assert!(acked > 1_000, "too few messages went through: {verdict:?}");
    assert!(verdict.is_lossless(), "{verdict:?}");
    assert_eq!(verdict.received, verdict.acked, "{verdict:?}");
}
