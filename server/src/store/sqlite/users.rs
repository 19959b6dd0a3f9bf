//! Users registered through the Server API.

use rusqlite::params;

use super::{SqliteStore, StoreError};
use crate::clock::now_ms;
use crate::store::UserProfile;

impl SqliteStore {
    /// Creates the user, or updates the non-empty profile fields of an existing one.
    pub(super) async fn register_user(
        &self,
        app_key: String,
        user_id: String,
        profile: UserProfile,
    ) -> Result<(), StoreError> {
        self.writer
            .write(move |tx| {
                let now = now_ms();
                tx.conn.execute(
                    "INSERT INTO users (app_key, user_id, name, portrait_uri, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
                     ON CONFLICT (app_key, user_id) DO UPDATE SET \
                       name = CASE WHEN excluded.name = '' THEN name ELSE excluded.name END, \
                       portrait_uri = CASE WHEN excluded.portrait_uri = '' THEN portrait_uri \
                                      ELSE excluded.portrait_uri END, \
                       updated_at = excluded.updated_at",
                    params![app_key, user_id, profile.name, profile.portrait_uri, now],
                )?;
                Ok(())
            })
            .await
    }
}
