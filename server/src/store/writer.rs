//! The single writer thread, with group commit.
//!
//! Every write is a job sent over a channel. The thread takes all pending jobs (up to
//! [`MAX_BATCH`]), runs each inside its own `SAVEPOINT` of one transaction (a failing job is
//! rolled back alone), commits once, and only then completes each job in submission order:
//! first its `after_commit` hook (still on the writer thread, so hooks run in commit order),
//! then its answer.

use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::{StoreError, checkpoint};
use crate::clock::SentClock;

/// Most jobs committed together.
const MAX_BATCH: usize = 1024;

/// What a write job sees: the connection inside the open transaction, and the message clock.
pub struct WriteTx<'a> {
    /// Connection with the batch transaction (and the job's savepoint) open.
    pub conn: &'a Connection,
    /// Source of strictly increasing message `sent_time`s.
    pub clock: &'a mut SentClock,
}

/// Completes a job once the batch outcome is known.
type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A job after it ran: whether its savepoint is kept, and how to complete it.
struct Ran {
    succeeded: bool,
    finish: Finish,
}

/// A job's completion: called once with the outcome, or with [`StoreError::Closed`] when it is
/// dropped uncalled (the job was dropped without running, or panicked).
struct Completion<T, C: FnOnce(Result<T, StoreError>)>(Option<C>, PhantomData<fn(T)>);

impl<T, C: FnOnce(Result<T, StoreError>)> Completion<T, C> {
    fn complete(&mut self, outcome: Result<T, StoreError>) {
        if let Some(complete) = self.0.take() {
            complete(outcome);
        }
    }
}

impl<T, C: FnOnce(Result<T, StoreError>)> Drop for Completion<T, C> {
    fn drop(&mut self) {
        self.complete(Err(StoreError::Closed));
    }
}

/// A type-erased write job.
type Job = Box<dyn FnOnce(&mut WriteTx<'_>) -> Ran + Send>;

/// Messages to the writer thread.
enum Command {
    Job(Job),
    Stop,
}

/// Handle to the writer thread.
pub struct Writer {
    commands: mpsc::Sender<Command>,
    /// The writer thread, then any helper threads that end with it.
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Writer {
    /// Starts the writer thread on `conn`, stamping messages with `clock`.
    pub fn start(conn: Connection, clock: SentClock) -> Result<Self, StoreError> {
        let (commands, inbox) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("imserver-writer".into())
            .spawn(move || run(conn, clock, inbox))?;
        Ok(Writer {
            commands,
            threads: Mutex::new(vec![thread]),
        })
    }

    /// Starts the writer thread on the database file `file` opened as `conn`, with the
    /// background checkpoint thread (see [`super::checkpoint`]) that lives as long as it.
    pub fn start_with_checkpoints(
        conn: Connection,
        clock: SentClock,
        file: std::path::PathBuf,
    ) -> Result<Self, StoreError> {
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        let (alive, alive_seen) = mpsc::channel::<()>();
        let (commands, inbox) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("imserver-writer".into())
            .spawn(move || {
                run(conn, clock, inbox);
                // Ends the checkpoint thread.
                drop(alive);
            })?;
        let mut threads = vec![thread];
        threads.extend(checkpoint::spawn(file, alive_seen));
        Ok(Writer {
            commands,
            threads: Mutex::new(threads),
        })
    }

    /// Runs `work` in the next batch and returns its result once the batch has committed.
    pub async fn write<T, W>(&self, work: W) -> Result<T, StoreError>
    where
        T: Send + 'static,
        W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        self.submit(work, |_| {}).await
    }

    /// Queues `work` at once (jobs run in the order `submit` was called) and returns a future
    /// of its result, resolved once its batch has committed. `after_commit` runs on the writer
    /// thread right after the commit, in commit order relative to other jobs' hooks (and only
    /// if the job succeeded).
    pub fn submit<T, W, A>(
        &self,
        work: W,
        after_commit: A,
    ) -> impl Future<Output = Result<T, StoreError>> + Send + use<T, W, A>
    where
        T: Send + 'static,
        W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
        A: FnOnce(&T) + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        self.submit_with(work, move |outcome| {
            if let Ok(value) = &outcome {
                after_commit(value);
            }
            // The caller may have given up waiting; nothing to do then.
            let _ = answer.send(outcome);
        });
        async move { answered.await.map_err(|_| StoreError::Closed)? }
    }

    /// Queues `work` at once (jobs run in the order of submission) and hands its outcome to
    /// `complete` on the writer thread: right after the commit of its batch, in commit order
    /// relative to other jobs' completions, with `Ok` only if the job succeeded and the batch
    /// committed. `complete` runs exactly once: with [`StoreError::Closed`] if the job never
    /// ran (the store stopped) or panicked (then at once, ahead of its batch's commit; such a
    /// job changed nothing). It must not block or panic.
    pub fn submit_with<T, W, C>(&self, work: W, complete: C)
    where
        T: Send + 'static,
        W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
        C: FnOnce(Result<T, StoreError>) + Send + 'static,
    {
        let mut completion = Completion(Some(complete), PhantomData);
        let job: Job = Box::new(move |tx| {
            let result = work(tx);
            Ran {
                succeeded: result.is_ok(),
                finish: Box::new(move |committed| completion.complete(committed.and(result))),
            }
        });
        // If the writer has stopped, the job comes back here and dropping it completes it.
        let _ = self.commands.send(Command::Job(job));
    }

    /// Finishes the queued jobs, then stops the thread (and its helpers) and waits for them.
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
        let threads = match self.threads.lock() {
            Ok(mut guard) => std::mem::take(&mut *guard),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        for thread in threads {
            if thread.join().is_err() {
                tracing::error!("a store thread panicked");
            }
        }
    }
}

