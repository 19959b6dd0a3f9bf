//! Reading and writing messages and the inbox cursor; every write keeps the conversation list
//! (see [`super::conversations`]) and the full-text index in step (inserts index their text
//! through [`super::searchable`]; the schema's triggers follow updates and deletions).

use super::conversations::{self, Arrival};
use super::searchable::{self, Indexing};
use crate::enums::{ConversationType, HistoryOrder, MessageDirection, SentStatus};
use crate::error::ImResult;
use crate::message::{Content, Message, MessageRef, mentions};
use crate::message_types::message_type_name;
use rusqlite::{Connection, OptionalExtension, Row, params};

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
    pub counted: bool,
    /// Set on the current user's own messages (sent from any of their devices).
    pub client_message_id: String,
}

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

/// One page of history.
pub(crate) struct HistoryQuery {
    pub conversation_type: ConversationType,
    pub target_id: String,
    /// Cursor in ms; 0 means "latest".
    pub timestamp: i64,
    pub count: usize,
    pub order: HistoryOrder,
    /// Only messages of this ObjectName, when set.
    pub object_name: Option<String>,
}

/// The message columns [`message_from_row`] reads, in order.
const COLUMNS: &str = "message_id, message_uid, conversation_type, target_id, sender_user_id, direction, \
     object_name, content, sent_time, sent_status, received_status, received_time, offline";

/// [`COLUMNS`] qualified by the table alias `m`.
pub(super) const COLUMNS_OF_M: &str = "m.message_id, m.message_uid, m.conversation_type, m.target_id, \
     m.sender_user_id, m.direction, m.object_name, m.content, m.sent_time, m.sent_status, \
     m.received_status, m.received_time, m.offline";

/// Reads a message from the first 13 columns of `row` ([`COLUMNS`] order).
pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let object_name: String = row.get(6)?;
    let content = Content::from_json(row.get_ref(7)?.as_str()?);
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
        content,
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

/// Reads one message by server UID.
pub(crate) fn get_by_uid(conn: &Connection, message_uid: &str) -> ImResult<Option<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM messages WHERE message_uid = ?1"
    ))?;
    Ok(stmt.query_row([message_uid], message_from_row).optional()?)
}

/// Fields of one of the current user's messages as the server acknowledged or delivered it.
struct OwnSent<'a> {
    uid: &'a str,
    sent_time: i64,
    conversation_type: ConversationType,
    target_id: &'a str,
    sender_user_id: &'a str,
    object_name: &'a str,
    content: &'a str,
    client_message_id: &'a str,
    /// Brings a removed conversation back (see [`Arrival::reveal`]).
    reveal: bool,
    /// When its text is indexed.
    indexing: Indexing,
}

/// Stores one of the current user's messages as SENT, matched by idempotency key (the local
/// outgoing row) or UID; returns its id and whether this device had not stored it before.
fn store_own(conn: &Connection, m: &OwnSent<'_>) -> ImResult<(i64, bool)> {
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
             direction, object_name, content, sent_time, sent_status, client_message_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, nullif(?10, ''))",
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
    fn of_incoming(m: &'a IncomingMessage, reveal: bool, indexing: Indexing) -> Self {
        OwnSent {
            uid: &m.message_uid,
            sent_time: m.sent_time,
            conversation_type: m.conversation_type,
            target_id: &m.target_id,
            sender_user_id: &m.sender_user_id,
            object_name: &m.object_name,
            content: &m.content,
            client_message_id: &m.client_message_id,
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
             object_name, content, sent_time, sent_status, client_message_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
            m.client_message_id
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
             client_message_id, sent_time FROM messages \
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
    }))
}

