//! Groups against the [`Storage`] boundary: membership over time, the group log (each message
//! once, under the group's sequence), directed messages, pulls, heads, history, the
//! conversation list and deletions of group conversations.

use improto::InboxMessage;

use crate::store::*;

/// Applies `change` to app "app"; the touched groups' states.
async fn change(store: &dyn Storage, change: GroupChange) -> Result<Vec<GroupState>, StoreError> {
    store
        .change_group("app".into(), change, Box::new(|_| {}))
        .await
}

/// `user_ids` join group `g` (created as "G" if need be), at most 3000 members.
pub async fn join(store: &dyn Storage, g: &str, user_ids: &[&str]) {
    change(
        store,
        GroupChange::Join {
            group_id: g.into(),
            name: "G".into(),
            user_ids: user_ids.iter().map(|u| u.to_string()).collect(),
            max_members: 3000,
        },
    )
    .await
    .unwrap();
}

/// `user_ids` quit group `g`.
pub async fn quit(store: &dyn Storage, g: &str, user_ids: &[&str]) {
    change(
        store,
        GroupChange::Quit {
            group_id: g.into(),
            user_ids: user_ids.iter().map(|u| u.to_string()).collect(),
        },
    )
    .await
    .unwrap();
}

/// A persisted text from `from` into group `g` with key `key`.
pub fn group_text(from: &str, g: &str, key: &str) -> NewMessage {
    NewMessage {
        sender_id: from.into(),
        conversation_type: 3,
        recipients: Vec::new(),
        ..super::message(g, key, true)
    }
}

/// Stores a group message; the sender's entry (with the group sequence).
pub async fn send_to_group(store: &dyn Storage, m: NewMessage, directed: &[&str]) -> SendOutcome {
    let (done, outcome) = tokio::sync::oneshot::channel();
    let directed = directed.iter().map(|u| u.to_string()).collect();
    store.send_group_message_then(
        m,
        directed,
        Box::new(move |o| {
            let _ = done.send(o);
        }),
    );
    outcome.await.unwrap().unwrap()
}

/// The sender's entry of a newly stored group message.
async fn sent(store: &dyn Storage, m: NewMessage, directed: &[&str]) -> InboxMessage {
    match send_to_group(store, m, directed).await {
        SendOutcome::Stored(entries) => {
            assert!(entries.recipients.is_empty());
            entries.own_entry
        }
        other => panic!("expected a stored message, got {other:?}"),
    }
}

/// Everything `user` may pull of group `g` after `after`.
async fn pull_group(store: &dyn Storage, user: &str, g: &str, after: u64) -> Option<GroupPulled> {
    store
        .pull_group("app".into(), user.into(), g.into(), after, 500)
        .await
        .unwrap()
}

/// The sequences of a pulled page.
fn seqs(page: &GroupPulled) -> Vec<u64> {
    page.messages.iter().map(|m| m.seq).collect()
}

pub async fn members_see_the_group_log_only_while_members(store: &dyn Storage) {
    join(store, "g", &["alice", "bob"]).await;
    let first = sent(store, group_text("alice", "g", "k1"), &[]).await;
    assert_eq!((first.seq, first.target_id.as_str()), (1, "g"));
    assert_eq!(first.client_message_id, "k1");
    join(store, "g", &["carol"]).await;
    sent(store, group_text("bob", "g", ""), &[]).await;
    quit(store, "g", &["bob"]).await;
    sent(store, group_text("alice", "g", ""), &[]).await;
    let alice = pull_group(store, "alice", "g", 0).await.unwrap();
    assert_eq!(
        (seqs(&alice), alice.through_seq, alice.has_more),
        (vec![1, 2, 3], 3, false)
    );
    assert_eq!(
        alice.messages[0].client_message_id, "k1",
        "the sender's own view"
    );
    let bob = pull_group(store, "bob", "g", 0).await.unwrap();
    assert_eq!((seqs(&bob), bob.through_seq), (vec![1, 2], 2));
    assert!(
        bob.messages
            .iter()
            .all(|m| m.target_id == "g" && m.client_message_id.is_empty())
    );
    let carol = pull_group(store, "carol", "g", 0).await.unwrap();
    assert_eq!((seqs(&carol), carol.through_seq), (vec![2, 3], 3));
    assert_eq!(pull_group(store, "dave", "g", 0).await, None);
    // A page short of the end accounts for what it holds only.
    let page = store
        .pull_group("app".into(), "alice".into(), "g".into(), 0, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (seqs(&page), page.through_seq, page.has_more),
        (vec![1, 2], 2, true)
    );
    // Rejoining opens a new window; heads cover current and former groups.
    join(store, "g", &["bob"]).await;
    sent(store, group_text("alice", "g", ""), &[]).await;
    let bob = pull_group(store, "bob", "g", 2).await.unwrap();
    assert_eq!((seqs(&bob), bob.through_seq), (vec![4], 4));
    join(store, "h", &["bob"]).await;
    quit(store, "g", &["carol"]).await;
    sent(store, group_text("alice", "g", ""), &[]).await;
    let heads = |user: &'static str| async move {
        let heads = store
            .group_heads("app".into(), user.into(), String::new(), 10)
            .await
            .unwrap();
        let heads: Vec<(String, u64)> = heads
            .heads
            .into_iter()
            .map(|h| (h.group_id, h.head_seq))
            .collect();
        heads
    };
    assert_eq!(
        heads("bob").await,
        [("g".to_string(), 5), ("h".to_string(), 0)]
    );
    assert_eq!(heads("carol").await, [("g".to_string(), 4)]);
    let paged = store
        .group_heads("app".into(), "bob".into(), "g".into(), 1)
        .await
        .unwrap();
    assert_eq!((paged.heads.len(), paged.has_more), (1, false));
    assert_eq!(paged.heads[0].group_id, "h");
    let groups = store.user_groups("app".into(), "bob".into()).await.unwrap();
    assert_eq!(
        groups,
        [
            ("g".to_string(), "G".to_string()),
            ("h".to_string(), "G".to_string())
        ]
    );
    store.shutdown();
}