/// The writer thread's loop: batch, commit, complete.
fn run(conn: Connection, mut clock: SentClock, commands: mpsc::Receiver<Command>) {
    while let Ok(Command::Job(first)) = commands.recv() {
        let mut jobs = vec![first];
        let mut stop = false;
        while jobs.len() < MAX_BATCH {
            match commands.try_recv() {
                Ok(Command::Job(job)) => jobs.push(job),
                Ok(Command::Stop) => {
                    stop = true;
                    break;
                }
                Err(_) => break,
            }
        }
        run_batch(&conn, &mut clock, jobs);
        if stop {
            break;
        }
    }
    tracing::debug!("writer thread stopped");
}

/// Runs `jobs` in one transaction, each in its own savepoint, then completes them in order.
fn run_batch(conn: &Connection, clock: &mut SentClock, jobs: Vec<Job>) {
    if let Err(e) = exec_cached(conn, "BEGIN IMMEDIATE") {
        tracing::error!(error = %e, "cannot begin write transaction");
        // Dropping a job completes it with `StoreError::Closed`.
        drop(jobs);
        return;
    }
    let mut finishes = Vec::with_capacity(jobs.len());
    for job in jobs {
        finishes.push(run_job(conn, clock, job));
    }
    let committed = exec_cached(conn, "COMMIT").map_err(|e| {
        tracing::error!(error = %e, "batch commit failed");
        let _ = exec_cached(conn, "ROLLBACK");
        StoreError::Commit(e.to_string())
    });
    for finish in finishes {
        let outcome = match &committed {
            Ok(()) => Ok(()),
            Err(e) => Err(StoreError::Commit(e.to_string())),
        };
        if catch_unwind(AssertUnwindSafe(|| finish(outcome))).is_err() {
            tracing::error!("a write job's completion panicked");
        }
    }
}

