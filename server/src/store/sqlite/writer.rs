//! The writer: one transaction at a time, with group commit.
//!
//! Every write is a job; jobs run in submission order, in batches: one transaction for the
//! batch, each job inside its own `SAVEPOINT` (a failing job is rolled back alone), one commit,
//! and only then each job's completion, in submission order (so completions, which queue
//! pushes, run in commit order).
//!
//! Batches normally run on the writer thread, which takes every queued job (up to
//! [`MAX_BATCH`]) at once. A job submitted with [`Writer::submit_eager`] while the writer is
//! idle (nothing running, nothing queued) instead runs at once on the submitting thread, in a
//! batch of its own: a lone message then costs no wake-up of the writer thread and no wake-up
//! back. Whoever runs a batch holds the *turn*; jobs submitted meanwhile queue up, and the turn
//! then passes to the writer thread, which commits them together.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
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

/// The database, used only by whoever holds the turn.
struct Db {
    conn: Connection,
    clock: SentClock,
}

/// Jobs waiting, and who is responsible for them.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    /// Someone holds the turn: a batch is running, and the holder passes the turn on (to the
    /// writer thread if jobs queued up meanwhile). Jobs are queued only while this is set.
    busy: bool,
    /// The turn is the writer thread's.
    thread_turn: bool,
    /// No more jobs are accepted; the thread stops once the queued ones are done.
    stopping: bool,
}

/// What the writer thread and the submitters share.
struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the writer thread: its turn, or stopping.
    wake: Condvar,
    db: Mutex<Db>,
}

impl Shared {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        // Only the turn bookkeeping is guarded, and it stays consistent even if a holder panicked.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `jobs` as one batch (the caller holds the turn).
    fn run_batch(&self, jobs: Vec<Job>) {
        let mut db = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        let Db { conn, clock } = &mut *db;
        run_batch(conn, clock, jobs);
    }
}

/// Holding the turn on a submitting thread; dropping it (also when unwinding) passes it on.
struct InlineTurn<'a>(&'a Shared);

impl Drop for InlineTurn<'_> {
    fn drop(&mut self) {
        let mut queue = self.0.queue();
        if queue.jobs.is_empty() {
            queue.busy = false;
            if queue.stopping {
                self.0.wake.notify_all();
            }
        } else {
            queue.thread_turn = true;
            self.0.wake.notify_all();
        }
    }
}

/// Handle to the writer.
pub struct Writer {
    shared: Arc<Shared>,
    /// The writer thread, then any helper threads that end with it.
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Writer {
    /// Starts the writer thread on `conn`, stamping messages with `clock`.
    pub fn start(conn: Connection, clock: SentClock) -> Result<Self, StoreError> {
        Self::start_with(conn, clock, || {})
    }

    /// Starts the writer thread on the database file `file` opened as `conn`, with the
    /// background checkpoint thread (see [`super::checkpoint`]) that lives as long as it.
    pub fn start_with_checkpoints(
        conn: Connection,
        clock: SentClock,
        file: std::path::PathBuf,
    ) -> Result<Self, StoreError> {
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)?;
        let (alive, alive_seen) = std::sync::mpsc::channel::<()>();
        // Dropping `alive` when the writer thread ends stops the checkpoint thread.
        let writer = Self::start_with(conn, clock, move || drop(alive))?;
        writer.threads().extend(checkpoint::spawn(file, alive_seen));
        Ok(writer)
    }

