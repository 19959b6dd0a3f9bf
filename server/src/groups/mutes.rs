//! Who may not speak in a group: member gags (in one group, or in every group), whole-group
//! mutes and their whitelists. The database holds the truth (`store::MuteChange`); this
//! in-memory copy, loaded at start, answers the send path's [`MuteTable::check`] without a
//! database read. Every change is written to the database first, then here, one at a time, so
//! the copy follows the commits in order.
//!
//! Everything is keyed by group id alone: a gag or mute needs no membership and outlives it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use improto::codes;

use crate::store::{MuteChange, Storage, StoreError, StoredGroupMutes};

/// The `group_id` of a gag in every group.
pub const EVERY_GROUP: &str = "";

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum MuteError {
    /// The app would hold more than `max` gags, muted groups and whitelist entries together.
    #[error("the app would hold more than {max} group mutes")]
    Full {
        /// The limit (`--max-group-mutes`).
        max: usize,
    },
    /// The database refused it.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One app's mutes.
#[derive(Debug, Default)]
struct AppMutes {
    /// Gag ends (ms, 0: permanent) by group (`EVERY_GROUP` too), then user.
    gags: HashMap<String, BTreeMap<String, i64>>,
    /// Muted groups.
    bans: BTreeSet<String>,
    /// Whitelisted users by group.
    whitelists: HashMap<String, BTreeSet<String>>,
    /// Gags, muted groups and whitelist entries held.
    rows: usize,
}

/// Whether a gag ending at `until_ms` (0: never) is over at `now_ms`.
fn ended(until_ms: i64, now_ms: i64) -> bool {
    until_ms != 0 && until_ms <= now_ms
}

impl AppMutes {
    /// Whether `user_id` is gagged in `group_id` at `now_ms`; forgets a gag found over.
    fn gagged(&mut self, group_id: &str, user_id: &str, now_ms: i64) -> bool {
        let Some(users) = self.gags.get_mut(group_id) else {
            return false;
        };
        match users.get(user_id) {
            None => false,
            Some(&until) if ended(until, now_ms) => {
                users.remove(user_id);
                if users.is_empty() {
                    self.gags.remove(group_id);
                }
                self.rows -= 1;
                false
            }
            Some(_) => true,
        }
    }

    /// Forgets every gag over at `now_ms`.
    fn forget_ended(&mut self, now_ms: i64) {
        let mut forgotten = 0;
        self.gags.retain(|_, users| {
            let before = users.len();
            users.retain(|_, until| !ended(*until, now_ms));
            forgotten += before - users.len();
            !users.is_empty()
        });
        self.rows -= forgotten;
    }

    /// How many rows `change` would add, at most (entries it replaces are not counted).
    fn added_by(&self, change: &MuteChange) -> usize {
        let new_in = |set: Option<&BTreeSet<String>>, items: &[String]| {
            items
                .iter()
                .filter(|item| !set.is_some_and(|set| set.contains(*item)))
                .count()
        };
        match change {
            MuteChange::Gag {
                group_id, user_ids, ..
            } => {
                let users = self.gags.get(group_id);
                user_ids
                    .iter()
                    .filter(|user| !users.is_some_and(|users| users.contains_key(*user)))
                    .count()
            }
            MuteChange::Ban { group_ids } => new_in(Some(&self.bans), group_ids),
            MuteChange::Whitelist { group_id, user_ids } => {
                new_in(self.whitelists.get(group_id), user_ids)
            }
            MuteChange::Ungag { .. }
            | MuteChange::Unban { .. }
            | MuteChange::Unwhitelist { .. } => 0,
        }
    }

    /// Applies `change`, as the database did.
    fn apply(&mut self, change: MuteChange) {
        match change {
            MuteChange::Gag {
                group_id,
                user_ids,
                until_ms,
                now_ms,
            } => {
                self.forget_ended(now_ms);
                let users = self.gags.entry(group_id).or_default();
                for user_id in user_ids {
                    if users.insert(user_id, until_ms).is_none() {
                        self.rows += 1;
                    }
                }
            }
            MuteChange::Ungag { group_id, user_ids } => {
                let mut removed = 0;
                self.gags.retain(|group, users| {
                    if group_id.as_ref().is_none_or(|only| only == group) {
                        for user_id in &user_ids {
                            removed += usize::from(users.remove(user_id).is_some());
                        }
                    }
                    !users.is_empty()
                });
                self.rows -= removed;
            }
            MuteChange::Ban { group_ids } => {
                for group_id in group_ids {
                    self.rows += usize::from(self.bans.insert(group_id));
                }
            }
            MuteChange::Unban { group_ids } => {
                for group_id in &group_ids {
                    self.rows -= usize::from(self.bans.remove(group_id));
                }
            }
            MuteChange::Whitelist { group_id, user_ids } => {
                let users = self.whitelists.entry(group_id).or_default();
                for user_id in user_ids {
                    self.rows += usize::from(users.insert(user_id));
                }
            }
            MuteChange::Unwhitelist { group_id, user_ids } => {
                if let Some(users) = self.whitelists.get_mut(&group_id) {
                    for user_id in &user_ids {
                        self.rows -= usize::from(users.remove(user_id));
                    }
                    if users.is_empty() {
                        self.whitelists.remove(&group_id);
                    }
                }
            }
        }
    }
}

/// A gag as listed: the group (`EVERY_GROUP` for all), the user, its end (0: permanent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gag {
    /// The group, or [`EVERY_GROUP`].
    pub group_id: String,
    /// The gagged user.
    pub user_id: String,
    /// End (ms), 0 for none.
    pub until_ms: i64,
}

