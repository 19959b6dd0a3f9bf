//! Conversation lists, remote history and remote deletion, against the [`Storage`] boundary.

use improto::{ConversationList, InboxMessage};

use super::{pull_all, stored};
use crate::store::*;

/// A persisted text message from `from` to `to` with idempotency key `key`.
fn text(from: &str, to: &str, key: &str) -> NewMessage {
    NewMessage {
        sender_id: from.into(),
        ..super::message(to, key, true)
    }
}

/// `user`'s private conversation with `peer`.
fn chat(user: &str, peer: &str) -> UserConversation {
    UserConversation {
        app_key: "app".into(),
        user_id: user.into(),
        conversation_type: 1,
        target_id: peer.into(),
    }
}

pub async fn list(store: &dyn Storage, user: &str, count: usize, before: i64) -> ConversationList {
    store
        .conversation_list("app".into(), user.into(), count, before)
        .await
        .unwrap()
}

/// (target id, latest message UID) of each conversation.
pub fn summary(list: &ConversationList) -> Vec<(&str, &str)> {
    list.conversations
        .iter()
        .map(|c| {
            let latest = c.latest_message.as_ref().expect("a latest message");
            (c.target_id.as_str(), latest.message_uid.as_str())
        })
        .collect()
}

/// Every message of `user`'s chat with `peer`, walking pages of `count` in `order`.
pub async fn walk(
    store: &dyn Storage,
    user: &str,
    peer: &str,
    count: usize,
    order: Order,
) -> Vec<InboxMessage> {
    let mut all = Vec::new();
    let mut cursor = 0;
    loop {
        let page = store
            .history(chat(user, peer), cursor, count, order)
            .await
            .unwrap();
        assert!(page.messages.len() <= count);
        all.extend(page.messages.iter().cloned());
        match page.messages.last() {
            Some(last) if page.has_more => cursor = last.sent_time,
            _ => return all,
        }
    }
}

/// Messages `k<i>` for each `i` of `keys` between alice and bob, alice sending the even ones;
/// the senders' entries.
async fn exchange(store: &dyn Storage, keys: std::ops::Range<usize>) -> Vec<InboxMessage> {
    let mut sent = Vec::new();
    for i in keys {
        let (from, to) = if i % 2 == 0 {
            ("alice", "bob")
        } else {
            ("bob", "alice")
        };
        let entries = stored(store, text(from, to, &format!("k{i}"))).await;
        sent.push(entries.own_entry);
    }
    sent
}

pub fn uids(messages: &[InboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.message_uid.as_str()).collect()
}

pub async fn lists_each_users_conversations_latest_first_page_by_page(store: &dyn Storage) {
    let to_bob = stored(store, text("alice", "bob", "a1")).await.own_entry;
    let from_carol = stored(store, text("carol", "alice", "c1")).await.own_entry;
    let note = stored(store, text("alice", "alice", "n1")).await.own_entry;
    // Not history: changes no list.
    stored(
        store,
        NewMessage {
            persisted: false,
            ..text("bob", "alice", "t1")
        },
    )
    .await;

    let alice = list(store, "alice", 10, 0).await;
    assert_eq!(
        summary(&alice),
        vec![
            ("alice", note.message_uid.as_str()),
            ("carol", from_carol.message_uid.as_str()),
            ("bob", to_bob.message_uid.as_str()),
        ]
    );
    assert!(!alice.has_more);
    let latest: Vec<_> = alice
        .conversations
        .iter()
        .map(|c| c.latest_message.clone().unwrap())
        .collect();
    // As alice sees them: her own messages with her keys, carol's without carol's.
    assert_eq!(latest[0], InboxMessage { seq: 0, ..note });
    assert_eq!(
        (
            latest[1].target_id.as_str(),
            latest[1].client_message_id.as_str()
        ),
        ("carol", "")
    );
    assert_eq!(
        (
            latest[2].target_id.as_str(),
            latest[2].client_message_id.as_str()
        ),
        ("bob", "a1")
    );
    let bob = list(store, "bob", 10, 0).await;
    assert_eq!(summary(&bob), vec![("alice", to_bob.message_uid.as_str())]);
    assert!(
        bob.conversations[0]
            .latest_message
            .as_ref()
            .unwrap()
            .client_message_id
            .is_empty()
    );

    let first = list(store, "alice", 2, 0).await;
    assert_eq!((first.conversations.len(), first.has_more), (2, true));
    let before = first.conversations[1]
        .latest_message
        .as_ref()
        .unwrap()
        .sent_time;
    let rest = list(store, "alice", 2, before).await;
    assert_eq!(summary(&rest), vec![("bob", to_bob.message_uid.as_str())]);
    assert!(!rest.has_more);

    // Removed from alice's list only, until the next message in it.
    store
        .remove_conversation(chat("alice", "bob"))
        .await
        .unwrap();
    assert_eq!(list(store, "alice", 10, 0).await.conversations.len(), 2);
    assert_eq!(list(store, "bob", 10, 0).await.conversations.len(), 1);
    let reply = stored(store, text("bob", "alice", "b1")).await.own_entry;
    let alice = list(store, "alice", 10, 0).await;
    assert_eq!(summary(&alice)[0], ("bob", reply.message_uid.as_str()));
    // Removing is not deleting: the history is all there.
    assert_eq!(
        walk(store, "alice", "bob", 10, Order::NewestFirst)
            .await
            .len(),
        2
    );
    store.shutdown();
}

