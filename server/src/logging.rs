//! Logging that never takes the server down: a log line that cannot be written (a full disk
//! under the log file, a closed pipe, `/dev/full`) is dropped and counted, never an error or a
//! panic (tracing's own fallback would `eprintln!`, which panics when stderr fails, and a log
//! call while unwinding from that panic aborts the process).

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

/// Wraps a [`MakeWriter`] so that every write succeeds: failed writes are dropped and counted.
#[derive(Debug, Clone)]
pub struct LossyWriter<M> {
    inner: M,
    lost: Arc<AtomicU64>,
}

impl<M> LossyWriter<M> {
    /// Log output to `inner`, dropping what it fails to take.
    pub fn new(inner: M) -> Self {
        LossyWriter {
            inner,
            lost: Arc::default(),
        }
    }

    /// How many writes failed (and were dropped) so far.
    pub fn lost(&self) -> u64 {
        self.lost.load(Ordering::Relaxed)
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for LossyWriter<M> {
    type Writer = LossyWrite<'a, M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        LossyWrite {
            inner: self.inner.make_writer(),
            lost: &self.lost,
        }
    }
}

/// One log line's writer (see [`LossyWriter`]).
#[derive(Debug)]
pub struct LossyWrite<'a, W> {
    inner: W,
    lost: &'a AtomicU64,
}

impl<W: Write> Write for LossyWrite<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.inner.write(buf) {
            Ok(written) => Ok(written),
            Err(_) => {
                self.lost.fetch_add(1, Ordering::Relaxed);
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.inner.flush().is_err() {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Installs the process's logger: [`subscriber`] over `output`. Returns the writer, to read
/// how many lines were lost.
pub fn init<M>(level: &str, output: M, ansi: bool) -> LossyWriter<M>
where
    M: for<'a> MakeWriter<'a> + Clone + Send + Sync + 'static,
{
    let writer = LossyWriter::new(output);
    subscriber(level, writer.clone(), ansi).init();
    writer
}

/// Lines at `level` (a tracing `EnvFilter` directive; `info` if it does not parse) written to
/// `writer`, with colours if `ansi`.
pub fn subscriber<M>(
    level: &str,
    writer: LossyWriter<M>,
    ansi: bool,
) -> impl Subscriber + Send + Sync + 'static
where
    M: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(ansi)
        // Its fallback for a failed write is `eprintln!`, which panics if stderr fails too.
        .log_internal_errors(false)
        .with_env_filter(EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info")))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose every write and flush fails, like `/dev/full`.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28)) // ENOSPC
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(28))
        }
    }

    #[test]
    fn failed_writes_succeed_and_are_counted() {
        let writer = LossyWriter::new(|| Full);
        let mut line = writer.make_writer();
        assert_eq!(line.write(b"hello").unwrap(), 5);
        line.write_all(b"a whole line\n").unwrap();
        line.flush().unwrap();
        assert_eq!(writer.lost(), 3);
    }

    #[test]
    fn working_writes_pass_through() {
        let writer = LossyWriter::new(Vec::<u8>::new);
        let mut line = writer.make_writer();
        line.write_all(b"fine\n").unwrap();
        line.flush().unwrap();
        assert_eq!(writer.lost(), 0);
    }

    #[test]
    fn events_logged_to_a_full_output_do_not_panic() {
        let writer = LossyWriter::new(|| Full);
        tracing::subscriber::with_default(subscriber("debug", writer.clone(), false), || {
            tracing::error!("the disk is full");
            tracing::info!(lines = 2, "still serving");
        });
        assert!(writer.lost() >= 2);
    }
}
