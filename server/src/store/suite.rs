//! The storage suite: what every [`Storage`] backend must do, written against the boundary
//! only — sending, idempotency, pulling, purging (conversation lists, history and deletions in
//! [`remote`], groups in [`groups`]). A backend runs all of it with [`storage_suite!`].

mod groups;
mod remote;

pub use groups::*;
pub use remote::*;

use super::*;
use crate::clock::now_ms;

/// Defines one `#[tokio::test]` per suite test, each on a fresh, empty backend from `$open`: a
/// function returning `(guard, backend)`, the guard (e.g. a temporary directory) dropped after
/// the test.
macro_rules! storage_suite {
    ($open:path) => {
        storage_suite!(@each $open;
            assigns_per_user_sequences_and_pulls_in_order,
            the_sender_gets_an_entry_of_its_own_with_its_key,
            a_message_for_several_recipients_gets_an_entry_in_each_inbox,
            a_retried_send_returns_the_first_result_and_is_not_delivered_again,
            purging_keeps_sequences_growing,
            lists_each_users_conversations_latest_first_page_by_page,
            walks_history_in_both_orders_without_gaps_or_repeats,
            deleting_hides_messages_from_the_deleting_user_only,
            clearing_hides_everything_up_to_a_time_and_keeps_sequences_growing,
            pages_of_big_messages_stop_before_the_frame_limit,
            members_see_the_group_log_only_while_members,
            a_group_message_is_stored_once_and_retries_return_the_first_result,
            directed_messages_reach_their_addressees_and_the_sender_only,
            joins_past_the_member_limit_are_refused_whole,
            dismissing_ends_every_membership_and_keeps_the_log_readable,
            syncing_makes_the_listed_groups_the_users_groups,
            group_conversations_list_merge_with_private_ones_and_honour_deletions,
            purging_drops_old_group_messages_that_are_not_history,
        );
    };
    (@each $open:path; $($test:ident,)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let (_guard, backend) = $open();
                $crate::store::suite::$test(&backend).await;
            }
        )*
    };
}

/// A message from alice to `to`, text, counted.
pub fn message(to: &str, client_message_id: &str, persisted: bool) -> NewMessage {
    NewMessage {
        app_key: "app".into(),
        sender_id: "alice".into(),
        conversation_type: 1,
        target_id: to.into(),
        recipients: vec![to.into()],
        object_name: "RC:TxtMsg".into(),
        content: r#"{"content":"hi"}"#.into(),
        client_message_id: client_message_id.into(),
        persisted,
        counted: true,
        max_conversations: usize::MAX,
    }
}

/// Stores `message`, which must be new; returns its entries.
pub async fn stored(store: &dyn Storage, message: NewMessage) -> NewEntries {
    match store.send_message(message).await.unwrap() {
        SendOutcome::Stored(entries) => *entries,
        other => panic!("expected a stored message, got {other:?}"),
    }
}

/// Every entry of `user`'s inbox after `after` (up to 500).
pub async fn pull_all(store: &dyn Storage, user: &str, after: u64) -> Pulled {
    store
        .pull("app".into(), user.into(), after, 500)
        .await
        .unwrap()
}

