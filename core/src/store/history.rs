//! History pages of a conversation, read from the local database.

use super::messages::{COLUMNS, message_from_row};
use crate::enums::{ConversationType, HistoryOrder};
use crate::error::ImResult;
use crate::message::Message;
use rusqlite::{Connection, params};

/// One page of history.
pub(crate) struct HistoryQuery {
    pub conversation_type: ConversationType,
    pub target_id: String,
    /// Cursor in ms; 0 means "latest".
    pub timestamp: i64,
    pub count: usize,
    pub order: HistoryOrder,
    /// Only messages of this ObjectName, when set.
    pub object_name: Option<String>,
}

/// One page of a conversation's history in ascending time order, and whether more exist
/// beyond it in the direction of the query.
pub(crate) fn history(conn: &Connection, q: &HistoryQuery) -> ImResult<(Vec<Message>, bool)> {
    let (condition, direction) = match q.order {
        // "Latest" is an open upper bound, so that the index range stays usable.
        HistoryOrder::Older => ("sent_time < ?3", "DESC"),
        HistoryOrder::Newer => ("sent_time > ?3", "ASC"),
    };
    // The limit is part of the SQL: SQLite plans a literal LIMIT better than a bound one
    // (about twice as fast for a page), and counts are validated small integers.
    let of_type = if q.object_name.is_some() {
        " AND object_name = ?4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_type = ?1 AND target_id = ?2 AND {condition}{of_type} \
         ORDER BY sent_time {direction}, message_id {direction} LIMIT {}",
        q.count + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let cursor = match (q.order, q.timestamp) {
        (HistoryOrder::Older, 0) => i64::MAX,
        (_, timestamp) => timestamp,
    };
    let kind = i32::from(q.conversation_type);
    let rows = match &q.object_name {
        Some(name) => stmt.query_map(params![kind, q.target_id, cursor, name], message_from_row),
        None => stmt.query_map(params![kind, q.target_id, cursor], message_from_row),
    }?;
    let mut list = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = list.len() > q.count;
    list.truncate(q.count);
    if q.order == HistoryOrder::Older {
        list.reverse();
    }
    Ok((list, has_more))
}
