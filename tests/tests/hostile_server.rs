//! A hostile server (written here, speaking improto's frames) must not crash or wedge the
//! client: an impossible inbox sequence, an unexpected frame or a huge navigation answer ends
//! the session or the connect cleanly with a status, and the client reconnects by itself.

use futures_util::{SinkExt, StreamExt};
use imcore::{ConnectionStatus, Event, EventQueue, ImClient, InitOptions};
use imcore_harness::{Navigation, ws_url};
use improto::{Body, ConnectAck, Delivery, InboxMessage};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// What the hostile server does once a connection is authenticated.
#[derive(Clone, Copy)]
enum Attack {
    /// Pushes, and answers every pull with, an inbox entry of sequence 2^64 − 1.
    LargestSequence,
    /// Sends a second `ConnectAck` in the middle of the session.
    UnexpectedFrame,
}

fn entry(seq: u64) -> InboxMessage {
    InboxMessage {
        seq,
        message_uid: format!("U{seq}"),
        conversation_type: 1,
        target_id: "eve".into(),
        sender_user_id: "eve".into(),
        object_name: "RC:TxtMsg".into(),
        content: r#"{"content":"boom"}"#.into(),
        sent_time: 1,
        persisted: true,
        counted: true,
        ..Default::default()
    }
}

fn ack(inbox_seq: u64) -> Body {
    Body::ConnectAck(ConnectAck {
        code: 0,
        user_id: "victim".into(),
        server_time: 1,
        inbox_seq,
        inbox_epoch: u64::MAX,
    })
}

/// Starts the hostile WebSocket server: each connection gets a `ConnectAck` at `inbox_seq`,
/// then `attack`. Returns its URL and the count of connections it authenticated.
async fn hostile(inbox_seq: u64, attack: Attack) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = ws_url(listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                let send = |body| WsMessage::Binary(improto::encode(body).into());
                while let Some(Ok(message)) = ws.next().await {
                    let WsMessage::Binary(bytes) = message else {
                        continue;
                    };
                    let reply = match improto::decode(&bytes) {
                        Ok(Body::Connect(_)) => {
                            count.fetch_add(1, Ordering::SeqCst);
                            let mut frames = vec![ack(inbox_seq)];
                            frames.push(match attack {
                                Attack::LargestSequence => Body::Delivery(Delivery {
                                    messages: vec![entry(u64::MAX)],
                                    ..Default::default()
                                }),
                                Attack::UnexpectedFrame => ack(0),
                            });
                            frames
                        }
                        Ok(Body::Pull(pull)) => vec![Body::Delivery(Delivery {
                            messages: vec![entry(u64::MAX)],
                            pull_request_id: pull.request_id,
                            ..Default::default()
                        })],
                        Ok(Body::Ping(ping)) => {
                            vec![Body::Pong(improto::Pong { nonce: ping.nonce })]
                        }
                        _ => Vec::new(),
                    };
                    for body in reply {
                        if ws.send(send(body)).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, connections)
}

fn client(navi: &str) -> (ImClient, EventQueue, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let im = ImClient::new();
    im.init("app-hostile", InitOptions::new(navi, dir.path()))
        .unwrap();
    let events = im.events().unwrap();
    (im, events, dir)
}

/// Waits (polling, 20 s at most) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Connection statuses queued so far.
fn statuses(events: &EventQueue) -> Vec<ConnectionStatus> {
    std::iter::from_fn(|| events.recv_timeout(Duration::ZERO))
        .filter_map(|e| match e {
            Event::ConnectionStatus { status, .. } => Some(status),
            _ => None,
        })
        .collect()
}

/// The session the attack reaches ends, the loss is reported and the client connects again.
async fn survives(attack: Attack) {
    let (url, connections) = hostile(0, attack).await;
    let navi = Navigation::start(vec![url]).await;
    let (im, events, _dir) = client(&navi.url);
    assert_eq!(im.connect("token").await.unwrap(), "victim");
    eventually("a reconnection", || connections.load(Ordering::SeqCst) >= 3).await;
    let seen = statuses(&events);
    assert!(
        seen.contains(&ConnectionStatus::NetworkUnavailable),
        "the loss is reported: {seen:?}"
    );
    tokio::task::spawn_blocking(move || im.destroy())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_sequence_of_2_to_the_64_minus_1_ends_the_session_and_it_reconnects() {
    survives(Attack::LargestSequence).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unexpected_frame_ends_the_session_and_it_reconnects() {
    survives(Attack::UnexpectedFrame).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_ack_beyond_the_largest_sequence_is_refused_with_31001() {
    let (url, _) = hostile(u64::MAX, Attack::UnexpectedFrame).await;
    let navi = Navigation::start(vec![url]).await;
    let (im, events, _dir) = client(&navi.url);
    let refused = im.connect("token").await.unwrap_err();
    assert_eq!(refused.code, improto::codes::PROTOCOL_VIOLATION);
    assert!(!statuses(&events).contains(&ConnectionStatus::Connected));
    assert_ne!(im.connection_status().unwrap(), ConnectionStatus::Connected);
    tokio::task::spawn_blocking(move || im.destroy())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_64_mb_navigation_answer_is_refused_without_reading_it_all() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let navi = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicUsize::new(0));
    let written = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let written = written.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head).await;
                // Valid JSON that lists a server, padded to 64 MB, of no announced length.
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"code\":200,\"servers\":[\"ws://127.0.0.1:1/ws\"],\"pad\":\"")
                    .await;
                let chunk = vec![b'x'; 1024 * 1024];
                for _ in 0..64 {
                    if stream.write_all(&chunk).await.is_err() {
                        return;
                    }
                    written.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                let _ = stream.write_all(b"\"}").await;
            });
        }
    });
    let (im, _events, _dir) = client(&navi);
    let refused = im.connect("token").await.unwrap_err();
    assert_eq!(
        refused.code,
        improto::codes::NAVI_RESPONSE_INVALID,
        "{refused:?}"
    );
    assert!(
        sent.load(Ordering::SeqCst) < 64 * 1024 * 1024,
        "stopped reading early"
    );
    tokio::task::spawn_blocking(move || im.destroy())
        .await
        .unwrap();
}
