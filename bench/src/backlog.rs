//! `imbench backlog`: an offline backlog pulled from imserver on connect, until every message
//! is persisted with its conversation, unread count and search index entry, against bare
//! rusqlite inserts of the same rows into the same tables and indexes in one transaction.
//!
//! `imbench backlog-server` prepares the same backlog for the Node benchmark
//! (`node-addon/bench/backlog.js`) and keeps imserver running until its stdin closes.

use imcore::{ConversationType, Event, MessageContent};
use imcore_harness::{Client, ServerProcess};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

/// Sends in flight per sender while the backlog is built.
const IN_FLIGHT: usize = 64;
/// The user whose backlog waits.
const RECEIVER: &str = "backlog-receiver";

/// Fills the offline inbox of [`RECEIVER`]: `per_conversation` texts from each of
/// `conversations` senders, sent concurrently.
pub async fn prepare(
    server: &ServerProcess,
    dir: &Path,
    conversations: usize,
    per_conversation: usize,
) {
    let mut senders = Vec::with_capacity(conversations);
    for i in 0..conversations {
        let sender = format!("sender-{i:03}");
        let client = Client::connect(server, &dir.join(&sender), &sender).await;
        senders.push(tokio::spawn(async move {
            for chunk in (0..per_conversation).collect::<Vec<_>>().chunks(IN_FLIGHT) {
                let sends = chunk.iter().map(|n| {
                    let text = format!("backlog {n} from {} 你好 meeting notes", client.user_id);
                    client.im.send_message(
                        ConversationType::Private,
                        RECEIVER,
                        MessageContent::text(&text),
                    )
                });
                for sent in futures_util::future::join_all(sends).await {
                    sent.expect("backlog send");
                }
            }
            drop(client);
        }));
    }
    for sender in senders {
        sender.await.expect("sender task");
    }
}

/// Runs the scenario and prints its JSON line.
pub async fn run(conversations: usize, per_conversation: usize) {
    let total = conversations * per_conversation;
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let preparing = Instant::now();
    prepare(&server, dir.path(), conversations, per_conversation).await;
    let prepare_s = preparing.elapsed().as_secs_f64();

    let db_dir = dir.path().join("receiver");
    let (im, listener) = Client::init(&server, &db_dir);
    let token = server.token(RECEIVER).await;
    let start = Instant::now();
    im.connect(&token).await.expect("connect");
    let mut announced = 0;
    loop {
        match listener.next(Duration::from_secs(60)) {
            Some(Event::Message { .. }) => announced += 1,
            Some(Event::PullOfflineFinished) => break,
            Some(_) => {}
            None => panic!("the backlog did not land within 60 s without progress"),
        }
    }
    let ours_s = start.elapsed().as_secs_f64();
    assert_eq!(announced, total, "every backlog message announced once");
    assert_eq!(
        im.get_total_unread_count(None, false)
            .await
            .expect("unread"),
        total as i64
    );
    assert_eq!(
        im.get_conversation_list(None, 1000)
            .await
            .expect("list")
            .len(),
        conversations
    );
    im.destroy();

    let file = imcore::database::database_file(&db_dir, &server.app_key, RECEIVER);
    let baseline_s = baseline(&file, &dir.path().join("baseline.db"), total, total);
    let mut line = serde_json::json!({
        "bench": "backlog",
        "messages": total,
        "conversations": conversations,
        "prepare_s": (prepare_s * 10.0).round() / 10.0,
    });
    add_rates(&mut line, total, ours_s, baseline_s);
    println!("{line}");
}

/// Adds to a JSON line the seconds and messages/s of our run and of the baseline's, and their
/// ratio.
pub fn add_rates(line: &mut serde_json::Value, messages: usize, ours_s: f64, baseline_s: f64) {
    let (ours_rate, baseline_rate) = (messages as f64 / ours_s, messages as f64 / baseline_s);
    line["seconds"] = ((ours_s * 1000.0).round() / 1000.0).into();
    line["rate_msgs_per_s"] = ours_rate.round().into();
    line["baseline_seconds"] = ((baseline_s * 1000.0).round() / 1000.0).into();
    line["baseline_rate_msgs_per_s"] = baseline_rate.round().into();
    line["ratio"] = ((ours_rate / baseline_rate * 100.0).round() / 100.0).into();
}

