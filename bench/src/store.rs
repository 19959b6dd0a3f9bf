//! `imbench store`: reads of a large local database through the `ImClient` API against the
//! same SQL on a plain rusqlite connection to a copy of the database.
//!
//! The database is made by a real client (so it has the real schema), then filled in bulk:
//! `conversations` conversations, `messages` messages of which a tenth are in one large
//! conversation, 1 % contain the search keyword and a rare two-character word. Short keywords
//! (most Chinese words) are searched inside one of the other conversations: a common one,
//! which fills the page early, and the rare one, for which the search reads the whole
//! conversation. The line also gives the database's bytes per table and index (`dbstat`).

use crate::stats::percentile_us;
use imcore::{ConversationType, HistoryOrder};
use imcore_harness::{Client, ServerProcess};
use rusqlite::Connection;
use std::future::Future;
use std::path::Path;
use std::time::{Duration, Instant};

const KEYWORD: &str = "needle";
/// A short keyword in about a quarter of the messages.
const SHORT: &str = "你好";
/// A short keyword only in the messages that have [`KEYWORD`].
const SHORT_RARE: &str = "会议";
/// The conversation the short keywords are searched in (about `messages / conversations`
/// messages).
const SMALL: &str = "user-7";
/// The page of those searches.
const SHORT_PAGE: usize = 20;
const MISSING: &str = "nowhere-to-be-found";
const BIG: &str = "big-conversation";
const BASE_TIME: i64 = 1_700_000_000_000;
const WORDS: &[&str] = &[
    "hello", "lunch", "meeting", "tomorrow", "你好", "明天", "开会", "ok",
];

/// Runs the scenario and prints its JSON line.
pub async fn run(conversations: usize, messages: usize, iterations: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let db_dir = dir.path().join("client");
    drop(Client::connect(&server, &db_dir, "me").await);
    let file = imcore::database::database_file(&db_dir, &server.app_key, "me");
    let filling = Instant::now();
    fill(&file, conversations, messages);
    let fill_s = filling.elapsed().as_secs_f64();
    let copy = dir.path().join("baseline.db");
    std::fs::copy(&file, &copy).expect("copy database");

    let middle = BASE_TIME + messages as i64 * 5;
    let search_iterations = (iterations / 10).max(5);
    let base = {
        let baseline = Connection::open(&copy).expect("open copy");
        baseline_ops(&baseline, middle, iterations, search_iterations)
    };

    let client = Client::connect(&server, &db_dir, "me").await;
    let im = client.im.clone();
    let mut ours = Vec::new();
    ours.push(
        measure("conversation_list", iterations, || async {
            im.get_conversation_list(None, 100)
                .await
                .expect("list")
                .len()
        })
        .await,
    );
    ours.push(
        measure("history_page", iterations, || async {
            im.get_history_messages(
                ConversationType::Private,
                BIG,
                middle,
                20,
                HistoryOrder::Older,
                None,
            )
            .await
            .expect("history")
            .list
            .len()
        })
        .await,
    );
    let search_iterations = (iterations / 10).max(5);
    ours.push(
        measure("search_hit", search_iterations, || async {
            im.search_conversation_by_content(KEYWORD, None)
                .await
                .expect("search")
                .len()
        })
        .await,
    );
    ours.push(
        measure("search_miss", iterations, || async {
            im.search_conversation_by_content(MISSING, None)
                .await
                .expect("search")
                .len()
        })
        .await,
    );
    for (name, keyword) in [("search_short", SHORT), ("search_short_rare", SHORT_RARE)] {
        ours.push(
            measure(name, iterations, || async {
                im.search_messages(ConversationType::Private, SMALL, keyword, 0, SHORT_PAGE)
                    .await
                    .expect("search messages")
                    .len()
            })
            .await,
        );
    }
    ours.push(
        measure("total_unread", iterations, || async {
            im.get_total_unread_count(None, false)
                .await
                .expect("unread") as usize
        })
        .await,
    );
    // The same page through the one request API the shells use: JSON in, JSON out.
    let params = serde_json::json!({
        "conversationType": 1, "targetId": BIG, "timestamp": middle, "count": 20, "order": 0,
    })
    .to_string();
    let (_, mut through_call, _) = measure("history_page_call", iterations, || async {
        match im.call("getHistoryMessages", imcore::Params::Json(&params)) {
            imcore::Outcome::Pending(page) => page.await.expect("history").len(),
            imcore::Outcome::Done(answer) => answer.expect("history").len(),
        }
    })
    .await;
    drop(client);

    let mut line = serde_json::json!({
        "bench": "store",
        "conversations": conversations,
        "messages": messages,
        "fill_s": (fill_s * 10.0).round() / 10.0,
        "db_bytes": db_bytes(&file),
    });
    for ((name, mut samples, found), (base_name, mut base_samples, base_found)) in
        ours.into_iter().zip(base)
    {
        assert_eq!(name, base_name);
        assert_eq!(found, base_found, "{name}: the API and the SQL disagree");
        let (p50, p99) = (
            percentile_us(&mut samples, 50.0),
            percentile_us(&mut samples, 99.0),
        );
        let b50 = percentile_us(&mut base_samples, 50.0);
        line[format!("{name}_p50_us")] = p50.round().into();
        line[format!("{name}_p99_us")] = p99.round().into();
        line[format!("{name}_baseline_p50_us")] = b50.round().into();
        line[format!("ratio_{name}")] = ((p50 / b50 * 100.0).round() / 100.0).into();
    }
    let call_p50 = percentile_us(&mut through_call, 50.0);
    line["history_page_call_p50_us"] = call_p50.round().into();
    let direct_p50 = line["history_page_p50_us"].as_f64().unwrap_or(0.0);
    line["call_overhead_p50_us"] = (call_p50 - direct_p50).round().into();
    println!("{line}");
}

