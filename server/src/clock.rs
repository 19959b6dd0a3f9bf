//! Wall-clock time in milliseconds, and the strictly increasing clock that stamps messages.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Hands out message `sent_time`s: wall-clock ms, but always greater than the previous one, so
/// ordering by `sent_time` is stable even within one millisecond or across clock steps back.
#[derive(Debug, Clone)]
pub struct SentClock {
    last: i64,
}

impl SentClock {
    /// A clock whose first stamp will be greater than `last`.
    pub fn starting_after(last: i64) -> Self {
        SentClock { last }
    }

    /// The next stamp: `max(now, last + 1)`.
    pub fn stamp(&mut self) -> i64 {
        self.last = now_ms().max(self.last + 1);
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_strictly_increase_even_after_a_future_start() {
        let mut clock = SentClock::starting_after(now_ms() + 10_000);
        let a = clock.stamp();
        let b = clock.stamp();
        assert!(b > a);
        assert!(a > now_ms());
    }
}
