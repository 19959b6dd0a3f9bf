//! When an HTTP connection is closed for being too slow or idle: a request's headers must
//! arrive within the header timeout of its first byte (or of the connection's start), and a
//! keep-alive connection may wait the idle timeout for its next request. While a request is
//! handled no deadline runs (its body has its own timeout, see `http::body`).
//!
//! [`Deadline`] holds the phase; [`TimedIo`] moves it from idle to reading headers when the
//! next request's first byte arrives; the connection's service marks requests started and
//! answered; [`Deadline::passed`] completes when the deadline in force has passed.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;
use tokio::time::Instant;

/// What a connection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Receiving a request's headers; closed at the instant given.
    Headers(Instant),
    /// A request is being handled or answered.
    Busy,
    /// Waiting for the next request; closed at the instant given.
    Idle(Instant),
}

/// One connection's deadline.
#[derive(Debug, Clone)]
pub struct Deadline {
    phase: Arc<watch::Sender<Phase>>,
    header_timeout: Duration,
    idle_timeout: Duration,
}

impl Deadline {
    /// A new connection's deadline: its first request's headers are due within
    /// `header_timeout`; between requests it may idle `idle_timeout`.
    pub fn start(header_timeout: Duration, idle_timeout: Duration) -> Self {
        let (phase, _) = watch::channel(Phase::Headers(Instant::now() + header_timeout));
        Deadline {
            phase: Arc::new(phase),
            header_timeout,
            idle_timeout,
        }
    }

    /// A request's headers are in: no deadline until it is answered.
    pub fn request_started(&self) {
        self.phase.send_replace(Phase::Busy);
    }

    /// A request was answered: the connection may idle until the next one.
    pub fn request_answered(&self) {
        self.phase
            .send_replace(Phase::Idle(Instant::now() + self.idle_timeout));
    }

    /// Bytes arrived: if idle, they begin the next request, whose headers are now due.
    fn bytes_arrived(&self) {
        if matches!(*self.phase.borrow(), Phase::Idle(_)) {
            self.phase.send_if_modified(|phase| {
                let idle = matches!(phase, Phase::Idle(_));
                if idle {
                    *phase = Phase::Headers(Instant::now() + self.header_timeout);
                }
                idle
            });
        }
    }

    /// Completes once the deadline in force has passed (following every change of phase).
    pub async fn passed(&self) {
        let mut phase = self.phase.subscribe();
        loop {
            let current = *phase.borrow_and_update();
            match current {
                Phase::Headers(at) | Phase::Idle(at) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => return,
                        _ = phase.changed() => {}
                    }
                }
                // The sender lives in `self`: `changed` cannot fail while we are here.
                Phase::Busy => {
                    let _ = phase.changed().await;
                }
            }
        }
    }
}

/// A socket that tells its connection's [`Deadline`] when bytes arrive.
#[derive(Debug)]
pub struct TimedIo<T> {
    io: T,
    deadline: Deadline,
}

impl<T> TimedIo<T> {
    /// Wraps `io`, reporting to `deadline`.
    pub fn new(io: T, deadline: Deadline) -> Self {
        TimedIo { io, deadline }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for TimedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.deadline.bytes_arrived();
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for TimedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADERS: Duration = Duration::from_secs(10);
    const IDLE: Duration = Duration::from_secs(60);

    /// Whether the deadline has passed after `wait` more of paused time.
    async fn passed_within(deadline: &Deadline, wait: Duration) -> bool {
        tokio::time::timeout(wait, deadline.passed()).await.is_ok()
    }

    #[tokio::test(start_paused = true)]
    async fn headers_are_due_from_the_start_and_nothing_runs_while_busy() {
        let deadline = Deadline::start(HEADERS, IDLE);
        assert!(!passed_within(&deadline, HEADERS - Duration::from_millis(1)).await);
        assert!(passed_within(&deadline, Duration::from_millis(2)).await);
        deadline.request_started();
        assert!(!passed_within(&deadline, IDLE * 10).await);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_connection_gets_the_idle_timeout_then_the_header_timeout_from_its_first_byte()
    {
        let deadline = Deadline::start(HEADERS, IDLE);
        deadline.request_started();
        deadline.request_answered();
        assert!(!passed_within(&deadline, IDLE - Duration::from_secs(1)).await);
        deadline.bytes_arrived();
        assert!(!passed_within(&deadline, HEADERS - Duration::from_millis(1)).await);
        assert!(passed_within(&deadline, Duration::from_millis(2)).await);
        // More bytes of the same headers do not move the deadline.
        deadline.bytes_arrived();
        assert!(passed_within(&deadline, Duration::from_millis(1)).await);
    }
}
