//! What one connection may ask of the server: a budget per request kind (`Request` frames
//! refused with 20607 beyond theirs, `Pull`s slowed down), quotas of conversation statuses and
//! of conversations opened per user (20608), and device ids of bounded length (33003); other users are not affected.

use std::time::{Duration, Instant};

use improto::request::Body as Ask;
use improto::{Body, ConversationStatusQuery, Pull, SetConversationStatus};

mod common;

use common::{
    TestServer, Ws, expect_alive, expect_closed, recv, recv_send_ack, request, send, send_text,
    text_message,
};

fn statuses_query() -> Ask {
    Ask::ConversationStatuses(ConversationStatusQuery {
        after_version: 0,
        limit: 10,
    })
}

fn pin(target: &str) -> Ask {
    Ask::SetConversationStatus(SetConversationStatus {
        conversation_type: 1,
        target_id: target.into(),
        is_top: Some(true),
        notification_status: None,
    })
}

/// Sends `count` requests of `ask()` at once, then returns the codes of their responses.
async fn burst(ws: &mut Ws, count: u64, ask: impl Fn() -> Ask) -> Vec<i32> {
    for request_id in 1..=count {
        let request = improto::Request {
            request_id,
            body: Some(ask()),
        };
        send(ws, Body::Request(request)).await;
    }
    let mut codes = Vec::new();
    while codes.len() < count as usize {
        match recv(ws).await {
            Body::Response(response) => codes.push(response.code),
            other => panic!("expected a Response, got {other:?}"),
        }
    }
    codes
}

#[tokio::test]
async fn requests_beyond_the_connections_budget_are_refused_with_20607() {
    let server = TestServer::start_with(|config| config.max_requests_per_second = 3).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;
    let codes = burst(&mut alice, 10, statuses_query).await;
    let ok = codes.iter().filter(|c| **c == 0).count();
    let refused = codes.iter().filter(|c| **c == 20607).count();
    assert_eq!(ok + refused, codes.len(), "{codes:?}");
    // The budget of 3, and maybe one more earned while the burst went out.
    assert!((3..=4).contains(&ok), "{codes:?}");
    // Another connection has its own budget.
    assert_eq!(request(&mut bob, 1, statuses_query()).await.code, 0);
    // Alice's comes back with time.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(request(&mut alice, 11, statuses_query()).await.code, 0);
    server.stop().await;
}

#[tokio::test]
async fn a_new_status_beyond_the_users_quota_is_refused_with_20608() {
    let server = TestServer::start_with(|config| config.max_statuses_per_user = 3).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;
    for (n, target) in ["a", "b", "c"].into_iter().enumerate() {
        assert_eq!(request(&mut alice, n as u64, pin(target)).await.code, 0);
    }
    assert_eq!(request(&mut alice, 10, pin("d")).await.code, 20608);
    // A kept status still changes; another user has a quota of their own.
    assert_eq!(request(&mut alice, 11, pin("a")).await.code, 0);
    assert_eq!(request(&mut bob, 1, pin("d")).await.code, 0);
    expect_alive(&mut alice, 1).await;
    server.stop().await;
}

#[tokio::test]
async fn a_message_opening_a_conversation_beyond_the_senders_quota_is_refused_with_20608() {
    let server = TestServer::start_with(|config| config.max_conversations_per_user = 2).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    send_text(&mut alice, 1, "bob", "k1").await;
    send_text(&mut alice, 2, "carol", "k2").await;
    send(&mut alice, text_message(3, "dave", "k3")).await;
    let refused = recv_send_ack(&mut alice).await;
    assert_eq!((refused.request_id, refused.code), (3, 20608));
    // Listed conversations go on; a recipient's list is not the sender's quota.
    send_text(&mut alice, 4, "bob", "k4").await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;
    send_text(&mut bob, 1, "erin", "b1").await;
    expect_alive(&mut alice, 1).await;
    server.stop().await;
}

#[tokio::test]
async fn a_device_id_over_128_bytes_is_refused_with_33003() {
    let server = TestServer::start().await;
    let token = server.token("alice").await;
    let long = "d".repeat(improto::limits::MAX_DEVICE_ID_BYTES + 1);
    let (mut ws, ack) = server.connect_as(&token, 1, &long).await;
    assert_eq!(ack.code, 33003);
    assert_eq!(expect_closed(&mut ws).await.map(|c| c.code), Some(33003));
    let longest = "d".repeat(improto::limits::MAX_DEVICE_ID_BYTES);
    let (mut ws, ack) = server.connect_as(&token, 1, &longest).await;
    assert_eq!(ack.code, 0);
    expect_alive(&mut ws, 1).await;
    server.stop().await;
}

#[tokio::test]
async fn pulls_beyond_the_connections_budget_are_answered_later() {
    let server = TestServer::start_with(|config| config.max_pulls_per_second = 10).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let started = Instant::now();
    // 10 at once, then 10 more at 10 a second: the last no sooner than 1 s later.
    for request_id in 1..=20 {
        let pull = Pull {
            request_id,
            after_seq: 0,
            limit: 10,
            ..Default::default()
        };
        send(&mut alice, Body::Pull(pull)).await;
    }
    let mut answered = 0;
    while answered < 20 {
        match recv(&mut alice).await {
            Body::Delivery(page) if page.pull_request_id > 0 => answered += 1,
            other => panic!("expected a pull answer, got {other:?}"),
        }
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "all answered in {took:?}"
    );
    server.stop().await;
}
