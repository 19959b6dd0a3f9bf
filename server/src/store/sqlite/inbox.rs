//! Reading a user's inbox, acknowledgements, and purging old entries.

use improto::limits::MAX_DEVICES_PER_USER;
use rusqlite::params;

use super::message_view::read_message;
use super::page::{page_of, rows_for};
use super::{SqliteStore, StoreError};
use crate::clock::now_ms;
use crate::store::Pulled;
use crate::uid::first_uid_at;

/// Converts a protocol sequence number to SQLite's integer, saturating.
fn sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

impl SqliteStore {
    /// Highest sequence number handed out in the user's inbox (0 if none).
    pub(super) async fn inbox_seq(
        &self,
        app_key: String,
        user_id: String,
    ) -> Result<u64, StoreError> {
        self.read(move |conn| {
            let seq: i64 = conn
                .prepare_cached(concat!("SELECT ", current_seq_sql!()))?
                .query_row(params![app_key, user_id], |row| row.get(0))?;
            Ok(seq.max(0) as u64)
        })
        .await
    }

    /// Up to `limit` entries with `seq > after_seq`, ascending, each as the user sees it (see
    /// [`message_view`](super::message_view)); fewer if more would not fit in one frame.
    pub(super) async fn pull(
        &self,
        app_key: String,
        user_id: String,
        after_seq: u64,
        limit: usize,
    ) -> Result<Pulled, StoreError> {
        self.read(move |conn| {
            // The inbox drives the join (CROSS JOIN keeps that order): a range of its primary
            // key, then one lookup per entry.
            let mut stmt = conn.prepare_cached(concat!(
                "SELECT i.seq, ",
                message_columns_sql!(),
                " FROM inbox i CROSS JOIN messages m ON m.message_uid = i.message_uid \
                 WHERE i.app_key = ?1 AND i.user_id = ?2 AND i.seq > ?3 ORDER BY i.seq LIMIT ?4"
            ))?;
            let rows = stmt.query_map(
                params![app_key, user_id, sql_seq(after_seq), rows_for(limit)],
                |row| read_message(row, 1, &user_id, row.get::<_, i64>(0)? as u64),
            )?;
            let (messages, has_more) = page_of(rows, limit)?;
            Ok(Pulled { messages, has_more })
        })
        .await
    }

    /// Records that `device_id` stored everything up to `seq` (never moves backwards, and
    /// never beyond the highest sequence handed out), keeping the user's
    /// [`MAX_DEVICES_PER_USER`] most recently heard from devices. The write is queued when this is called;
    /// the future completes after its commit. Sessions call this lazily (see `ws::acks`).
    pub(super) fn record_ack(
        &self,
        app_key: String,
        user_id: String,
        device_id: String,
        seq: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer.submit(
            move |tx| {
                tx.conn
                    .prepare_cached(concat!(
                        "INSERT INTO device_acks (app_key, user_id, device_id, acked_seq, \
                         updated_at) VALUES (?1, ?2, ?3, min(?4, ",
                        current_seq_sql!(),
                        "), ?5) ON CONFLICT (app_key, user_id, device_id) DO UPDATE SET \
                         acked_seq = max(acked_seq, excluded.acked_seq), \
                         updated_at = excluded.updated_at"
                    ))?
                    .execute(params![app_key, user_id, device_id, sql_seq(seq), now_ms()])?;
                // A user's devices are kept up to a bound: the least recently heard from go.
                tx.conn
                    .prepare_cached(
                        "DELETE FROM device_acks WHERE app_key = ?1 AND user_id = ?2 \
                         AND device_id IN (SELECT device_id FROM device_acks \
                           WHERE app_key = ?1 AND user_id = ?2 \
                           ORDER BY updated_at DESC, device_id LIMIT -1 OFFSET ?3)",
                    )?
                    .execute(params![app_key, user_id, MAX_DEVICES_PER_USER as i64])?;
                Ok(())
            },
            |_| {},
        )
    }

    /// Deletes inbox entries of messages sent before `cutoff_ms`, with the messages that are
    /// not history and the idempotency keys of the others (of group messages too, with the
    /// group log entries of those that are not history); returns how many inbox entries went.
    /// Sequence numbers keep growing: the highest one of each user whose entries go is kept in
    /// `inbox_counters`.
    pub(super) async fn purge_before(&self, cutoff_ms: i64) -> Result<usize, StoreError> {
        // UIDs start with the sent time: everything sent before the cutoff sorts below this.
        let boundary = first_uid_at(cutoff_ms);
        self.writer
            .write(move |tx| {
                let conn = tx.conn;
                conn.execute(
                    "INSERT INTO inbox_counters (app_key, user_id, last_seq) \
                     SELECT app_key, user_id, max(seq) FROM inbox INDEXED BY inbox_by_message \
                     WHERE message_uid < ?1 \
                     GROUP BY app_key, user_id \
                     ON CONFLICT (app_key, user_id) DO UPDATE SET \
                       last_seq = max(last_seq, excluded.last_seq)",
                    [&boundary],
                )?;
                conn.execute(
                    "DELETE FROM messages WHERE persisted = 0 AND message_uid IN \
                     (SELECT message_uid FROM inbox WHERE message_uid < ?1)",
                    [&boundary],
                )?;
                conn.execute(
                    "UPDATE messages SET client_message_id = NULL \
                     WHERE client_message_id IS NOT NULL AND message_uid IN \
                     (SELECT message_uid FROM inbox WHERE message_uid < ?1)",
                    [&boundary],
                )?;
                let purged =
                    conn.execute("DELETE FROM inbox WHERE message_uid < ?1", [&boundary])?;
                purge_group_messages(conn, &boundary)?;
                Ok(purged)
            })
            .await
    }
}

/// Deletes the group messages below the UID `boundary` that are not history, with their log
/// entries (pulls skip the sequences they leave), and the idempotency keys of the others.
fn purge_group_messages(conn: &rusqlite::Connection, boundary: &str) -> Result<(), StoreError> {
    const OLD_TRANSIENT: &str = "SELECT message_uid FROM messages \
         WHERE message_uid < ?1 AND conversation_type = 3 AND persisted = 0";
    conn.execute(
        &format!("DELETE FROM group_directed WHERE message_uid IN ({OLD_TRANSIENT})"),
        [boundary],
    )?;
    conn.execute(
        &format!("DELETE FROM group_log WHERE message_uid IN ({OLD_TRANSIENT})"),
        [boundary],
    )?;
    conn.execute(
        "DELETE FROM messages WHERE message_uid < ?1 AND conversation_type = 3 AND persisted = 0",
        [boundary],
    )?;
    conn.execute(
        "UPDATE messages SET client_message_id = NULL WHERE message_uid < ?1 \
         AND conversation_type = 3 AND client_message_id IS NOT NULL",
        [boundary],
    )?;
    Ok(())
}
