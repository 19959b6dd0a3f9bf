//! Messages the app writes locally: inserts that are never sent (seed `insertMessage`, and
//! `insertMessages` for imports), and changes to a stored message's content and statuses (the
//! schema's update trigger re-indexes changed text).

use super::conversations::{self, Arrival};
use super::messages::{get, get_by_uid};
use super::searchable::{self, Indexing};
use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::{Message, mentions};
use crate::message_types;
use rusqlite::{Connection, params};

/// A message the app stores locally without sending it (seed `insertMessage`).
pub(crate) struct LocalMessage {
    /// The server's id of an imported message.
    pub message_uid: Option<String>,
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

/// The received-status flag of a message that was read (seed `ReceivedStatus.READ`).
const READ: i32 = 1;

/// Stores messages that the server did not deliver here (seed `insertMessage`, imports), all
/// or none, in one transaction; each shows in its conversation. With `count_unread`, a
/// received message of a counted type whose received status lacks READ counts as unread (and
/// its @-mention of the current user as a mention), as the server's delivery of it would.
/// A message whose UID is already stored is not stored again: the stored one takes its place
/// in the answer, which lists the messages in the given order.
pub(crate) fn insert_local(
    conn: &mut Connection,
    batch: &[LocalMessage],
    count_unread: bool,
) -> ImResult<Vec<Message>> {
    let tx = conn.transaction()?;
    let me: Option<String> = tx
        .prepare_cached("SELECT owner_user_id FROM sync_state WHERE id = 1")?
        .query_row([], |r| r.get(0))?;
    let mut stored = Vec::with_capacity(batch.len());
    for m in batch {
        let received = m.direction == MessageDirection::Receive;
        let mentioned = received
            && me
                .as_deref()
                .is_some_and(|me| mentions(m.conversation_type, &m.content, me));
        let inserted = tx
            .prepare_cached(
                "INSERT INTO messages (message_uid, conversation_type, target_id, \
                 sender_user_id, direction, object_name, content, sent_time, sent_status, \
                 received_status, mentioned) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (message_uid) DO NOTHING",
            )?
            .execute(params![
                m.message_uid,
                i32::from(m.conversation_type),
                m.target_id,
                m.sender_user_id,
                i32::from(m.direction),
                m.object_name,
                m.content,
                m.sent_time,
                i32::from(m.sent_status),
                m.received_status,
                mentioned,
            ])?;
        if inserted == 0 {
            let uid = m.message_uid.as_deref().expect("only a UID conflicts");
            stored.push(get_by_uid(&tx, uid)?.expect("the stored message it conflicts with"));
            continue;
        }
        let message_id = tx.last_insert_rowid();
        searchable::add(&tx, message_id, &m.object_name, &m.content, Indexing::Now)?;
        let counted = count_unread && received && m.received_status & READ == 0;
        conversations::record(
            &tx,
            &Arrival {
                conversation_type: m.conversation_type,
                target_id: &m.target_id,
                message_id,
                sent_time: m.sent_time,
                unread: counted
                    && message_types::by_object_name(&m.object_name).is_some_and(|t| t.counted),
                mentioned: counted && mentioned,
                reveal: true,
            },
        )?;
        stored.push(get(&tx, message_id)?.expect("row just inserted"));
    }
    tx.commit()?;
    Ok(stored)
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
