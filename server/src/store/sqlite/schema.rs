//! The versioned schema: numbered SQL migrations tracked in `PRAGMA user_version`.

use rusqlite::Connection;

use super::StoreError;
use crate::store::Durability;

/// Migrations in order; migration `i` (0-based) brings the schema to version `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_content_once.sql"),
    include_str!("migrations/003_user_restrictions.sql"),
    include_str!("migrations/004_conversations_and_remote_history.sql"),
    include_str!("migrations/005_conversation_statuses.sql"),
    include_str!("migrations/006_server_meta.sql"),
    include_str!("migrations/007_groups.sql"),
];

/// Prepared statements each connection keeps; room for every statement of the hot paths.
pub const STATEMENT_CACHE: usize = 64;

/// Applies the connection settings every connection uses (WAL, busy timeout, durability).
pub fn configure(conn: &Connection, durability: Durability) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let synchronous = match durability {
        // Each commit's WAL frames reach the disk before it returns: a power loss keeps it.
        Durability::Full => "FULL",
        // The WAL reaches the disk at checkpoints: a process crash keeps every commit, a power
        // loss or OS crash can lose the latest ones.
        Durability::Fast => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Brings the database up to the newest schema version, one transaction per migration.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied schema migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: usize = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::SchemaTooNew { found: 99, .. })
        ));
    }
}
