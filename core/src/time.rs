//! Wall-clock helpers.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The latest time handed out by [`unique_local_ms`].
static LAST_LOCAL: AtomicI64 = AtomicI64::new(0);

/// The current time in ms, but strictly later than any earlier call in this process: the
/// `sentTime` of messages that have no server time (failed sends, local inserts), which must
/// not tie, since history pages use `sentTime` as their cursor.
pub(crate) fn unique_local_ms() -> i64 {
    let now = now_ms();
    let previous = LAST_LOCAL
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
            Some(now.max(last + 1))
        })
        .expect("the update always succeeds");
    now.max(previous + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_never_repeat() {
        let times: Vec<i64> = (0..1000).map(|_| unique_local_ms()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }
}
