//! `destroy` closes the user's database cleanly every time: the WAL is checkpointed into
//! `imcore.db` and removed, so the file alone holds every message.

use imcore::{ConversationType, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_destroy_leaves_imcore_db_complete_and_no_wal() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-close", "secret-close");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob_db = dir.path().join("bob");
    let file = imcore::database::database_file(&bob_db, &server.app_key, "bob");
    for round in 1..=30 {
        let bob = Client::connect(&server, &bob_db, "bob").await;
        ann.im
            .send_message(
                ConversationType::Private,
                "bob",
                MessageContent::text(&format!("m{round}")),
            )
            .await
            .expect("send");
        tokio::task::spawn_blocking(move || {
            bob.listener.messages(1, Duration::from_secs(10));
            drop(bob); // destroy
        })
        .await
        .unwrap();
        for suffix in ["-wal", "-shm"] {
            let left = format!("{}{suffix}", file.display());
            assert!(
                !std::path::Path::new(&left).exists(),
                "round {round}: {left} left behind"
            );
        }
        // The database file alone, copied away from anything SQLite could recover it from.
        let alone = tempfile::tempdir().unwrap();
        let copy = alone.path().join("imcore.db");
        std::fs::copy(&file, &copy).unwrap();
        let stored: usize = rusqlite::Connection::open(&copy)
            .unwrap()
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, round, "round {round}");
    }
}
