//! Group mutes against the [`Storage`] boundary: every change is kept, and loading returns the
//! gags in force with every muted group and whitelist entry.

use crate::store::*;

const NOW: i64 = 1_764_000_000_000;

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

/// Applies `change` to app `app`'s mutes.
async fn change(store: &dyn Storage, change: MuteChange) {
    store
        .change_group_mutes("app".into(), change)
        .await
        .unwrap();
}

/// What loading at `now_ms` returns, sorted.
async fn loaded(store: &dyn Storage, now_ms: i64) -> StoredGroupMutes {
    let mut mutes = store.load_group_mutes(now_ms).await.unwrap();
    mutes.gags.sort();
    mutes.bans.sort();
    mutes.whitelist.sort();
    mutes
}

fn gag_row(group: &str, user: &str, until: i64) -> (String, String, String, i64) {
    ("app".into(), group.into(), user.into(), until)
}

pub async fn group_mutes_are_kept_replaced_lifted_and_loaded(store: &dyn Storage) {
    let gag = |group: &str, users: &[&str], until_ms: i64, now_ms: i64| MuteChange::Gag {
        group_id: group.into(),
        user_ids: ids(users),
        until_ms,
        now_ms,
    };
    change(store, gag("g1", &["a", "b"], NOW + 60_000, NOW)).await;
    change(store, gag("g1", &["b"], 0, NOW)).await;
    change(store, gag("", &["a", "c"], NOW + 1, NOW)).await;
    change(store, gag("g2", &["a"], 0, NOW)).await;
    assert_eq!(
        loaded(store, NOW).await.gags,
        [
            gag_row("", "a", NOW + 1),
            gag_row("", "c", NOW + 1),
            gag_row("g1", "a", NOW + 60_000),
            gag_row("g1", "b", 0),
            gag_row("g2", "a", 0),
        ]
    );
    // Gags over are not loaded; lifting one group's leaves the others, lifting everywhere
    // leaves none of the user's.
    assert_eq!(loaded(store, NOW + 1).await.gags.len(), 3);
    change(
        store,
        MuteChange::Ungag {
            group_id: Some("g1".into()),
            user_ids: ids(&["b", "nobody"]),
        },
    )
    .await;
    change(
        store,
        MuteChange::Ungag {
            group_id: None,
            user_ids: ids(&["a"]),
        },
    )
    .await;
    assert_eq!(loaded(store, NOW).await.gags, [gag_row("", "c", NOW + 1)]);

    change(
        store,
        MuteChange::Ban {
            group_ids: ids(&["g1", "g2", "g1"]),
        },
    )
    .await;
    change(
        store,
        MuteChange::Unban {
            group_ids: ids(&["g2", "g9"]),
        },
    )
    .await;
    change(
        store,
        MuteChange::Whitelist {
            group_id: "g1".into(),
            user_ids: ids(&["x", "y", "x"]),
        },
    )
    .await;
    change(
        store,
        MuteChange::Unwhitelist {
            group_id: "g1".into(),
            user_ids: ids(&["y"]),
        },
    )
    .await;
    // Another app's mutes are its own.
    store
        .change_group_mutes(
            "other".into(),
            MuteChange::Ban {
                group_ids: ids(&["g2"]),
            },
        )
        .await
        .unwrap();
    let mutes = loaded(store, NOW).await;
    assert_eq!(
        mutes.bans,
        [
            ("app".to_owned(), "g1".to_owned()),
            ("other".to_owned(), "g2".to_owned())
        ]
    );
    assert_eq!(
        mutes.whitelist,
        [("app".to_owned(), "g1".to_owned(), "x".to_owned())]
    );
    // A new gag deletes the app's gags that are over.
    change(store, gag("g3", &["d"], 0, NOW + 1)).await;
    assert_eq!(loaded(store, 0).await.gags, [gag_row("g3", "d", 0)]);
}