/// Group mutes by app key; see the module documentation.
#[derive(Debug)]
pub struct MuteTable {
    apps: Mutex<HashMap<String, AppMutes>>,
    /// Held while a change is written and applied: changes reach the copy in commit order,
    /// and the limit is checked against what the database holds.
    changing: tokio::sync::Mutex<()>,
    /// Most gags, muted groups and whitelist entries one app holds together.
    max_per_app: usize,
}

impl MuteTable {
    /// The table filled from what the database holds, with room for `max_per_app` rows per
    /// app (gags, muted groups and whitelist entries together).
    pub fn from_stored(stored: StoredGroupMutes, max_per_app: usize) -> Self {
        let mut apps: HashMap<String, AppMutes> = HashMap::new();
        for (app_key, group_id, user_id, until_ms) in stored.gags {
            let app = apps.entry(app_key).or_default();
            app.gags
                .entry(group_id)
                .or_default()
                .insert(user_id, until_ms);
            app.rows += 1;
        }
        for (app_key, group_id) in stored.bans {
            let app = apps.entry(app_key).or_default();
            app.bans.insert(group_id);
            app.rows += 1;
        }
        for (app_key, group_id, user_id) in stored.whitelist {
            let app = apps.entry(app_key).or_default();
            app.whitelists.entry(group_id).or_default().insert(user_id);
            app.rows += 1;
        }
        MuteTable {
            apps: Mutex::new(apps),
            changing: tokio::sync::Mutex::new(()),
            max_per_app,
        }
    }

