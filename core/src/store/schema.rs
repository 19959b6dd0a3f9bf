//! Opening the database: pragmas and numbered migrations tracked in `PRAGMA user_version`.

use crate::error::ImResult;
use rusqlite::Connection;
use std::path::Path;

/// Migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_messages.sql"),
    include_str!("migrations/002_drafts.sql"),
];

/// Opens `file` in WAL mode and migrates it to the latest schema.
pub(super) fn open(file: &Path) -> ImResult<Connection> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            crate::error::ImError::new(
                crate::error::code::DATABASE_ERROR,
                format!("{}: {e}", dir.display()),
            )
        })?;
    }
    let mut conn = Connection::open(file)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        super::checkpoint::BACKSTOP_PAGES,
    )?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> ImResult<()> {
    let version: usize =
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upgrades_a_version_1_database_without_losing_messages() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("imcore.db");
        {
            let conn = Connection::open(&file).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
                 object_name, content, sent_time, sent_status) VALUES ('U', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{}', 5, 30)",
                [],
            )
            .unwrap();
            conn.execute("UPDATE sync_state SET inbox_seq = 7", [])
                .unwrap();
        }
        let conn = open(&file).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
        let kept: (String, i64) = conn
            .query_row(
                "SELECT message_uid, (SELECT inbox_seq FROM sync_state) FROM messages",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kept, ("U".to_owned(), 7));
        conn.execute("INSERT INTO drafts VALUES (1, 'bob', 'hi', 1)", [])
            .unwrap();
    }

    #[test]
    fn migrates_once_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/imcore.db");
        drop(open(&file).unwrap());
        let conn = open(&file).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
    }
}
