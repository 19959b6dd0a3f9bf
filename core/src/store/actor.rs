//! The database thread and the closure mailbox that feeds it.

use super::{checkpoint, schema};
use crate::error::{ImError, ImResult, code};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Handle to one open database; cloning shares the same thread.
#[derive(Clone)]
pub(crate) struct Store {
    jobs: mpsc::Sender<Job>,
}

impl Store {
    /// Opens (creating and migrating) the database at `file` on a new thread.
    pub(crate) async fn open(file: &Path) -> ImResult<Store> {
        let file = file.to_owned();
        let (ready_tx, ready_rx) = oneshot::channel();
        let (jobs, inbox) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("imcore-db".into())
            .spawn(move || {
                let mut conn = match schema::open(&file) {
                    Ok(conn) => {
                        let _ = ready_tx.send(Ok(()));
                        conn
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let (_alive, checkpoint_alive) = mpsc::channel::<()>();
                checkpoint::spawn(file.clone(), checkpoint_alive);
                for job in inbox {
                    job(&mut conn);
                }
            })
            .map_err(|e| ImError::new(code::DATABASE_ERROR, format!("database thread: {e}")))?;
        ready_rx
            .await
            .map_err(|_| ImError::new(code::DATABASE_ERROR, "database thread ended"))??;
        Ok(Store { jobs })
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
