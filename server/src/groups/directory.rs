//! The group directory: each group's current members and whether it was dismissed, in memory,
//! so that sending into a group and its fan-out read no database.
//!
//! A group is loaded on first use (one load at a time per group; uses arriving meanwhile wait
//! for it, in arrival order) and kept current by membership writes, which hand their result to
//! [`Directory::update`] right after their commit, in commit order: a message's fan-out, done
//! right after its own commit, sees exactly the members of the group at that point of the log.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::store::{GroupState, Storage};

/// A group as the send path needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// Dismissed: refuses messages.
    pub dismissed: bool,
    /// Current members.
    pub members: HashSet<String>,
}

impl Group {
    /// Whether `user_id` is a member now.
    pub fn is_member(&self, user_id: &str) -> bool {
        self.members.contains(user_id)
    }
}

impl From<&GroupState> for Group {
    fn from(state: &GroupState) -> Self {
        Group {
            dismissed: state.dismissed,
            members: state.members.iter().cloned().collect(),
        }
    }
}

/// What a use of the directory gets: the group (`None` if it does not exist), or `Err` if it
/// could not be loaded.
pub type Lookup = Result<Option<Arc<Group>>, ()>;

/// A use waiting for its group to load.
pub type Waiter = Box<dyn FnOnce(Lookup) + Send>;

/// A group's place in the directory.
enum Slot {
    Ready(Arc<Group>),
    Loading(Vec<Waiter>),
}

/// Groups by app key, then group id.
#[derive(Default)]
pub struct Directory {
    groups: Mutex<HashMap<String, HashMap<String, Slot>>>,
}

impl Directory {
    /// The group if it is loaded (the fan-out after a commit: a group being sent into is).
    pub fn cached(&self, app_key: &str, group_id: &str) -> Option<Arc<Group>> {
        match self.lock().get(app_key)?.get(group_id)? {
            Slot::Ready(group) => Some(group.clone()),
            Slot::Loading(_) => None,
        }
    }

    /// Calls `then` with the group: at once if it is loaded, else once loaded from `store`
    /// (after the uses that came before it). `then` must not block.
    pub fn with_group(
        self: &Arc<Self>,
        store: &Arc<dyn Storage>,
        app_key: &str,
        group_id: &str,
        then: Waiter,
    ) {
        let mut groups = self.lock();
        let app = groups.entry(app_key.to_owned()).or_default();
        match app.get_mut(group_id) {
            Some(Slot::Ready(group)) => {
                let group = group.clone();
                drop(groups);
                then(Ok(Some(group)));
            }
            Some(Slot::Loading(waiters)) => waiters.push(then),
            None => {
                app.insert(group_id.to_owned(), Slot::Loading(vec![then]));
                drop(groups);
                let (directory, store) = (self.clone(), store.clone());
                let (app_key, group_id) = (app_key.to_owned(), group_id.to_owned());
                tokio::spawn(async move {
                    let loaded = store.group_state(app_key.clone(), group_id.clone()).await;
                    if let Err(e) = &loaded {
                        tracing::error!(error = %e, group_id, "loading a group failed");
                    }
                    directory.loaded(&app_key, &group_id, loaded.map_err(drop));
                });
            }
        }
    }

    /// Replaces the groups of `states` (right after the membership write that made them).
    pub fn update(&self, app_key: &str, states: &[GroupState]) {
        let mut woken = Vec::new();
        {
            let mut groups = self.lock();
            let app = groups.entry(app_key.to_owned()).or_default();
            for state in states {
                let group = Arc::new(Group::from(state));
                if let Some(Slot::Loading(waiters)) =
                    app.insert(state.group_id.clone(), Slot::Ready(group.clone()))
                {
                    woken.push((waiters, group));
                }
            }
        }
        for (waiters, group) in woken {
            for waiter in waiters {
                waiter(Ok(Some(group.clone())));
            }
        }
    }

    /// Ends the load of a group: keeps it (unless an update came first) and wakes its waiters.
    fn loaded(&self, app_key: &str, group_id: &str, loaded: Result<Option<GroupState>, ()>) {
        let (waiters, lookup) = {
            let mut groups = self.lock();
            let Some(app) = groups.get_mut(app_key) else {
                return;
            };
            let Some(Slot::Loading(_)) = app.get(group_id) else {
                // An update replaced the load (and woke its waiters).
                return;
            };
            let lookup: Lookup = loaded.map(|state| state.as_ref().map(|s| Arc::new(s.into())));
            let waiters = match &lookup {
                Ok(Some(group)) => app.insert(group_id.to_owned(), Slot::Ready(group.clone())),
                // Unknown groups and failures are not kept: the next use asks again.
                _ => app.remove(group_id),
            };
            match waiters {
                Some(Slot::Loading(waiters)) => (waiters, lookup),
                _ => return,
            }
        };
        for waiter in waiters {
            waiter(lookup.clone());
        }
    }

    /// The map, even if a panicking holder poisoned the lock (the map stays consistent).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HashMap<String, Slot>>> {
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(members: &[&str]) -> GroupState {
        GroupState {
            group_id: "g".into(),
            name: String::new(),
            dismissed: false,
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn updates_replace_a_group_and_wake_the_uses_waiting_for_its_load() {
        let directory = Directory::default();
        assert!(directory.cached("app", "g").is_none());
        let (seen, saw) = std::sync::mpsc::channel();
        directory.lock().entry("app".into()).or_default().insert(
            "g".into(),
            Slot::Loading(vec![Box::new(move |l| seen.send(l).unwrap())]),
        );
        directory.update("app", &[state(&["ann"])]);
        let woken = saw.try_recv().unwrap().unwrap().unwrap();
        assert!(woken.is_member("ann"));
        // The load that finishes later changes nothing.
        directory.loaded("app", "g", Ok(Some(state(&[]))));
        assert!(directory.cached("app", "g").unwrap().is_member("ann"));
        directory.update("app", &[state(&["bob"])]);
        let group = directory.cached("app", "g").unwrap();
        assert!(group.is_member("bob") && !group.is_member("ann"));
    }
}
