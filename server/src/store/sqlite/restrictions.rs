//! Blocks and token cutoffs set through the Server API (`/user/block.json`,
//! `/user/token/expire.json`).

use rusqlite::params;

use super::{SqliteStore, StoreError};
use crate::store::StoredRestrictions;

impl SqliteStore {
    /// Blocks `user_ids` of the app until `until_ms` (replacing any earlier block end), and
    /// deletes the app's blocks that ended before `now_ms`.
    pub(super) async fn block_users(
        &self,
        app_key: String,
        user_ids: Vec<String>,
        until_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |tx| {
                tx.conn.execute(
                    "DELETE FROM user_blocks WHERE app_key = ?1 AND blocked_until <= ?2",
                    params![app_key, now_ms],
                )?;
                let mut insert = tx.conn.prepare_cached(
                    "INSERT INTO user_blocks (app_key, user_id, blocked_until) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (app_key, user_id) DO UPDATE SET \
                       blocked_until = excluded.blocked_until",
                )?;
                for user_id in &user_ids {
                    insert.execute(params![app_key, user_id, until_ms])?;
                }
                Ok(())
            })
            .await
    }

    /// Lifts the blocks of `user_ids` of the app (users not blocked are ignored).
    pub(super) async fn unblock_users(
        &self,
        app_key: String,
        user_ids: Vec<String>,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |tx| {
                let mut delete = tx.conn.prepare_cached(
                    "DELETE FROM user_blocks WHERE app_key = ?1 AND user_id = ?2",
                )?;
                for user_id in &user_ids {
                    delete.execute(params![app_key, user_id])?;
                }
                Ok(())
            })
            .await
    }

    /// Users of the app blocked at `now_ms`, with their block end, ordered by user id.
    pub(super) async fn blocked_users(
        &self,
        app_key: String,
        now_ms: i64,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        self.read(move |conn| {
            let mut select = conn.prepare_cached(
                "SELECT user_id, blocked_until FROM user_blocks \
                 WHERE app_key = ?1 AND blocked_until > ?2 ORDER BY user_id",
            )?;
            let rows = select
                .query_map(params![app_key, now_ms], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        })
        .await
    }

    /// Refuses the user's tokens issued before `before_ms`. Cutoffs only move forward: an
    /// earlier time than the one stored changes nothing. Returns the cutoff now in force.
    pub(super) async fn expire_tokens(
        &self,
        app_key: String,
        user_id: String,
        before_ms: i64,
    ) -> Result<i64, StoreError> {
        self.writer
            .write(move |tx| {
                let cutoff = tx.conn.query_row(
                    "INSERT INTO token_cutoffs (app_key, user_id, issued_before) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (app_key, user_id) DO UPDATE SET \
                       issued_before = max(issued_before, excluded.issued_before) \
                     RETURNING issued_before",
                    params![app_key, user_id, before_ms],
                    |row| row.get(0),
                )?;
                Ok(cutoff)
            })
            .await
    }

    /// Every block in force at `now_ms` and every token cutoff.
    pub(super) async fn load_restrictions(
        &self,
        now_ms: i64,
    ) -> Result<StoredRestrictions, StoreError> {
        self.read(move |conn| {
            let mut blocks = conn.prepare_cached(
                "SELECT app_key, user_id, blocked_until FROM user_blocks WHERE blocked_until > ?1",
            )?;
            let blocks = blocks
                .query_map([now_ms], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<_, _>>()?;
            let mut cutoffs =
                conn.prepare_cached("SELECT app_key, user_id, issued_before FROM token_cutoffs")?;
            let token_cutoffs = cutoffs
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<Result<_, _>>()?;
            Ok(StoredRestrictions {
                blocks,
                token_cutoffs,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Storage;

    const NOW: i64 = 1_764_000_000_000;

    #[tokio::test]
    async fn blocks_end_by_time_or_unblock_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let users = vec!["bob".to_owned(), "carol".to_owned()];
        store
            .block_users("app".into(), users, NOW + 60_000, NOW)
            .await
            .unwrap();
        store
            .block_users("other".into(), vec!["bob".into()], NOW + 1, NOW)
            .await
            .unwrap();
        let blocked = store.blocked_users("app".into(), NOW).await.unwrap();
        assert_eq!(
            blocked,
            [
                ("bob".to_owned(), NOW + 60_000),
                ("carol".to_owned(), NOW + 60_000)
            ]
        );
        // Over once the end is reached.
        assert!(
            store
                .blocked_users("app".into(), NOW + 60_000)
                .await
                .unwrap()
                .is_empty()
        );
        store
            .unblock_users("app".into(), vec!["carol".into(), "nobody".into()])
            .await
            .unwrap();
        assert_eq!(
            store
                .expire_tokens("app".into(), "bob".into(), NOW)
                .await
                .unwrap(),
            NOW
        );
        // Cutoffs never move back.
        assert_eq!(
            store
                .expire_tokens("app".into(), "bob".into(), NOW - 5)
                .await
                .unwrap(),
            NOW
        );
        store.shutdown();
        drop(store);

        let store = SqliteStore::open(dir.path()).unwrap();
        let loaded = store.load_restrictions(NOW).await.unwrap();
        let mut blocks = loaded.blocks.clone();
        blocks.sort();
        assert_eq!(
            blocks,
            [
                ("app".to_owned(), "bob".to_owned(), NOW + 60_000),
                ("other".to_owned(), "bob".to_owned(), NOW + 1),
            ]
        );
        assert_eq!(
            loaded.token_cutoffs,
            [("app".to_owned(), "bob".to_owned(), NOW)]
        );
        // Ended blocks are not loaded, and a new block deletes them.
        assert_eq!(
            store.load_restrictions(NOW + 1).await.unwrap().blocks.len(),
            1
        );
        store
            .block_users("other".into(), vec!["dave".into()], NOW + 90_000, NOW + 2)
            .await
            .unwrap();
        assert_eq!(
            store.blocked_users("other".into(), 0).await.unwrap(),
            [("dave".to_owned(), NOW + 90_000)]
        );
        store.shutdown();
    }
}
