//! Remote history and remote deletion over WebSocket: history pages in both orders, deletes and
//! clears that hide messages from the requesting user only (history, conversation list, pulls),
//! and bad requests answered with 33003.

use improto::request::Body as RequestBody;
use improto::{
    ClearHistory, ConversationListQuery, DeleteMessages, HistoryQuery, InboxMessage, Platform,
    RemoveConversation,
};

mod common;

use common::{
    TestServer, Ws, conversation_list, expect_alive, history, pull, recv_pushed, request,
    request_ok, send_text,
};

const NEWEST_FIRST: i32 = 0;
const OLDEST_FIRST: i32 = 1;

async fn connect(server: &TestServer, token: &str, device_id: &str) -> Ws {
    let (ws, ack) = server
        .connect_as(token, Platform::Desktop as i32, device_id)
        .await;
    assert_eq!(ack.code, 0);
    ws
}

/// Every message of the chat with `target_id`, walking pages of `count` in `order`; request ids
/// from `first_id` on.
async fn walk(
    ws: &mut Ws,
    first_id: u64,
    target_id: &str,
    count: u32,
    order: i32,
) -> Vec<InboxMessage> {
    let mut all = Vec::new();
    let mut cursor = 0;
    for request_id in first_id.. {
        let page = history(ws, request_id, target_id, cursor, count, order).await;
        assert!(page.messages.len() <= count as usize);
        all.extend(page.messages.iter().cloned());
        match page.messages.last() {
            Some(last) if page.has_more => cursor = last.sent_time,
            _ => break,
        }
    }
    all
}

fn uids(messages: &[InboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.message_uid.as_str()).collect()
}

/// An exchange of `count` messages between alice and bob, alternating; the senders' entries.
async fn exchange(alice: &mut Ws, bob: &mut Ws, count: u64) -> Vec<InboxMessage> {
    let mut sent = Vec::new();
    for i in 0..count {
        let (from, to, peer) = if i % 2 == 0 {
            (&mut *alice, &mut *bob, "bob")
        } else {
            (&mut *bob, &mut *alice, "alice")
        };
        sent.push(send_text(from, 100 + i, peer, &format!("k{i}")).await);
        recv_pushed(to).await;
    }
    sent
}

#[tokio::test]
async fn history_pages_cover_the_conversation_in_both_orders() {
    let server = TestServer::start().await;
    let mut alice = connect(&server, &server.token("alice").await, "a1").await;
    let mut bob = connect(&server, &server.token("bob").await, "b1").await;
    let sent = exchange(&mut alice, &mut bob, 11).await;
    send_text(&mut alice, 1, "carol", "elsewhere").await;

    let oldest_first = walk(&mut alice, 1, "bob", 3, OLDEST_FIRST).await;
    assert_eq!(uids(&oldest_first), uids(&sent));
    let mut newest_first = walk(&mut bob, 1, "alice", 4, NEWEST_FIRST).await;
    newest_first.reverse();
    assert_eq!(uids(&newest_first), uids(&sent));
    // As each user sees them: the conversation from their side, only their own keys.
    assert!(
        oldest_first
            .iter()
            .all(|m| m.target_id == "bob" && m.seq == 0)
    );
    for m in &newest_first {
        assert_eq!(m.target_id, "alice");
        assert_eq!(
            m.sender_user_id == "bob",
            !m.client_message_id.is_empty(),
            "{m:?}"
        );
    }
    // count 1 from the latest returns data, and its cursor continues without skipping.
    let page = history(&mut alice, 50, "bob", 0, 1, NEWEST_FIRST).await;
    assert_eq!(
        (uids(&page.messages), page.has_more),
        (vec![sent[10].message_uid.as_str()], true)
    );
    let page = history(&mut alice, 51, "bob", sent[10].sent_time, 1, NEWEST_FIRST).await;
    assert_eq!(uids(&page.messages), vec![sent[9].message_uid.as_str()]);
    server.stop().await;
}

