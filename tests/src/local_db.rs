//! Reading a client's local database directly (read-only), to check what it really stored.

use imcore::{MessageDirection, SentStatus};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// One row of a client's `messages` table.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// Local id: rows are numbered in the order they were stored.
    pub message_id: i64,
    /// Server id, empty while the server has not acknowledged an outgoing message.
    pub message_uid: String,
    /// Who sent it.
    pub sender_user_id: String,
    /// The conversation's target id.
    pub target_id: String,
    /// Sent or received.
    pub direction: MessageDirection,
    /// Delivery state.
    pub sent_status: SentStatus,
    /// Server send time in ms (local time for a failed outgoing message).
    pub sent_time: i64,
    /// The content object, e.g. `{"content":"hi"}`.
    pub content: serde_json::Value,
}

impl StoredMessage {
    /// The text of a TextMessage (empty for other content).
    pub fn text(&self) -> &str {
        self.content["content"].as_str().unwrap_or_default()
    }
}

/// Every message stored under `db_dir` (a client's `InitOptions::db_path`, holding one
/// user's database), in storage order; none while no database exists yet.
pub fn stored_messages(db_dir: &Path) -> Vec<StoredMessage> {
    let Some(file) = find_database(db_dir) else {
        return Vec::new();
    };
    let conn = Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("open {}: {e}", file.display()));
    let mut select = conn
        .prepare(
            "SELECT message_id, coalesce(message_uid, ''), sender_user_id, target_id, direction, \
             sent_status, sent_time, content FROM messages ORDER BY message_id",
        )
        .expect("select messages");
    select
        .query_map([], |row| {
            let direction: i32 = row.get(4)?;
            let sent_status: i32 = row.get(5)?;
            let content: String = row.get(7)?;
            Ok(StoredMessage {
                message_id: row.get(0)?,
                message_uid: row.get(1)?,
                sender_user_id: row.get(2)?,
                target_id: row.get(3)?,
                direction: MessageDirection::try_from(direction).expect("direction"),
                sent_status: SentStatus::try_from(sent_status).expect("sent status"),
                sent_time: row.get(6)?,
                content: serde_json::from_str(&content).expect("content JSON"),
            })
        })
        .expect("query messages")
        .collect::<Result<_, _>>()
        .expect("read messages")
}

/// The `imcore.db` somewhere below `dir` (the engine names its directories after the app
/// key and user id).
fn find_database(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir).ok()?.flatten().find_map(|entry| {
        let path = entry.path();
        if path.is_dir() {
            find_database(&path)
        } else {
            (path.file_name()? == "imcore.db").then_some(path)
        }
    })
}
