//! Remote deletion, per user (the other participant keeps their copy): deleting messages by UID
//! and clearing a conversation up to a time. Deleted messages never come back to that user: not
//! in history, not as a conversation's latest message, not in later inbox pulls (their inbox
//! entries go, so pulls skip those sequence numbers).

use improto::kinds::conversation_type::GROUP;
use rusqlite::{Connection, params};

use super::conversations::refresh_latest;
use super::{SqliteStore, StoreError};
use crate::store::UserConversation;

impl SqliteStore {
    /// Deletes, for `conversation`'s user, the messages of `message_uids` that belong to that
    /// conversation (others, and unknown UIDs, are ignored). Queued at once; the future
    /// completes after the commit.
    pub(super) fn delete_messages(
        &self,
        conversation: UserConversation,
        message_uids: Vec<String>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                let c = &conversation;
                if c.conversation_type == GROUP {
                    return delete_group_messages(tx.conn, c, &message_uids);
                }
                let (low, high) = c.participants();
                keep_sequence(tx.conn, c)?;
                let mut delete = tx.conn.prepare_cached(
                    "INSERT OR IGNORE INTO deleted_messages (app_key, user_id, message_uid) \
                     SELECT m.app_key, ?2, m.message_uid FROM messages m \
                     WHERE m.message_uid = ?3 AND m.app_key = ?1 AND m.conversation_type = ?4 \
                       AND min(m.sender_id, m.target_id) = ?5 \
                       AND max(m.sender_id, m.target_id) = ?6 AND m.persisted = 1",
                )?;
                let mut remove_entry = tx.conn.prepare_cached(
                    "DELETE FROM inbox WHERE app_key = ?1 AND user_id = ?2 AND message_uid = ?3",
                )?;
                for uid in &message_uids {
                    let deleted = delete.execute(params![
                        c.app_key,
                        c.user_id,
                        uid,
                        c.conversation_type,
                        low,
                        high
                    ])?;
                    if deleted > 0 {
                        remove_entry.execute(params![c.app_key, c.user_id, uid])?;
                    }
                }
                refresh_latest(tx.conn, c)
            },
            |_| {},
        )
    }

    /// Deletes, for `conversation`'s user, every message of it sent at or before
    /// `before_time`; 0, or a time after the latest message stored, means everything stored
    /// so far (later messages are never affected). Queued at once; the future completes after
    /// the commit.
    pub(super) fn clear_history(
        &self,
        conversation: UserConversation,
        before_time: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                let c = &conversation;
                let latest_stored = tx.clock.last();
                let through = match before_time {
                    0 => latest_stored,
                    t => t.min(latest_stored),
                };
                tx.conn
                    .prepare_cached(
                        "INSERT INTO cleared_conversations (app_key, user_id, conversation_type, \
                         target_id, cleared_through) VALUES (?1, ?2, ?3, ?4, ?5) \
                         ON CONFLICT (app_key, user_id, conversation_type, target_id) DO UPDATE \
                         SET cleared_through = max(cleared_through, excluded.cleared_through)",
                    )?
                    .execute(params![
                        c.app_key,
                        c.user_id,
                        c.conversation_type,
                        c.target_id,
                        through
                    ])?;
                if c.conversation_type == GROUP {
                    // A group has no inbox entries: its pulls and history read the clear.
                    return Ok(());
                }
                keep_sequence(tx.conn, c)?;
                // Only messages still in the inbox have entries: start at its oldest one.
                let (low, high) = c.participants();
                tx.conn
                    .prepare_cached(
                        "DELETE FROM inbox WHERE app_key = ?1 AND user_id = ?2 \
                         AND message_uid IN (SELECT m.message_uid FROM messages m \
                           WHERE m.app_key = ?1 AND m.conversation_type = ?3 \
                             AND min(m.sender_id, m.target_id) = ?4 \
                             AND max(m.sender_id, m.target_id) = ?5 AND m.persisted = 1 \
                             AND m.sent_time <= ?6 \
                             AND m.sent_time >= (SELECT o.sent_time FROM inbox i \
                               CROSS JOIN messages o ON o.message_uid = i.message_uid \
                               WHERE i.app_key = ?1 AND i.user_id = ?2 ORDER BY i.seq LIMIT 1))",
                    )?
                    .execute(params![
                        c.app_key,
                        c.user_id,
                        c.conversation_type,
                        low,
                        high,
                        through
                    ])?;
                refresh_latest(tx.conn, c)
            },
            |_| {},
        )
    }
}

/// Remembers the highest sequence handed out to `conversation`'s user before inbox entries are
/// removed, so that sequences keep growing even if the last entry goes.
fn keep_sequence(conn: &Connection, conversation: &UserConversation) -> Result<(), StoreError> {
    conn.prepare_cached(concat!(
        "INSERT INTO inbox_counters (app_key, user_id, last_seq) VALUES (?1, ?2, ",
        current_seq_sql!(),
        ") ON CONFLICT (app_key, user_id) DO UPDATE SET \
           last_seq = max(last_seq, excluded.last_seq)"
    ))?
    .execute(params![conversation.app_key, conversation.user_id])?;
    Ok(())
}

/// Deletes, for `c`'s user, the messages of `message_uids` that belong to the group `c`
/// (group messages have no inbox entries: pulls and history read the deletion).
fn delete_group_messages(
    conn: &Connection,
    c: &UserConversation,
    message_uids: &[String],
) -> Result<(), StoreError> {
    let mut delete = conn.prepare_cached(
        "INSERT OR IGNORE INTO deleted_messages (app_key, user_id, message_uid) \
         SELECT m.app_key, ?2, m.message_uid FROM messages m \
         WHERE m.message_uid = ?3 AND m.app_key = ?1 AND m.conversation_type = 3 \
           AND m.target_id = ?4",
    )?;
    for uid in message_uids {
        delete.execute(params![c.app_key, c.user_id, uid, c.target_id])?;
    }
    Ok(())
}
