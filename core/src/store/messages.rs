//! Reading and writing messages and the inbox cursor.

use crate::enums::{ConversationType, HistoryOrder, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::Message;
use crate::message_types::message_type_name;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A message the current user is about to send.
pub(crate) struct OutgoingMessage {
    pub conversation_type: ConversationType,
    pub target_id: String,
    pub sender_user_id: String,
    pub object_name: String,
    pub content: String,
    pub client_message_id: String,
    pub local_time: i64,
}

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
}

/// One page of history.
pub(crate) struct HistoryQuery {
    pub conversation_type: ConversationType,
    pub target_id: String,
    /// Cursor in ms; 0 means "latest".
    pub timestamp: i64,
    pub count: usize,
    pub order: HistoryOrder,
}

const COLUMNS: &str = "message_id, message_uid, conversation_type, target_id, sender_user_id, direction, \
     object_name, content, sent_time, sent_status, received_status, received_time, offline";

/// Message content as JSON; content that is not JSON is kept as a string.
fn parse_content(content: &str) -> serde_json::Value {
    serde_json::from_str(content).unwrap_or_else(|_| serde_json::Value::String(content.to_owned()))
}

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let object_name: String = row.get(6)?;
    let content: String = row.get(7)?;
    let conversion = |i: usize, e: crate::error::ImError| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Integer, Box::new(e))
    };
    Ok(Message {
        message_id: row.get(0)?,
        message_uid: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
        conversation_type: ConversationType::try_from(row.get::<_, i32>(2)?)
            .map_err(|e| conversion(2, e))?,
        target_id: row.get(3)?,
        sender_user_id: row.get(4)?,
        message_direction: MessageDirection::try_from(row.get::<_, i32>(5)?)
            .map_err(|e| conversion(5, e))?,
        message_type: message_type_name(&object_name),
        object_name,
        content: parse_content(&content),
        sent_time: row.get(8)?,
        sent_status: SentStatus::try_from(row.get::<_, i32>(9)?).map_err(|e| conversion(9, e))?,
        received_status: row.get(10)?,
        received_time: row.get(11)?,
        offline_message: row.get(12)?,
    })
}

/// Reads one message by local id.
pub(crate) fn get(conn: &Connection, message_id: i64) -> ImResult<Option<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE message_id = ?1"
    ))?;
    Ok(stmt.query_row([message_id], message_from_row).optional()?)
}

/// Stores an outgoing message once its outcome is known: SENT with the server's UID and
/// time, or FAILED (no UID, local time). One commit per message.
pub(crate) fn insert_outgoing(
    conn: &Connection,
    m: &OutgoingMessage,
    ack: Option<(&str, i64)>,
) -> ImResult<Message> {
    let (uid, sent_time, status) = match ack {
        Some((uid, sent_time)) => (Some(uid), sent_time, SentStatus::Sent),
        None => (None, m.local_time, SentStatus::Failed),
    };
    conn.prepare_cached(
        "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, object_name, \
         content, sent_time, sent_status, client_message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        uid,
        i32::from(m.conversation_type),
        m.target_id,
        m.sender_user_id,
        i32::from(MessageDirection::Send),
        m.object_name,
        m.content,
        sent_time,
        i32::from(status),
        m.client_message_id
    ])?;
    Ok(get(conn, conn.last_insert_rowid())?.expect("row just inserted"))
}

/// A FAILED outgoing message with what is needed to send it again: (message, idempotency
/// key, raw content JSON). `None` if `message_id` is not a failed outgoing message.
pub(crate) fn failed_outgoing(
    conn: &Connection,
    message_id: i64,
) -> ImResult<Option<(Message, String, String)>> {
    let Some(message) = get(conn, message_id)? else {
        return Ok(None);
    };
    if message.message_direction != MessageDirection::Send
        || message.sent_status != SentStatus::Failed
    {
        return Ok(None);
    }
    let (key, content): (Option<String>, String) = conn
        .prepare_cached("SELECT client_message_id, content FROM messages WHERE message_id = ?1")?
        .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(key.map(|key| (message, key, content)))
}

/// Records the server's acknowledgement of a message sent again.
pub(crate) fn mark_sent(
    conn: &Connection,
    message_id: i64,
    uid: &str,
    sent_time: i64,
) -> ImResult<Message> {
    conn.prepare_cached("UPDATE messages SET message_uid = ?2, sent_time = ?3, sent_status = ?4 WHERE message_id = ?1")?
        .execute(params![message_id, uid, sent_time, i32::from(SentStatus::Sent)])?;
    Ok(get(conn, message_id)?.expect("row exists"))
}

/// The highest inbox sequence number stored.
pub(crate) fn inbox_seq(conn: &Connection) -> ImResult<u64> {
    Ok(
        conn.query_row("SELECT inbox_seq FROM sync_state WHERE id = 1", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// Stores a contiguous batch of inbox entries ending at `up_to_seq`, in one transaction with
/// the cursor; returns the messages that were new (a message already present by UID is skipped).
pub(crate) fn store_incoming(
    conn: &mut Connection,
    batch: &[IncomingMessage],
    up_to_seq: u64,
    offline: bool,
    received_time: i64,
) -> ImResult<Vec<Message>> {
    let tx = conn.transaction()?;
    let mut stored = Vec::with_capacity(batch.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
             object_name, content, sent_time, sent_status, received_time, offline) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for m in batch {
            let row = params![
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
                offline
            ];
            if insert.execute(row)? == 0 {
                continue;
            }
            let mut message_id = tx.last_insert_rowid();
            if !m.persisted {
                // Status-like messages reach the listener but are not kept in history.
                tx.prepare_cached("DELETE FROM messages WHERE message_id = ?1")?
                    .execute([message_id])?;
                message_id = 0;
            }
            stored.push(Message {
                conversation_type: m.conversation_type,
                target_id: m.target_id.clone(),
                sender_user_id: m.sender_user_id.clone(),
                content: parse_content(&m.content),
                message_type: message_type_name(&m.object_name),
                object_name: m.object_name.clone(),
                message_id,
                message_uid: m.message_uid.clone(),
                message_direction: MessageDirection::Receive,
                offline_message: offline,
                sent_status: SentStatus::Sent,
                sent_time: m.sent_time,
                received_status: 0,
                received_time,
            });
        }
    }
    tx.prepare_cached("UPDATE sync_state SET inbox_seq = max(inbox_seq, ?1) WHERE id = 1")?
        .execute([up_to_seq as i64])?;
    tx.commit()?;
    Ok(stored)
}

/// One page of a conversation's history in ascending time order, and whether more exist
/// beyond it in the direction of the query.
pub(crate) fn history(conn: &Connection, q: &HistoryQuery) -> ImResult<(Vec<Message>, bool)> {
    let (condition, direction) = match q.order {
        HistoryOrder::Older => ("(?3 = 0 OR sent_time < ?3)", "DESC"),
        HistoryOrder::Newer => ("sent_time > ?3", "ASC"),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_type = ?1 AND target_id = ?2 AND {condition} \
         ORDER BY sent_time {direction}, message_id {direction} LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let limit = q.count as i64 + 1;
    let rows = stmt.query_map(
        params![
            i32::from(q.conversation_type),
            q.target_id,
            q.timestamp,
            limit
        ],
        message_from_row,
    )?;
    let mut list = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = list.len() > q.count;
    list.truncate(q.count);
    if q.order == HistoryOrder::Older {
        list.reverse();
    }
    Ok((list, has_more))
}
