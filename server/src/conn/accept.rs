//! Accepting connections without spinning: when `accept` fails for want of resources (EMFILE,
//! ENFILE, ENOBUFS, ENOMEM) the loop waits, doubling the wait up to a second, and the failure
//! is logged once per [`LOG_INTERVAL`] with the number of failures since.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// First wait after a failed accept.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
/// Longest wait between accept attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// At most one log line per this interval for failing accepts (and for refused connections).
pub const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// A listener's accept loop state: the current backoff and the log throttle.
#[derive(Debug)]
pub struct Acceptor {
    listener: TcpListener,
    backoff: Duration,
    failures: ThrottledLog,
}

impl Acceptor {
    /// Accepts from `listener`.
    pub fn new(listener: TcpListener) -> Self {
        Acceptor {
            listener,
            backoff: FIRST_BACKOFF,
            failures: ThrottledLog::default(),
        }
    }

    /// The next connection. Failures concerning one connection only (reset or aborted before
    /// it was accepted) are skipped; others are waited out, with a backoff.
    pub async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match self.listener.accept().await {
                Ok(accepted) => {
                    self.backoff = FIRST_BACKOFF;
                    return accepted;
                }
                Err(e) if concerns_one_connection(&e) => {}
                Err(e) => {
                    if let Some(failures) = self.failures.record() {
                        tracing::error!(
                            error = %e,
                            failures,
                            "accepting connections fails (out of file descriptors?); backing off"
                        );
                    }
                    tokio::time::sleep(self.backoff).await;
                    self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }
}

/// Whether an accept error only lost the one connection being accepted.
fn concerns_one_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Counts events and says when one should be logged: the first, then at most one per
/// [`LOG_INTERVAL`].
#[derive(Debug, Default)]
pub struct ThrottledLog {
    last_logged: Option<Instant>,
    since: u64,
}

impl ThrottledLog {
    /// Records an event; `Some(n)` (events since the last line, this one included) if a line
    /// is due now.
    pub fn record(&mut self) -> Option<u64> {
        self.since += 1;
        let now = Instant::now();
        let due = self
            .last_logged
            .is_none_or(|at| now.duration_since(at) >= LOG_INTERVAL);
        due.then(|| {
            self.last_logged = Some(now);
            std::mem::take(&mut self.since)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn logs_the_first_event_then_once_per_interval_with_the_count() {
        let mut log = ThrottledLog::default();
        assert_eq!(log.record(), Some(1));
        for _ in 0..1000 {
            assert_eq!(log.record(), None);
        }
        tokio::time::advance(LOG_INTERVAL).await;
        assert_eq!(log.record(), Some(1001));
        assert_eq!(log.record(), None);
    }
}
