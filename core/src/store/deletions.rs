//! Deleting messages by local id or UID, or a conversation's up to a time; their
//! conversations then show their latest remaining message, and the schema's delete trigger
//! drops their indexed text.

use super::conversations;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::MessageRef;
use rusqlite::{Connection, OptionalExtension, params};

/// Deletes messages by local id or UID; returns how many existed. Their conversations point at
/// their latest remaining message afterwards.
pub(crate) fn delete(conn: &mut Connection, which: &[MessageRef]) -> ImResult<usize> {
    let tx = conn.transaction()?;
    let mut touched = Vec::new();
    let mut deleted = 0;
    for one in which {
        let (column, key): (&str, &dyn rusqlite::ToSql) = match one {
            MessageRef::Id(id) => ("message_id", id),
            MessageRef::Uid(uid) => ("message_uid", uid),
        };
        let conversation: Option<(i32, String)> = tx
            .prepare_cached(&format!(
                "DELETE FROM messages WHERE {column} = ?1 RETURNING conversation_type, target_id"
            ))?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some(conversation) = conversation {
            deleted += 1;
            if !touched.contains(&conversation) {
                touched.push(conversation);
            }
        }
    }
    for (kind, target_id) in touched {
        conversations::refresh_latest(&tx, ConversationType::try_from(kind)?, &target_id)?;
    }
    tx.commit()?;
    Ok(deleted)
}

/// Deletes a conversation's messages sent at or before `before` (0 = all); returns how many.
pub(crate) fn clear_history(
    conn: &mut Connection,
    kind: ConversationType,
    target_id: &str,
    before: i64,
) -> ImResult<usize> {
    let tx = conn.transaction()?;
    let deleted = tx
        .prepare_cached(
            "DELETE FROM messages WHERE conversation_type = ?1 AND target_id = ?2 \
             AND (?3 = 0 OR sent_time <= ?3)",
        )?
        .execute(params![i32::from(kind), target_id, before])?;
    conversations::refresh_latest(&tx, kind, target_id)?;
    tx.commit()?;
    Ok(deleted)
}
