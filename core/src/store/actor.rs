//! The database thread and the closure mailbox that feeds it, plus a read connection.
//!
//! Writes go to the database thread ([`Store::call`]). Its connection sits behind a mutex so
//! that the session can also commit received messages in place ([`Store::call_here`]) on its
//! network thread, saving two thread wake-ups on the delivery path. Reads run in place on the
//! calling thread over a second, read-only connection ([`Store::read`]): WAL lets them run
//! while a write commits, and a read of a few microseconds does not pay two thread wake-ups.

use super::{checkpoint, schema, searchable};
use crate::error::{ImError, ImResult, code};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::Instant;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// How long live messages wait before their text is indexed together (searches scan them
/// meanwhile).
pub(super) const INDEX_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// Handle to one open database; cloning shares the same thread.
#[derive(Clone)]
pub(crate) struct Store {
    // Field order matters: dropping the last clone closes the read connection, then drops the
    // job sender (which ends the database thread's loop) before `closing` waits for the
    // thread. The write connection is thus the last one to close, and SQLite's last close
    // checkpoints the WAL into the database file and deletes `-wal` and `-shm` (a read-only
    // connection closing last cannot, and would leave them behind).
    reader: Arc<Mutex<Connection>>,
    conn: Arc<Mutex<Connection>>,
    jobs: mpsc::Sender<Job>,
    /// A job indexing the live messages' text is queued (see `searchable`).
    indexing_queued: Arc<AtomicBool>,
    _closing: Arc<Closing>,
}

/// Waits for the database thread when the last handle goes, so that the file is closed once
/// the client let go of it (after `logout` or `destroy`, it may be moved or deleted).
struct Closing(Option<thread::JoinHandle<()>>);

impl Drop for Closing {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take()
            && thread.thread().id() != thread::current().id()
        {
            let _ = thread.join();
        }
    }
}

/// The database thread's loop: runs jobs in order, and the batch of live messages' text
/// [`INDEX_DELAY`] after `index_requested` was set (or when the store closes).
fn serve(inbox: &mpsc::Receiver<Job>, conn: &Mutex<Connection>, index_requested: &AtomicBool) {
    let mut index_at: Option<Instant> = None;
    loop {
        let next = match index_at {
            Some(at) => inbox.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(job) => job(&mut lock(conn)),
            Err(RecvTimeoutError::Timeout) => {
                index_at = None;
                index_requested.store(false, Ordering::Release);
                // A failure leaves the rows waiting; the next batch or the next open retries.
                let _ = searchable::index_pending(&mut lock(conn));
            }
            Err(RecvTimeoutError::Disconnected) => {
                if index_requested.load(Ordering::Acquire) {
                    let _ = searchable::index_pending(&mut lock(conn));
                }
                return;
            }
        }
        if index_at.is_none() && index_requested.load(Ordering::Acquire) {
            index_at = Some(Instant::now() + INDEX_DELAY);
        }
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    /// Opens (creating and migrating) the database of `owner` at `file` on a new thread; also
    /// returns where a corrupted file was moved aside, if it was (see `schema`). 33002 if the
    /// file belongs to another user.
    pub(crate) async fn open(file: &Path, owner: &str) -> ImResult<(Store, Option<PathBuf>)> {
        let file = file.to_owned();
        let owner = owner.to_owned();
        let (ready_tx, ready_rx) = oneshot::channel();
        let (jobs, inbox) = mpsc::channel::<Job>();
        let indexing_queued = Arc::new(AtomicBool::new(false));
        let index_requested = Arc::clone(&indexing_queued);
        let thread = thread::Builder::new()
            .name("imcore-db".into())
            .spawn(move || {
                let opened = schema::open(&file).and_then(|opened| {
                    schema::claim(&opened.conn, &owner)?;
                    let reader = schema::open_reader(&file)?;
                    Ok((opened, reader))
                });
                let (conn, reader, moved_aside) = match opened {
                    Ok((opened, reader)) => (
                        Arc::new(Mutex::new(opened.conn)),
                        Arc::new(Mutex::new(reader)),
                        opened.moved_aside,
                    ),
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                // Live messages a crash left unindexed, before anyone else can write.
                let _ = searchable::index_pending(&mut lock(&conn));
                let _ = ready_tx.send(Ok((Arc::clone(&conn), reader, moved_aside)));
                let (alive, checkpoint_alive) = mpsc::channel::<()>();
                let checkpoints = checkpoint::spawn(file.clone(), checkpoint_alive);
                serve(&inbox, &conn, &index_requested);
                // The checkpoint connection closes before the write connection (see `Store`).
                drop(alive);
                if let Some(checkpoints) = checkpoints {
                    let _ = checkpoints.join();
                }
                drop(conn);
            })
            .map_err(|e| ImError::new(code::DATABASE_ERROR, format!("database thread: {e}")))?;
        let (conn, reader, moved_aside) = ready_rx
            .await
            .map_err(|_| ImError::new(code::DATABASE_ERROR, "database thread ended"))??;
        let closing = Arc::new(Closing(Some(thread)));
        Ok((
            Store {
                reader,
                conn,
                jobs,
                indexing_queued,
                _closing: closing,
            },
            moved_aside,
        ))
    }

    /// Has the database thread index the text of live messages in one batch, [`INDEX_DELAY`]
    /// after the first of them (one index flush for all that arrive meanwhile).
    pub(crate) fn index_soon(&self) {
        if !self.indexing_queued.swap(true, Ordering::AcqRel) {
            // Wakes the thread so that it starts counting.
            let _ = self.jobs.send(Box::new(|_| {}));
        }
    }

    /// Runs the read `f` on the calling thread over the read-only connection; it sees every
    /// write that completed before. Never on the network thread (a debug build checks).
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Connection) -> ImResult<R>) -> ImResult<R> {
        debug_assert_ne!(
            thread::current().name(),
            Some(crate::client::NETWORK_THREAD),
            "a database read on the network thread would delay delivery and heartbeats"
        );
        f(&lock(&self.reader))
    }

    /// Runs `f` on the calling thread (it blocks for as long as `f` and any job in progress).
    pub(crate) fn call_here<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> ImResult<R>,
    ) -> ImResult<R> {
        f(&mut lock(&self.conn))
    }

    /// Runs `f` on the database thread and returns its result.
    pub(crate) async fn call<R, F>(&self, f: F) -> ImResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> ImResult<R> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.jobs
            .send(job)
            .map_err(|_| ImError::new(code::DATABASE_ERROR, "database is closed"))?;
        rx.await
            .map_err(|_| ImError::new(code::DATABASE_ERROR, "database job was dropped"))?
    }
}