/// Runs one statement without results through the connection's statement cache, so the
/// transaction-control statements of every batch are parsed once.
fn exec_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// Runs one job inside a savepoint, rolling it back alone if it fails or panics.
fn run_job(conn: &Connection, clock: &mut SentClock, job: Job) -> Finish {
    if let Err(e) = exec_cached(conn, "SAVEPOINT job") {
        tracing::error!(error = %e, "cannot open savepoint");
        // The dropped job completes with `StoreError::Closed`.
        return Box::new(|_| {});
    }
    let ran = catch_unwind(AssertUnwindSafe(|| job(&mut WriteTx { conn, clock })));
    let kept = matches!(
        &ran,
        Ok(Ran {
            succeeded: true,
            ..
        })
    );
    let ended = if kept {
        exec_cached(conn, "RELEASE job")
    } else {
        exec_cached(conn, "ROLLBACK TO job").and_then(|()| exec_cached(conn, "RELEASE job"))
    };
    if let Err(e) = ended {
        tracing::error!(error = %e, "cannot end savepoint");
    }
    match ran {
        Ok(ran) => ran.finish,
        Err(_) => {
            tracing::error!("a write job panicked; its changes were rolled back");
            Box::new(|_| {})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn writer() -> Arc<Writer> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")
            .unwrap();
        Arc::new(Writer::start(conn, SentClock::starting_after(0)).unwrap())
    }

    fn insert(v: i64) -> impl FnOnce(&mut WriteTx<'_>) -> Result<i64, StoreError> + Send {
        move |tx| {
            tx.conn.execute("INSERT INTO t (v) VALUES (?1)", [v])?;
            Ok(v)
        }
    }

    async fn count(writer: &Writer) -> i64 {
        writer
            .write(|tx| {
                Ok(tx
                    .conn
                    .query_row("SELECT count(*) FROM t", [], |r| r.get(0))?)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn commits_pending_jobs_together_and_completes_them_in_order() {
        let writer = writer();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let blocker = {
            let writer = writer.clone();
            tokio::spawn(async move {
                writer
                    .write(move |_| {
                        released.recv().ok();
                        Ok(())
                    })
                    .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let ran = Arc::new(AtomicUsize::new(0));
        let seen_at_commit = Arc::new(Mutex::new(Vec::new()));
        let mut waiting = Vec::new();
        for v in 0..20 {
            let (writer, ran, seen) = (writer.clone(), ran.clone(), seen_at_commit.clone());
            waiting.push(tokio::spawn(async move {
                let ran_in_job = ran.clone();
                writer
                    .submit(
                        move |tx| {
                            ran_in_job.fetch_add(1, Ordering::SeqCst);
                            insert(v)(tx)
                        },
                        move |v| seen.lock().unwrap().push((*v, ran.load(Ordering::SeqCst))),
                    )
                    .await
            }));
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        release.send(()).unwrap();
        blocker.await.unwrap().unwrap();
        for (v, handle) in waiting.into_iter().enumerate() {
            assert_eq!(handle.await.unwrap().unwrap(), v as i64);
        }
        let seen = seen_at_commit.lock().unwrap().clone();
        // Hooks ran in submission order, each after every job of the batch had run.
        assert_eq!(seen, (0..20).map(|v| (v, 20)).collect::<Vec<_>>());
        assert_eq!(count(&writer).await, 20);
        writer.stop();
    }

    #[tokio::test]
    async fn a_failing_job_is_rolled_back_alone() {
        let writer = writer();
        let (a, b, c) = tokio::join!(
            writer.write(insert(1)),
            writer.write(|tx| {
                insert(2)(tx)?;
                insert(1)(tx) // violates UNIQUE: this whole job must vanish
            }),
            writer.write(insert(3)),
        );
        assert_eq!(a.unwrap(), 1);
        assert!(matches!(b, Err(StoreError::Sqlite(_))));
        assert_eq!(c.unwrap(), 3);
        let values: Vec<i64> = writer
            .write(|tx| {
                let mut stmt = tx.conn.prepare("SELECT v FROM t ORDER BY v")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .await
            .unwrap();
        assert_eq!(values, vec![1, 3]);
        writer.stop();
    }

    #[test]
    fn completions_run_exactly_once_even_for_jobs_that_never_finish() {
        let writer = writer();
        let (done, completions) = std::sync::mpsc::channel();
        let report = |done: &std::sync::mpsc::Sender<_>| {
            let done = done.clone();
            move |outcome: Result<i64, StoreError>| {
                done.send(outcome.map_err(|e| e.to_string())).unwrap()
            }
        };
        writer.submit_with(insert(1), report(&done));
        writer.submit_with(
            |_| -> Result<i64, StoreError> { panic!("boom") },
            report(&done),
        );
        writer.submit_with(insert(1), report(&done)); // violates UNIQUE
        writer.stop();
        writer.submit_with(insert(2), report(&done));
        drop(done);
        let closed = Err(StoreError::Closed.to_string());
        let mut outcomes: Vec<_> = completions.iter().collect();
        assert_eq!(outcomes.len(), 4);
        // Refused after the stop: last.
        assert_eq!(outcomes.pop(), Some(closed.clone()));
        // The panicking job completed as it panicked (possibly before an earlier job's commit);
        // the others in submission order.
        let panicked = outcomes.iter().position(|o| *o == closed).unwrap();
        outcomes.remove(panicked).unwrap_err();
        assert_eq!(outcomes[0], Ok(1));
        assert!(outcomes[1].as_ref().is_err_and(|e| e.contains("UNIQUE")));
    }

    #[tokio::test]
    async fn a_panicking_job_does_not_stop_the_writer() {
        let writer = writer();
        let panicked = writer.write(|_| -> Result<(), StoreError> { panic!("boom") });
        assert!(matches!(panicked.await, Err(StoreError::Closed)));
        assert_eq!(writer.write(insert(7)).await.unwrap(), 7);
        writer.stop();
        assert!(matches!(
            writer.write(insert(8)).await,
            Err(StoreError::Closed)
        ));
    }
}
