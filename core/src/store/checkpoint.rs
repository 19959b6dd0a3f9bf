//! Background WAL checkpoints, so that the fsync of a checkpoint never stalls a commit.
//!
//! The database thread's own connection only checkpoints as a backstop (`wal_autocheckpoint`
//! of [`BACKSTOP_PAGES`], reached during a large import); this thread runs a PASSIVE
//! checkpoint on its own connection twice a second, which never blocks writers. It ends when
//! the database thread ends. Once a checkpoint has copied the whole WAL back, the next commit
//! starts the WAL over and cuts the file back to [`WAL_LIMIT_BYTES`] (`journal_size_limit`), so
//! the file stays about that size plus one transaction while open; the last connection to
//! close removes it (see `actor`).

use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// How often the WAL is copied back into the database.
const INTERVAL: Duration = Duration::from_millis(500);

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
            while let Err(RecvTimeoutError::Timeout) = alive.recv_timeout(INTERVAL) {
                // A failed passive checkpoint is retried next time; the backstop still bounds the WAL.
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        })
        .ok()
}
