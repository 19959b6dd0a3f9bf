//! Background WAL checkpoints, so that the fsync of a checkpoint never stalls a commit.
//!
//! The database thread's own connection only checkpoints as a backstop (`wal_autocheckpoint`
//! of [`BACKSTOP_PAGES`], reached during a large import); this thread runs a PASSIVE
//! checkpoint on its own connection, which never blocks writers: twice a second while the
//! database is quiet, every [`BUSY_INTERVAL`] while the last one found pages to copy, so live
//! traffic keeps the WAL under the backstop and no commit waits for a checkpoint. It ends when
//! the database thread ends. Once a checkpoint has copied the whole WAL back, the next commit
//! starts the WAL over and cuts the file back to [`WAL_LIMIT_BYTES`] (`journal_size_limit`), so
//! the file stays about that size plus one transaction while open; the last connection to
//! close removes it (see `actor`).

use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// How often the WAL is copied back into the database while nothing is written.
const IDLE_INTERVAL: Duration = Duration::from_millis(500);

/// How often while the last checkpoint copied pages.
const BUSY_INTERVAL: Duration = Duration::from_millis(50);

/// WAL pages (4 KiB) after which a committing connection checkpoints by itself (the
/// backstop): a bulk import pays one checkpoint per 4 MB written, live traffic never reaches it.
pub(super) const BACKSTOP_PAGES: i64 = 1_000;

/// Size the WAL file is cut back to once a checkpoint let it start over.
pub(super) const WAL_LIMIT_BYTES: i64 = 4 * 1024 * 1024;

/// Starts the checkpoint thread for `file`; it stops when `alive`'s sender is dropped.
/// `None` if the thread could not start (the backstop alone then keeps the WAL bounded).
pub(super) fn spawn(file: PathBuf, alive: Receiver<()>) -> Option<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name("imcore-checkpoint".into())
        .spawn(move || {
            let Ok(conn) = Connection::open(&file) else {
                return;
            };
            let mut interval = IDLE_INTERVAL;
            while let Err(RecvTimeoutError::Timeout) = alive.recv_timeout(interval) {
                // A failed passive checkpoint is retried later; the backstop still bounds the WAL.
                let copied = conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                        row.get::<_, i64>(2)
                    })
                    .unwrap_or(0);
                interval = if copied > 0 {
                    BUSY_INTERVAL
                } else {
                    IDLE_INTERVAL
                };
            }
        })
        .ok()
}
