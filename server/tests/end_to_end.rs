//! Starts the server in-process and drives it over real HTTP and WebSocket connections.

use std::time::Duration;

use futures_util::SinkExt;
use improto::{Body, Connect};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

mod common;

use common::{
    TestServer, expect_alive, expect_closed, pull, recv, recv_ack_and_own_entry, recv_pushed,
    recv_send_ack, send, text_message,
};
use imserver::config::Config;

impl TestServer {
    /// The acked sequence stored for `user_id`'s `device-1`, read from the database file.
    fn stored_ack(&self, user_id: &str) -> Option<i64> {
        self.database()
            .query_row(
                "SELECT acked_seq FROM device_acks WHERE user_id = ?1 AND device_id = 'device-1'",
                [user_id],
                |row| row.get(0),
            )
            .ok()
    }
}

fn connect_frame(app_key: &str, token: &str) -> Body {
    Body::Connect(Connect {
        token: token.into(),
        app_key: app_key.into(),
        platform: improto::Platform::Desktop as i32,
        protocol_version: improto::PROTOCOL_VERSION,
        device_id: "device-1".into(),
    })
}

#[tokio::test]
async fn delivers_pushes_and_serves_pulls_after_reconnect() {
    let server = TestServer::start().await;
    let alice_token = server.token("alice").await;
    let bob_token = server.token("bob").await;
    let (mut alice, ack) = server.connect(&alice_token).await;
    assert_eq!(
        (ack.code, ack.user_id.as_str(), ack.inbox_seq),
        (0, "alice", 0)
    );
    let (mut bob, ack) = server.connect(&bob_token).await;
    assert_eq!(
        (ack.code, ack.user_id.as_str(), ack.inbox_seq),
        (0, "bob", 0)
    );

    send(&mut alice, text_message(1, "bob", "m1")).await;
    let (first_ack, _) = recv_ack_and_own_entry(&mut alice).await;
    assert_eq!((first_ack.request_id, first_ack.code), (1, 0));
    assert_eq!(first_ack.message_uid.len(), 19);
    let Body::Delivery(pushed) = recv(&mut bob).await else {
        panic!("expected Delivery")
    };
    assert_eq!(pushed.pull_request_id, 0);
    let entry = &pushed.messages[0];
    assert_eq!((entry.seq, entry.target_id.as_str()), (1, "alice"));
    assert_eq!(entry.sender_user_id, "alice");
    assert_eq!(entry.message_uid, first_ack.message_uid);
    assert_eq!(entry.sent_time, first_ack.sent_time);
    assert_eq!(entry.content, r#"{"content":"message 1"}"#);

    // Bob goes offline; alice sends two more and retries the first.
    bob.close(None).await.unwrap();
    let mut sent_times = vec![first_ack.sent_time];
    for (request_id, key) in [(2, "m2"), (3, "m3")] {
        send(&mut alice, text_message(request_id, "bob", key)).await;
        let (ack, _) = recv_ack_and_own_entry(&mut alice).await;
        assert_eq!(ack.request_id, request_id);
        sent_times.push(ack.sent_time);
    }
    assert!(sent_times.windows(2).all(|w| w[0] < w[1]), "{sent_times:?}");
    send(&mut alice, text_message(4, "bob", "m1")).await;
    let retry = recv_send_ack(&mut alice).await;
    assert_eq!((retry.request_id, retry.code), (4, 0));
    assert_eq!(retry.message_uid, first_ack.message_uid);
    assert_eq!(retry.sent_time, first_ack.sent_time);

    let (mut bob, ack) = server.connect(&bob_token).await;
    assert_eq!(ack.inbox_seq, 3);
    let page = pull(&mut bob, 9, 1, 0).await;
    assert!(!page.has_more);
    let seqs: Vec<u64> = page.messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![2, 3]);
    assert_eq!(page.messages[0].content, r#"{"content":"message 2"}"#);

    let page = pull(&mut bob, 10, 0, 1).await;
    assert_eq!(
        (page.messages.len(), page.messages[0].seq, page.has_more),
        (1, 1, true)
    );
    server.stop().await;
}

#[tokio::test]
async fn server_api_checks_signature_app_key_and_parameters() {
    let server = TestServer::start().await;
    let key = server.app_key().to_owned();
    let (status, json) = server
        .api_as(&key, "wrong-secret", "/user/getToken.json", "userId=u1")
        .await;
    assert_eq!((status, json["code"].as_i64()), (401, Some(1004)));
    assert!(json["errorMessage"].is_string());

    let (status, json) = server.api("/user/getToken.json", "name=x").await;
    assert_eq!((status, json["code"].as_i64()), (400, Some(1002)));
    let (status, json) = server.api("//user//getToken.json", "userId=u1").await;
    assert_eq!((status, json["code"].as_i64()), (200, Some(200)));
    let (status, json) = server.api("/user/nothing.json", "").await;
    assert_eq!((status, json["code"].as_i64()), (404, Some(404)));

    let response = reqwest::Client::new()
        .post(format!("http://{}/user/getToken.json", server.addr()))
        .header("App-Key", "not-an-app")
        .body("userId=u1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["code"], 1001);

    let navi: serde_json::Value = reqwest::get(format!(
        "http://{}/navi.json?appKey={}",
        server.addr(),
        server.app_key()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(navi["code"], 200);
    assert_eq!(navi["servers"][0], format!("ws://{}/ws", server.addr()));
    server.stop().await;
}

#[tokio::test]
async fn refuses_bad_connects() {
    let server = TestServer::start().await;
    let token = server.token("alice").await;

    let mut ws = server.open().await;
    send(&mut ws, connect_frame("no-such-app", &token)).await;
    let Body::ConnectAck(ack) = recv(&mut ws).await else {
        panic!("expected ConnectAck")
    };
    assert_eq!(ack.code, 31002);
    expect_closed(&mut ws).await;

    let mut forged = token.clone();
    forged.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    for bad in ["garbage", forged.as_str()] {
        let mut ws = server.open().await;
        send(&mut ws, connect_frame(server.app_key(), bad)).await;
        let Body::ConnectAck(ack) = recv(&mut ws).await else {
            panic!("expected ConnectAck")
        };
        assert_eq!(ack.code, 31004, "{bad}");
        expect_closed(&mut ws).await;
    }

    let mut ws = server.open().await;
    send(&mut ws, Body::Ping(improto::Ping { nonce: 1 })).await;
    let close = expect_closed(&mut ws).await.expect("a Close frame");
    assert_eq!(close.code, 31001);
    server.stop().await;
}

#[tokio::test]
async fn a_garbage_frame_closes_only_that_connection() {
    let server = TestServer::start().await;
    let alice_token = server.token("alice").await;
    let bob_token = server.token("bob").await;
    let (mut alice, _) = server.connect(&alice_token).await;
    let (mut bob, _) = server.connect(&bob_token).await;

    bob.send(Message::Binary(vec![0xff, 0xff, 0xff, 0x01].into()))
        .await
        .unwrap();
    let close = expect_closed(&mut bob).await.expect("a Close frame");
    assert_eq!(close.code, 31001);

    send(&mut alice, Body::Ping(improto::Ping { nonce: 77 })).await;
    assert_eq!(
        recv(&mut alice).await,
        Body::Pong(improto::Pong { nonce: 77 })
    );
    send(&mut alice, text_message(1, "bob", "g1")).await;
    recv_ack_and_own_entry(&mut alice).await;

    let mut text = server.open().await;
    text.send(Message::Text("hello".into())).await.unwrap();
    expect_closed(&mut text).await;

    let (mut huge, _) = server.connect(&bob_token).await;
    let oversized = vec![0u8; improto::MAX_FRAME_BYTES + 1];
    // The server may drop the connection while the frame is still being written.
    let _ = huge.send(Message::Binary(oversized.into())).await;
    expect_closed(&mut huge).await;

    send(&mut alice, Body::Ping(improto::Ping { nonce: 78 })).await;
    assert_eq!(
        recv(&mut alice).await,
        Body::Pong(improto::Pong { nonce: 78 })
    );
    server.stop().await;
}

#[tokio::test]
async fn validates_sends_and_reports_presence() {
    let server = TestServer::start().await;
    let token = server.token("alice").await;
    let (_, offline) = server.api("/user/checkOnline.json", "userId=alice").await;
    assert_eq!(offline["status"], "0");

    let (mut alice, _) = server.connect(&token).await;
    let (_, online) = server.api("/user/checkOnline.json", "userId=alice").await;
    assert_eq!(online["status"], "1");

    let Body::Send(mut bad) = text_message(5, "bob", "v1") else {
        unreachable!()
    };
    bad.content = "not json".into();
    send(&mut alice, Body::Send(bad)).await;
    let ack = recv_send_ack(&mut alice).await;
    assert_eq!((ack.request_id, ack.code), (5, 33003));
    assert!(ack.message_uid.is_empty());

    // Sending to oneself lands once in one's own inbox, pushed to this connection after the ack.
    send(&mut alice, text_message(6, "alice", "self")).await;
    let (_, entry) = recv_ack_and_own_entry(&mut alice).await;
    assert_eq!((entry.seq, entry.target_id.as_str()), (1, "alice"));
    assert_eq!(entry.client_message_id, "self");
    send(&mut alice, Body::Ping(improto::Ping { nonce: 1 })).await;
    assert!(matches!(recv(&mut alice).await, Body::Pong(_)));
    server.stop().await;
}

#[tokio::test]
async fn pipelined_sends_are_stored_in_order_and_pushed_in_sequence_order() {
    let server = TestServer::start().await;
    let alice_token = server.token("alice").await;
    let bob_token = server.token("bob").await;
    let (mut alice, _) = server.connect(&alice_token).await;
    let (mut bob, _) = server.connect(&bob_token).await;
    const COUNT: u64 = 300;
    for i in 1..=COUNT {
        send(&mut alice, text_message(i, "bob", &format!("p{i}"))).await;
    }
    // Each SendAck is followed by the push of alice's own entry; both in sending order.
    for i in 1..=COUNT {
        let (ack, own) = recv_ack_and_own_entry(&mut alice).await;
        assert_eq!((ack.request_id, own.seq), (i, i));
    }
    for expected in 1..=COUNT {
        let Body::Delivery(d) = recv(&mut bob).await else {
            panic!("expected Delivery")
        };
        assert_eq!(d.messages.len(), 1);
        assert_eq!(d.messages[0].seq, expected);
        // Messages of one connection are stored in the order they were sent.
        let content = format!(r#"{{"content":"message {expected}"}}"#);
        assert_eq!(d.messages[0].content, content);
    }
    server.stop().await;
}

#[tokio::test]
async fn sends_beyond_the_default_rate_are_refused_with_20604_and_not_stored() {
    let default = Config::for_data_dir("unused").max_sends_per_second;
    assert_eq!(default, 5, "the seed's limit");
    let server = TestServer::start_with(|config| config.max_sends_per_second = default).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;
    // Pipelined: all eight arrive well within a second.
    for i in 1..=8 {
        send(&mut alice, text_message(i, "bob", &format!("r{i}"))).await;
    }
    // Each accepted send is answered by its SendAck and the push of alice's own entry.
    // Refusals are answered at once, so they may overtake acknowledgements.
    let (mut acks, mut own_entries) = (Vec::new(), 0);
    while acks.len() < 8 || own_entries < acks.iter().filter(|(_, code)| *code == 0).count() {
        match recv(&mut alice).await {
            Body::SendAck(ack) => acks.push((ack.request_id, ack.code)),
            Body::Delivery(d) => own_entries += d.messages.len(),
            other => panic!("unexpected {other:?}"),
        }
    }
    acks.sort();
    let codes: Vec<i32> = acks.iter().map(|(_, code)| *code).collect();
    assert_eq!(
        codes,
        [0, 0, 0, 0, 0, 20604, 20604, 20604],
        "five pass at once"
    );
    for expected in 1..=5 {
        assert_eq!(recv_pushed(&mut bob).await.seq, expected);
    }
    expect_alive(&mut bob, 7).await;
    expect_alive(&mut alice, 8).await;
    server.stop().await;
}

#[tokio::test]
async fn shutdown_closes_open_sessions() {
    let server = TestServer::start().await;
    let token = server.token("alice").await;
    let (mut alice, _) = server.connect(&token).await;
    let closed = tokio::spawn(async move { expect_closed(&mut alice).await });
    server.stop().await;
    let close = closed.await.unwrap().expect("a Close frame");
    assert_eq!(close.code, 30011);
}

#[tokio::test]
async fn refuses_connections_over_the_limit() {
    let server = TestServer::start_with(|config| config.max_connections = 1).await;
    let token = server.token("alice").await;
    let (mut first, _) = server.connect(&token).await;
    let refused = connect_async(format!("ws://{}/ws", server.addr())).await;
    assert!(refused.is_err(), "second connection was accepted");
    send(&mut first, Body::Ping(improto::Ping { nonce: 1 })).await;
    assert_eq!(
        recv(&mut first).await,
        Body::Pong(improto::Pong { nonce: 1 })
    );
    first.close(None).await.unwrap();
    drop(first);
    // The permit comes back once the session has ended.
    let mut reconnected = None;
    for _ in 0..50 {
        if let Ok((ws, _)) = connect_async(format!("ws://{}/ws", server.addr())).await {
            reconnected = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reconnected.is_some());
    server.stop().await;
}

/// Polls `check` every 20 ms until it holds; panics after `within`.
async fn eventually(within: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + within;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn persists_acks_at_most_once_a_second_and_the_last_one_when_the_session_ends() {
    let server = TestServer::start().await;
    let (alice_token, bob_token) = (server.token("alice").await, server.token("bob").await);
    let (mut alice, _) = server.connect(&alice_token).await;
    let (mut bob, _) = server.connect(&bob_token).await;
    let ack = |seq| Body::Ack(improto::Ack { seq });
    for id in 1..=4 {
        send(&mut alice, text_message(id, "bob", &format!("k{id}"))).await;
        recv_ack_and_own_entry(&mut alice).await;
        assert!(matches!(recv(&mut bob).await, Body::Delivery(_)));
    }
    assert_eq!(server.stored_ack("bob"), None);

    // The first ack is written at once; the next ones wait for the second to pass.
    send(&mut bob, ack(1)).await;
    eventually(Duration::from_secs(2), "first ack stored", || {
        server.stored_ack("bob") == Some(1)
    })
    .await;
    send(&mut bob, ack(2)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.stored_ack("bob"), Some(1));
    eventually(Duration::from_secs(3), "second ack stored", || {
        server.stored_ack("bob") == Some(2)
    })
    .await;

    // A clean close writes the last ack.
    send(&mut bob, ack(3)).await;
    bob.close(None).await.unwrap();
    eventually(Duration::from_secs(3), "ack stored on close", || {
        server.stored_ack("bob") == Some(3)
    })
    .await;

    // So does a server shutdown.
    let (mut bob, _) = server.connect(&bob_token).await;
    send(&mut bob, ack(3)).await;
    send(&mut bob, ack(4)).await;
    // Let the session read both before the shutdown starts.
    send(&mut bob, Body::Ping(improto::Ping { nonce: 7 })).await;
    assert!(matches!(recv(&mut bob).await, Body::Pong(_)));
    let data = server.stop().await;
    let conn = rusqlite::Connection::open(data.path().join(imserver::store::sqlite::DATABASE_FILE))
        .unwrap();
    let acked: i64 = conn
        .query_row(
            "SELECT acked_seq FROM device_acks WHERE user_id = 'bob'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(acked, 4);
    drop(alice);
}
