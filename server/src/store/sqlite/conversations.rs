//! Each user's conversation list, kept by the server (seed: built from messages, updated with
//! every message sent or received): one row per conversation with the latest persisted message
//! the user has in it. A conversation whose messages the user all deleted leaves the list.

use improto::kinds::conversation_type::GROUP;
use improto::{ConversationList, InboxMessage, RemoteConversation};
use rusqlite::{Connection, params};

use super::group_history::{group_conversations, remove_group_conversation};
use super::history::visible_page;
use super::message_view::read_message;
use super::page::{page_of, rows_for};
use super::{SqliteStore, StoreError};
use crate::store::Order;
use crate::store::UserConversation;

impl SqliteStore {
    /// Up to `count` conversations of `user_id` whose latest message was sent before
    /// `before_time` (0: no bound), latest first, fewer if more would not fit in one frame;
    /// and whether more follow. Each carries the latest message the user still has there
    /// (`seq` 0), whose `sent_time` is the cursor for the next page.
    pub(super) async fn conversation_list(
        &self,
        app_key: String,
        user_id: String,
        count: usize,
        before_time: i64,
    ) -> Result<ConversationList, StoreError> {
        let before = if before_time == 0 {
            i64::MAX
        } else {
            before_time
        };
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(concat!(
                "SELECT c.conversation_type, c.target_id, ",
                message_columns_sql!(),
                " FROM conversations c \
                 JOIN messages m ON m.message_uid = c.latest_message_uid \
                 WHERE c.app_key = ?1 AND c.user_id = ?2 AND c.sent_time < ?3 \
                 ORDER BY c.sent_time DESC LIMIT ?4"
            ))?;
            let rows =
                stmt.query_map(params![app_key, user_id, before, rows_for(count)], |row| {
                    Ok(RemoteConversation {
                        conversation_type: row.get(0)?,
                        target_id: row.get(1)?,
                        latest_message: Some(read_message(row, 2, &user_id, 0)?),
                    })
                })?;
            // The private rows, merged with the user's groups' latest visible messages.
            let mut merged = rows.collect::<Result<Vec<_>, _>>()?;
            merged.extend(group_conversations(conn, &app_key, &user_id, before)?);
            merged.sort_by_key(|c| {
                std::cmp::Reverse(c.latest_message.as_ref().map_or(0, |m| m.sent_time))
            });
            let (conversations, has_more) = page_of(merged.into_iter().map(Ok), count)?;
            Ok(ConversationList {
                conversations,
                has_more,
            })
        })
        .await
    }

    /// Removes `conversation` from its user's list (its messages stay; the next message in it
    /// puts it back). Queued at once; the future completes after the commit.
    pub(super) fn remove_conversation(
        &self,
        conversation: UserConversation,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| match conversation.conversation_type {
                GROUP => remove_group_conversation(tx.conn, &conversation, tx.clock.last()),
                _ => remove(tx.conn, &conversation).map(drop),
            },
            |_| {},
        )
    }
}

/// Makes the persisted `message`, as `user_id` sees it, the latest of its conversation in
/// `user_id`'s list.
pub(super) fn record_latest(
    conn: &Connection,
    app_key: &str,
    user_id: &str,
    message: &InboxMessage,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO conversations (app_key, user_id, conversation_type, target_id, \
         latest_message_uid, sent_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (app_key, user_id, conversation_type, target_id) DO UPDATE SET \
           latest_message_uid = excluded.latest_message_uid, sent_time = excluded.sent_time",
    )?
    .execute(params![
        app_key,
        user_id,
        message.conversation_type,
        message.target_id,
        message.message_uid,
        message.sent_time
    ])?;
    Ok(())
}

/// Points `conversation` (if listed) at the latest message its user still has in it, after
/// deletions; with none left it leaves the list (until the next message in it). A group's
/// place in the list is read from its history, so there is nothing to do for one.
pub(super) fn refresh_latest(
    conn: &Connection,
    conversation: &UserConversation,
) -> Result<(), StoreError> {
    if conversation.conversation_type == GROUP {
        return Ok(());
    }
    let (latest, _) = visible_page(
        conn,
        conversation,
        i64::MIN,
        i64::MAX,
        Order::NewestFirst,
        1,
    )?;
    let c = conversation;
    match latest.first() {
        Some(m) => conn
            .prepare_cached(
                "UPDATE conversations SET latest_message_uid = ?5, sent_time = ?6 \
                 WHERE app_key = ?1 AND user_id = ?2 AND conversation_type = ?3 \
                   AND target_id = ?4",
            )?
            .execute(params![
                c.app_key,
                c.user_id,
                c.conversation_type,
                c.target_id,
                m.message_uid,
                m.sent_time
            ])?,
        None => remove(conn, c)?,
    };
    Ok(())
}

/// Deletes `conversation`'s row from its user's list.
fn remove(conn: &Connection, conversation: &UserConversation) -> Result<usize, StoreError> {
    let c = conversation;
    Ok(conn
        .prepare_cached(
            "DELETE FROM conversations WHERE app_key = ?1 AND user_id = ?2 \
             AND conversation_type = ?3 AND target_id = ?4",
        )?
        .execute(params![
            c.app_key,
            c.user_id,
            c.conversation_type,
            c.target_id
        ])?)
}
