//! Keep-alive: ping after a quiet interval, declare the connection dead when a ping goes
//! unanswered for the timeout (seed: 15 s and 15 s). Pure timing logic, unit-tested.

use std::time::Duration;
use tokio::time::Instant;

/// What the session should do now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Beat {
    /// Nothing yet.
    Wait,
    /// Send a ping.
    Ping,
    /// The ping went unanswered: the connection is dead.
    Dead,
}

/// Heartbeat state of one connection.
pub(crate) struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    last_heard: Instant,
    ping_sent: Option<Instant>,
}

impl Heartbeat {
    /// A heartbeat that starts counting at `now`.
    pub(crate) fn new(interval: Duration, timeout: Duration, now: Instant) -> Self {
        Heartbeat {
            interval,
            timeout,
            last_heard: now,
            ping_sent: None,
        }
    }

    /// Anything arrived from the server.
    pub(crate) fn heard(&mut self, now: Instant) {
        self.last_heard = now;
        self.ping_sent = None;
    }

    /// When [`Heartbeat::check`] has something to decide.
    pub(crate) fn deadline(&self) -> Instant {
        match self.ping_sent {
            Some(sent) => sent + self.timeout,
            None => self.last_heard + self.interval,
        }
    }

    /// Decides at `now`.
    pub(crate) fn check(&mut self, now: Instant) -> Beat {
        match self.ping_sent {
            Some(sent) if now >= sent + self.timeout => Beat::Dead,
            Some(_) => Beat::Wait,
            None if now >= self.last_heard + self.interval => {
                self.ping_sent = Some(now);
                Beat::Ping
            }
            None => Beat::Wait,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_when_quiet_and_dies_when_unanswered() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut h = Heartbeat::new(15 * s, 15 * s, t0);
        assert_eq!(h.deadline(), t0 + 15 * s);
        assert_eq!(h.check(t0 + 14 * s), Beat::Wait);
        assert_eq!(h.check(t0 + 15 * s), Beat::Ping);
        assert_eq!(h.deadline(), t0 + 30 * s);
        assert_eq!(h.check(t0 + 29 * s), Beat::Wait);
        assert_eq!(h.check(t0 + 30 * s), Beat::Dead);
    }

    #[test]
    fn any_frame_answers_the_ping() {
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut h = Heartbeat::new(15 * s, 15 * s, t0);
        assert_eq!(h.check(t0 + 15 * s), Beat::Ping);
        h.heard(t0 + 16 * s);
        assert_eq!(h.check(t0 + 30 * s), Beat::Wait);
        assert_eq!(h.deadline(), t0 + 31 * s);
    }
}
