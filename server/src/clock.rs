//! Wall-clock time in milliseconds, and the strictly increasing clock that stamps messages.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `ms` (since the Unix epoch) as `yyyy-MM-dd HH:mm:ss`, in UTC: the Server API's date format.
pub fn format_datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, in_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
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

    /// The latest stamp handed out (or the starting point): every message stored so far was
    /// sent at or before it.
    pub fn last(&self) -> i64 {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_in_utc() {
        assert_eq!(format_datetime(0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(format_datetime(1_764_115_199_999), "2025-11-25 23:59:59");
        assert_eq!(format_datetime(1_700_000_000_000), "2023-11-14 22:13:20");
    }

    #[test]
    fn stamps_strictly_increase_even_after_a_future_start() {
        let mut clock = SentClock::starting_after(now_ms() + 10_000);
        let a = clock.stamp();
        let b = clock.stamp();
        assert!(b > a);
        assert_eq!(clock.last(), b);
        assert!(a > now_ms());
    }
}
