//! Store behaviour on a real database file: sending, idempotency, pulling, acks, purging
//! (conversation lists, history and deletions in [`remote`]).

mod remote;

use super::*;
use crate::clock::now_ms;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn message(to: &str, client_message_id: &str, persisted: bool) -> NewMessage {
    NewMessage {
        app_key: "app".into(),
        sender_id: "alice".into(),
        conversation_type: 1,
        target_id: to.into(),
        recipients: vec![to.into()],
        object_name: "RC:TxtMsg".into(),
        content: r#"{"content":"hi"}"#.into(),
        client_message_id: client_message_id.into(),
        persisted,
        counted: true,
    }
}

/// Stores `message`, which must be new; returns its entries.
async fn stored(store: &Store, message: NewMessage) -> NewEntries {
    match store.send_message(message, |_| {}).await.unwrap() {
        SendOutcome::Stored(entries) => *entries,
        other => panic!("expected a stored message, got {other:?}"),
    }
}

async fn pull_all(store: &Store, user: &str, after: u64) -> Pulled {
    store
        .pull("app".into(), user.into(), after, 500)
        .await
        .unwrap()
}

#[tokio::test]
async fn assigns_per_user_sequences_and_pulls_in_order() {
    let (_dir, store) = open();
    for (i, to) in ["bob", "bob", "carol", "bob"].iter().enumerate() {
        let outcome = store
            .send_message(message(to, &format!("c{i}"), true), |_| {})
            .await
            .unwrap();
        assert!(matches!(outcome, SendOutcome::Stored { .. }));
    }
    let bob = pull_all(&store, "bob", 0).await;
    assert_eq!(
        bob.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(
        bob.messages
            .windows(2)
            .all(|w| w[0].sent_time < w[1].sent_time)
    );
    assert!(bob.messages.iter().all(|m| m.target_id == "alice"));
    assert_eq!(pull_all(&store, "carol", 0).await.messages.len(), 1);
    assert_eq!(pull_all(&store, "bob", 2).await.messages.len(), 1);
    let page = store.pull("app".into(), "bob".into(), 0, 2).await.unwrap();
    assert!(page.has_more);
    assert_eq!(page.messages.len(), 2);
    assert_eq!(
        store.inbox_seq("app".into(), "bob".into()).await.unwrap(),
        3
    );
    assert_eq!(
        store.inbox_seq("app".into(), "dave".into()).await.unwrap(),
        0
    );
    store.shutdown();
}

#[tokio::test]
async fn the_sender_gets_an_entry_of_its_own_with_its_key() {
    let (_dir, store) = open();
    let NewEntries {
        recipients,
        own_entry: ours,
    } = stored(&store, message("bob", "k1", true)).await;
    let [
        RecipientEntry {
            user_id: recipient,
            entry: theirs,
        },
    ] = <[_; 1]>::try_from(recipients).expect("expected two entries");
    assert_eq!(recipient, "bob");
    assert_eq!((ours.seq, ours.target_id.as_str()), (1, "bob"));
    assert_eq!(ours.client_message_id, "k1");
    assert_eq!((theirs.seq, theirs.target_id.as_str()), (1, "alice"));
    assert!(theirs.client_message_id.is_empty());
    // Pulls show each user their own view; a message without a key pulls with an empty one.
    store
        .send_message(message("bob", "", true), |_| {})
        .await
        .unwrap();
    let alice = pull_all(&store, "alice", 0).await.messages;
    let keys: Vec<_> = alice.iter().map(|m| m.client_message_id.as_str()).collect();
    assert_eq!(keys, vec!["k1", ""]);
    assert_eq!(alice[0], ours);
    let bob = pull_all(&store, "bob", 0).await.messages;
    assert_eq!(bob[0], theirs);
    assert!(bob.iter().all(|m| m.client_message_id.is_empty()));
    // A retry adds no entry anywhere; a message to oneself adds one.
    store
        .send_message(message("bob", "k1", true), |_| {})
        .await
        .unwrap();
    let to_self = stored(&store, message("alice", "k3", true)).await;
    assert!(to_self.recipients.is_empty(), "one entry only");
    let own_entry = to_self.own_entry;
    assert_eq!(
        (
            own_entry.seq,
            own_entry.target_id.as_str(),
            own_entry.client_message_id.as_str()
        ),
        (3, "alice", "k3")
    );
    assert_eq!(
        store.inbox_seq("app".into(), "alice".into()).await.unwrap(),
        3
    );
    assert_eq!(
        store.inbox_seq("app".into(), "bob".into()).await.unwrap(),
        2
    );
    store.shutdown();
}

#[tokio::test]
async fn a_message_for_several_recipients_gets_an_entry_in_each_inbox() {
    let (_dir, store) = open();
    stored(&store, message("bob", "", true)).await;
    let entries = stored(
        &store,
        NewMessage {
            recipients: vec!["bob".into(), "alice".into(), "carol".into()],
            ..message("bob", "k", true)
        },
    )
    .await;
    // The sender among the recipients is skipped: its own entry is the only one it gets.
    let got: Vec<_> = entries
        .recipients
        .iter()
        .map(|r| (r.user_id.as_str(), r.entry.seq, r.entry.target_id.as_str()))
        .collect();
    assert_eq!(got, vec![("bob", 2, "alice"), ("carol", 1, "alice")]);
    assert_eq!(entries.own_entry.seq, 2);
    for r in &entries.recipients {
        let pulled = pull_all(&store, &r.user_id, r.entry.seq - 1).await.messages;
        assert_eq!(pulled, vec![r.entry.clone()]);
        let listed = store
            .conversation_list("app".into(), r.user_id.clone(), 10, 0)
            .await
            .unwrap();
        let latest = listed.conversations[0].latest_message.as_ref().unwrap();
        assert_eq!(latest.message_uid, entries.own_entry.message_uid);
    }
    assert_eq!(pull_all(&store, "alice", 0).await.messages.len(), 2);
    store.shutdown();
}

#[tokio::test]
async fn a_retried_send_returns_the_first_result_and_is_not_delivered_again() {
    let (_dir, store) = open();
    let first = store
        .send_message(message("bob", "same", false), |_| {})
        .await
        .unwrap();
    let hooked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = hooked.clone();
    let retry = store
        .send_message(message("bob", "same", false), move |o| {
            seen.lock().unwrap().push(o.message_uid().to_owned())
        })
        .await
        .unwrap();
    assert!(matches!(retry, SendOutcome::Duplicate { .. }));
    assert_eq!(retry.message_uid(), first.message_uid());
    assert_eq!(retry.sent_time(), first.sent_time());
    assert_eq!(
        *hooked.lock().unwrap(),
        vec![first.message_uid().to_owned()]
    );
    assert_eq!(pull_all(&store, "bob", 0).await.messages.len(), 1);
    // Without a client id there is no deduplication.
    store
        .send_message(message("bob", "", true), |_| {})
        .await
        .unwrap();
    store
        .send_message(message("bob", "", true), |_| {})
        .await
        .unwrap();
    assert_eq!(pull_all(&store, "bob", 0).await.messages.len(), 3);
    store.shutdown();
}

#[tokio::test]
async fn keeps_only_persisted_messages_once_their_inbox_entries_are_purged() {
    let (dir, store) = open();
    let persisted = store
        .send_message(message("bob", "p", true), |_| {})
        .await
        .unwrap();
    store
        .send_message(message("bob", "t", false), |_| {})
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
    let again = store
        .send_message(message("bob", "p", true), |_| {})
        .await
        .unwrap();
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
    let store = Store::open(dir.path()).unwrap();
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
    let retried = store.send_message(retry, |_| {}).await.unwrap();
    assert_eq!(retried.message_uid(), "0000-0000-0000-0002");
    let entry = stored(&store, message("bob", "c3", true)).await.recipients[0]
        .entry
        .clone();
    assert_eq!(entry.seq, 8);
    assert!(entry.sent_time > 11);
    store.shutdown();
}

#[tokio::test]
async fn purging_keeps_sequences_growing() {
    let (_dir, store) = open();
    store
        .send_message(message("bob", "a", true), |_| {})
        .await
        .unwrap();
    assert_eq!(store.purge_before(now_ms() + 1).await.unwrap(), 2);
    assert!(pull_all(&store, "bob", 0).await.messages.is_empty());
    store
        .send_message(message("bob", "b", true), |_| {})
        .await
        .unwrap();
    let bob = pull_all(&store, "bob", 0).await;
    assert_eq!(bob.messages[0].seq, 2);
    assert_eq!(store.purge_before(now_ms() - 60_000).await.unwrap(), 0);
    store.shutdown();
}

#[tokio::test]
async fn acks_never_move_backwards_or_past_the_inbox() {
    let (dir, store) = open();
    for key in ["a", "b", "c"] {
        store
            .send_message(message("bob", key, true), |_| {})
            .await
            .unwrap();
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
    let store = Store::open(dir.path()).unwrap();
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
        .send_message(message("bob", "x", true), |_| {})
        .await
        .unwrap()
        .sent_time();
    store.shutdown();
    let store = Store::open(dir.path()).unwrap();
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
        .send_message(message("bob", "y", true), |_| {})
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
            .send_message(message("bob", &format!("k{i}"), true), |_| {})
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