pub async fn walks_history_in_both_orders_without_gaps_or_repeats(store: &dyn Storage) {
    let mut sent = Vec::new();
    for round in 0..8 {
        sent.extend(exchange(store, round * 3..round * 3 + 3).await);
        // Other conversations and non-history messages interleave.
        stored(store, text("alice", "carol", &format!("c{round}"))).await;
        let typing = text("bob", "alice", &format!("t{round}"));
        stored(
            store,
            NewMessage {
                persisted: false,
                ..typing
            },
        )
        .await;
    }
    for (user, peer, count) in [("alice", "bob", 5), ("bob", "alice", 4)] {
        let forwards = walk(store, user, peer, count, Order::OldestFirst).await;
        let mut backwards = walk(store, user, peer, count + 2, Order::NewestFirst).await;
        backwards.reverse();
        assert_eq!(uids(&forwards), uids(&sent), "{user}");
        assert_eq!(uids(&backwards), uids(&sent), "{user}");
        // As the user sees them: the conversation from their side, only their own keys.
        for m in &forwards {
            assert_eq!((m.target_id.as_str(), m.seq), (peer, 0));
            assert_eq!(m.sender_user_id == user, !m.client_message_id.is_empty());
        }
    }
    // A cursor excludes its own message.
    let page = store
        .history(
            chat("alice", "bob"),
            sent[10].sent_time,
            2,
            Order::NewestFirst,
        )
        .await
        .unwrap();
    assert_eq!(
        uids(&page.messages),
        uids(&[sent[9].clone(), sent[8].clone()])
    );
    let page = store
        .history(
            chat("alice", "bob"),
            sent[21].sent_time,
            5,
            Order::OldestFirst,
        )
        .await
        .unwrap();
    assert_eq!(
        (uids(&page.messages), page.has_more),
        (uids(&sent[22..]), false)
    );
    store.shutdown();
}

pub async fn deleting_hides_messages_from_the_deleting_user_only(store: &dyn Storage) {
    let sent = exchange(store, 0..4).await;
    let elsewhere = stored(store, text("alice", "carol", "c")).await.own_entry;
    let doomed = vec![
        sent[1].message_uid.clone(),
        sent[3].message_uid.clone(),
        // Of another conversation: ignored.
        elsewhere.message_uid.clone(),
    ];
    store
        .delete_messages(chat("alice", "bob"), doomed.clone())
        .await
        .unwrap();
    // Again, harmlessly.
    store
        .delete_messages(chat("alice", "bob"), doomed)
        .await
        .unwrap();

    let kept = uids(&[sent[0].clone(), sent[2].clone()]).join(",");
    let history = walk(store, "alice", "bob", 10, Order::OldestFirst).await;
    assert_eq!(uids(&history).join(","), kept);
    assert_eq!(
        walk(store, "bob", "alice", 10, Order::OldestFirst)
            .await
            .len(),
        4
    );
    assert_eq!(
        walk(store, "alice", "carol", 10, Order::OldestFirst)
            .await
            .len(),
        1
    );
    // The latest message alice still has takes the place of the deleted one.
    let alice = list(store, "alice", 10, 0).await;
    let bob_chat = alice
        .conversations
        .iter()
        .find(|c| c.target_id == "bob")
        .unwrap();
    assert_eq!(
        bob_chat.latest_message.as_ref().unwrap().message_uid,
        sent[2].message_uid
    );
    assert_eq!(alice.conversations[0].target_id, "carol");
    assert_eq!(
        summary(&list(store, "bob", 10, 0).await)[0].1,
        sent[3].message_uid.as_str()
    );
    // Alice's pulls skip them (their sequence numbers stay used); bob's do not.
    let pulled = pull_all(store, "alice", 0).await.messages;
    assert_eq!(
        pulled.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![1, 3, 5]
    );
    assert_eq!(pull_all(store, "bob", 0).await.messages.len(), 4);
    assert_eq!(
        store.inbox_seq("app".into(), "alice".into()).await.unwrap(),
        5
    );
    store.shutdown();
}

