//! The seed's send rate limit: at most N messages per second per client connection (5 by
//! default, all message types together); a `Send` beyond it is refused with 20604.
//!
//! A token bucket: it holds up to N sends, refilled continuously at N per second, so a client
//! may send N at once and then one every 1/N s.

use std::time::Instant;

/// One connection's budget of sends.
#[derive(Debug)]
pub struct SendRate {
    /// Sends allowed per second; 0 for no limit.
    per_second: u32,
    /// Sends available now (at most `per_second`), as of `updated`.
    tokens: f32,
    updated: Instant,
}

impl SendRate {
    /// A full budget of `per_second` sends (0: unlimited).
    pub fn new(per_second: u32, now: Instant) -> Self {
        SendRate {
            per_second,
            tokens: per_second as f32,
            updated: now,
        }
    }

    /// Takes one send from the budget at `now`; false when the client is sending too fast.
    pub fn allow(&mut self, now: Instant) -> bool {
        if self.per_second == 0 {
            return true;
        }
        let limit = self.per_second as f32;
        let elapsed = now.saturating_duration_since(self.updated);
        self.tokens = (self.tokens + elapsed.as_secs_f32() * limit).min(limit);
        self.updated = now;
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn five_at_once_then_one_every_fifth_of_a_second() {
        let start = Instant::now();
        let mut rate = SendRate::new(5, start);
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
    fn zero_means_no_limit() {
        let now = Instant::now();
        let mut rate = SendRate::new(0, now);
        assert!((0..10_000).all(|_| rate.allow(now)));
    }
}
