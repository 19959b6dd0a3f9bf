//! The SQLite backend: the storage suite, and what only SQLite has (the database file, its
//! migrations and checkpoints, restarts on the same file).

use super::*;
use crate::clock::now_ms;
use crate::store::suite::{list, message, pull_all, stored, summary, uids, walk};
use crate::store::{SendOutcome, Storage};

/// A fresh database in a temporary directory, removed when the guard drops.
fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    (dir, store)
}

storage_suite!(open);

#[tokio::test]
async fn keeps_only_persisted_messages_once_their_inbox_entries_are_purged() {
    let (dir, store) = open();
    let persisted = store.send_message(message("bob", "p", true)).await.unwrap();
    store
        .send_message(message("bob", "t", false))
        .await
        .unwrap();
    let count = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE persisted = 1"),
        1
    );
    // Each message has the recipient's entry and the sender's.
    assert_eq!(count("SELECT count(*) FROM inbox"), 4);
    assert_eq!(store.purge_before(now_ms() + 1).await.unwrap(), 4);
    assert_eq!(count("SELECT count(*) FROM inbox"), 0);
    // History stays; the message that was only to be delivered is gone.
    assert_eq!(count("SELECT count(*) FROM messages"), 1);
    // Idempotency keys last as long as the inbox entries: the same key is a new message now.
    let again = store.send_message(message("bob", "p", true)).await.unwrap();
    assert!(matches!(again, SendOutcome::Stored { .. }));
    assert_ne!(again.message_uid(), persisted.message_uid());
    store.shutdown();
}

#[tokio::test]
async fn migrates_messages_stored_by_the_first_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(DATABASE_FILE);
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO messages (message_uid, app_key, sender_id, conversation_type, \
               target_id, object_name, content, sent_time, counted) \
             VALUES ('0000-0000-0000-0001', 'app', 'alice', 1, 'bob', 'RC:TxtMsg', 'kept', 10, 1); \
             INSERT INTO sent_requests VALUES ('app', 'alice', 'c1', '0000-0000-0000-0001', 10, 10), \
               ('app', 'alice', 'c2', '0000-0000-0000-0002', 11, 11); \
             INSERT INTO inbox_counters VALUES ('app', 'bob', 7); \
             INSERT INTO inbox (app_key, user_id, seq, message_uid, conversation_type, target_id, \
               sender_id, object_name, content, sent_time, persisted, counted, created_at) \
             VALUES ('app', 'bob', 6, '0000-0000-0000-0001', 1, 'alice', 'alice', 'RC:TxtMsg', \
                     'kept', 10, 1, 1, 10), \
                    ('app', 'bob', 7, '0000-0000-0000-0002', 1, 'alice', 'alice', 'RC:TypSts', \
                     'typing', 11, 0, 0, 11);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    let bob = pull_all(&store, "bob", 0).await;
    let seen: Vec<_> = bob
        .messages
        .iter()
        .map(|m| {
            (
                m.seq,
                m.content.as_str(),
                m.target_id.as_str(),
                m.persisted,
                m.counted,
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (6, "kept", "alice", true, true),
            (7, "typing", "alice", false, false)
        ]
    );
    // Idempotency keys came along; sequences and sent times continue.
    let mut retry = message("bob", "c2", false);
    retry.content = "again".into();
    let retried = store.send_message(retry).await.unwrap();
    assert_eq!(retried.message_uid(), "0000-0000-0000-0002");
    let entry = stored(&store, message("bob", "c3", true)).await.recipients[0]
        .entry
        .clone();
    assert_eq!(entry.seq, 8);
    assert!(entry.sent_time > 11);
    store.shutdown();
}

#[tokio::test]
async fn acks_never_move_backwards_or_past_the_inbox() {
    let (dir, store) = open();
    for key in ["a", "b", "c"] {
        store.send_message(message("bob", key, true)).await.unwrap();
    }
    let ack = |seq| store.record_ack("app".into(), "bob".into(), "d1".into(), seq);
    ack(2).await.unwrap();
    ack(1).await.unwrap();
    store.shutdown();
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let acked = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT acked_seq FROM device_acks", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(acked(&conn), 2);
    drop(conn);
    let store = SqliteStore::open(dir.path()).unwrap();
    store
        .record_ack("app".into(), "bob".into(), "d1".into(), u64::MAX)
        .await
        .unwrap();
    store.shutdown();
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    assert_eq!(acked(&conn), 3);
}

#[tokio::test]
async fn reuses_the_development_app_and_keeps_sent_times_rising_across_restarts() {
    let (dir, store) = open();
    let dev = store.resolve_app(None).await.unwrap();
    let sent = store
        .send_message(message("bob", "x", true))
        .await
        .unwrap()
        .sent_time();
    store.shutdown();
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(store.resolve_app(None).await.unwrap(), dev);
    let configured = crate::apps::App {
        key: "k".into(),
        secret: "s".into(),
    };
    assert_eq!(
        store.resolve_app(Some(configured.clone())).await.unwrap(),
        configured
    );
    let later = store
        .send_message(message("bob", "y", true))
        .await
        .unwrap()
        .sent_time();
    assert!(later > sent);
    store.shutdown();
}

