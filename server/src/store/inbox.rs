//! Reading a user's inbox, acknowledgements, and purging old entries.

use improto::InboxMessage;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::clock::now_ms;

/// One page of inbox entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pulled {
    /// Entries in ascending `seq` order.
    pub messages: Vec<InboxMessage>,
    /// Whether entries follow the last one returned.
    pub has_more: bool,
}

/// Converts a protocol sequence number to SQLite's integer, saturating.
fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl Store {
    /// Highest sequence number handed out in the user's inbox (0 if none).
    pub async fn inbox_seq(&self, app_key: String, user_id: String) -> Result<u64, StoreError> {
        self.read(move |conn| {
            let seq: Option<i64> = conn
                .prepare_cached(
                    "SELECT last_seq FROM inbox_counters WHERE app_key = ?1 AND user_id = ?2",
                )?
                .query_row(params![app_key, user_id], |row| row.get(0))
                .optional()?;
            Ok(seq.unwrap_or(0).max(0) as u64)
        })
        .await
    }

    /// Up to `limit` entries with `seq > after_seq`, ascending.
    pub async fn pull(
        &self,
        app_key: String,
        user_id: String,
        after_seq: u64,
        limit: usize,
    ) -> Result<Pulled, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, message_uid, conversation_type, target_id, sender_id, object_name, \
                 content, sent_time, persisted, counted FROM inbox \
                 WHERE app_key = ?1 AND user_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
            )?;
            let fetch = limit.saturating_add(1) as i64;
            let rows = stmt.query_map(
                params![app_key, user_id, sql_seq(after_seq), fetch],
                |row| {
                    Ok(InboxMessage {
                        seq: row.get::<_, i64>(0)? as u64,
                        message_uid: row.get(1)?,
                        conversation_type: row.get(2)?,
                        target_id: row.get(3)?,
                        sender_user_id: row.get(4)?,
                        object_name: row.get(5)?,
                        content: row.get(6)?,
                        sent_time: row.get(7)?,
                        persisted: row.get(8)?,
                        counted: row.get(9)?,
                    })
                },
            )?;
            let mut messages = rows.collect::<Result<Vec<_>, _>>()?;
            let has_more = messages.len() > limit;
            messages.truncate(limit);
            Ok(Pulled { messages, has_more })
        })
        .await
    }

    /// Records that `device_id` stored everything up to `seq` (never moves backwards, and
    /// never beyond the highest sequence handed out). The write is queued when this is called;
    /// the future completes after its commit. Sessions call this lazily (see `ws::acks`).
    pub fn record_ack(
        &self,
        app_key: String,
        user_id: String,
        device_id: String,
        seq: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                tx.conn
                    .prepare_cached(
                        "INSERT INTO device_acks (app_key, user_id, device_id, acked_seq, updated_at) \
                     VALUES (?1, ?2, ?3, min(?4, coalesce((SELECT last_seq FROM inbox_counters \
                       WHERE app_key = ?1 AND user_id = ?2), 0)), ?5) \
                     ON CONFLICT (app_key, user_id, device_id) DO UPDATE SET \
                       acked_seq = max(acked_seq, excluded.acked_seq), \
                       updated_at = excluded.updated_at",
                    )?
                    .execute(params![app_key, user_id, device_id, sql_seq(seq), now_ms()])?;
                Ok(())
            },
            |_| {},
        )
    }

    /// Deletes inbox entries and idempotency records created before `cutoff_ms`; returns how
    /// many inbox entries went.
    pub async fn purge_before(&self, cutoff_ms: i64) -> Result<usize, StoreError> {
        self.writer
            .write(move |tx| {
                let purged = tx
                    .conn
                    .execute("DELETE FROM inbox WHERE created_at < ?1", [cutoff_ms])?;
                tx.conn.execute(
                    "DELETE FROM sent_requests WHERE created_at < ?1",
                    [cutoff_ms],
                )?;
                Ok(purged)
            })
            .await
    }
}