    /// Starts the writer thread, which calls `at_end` when it stops.
    fn start_with(
        conn: Connection,
        clock: SentClock,
        at_end: impl FnOnce() + Send + 'static,
    ) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            db: Mutex::new(Db { conn, clock }),
        });
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("imserver-writer".into())
            .spawn(move || {
                run(&for_thread);
                at_end();
            })?;
        Ok(Writer {
            shared,
            threads: Mutex::new(vec![thread]),
        })
    }

    fn threads(&self) -> MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.threads.lock().unwrap_or_else(PoisonError::into_inner)
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
    /// of its result, resolved once its batch has committed. `after_commit` runs right after
    /// the commit, in commit order relative to other jobs' hooks (and only if the job
    /// succeeded).
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
    /// `complete` right after the commit of its batch, in commit order relative to other
    /// jobs' completions, with `Ok` only if the job succeeded and the batch committed.
    /// `complete` runs exactly once: with [`StoreError::Closed`] if the job never ran (the
    /// store stopped) or panicked (then at once, ahead of its batch's commit; such a job
    /// changed nothing). It must not block or panic.
    pub fn submit_with<T, W, C>(&self, work: W, complete: C)
    where
        T: Send + 'static,
        W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
        C: FnOnce(Result<T, StoreError>) + Send + 'static,
    {
        self.enqueue(job(work, complete), false);
    }

    /// Like [`Writer::submit_with`], but if the writer is idle the job runs at once on the
    /// calling thread, in a batch of its own (which then blocks this call for one commit: no
    /// fsync, checkpoints run in the background). For short jobs on the latency-critical
    /// path; anything queued meanwhile is left to the writer thread.
    pub fn submit_eager<T, W, C>(&self, work: W, complete: C)
    where
        T: Send + 'static,
        W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
        C: FnOnce(Result<T, StoreError>) + Send + 'static,
    {
        self.enqueue(job(work, complete), true);
    }

    /// Queues `job`, or with `eager` runs it here if the writer is idle.
    fn enqueue(&self, job: Job, eager: bool) {
        let mut queue = self.shared.queue();
        if queue.stopping {
            drop(queue);
            // Dropping the job completes it with `StoreError::Closed`.
            drop(job);
            return;
        }
        if queue.busy || !eager {
            queue.jobs.push_back(job);
            if !queue.busy {
                queue.busy = true;
                queue.thread_turn = true;
                self.shared.wake.notify_all();
            }
            return;
        }
        queue.busy = true;
        drop(queue);
        let _turn = InlineTurn(&self.shared);
        self.shared.run_batch(vec![job]);
    }

    /// Finishes the queued jobs, then stops the thread (and its helpers) and waits for them.
    /// Jobs submitted from now on complete with [`StoreError::Closed`].
    pub fn stop(&self) {
        self.shared.queue().stopping = true;
        self.shared.wake.notify_all();
        let threads = std::mem::take(&mut *self.threads());
        for thread in threads {
            if thread.join().is_err() {
                tracing::error!("a store thread panicked");
            }
        }
    }
}

impl Drop for Writer {
    /// Lets the writer thread finish the queued jobs and end (without waiting for it).
    fn drop(&mut self) {
        self.shared.queue().stopping = true;
        self.shared.wake.notify_all();
    }
}

