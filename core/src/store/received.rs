//! Messages from the server: inbox deliveries, stored in sequence with the inbox cursor and
//! announced (messages from others count as unread and mentions by their type's flags), and
//! pages of cloud history or of the server's conversation list, stored without being news.
//! The user's own messages among them are matched by idempotency key ([`super::sent`]).

use super::conversations::{self, Arrival};
use super::messages::get_by_uid;
use super::searchable::{self, Indexing};
use super::sent::{OwnSent, store_own};
use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::{Content, Message, mentions};
use crate::message_types::message_type_name;
use crate::send_options;
use improto::MessageOptions;
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// A message from the server's inbox.
pub(crate) struct IncomingMessage {
    pub message_uid: String,
    pub conversation_type: ConversationType,
    pub target_id: String,
    pub sender_user_id: String,
    pub object_name: String,
    pub content: String,
    pub sent_time: i64,
    pub persisted: bool,
    pub counted: bool,
    /// Set on the current user's own messages (sent from any of their devices).
    pub client_message_id: String,
    /// Its sending options.
    pub options: Option<MessageOptions>,
}

impl IncomingMessage {
    /// The message as announced without reading it back: stored as `message_id` (0: not
    /// stored), the current user's own if `own`, else received at `received_time`.
    pub(crate) fn to_message(&self, message_id: i64, own: bool, received_time: i64) -> Message {
        let mut message = Message {
            conversation_type: self.conversation_type,
            target_id: self.target_id.clone(),
            sender_user_id: self.sender_user_id.clone(),
            content: Content::from_json(&self.content),
            message_type: message_type_name(&self.object_name),
            object_name: self.object_name.clone(),
            message_id,
            message_uid: self.message_uid.clone(),
            message_direction: if own {
                MessageDirection::Send
            } else {
                MessageDirection::Receive
            },
            offline_message: false,
            sent_status: SentStatus::Sent,
            sent_time: self.sent_time,
            received_status: 0,
            received_time: if own { 0 } else { received_time },
            disable_notification: false,
            push_config: None,
            is_mentioned: false,
            is_status_message: false,
        };
        send_options::show(&mut message, self.options.as_ref());
        message
    }
}

