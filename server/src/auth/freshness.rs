//! Opt-in freshness checks on signed Server API requests: a `Timestamp` too far from the
//! server's clock, and a request replayed with a `Nonce` and `Timestamp` already seen.
//!
//! Both are off by default: the Node SDK signs once at start-up and repeats the same triple on
//! every call (server-api.md §1.2). The timestamp is read as seconds, or as milliseconds when it
//! is too large to be seconds (the `rc-*` Python SDK sends milliseconds).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Mutex;

/// Largest number of requests remembered for replay detection (about 80 MB); past it (only
/// reachable by callers holding an app secret) requests are refused until entries expire.
pub const MAX_REMEMBERED_REQUESTS: usize = 1 << 20;
/// Timestamps above this are milliseconds (as seconds it would be the year 5138).
const MILLISECONDS_ABOVE: u64 = 100_000_000_000;

/// What identifies a signed request for replay detection: its signature digest, which covers
/// the app secret, the nonce and the timestamp (20 bytes, whatever the headers' length).
pub type RequestKey = [u8; 20];

/// Why a correctly signed request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Stale {
    /// The `Timestamp` is missing, unreadable, or further from now than the allowed skew.
    #[error("Timestamp is missing or too far from the server's time")]
    Timestamp,
    /// The same `Nonce` and `Timestamp` were already used within the window.
    #[error("Nonce was already used")]
    Replayed,
    /// Too many requests to remember within the window.
    #[error("too many signed requests within the replay window")]
    Full,
}

/// The freshness policy of a server, and the requests it has seen.
#[derive(Debug, Default)]
pub struct Freshness {
    max_skew_secs: Option<u64>,
    seen: Option<Mutex<SeenRequests>>,
}

impl Freshness {
    /// A policy refusing timestamps more than `max_skew_secs` from now (if set) and, if
    /// `reject_replays`, requests seen before within that window.
    ///
    /// # Panics
    /// If `reject_replays` is asked without a skew: the window would be unbounded.
    pub fn new(max_skew_secs: Option<u64>, reject_replays: bool) -> Self {
        assert!(
            max_skew_secs.is_some() || !reject_replays,
            "replay rejection needs a maximum skew"
        );
        Freshness {
            max_skew_secs,
            seen: reject_replays.then(Mutex::default),
        }
    }

    /// Checks a correctly signed request carrying `timestamp`, identified by `key`, at
    /// `now_secs`; remembers it when replays are refused.
    pub fn check(&self, timestamp: &str, key: RequestKey, now_secs: u64) -> Result<(), Stale> {
        let Some(max_skew) = self.max_skew_secs else {
            return Ok(());
        };
        let sent_secs = timestamp_secs(timestamp).ok_or(Stale::Timestamp)?;
        if sent_secs.abs_diff(now_secs) > max_skew {
            return Err(Stale::Timestamp);
        }
        match &self.seen {
            None => Ok(()),
            // Past `sent + max_skew` the timestamp alone refuses a replay, so the key can go.
            Some(seen) => seen.lock().unwrap_or_else(|p| p.into_inner()).first_use(
                key,
                sent_secs + max_skew,
                now_secs,
            ),
        }
    }
}

/// A `Timestamp` header in seconds, whether it was sent in seconds or milliseconds.
fn timestamp_secs(timestamp: &str) -> Option<u64> {
    let value: u64 = timestamp.trim().parse().ok()?;
    Some(if value > MILLISECONDS_ABOVE {
        value / 1000
    } else {
        value
    })
}

/// Requests seen, each until its expiry (seconds), oldest expiry first in `by_expiry`.
#[derive(Debug, Default)]
struct SeenRequests {
    expiry: HashMap<RequestKey, u64>,
    by_expiry: BinaryHeap<Reverse<(u64, RequestKey)>>,
}

impl SeenRequests {
    /// Records `key` until `expires_secs`; `Replayed` if it is already there.
    fn first_use(
        &mut self,
        key: RequestKey,
        expires_secs: u64,
        now_secs: u64,
    ) -> Result<(), Stale> {
        while let Some(Reverse((at, _))) = self.by_expiry.peek()
            && *at < now_secs
        {
            let Reverse((_, old)) = self.by_expiry.pop().expect("peeked");
            self.expiry.remove(&old);
        }
        if self.expiry.contains_key(&key) {
            return Err(Stale::Replayed);
        }
        if self.expiry.len() >= MAX_REMEMBERED_REQUESTS {
            return Err(Stale::Full);
        }
        self.expiry.insert(key, expires_secs);
        self.by_expiry.push(Reverse((expires_secs, key)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> RequestKey {
        [n; 20]
    }

    #[test]
    fn off_by_default() {
        let policy = Freshness::default();
        assert_eq!(policy.check("garbage", key(1), 1_000), Ok(()));
        assert_eq!(policy.check("1", key(1), 1_000), Ok(()));
    }

    #[test]
    fn refuses_timestamps_outside_the_skew_in_seconds_or_milliseconds() {
        let policy = Freshness::new(Some(300), false);
        let now = 1_795_642_435;
        assert_eq!(policy.check("1795642435", key(1), now), Ok(()));
        assert_eq!(policy.check("1795642135", key(2), now), Ok(()));
        assert_eq!(policy.check("1795642735000", key(3), now), Ok(()));
        assert_eq!(
            policy.check("1795642134", key(4), now),
            Err(Stale::Timestamp)
        );
        assert_eq!(
            policy.check("1795642736000", key(5), now),
            Err(Stale::Timestamp)
        );
        assert_eq!(policy.check("", key(6), now), Err(Stale::Timestamp));
        assert_eq!(policy.check("1.5", key(7), now), Err(Stale::Timestamp));
        // Without replay rejection a repeat is fine.
        assert_eq!(policy.check("1795642435", key(1), now), Ok(()));
    }

    #[test]
    fn refuses_a_repeat_within_the_window_and_forgets_it_after() {
        let policy = Freshness::new(Some(300), true);
        let now = 1_795_642_435;
        assert_eq!(policy.check("1795642435", key(1), now), Ok(()));
        assert_eq!(policy.check("1795642435", key(2), now), Ok(()));
        assert_eq!(
            policy.check("1795642435", key(1), now + 300),
            Err(Stale::Replayed)
        );
        // Once the timestamp is out of the window the entry is dropped: memory stays bounded.
        assert_eq!(
            policy.check("1795642435", key(1), now + 301),
            Err(Stale::Timestamp)
        );
        assert_eq!(policy.check("1795642736", key(3), now + 301), Ok(()));
        let seen = policy.seen.as_ref().unwrap().lock().unwrap();
        assert_eq!(seen.expiry.len(), 1);
    }

    #[test]
    #[should_panic(expected = "needs a maximum skew")]
    fn replay_rejection_needs_a_window() {
        let _ = Freshness::new(None, true);
    }
}
