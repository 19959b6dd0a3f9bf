//! Per-user quotas of rows keyed by conversation (conversation statuses, the conversation
//! list): a user may have a row for a new conversation only while having fewer than the quota.

use rusqlite::{Connection, params};

use super::StoreError;
use crate::store::UserConversation;

/// Whether `c`'s user may keep a row of `c` in `table` (keyed by app key, user id,
/// conversation type and target id): it has one already, or fewer than `max`.
pub(super) fn room_for(
    conn: &Connection,
    table: &'static str,
    c: &UserConversation,
    max: usize,
) -> Result<bool, StoreError> {
    let kept: bool = conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM {table} WHERE app_key = ?1 AND user_id = ?2 \
             AND conversation_type = ?3 AND target_id = ?4)"
        ))?
        .query_row(
            params![c.app_key, c.user_id, c.conversation_type, c.target_id],
            |r| r.get(0),
        )?;
    if kept {
        return Ok(true);
    }
    // Counts at most `max` rows, of the user's range of the primary key.
    let count: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM {table} \
             WHERE app_key = ?1 AND user_id = ?2 LIMIT ?3)"
        ))?
        .query_row(
            params![c.app_key, c.user_id, i64::try_from(max).unwrap_or(i64::MAX)],
            |r| r.get(0),
        )?;
    Ok((count as usize) < max)
}
