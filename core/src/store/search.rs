//! Keyword search over the full-text index `message_text` (trigram tokenizer: any substring of
//! 3+ characters, case-insensitive; shorter keywords fall back to a scan of the index text).

use super::conversations;
use super::messages::{COLUMNS_OF_M, message_from_row};
use crate::conversation::Conversation;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::Message;
use rusqlite::{Connection, params};

/// How a keyword is matched against `message_text` (`s`), with `?1` bound to [`pattern`].
fn match_condition(keyword: &str) -> &'static str {
    if keyword.chars().count() >= 3 {
        "s.text MATCH ?1"
    } else {
        "s.text LIKE ?1 ESCAPE '\\'"
    }
}

/// The value bound to `?1` of [`match_condition`]: an FTS5 phrase (substring for the trigram
/// tokenizer), or a LIKE pattern.
fn pattern(keyword: &str) -> String {
    if keyword.chars().count() >= 3 {
        format!("\"{}\"", keyword.replace('"', "\"\""))
    } else {
        let escaped = keyword
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    }
}

/// Messages of one conversation matching `keyword`, sent before `before` (0 = latest), newest
/// first, at most `count`.
pub(crate) fn messages(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
    keyword: &str,
    before: i64,
    count: usize,
) -> ImResult<Vec<Message>> {
    let sql = format!(
        "SELECT {COLUMNS_OF_M} FROM message_text s JOIN messages m ON m.message_id = s.rowid \
         WHERE {} AND m.conversation_type = ?2 AND m.target_id = ?3 AND m.sent_time < ?4 \
         ORDER BY m.sent_time DESC, m.message_id DESC LIMIT {count}",
        match_condition(keyword)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            pattern(keyword),
            i32::from(kind),
            target_id,
            // "Latest" is an open upper bound, so that the index range stays usable.
            if before == 0 { i64::MAX } else { before },
        ],
        message_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Conversations (of `types`, `None` = all) with messages matching `keyword`, each with its
/// `match_count`, pinned first, then latest first.
pub(crate) fn conversations(
    conn: &Connection,
    keyword: &str,
    types: Option<&[ConversationType]>,
) -> ImResult<Vec<Conversation>> {
    let matches = format!(
        "SELECT m.conversation_type, m.target_id, count(*) AS match_count FROM message_text s \
         JOIN messages m ON m.message_id = s.rowid WHERE {} \
         GROUP BY m.conversation_type, m.target_id",
        match_condition(keyword)
    );
    conversations::with_matches(conn, &matches, [pattern(keyword)], types)
}