#[tokio::test]
async fn deletes_and_clears_hide_messages_from_the_requester_only() {
    let server = TestServer::start_multi_device().await;
    let alice_token = server.token("alice").await;
    let mut alice = connect(&server, &alice_token, "a1").await;
    let mut bob = connect(&server, &server.token("bob").await, "b1").await;
    let sent = exchange(&mut alice, &mut bob, 6).await;
    let elsewhere = send_text(&mut alice, 1, "carol", "c").await;

    let delete = DeleteMessages {
        conversation_type: 1,
        target_id: "bob".into(),
        // The message to carol is not of this conversation: ignored.
        message_uids: vec![sent[1].message_uid.clone(), elsewhere.message_uid.clone()],
    };
    assert_eq!(
        request_ok(&mut alice, 2, RequestBody::DeleteMessages(delete)).await,
        None
    );
    let left = walk(&mut alice, 3, "bob", 10, OLDEST_FIRST).await;
    let mut expected = sent.clone();
    expected.remove(1);
    assert_eq!(uids(&left), uids(&expected));
    assert_eq!(walk(&mut bob, 1, "alice", 10, OLDEST_FIRST).await.len(), 6);
    assert_eq!(
        walk(&mut alice, 10, "carol", 10, OLDEST_FIRST).await.len(),
        1
    );

    // Clearing up to a message hides it and everything before it.
    let clear = ClearHistory {
        conversation_type: 1,
        target_id: "bob".into(),
        before_time: sent[3].sent_time,
    };
    assert_eq!(
        request_ok(&mut alice, 20, RequestBody::ClearHistory(clear)).await,
        None
    );
    let left = walk(&mut alice, 21, "bob", 10, NEWEST_FIRST).await;
    assert_eq!(uids(&left), uids(&[sent[5].clone(), sent[4].clone()]));

    // A new device of alice's pulls none of them; bob's inbox still has all.
    let mut fresh = connect(&server, &alice_token, "a2").await;
    let pulled = pull(&mut fresh, 1, 0, 0).await;
    let pulled_uids: Vec<_> = pulled
        .messages
        .iter()
        .map(|m| m.message_uid.as_str())
        .collect();
    assert_eq!(
        pulled_uids,
        vec![
            sent[4].message_uid.as_str(),
            sent[5].message_uid.as_str(),
            elsewhere.message_uid.as_str()
        ]
    );
    assert!(pulled.messages.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(pull(&mut bob, 1, 0, 0).await.messages.len(), 6);

    // Before clearing everything, alice's list shows the latest message she still has.
    let list = conversation_list(&mut alice, 29, 10, 0).await;
    let targets: Vec<_> = list
        .conversations
        .iter()
        .map(|c| c.target_id.as_str())
        .collect();
    assert_eq!(targets, ["carol", "bob"]);
    let latest = list.conversations[1].latest_message.as_ref().unwrap();
    assert_eq!(latest.message_uid, sent[5].message_uid);
    // Clearing everything: the conversation leaves alice's list (bob's stays).
    let clear_all = ClearHistory {
        conversation_type: 1,
        target_id: "bob".into(),
        before_time: 0,
    };
    assert_eq!(
        request_ok(&mut fresh, 2, RequestBody::ClearHistory(clear_all)).await,
        None
    );
    assert!(
        walk(&mut alice, 30, "bob", 10, NEWEST_FIRST)
            .await
            .is_empty()
    );
    let list = conversation_list(&mut alice, 40, 10, 0).await;
    let targets: Vec<_> = list
        .conversations
        .iter()
        .map(|c| c.target_id.as_str())
        .collect();
    assert_eq!(targets, ["carol"]);
    let list = conversation_list(&mut bob, 40, 10, 0).await;
    let latest = list.conversations[0].latest_message.as_ref().unwrap();
    assert_eq!(latest.message_uid, sent[5].message_uid);
    server.stop().await;
}

#[tokio::test]
async fn bad_requests_get_33003_and_nothing_else() {
    let server = TestServer::start().await;
    let mut alice = connect(&server, &server.token("alice").await, "a1").await;
    let query = HistoryQuery {
        conversation_type: 1,
        target_id: "bob".into(),
        timestamp: 0,
        count: 20,
        order: 0,
    };
    let list = ConversationListQuery {
        count: 10,
        before_time: 0,
    };
    let delete = DeleteMessages {
        conversation_type: 1,
        target_id: "bob".into(),
        message_uids: vec!["BETR-GIM7-TN05-89QU".into()],
    };
    let clear = ClearHistory {
        conversation_type: 1,
        target_id: "bob".into(),
        before_time: 0,
    };
    let remove = RemoveConversation {
        conversation_type: 1,
        target_id: "bob".into(),
    };
    let bad: Vec<RequestBody> = vec![
        RequestBody::History(HistoryQuery {
            conversation_type: 4,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            conversation_type: -1,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            target_id: String::new(),
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            target_id: "x".repeat(65),
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            count: 0,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            count: 101,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            count: u32::MAX,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            order: 2,
            ..query.clone()
        }),
        RequestBody::History(HistoryQuery {
            timestamp: -1,
            ..query.clone()
        }),
        RequestBody::ConversationList(ConversationListQuery { count: 0, ..list }),
        RequestBody::ConversationList(ConversationListQuery {
            count: 1001,
            ..list
        }),
        RequestBody::ConversationList(ConversationListQuery {
            before_time: i64::MIN,
            ..list
        }),
        RequestBody::DeleteMessages(DeleteMessages {
            message_uids: vec![],
            ..delete.clone()
        }),
        RequestBody::DeleteMessages(DeleteMessages {
            message_uids: vec!["BETR-GIM7-TN05-89QU".into(); 101],
            ..delete.clone()
        }),
        RequestBody::DeleteMessages(DeleteMessages {
            message_uids: vec!["'; DROP TABLE messages; --".into()],
            ..delete.clone()
        }),
        RequestBody::DeleteMessages(DeleteMessages {
            conversation_type: 4,
            ..delete.clone()
        }),
        RequestBody::ClearHistory(ClearHistory {
            before_time: -5,
            ..clear.clone()
        }),
        RequestBody::ClearHistory(ClearHistory {
            target_id: String::new(),
            ..clear.clone()
        }),
        RequestBody::RemoveConversation(RemoveConversation {
            conversation_type: 6,
            ..remove.clone()
        }),
    ];
    for (i, body) in bad.into_iter().enumerate() {
        let response = request(&mut alice, i as u64 + 1, body.clone()).await;
        assert_eq!((response.code, response.body), (33003, None), "{body:?}");
    }
    // A request without a body, too.
    let empty = improto::Request {
        request_id: 99,
        body: None,
    };
    common::send(&mut alice, improto::Body::Request(empty)).await;
    match common::recv(&mut alice).await {
        improto::Body::Response(r) => assert_eq!((r.request_id, r.code, r.body), (99, 33003, None)),
        other => panic!("expected Response, got {other:?}"),
    }
    // The same requests, well-formed, succeed (on an empty history).
    for (i, body) in [
        RequestBody::History(query),
        RequestBody::ConversationList(list),
        RequestBody::DeleteMessages(delete),
        RequestBody::ClearHistory(clear),
        RequestBody::RemoveConversation(remove),
    ]
    .into_iter()
    .enumerate()
    {
        let response = request(&mut alice, 200 + i as u64, body).await;
        assert_eq!(response.code, 0, "{response:?}");
    }
    expect_alive(&mut alice, 1).await;
    server.stop().await;
}
