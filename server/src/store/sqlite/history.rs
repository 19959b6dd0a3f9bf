//! Remote history: the persisted messages of one of a user's conversations, page by page,
//! without the ones that user deleted or cleared (see [`deletions`](super::deletions)).

use improto::kinds::conversation_type::GROUP;
use improto::{HistoryPage, InboxMessage};
use rusqlite::{Connection, params};

use super::group_history::group_page;
use super::message_view::read_message;
use super::page::{page_of, rows_for};
use super::{SqliteStore, StoreError};
use crate::store::Order;
use crate::store::UserConversation;

/// SQL for the messages of a conversation that its user still has, sent strictly between `?5`
/// and `?6`, at most `?9`, ordered by sent time `$order`: participants `?3` < `?4` of type `?2`
/// in app `?1`; the user `?7` sees the conversation as `?8`.
macro_rules! visible_messages_sql {
    ($order:literal) => {
        concat!(
            "SELECT ",
            message_columns_sql!(),
            " FROM messages m \
             WHERE m.app_key = ?1 AND m.conversation_type = ?2 \
               AND min(m.sender_id, m.target_id) = ?3 AND max(m.sender_id, m.target_id) = ?4 \
               AND m.persisted = 1 AND m.sent_time < ?6 \
               AND m.sent_time > max(?5, coalesce((SELECT cleared_through \
                 FROM cleared_conversations WHERE app_key = ?1 AND user_id = ?7 \
                 AND conversation_type = ?2 AND target_id = ?8), ?5)) \
               AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.app_key = ?1 \
                 AND d.user_id = ?7 AND d.message_uid = m.message_uid) \
             ORDER BY m.sent_time ",
            $order,
            " LIMIT ?9"
        )
    };
}

impl SqliteStore {
    /// Up to `count` messages of `conversation` its user still has, sent before `timestamp`
    /// (0: from the latest) newest first, or after it oldest first, fewer if more would not fit
    /// in one frame; and whether more follow. Messages come as the user sees them, with `seq` 0.
    pub(super) async fn history(
        &self,
        conversation: UserConversation,
        timestamp: i64,
        count: usize,
        order: Order,
    ) -> Result<HistoryPage, StoreError> {
        let (after, before) = match order {
            Order::NewestFirst if timestamp == 0 => (i64::MIN, i64::MAX),
            Order::NewestFirst => (i64::MIN, timestamp),
            Order::OldestFirst => (timestamp, i64::MAX),
        };
        self.read(move |conn| {
            let (messages, has_more) =
                visible_page(conn, &conversation, after, before, order, count)?;
            Ok(HistoryPage { messages, has_more })
        })
        .await
    }
}

/// Up to `count` messages of `conversation` its user still has, sent strictly between `after`
/// and `before`, in `order`, as the user sees them (`seq` 0), fewer if more would not fit in
/// one frame; and whether more follow.
pub(super) fn visible_page(
    conn: &Connection,
    conversation: &UserConversation,
    after: i64,
    before: i64,
    order: Order,
    count: usize,
) -> Result<(Vec<InboxMessage>, bool), StoreError> {
    if conversation.conversation_type == GROUP {
        return group_page(conn, conversation, after, before, order, count);
    }
    let mut stmt = conn.prepare_cached(match order {
        Order::NewestFirst => visible_messages_sql!("DESC"),
        Order::OldestFirst => visible_messages_sql!("ASC"),
    })?;
    let (low, high) = conversation.participants();
    let c = conversation;
    let rows = stmt.query_map(
        params![
            c.app_key,
            c.conversation_type,
            low,
            high,
            after,
            before,
            c.user_id,
            c.target_id,
            rows_for(count),
        ],
        |row| read_message(row, 0, &c.user_id, 0),
    )?;
    Ok(page_of(rows, count)?)
}
