//! A group's remote history and its place in a member's conversation list: the group's
//! persisted messages the member may see (see [`visible_to_member_sql!`]), read from the group's
//! history index; nothing is written per member per message.

use improto::kinds::conversation_type::GROUP;
use improto::{InboxMessage, RemoteConversation};
use rusqlite::{Connection, params};

use super::StoreError;
use super::groups::visible_to_member_sql;
use super::message_view::read_message;
use super::page::{page_of, rows_for};
use crate::store::{Order, UserConversation};

/// SQL for the persisted messages of group `?2` (app `?1`) that user `?3` may see, sent strictly
/// between `?4` and `?5`, at most `?6`, by sent time `$order`.
macro_rules! group_history_sql {
    ($order:literal) => {
        concat!(
            "SELECT ",
            message_columns_sql!(),
            " FROM messages m INDEXED BY messages_by_group \
             CROSS JOIN group_log l ON l.message_uid = m.message_uid \
             WHERE m.app_key = ?1 AND m.target_id = ?2 AND m.conversation_type = 3 \
               AND m.persisted = 1 AND m.sent_time > ?4 AND m.sent_time < ?5 AND ",
            visible_to_member_sql!(),
            " ORDER BY m.sent_time ",
            $order,
            " LIMIT ?6"
        )
    };
}

/// Up to `count` messages of the group conversation `c` its user may see, sent strictly
/// between `after` and `before`, in `order` (`seq` 0); and whether more follow.
pub(super) fn group_page(
    conn: &Connection,
    c: &UserConversation,
    after: i64,
    before: i64,
    order: Order,
    count: usize,
) -> Result<(Vec<InboxMessage>, bool), StoreError> {
    let mut stmt = conn.prepare_cached(match order {
        Order::NewestFirst => group_history_sql!("DESC"),
        Order::OldestFirst => group_history_sql!("ASC"),
    })?;
    let rows = stmt.query_map(
        params![
            c.app_key,
            c.target_id,
            c.user_id,
            after,
            before,
            rows_for(count)
        ],
        |row| read_message(row, 0, &c.user_id, 0),
    )?;
    Ok(page_of(rows, count)?)
}

/// The user's group conversations whose latest message they may see (sent after they last
/// removed the conversation) was sent before `before`, each with that message.
pub(super) fn group_conversations(
    conn: &Connection,
    app_key: &str,
    user_id: &str,
    before: i64,
) -> Result<Vec<RemoteConversation>, StoreError> {
    let groups: Vec<(String, i64)> = conn
        .prepare_cached(
            "SELECT DISTINCT p.group_id, coalesce(r.removed_through, -9223372036854775808) \
             FROM group_members p LEFT JOIN group_conversation_removals r \
               ON r.app_key = p.app_key AND r.user_id = p.user_id AND r.group_id = p.group_id \
             WHERE p.app_key = ?1 AND p.user_id = ?2",
        )?
        .query_map(params![app_key, user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut conversations = Vec::new();
    for (group_id, removed_through) in groups {
        let conversation = UserConversation {
            app_key: app_key.to_owned(),
            user_id: user_id.to_owned(),
            conversation_type: GROUP,
            target_id: group_id,
        };
        // The group's latest message decides its place, as a private conversation's row does.
        let (latest, _) = group_page(
            conn,
            &conversation,
            removed_through,
            i64::MAX,
            Order::NewestFirst,
            1,
        )?;
        if let Some(latest) = latest.into_iter().next().filter(|m| m.sent_time < before) {
            conversations.push(RemoteConversation {
                conversation_type: GROUP,
                target_id: conversation.target_id,
                latest_message: Some(latest),
            });
        }
    }
    Ok(conversations)
}

/// Hides the group conversation `c` from its user's list until a message sent after now.
pub(super) fn remove_group_conversation(
    conn: &Connection,
    c: &UserConversation,
    through: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO group_conversation_removals (app_key, user_id, group_id, removed_through) \
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (app_key, user_id, group_id) DO UPDATE SET \
           removed_through = max(removed_through, excluded.removed_through)",
    )?
    .execute(params![c.app_key, c.user_id, c.target_id, through])?;
    Ok(())
}
