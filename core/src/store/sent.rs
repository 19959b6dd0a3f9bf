//! The current user's own messages: those sent from this device (stored SENT once
//! acknowledged, FAILED when the send fails, read back for a resend) and those the server
//! delivers from any of the user's devices, matched by idempotency key so that each is stored
//! once.

use super::conversations::{self, Arrival};
use super::messages::get;
use super::received::IncomingMessage;
use super::searchable::{self, Indexing};
use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::Message;
use crate::send_options::{self, Sending};
use improto::MessageOptions;
use rusqlite::{Connection, OptionalExtension, params};

/// A message of the current user, sent from this device.
#[derive(Clone)]
pub(crate) struct OutgoingMessage {
    pub conversation_type: ConversationType,
    pub target_id: String,
    pub sender_user_id: String,
    pub object_name: String,
    pub content: String,
    pub client_message_id: String,
    pub local_time: i64,
    /// Its sending options (kept so that a resend sends them again).
    pub sending: Sending,
}

/// Fields of one of the current user's messages as the server acknowledged or delivered it.
pub(super) struct OwnSent<'a> {
    uid: &'a str,
    sent_time: i64,
    conversation_type: ConversationType,
    target_id: &'a str,
    sender_user_id: &'a str,
    object_name: &'a str,
    content: &'a str,
    client_message_id: &'a str,
    options: Option<&'a MessageOptions>,
    mentioned: bool,
    /// Brings a removed conversation back (see [`Arrival::reveal`]).
    reveal: bool,
    /// When its text is indexed.
    indexing: Indexing,
}

/// Stores one of the current user's messages as SENT, matched by idempotency key (the local
/// outgoing row) or UID; returns its id and whether this device had not stored it before.
pub(super) fn store_own(conn: &Connection, m: &OwnSent<'_>) -> ImResult<(i64, bool)> {
    if !m.client_message_id.is_empty() {
        let known: Option<(i64, Option<String>, i32)> = conn
            .prepare_cached(
                "SELECT message_id, message_uid, sent_status FROM messages WHERE client_message_id = ?1",
            )?
            .query_row([m.client_message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        if let Some((message_id, uid, status)) = known {
            if uid.as_deref() != Some(m.uid) || status != i32::from(SentStatus::Sent) {
                conn.prepare_cached(
                    "UPDATE messages SET message_uid = ?2, sent_time = ?3, sent_status = ?4 \
                     WHERE message_id = ?1",
                )?
                .execute(params![
                    message_id,
                    m.uid,
                    m.sent_time,
                    i32::from(SentStatus::Sent)
                ])?;
                record_own(conn, m, message_id)?;
            }
            return Ok((message_id, false));
        }
    }
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO messages (message_uid, conversation_type, target_id, sender_user_id, \
             direction, object_name, content, sent_time, sent_status, client_message_id, options, \
             mentioned) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, nullif(?10, ''), ?11, ?12)",
        )?
        .execute(params![
            m.uid,
            i32::from(m.conversation_type),
            m.target_id,
            m.sender_user_id,
            i32::from(MessageDirection::Send),
            m.object_name,
            m.content,
            m.sent_time,
            i32::from(SentStatus::Sent),
            m.client_message_id,
            send_options::encode(m.options),
            m.mentioned,
        ])?;
    if inserted == 0 {
        let message_id = conn
            .prepare_cached("SELECT message_id FROM messages WHERE message_uid = ?1")?
            .query_row([m.uid], |r| r.get(0))?;
        return Ok((message_id, false));
    }
    let message_id = conn.last_insert_rowid();
    searchable::add(conn, message_id, m.object_name, m.content, m.indexing)?;
    record_own(conn, m, message_id)?;
    Ok((message_id, true))
}

fn record_own(conn: &Connection, m: &OwnSent<'_>, message_id: i64) -> ImResult<()> {
    conversations::record(
        conn,
        &Arrival {
            conversation_type: m.conversation_type,
            target_id: m.target_id,
            message_id,
            sent_time: m.sent_time,
            unread: false,
            mentioned: false,
            reveal: m.reveal,
        },
    )
}

impl<'a> OwnSent<'a> {
    pub(super) fn of_incoming(m: &'a IncomingMessage, reveal: bool, indexing: Indexing) -> Self {
        OwnSent {
            uid: &m.message_uid,
            sent_time: m.sent_time,
            conversation_type: m.conversation_type,
            target_id: &m.target_id,
            sender_user_id: &m.sender_user_id,
            object_name: &m.object_name,
            content: &m.content,
            client_message_id: &m.client_message_id,
            options: m.options.as_ref(),
            // The sender's isMentioned does not travel: another device of theirs cannot know it.
            mentioned: false,
            reveal,
            indexing,
        }
    }
}