/// The highest inbox sequence number stored.
pub(crate) fn inbox_seq(conn: &Connection) -> ImResult<u64> {
    Ok(
        conn.query_row("SELECT inbox_seq FROM sync_state WHERE id = 1", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// Follows the server's inbox epoch `epoch` (0: the server has none): when it differs from the
/// one the cursor counts in, the server's store went back in time and may reuse sequence
/// numbers, so the inbox cursor (with the status cursor and every group's cursor) goes back
/// to 0 and everything is pulled again (what is already stored is recognised by its UID and
/// not announced again). True when the cursors were reset.
pub(crate) fn follow_epoch(conn: &Connection, epoch: u64) -> ImResult<bool> {
    if epoch == 0 {
        return Ok(false);
    }
    let known = conn.query_row("SELECT inbox_epoch FROM sync_state WHERE id = 1", [], |r| {
        r.get::<_, i64>(0)
    })? as u64;
    if known == epoch {
        return Ok(false);
    }
    // First sight (a new database, or one from before epochs): nothing to resync.
    let reset = known != 0;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE sync_state SET inbox_epoch = ?1, \
           inbox_seq = CASE WHEN ?2 THEN 0 ELSE inbox_seq END, \
           status_cursor = CASE WHEN ?2 THEN 0 ELSE status_cursor END WHERE id = 1",
        rusqlite::params![epoch as i64, reset],
    )?;
    if reset {
        tx.execute("DELETE FROM group_cursors", [])?;
    }
    tx.commit()?;
    Ok(reset)
}

/// Whether no message from the server is stored (a new device or a rebuilt database; local
/// inserts do not count).
pub(crate) fn holds_no_server_message(conn: &Connection) -> ImResult<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM messages WHERE message_uid IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// Stores a contiguous batch of inbox entries ending at `up_to_seq`, in one transaction with
/// the cursor, and returns the messages to announce: new ones from others, and the current
/// user's own messages sent from another device. A message already stored is not announced
/// again; messages that are not persisted are announced (id 0) but not stored.
pub(crate) fn store_incoming(
    conn: &mut Connection,
    batch: &[IncomingMessage],
    up_to_seq: u64,
    offline: bool,
    received_time: i64,
    me: &str,
) -> ImResult<Vec<Message>> {
    let tx = conn.transaction()?;
    let changes_before = tx.total_changes();
    let announce = store_batch(&tx, batch, offline, received_time, me)?;
    // A batch that changed nothing (typically the echo of a message sent from here) leaves the
    // stored cursor behind by up to CURSOR_SLACK entries rather than costing a commit: after a
    // crash they are pulled again and skipped as duplicates. A message announced without being
    // stored (a command) is not recognisable later, so its batch moves the cursor at once.
    let announced_unstored = announce.iter().any(|m| m.message_id == 0);
    let changed = tx.total_changes() > changes_before || announced_unstored;
    if changed || up_to_seq >= inbox_seq(&tx)? + CURSOR_SLACK {
        tx.prepare_cached("UPDATE sync_state SET inbox_seq = max(inbox_seq, ?1) WHERE id = 1")?
            .execute([up_to_seq as i64])?;
        tx.commit()?;
    }
    Ok(announce)
}

/// The stored cursor of every group stream (groups not listed are at 0).
pub(crate) fn group_cursors(conn: &Connection) -> ImResult<HashMap<String, u64>> {
    let mut statement = conn.prepare("SELECT group_id, seq FROM group_cursors")?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Stores messages of the group stream `group_id` with the group's cursor moved to
/// `through_seq`, in one transaction, and returns the messages to announce (as
/// [`store_incoming`] does).
pub(crate) fn store_group_incoming(
    conn: &mut Connection,
    group_id: &str,
    batch: &[IncomingMessage],
    through_seq: u64,
    offline: bool,
    received_time: i64,
    me: &str,
) -> ImResult<Vec<Message>> {
    let tx = conn.transaction()?;
    let announce = store_batch(&tx, batch, offline, received_time, me)?;
    tx.prepare_cached(
        "INSERT INTO group_cursors (group_id, seq) VALUES (?1, ?2) \
         ON CONFLICT (group_id) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![group_id, through_seq as i64])?;
    tx.commit()?;
    Ok(announce)
}

/// Stores delivered messages inside the caller's transaction; the messages to announce.
fn store_batch(
    tx: &Connection,
    batch: &[IncomingMessage],
    offline: bool,
    received_time: i64,
    me: &str,
) -> ImResult<Vec<Message>> {
    // A pull batch shares one index flush; live messages come one commit at a time.
    let indexing = if offline {
        Indexing::Now
    } else {
        Indexing::Soon
    };
    let mut announce = Vec::with_capacity(batch.len());
    for m in batch {
        let own = m.sender_user_id == me;
        let stored = if !m.persisted {
            Some(0)
        } else if own {
            let own = OwnSent::of_incoming(m, true, indexing);
            let (message_id, new) = store_own(tx, &own)?;
            new.then_some(message_id)
        } else {
            store_received(tx, m, (offline, received_time), me, true, indexing)?
        };
        if let Some(message_id) = stored {
            let mut message = m.to_message(message_id, own, received_time);
            message.offline_message = offline && !own;
            message.is_mentioned = !own && mentions(m.conversation_type, &m.content, me);
            announce.push(message);
        }
    }
    Ok(announce)
}

/// How far the stored inbox cursor may trail entries that changed nothing.
const CURSOR_SLACK: u64 = 256;

/// Stores a persisted message from someone else; its local id, or `None` if already stored.
fn store_received(
    conn: &Connection,
    m: &IncomingMessage,
    (offline, received_time): (bool, i64),
    me: &str,
    live: bool,
    indexing: Indexing,
) -> ImResult<Option<i64>> {
    let mentioned = mentions(m.conversation_type, &m.content, me);
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
             object_name, content, sent_time, sent_status, received_time, offline, options, \
             mentioned) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            m.message_uid,
            i32::from(m.conversation_type),
            m.target_id,
            m.sender_user_id,
            i32::from(MessageDirection::Receive),
            m.object_name,
            m.content,
            m.sent_time,
            i32::from(SentStatus::Sent),
            received_time,
            offline,
            send_options::encode(m.options.as_ref()),
            mentioned,
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let message_id = conn.last_insert_rowid();
    searchable::add(conn, message_id, &m.object_name, &m.content, indexing)?;
    conversations::record(
        conn,
        &Arrival {
            conversation_type: m.conversation_type,
            target_id: &m.target_id,
            message_id,
            sent_time: m.sent_time,
            unread: live && m.counted,
            mentioned: live && mentioned,
            reveal: live,
        },
    )?;
    Ok(Some(message_id))
}

/// Stores messages fetched from the server's cloud history (or a conversation list), which
/// are not news: no unread count, no announcement, and a removed conversation stays removed
/// unless `reveal`. Returns each message as stored, in the given order.
pub(crate) fn store_history(
    conn: &mut Connection,
    batch: &[IncomingMessage],
    me: &str,
    reveal: bool,
) -> ImResult<Vec<Message>> {
    let tx = conn.transaction()?;
    let mut stored = Vec::with_capacity(batch.len());
    for m in batch.iter().filter(|m| m.persisted) {
        if m.sender_user_id == me {
            store_own(&tx, &OwnSent::of_incoming(m, reveal, Indexing::Now))?;
        } else if store_received(&tx, m, (false, 0), me, false, Indexing::Now)?.is_some() && reveal
        {
            tx.prepare_cached(
                "UPDATE conversations SET hidden = 0 WHERE conversation_type = ?1 AND target_id = ?2",
            )?
            .execute(params![i32::from(m.conversation_type), m.target_id])?;
        }
        if let Some(message) = get_by_uid(&tx, &m.message_uid)? {
            stored.push(message);
        }
    }
    tx.commit()?;
    Ok(stored)
}
