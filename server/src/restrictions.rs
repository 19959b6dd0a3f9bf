//! In-memory copy of the blocks and token cutoffs (the database holds the truth, see
//! `store::restrictions`), so that a `Connect` is checked without a database read.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::store::StoredRestrictions;
use crate::ws::codes;

/// What is known about one user.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Blocked while `now < blocked_until` (0: not blocked).
    blocked_until: i64,
    /// Tokens issued before this are refused (0: none).
    tokens_before: i64,
}

/// Restrictions by app key, then user id.
#[derive(Debug, Default)]
pub struct Restrictions {
    apps: Mutex<HashMap<String, HashMap<String, Entry>>>,
}

impl Restrictions {
    /// The cache filled from what the database holds.
    pub fn from_stored(stored: StoredRestrictions) -> Self {
        let restrictions = Restrictions::default();
        for (app_key, user_id, until) in stored.blocks {
            restrictions.block(&app_key, [user_id.as_str()], until);
        }
        for (app_key, user_id, before) in stored.token_cutoffs {
            restrictions.expire_tokens(&app_key, &user_id, before);
        }
        restrictions
    }

    /// Blocks the users until `until_ms`.
    pub fn block<'a>(
        &self,
        app_key: &str,
        user_ids: impl IntoIterator<Item = &'a str>,
        until_ms: i64,
    ) {
        let mut apps = self.lock();
        let users = apps.entry(app_key.to_owned()).or_default();
        for user_id in user_ids {
            users.entry(user_id.to_owned()).or_default().blocked_until = until_ms;
        }
    }

    /// Lifts the users' blocks.
    pub fn unblock<'a>(&self, app_key: &str, user_ids: impl IntoIterator<Item = &'a str>) {
        let mut apps = self.lock();
        let Some(users) = apps.get_mut(app_key) else {
            return;
        };
        for user_id in user_ids {
            if let Some(entry) = users.get_mut(user_id) {
                entry.blocked_until = 0;
                if entry.tokens_before == 0 {
                    users.remove(user_id);
                }
            }
        }
    }

    /// Refuses the user's tokens issued before `before_ms` (never moves the cutoff back).
    pub fn expire_tokens(&self, app_key: &str, user_id: &str, before_ms: i64) {
        let mut apps = self.lock();
        let entry = apps
            .entry(app_key.to_owned())
            .or_default()
            .entry(user_id.to_owned())
            .or_default();
        entry.tokens_before = entry.tokens_before.max(before_ms);
    }

    /// Why a connection of the user with a token issued at `issued_at_ms` is refused at
    /// `now_ms`: the seed status code and reason, or `None` if it is allowed.
    pub fn refusal(
        &self,
        app_key: &str,
        user_id: &str,
        issued_at_ms: i64,
        now_ms: i64,
    ) -> Option<(i32, &'static str)> {
        let apps = self.lock();
        let entry = apps.get(app_key)?.get(user_id)?;
        if issued_at_ms < entry.tokens_before {
            return Some((codes::TOKEN_EXPIRED, "token expired"));
        }
        if now_ms < entry.blocked_until {
            return Some((codes::USER_BLOCKED, "user blocked"));
        }
        None
    }

    /// The map, even if a panicking holder poisoned the lock (the map stays consistent).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HashMap<String, Entry>>> {
        match self.apps.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    #[test]
    fn a_block_refuses_until_it_ends_or_is_lifted() {
        let r = Restrictions::default();
        assert_eq!(r.refusal("app", "bob", NOW, NOW), None);
        r.block("app", ["bob", "carol"], NOW + 60_000);
        assert_eq!(r.refusal("app", "bob", NOW, NOW).map(|x| x.0), Some(9));
        assert_eq!(
            r.refusal("app", "bob", NOW, NOW + 59_999).map(|x| x.0),
            Some(9)
        );
        assert_eq!(r.refusal("app", "bob", NOW, NOW + 60_000), None);
        assert_eq!(r.refusal("other", "bob", NOW, NOW), None);
        r.unblock("app", ["bob"]);
        assert_eq!(r.refusal("app", "bob", NOW, NOW), None);
        assert_eq!(r.refusal("app", "carol", NOW, NOW).map(|x| x.0), Some(9));
    }

    #[test]
    fn a_cutoff_refuses_older_tokens_only_and_never_moves_back() {
        let r = Restrictions::default();
        r.expire_tokens("app", "bob", NOW);
        assert_eq!(
            r.refusal("app", "bob", NOW - 1, NOW).map(|x| x.0),
            Some(31010)
        );
        assert_eq!(r.refusal("app", "bob", NOW, NOW), None);
        r.expire_tokens("app", "bob", NOW - 10);
        assert_eq!(
            r.refusal("app", "bob", NOW - 1, NOW).map(|x| x.0),
            Some(31010)
        );
        // An expired token is reported before a block; unblocking keeps the cutoff.
        r.block("app", ["bob"], NOW + 1);
        assert_eq!(
            r.refusal("app", "bob", NOW - 1, NOW).map(|x| x.0),
            Some(31010)
        );
        r.unblock("app", ["bob"]);
        assert_eq!(
            r.refusal("app", "bob", NOW - 1, NOW).map(|x| x.0),
            Some(31010)
        );
    }

    #[test]
    fn loads_what_the_database_holds() {
        let r = Restrictions::from_stored(StoredRestrictions {
            blocks: vec![("app".into(), "bob".into(), NOW + 1)],
            token_cutoffs: vec![("app".into(), "carol".into(), NOW)],
        });
        assert_eq!(r.refusal("app", "bob", NOW, NOW).map(|x| x.0), Some(9));
        assert_eq!(
            r.refusal("app", "carol", NOW - 1, NOW).map(|x| x.0),
            Some(31010)
        );
    }
}
