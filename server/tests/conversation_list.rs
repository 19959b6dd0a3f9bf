//! The server-side conversation list over WebSocket: built from the messages of both users,
//! latest first, page by page; removing a conversation until the next message in it.

use improto::request::Body as RequestBody;
use improto::{ConversationList, RemoveConversation};

mod common;

use common::{TestServer, Ws, conversation_list, recv_pushed, request_ok, send_text};

/// (target id, latest message UID, latest message's client_message_id) of each conversation.
fn summary(list: &ConversationList) -> Vec<(String, String, String)> {
    list.conversations
        .iter()
        .map(|c| {
            let latest = c.latest_message.clone().expect("a latest message");
            (
                c.target_id.clone(),
                latest.message_uid,
                latest.client_message_id,
            )
        })
        .collect()
}

fn entry(target: &str, uid: &str, key: &str) -> (String, String, String) {
    (target.into(), uid.into(), key.into())
}

async fn connect(server: &TestServer, user: &str) -> Ws {
    let (ws, ack) = server.connect(&server.token(user).await).await;
    assert_eq!(ack.code, 0);
    ws
}

#[tokio::test]
async fn lists_follow_the_exchange_for_both_users_page_by_page() {
    let server = TestServer::start().await;
    let mut alice = connect(&server, "alice").await;
    let mut bob = connect(&server, "bob").await;
    let mut carol = connect(&server, "carol").await;

    send_text(&mut alice, 1, "bob", "a1").await;
    recv_pushed(&mut bob).await;
    let reply = send_text(&mut bob, 1, "alice", "b1").await;
    recv_pushed(&mut alice).await;
    let from_carol = send_text(&mut carol, 1, "alice", "c1").await;
    recv_pushed(&mut alice).await;

    let list = conversation_list(&mut alice, 2, 10, 0).await;
    assert_eq!(
        summary(&list),
        vec![
            entry("carol", &from_carol.message_uid, ""),
            entry("bob", &reply.message_uid, ""),
        ]
    );
    assert!(!list.has_more);
    let latest = list.conversations[1].latest_message.as_ref().unwrap();
    assert_eq!((latest.seq, latest.target_id.as_str()), (0, "bob"));
    assert_eq!(
        (latest.sender_user_id.as_str(), latest.sent_time),
        ("bob", reply.sent_time)
    );
    // Bob's own message carries his key in his list.
    let list = conversation_list(&mut bob, 2, 10, 0).await;
    assert_eq!(
        summary(&list),
        vec![entry("alice", &reply.message_uid, "b1")]
    );
    let list = conversation_list(&mut carol, 2, 10, 0).await;
    assert_eq!(
        summary(&list),
        vec![entry("alice", &from_carol.message_uid, "c1")]
    );

    // Pages: latest first, each before the previous page's last message.
    let page = conversation_list(&mut alice, 3, 1, 0).await;
    assert_eq!(
        (summary(&page)[0].0.as_str(), page.has_more),
        ("carol", true)
    );
    let page = conversation_list(&mut alice, 4, 1, from_carol.sent_time).await;
    assert_eq!(
        (summary(&page)[0].0.as_str(), page.has_more),
        ("bob", false)
    );
    let page = conversation_list(&mut alice, 5, 1, reply.sent_time).await;
    assert!(page.conversations.is_empty() && !page.has_more);

    // Removing affects alice's list only, until the next message in the conversation.
    let remove = RemoveConversation {
        conversation_type: 1,
        target_id: "bob".into(),
    };
    assert_eq!(
        request_ok(&mut alice, 6, RequestBody::RemoveConversation(remove)).await,
        None
    );
    let list = conversation_list(&mut alice, 7, 10, 0).await;
    assert_eq!(
        summary(&list),
        vec![entry("carol", &from_carol.message_uid, "")]
    );
    assert_eq!(
        conversation_list(&mut bob, 3, 10, 0)
            .await
            .conversations
            .len(),
        1
    );
    let again = send_text(&mut alice, 8, "bob", "a2").await;
    let list = conversation_list(&mut alice, 9, 10, 0).await;
    assert_eq!(
        summary(&list),
        vec![
            entry("bob", &again.message_uid, "a2"),
            entry("carol", &from_carol.message_uid, ""),
        ]
    );
    server.stop().await;
}
