//! Per-connection rate limits: the seed's send limit (at most N messages per second per client
//! connection, 5 by default, all message types together; beyond it a `Send` is refused with
//! 20604) and the same kind of budget for every other request kind (see
//! [`limits`](super::limits)).
//!
//! A token bucket: it holds up to N requests, refilled continuously at N per second, so a client
//! may make N at once and then one every 1/N s.

use std::time::{Duration, Instant};

/// One connection's budget of one kind of request.
#[derive(Debug)]
pub struct Rate {
    /// Requests allowed per second; 0 for no limit.
    per_second: u32,
    /// Requests available now (at most `per_second`; below 0 when [`Rate::delay`] lent some
    /// ahead), as of `updated`.
    tokens: f32,
    updated: Instant,
}

impl Rate {
    /// A full budget of `per_second` requests (0: unlimited).
    pub fn new(per_second: u32, now: Instant) -> Self {
        Rate {
            per_second,
            tokens: per_second as f32,
            updated: now,
        }
    }

    /// Takes one request from the budget at `now`; false (taking nothing) when the client is
    /// going too fast.
    pub fn allow(&mut self, now: Instant) -> bool {
        if self.per_second == 0 {
            return true;
        }
        self.refill(now);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// Takes one request from the budget at `now`, ahead of time if need be: how long the
    /// request must wait until the budget has it (zero if it has it now).
    pub fn delay(&mut self, now: Instant) -> Duration {
        if self.per_second == 0 {
            return Duration::ZERO;
        }
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f32(-self.tokens / self.per_second as f32)
    }

    /// Adds what the time since the last update earned, up to a full budget.
    fn refill(&mut self, now: Instant) {
        let limit = self.per_second as f32;
        let elapsed = now.saturating_duration_since(self.updated);
        self.tokens = (self.tokens + elapsed.as_secs_f32() * limit).min(limit);
        self.updated = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_at_once_then_one_every_fifth_of_a_second() {
        let start = Instant::now();
        let mut rate = Rate::new(5, start);
        assert!((0..5).all(|_| rate.allow(start)));
        assert!(!rate.allow(start), "a sixth within the same second");
        assert!(!rate.allow(start + Duration::from_millis(150)));
        assert!(rate.allow(start + Duration::from_millis(210)));
        assert!(!rate.allow(start + Duration::from_millis(220)));
        // A quiet spell refills the budget, never beyond the limit.
        let later = start + Duration::from_secs(60);
        assert!((0..5).all(|_| rate.allow(later)));
        assert!(!rate.allow(later));
    }

    #[test]
    fn beyond_the_budget_requests_wait_their_turn() {
        let start = Instant::now();
        let mut rate = Rate::new(4, start);
        assert!((0..4).all(|_| rate.delay(start).is_zero()));
        let waits: Vec<u128> = (0..3).map(|_| rate.delay(start).as_millis()).collect();
        assert_eq!(waits, [250, 500, 750]);
        // Waiting repays the budget lent ahead.
        assert_eq!(rate.delay(start + Duration::from_secs(1)).as_millis(), 0);
        assert!(!rate.allow(start + Duration::from_secs(1)));
    }

    #[test]
    fn zero_means_no_limit() {
        let now = Instant::now();
        let mut rate = Rate::new(0, now);
        assert!((0..10_000).all(|_| rate.allow(now)));
        assert!((0..10_000).all(|_| rate.delay(now).is_zero()));
    }
}
