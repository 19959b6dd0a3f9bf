//! Keep-alive: a ping every interval, busy or quiet (the server closes a connection that sends
//! nothing for 45 s, and a member of a busy group only receives); the connection is dead when
//! nothing at all arrives within the timeout after a ping (seed: 15 s and 15 s). Pure timing
//! logic, unit-tested.

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
    last_ping: Instant,
    unanswered: Option<Instant>,
}

impl Heartbeat {
    /// A heartbeat that starts counting at `now`.
    pub(crate) fn new(interval: Duration, timeout: Duration, now: Instant) -> Self {
        Heartbeat {
            interval,
            timeout,
            last_ping: now,
            unanswered: None,
        }
    }

    /// Anything arrived from the server: the connection is alive.
    pub(crate) fn heard(&mut self) {
        self.unanswered = None;
    }

    /// When [`Heartbeat::check`] has something to decide.
    pub(crate) fn deadline(&self) -> Instant {
        match self.unanswered {
            Some(sent) => sent + self.timeout,
            None => self.last_ping + self.interval,
        }
    }

    /// Decides at `now`.
    pub(crate) fn check(&mut self, now: Instant) -> Beat {
        match self.unanswered {
            Some(sent) if now >= sent + self.timeout => Beat::Dead,
            Some(_) => Beat::Wait,
            None if now >= self.last_ping + self.interval => {
                self.last_ping = now;
                self.unanswered = Some(now);
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
        h.heard();
        assert_eq!(h.check(t0 + 29 * s), Beat::Wait);
        assert_eq!(h.deadline(), t0 + 30 * s);
    }

    #[test]
    fn a_busy_connection_still_pings_every_interval() {
        // A member of a busy group hears a frame every second and sends nothing else: the
        // pings still go, so that the server sees the client within its idle timeout.
        let t0 = Instant::now();
        let s = Duration::from_secs(1);
        let mut h = Heartbeat::new(15 * s, 15 * s, t0);
        let mut pings = 0;
        for second in 1..=60 {
            let now = t0 + second * s;
            h.heard();
            if h.check(now) == Beat::Ping {
                pings += 1;
            }
        }
        assert_eq!(pings, 4);
    }
}
