//! Each user's conversation list, kept by the server (seed: built from messages, updated with
//! every message sent or received): one row per conversation with its latest persisted message.

use improto::{ConversationList, InboxMessage, RemoteConversation};
use rusqlite::{Connection, params};

use super::history::{Order, visible_messages};
use super::message_view::read_message;
use super::{Store, StoreError};

/// A conversation as one user sees it: `user_id`'s conversation of `conversation_type` with
/// `target_id` (the peer, for a private chat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserConversation {
    /// App of the user.
    pub app_key: String,
    /// Whose conversation it is.
    pub user_id: String,
    /// Conversation type (1 = private).
    pub conversation_type: i32,
    /// The conversation's id from the user's side.
    pub target_id: String,
}

impl UserConversation {
    /// The participants of the private conversation in the order the history index keys them:
    /// (lower id, higher id).
    pub(super) fn participants(&self) -> (&str, &str) {
        let (a, b) = (self.user_id.as_str(), self.target_id.as_str());
        if a <= b { (a, b) } else { (b, a) }
    }
}

impl Store {
    /// Up to `count` conversations of `user_id` whose latest message was sent before
    /// `before_time` (0: no bound), latest first, and whether more follow. Each carries the
    /// latest message the user still has (`seq` 0; none once they deleted all of them).
    pub async fn conversation_list(
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
                 LEFT JOIN messages m ON m.message_uid = c.latest_message_uid \
                 WHERE c.app_key = ?1 AND c.user_id = ?2 AND c.sent_time < ?3 \
                 ORDER BY c.sent_time DESC LIMIT ?4"
            ))?;
            let fetch = count.saturating_add(1) as i64;
            let rows = stmt.query_map(params![app_key, user_id, before, fetch], |row| {
                let has_latest = row.get::<_, Option<String>>(2)?.is_some();
                Ok(RemoteConversation {
                    conversation_type: row.get(0)?,
                    target_id: row.get(1)?,
                    latest_message: has_latest
                        .then(|| read_message(row, 2, &user_id, 0))
                        .transpose()?,
                })
            })?;
            let mut conversations = rows.collect::<Result<Vec<_>, _>>()?;
            let has_more = conversations.len() > count;
            conversations.truncate(count);
            Ok(ConversationList {
                conversations,
                has_more,
            })
        })
        .await
    }

    /// Removes `conversation` from its user's list (its messages stay; the next message in it
    /// puts it back). Queued at once; the future completes after the commit.
    pub fn remove_conversation(
        &self,
        conversation: UserConversation,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                let c = &conversation;
                tx.conn
                    .prepare_cached(
                        "DELETE FROM conversations WHERE app_key = ?1 AND user_id = ?2 \
                         AND conversation_type = ?3 AND target_id = ?4",
                    )?
                    .execute(params![
                        c.app_key,
                        c.user_id,
                        c.conversation_type,
                        c.target_id
                    ])?;
                Ok(())
            },
            |_| {},
        )
    }
}

/// Makes the persisted `message` (as stored: `target_id` the recipient) the latest of its
/// conversation in the lists of both participants (the same row twice for a message to
/// oneself), in one statement.
pub(super) fn record_latest(
    conn: &Connection,
    app_key: &str,
    message: &InboxMessage,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO conversations (app_key, user_id, conversation_type, target_id, \
         latest_message_uid, sent_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?1, ?4, ?3, ?2, ?5, ?6) \
         ON CONFLICT (app_key, user_id, conversation_type, target_id) DO UPDATE SET \
           latest_message_uid = excluded.latest_message_uid, sent_time = excluded.sent_time",
    )?
    .execute(params![
        app_key,
        message.sender_user_id,
        message.conversation_type,
        message.target_id,
        message.message_uid,
        message.sent_time
    ])?;
    Ok(())
}

/// Points `conversation` (if listed) at the latest message its user still has in it, after
/// deletions; with none left it keeps its place but has no latest message.
pub(super) fn refresh_latest(
    conn: &Connection,
    conversation: &UserConversation,
) -> Result<(), StoreError> {
    let latest = visible_messages(
        conn,
        conversation,
        i64::MIN,
        i64::MAX,
        Order::NewestFirst,
        1,
    )?;
    let latest = latest.first();
    let c = conversation;
    conn.prepare_cached(
        "UPDATE conversations SET latest_message_uid = ?5, sent_time = coalesce(?6, sent_time) \
         WHERE app_key = ?1 AND user_id = ?2 AND conversation_type = ?3 AND target_id = ?4",
    )?
    .execute(params![
        c.app_key,
        c.user_id,
        c.conversation_type,
        c.target_id,
        latest.map(|m| &m.message_uid),
        latest.map(|m| m.sent_time)
    ])?;
    Ok(())
}
