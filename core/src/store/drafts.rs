//! Text drafts per conversation, kept across restarts (the seed's Web SDK lost them on refresh).

use crate::enums::ConversationType;
use crate::error::ImResult;
use rusqlite::{Connection, OptionalExtension, params};

/// Saves (replaces) the draft of a conversation.
pub(crate) fn save(
    conn: &Connection,
    kind: ConversationType,
    target_id: &str,
    draft: &str,
    now: i64,
) -> ImResult<()> {
    conn.prepare_cached(
        "INSERT INTO drafts (conversation_type, target_id, draft, saved_time) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (conversation_type, target_id) DO UPDATE SET draft = excluded.draft, saved_time = excluded.saved_time",
    )?
    .execute(params![i32::from(kind), target_id, draft, now])?;
    Ok(())
}

/// The draft of a conversation, empty when there is none.
pub(crate) fn get(conn: &Connection, kind: ConversationType, target_id: &str) -> ImResult<String> {
    let draft = conn
        .prepare_cached("SELECT draft FROM drafts WHERE conversation_type = ?1 AND target_id = ?2")?
        .query_row(params![i32::from(kind), target_id], |r| {
            r.get::<_, String>(0)
        })
        .optional()?;
    Ok(draft.unwrap_or_default())
}

/// Removes the draft of a conversation.
pub(crate) fn clear(conn: &Connection, kind: ConversationType, target_id: &str) -> ImResult<()> {
    conn.prepare_cached("DELETE FROM drafts WHERE conversation_type = ?1 AND target_id = ?2")?
        .execute(params![i32::from(kind), target_id])?;
    Ok(())
}
