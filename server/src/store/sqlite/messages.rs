//! Storing a sent message: idempotency, history, the inboxes of its recipients and of the
//! sender, and their conversation lists, in one job.

use improto::InboxMessage;
use rusqlite::{Connection, OptionalExtension, params};

use super::conversations::record_latest;
use super::message_view::seen_by;
use super::{SqliteStore, StoreError, WriteTx, quota};
use crate::store::{NewEntries, NewMessage, RecipientEntry, SendOutcome, UserConversation};
use crate::uid::new_message_uid;

impl SqliteStore {
    /// Stores `message` (see [`SendOutcome`]). The write is queued when this is called, so
    /// messages are stored in call order; the returned future yields the outcome after commit.
    pub(super) fn send_message(
        &self,
        message: NewMessage,
    ) -> impl Future<Output = Result<SendOutcome, StoreError>> + Send + use<> {
        self.writer
            .submit(move |tx| store_message(tx, message), |_| {})
    }

    /// Stores `message` like [`SqliteStore::send_message`], but hands the outcome to `complete`
    /// right after the commit (in commit order; `Ok` only once committed) instead of waking a
    /// task. If the writer is idle, the message is stored (and `complete` runs) before this
    /// returns, on the calling thread (see [`Writer::submit_eager`](super::Writer::submit_eager)).
    /// `complete` must not block or panic.
    pub(super) fn send_message_then<C>(&self, message: NewMessage, complete: C)
    where
        C: FnOnce(Result<SendOutcome, StoreError>) + Send + 'static,
    {
        self.writer
            .submit_eager(move |tx| store_message(tx, message), complete);
    }
}

/// The job body of [`SqliteStore::send_message`]: one `messages` row (content, idempotency key),
/// inbox entries referencing it, each recipient's and the sender's own (one for a message to
/// oneself), and, for history, the latest message of the conversation in each of their lists
/// (refused if it would open a conversation beyond the sender's quota).
fn store_message(tx: &mut WriteTx<'_>, mut m: NewMessage) -> Result<SendOutcome, StoreError> {
    if m.persisted {
        let conversation = UserConversation {
            app_key: m.app_key.clone(),
            user_id: m.sender_id.clone(),
            conversation_type: m.conversation_type,
            target_id: m.target_id.clone(),
        };
        if !quota::room_for(tx.conn, "conversations", &conversation, m.max_conversations)? {
            return Err(StoreError::QuotaExceeded("conversations"));
        }
    }
    let stored = match insert_message(tx, &mut m)? {
        Inserted::New(stored) => *stored,
        Inserted::Duplicate(first) => return Ok(first),
    };
    let mut recipients = Vec::with_capacity(m.recipients.len());
    for user_id in m.recipients {
        if user_id == stored.sender_user_id {
            continue;
        }
        let seq = append_to_inbox(tx.conn, &m.app_key, &user_id, &stored.message_uid)?;
        let entry = InboxMessage {
            seq,
            ..seen_by(&user_id, stored.clone())
        };
        if stored.persisted {
            record_latest(tx.conn, &m.app_key, &user_id, &entry)?;
        }
        recipients.push(RecipientEntry { user_id, entry });
    }
    if stored.persisted {
        record_latest(tx.conn, &m.app_key, &stored.sender_user_id, &stored)?;
    }
    let own_seq = append_to_inbox(
        tx.conn,
        &m.app_key,
        &stored.sender_user_id,
        &stored.message_uid,
    )?;
    Ok(SendOutcome::Stored(Box::new(NewEntries {
        recipients,
        own_entry: InboxMessage {
            seq: own_seq,
            ..stored
        },
    })))
}

/// What [`insert_message`] did.
pub(super) enum Inserted {
    /// Stored now: the message as stored (`seq` 0), seen by its sender.
    New(Box<InboxMessage>),
    /// A retry under an idempotency key already used: the first result, nothing stored.
    Duplicate(SendOutcome),
}

/// Inserts the row of `m`, stamped with the next sent time and a new UID, unless its sender
/// already used its idempotency key. Takes the content out of `m` for the stored message.
pub(super) fn insert_message(
    tx: &mut WriteTx<'_>,
    m: &mut NewMessage,
) -> Result<Inserted, StoreError> {
    let client_message_id = Some(m.client_message_id.as_str()).filter(|id| !id.is_empty());
    let sent_time = tx.clock.stamp();
    let message_uid = new_message_uid(sent_time);
    // A retry hits the idempotency index: nothing is inserted, and the first result is looked
    // up (one index probe in the common case instead of a lookup before every insert).
    let inserted = tx
        .conn
        .prepare_cached(
            "INSERT INTO messages (message_uid, app_key, sender_id, conversation_type, \
             target_id, object_name, content, sent_time, persisted, counted, client_message_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (app_key, sender_id, client_message_id) \
               WHERE client_message_id IS NOT NULL DO NOTHING",
        )?
        .execute(params![
            message_uid,
            m.app_key,
            m.sender_id,
            m.conversation_type,
            m.target_id,
            m.object_name,
            m.content,
            sent_time,
            m.persisted,
            m.counted,
            client_message_id,
        ])?;
    if inserted == 0 {
        let (message_uid, sent_time) = tx
            .conn
            .prepare_cached(
                "SELECT message_uid, sent_time FROM messages \
                 WHERE app_key = ?1 AND sender_id = ?2 AND client_message_id = ?3",
            )?
            .query_row(params![m.app_key, m.sender_id, client_message_id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?;
        return Ok(Inserted::Duplicate(SendOutcome::Duplicate {
            message_uid,
            sent_time,
        }));
    }
    Ok(Inserted::New(Box::new(InboxMessage {
        seq: 0,
        message_uid,
        conversation_type: m.conversation_type,
        target_id: m.target_id.clone(),
        sender_user_id: m.sender_id.clone(),
        object_name: m.object_name.clone(),
        content: std::mem::take(&mut m.content),
        sent_time,
        persisted: m.persisted,
        counted: m.counted,
        client_message_id: m.client_message_id.clone(),
        ..Default::default()
    })))
}

/// Appends an entry for `message_uid` to the inbox of `user_id`; returns its sequence number.
fn append_to_inbox(
    conn: &Connection,
    app_key: &str,
    user_id: &str,
    message_uid: &str,
) -> Result<u64, StoreError> {
    let seq: i64 = conn
        .prepare_cached(concat!(
            "INSERT INTO inbox (app_key, user_id, seq, message_uid) VALUES (?1, ?2, ",
            current_seq_sql!(),
            " + 1, ?3) RETURNING seq"
        ))?
        .query_row(params![app_key, user_id, message_uid], |row| row.get(0))?;
    Ok(seq as u64)
}

/// Highest `sent_time` ever stored, so the message clock never goes back across restarts
/// (UIDs start with the sent time, so the last one by UID is the latest).
pub(super) fn last_sent_time(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .query_row(
            "SELECT sent_time FROM messages ORDER BY message_uid DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0))
}