/// Times `iterations` calls of `op` (after a few warm-up calls); returns the samples and the
/// size of the last result, to check against the baseline.
async fn measure<F, Fut>(
    name: &'static str,
    iterations: usize,
    op: F,
) -> (&'static str, Vec<Duration>, usize)
where
    F: Fn() -> Fut,
    Fut: Future<Output = usize>,
{
    for _ in 0..3 {
        op().await;
    }
    let mut samples = Vec::with_capacity(iterations);
    let mut found = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        found = op().await;
        samples.push(start.elapsed());
    }
    (name, samples, found)
}

/// Timed rows of one SQL statement: reads every column of every row into an owned value, as
/// hand-written code returning the rows would.
fn time_sql(
    conn: &Connection,
    name: &'static str,
    iterations: usize,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> (&'static str, Vec<Duration>, usize) {
    let mut stmt = conn.prepare(sql).expect("baseline SQL");
    let columns = stmt.column_count();
    let mut run = || {
        let mut rows = stmt.query(params).expect("query");
        let mut count = 0;
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                std::hint::black_box(row.get::<_, rusqlite::types::Value>(i).expect("column"));
            }
            count += 1;
        }
        count
    };
    for _ in 0..3 {
        run();
    }
    let mut samples = Vec::with_capacity(iterations);
    let mut found = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        found = run();
        samples.push(start.elapsed());
    }
    (name, samples, found)
}