/// Stores a message sent from this device once the server acknowledged it (SENT with the
/// server's UID and time); a FAILED row of the same send becomes SENT.
pub(crate) fn store_sent(
    conn: &mut Connection,
    m: &OutgoingMessage,
    uid: &str,
    sent_time: i64,
) -> ImResult<Message> {
    let tx = conn.transaction()?;
    let (message_id, _) = store_own(
        &tx,
        &OwnSent {
            uid,
            sent_time,
            conversation_type: m.conversation_type,
            target_id: &m.target_id,
            sender_user_id: &m.sender_user_id,
            object_name: &m.object_name,
            content: &m.content,
            client_message_id: &m.client_message_id,
            options: m.sending.options.as_ref(),
            mentioned: m.sending.mentioned,
            reveal: true,
            indexing: Indexing::Soon,
        },
    )?;
    let message = get(&tx, message_id)?.expect("row just stored");
    tx.commit()?;
    Ok(message)
}

/// Stores a message whose send failed (FAILED, local time), unless this send is already stored
/// (a late acknowledgement wins); returns the stored row.
pub(crate) fn store_failed(conn: &mut Connection, m: &OutgoingMessage) -> ImResult<Message> {
    let tx = conn.transaction()?;
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO messages (conversation_type, target_id, sender_user_id, direction, \
             object_name, content, sent_time, sent_status, client_message_id, options, mentioned, \
             directed_user_ids) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            i32::from(m.conversation_type),
            m.target_id,
            m.sender_user_id,
            i32::from(MessageDirection::Send),
            m.object_name,
            m.content,
            m.local_time,
            i32::from(SentStatus::Failed),
            m.client_message_id,
            send_options::encode(m.sending.options.as_ref()),
            m.sending.mentioned,
            directed_json(&m.sending.directed_user_ids),
        ])?;
    let message_id: i64 = if inserted == 1 {
        let message_id = tx.last_insert_rowid();
        searchable::add(&tx, message_id, &m.object_name, &m.content, Indexing::Now)?;
        conversations::record(
            &tx,
            &Arrival {
                conversation_type: m.conversation_type,
                target_id: &m.target_id,
                message_id,
                sent_time: m.local_time,
                unread: false,
                mentioned: false,
                reveal: true,
            },
        )?;
        message_id
    } else {
        tx.prepare_cached("SELECT message_id FROM messages WHERE client_message_id = ?1")?
            .query_row([&m.client_message_id], |r| r.get(0))?
    };
    let message = get(&tx, message_id)?.expect("row stored");
    tx.commit()?;
    Ok(message)
}

/// A FAILED outgoing message as it was first sent (same idempotency key), or `None` if
/// `message_id` is not a failed outgoing message.
pub(crate) fn failed_outgoing(
    conn: &Connection,
    message_id: i64,
) -> ImResult<Option<OutgoingMessage>> {
    let row = conn
        .prepare_cached(
            "SELECT conversation_type, target_id, sender_user_id, object_name, content, \
             client_message_id, sent_time, options, mentioned, directed_user_ids FROM messages \
             WHERE message_id = ?1 AND direction = ?2 AND sent_status = ?3 \
             AND client_message_id IS NOT NULL",
        )?
        .query_row(
            params![
                message_id,
                i32::from(MessageDirection::Send),
                i32::from(SentStatus::Failed)
            ],
            |r| {
                let kind: i32 = r.get(0)?;
                Ok((
                    kind,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    Sending {
                        options: send_options::decode(r.get_ref(7)?.as_blob_or_null()?),
                        mentioned: r.get(8)?,
                        directed_user_ids: r
                            .get::<_, Option<String>>(9)?
                            .and_then(|ids| serde_json::from_str(&ids).ok())
                            .unwrap_or_default(),
                        is_status: false,
                    },
                ))
            },
        )
        .optional()?;
    let Some((
        kind,
        target_id,
        sender_user_id,
        object_name,
        content,
        client_message_id,
        local_time,
        sending,
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(OutgoingMessage {
        conversation_type: ConversationType::try_from(kind)?,
        target_id,
        sender_user_id,
        object_name,
        content,
        client_message_id,
        local_time,
        sending,
    }))
}

/// The `directed_user_ids` column of `ids` (NULL for none).
fn directed_json(ids: &[String]) -> Option<String> {
    (!ids.is_empty()).then(|| serde_json::Value::from(ids).to_string())
}