    /// Whether `user_id` may speak in `group_id` at `now_ms`: `Err(22408)`
    /// ([`codes::MUTED_IN_GROUP`]) if they are gagged there or in every group, or the group is
    /// muted and they are not on its whitelist. Gags found over are forgotten.
    pub fn check(
        &self,
        app_key: &str,
        group_id: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<(), i32> {
        let mut apps = self.lock();
        let Some(app) = apps.get_mut(app_key) else {
            return Ok(());
        };
        let muted = app.gagged(group_id, user_id, now_ms)
            || app.gagged(EVERY_GROUP, user_id, now_ms)
            || (app.bans.contains(group_id)
                && !app
                    .whitelists
                    .get(group_id)
                    .is_some_and(|users| users.contains(user_id)));
        if muted {
            Err(codes::MUTED_IN_GROUP)
        } else {
            Ok(())
        }
    }

    /// Writes `change` of the app's mutes to `store`, then applies it here; refused with
    /// [`MuteError::Full`] (nothing written) if the app would hold more than its limit. Runs
    /// to the end in a task of its own even if the caller stops waiting, so the copy never
    /// misses a commit.
    pub async fn change(
        self: &Arc<Self>,
        store: &Arc<dyn Storage>,
        app_key: &str,
        change: MuteChange,
    ) -> Result<(), MuteError> {
        let (table, store, app_key) = (self.clone(), store.clone(), app_key.to_owned());
        tokio::spawn(async move { table.write_through(&*store, &app_key, change).await })
            .await
            .map_err(|_| MuteError::Store(StoreError::Closed))?
    }

    /// The body of [`MuteTable::change`].
    async fn write_through(
        &self,
        store: &dyn Storage,
        app_key: &str,
        change: MuteChange,
    ) -> Result<(), MuteError> {
        let _one_at_a_time = self.changing.lock().await;
        {
            let mut apps = self.lock();
            let app = apps.entry(app_key.to_owned()).or_default();
            if let MuteChange::Gag { now_ms, .. } = &change {
                app.forget_ended(*now_ms);
            }
            if app.rows + app.added_by(&change) > self.max_per_app {
                return Err(MuteError::Full {
                    max: self.max_per_app,
                });
            }
        }
        store
            .change_group_mutes(app_key.to_owned(), change.clone())
            .await?;
        self.lock()
            .entry(app_key.to_owned())
            .or_default()
            .apply(change);
        Ok(())
    }

    /// The app's gags in force at `now_ms` in `group_id` (`EVERY_GROUP`: the every-group
    /// gags), or with `None` in every group; by group, then user.
    pub fn gags(&self, app_key: &str, group_id: Option<&str>, now_ms: i64) -> Vec<Gag> {
        let apps = self.lock();
        let Some(app) = apps.get(app_key) else {
            return Vec::new();
        };
        let mut groups: Vec<_> = app
            .gags
            .iter()
            .filter(|(group, _)| group_id.is_none_or(|only| only == group.as_str()))
            .collect();
        groups.sort_by(|a, b| a.0.cmp(b.0));
        groups
            .into_iter()
            .flat_map(|(group, users)| {
                users
                    .iter()
                    .filter(|(_, until)| !ended(**until, now_ms))
                    .map(|(user, until)| Gag {
                        group_id: group.clone(),
                        user_id: user.clone(),
                        until_ms: *until,
                    })
            })
            .collect()
    }

    /// Whether the group is muted as a whole.
    pub fn is_banned(&self, app_key: &str, group_id: &str) -> bool {
        self.lock()
            .get(app_key)
            .is_some_and(|app| app.bans.contains(group_id))
    }

    /// The app's muted groups, in order.
    pub fn banned(&self, app_key: &str) -> Vec<String> {
        self.lock()
            .get(app_key)
            .map(|app| app.bans.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The group's whitelist, in order.
    pub fn whitelist(&self, app_key: &str, group_id: &str) -> Vec<String> {
        self.lock()
            .get(app_key)
            .and_then(|app| app.whitelists.get(group_id))
            .map(|users| users.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The map, even if a panicking holder poisoned the lock (every change keeps it
    /// consistent).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, AppMutes>> {
        match self.apps.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    const NOW: i64 = 1_764_000_000_000;
    const MUTED: Result<(), i32> = Err(codes::MUTED_IN_GROUP);

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| (*id).to_owned()).collect()
    }

    fn gag(group_id: &str, users: &[&str], until_ms: i64) -> MuteChange {
        MuteChange::Gag {
            group_id: group_id.into(),
            user_ids: ids(users),
            until_ms,
            now_ms: NOW,
        }
    }

    fn table() -> MuteTable {
        MuteTable::from_stored(StoredGroupMutes::default(), 100)
    }

    #[test]
    fn a_gag_mutes_its_group_or_every_group_until_it_ends_and_is_then_forgotten() {
        let stored = StoredGroupMutes {
            gags: vec![
                ("app".into(), "g1".into(), "bob".into(), NOW + 60_000),
                ("app".into(), EVERY_GROUP.into(), "carol".into(), 0),
            ],
            ..Default::default()
        };
        let t = MuteTable::from_stored(stored, 100);
        assert_eq!(t.check("app", "g1", "bob", NOW), MUTED);
        assert_eq!(t.check("app", "g1", "bob", NOW + 59_999), MUTED);
        assert_eq!(t.check("app", "g2", "bob", NOW), Ok(()));
        assert_eq!(t.check("other", "g1", "bob", NOW), Ok(()));
        // Permanent, in every group.
        assert_eq!(t.check("app", "g1", "carol", NOW), MUTED);
        assert_eq!(t.check("app", "any", "carol", i64::MAX), MUTED);
        // Over: allowed, forgotten, no longer listed.
        assert_eq!(t.check("app", "g1", "bob", NOW + 60_000), Ok(()));
        assert_eq!(t.check("app", "g1", "bob", NOW), Ok(()));
        let listed: Vec<_> = t
            .gags("app", None, NOW)
            .into_iter()
            .map(|g| g.user_id)
            .collect();
        assert_eq!(listed, ["carol"]);
    }

    #[test]
    fn a_muted_group_lets_only_its_whitelist_speak() {
        let t = table();
        let mut app = AppMutes::default();
        app.apply(MuteChange::Ban {
            group_ids: ids(&["g1"]),
        });
        app.apply(MuteChange::Whitelist {
            group_id: "g1".into(),
            user_ids: ids(&["ann"]),
        });
        t.lock().insert("app".into(), app);
        assert_eq!(t.check("app", "g1", "bob", NOW), MUTED);
        assert_eq!(t.check("app", "g1", "ann", NOW), Ok(()));
        assert_eq!(t.check("app", "g2", "bob", NOW), Ok(()));
        // A whitelisted user gagged in the group stays silent.
        t.lock()
            .get_mut("app")
            .unwrap()
            .apply(gag("g1", &["ann"], 0));
        assert_eq!(t.check("app", "g1", "ann", NOW), MUTED);
    }

    #[test]
    fn rows_are_counted_as_the_changes_add_and_remove_them() {
        let mut app = AppMutes::default();
        app.apply(gag("g1", &["a", "b"], NOW + 1));
        app.apply(gag("g1", &["a"], 0));
        app.apply(gag(EVERY_GROUP, &["a"], 0));
        assert_eq!(app.rows, 3);
        assert_eq!(app.added_by(&gag("g1", &["a", "c"], 0)), 1);
        app.apply(MuteChange::Ungag {
            group_id: None,
            user_ids: ids(&["a"]),
        });
        assert_eq!(app.rows, 1);
        app.apply(MuteChange::Ungag {
            group_id: Some("g2".into()),
            user_ids: ids(&["b"]),
        });
        assert_eq!(app.rows, 1);
        // `b`'s gag ends at NOW + 1: a later gag forgets it.
        app.apply(MuteChange::Gag {
            group_id: "g2".into(),
            user_ids: ids(&["c"]),
            until_ms: 0,
            now_ms: NOW + 1,
        });
        assert_eq!(app.rows, 1);
        app.apply(MuteChange::Ban {
            group_ids: ids(&["g1", "g1", "g2"]),
        });
        app.apply(MuteChange::Unban {
            group_ids: ids(&["g2", "g3"]),
        });
        app.apply(MuteChange::Whitelist {
            group_id: "g1".into(),
            user_ids: ids(&["x", "y"]),
        });
        app.apply(MuteChange::Unwhitelist {
            group_id: "g1".into(),
            user_ids: ids(&["x", "x", "z"]),
        });
        assert_eq!(app.rows, 3);
    }

    #[tokio::test]
    async fn changes_are_written_through_refused_over_the_limit_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Storage> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let t = Arc::new(MuteTable::from_stored(StoredGroupMutes::default(), 3));
        t.change(&store, "app", gag("g1", &["a", "b"], NOW + 60_000))
            .await
            .unwrap();
        let refused = t
            .change(
                &store,
                "app",
                MuteChange::Ban {
                    group_ids: ids(&["g1", "g2"]),
                },
            )
            .await;
        assert!(
            matches!(refused, Err(MuteError::Full { max: 3 })),
            "{refused:?}"
        );
        assert!(!t.is_banned("app", "g1"));
        // Replacing a gag adds no row; another app has room of its own.
        t.change(&store, "app", gag("g1", &["a"], 0)).await.unwrap();
        t.change(
            &store,
            "app",
            MuteChange::Ban {
                group_ids: ids(&["g1"]),
            },
        )
        .await
        .unwrap();
        t.change(&store, "other", gag(EVERY_GROUP, &["a", "b", "c"], 0))
            .await
            .unwrap();
        store.shutdown();
        drop(store);

        let store = SqliteStore::open(dir.path()).unwrap();
        let reloaded = MuteTable::from_stored(store.load_group_mutes(NOW).await.unwrap(), 3);
        assert_eq!(reloaded.check("app", "g1", "a", i64::MAX), MUTED);
        assert_eq!(
            reloaded.gags("app", Some("g1"), NOW),
            [
                Gag {
                    group_id: "g1".into(),
                    user_id: "a".into(),
                    until_ms: 0
                },
                Gag {
                    group_id: "g1".into(),
                    user_id: "b".into(),
                    until_ms: NOW + 60_000
                },
            ]
        );
        assert_eq!(reloaded.banned("app"), ["g1"]);
        assert_eq!(reloaded.check("other", "zz", "c", NOW), MUTED);
        // Gags over at load time are not loaded.
        let later = store.load_group_mutes(NOW + 60_000).await.unwrap();
        assert_eq!(later.gags.len(), 4);
        store.shutdown();
    }

    #[tokio::test]
    async fn a_change_whose_caller_goes_away_still_reaches_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Storage> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let t = Arc::new(MuteTable::from_stored(StoredGroupMutes::default(), 10));
        let ban = MuteChange::Ban {
            group_ids: ids(&["g1"]),
        };
        let mut change = Box::pin(t.change(&store, "app", ban));
        // Started, then abandoned (as when an HTTP client hangs up).
        assert!(futures_util::FutureExt::now_or_never(&mut change).is_none());
        drop(change);
        tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while !t.is_banned("app", "g1") {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the ban reached the copy");
        let stored = store.load_group_mutes(NOW).await.unwrap();
        assert_eq!(stored.bans, [("app".to_owned(), "g1".to_owned())]);
        store.shutdown();
    }
}
