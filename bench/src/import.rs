//! `imbench import`: a history import through `insertMessages` (batches of up to 500 through
//! the one request API the shells use, JSON in and out) until every message is stored with its
//! conversation, unread count and search index entry, against bare rusqlite inserts of the same
//! rows into the same tables and indexes, the same number of rows a transaction.

use crate::backlog::{add_rates, baseline};
use imcore::{Outcome, Params};
use imcore_harness::{Client, ServerProcess};
use improto::limits::MAX_INSERT_BATCH;
use std::time::Instant;

const BASE_TIME: i64 = 1_700_000_000_000;
const WORDS: &[&str] = &[
    "hello", "lunch", "meeting", "tomorrow", "你好", "明天", "开会",
];

/// Runs the scenario and prints its JSON line.
pub async fn run(conversations: usize, messages: usize, batch: usize) {
    let batch = batch.clamp(1, MAX_INSERT_BATCH);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let db_dir = dir.path().join("client");
    let client = Client::connect(&server, &db_dir, "me").await;
    let calls = calls(conversations, messages, batch);

    let start = Instant::now();
    for params in &calls {
        let answer = match client.im.call("insertMessages", Params::Json(params)) {
            Outcome::Pending(answer) => answer.await,
            Outcome::Done(answer) => answer,
        };
        answer.expect("insertMessages");
    }
    let ours_s = start.elapsed().as_secs_f64();
    let unread = client
        .im
        .get_total_unread_count(None, true)
        .await
        .expect("unread");
    assert_eq!(
        unread, messages as i64,
        "every imported message counted once"
    );
    drop(client);

    let file = imcore::database::database_file(&db_dir, &server.app_key, "me");
    let baseline_s = baseline(&file, &dir.path().join("baseline.db"), messages, batch);
    let mut line = serde_json::json!({
        "bench": "import",
        "messages": messages,
        "conversations": conversations,
        "batch": batch,
    });
    add_rates(&mut line, messages, ours_s, baseline_s);
    println!("{line}");
}

/// The `insertMessages` parameters of the import: `messages` received texts spread over
/// `conversations` peers, each with its server UID, `batch` a call.
fn calls(conversations: usize, messages: usize, batch: usize) -> Vec<String> {
    let message = |n: usize| {
        let peer = format!("peer-{:04}", n % conversations.max(1));
        serde_json::json!({
            "conversationType": 1, "targetId": peer, "senderUserId": peer,
            "messageDirection": 2, "objectName": "RC:TxtMsg", "messageUId": format!("IMPORT-{n:08}"),
            "sentTime": BASE_TIME + n as i64,
            "content": {"content": format!("message {n}: {} {}", WORDS[n % WORDS.len()], WORDS[(n / 7) % WORDS.len()])},
        })
    };
    (0..messages)
        .collect::<Vec<_>>()
        .chunks(batch)
        .map(|chunk| {
            let batch: Vec<_> = chunk.iter().map(|&n| message(n)).collect();
            serde_json::json!({ "messages": batch }).to_string()
        })
        .collect()
}
