//! Suite tests of how a message is kept: messages for online recipients only are stored
//! nowhere, and sending options travel with a stored message everywhere it is read.

use super::remote::walk;
use super::{message, pull_all, stored};
use crate::store::*;

pub async fn messages_for_online_recipients_only_are_stored_nowhere(store: &dyn Storage) {
    let status = NewMessage {
        persisted: false,
        counted: false,
        offline: false,
        ..message("bob", "s1", false)
    };
    let first = stored(store, status.clone()).await;
    let [RecipientEntry { user_id, entry }] = <[_; 1]>::try_from(first.recipients).unwrap();
    assert_eq!(user_id, "bob");
    assert!(entry.is_status && first.own_entry.is_status);
    assert_eq!((entry.seq, entry.target_id.as_str()), (0, "alice"));
    assert!(entry.client_message_id.is_empty());
    assert_eq!(first.own_entry.client_message_id, "s1");
    assert!(!first.own_entry.message_uid.is_empty() && first.own_entry.sent_time > 0);
    // Not an idempotency key either: nothing remembers it.
    let again = stored(store, status).await;
    assert_ne!(again.own_entry.message_uid, first.own_entry.message_uid);
    for user in ["alice", "bob"] {
        assert!(pull_all(store, user, 0).await.messages.is_empty(), "{user}");
        assert_eq!(store.inbox_seq("app".into(), user.into()).await.unwrap(), 0);
    }
    assert!(
        walk(store, "bob", "alice", 10, Order::NewestFirst)
            .await
            .is_empty()
    );
    store.shutdown();
}

pub async fn sending_options_travel_with_the_message(store: &dyn Storage) {
    let options = improto::MessageOptions {
        disable_notification: true,
        push_content: "you have mail".into(),
        push_data: "d".into(),
        push_config: r#"{"pushTitle":"t"}"#.into(),
        is_voip_push: true,
    };
    stored(store, message("bob", "plain", true)).await;
    let entries = stored(
        store,
        NewMessage {
            options: Some(options.clone()),
            ..message("bob", "o1", true)
        },
    )
    .await;
    assert_eq!(entries.own_entry.options.as_ref(), Some(&options));
    assert_eq!(entries.recipients[0].entry.options.as_ref(), Some(&options));
    for (user, peer) in [("alice", "bob"), ("bob", "alice")] {
        let pulled = pull_all(store, user, 0).await.messages;
        let history = walk(store, user, peer, 10, Order::OldestFirst).await;
        for read in [&pulled, &history] {
            assert_eq!(read.len(), 2, "{user}");
            assert_eq!(read[0].options, None, "{user}");
            assert_eq!(read[1].options.as_ref(), Some(&options), "{user}");
        }
    }
    let list = store
        .conversation_list("app".into(), "bob".into(), 10, 0)
        .await
        .unwrap();
    let latest = list.conversations[0].latest_message.as_ref().unwrap();
    assert_eq!(latest.options.as_ref(), Some(&options));
    store.shutdown();
}
