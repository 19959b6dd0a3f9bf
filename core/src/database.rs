//! For tools that open a user's database file directly (benchmarks, inspection, support
//! scripts): where it lives and the SQL functions its triggers call. Writing to a database
//! that a running client has open is not supported.

use std::path::{Path, PathBuf};

/// The database file of `user_id` under app `app_key` inside the `dbPath` init option.
pub fn database_file(db_path: &Path, app_key: &str, user_id: &str) -> PathBuf {
    crate::store::database_file(db_path, app_key, user_id)
}

/// Registers the SQL functions the schema's triggers call; needed on any connection that
/// inserts or updates messages.
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    crate::store::register_functions(conn)
}