/// The same reads as hand-written SQL.
fn baseline_ops(
    conn: &Connection,
    middle: i64,
    iterations: usize,
    search_iterations: usize,
) -> Vec<(&'static str, Vec<Duration>, usize)> {
    const LIST: &str = "SELECT m.*, c.*, d.draft FROM conversations c \
        LEFT JOIN messages m ON m.message_id = c.latest_message_id \
        LEFT JOIN drafts d ON d.conversation_type = c.conversation_type AND d.target_id = c.target_id \
        WHERE c.hidden = 0 ORDER BY c.is_top DESC, c.sent_time DESC LIMIT 100";
    const HISTORY: &str = "SELECT * FROM messages WHERE conversation_type = 1 AND target_id = ?1 \
        AND sent_time < ?2 ORDER BY sent_time DESC, message_id DESC LIMIT 21";
    const SEARCH: &str = "SELECT m.*, c.*, x.n FROM (SELECT m2.conversation_type, m2.target_id, count(*) n \
        FROM message_text s JOIN messages m2 ON m2.message_id = s.rowid WHERE s.text MATCH ?1 \
        GROUP BY 1, 2) x JOIN conversations c ON c.conversation_type = x.conversation_type \
        AND c.target_id = x.target_id LEFT JOIN messages m ON m.message_id = c.latest_message_id \
        ORDER BY c.is_top DESC, c.sent_time DESC";
    const SHORT_SEARCH: &str = "SELECT * FROM messages WHERE conversation_type = 1 \
        AND target_id = ?1 AND content LIKE ?2 ORDER BY sent_time DESC, message_id DESC LIMIT ?3";
    const UNREAD: &str = "SELECT sum(unread_count) FROM conversations \
        WHERE unread_count > 0 AND notification_status <> 1";
    let hit = format!("\"{KEYWORD}\"");
    let page = SHORT_PAGE as i64;
    let short = |name, keyword: &str| {
        let pattern = format!("%{keyword}%");
        time_sql(
            conn,
            name,
            iterations,
            SHORT_SEARCH,
            &[&SMALL, &pattern, &page],
        )
    };
    let miss = format!("\"{MISSING}\"");
    let mut history = time_sql(conn, "history_page", iterations, HISTORY, &[&BIG, &middle]);
    history.2 = history.2.min(20);
    let mut unread = time_sql(conn, "total_unread", iterations, UNREAD, &[]);
    let total: i64 = conn.query_row(UNREAD, [], |r| r.get(0)).expect("sum");
    unread.2 = total as usize;
    vec![
        time_sql(conn, "conversation_list", iterations, LIST, &[]),
        history,
        time_sql(conn, "search_hit", search_iterations, SEARCH, &[&hit]),
        time_sql(conn, "search_miss", iterations, SEARCH, &[&miss]),
        short("search_short", SHORT),
        short("search_short_rare", SHORT_RARE),
        unread,
    ]
}

/// Bytes of each table and index of the database at `file` (and `total`), from `dbstat`.
fn db_bytes(file: &Path) -> serde_json::Value {
    let conn = Connection::open(file).expect("open database");
    let mut sizes = serde_json::Map::new();
    let mut total = 0;
    let mut stmt = conn
        .prepare("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        .expect("dbstat");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("dbstat rows");
    for row in rows {
        let (name, bytes) = row.expect("dbstat row");
        total += bytes;
        sizes.insert(name, bytes.into());
    }
    sizes.insert("total".into(), total.into());
    sizes.into()
}

/// Fills the client's database in one transaction: messages, their full-text index, then
/// their conversations with some unread counts.
fn fill(file: &Path, conversations: usize, messages: usize) {
    let mut conn = Connection::open(file).expect("open database");
    imcore::database::register_functions(&conn).expect("functions");
    let tx = conn.transaction().expect("transaction");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, \
                 direction, object_name, content, sent_time, sent_status, received_status) \
                 VALUES (?1, 1, ?2, ?3, ?4, 'RC:TxtMsg', ?5, ?6, 30, 1)",
            )
            .expect("insert");
        for i in 0..messages {
            // A tenth of the messages are in the big conversation.
            let target = if i % 10 == 0 {
                BIG.to_owned()
            } else {
                format!("user-{}", i % (conversations - 1))
            };
            let mine = i % 3 == 0;
            let sender = if mine { "me" } else { target.as_str() };
            let mut text = format!(
                "{} {} #{i}",
                WORDS[i % WORDS.len()],
                WORDS[(i / 7) % WORDS.len()]
            );
            if i % 100 == 7 {
                text.push(' ');
                text.push_str(KEYWORD);
                text.push_str(SHORT_RARE);
            }
            let content = serde_json::json!({ "content": text }).to_string();
            insert
                .execute(rusqlite::params![
                    format!("BENCH-{i:09}"),
                    target,
                    sender,
                    if mine { 1 } else { 2 },
                    content,
                    BASE_TIME + i as i64 * 10,
                ])
                .expect("insert message");
        }
    }
    tx.execute_batch(
        "INSERT INTO message_text (rowid, text) \
         SELECT message_id, imcore_searchable_text(object_name, content) FROM messages;",
    )
    .expect("index");
    tx.execute_batch(
        "INSERT INTO conversations (conversation_type, target_id, latest_message_id, sent_time, unread_count) \
         SELECT conversation_type, target_id, message_id, max(sent_time), abs(random()) % 4 \
         FROM messages WHERE true GROUP BY conversation_type, target_id \
         ON CONFLICT DO UPDATE SET latest_message_id = excluded.latest_message_id, \
           sent_time = excluded.sent_time, unread_count = excluded.unread_count;",
    )
    .expect("conversations");
    tx.commit().expect("commit");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
}