/// Inserts the rows the client stored into a new database with the same schema, with one
/// prepared statement per table, `batch` rows a transaction; returns the seconds it took.
pub fn baseline(source: &Path, target: &Path, total: usize, batch: usize) -> f64 {
    let source = Connection::open(source).expect("open client database");
    let mut conn = Connection::open(target).expect("create baseline database");
    imcore::database::register_functions(&conn).expect("functions");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL")
        .expect("synchronous");
    // The client's schema, without FTS5's own shadow tables (the virtual table makes them).
    let schema: Vec<String> = source
        .prepare(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name <> 'sqlite_sequence' \
             AND NOT (type = 'table' AND name GLOB 'message_text_*') \
             ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
        )
        .expect("schema")
        .query_map([], |r| r.get(0))
        .expect("schema rows")
        .collect::<Result<_, _>>()
        .expect("schema sql");
    for sql in schema {
        conn.execute_batch(&sql).expect("create");
    }
    let rows: Vec<Row> = source
        .prepare(
            "SELECT message_uid, conversation_type, target_id, sender_user_id, direction, object_name, \
             content, sent_time, sent_status, received_time FROM messages ORDER BY message_id",
        )
        .expect("rows")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("row");
    assert_eq!(rows.len(), total);
    let start = Instant::now();
    for rows in rows.chunks(batch) {
        insert_rows(&mut conn, rows);
    }
    start.elapsed().as_secs_f64()
}

/// One row of the `messages` table as the baseline inserts it.
type Row = (
    Option<String>,
    i32,
    String,
    String,
    i32,
    String,
    String,
    i64,
    i32,
    Option<i64>,
);

/// Inserts `rows` with their search text and conversation in one transaction.
fn insert_rows(conn: &mut Connection, rows: &[Row]) {
    let tx = conn.transaction().expect("transaction");
    {
        let mut message = tx
            .prepare_cached(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
                 object_name, content, sent_time, sent_status, received_time, offline) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)",
            )
            .expect("insert message");
        let mut text = tx
            .prepare_cached(
                "INSERT INTO message_text (rowid, text) VALUES (?1, imcore_searchable_text(?2, ?3))",
            )
            .expect("insert text");
        let mut conversation = tx
            .prepare_cached(
                "INSERT INTO conversations (conversation_type, target_id, latest_message_id, sent_time, unread_count) \
                 VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT (conversation_type, target_id) DO UPDATE SET \
                 latest_message_id = excluded.latest_message_id, sent_time = excluded.sent_time, \
                 unread_count = unread_count + 1",
            )
            .expect("upsert conversation");
        for r in rows {
            message
                .execute(rusqlite::params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9
                ])
                .expect("insert");
            let message_id = tx.last_insert_rowid();
            text.execute(rusqlite::params![message_id, r.5, r.6])
                .expect("index");
            conversation
                .execute(rusqlite::params![r.1, r.2, message_id, r.7])
                .expect("upsert");
        }
    }
    tx.commit().expect("commit");
}

/// Prepares the backlog, prints `{navi, appKey, token, userId, messages}` and serves until
/// stdin closes (for the Node benchmark).
pub async fn serve(conversations: usize, per_conversation: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    prepare(&server, dir.path(), conversations, per_conversation).await;
    let line = serde_json::json!({
        "navi": server.navi(),
        "appKey": server.app_key,
        "token": server.token(RECEIVER).await,
        "userId": RECEIVER,
        "messages": conversations * per_conversation,
    });
    println!("{line}");
    tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink()))
        .await
        .expect("stdin")
        .ok();
    drop(server);
}