pub async fn a_group_message_is_stored_once_and_retries_return_the_first_result(
    store: &dyn Storage,
) {
    join(store, "g", &["alice", "bob"]).await;
    let first = sent(store, group_text("alice", "g", "k"), &[]).await;
    match send_to_group(store, group_text("alice", "g", "k"), &[]).await {
        SendOutcome::Duplicate { message_uid, .. } => assert_eq!(message_uid, first.message_uid),
        other => panic!("expected the first result, got {other:?}"),
    }
    let bob = pull_group(store, "bob", "g", 0).await.unwrap();
    assert_eq!(seqs(&bob), [1]);
    store.shutdown();
}

pub async fn directed_messages_reach_their_addressees_and_the_sender_only(store: &dyn Storage) {
    join(store, "g", &["alice", "bob", "carol"]).await;
    sent(store, group_text("alice", "g", ""), &["bob"]).await;
    sent(store, group_text("alice", "g", ""), &[]).await;
    let bob = pull_group(store, "bob", "g", 0).await.unwrap();
    assert_eq!(seqs(&bob), [1, 2]);
    let alice = pull_group(store, "alice", "g", 0).await.unwrap();
    assert_eq!(seqs(&alice), [1, 2]);
    let carol = pull_group(store, "carol", "g", 0).await.unwrap();
    assert_eq!((seqs(&carol), carol.through_seq), (vec![2], 2));
    assert_eq!(group_history(store, "carol", "g").await.len(), 1);
    assert_eq!(group_history(store, "bob", "g").await.len(), 2);
    store.shutdown();
}

/// `user`'s history of group `g`, newest first.
async fn group_history(store: &dyn Storage, user: &str, g: &str) -> Vec<InboxMessage> {
    store
        .history(conversation(user, g), 0, 100, Order::NewestFirst)
        .await
        .unwrap()
        .messages
}

/// `user`'s conversation of group `g`.
fn conversation(user: &str, g: &str) -> UserConversation {
    UserConversation {
        app_key: "app".into(),
        user_id: user.into(),
        conversation_type: 3,
        target_id: g.into(),
    }
}

pub async fn joins_past_the_member_limit_are_refused_whole(store: &dyn Storage) {
    let limited = |users: &[&str]| GroupChange::Join {
        group_id: "g".into(),
        name: "G".into(),
        user_ids: users.iter().map(|u| u.to_string()).collect(),
        max_members: 2,
    };
    change(store, limited(&["a", "b"])).await.unwrap();
    let refused = change(store, limited(&["a", "c"])).await;
    assert!(matches!(refused, Err(StoreError::QuotaExceeded(_))));
    // Present members do not count twice.
    let states = change(store, limited(&["a", "b"])).await.unwrap();
    assert_eq!(states[0].members, ["a", "b"]);
    store.shutdown();
}

