//! Persisted apps: the configured one, or the development app created on first start.

use rand::Rng;
use rand::distr::Alphanumeric;
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore, StoreError};
use crate::apps::App;
use crate::clock::now_ms;

impl SqliteStore {
    /// Records the configured app (updating its secret), or, without one, returns the
    /// development app, creating it with a random key and secret the first time.
    pub(super) async fn resolve_app(&self, configured: Option<App>) -> Result<App, StoreError> {
        self.writer
            .write(move |tx| {
                if let Some(app) = configured {
                    tx.conn.execute(
                        "INSERT INTO apps (app_key, app_secret, is_dev, created_at) \
                         VALUES (?1, ?2, 0, ?3) \
                         ON CONFLICT (app_key) DO UPDATE SET app_secret = excluded.app_secret",
                        params![app.key, app.secret, now_ms()],
                    )?;
                    return Ok(app);
                }
                let existing = tx
                    .conn
                    .query_row(
                        "SELECT app_key, app_secret FROM apps WHERE is_dev = 1 \
                         ORDER BY created_at LIMIT 1",
                        [],
                        |row| {
                            Ok(App {
                                key: row.get(0)?,
                                secret: row.get(1)?,
                            })
                        },
                    )
                    .optional()?;
                if let Some(app) = existing {
                    return Ok(app);
                }
                let app = App {
                    key: random_text(13).to_ascii_lowercase(),
                    secret: random_text(24),
                };
                tx.conn.execute(
                    "INSERT INTO apps (app_key, app_secret, is_dev, created_at) \
                     VALUES (?1, ?2, 1, ?3)",
                    params![app.key, app.secret, now_ms()],
                )?;
                Ok(app)
            })
            .await
    }
}

/// `len` random ASCII letters and digits.
fn random_text(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
