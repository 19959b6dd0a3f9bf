//! Messages the app writes locally: inserts that are never sent (seed `insertMessage`), and
//! changes to a stored message's content and statuses (the schema's update trigger re-indexes
//! changed text).

use super::conversations::{self, Arrival};
use super::messages::get;
use super::searchable::{self, Indexing};
use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::Message;
use rusqlite::{Connection, params};

/// A message the app stores locally without sending it (seed `insertMessage`).
pub(crate) struct LocalMessage {
    pub conversation_type: ConversationType,
    pub target_id: String,
    pub sender_user_id: String,
    pub direction: MessageDirection,
    pub object_name: String,
    pub content: String,
    pub sent_status: SentStatus,
    pub received_status: i32,
    pub sent_time: i64,
}

/// Stores a message that exists only on this device (seed `insertMessage`); it shows in its
/// conversation but never counts as unread.
pub(crate) fn insert_local(conn: &mut Connection, m: &LocalMessage) -> ImResult<Message> {
    let tx = conn.transaction()?;
    tx.prepare_cached(
        "INSERT INTO messages (conversation_type, target_id, sender_user_id, direction, object_name, \
         content, sent_time, sent_status, received_status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        i32::from(m.conversation_type),
        m.target_id,
        m.sender_user_id,
        i32::from(m.direction),
        m.object_name,
        m.content,
        m.sent_time,
        i32::from(m.sent_status),
        m.received_status,
    ])?;
    let message_id = tx.last_insert_rowid();
    searchable::add(&tx, message_id, &m.object_name, &m.content, Indexing::Now)?;
    conversations::record(
        &tx,
        &Arrival {
            conversation_type: m.conversation_type,
            target_id: &m.target_id,
            message_id,
            sent_time: m.sent_time,
            unread: false,
            mentioned: false,
            reveal: true,
        },
    )?;
    let message = get(&tx, message_id)?.expect("row just inserted");
    tx.commit()?;
    Ok(message)
}

/// Replaces a message's content (JSON); false if there is no such message.
pub(crate) fn set_content(conn: &Connection, message_id: i64, content: &str) -> ImResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE messages SET content = ?2 WHERE message_id = ?1")?
        .execute(params![message_id, content])?
        > 0)
}

/// Sets a message's received-status flags; false if there is no such message.
pub(crate) fn set_received_status(
    conn: &Connection,
    message_id: i64,
    status: i32,
) -> ImResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE messages SET received_status = ?2 WHERE message_id = ?1")?
        .execute(params![message_id, status])?
        > 0)
}

/// Sets a message's sent status; false if there is no such message.
pub(crate) fn set_sent_status(
    conn: &Connection,
    message_id: i64,
    status: SentStatus,
) -> ImResult<bool> {
    Ok(conn
        .prepare_cached("UPDATE messages SET sent_status = ?2 WHERE message_id = ?1")?
        .execute(params![message_id, i32::from(status)])?
        > 0)
}
