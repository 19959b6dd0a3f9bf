//! Keyword search over the full-text index `message_text` (trigram tokenizer: any substring of
//! 3+ characters, case-insensitive; shorter keywords fall back to a scan of the index text),
//! plus the live messages still waiting to be indexed (`message_text_pending`), if any: for
//! a moment after messages arrive, the queries also scan those few rows.

use super::conversations;
use super::messages::{COLUMNS_OF_M, message_from_row};
use crate::conversation::Conversation;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::Message;
use rusqlite::{Connection, params};

/// Where matching messages (`m`) come from: the index by `?1` (see [`index_pattern`]), and,
/// when `pending`, the waiting messages by the LIKE pattern `?2`. (`CROSS JOIN` keeps SQLite
/// from scanning `messages` to probe the few waiting rows; `?2` is bound in both forms.)
fn matching_messages(keyword: &str, pending: bool) -> String {
    let indexed = if keyword.chars().count() >= 3 {
        "s.text MATCH ?1"
    } else {
        "s.text LIKE ?1 ESCAPE '\\'"
    };
    if !pending {
        return format!(
            "message_text s CROSS JOIN messages m ON m.message_id = s.rowid AND {indexed} AND ?2 IS NOT NULL"
        );
    }
    format!(
        "(SELECT s.rowid AS id FROM message_text s WHERE {indexed} \
         UNION ALL SELECT p.message_id FROM message_text_pending p \
         CROSS JOIN messages x ON x.message_id = p.message_id \
         WHERE imcore_searchable_text(x.object_name, x.content) LIKE ?2 ESCAPE '\\') h \
         CROSS JOIN messages m ON m.message_id = h.id"
    )
}

/// Whether live messages wait to be indexed.
fn pending(conn: &Connection) -> ImResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM message_text_pending)")?
        .query_row([], |r| r.get(0))?)
}

/// `?1` of [`matching_messages`]: an FTS5 phrase (a substring for the trigram tokenizer), or
/// the LIKE pattern for short keywords.
fn index_pattern(keyword: &str) -> String {
    if keyword.chars().count() >= 3 {
        format!("\"{}\"", keyword.replace('"', "\"\""))
    } else {
        like_pattern(keyword)
    }
}

/// `?2` of [`matching_messages`]: `%keyword%` with LIKE's wildcards escaped.
fn like_pattern(keyword: &str) -> String {
    let escaped = keyword
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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
        "SELECT {COLUMNS_OF_M} FROM {} \
         WHERE m.conversation_type = ?3 AND m.target_id = ?4 AND m.sent_time < ?5 \
         ORDER BY m.sent_time DESC, m.message_id DESC LIMIT {count}",
        matching_messages(keyword, pending(conn)?)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            index_pattern(keyword),
            like_pattern(keyword),
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
        "SELECT m.conversation_type, m.target_id, count(*) AS match_count FROM {} \
         GROUP BY m.conversation_type, m.target_id",
        matching_messages(keyword, pending(conn)?)
    );
    conversations::with_matches(
        conn,
        &matches,
        [index_pattern(keyword), like_pattern(keyword)],
        types,
    )
}
