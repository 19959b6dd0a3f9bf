//! Background WAL checkpoints, so that no commit ever waits for a checkpoint's fsync.
//!
//! The writer connection only checkpoints as a backstop (`wal_autocheckpoint` of
//! [`BACKSTOP_PAGES`]); this thread runs a PASSIVE checkpoint on its own connection every
//! [`INTERVAL`]. A passive checkpoint takes no lock that the writer or the readers wait for,
//! so commits keep appending to the WAL while the checkpoint copies and syncs.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the WAL is copied back into the database.
const INTERVAL: Duration = Duration::from_millis(500);

/// WAL pages after which the committing writer checkpoints by itself (the backstop, should
/// the background checkpoints fall behind).
pub(super) const BACKSTOP_PAGES: i64 = 10_000;

/// Starts the checkpoint thread for the database at `file`; it stops once `alive`'s sender is
/// dropped. `None` if the thread could not be started (the backstop then bounds the WAL).
pub(super) fn spawn(file: PathBuf, alive: Receiver<()>) -> Option<JoinHandle<()>> {
    let started = std::thread::Builder::new()
        .name("imserver-checkpoint".into())
        .spawn(move || {
            let conn = match Connection::open(&file) {
                Ok(conn) => conn,
                Err(e) => {
                    tracing::warn!(error = %e, "checkpoint connection failed; WAL bounded by the backstop only");
                    return;
                }
            };
            while let Err(RecvTimeoutError::Timeout) = alive.recv_timeout(INTERVAL) {
                // A passive checkpoint that could not finish is simply retried next time.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::debug!(error = %e, "background checkpoint failed");
                }
            }
        });
    match started {
        Ok(thread) => Some(thread),
        Err(e) => {
            tracing::warn!(error = %e, "cannot start the checkpoint thread");
            None
        }
    }
}