/// Wraps `work` and its completion into a job.
fn job<T, W, C>(work: W, complete: C) -> Job
where
    T: Send + 'static,
    W: FnOnce(&mut WriteTx<'_>) -> Result<T, StoreError> + Send + 'static,
    C: FnOnce(Result<T, StoreError>) + Send + 'static,
{
    let mut completion = Completion(Some(complete), PhantomData);
    Box::new(move |tx| {
        let result = work(tx);
        Ran {
            succeeded: result.is_ok(),
            finish: Box::new(move |committed| completion.complete(committed.and(result))),
        }
    })
}

/// The writer thread's loop: wait for its turn, run batches while jobs are queued, pass the
/// turn back; end once stopping with nothing left.
fn run(shared: &Shared) {
    let mut queue = shared.queue();
    loop {
        if queue.thread_turn {
            let take = queue.jobs.len().min(MAX_BATCH);
            let jobs: Vec<Job> = queue.jobs.drain(..take).collect();
            drop(queue);
            shared.run_batch(jobs);
            queue = shared.queue();
            if queue.jobs.is_empty() {
                queue.thread_turn = false;
                queue.busy = false;
            }
        } else if queue.stopping && !queue.busy {
            break;
        } else {
            queue = shared
                .wake
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
    drop(queue);
    tracing::debug!("writer thread stopped");
}

/// Runs `jobs` in one transaction, each in its own savepoint, then completes them in order.
/// A lone job runs without a savepoint: if it fails, the whole transaction is rolled back.
fn run_batch(conn: &Connection, clock: &mut SentClock, mut jobs: Vec<Job>) {
    if let Err(e) = exec_cached(conn, "BEGIN IMMEDIATE") {
        tracing::error!(error = %e, "cannot begin write transaction");
        // Dropping a job completes it with `StoreError::Closed`.
        drop(jobs);
        return;
    }
    let mut finishes = Vec::with_capacity(jobs.len());
    let mut keep = true;
    if jobs.len() == 1
        && let Some(job) = jobs.pop()
    {
        let (succeeded, finish) = run_lone_job(conn, clock, job);
        keep = succeeded;
        finishes.push(finish);
    }
    for job in jobs {
        finishes.push(run_job(conn, clock, job));
    }
    let committed = if keep {
        exec_cached(conn, "COMMIT").map_err(|e| {
            tracing::error!(error = %e, "batch commit failed");
            let _ = exec_cached(conn, "ROLLBACK");
            StoreError::Commit(e.to_string())
        })
    } else {
        // The lone job failed: nothing to keep. Its own error is its outcome.
        if let Err(e) = exec_cached(conn, "ROLLBACK") {
            tracing::error!(error = %e, "cannot roll back a failed job");
        }
        Ok(())
    };
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

/// Runs the only job of a batch directly in the transaction; false if it failed or panicked
/// (the caller then rolls the transaction back).
fn run_lone_job(conn: &Connection, clock: &mut SentClock, job: Job) -> (bool, Finish) {
    match catch_unwind(AssertUnwindSafe(|| job(&mut WriteTx { conn, clock }))) {
        Ok(Ran { succeeded, finish }) => (succeeded, finish),
        Err(_) => {
            tracing::error!("a write job panicked; its changes were rolled back");
            // The job's completion ran (with `StoreError::Closed`) as it unwound.
            (false, Box::new(|_| {}))
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

    /// The thread a completion ran on, reported through a channel.
    fn report_thread(
        done: &std::sync::mpsc::Sender<(i64, std::thread::ThreadId)>,
    ) -> impl FnOnce(Result<i64, StoreError>) + Send + 'static {
        let done = done.clone();
        move |outcome| {
            done.send((outcome.unwrap(), std::thread::current().id()))
                .unwrap()
        }
    }

    #[test]
    fn an_eager_job_runs_at_once_on_the_caller_when_the_writer_is_idle() {
        let writer = writer();
        let (done, completions) = std::sync::mpsc::channel();
        writer.submit_eager(insert(1), report_thread(&done));
        // Completed before `submit_eager` returned, here.
        assert_eq!(
            completions.try_recv().unwrap(),
            (1, std::thread::current().id())
        );
        writer.stop();
    }

    #[test]
    fn eager_jobs_queue_behind_a_running_batch_and_commit_together_in_order() {
        let writer = writer();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        writer.submit_with(
            move |_| {
                started.send(()).unwrap();
                released.recv().ok();
                Ok(0)
            },
            |_| {},
        );
        running.recv().unwrap();
        let (done, completions) = std::sync::mpsc::channel();
        for v in 1..=3 {
            writer.submit_eager(insert(v), report_thread(&done));
        }
        assert!(completions.try_recv().is_err());
        release.send(()).unwrap();
        let got: Vec<_> = (0..3).map(|_| completions.recv().unwrap()).collect();
        assert_eq!(
            got.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        // On the writer thread, not here.
        assert!(got.iter().all(|(_, t)| *t != std::thread::current().id()));
        // Once the thread has passed the turn back (just after those completions), the writer
        // is idle again.
        std::thread::sleep(std::time::Duration::from_millis(50));
        writer.submit_eager(insert(4), report_thread(&done));
        assert_eq!(
            completions.try_recv().unwrap(),
            (4, std::thread::current().id())
        );
        writer.stop();
    }

    #[test]
    fn a_job_panicking_on_the_caller_passes_the_turn_on() {
        let writer = writer();
        let (done, completions) = std::sync::mpsc::channel();
        let closed = done.clone();
        writer.submit_eager(
            |_| -> Result<i64, StoreError> { panic!("boom") },
            move |outcome| {
                assert!(matches!(outcome, Err(StoreError::Closed)));
                closed.send((0, std::thread::current().id())).unwrap();
            },
        );
        assert_eq!(completions.try_recv().unwrap().0, 0);
        writer.submit_eager(insert(5), report_thread(&done));
        assert_eq!(completions.try_recv().unwrap().0, 5);
        writer.stop();
    }

    #[tokio::test]
    async fn a_lone_failing_job_leaves_nothing_behind() {
        let writer = writer();
        let failed = writer
            .write(|tx| {
                insert(2)(tx)?;
                insert(2)(tx) // violates UNIQUE after the first insert went in
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Sqlite(_))));
        assert_eq!(count(&writer).await, 0);
        assert_eq!(writer.write(insert(2)).await.unwrap(), 2);
        assert_eq!(count(&writer).await, 1);
        writer.stop();
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