pub async fn dismissing_ends_every_membership_and_keeps_the_log_readable(store: &dyn Storage) {
    join(store, "g", &["alice", "bob"]).await;
    sent(store, group_text("alice", "g", ""), &[]).await;
    let states = change(
        store,
        GroupChange::Dismiss {
            group_id: "g".into(),
        },
    )
    .await
    .unwrap();
    assert!(states[0].dismissed && states[0].members.is_empty());
    let bob = pull_group(store, "bob", "g", 0).await.unwrap();
    assert_eq!((seqs(&bob), bob.through_seq), (vec![1], 1));
    assert_eq!(group_history(store, "bob", "g").await.len(), 1);
    let renamed = change(
        store,
        GroupChange::Rename {
            group_id: "g".into(),
            name: "New".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed[0].name, "New");
    let state = store
        .group_state("app".into(), "g".into())
        .await
        .unwrap()
        .unwrap();
    assert!(state.dismissed);
    assert_eq!(
        store.group_state("app".into(), "x".into()).await.unwrap(),
        None
    );
    store.shutdown();
}

pub async fn syncing_makes_the_listed_groups_the_users_groups(store: &dyn Storage) {
    join(store, "old", &["bob"]).await;
    join(store, "g", &["alice"]).await;
    let states = change(
        store,
        GroupChange::Sync {
            user_id: "bob".into(),
            groups: vec![
                ("g".into(), "Renamed?".into()),
                ("new".into(), "New".into()),
            ],
            max_members: 3000,
        },
    )
    .await
    .unwrap();
    assert_eq!(states.len(), 3);
    let groups = store.user_groups("app".into(), "bob".into()).await.unwrap();
    assert_eq!(
        groups,
        [
            ("g".to_string(), "G".to_string()),
            ("new".to_string(), "New".to_string())
        ]
    );
    store.shutdown();
}

pub async fn group_conversations_list_merge_with_private_ones_and_honour_deletions(
    store: &dyn Storage,
) {
    join(store, "g", &["alice", "bob"]).await;
    let one = sent(store, group_text("alice", "g", ""), &[]).await;
    super::stored(store, super::message("bob", "", true)).await;
    let two = sent(store, group_text("alice", "g", ""), &[]).await;
    let list = super::list(store, "bob", 10, 0).await;
    assert_eq!(
        super::summary(&list),
        [
            ("g", two.message_uid.as_str()),
            (
                "alice",
                list.conversations[1]
                    .latest_message
                    .as_ref()
                    .unwrap()
                    .message_uid
                    .as_str()
            )
        ]
    );
    assert_eq!(list.conversations[0].conversation_type, 3);
    // Page by page, each conversation once, at its latest message.
    let first = super::list(store, "bob", 1, 0).await;
    assert_eq!(
        (first.conversations[0].target_id.as_str(), first.has_more),
        ("g", true)
    );
    let cursor = first.conversations[0]
        .latest_message
        .as_ref()
        .unwrap()
        .sent_time;
    let second = super::list(store, "bob", 10, cursor).await;
    let targets: Vec<_> = second
        .conversations
        .iter()
        .map(|c| c.target_id.as_str())
        .collect();
    assert_eq!((targets, second.has_more), (vec!["alice"], false));
    // Deleting the latest shows the one before; clearing empties the conversation.
    store
        .delete_messages(conversation("bob", "g"), vec![two.message_uid.clone()])
        .await
        .unwrap();
    let history = group_history(store, "bob", "g").await;
    assert_eq!(
        history
            .iter()
            .map(|m| m.message_uid.as_str())
            .collect::<Vec<_>>(),
        [one.message_uid.as_str()]
    );
    let list = super::list(store, "bob", 10, 0).await;
    assert_eq!(
        list.conversations[1]
            .latest_message
            .as_ref()
            .unwrap()
            .message_uid,
        one.message_uid
    );
    assert_eq!(seqs(&pull_group(store, "bob", "g", 0).await.unwrap()), [1]);
    store
        .clear_history(conversation("bob", "g"), 0)
        .await
        .unwrap();
    assert!(group_history(store, "bob", "g").await.is_empty());
    assert_eq!(
        super::list(store, "bob", 10, 0).await.conversations.len(),
        1
    );
    // Alice keeps hers; removing the conversation hides it until the next message.
    assert_eq!(group_history(store, "alice", "g").await.len(), 2);
    store
        .remove_conversation(conversation("alice", "g"))
        .await
        .unwrap();
    assert_eq!(
        super::list(store, "alice", 10, 0).await.conversations.len(),
        1
    );
    sent(store, group_text("bob", "g", ""), &[]).await;
    assert_eq!(
        super::list(store, "alice", 10, 0).await.conversations[0].target_id,
        "g"
    );
    store.shutdown();
}

pub async fn purging_drops_old_group_messages_that_are_not_history(store: &dyn Storage) {
    join(store, "g", &["alice", "bob"]).await;
    sent(store, group_text("alice", "g", "kept"), &[]).await;
    let transient = NewMessage {
        persisted: false,
        ..group_text("alice", "g", "")
    };
    sent(store, transient, &["bob"]).await;
    store
        .purge_before(crate::clock::now_ms() + 1000)
        .await
        .unwrap();
    let bob = pull_group(store, "bob", "g", 0).await.unwrap();
    assert_eq!((seqs(&bob), bob.through_seq), (vec![1], 2));
    // The key is forgotten with the purge; sequences keep growing.
    assert_eq!(
        sent(store, group_text("alice", "g", "kept"), &[]).await.seq,
        3
    );
    store.shutdown();
}
