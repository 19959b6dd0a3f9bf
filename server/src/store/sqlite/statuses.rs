//! Each user's conversation statuses (pin, do not disturb), shared by the user's devices: a
//! change takes the user's next `version`, and a device catches up on the changes after the
//! last version it applied.

use improto::{ConversationStatus, ConversationStatuses};
use rusqlite::{Connection, params};

use super::{SqliteStore, StoreError, quota};
use crate::store::StatusChange;
use crate::store::UserConversation;

/// Columns of a status row, in the order [`status_from_row`] reads them.
const COLUMNS: &str = "conversation_type, target_id, is_top, notification_status, version";

impl SqliteStore {
    /// Applies `change` to the user's status of `conversation` (creating it: not pinned,
    /// notifying) under the user's next version; resolves to the new status once committed.
    /// A new status beyond the user's `max_statuses` fails with [`StoreError::QuotaExceeded`].
    pub(super) fn set_conversation_status(
        &self,
        conversation: UserConversation,
        change: StatusChange,
        max_statuses: usize,
    ) -> impl Future<Output = Result<ConversationStatus, StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                if !quota::room_for(
                    tx.conn,
                    "conversation_statuses",
                    &conversation,
                    max_statuses,
                )? {
                    return Err(StoreError::QuotaExceeded("conversation statuses"));
                }
                set(tx.conn, &conversation, change)
            },
            |_| {},
        )
    }

    /// Up to `limit` of the user's statuses changed after version `after`, oldest change
    /// first, and whether more follow.
    pub(super) async fn conversation_statuses(
        &self,
        app_key: String,
        user_id: String,
        after: u64,
        limit: usize,
    ) -> Result<ConversationStatuses, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM conversation_statuses \
                 WHERE app_key = ?1 AND user_id = ?2 AND version > ?3 ORDER BY version LIMIT ?4"
            ))?;
            let after = i64::try_from(after).unwrap_or(i64::MAX);
            let rows = stmt.query_map(
                params![app_key, user_id, after, limit as i64 + 1],
                status_from_row,
            )?;
            let mut statuses = rows.collect::<Result<Vec<_>, _>>()?;
            let has_more = statuses.len() > limit;
            statuses.truncate(limit);
            Ok(ConversationStatuses { statuses, has_more })
        })
        .await
    }
}

fn set(
    conn: &Connection,
    c: &UserConversation,
    change: StatusChange,
) -> Result<ConversationStatus, StoreError> {
    let sql = format!(
        "INSERT INTO conversation_statuses (app_key, user_id, conversation_type, target_id, \
           is_top, notification_status, version) \
         VALUES (?1, ?2, ?3, ?4, coalesce(?5, 0), coalesce(?6, 2), \
           (SELECT coalesce(max(version), 0) + 1 FROM conversation_statuses \
            WHERE app_key = ?1 AND user_id = ?2)) \
         ON CONFLICT (app_key, user_id, conversation_type, target_id) DO UPDATE SET \
           is_top = coalesce(?5, is_top), \
           notification_status = coalesce(?6, notification_status), \
           version = excluded.version \
         RETURNING {COLUMNS}"
    );
    Ok(conn.prepare_cached(&sql)?.query_row(
        params![
            c.app_key,
            c.user_id,
            c.conversation_type,
            c.target_id,
            change.is_top,
            change.notification_status,
        ],
        status_from_row,
    )?)
}

fn status_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ConversationStatus> {
    Ok(ConversationStatus {
        conversation_type: row.get(0)?,
        target_id: row.get(1)?,
        is_top: row.get(2)?,
        notification_status: row.get(3)?,
        version: row.get::<_, i64>(4)? as u64,
    })
}