pub async fn clearing_hides_everything_up_to_a_time_and_keeps_sequences_growing(
    store: &dyn Storage,
) {
    let sent = exchange(store, 0..5).await;
    store
        .clear_history(chat("bob", "alice"), sent[2].sent_time)
        .await
        .unwrap();
    let history = walk(store, "bob", "alice", 10, Order::NewestFirst).await;
    assert_eq!(uids(&history), uids(&[sent[4].clone(), sent[3].clone()]));
    assert_eq!(pull_all(store, "bob", 0).await.messages.len(), 2);
    assert_eq!(
        walk(store, "alice", "bob", 10, Order::NewestFirst)
            .await
            .len(),
        5
    );

    // 0 clears everything so far: the conversation leaves bob's list.
    store.clear_history(chat("bob", "alice"), 0).await.unwrap();
    assert!(
        walk(store, "bob", "alice", 10, Order::OldestFirst)
            .await
            .is_empty()
    );
    assert!(pull_all(store, "bob", 0).await.messages.is_empty());
    assert!(list(store, "bob", 10, 0).await.conversations.is_empty());
    assert_eq!(list(store, "alice", 10, 0).await.conversations.len(), 1);
    // A time in the future does not hide what comes later; sequences go on.
    store
        .clear_history(chat("bob", "alice"), i64::MAX)
        .await
        .unwrap();
    let next = stored(store, text("alice", "bob", "k5")).await;
    assert_eq!(next.recipients[0].entry.seq, 6);
    let history = walk(store, "bob", "alice", 10, Order::OldestFirst).await;
    assert_eq!(uids(&history), vec![next.own_entry.message_uid.as_str()]);
    assert_eq!(
        summary(&list(store, "bob", 10, 0).await)[0].1,
        next.own_entry.message_uid.as_str()
    );
    store.shutdown();
}

pub async fn pages_of_big_messages_stop_before_the_frame_limit(store: &dyn Storage) {
    let big = format!(r#"{{"content":"{}"}}"#, "x".repeat(100 * 1024));
    for i in 0..5 {
        let message = NewMessage {
            content: big.clone(),
            ..text("alice", "bob", &format!("b{i}"))
        };
        stored(store, message).await;
    }
    let page = store
        .history(chat("bob", "alice"), 0, 100, Order::OldestFirst)
        .await
        .unwrap();
    assert_eq!((page.messages.len(), page.has_more), (2, true));
    assert_eq!(
        walk(store, "bob", "alice", 100, Order::OldestFirst)
            .await
            .len(),
        5
    );
    let pulled = store
        .pull("app".into(), "bob".into(), 0, 500)
        .await
        .unwrap();
    assert_eq!((pulled.messages.len(), pulled.has_more), (2, true));
    for frame in [
        improto::encode(improto::Body::Delivery(improto::Delivery {
            messages: pulled.messages,
            pull_request_id: 1,
            has_more: true,
            ..Default::default()
        })),
        improto::encode(improto::Body::Response(improto::Response {
            request_id: 1,
            code: 0,
            body: Some(improto::response::Body::History(page)),
        })),
    ] {
        assert!(improto::decode(&frame).is_ok());
    }
    store.shutdown();
}
