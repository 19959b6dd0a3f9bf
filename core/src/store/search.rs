//! Keyword search. Keywords of 3+ characters go through the full-text index `message_text`
//! (trigram tokenizer: any substring of 3+ characters, case-insensitive), plus the live
//! messages still waiting to be indexed (`message_text_pending`), if any: for a moment after
//! messages arrive, the queries also scan those few rows. Shorter keywords, which no trigram
//! holds, are compared with the text itself: inside one conversation along the conversation's
//! index `messages_by_conversation`, newest first until the page is full (what the
//! conversation's size costs, not the database's), across conversations over all the index
//! text. Every comparison folds case with `imcore_fold` ([`searchable::fold`]), over all of
//! Unicode as the trigram index does, so that case-insensitivity does not depend on the
//! keyword's length.

use super::conversations;
use super::messages::{COLUMNS_OF_M, message_from_row};
use super::searchable;
use crate::conversation::Conversation;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::Message;
use rusqlite::{Connection, params};

/// Whether the trigram index can find `keyword` (it has a whole trigram).
fn indexed(keyword: &str) -> bool {
    keyword.chars().count() >= 3
}

/// SQL condition: the text `expr` contains the keyword folded by [`searchable::fold`], `?2`.
fn contains(expr: &str) -> String {
    format!("instr(imcore_fold({expr}), ?2) > 0")
}

/// The searchable text of the message aliased `alias`, in SQL.
fn text_of(alias: &str) -> String {
    format!("imcore_searchable_text({alias}.object_name, {alias}.content)")
}

/// Where matching messages (`m`) come from: the index, by the phrase `?1` ([`phrase`]) or by
/// comparing its text with `?2` (the folded keyword) for short keywords, and, when `pending`, the
/// waiting messages compared with `?2`. (`CROSS JOIN` keeps SQLite from scanning `messages`
/// to probe the few waiting rows; `?2` is bound in every form.)
fn matching_messages(keyword: &str, pending: bool) -> String {
    let in_index = if indexed(keyword) {
        "s.text MATCH ?1".to_owned()
    } else {
        contains("s.text")
    };
    if !pending {
        return format!(
            "message_text s CROSS JOIN messages m ON m.message_id = s.rowid AND {in_index} AND ?2 IS NOT NULL"
        );
    }
    format!(
        "(SELECT s.rowid AS id FROM message_text s WHERE {in_index} \
         UNION ALL SELECT p.message_id FROM message_text_pending p \
         CROSS JOIN messages x ON x.message_id = p.message_id WHERE {}) h \
         CROSS JOIN messages m ON m.message_id = h.id",
        contains(&text_of("x"))
    )
}

/// Whether live messages wait to be indexed.
fn pending(conn: &Connection) -> ImResult<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM message_text_pending)")?
        .query_row([], |r| r.get(0))?)
}

/// `?1` of [`matching_messages`]: an FTS5 phrase (a substring for the trigram tokenizer).
fn phrase(keyword: &str) -> String {
    format!("\"{}\"", keyword.replace('"', "\"\""))
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
    let sql = messages_query(keyword, indexed(keyword) && pending(conn)?, count);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            phrase(keyword),
            searchable::fold(keyword),
            i32::from(kind),
            target_id,
            // "Latest" is an open upper bound, so that the index range stays usable.
            if before == 0 { i64::MAX } else { before },
        ],
        message_from_row,
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The query of [`messages`]: `?1` and `?2` as in [`matching_messages`], then the
/// conversation's type `?3` and id `?4`, and the bound `?5`. A short keyword walks the
/// conversation's messages (their text as it is now, so that waiting ones are found too) and
/// stops at the page's last match.
fn messages_query(keyword: &str, pending: bool, count: usize) -> String {
    let (source, condition) = if indexed(keyword) {
        (matching_messages(keyword, pending), String::new())
    } else {
        (
            "messages m".to_owned(),
            format!("AND {}", contains(&text_of("m"))),
        )
    };
    format!(
        "SELECT {COLUMNS_OF_M} FROM {source} \
         WHERE m.conversation_type = ?3 AND m.target_id = ?4 AND m.sent_time < ?5 {condition} \
         ORDER BY m.sent_time DESC, m.message_id DESC LIMIT {count}"
    )
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
        [phrase(keyword), searchable::fold(keyword)],
        types,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_keyword_walks_only_its_conversation_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::super::schema::open(&dir.path().join("imcore.db"))
            .unwrap()
            .conn;
        let plan: Vec<String> = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                messages_query("你好", false, 20)
            ))
            .unwrap()
            .query_map(params!["", "", 1, "ann", i64::MAX], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            plan,
            [
                "SEARCH m USING INDEX messages_by_conversation (conversation_type=? AND target_id=? AND sent_time<?)"
            ],
            "no other table, no sorting"
        );
    }
}
