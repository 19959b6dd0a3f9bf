//! Text drafts per conversation, kept across restarts (the seed's Web SDK lost them on refresh).

use crate::conversation::Draft;
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

/// At most `count` drafts in key order (conversation type, then id), those after `after`
/// only when given: one page of every saved draft.
pub(crate) fn page(
    conn: &Connection,
    after: Option<(ConversationType, &str)>,
    count: usize,
) -> ImResult<Vec<Draft>> {
    let (kind, target_id) = after.map_or((i32::MIN, ""), |(k, t)| (i32::from(k), t));
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_type, target_id, draft FROM drafts \
         WHERE (conversation_type, target_id) > (?1, ?2) \
         ORDER BY conversation_type, target_id LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![kind, target_id, count as i64], |r| {
        Ok((r.get::<_, i32>(0)?, r.get(1)?, r.get(2)?))
    })?;
    let mut drafts = Vec::new();
    for row in rows {
        let (kind, target_id, draft) = row?;
        drafts.push(Draft {
            conversation_type: ConversationType::try_from(kind)?,
            target_id,
            draft,
        });
    }
    Ok(drafts)
}

/// Removes the draft of a conversation.
pub(crate) fn clear(conn: &Connection, kind: ConversationType, target_id: &str) -> ImResult<()> {
    conn.prepare_cached("DELETE FROM drafts WHERE conversation_type = ?1 AND target_id = ?2")?
        .execute(params![i32::from(kind), target_id])?;
    Ok(())
}
