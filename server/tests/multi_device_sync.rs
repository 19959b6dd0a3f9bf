//! Multi-device sync: every message a user sends also lands in their own inbox, pushed to all
//! their connections (on the sending one after the `SendAck`) and pulled by a new device, with
//! the sender's `client_message_id` seen by the sender only.

use improto::Platform;

mod common;

use common::{
    TestServer, Ws, expect_alive, pull, recv_ack_and_own_entry, recv_pushed, recv_send_ack, send,
    text_message,
};

/// Connects `device_id` of the user with `token` on the desktop platform.
async fn device(server: &TestServer, token: &str, device_id: &str) -> Ws {
    let (ws, ack) = server
        .connect_as(token, Platform::Desktop as i32, device_id)
        .await;
    assert_eq!(ack.code, 0);
    ws
}

#[tokio::test]
async fn own_entries_reach_every_device_of_the_sender_and_carry_its_key_only_there() {
    let server = TestServer::start_multi_device().await;
    let (alice, bob) = (server.token("alice").await, server.token("bob").await);
    let mut sending = device(&server, &alice, "a1").await;
    let mut other = device(&server, &alice, "a2").await;
    let mut peer = device(&server, &bob, "b1").await;

    send(&mut sending, text_message(1, "bob", "k1")).await;
    let (ack, own) = recv_ack_and_own_entry(&mut sending).await;
    assert_eq!(
        (own.seq, own.target_id.as_str(), own.sender_user_id.as_str()),
        (1, "bob", "alice")
    );
    assert_eq!(own.client_message_id, "k1");
    assert_eq!(own.sent_time, ack.sent_time);
    assert_eq!(recv_pushed(&mut other).await, own);
    let theirs = recv_pushed(&mut peer).await;
    assert_eq!((theirs.seq, theirs.target_id.as_str()), (1, "alice"));
    assert_eq!(theirs.message_uid, ack.message_uid);
    assert!(theirs.client_message_id.is_empty());

    // A retry is acknowledged with the first result and creates nothing new.
    send(&mut sending, text_message(2, "bob", "k1")).await;
    let retry = recv_send_ack(&mut sending).await;
    assert_eq!(
        (retry.code, retry.message_uid.as_str()),
        (0, ack.message_uid.as_str())
    );
    for (ws, nonce) in [(&mut sending, 1), (&mut other, 2), (&mut peer, 3)] {
        expect_alive(ws, nonce).await;
    }

    // Bob's reply reaches both of alice's devices, without bob's key.
    send(&mut peer, text_message(3, "alice", "r1")).await;
    let (_, bob_own) = recv_ack_and_own_entry(&mut peer).await;
    assert_eq!((bob_own.seq, bob_own.client_message_id.as_str()), (2, "r1"));
    for ws in [&mut sending, &mut other] {
        let reply = recv_pushed(ws).await;
        assert_eq!((reply.seq, reply.target_id.as_str()), (2, "bob"));
        assert_eq!(reply.sender_user_id, "bob");
        assert!(reply.client_message_id.is_empty());
    }

    // A message to oneself is one entry, pushed once to each device.
    send(&mut other, text_message(4, "alice", "note")).await;
    let (_, note) = recv_ack_and_own_entry(&mut other).await;
    assert_eq!((note.seq, note.target_id.as_str()), (3, "alice"));
    assert_eq!(recv_pushed(&mut sending).await, note);
    expect_alive(&mut sending, 4).await;
    expect_alive(&mut other, 5).await;

    // A new device pulls everything, its own messages with their keys.
    let (mut fresh, connected) = server.connect_as(&alice, Platform::Web as i32, "a3").await;
    assert_eq!(connected.inbox_seq, 3);
    let page = pull(&mut fresh, 7, 0, 0).await;
    let seen: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.seq, m.target_id.as_str(), m.client_message_id.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![(1, "bob", "k1"), (2, "bob", ""), (3, "alice", "note")]
    );
    assert_eq!(page.messages[0], own);
    server.stop().await;
}
