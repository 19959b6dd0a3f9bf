//! Opening the database: pragmas, numbered migrations tracked in `PRAGMA user_version`, and
//! recovery from a corrupted file.
//!
//! Recovery: when SQLite reports the file corrupt or not a database while opening it, the
//! file (with its `-wal`/`-shm`) is moved aside to `imcore.db.corrupt-<ms>` (kept for
//! inspection, never deleted) and a new database is created; the engine then rebuilds it from
//! the server (inbox pull from sequence 0, conversation list, cloud history) and reports the
//! move with [`Event::DatabaseRecovered`](crate::Event::DatabaseRecovered).

use super::searchable;
use crate::error::{ImError, ImResult, code};
use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};

/// Migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_messages.sql"),
    include_str!("migrations/002_drafts.sql"),
    include_str!("migrations/003_conversations.sql"),
    include_str!("migrations/004_conversation_statuses.sql"),
    include_str!("migrations/005_inbox_epoch.sql"),
    include_str!("migrations/006_owner.sql"),
    include_str!("migrations/007_group_cursors.sql"),
    include_str!("migrations/008_message_options.sql"),
    include_str!("migrations/009_lean_text_index.sql"),
];

/// Prepared statements kept per connection: every statement of the API, with room for the
/// per-count variants of paged queries.
const STATEMENT_CACHE: usize = 128;

/// An open database, and where a corrupted predecessor was moved if it had to be.
pub(super) struct Opened {
    pub conn: Connection,
    pub moved_aside: Option<PathBuf>,
}