#[tokio::test]
async fn checkpoints_in_the_background_while_open() {
    let (dir, store) = open();
    let file = dir.path().join(DATABASE_FILE);
    let before = std::fs::metadata(&file).unwrap().len();
    for i in 0..50 {
        store
            .send_message(message("bob", &format!("k{i}"), true))
            .await
            .unwrap();
    }
    // Far below the writer's backstop: only the checkpoint thread copies the WAL back.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::fs::metadata(&file).unwrap().len() <= before {
        assert!(std::time::Instant::now() < deadline, "no checkpoint ran");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    store.shutdown();
}
#[tokio::test]
async fn the_upgrade_builds_conversation_lists_from_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(DATABASE_FILE);
    {
        let mut conn = rusqlite::Connection::open(&file).unwrap();
        for (version, sql) in schema::MIGRATIONS[..3].iter().enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", version + 1)
                .unwrap();
        }
        let tx = conn.transaction().unwrap();
        for (uid, from, to, time, persisted) in [
            ("0000-0000-0000-0001", "alice", "bob", 10, 1),
            ("0000-0000-0000-0002", "bob", "alice", 11, 1),
            ("0000-0000-0000-0003", "alice", "bob", 12, 0),
            ("0000-0000-0000-0004", "carol", "alice", 13, 1),
            ("0000-0000-0000-0005", "carol", "carol", 14, 1),
        ] {
            tx.execute(
                "INSERT INTO messages (message_uid, app_key, sender_id, conversation_type, \
                 target_id, object_name, content, sent_time, persisted, counted) \
                 VALUES (?1, 'app', ?2, 1, ?3, 'RC:TxtMsg', '{}', ?4, ?5, 1)",
                rusqlite::params![uid, from, to, time, persisted],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(
        summary(&list(&store, "alice", 10, 0).await),
        vec![
            ("carol", "0000-0000-0000-0004"),
            ("bob", "0000-0000-0000-0002")
        ]
    );
    assert_eq!(
        summary(&list(&store, "bob", 10, 0).await),
        vec![("alice", "0000-0000-0000-0002")]
    );
    assert_eq!(summary(&list(&store, "carol", 10, 0).await).len(), 2);
    let history = walk(&store, "bob", "alice", 10, Order::OldestFirst).await;
    assert_eq!(
        uids(&history),
        vec!["0000-0000-0000-0001", "0000-0000-0000-0002"]
    );
    store.shutdown();
}

#[tokio::test]
async fn keeps_the_acks_of_a_users_most_recently_heard_from_devices_only() {
    use improto::limits::MAX_DEVICES_PER_USER;
    let (dir, store) = open();
    store.send_message(message("bob", "a", true)).await.unwrap();
    for device in 0..MAX_DEVICES_PER_USER + 10 {
        let id = format!("d{device}");
        store
            .record_ack("app".into(), "bob".into(), id, 1)
            .await
            .unwrap();
    }
    store
        .record_ack("app".into(), "carol".into(), "d0".into(), 1)
        .await
        .unwrap();
    store.shutdown();
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let devices = |user: &str| -> i64 {
        let sql = "SELECT count(*) FROM device_acks WHERE user_id = ?1";
        conn.query_row(sql, [user], |r| r.get(0)).unwrap()
    };
    assert_eq!(devices("bob"), MAX_DEVICES_PER_USER as i64);
    assert_eq!(devices("carol"), 1);
    // The newest stays.
    let last = format!("d{}", MAX_DEVICES_PER_USER + 9);
    let kept: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM device_acks WHERE device_id = ?1)",
            [last],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept);
}

/// Bytes the database file grows by per group message in a group of `members` (the WAL
/// checkpointed into the file before and after).
async fn bytes_per_group_message(members: usize) -> f64 {
    const MESSAGES: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let options = OpenOptions {
        durability: Durability::Fast,
        ..OpenOptions::default()
    };
    let store = SqliteStore::open_with(dir.path(), options).unwrap();
    let user_ids: Vec<String> = (0..members).map(|i| format!("member-{i:05}")).collect();
    let join = crate::store::GroupChange::Join {
        group_id: "g".into(),
        name: "G".into(),
        user_ids,
        max_members: members,
    };
    store
        .change_group("app".into(), join, Box::new(|_| {}))
        .await
        .unwrap();
    let file_bytes = || {
        let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        std::fs::metadata(dir.path().join(DATABASE_FILE))
            .unwrap()
            .len() as f64
    };
    // One message first, so that the tables and indexes have their first pages.
    crate::store::suite::send_to_group(
        &store,
        crate::store::suite::group_text("member-00000", "g", ""),
        &[],
    )
    .await;
    let before = file_bytes();
    let (done, all_done) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..MESSAGES {
        let done = done.clone();
        let m = crate::store::suite::group_text("member-00000", "g", "");
        store.send_group_message_then(m, Vec::new(), Box::new(move |o| drop(done.send(o))));
    }
    drop(done);
    let mut all_done = all_done;
    while let Some(outcome) = all_done.recv().await {
        outcome.unwrap();
    }
    let grown = file_bytes() - before;
    Storage::shutdown(&store);
    grown / MESSAGES as f64
}

#[tokio::test]
async fn a_group_message_costs_the_same_bytes_at_30_and_at_3000_members() {
    let small = bytes_per_group_message(30).await;
    let large = bytes_per_group_message(3000).await;
    eprintln!("database bytes per group message: {small:.0} at 30 members, {large:.0} at 3000");
    assert!(large <= small * 1.25 + 64.0, "{small} vs {large}");
}