pub async fn assigns_per_user_sequences_and_pulls_in_order(store: &dyn Storage) {
    for (i, to) in ["bob", "bob", "carol", "bob"].iter().enumerate() {
        let outcome = store
            .send_message(message(to, &format!("c{i}"), true))
            .await
            .unwrap();
        assert!(matches!(outcome, SendOutcome::Stored { .. }));
    }
    let bob = pull_all(store, "bob", 0).await;
    assert_eq!(
        bob.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert!(
        bob.messages
            .windows(2)
            .all(|w| w[0].sent_time < w[1].sent_time)
    );
    assert!(bob.messages.iter().all(|m| m.target_id == "alice"));
    assert_eq!(pull_all(store, "carol", 0).await.messages.len(), 1);
    assert_eq!(pull_all(store, "bob", 2).await.messages.len(), 1);
    let page = store.pull("app".into(), "bob".into(), 0, 2).await.unwrap();
    assert!(page.has_more);
    assert_eq!(page.messages.len(), 2);
    assert_eq!(
        store.inbox_seq("app".into(), "bob".into()).await.unwrap(),
        3
    );
    assert_eq!(
        store.inbox_seq("app".into(), "dave".into()).await.unwrap(),
        0
    );
    store.shutdown();
}

pub async fn the_sender_gets_an_entry_of_its_own_with_its_key(store: &dyn Storage) {
    let NewEntries {
        recipients,
        own_entry: ours,
    } = stored(store, message("bob", "k1", true)).await;
    let [
        RecipientEntry {
            user_id: recipient,
            entry: theirs,
        },
    ] = <[_; 1]>::try_from(recipients).expect("expected two entries");
    assert_eq!(recipient, "bob");
    assert_eq!((ours.seq, ours.target_id.as_str()), (1, "bob"));
    assert_eq!(ours.client_message_id, "k1");
    assert_eq!((theirs.seq, theirs.target_id.as_str()), (1, "alice"));
    assert!(theirs.client_message_id.is_empty());
    // Pulls show each user their own view; a message without a key pulls with an empty one.
    store.send_message(message("bob", "", true)).await.unwrap();
    let alice = pull_all(store, "alice", 0).await.messages;
    let keys: Vec<_> = alice.iter().map(|m| m.client_message_id.as_str()).collect();
    assert_eq!(keys, vec!["k1", ""]);
    assert_eq!(alice[0], ours);
    let bob = pull_all(store, "bob", 0).await.messages;
    assert_eq!(bob[0], theirs);
    assert!(bob.iter().all(|m| m.client_message_id.is_empty()));
    // A retry adds no entry anywhere; a message to oneself adds one.
    store
        .send_message(message("bob", "k1", true))
        .await
        .unwrap();
    let to_self = stored(store, message("alice", "k3", true)).await;
    assert!(to_self.recipients.is_empty(), "one entry only");
    let own_entry = to_self.own_entry;
    assert_eq!(
        (
            own_entry.seq,
            own_entry.target_id.as_str(),
            own_entry.client_message_id.as_str()
        ),
        (3, "alice", "k3")
    );
    assert_eq!(
        store.inbox_seq("app".into(), "alice".into()).await.unwrap(),
        3
    );
    assert_eq!(
        store.inbox_seq("app".into(), "bob".into()).await.unwrap(),
        2
    );
    store.shutdown();
}

pub async fn a_message_for_several_recipients_gets_an_entry_in_each_inbox(store: &dyn Storage) {
    stored(store, message("bob", "", true)).await;
    let entries = stored(
        store,
        NewMessage {
            recipients: vec!["bob".into(), "alice".into(), "carol".into()],
            ..message("bob", "k", true)
        },
    )
    .await;
    // The sender among the recipients is skipped: its own entry is the only one it gets.
    let got: Vec<_> = entries
        .recipients
        .iter()
        .map(|r| (r.user_id.as_str(), r.entry.seq, r.entry.target_id.as_str()))
        .collect();
    assert_eq!(got, vec![("bob", 2, "alice"), ("carol", 1, "alice")]);
    assert_eq!(entries.own_entry.seq, 2);
    for r in &entries.recipients {
        let pulled = pull_all(store, &r.user_id, r.entry.seq - 1).await.messages;
        assert_eq!(pulled, vec![r.entry.clone()]);
        let listed = store
            .conversation_list("app".into(), r.user_id.clone(), 10, 0)
            .await
            .unwrap();
        let latest = listed.conversations[0].latest_message.as_ref().unwrap();
        assert_eq!(latest.message_uid, entries.own_entry.message_uid);
    }
    assert_eq!(pull_all(store, "alice", 0).await.messages.len(), 2);
    store.shutdown();
}

pub async fn a_retried_send_returns_the_first_result_and_is_not_delivered_again(
    store: &dyn Storage,
) {
    let first = store
        .send_message(message("bob", "same", false))
        .await
        .unwrap();
    // The completion of a retry, too, gets the first result.
    let (completed, completion) = tokio::sync::oneshot::channel();
    store.send_message_then(
        message("bob", "same", false),
        Box::new(move |outcome| {
            let _ = completed.send(outcome);
        }),
    );
    let retry = completion.await.unwrap().unwrap();
    assert!(matches!(retry, SendOutcome::Duplicate { .. }));
    assert_eq!(retry.message_uid(), first.message_uid());
    assert_eq!(retry.sent_time(), first.sent_time());
    assert_eq!(pull_all(store, "bob", 0).await.messages.len(), 1);
    // Without a client id there is no deduplication.
    store.send_message(message("bob", "", true)).await.unwrap();
    store.send_message(message("bob", "", true)).await.unwrap();
    assert_eq!(pull_all(store, "bob", 0).await.messages.len(), 3);
    store.shutdown();
}

pub async fn purging_keeps_sequences_growing(store: &dyn Storage) {
    store.send_message(message("bob", "a", true)).await.unwrap();
    assert_eq!(store.purge_before(now_ms() + 1).await.unwrap(), 2);
    assert!(pull_all(store, "bob", 0).await.messages.is_empty());
    store.send_message(message("bob", "b", true)).await.unwrap();
    let bob = pull_all(store, "bob", 0).await;
    assert_eq!(bob.messages[0].seq, 2);
    assert_eq!(store.purge_before(now_ms() - 60_000).await.unwrap(), 0);
    store.shutdown();
}
