//! Where a user's local database lives: distinct users never share one, even when their ids
//! mapped to one directory in the earlier layout, and a database of that layout is found.

use imcore::{ConversationType, HistoryOrder, InsertMessage, MessageContent};
use imcore_harness::{Client, ServerProcess, texts};
use std::path::Path;
use std::time::Duration;

const PRIVATE: ConversationType = ConversationType::Private;

/// Connects `user_id` on `db_dir`, waits for a message, and returns the texts of its local
/// history with `peer`; the client is destroyed on return.
async fn local_history(
    server: &ServerProcess,
    db_dir: &Path,
    user_id: &str,
    peer: &str,
) -> Vec<String> {
    let client = Client::connect(server, db_dir, user_id).await;
    let client = tokio::task::spawn_blocking(move || {
        client.listener.messages(1, Duration::from_secs(10));
        client
    })
    .await
    .unwrap();
    let page = client
        .im
        .get_history_messages(PRIVATE, peer, 0, 20, HistoryOrder::Older, None)
        .await
        .unwrap();
    tokio::task::spawn_blocking(move || drop(client))
        .await
        .unwrap();
    texts(&page.list)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_that_once_shared_a_directory_each_see_only_their_own_messages() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-loc", "secret-loc");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    for (to, text) in [("a+b", "for a+b"), ("x612b62", "for x612b62")] {
        ann.im
            .send_message(PRIVATE, to, MessageContent::text(text))
            .await
            .expect("send");
    }
    // One device, one dbPath, the two users one after the other.
    let shared = dir.path().join("shared");
    assert_eq!(
        local_history(&server, &shared, "a+b", "ann").await,
        ["for a+b"]
    );
    assert_eq!(
        local_history(&server, &shared, "x612b62", "ann").await,
        ["for x612b62"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_the_earlier_layout_is_found_and_moved() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-old", "secret-old");
    let db_dir = dir.path().join("bob");
    {
        // A local-only message: only the moved database can hold it after the move.
        let bob = Client::connect(&server, &db_dir, "bob").await;
        let tip = InsertMessage::from_json(
            r#"{"senderUserId":"ann","messageDirection":2,"objectName":"RC:InfoNtf","content":{"message":"kept locally"}}"#,
        )
        .unwrap();
        bob.im
            .insert_message(PRIVATE, "ann", tip, true)
            .await
            .unwrap();
        tokio::task::spawn_blocking(move || drop(bob))
            .await
            .unwrap();
    }
    let file = imcore::database::database_file(&db_dir, "app-old", "bob");
    // The earlier layout: the ids as they are, no owner recorded.
    let legacy = db_dir.join("app-old").join("bob");
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    std::fs::rename(file.parent().unwrap(), &legacy).unwrap();
    rusqlite::Connection::open(legacy.join("imcore.db"))
        .unwrap()
        .execute("UPDATE sync_state SET owner_user_id = NULL", [])
        .unwrap();

    let bob = Client::connect(&server, &db_dir, "bob").await;
    assert!(!legacy.exists(), "moved, not copied");
    assert!(file.exists());
    let tips = tokio::task::spawn_blocking(move || bob.stored_messages())
        .await
        .unwrap();
    assert!(
        tips.iter().any(|m| m.content["message"] == "kept locally"),
        "{tips:?}"
    );
}