/// The highest inbox sequence number stored.
pub(crate) fn inbox_seq(conn: &Connection) -> ImResult<u64> {
    Ok(
        conn.query_row("SELECT inbox_seq FROM sync_state WHERE id = 1", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
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
            let (message_id, new) = store_own(&tx, &own)?;
            new.then_some(message_id)
        } else {
            store_received(&tx, m, (offline, received_time), me, true, indexing)?
        };
        if let Some(message_id) = stored {
            let direction = if own {
                MessageDirection::Send
            } else {
                MessageDirection::Receive
            };
            announce.push(Message {
                conversation_type: m.conversation_type,
                target_id: m.target_id.clone(),
                sender_user_id: m.sender_user_id.clone(),
                content: Content::from_json(&m.content),
                message_type: message_type_name(&m.object_name),
                object_name: m.object_name.clone(),
                message_id,
                message_uid: m.message_uid.clone(),
                message_direction: direction,
                offline_message: offline && !own,
                sent_status: SentStatus::Sent,
                sent_time: m.sent_time,
                received_status: 0,
                received_time: if own { 0 } else { received_time },
            });
        }
    }
    // A batch that changed nothing (typically the echo of a message sent from here) leaves the
    // stored cursor behind by up to CURSOR_SLACK entries rather than costing a commit: after a
    // crash they are pulled again and skipped as duplicates.
    let changed = tx.total_changes() > changes_before;
    if changed || up_to_seq >= inbox_seq(&tx)? + CURSOR_SLACK {
        tx.prepare_cached("UPDATE sync_state SET inbox_seq = max(inbox_seq, ?1) WHERE id = 1")?
            .execute([up_to_seq as i64])?;
        tx.commit()?;
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
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
             object_name, content, sent_time, sent_status, received_time, offline) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
            offline
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
            mentioned: live && mentions(m.conversation_type, &m.content, me),
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

/// Deletes messages by local id or UID; returns how many existed. Their conversations point at
/// their latest remaining message afterwards.
pub(crate) fn delete(conn: &mut Connection, which: &[MessageRef]) -> ImResult<usize> {
    let tx = conn.transaction()?;
    let mut touched = Vec::new();
    let mut deleted = 0;
    for one in which {
        let (column, key): (&str, &dyn rusqlite::ToSql) = match one {
            MessageRef::Id(id) => ("message_id", id),
            MessageRef::Uid(uid) => ("message_uid", uid),
        };
        let conversation: Option<(i32, String)> = tx
            .prepare_cached(&format!(
                "DELETE FROM messages WHERE {column} = ?1 RETURNING conversation_type, target_id"
            ))?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some(conversation) = conversation {
            deleted += 1;
            if !touched.contains(&conversation) {
                touched.push(conversation);
            }
        }
    }
    for (kind, target_id) in touched {
        conversations::refresh_latest(&tx, ConversationType::try_from(kind)?, &target_id)?;
    }
    tx.commit()?;
    Ok(deleted)
}

/// Deletes a conversation's messages sent at or before `before` (0 = all); returns how many.
pub(crate) fn clear_history(
    conn: &mut Connection,
    kind: ConversationType,
    target_id: &str,
    before: i64,
) -> ImResult<usize> {
    let tx = conn.transaction()?;
    let deleted = tx
        .prepare_cached(
            "DELETE FROM messages WHERE conversation_type = ?1 AND target_id = ?2 \
             AND (?3 = 0 OR sent_time <= ?3)",
        )?
        .execute(params![i32::from(kind), target_id, before])?;
    conversations::refresh_latest(&tx, kind, target_id)?;
    tx.commit()?;
    Ok(deleted)
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

/// One page of a conversation's history in ascending time order, and whether more exist
/// beyond it in the direction of the query.
pub(crate) fn history(conn: &Connection, q: &HistoryQuery) -> ImResult<(Vec<Message>, bool)> {
    let (condition, direction) = match q.order {
        // "Latest" is an open upper bound, so that the index range stays usable.
        HistoryOrder::Older => ("sent_time < ?3", "DESC"),
        HistoryOrder::Newer => ("sent_time > ?3", "ASC"),
    };
    // The limit is part of the SQL: SQLite plans a literal LIMIT better than a bound one
    // (about twice as fast for a page), and counts are validated small integers.
    let of_type = if q.object_name.is_some() {
        " AND object_name = ?4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM messages WHERE conversation_type = ?1 AND target_id = ?2 AND {condition}{of_type} \
         ORDER BY sent_time {direction}, message_id {direction} LIMIT {}",
        q.count + 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let cursor = match (q.order, q.timestamp) {
        (HistoryOrder::Older, 0) => i64::MAX,
        (_, timestamp) => timestamp,
    };
    let kind = i32::from(q.conversation_type);
    let rows = match &q.object_name {
        Some(name) => stmt.query_map(params![kind, q.target_id, cursor, name], message_from_row),
        None => stmt.query_map(params![kind, q.target_id, cursor], message_from_row),
    }?;
    let mut list = rows.collect::<Result<Vec<_>, _>>()?;
    let has_more = list.len() > q.count;
    list.truncate(q.count);
    if q.order == HistoryOrder::Older {
        list.reverse();
    }
    Ok((list, has_more))
}