/// Opens `file` in WAL mode and migrates it to the latest schema, moving a corrupted file
/// aside and starting afresh (see the module documentation).
pub(super) fn open(file: &Path) -> ImResult<Opened> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| ImError::new(code::DATABASE_ERROR, format!("{}: {e}", dir.display())))?;
    }
    match open_and_migrate(file) {
        Ok(conn) => Ok(Opened {
            conn,
            moved_aside: None,
        }),
        Err(e) if is_corruption(&e) => {
            let aside = move_aside(file)?;
            let conn = open_and_migrate(file)?;
            Ok(Opened {
                conn,
                moved_aside: Some(aside),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens a read-only connection to the (already migrated) database at `file`.
pub(super) fn open_reader(file: &Path) -> ImResult<Connection> {
    let conn = Connection::open_with_flags(
        file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Searches read the text of messages still waiting to be indexed through it.
    searchable::register(&conn)?;
    Ok(conn)
}

/// Records `user_id` as the owner of a database that has none yet; 33002 if another user owns
/// it (the database is then left untouched).
pub(super) fn claim(conn: &Connection, user_id: &str) -> ImResult<()> {
    conn.execute(
        "UPDATE sync_state SET owner_user_id = ?1 WHERE id = 1 AND owner_user_id IS NULL",
        [user_id],
    )?;
    let owner: String = conn.query_row(
        "SELECT owner_user_id FROM sync_state WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    if owner == user_id {
        Ok(())
    } else {
        Err(ImError::new(
            code::DATABASE_ERROR,
            "this database belongs to another user",
        ))
    }
}

fn open_and_migrate(file: &Path) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(file)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    searchable::register(&conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        super::checkpoint::BACKSTOP_PAGES,
    )?;
    conn.pragma_update(
        None,
        "journal_size_limit",
        super::checkpoint::WAL_LIMIT_BYTES,
    )?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Renames `file` and its WAL/shared-memory files to `<file>.corrupt-<ms>[-wal|-shm]`.
fn move_aside(file: &Path) -> ImResult<PathBuf> {
    let aside = PathBuf::from(format!(
        "{}.corrupt-{}",
        file.display(),
        crate::time::now_ms()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", file.display()));
        let to = PathBuf::from(format!("{}{suffix}", aside.display()));
        if from.exists() {
            std::fs::rename(&from, &to).map_err(|e| {
                ImError::new(
                    code::DATABASE_ERROR,
                    format!("moving corrupted {} aside: {e}", from.display()),
                )
            })?;
        }
    }
    Ok(aside)
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
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
        let conn = open(&file).unwrap().conn;
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
    fn upgrading_a_version_2_database_builds_conversations_and_the_search_index() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("imcore.db");
        {
            let conn = Connection::open(&file).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(MIGRATIONS[1]).unwrap();
            conn.pragma_update(None, "user_version", 2).unwrap();
            conn.execute_batch(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
                 object_name, content, sent_time, sent_status) VALUES \
                 ('U1', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{\"content\":\"old hello\"}', 5, 30), \
                 ('U2', 1, 'bob', 'me', 1, 'RC:TxtMsg', '{\"content\":\"newer\"}', 9, 30), \
                 ('U3', 3, 'g', 'ann', 2, 'RC:ImgMsg', '{}', 7, 30);",
            )
            .unwrap();
        }
        let conn = open(&file).unwrap().conn;
        let latest: Vec<(String, String, i64)> = conn
            .prepare(
                "SELECT c.target_id, m.message_uid, c.sent_time FROM conversations c \
                 JOIN messages m ON m.message_id = c.latest_message_id ORDER BY c.sent_time",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            latest,
            [("g".into(), "U3".into(), 7), ("bob".into(), "U2".into(), 9)]
        );
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM message_text WHERE text MATCH 'hello'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
    }

    #[test]
    fn upgrading_a_version_3_database_keeps_conversations_and_starts_status_sync_from_zero() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("imcore.db");
        {
            let conn = Connection::open(&file).unwrap();
            searchable::register(&conn).unwrap();
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
                 object_name, content, sent_time, sent_status) VALUES \
                 ('U1', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{\"content\":\"hi\"}', 5, 30); \
                 INSERT INTO conversations (conversation_type, target_id, latest_message_id, sent_time, \
                   unread_count, is_top, notification_status) VALUES (1, 'bob', 1, 5, 1, 1, 1); \
                 UPDATE sync_state SET inbox_seq = 42;",
            )
            .unwrap();
        }
        let conn = open(&file).unwrap().conn;
        let kept: (i64, bool, i32, i64) = conn
            .query_row(
                "SELECT unread_count, is_top, notification_status, status_version \
                 FROM conversations WHERE target_id = 'bob'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(kept, (1, true, 1, 0));
        let sync: (i64, i64) = conn
            .query_row("SELECT inbox_seq, status_cursor FROM sync_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(sync, (42, 0));
    }

    #[test]
    fn upgrading_a_version_8_database_rebuilds_the_text_index_with_the_waiting_messages() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("imcore.db");
        {
            let conn = Connection::open(&file).unwrap();
            searchable::register(&conn).unwrap();
            for sql in &MIGRATIONS[..8] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", 8).unwrap();
            conn.execute_batch(
                "INSERT INTO messages (message_uid, conversation_type, target_id, sender_user_id, direction, \
                 object_name, content, sent_time, sent_status) VALUES \
                 ('U1', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{\"content\":\"indexed hello\"}', 5, 30), \
                 ('U2', 1, 'bob', 'bob', 2, 'RC:TxtMsg', '{\"content\":\"waiting hello\"}', 6, 30), \
                 ('U3', 1, 'bob', 'bob', 2, 'RC:ImgMsg', '{}', 7, 30); \
                 INSERT INTO message_text (rowid, text) VALUES (1, 'indexed hello'); \
                 INSERT INTO message_text_pending (message_id) VALUES (2);",
            )
            .unwrap();
        }
        let conn = open(&file).unwrap().conn;
        let counts: (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM message_text), \
                 (SELECT count(*) FROM message_text WHERE text MATCH 'hello'), \
                 (SELECT count(*) FROM message_text_pending)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(counts, (2, 2, 0));
        conn.execute("DELETE FROM messages WHERE message_uid = 'U2'", [])
            .unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM message_text", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 1, "the delete trigger keeps the new index in step");
    }

    #[test]
    fn a_corrupted_file_is_moved_aside_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("imcore.db");
        std::fs::write(&file, vec![0x5a; 8192]).unwrap();
        let opened = open(&file).unwrap();
        let aside = opened.moved_aside.clone().expect("moved aside");
        assert_eq!(
            std::fs::read(&aside).unwrap(),
            vec![0x5a; 8192],
            "kept untouched"
        );
        assert!(aside.display().to_string().contains("imcore.db.corrupt-"));
        let v: i64 = opened
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
        drop(opened);
        assert!(open(&file).unwrap().moved_aside.is_none());
    }

    #[test]
    fn a_database_serves_only_the_user_who_claimed_it_first() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("imcore.db")).unwrap().conn;
        claim(&conn, "a.b").unwrap();
        claim(&conn, "a.b").unwrap();
        let refused = claim(&conn, "x612e62").unwrap_err();
        assert_eq!(refused.code, code::DATABASE_ERROR);
    }

    #[test]
    fn migrates_once_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/imcore.db");
        drop(open(&file).unwrap());
        let conn = open(&file).unwrap().conn;
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, MIGRATIONS.len());
    }
}
