//! Group mutes set through the Server API: member gags, whole-group mutes and their whitelists
//! (migration 008).

use rusqlite::{Connection, params};

use super::{SqliteStore, StoreError};
use crate::store::{MuteChange, StoredGroupMutes};

impl SqliteStore {
    /// Applies `change` to the app's group mutes. Queued at once; the future completes after
    /// the commit.
    pub(super) fn change_group_mutes(
        &self,
        app_key: String,
        change: MuteChange,
    ) -> impl Future<Output = Result<(), StoreError>> + Send + use<> {
        self.writer
            .submit(move |tx| apply(tx.conn, &app_key, &change), |_| {})
    }

    /// Every group mute: the gags in force at `now_ms`, the muted groups and their whitelists.
    pub(super) async fn load_group_mutes(
        &self,
        now_ms: i64,
    ) -> Result<StoredGroupMutes, StoreError> {
        self.read(move |conn| {
            let mut gags = conn.prepare_cached(
                "SELECT app_key, group_id, user_id, until_ms FROM group_gags \
                 WHERE until_ms = 0 OR until_ms > ?1",
            )?;
            let gags = gags
                .query_map([now_ms], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut bans = conn.prepare_cached("SELECT app_key, group_id FROM group_bans")?;
            let bans = bans
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut whitelist =
                conn.prepare_cached("SELECT app_key, group_id, user_id FROM group_ban_whitelist")?;
            let whitelist = whitelist
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<_, _>>()?;
            Ok(StoredGroupMutes {
                gags,
                bans,
                whitelist,
            })
        })
        .await
    }
}

/// The job body of [`SqliteStore::change_group_mutes`].
fn apply(conn: &Connection, app_key: &str, change: &MuteChange) -> Result<(), StoreError> {
    match change {
        MuteChange::Gag {
            group_id,
            user_ids,
            until_ms,
            now_ms,
        } => {
            conn.execute(
                "DELETE FROM group_gags WHERE app_key = ?1 AND until_ms <> 0 AND until_ms <= ?2",
                params![app_key, now_ms],
            )?;
            let mut insert = conn.prepare_cached(
                "INSERT INTO group_gags (app_key, group_id, user_id, until_ms) \
                 VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (app_key, group_id, user_id) DO UPDATE SET until_ms = excluded.until_ms",
            )?;
            for user_id in user_ids {
                insert.execute(params![app_key, group_id, user_id, until_ms])?;
            }
            Ok(())
        }
        MuteChange::Ungag {
            group_id: Some(group_id),
            user_ids,
        } => each(
            conn,
            "DELETE FROM group_gags WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3",
            (app_key, Some(group_id)),
            user_ids,
        ),
        MuteChange::Ungag {
            group_id: None,
            user_ids,
        } => each(
            conn,
            "DELETE FROM group_gags WHERE app_key = ?1 AND user_id = ?2",
            (app_key, None),
            user_ids,
        ),
        MuteChange::Ban { group_ids } => each(
            conn,
            "INSERT OR IGNORE INTO group_bans (app_key, group_id) VALUES (?1, ?2)",
            (app_key, None),
            group_ids,
        ),
        MuteChange::Unban { group_ids } => each(
            conn,
            "DELETE FROM group_bans WHERE app_key = ?1 AND group_id = ?2",
            (app_key, None),
            group_ids,
        ),
        MuteChange::Whitelist { group_id, user_ids } => each(
            conn,
            "INSERT OR IGNORE INTO group_ban_whitelist (app_key, group_id, user_id) \
             VALUES (?1, ?2, ?3)",
            (app_key, Some(group_id)),
            user_ids,
        ),
        MuteChange::Unwhitelist { group_id, user_ids } => each(
            conn,
            "DELETE FROM group_ban_whitelist WHERE app_key = ?1 AND group_id = ?2 AND user_id = ?3",
            (app_key, Some(group_id)),
            user_ids,
        ),
    }
}

/// Runs `sql` once per item of `items`, with the parameters `(app_key, group_id, item)`, or
/// `(app_key, item)` without a group.
fn each(
    conn: &Connection,
    sql: &str,
    (app_key, group_id): (&str, Option<&String>),
    items: &[String],
) -> Result<(), StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    for item in items {
        match group_id {
            Some(group_id) => statement.execute(params![app_key, group_id, item])?,
            None => statement.execute(params![app_key, item])?,
        };
    }
    Ok(())
}
