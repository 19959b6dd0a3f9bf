//! Stored messages as rows: the columns every message read selects, and one message by local
//! id or server UID.

use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::{Content, Message};
use crate::message_types::message_type_name;
use crate::send_options;
use rusqlite::{Connection, OptionalExtension, Row};

/// The message columns [`message_from_row`] reads, in order.
pub(super) const COLUMNS: &str = "message_id, message_uid, conversation_type, target_id, sender_user_id, direction, \
     object_name, content, sent_time, sent_status, received_status, received_time, offline, \
     options, mentioned";

/// How many columns [`COLUMNS`] names.
pub(super) const COLUMN_COUNT: usize = 15;

/// [`COLUMNS`] qualified by the table alias `m`.
pub(super) const COLUMNS_OF_M: &str = "m.message_id, m.message_uid, m.conversation_type, m.target_id, \
     m.sender_user_id, m.direction, m.object_name, m.content, m.sent_time, m.sent_status, \
     m.received_status, m.received_time, m.offline, m.options, m.mentioned";

/// Reads a message from the first 15 columns of `row` ([`COLUMNS`] order).
pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let object_name: String = row.get(6)?;
    let content = Content::from_json(row.get_ref(7)?.as_str()?);
    let conversion = |i: usize, e: crate::error::ImError| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Integer, Box::new(e))
    };
    let mut message = Message {
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
        content,
        sent_time: row.get(8)?,
        sent_status: SentStatus::try_from(row.get::<_, i32>(9)?).map_err(|e| conversion(9, e))?,
        received_status: row.get(10)?,
        received_time: row.get(11)?,
        offline_message: row.get(12)?,
        disable_notification: false,
        push_config: None,
        is_mentioned: row.get(14)?,
        is_status_message: false,
    };
    let options = send_options::decode(row.get_ref(13)?.as_blob_or_null()?);
    send_options::show(&mut message, options.as_ref());
    Ok(message)
}

/// Reads one message by local id.
pub(crate) fn get(conn: &Connection, message_id: i64) -> ImResult<Option<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE message_id = ?1"
    ))?;
    Ok(stmt.query_row([message_id], message_from_row).optional()?)
}

/// Reads one message by server UID.
pub(crate) fn get_by_uid(conn: &Connection, message_uid: &str) -> ImResult<Option<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE message_uid = ?1"
    ))?;
    Ok(stmt.query_row([message_uid], message_from_row).optional()?)
}
