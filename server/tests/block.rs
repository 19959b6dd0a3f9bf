//! `/user/block.json`, `/user/unblock.json`, `/user/block/query.json` and
//! `/user/token/expire.json`, driven over real HTTP and WebSocket connections.

use std::time::Duration;

use futures_util::SinkExt;
use improto::{Body, encode};
use imserver::clock::now_ms;
use tokio_tungstenite::tungstenite::Message;

mod common;

use common::{TestServer, Ws, expect_closed, recv};

impl TestServer {
    /// POSTs `form`, expecting `{"code":200}`; returns the reply.
    async fn ok(&self, path: &str, form: &str) -> serde_json::Value {
        let (status, json) = self.api(path, form).await;
        assert_eq!((status, json["code"].as_i64()), (200, Some(200)), "{json}");
        json
    }

    /// Opens a connection and sends `Connect`; returns it with the `ConnectAck` code.
    async fn connect_code(&self, token: &str) -> (Ws, i32) {
        let (ws, ack) = self.connect(token).await;
        (ws, ack.code)
    }

    /// Connects, expecting the refusal `code` followed by the server closing.
    async fn connect_refused(&self, token: &str, code: i32) {
        let (mut ws, got) = self.connect_code(token).await;
        assert_eq!(got, code);
        let close = expect_closed(&mut ws).await.expect("a Close frame");
        assert_eq!(close.code, code);
    }

    async fn blocked(&self) -> Vec<serde_json::Value> {
        let json = self.ok("/user/block/query.json", "").await;
        json["users"].as_array().unwrap().clone()
    }
}

/// Whether `text` looks like `yyyy-MM-dd HH:mm:ss`.
fn is_datetime(text: &str) -> bool {
    text.len() == 19
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

#[tokio::test]
async fn a_block_closes_live_connections_and_refuses_connects_until_lifted() {
    let server = TestServer::start().await;
    let alice = server.token("alice").await;
    let bob = server.token("bob").await;
    let (mut alice_ws, code) = server.connect_code(&alice).await;
    assert_eq!(code, 0);
    let (mut bob_ws, code) = server.connect_code(&bob).await;
    assert_eq!(code, 0);
    assert!(server.blocked().await.is_empty());

    let before = now_ms();
    server
        .ok("/user/block.json", "userId=alice&userId=carol&minute=10")
        .await;
    let close = expect_closed(&mut alice_ws).await.expect("a Close frame");
    assert_eq!(close.code, 9);
    server.connect_refused(&alice, 9).await;
    // A token issued during the block is refused too; other users are not affected.
    let fresh = server.token("alice").await;
    server.connect_refused(&fresh, 9).await;
    bob_ws
        .send(Message::Binary(
            encode(Body::Ping(improto::Ping { nonce: 7 })).into(),
        ))
        .await
        .unwrap();
    assert!(matches!(recv(&mut bob_ws).await, Body::Pong(p) if p.nonce == 7));

    let blocked = server.blocked().await;
    let ids: Vec<_> = blocked.iter().map(|u| u["userId"].clone()).collect();
    assert_eq!(ids, ["alice", "carol"]);
    let after = now_ms();
    for user in &blocked {
        let end = user["blockEndTime"].as_str().unwrap();
        assert!(is_datetime(end), "{end}");
        let earliest = imserver::clock::format_datetime(before + 600_000);
        let latest = imserver::clock::format_datetime(after + 600_000);
        assert!(earliest.as_str() <= end && end <= latest.as_str(), "{end}");
    }
    let (_, json) = server.api("/user/checkOnline.json", "userId=alice").await;
    assert_eq!(json["status"], "0");

    server.ok("/user/unblock.json", "userId=alice").await;
    let (_ws, code) = server.connect_code(&alice).await;
    assert_eq!(code, 0);
    let ids: Vec<_> = server
        .blocked()
        .await
        .iter()
        .map(|u| u["userId"].clone())
        .collect();
    assert_eq!(ids, ["carol"]);
    // Unblocking a user who is not blocked is fine.
    server
        .ok("/user/unblock.json", "userId=alice&userId=zed")
        .await;
    server.stop().await;
}

#[tokio::test]
async fn token_expiry_closes_connections_with_older_tokens_and_refuses_those_tokens() {
    // Both tokens' connections are desktop ones: keep them both (no login kicks the other).
    let server = TestServer::start_multi_device().await;
    let old = server.token("alice").await;
    let (mut old_ws, code) = server.connect_code(&old).await;
    assert_eq!(code, 0);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let cutoff = now_ms();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let new = server.token("alice").await;
    let (mut new_ws, code) = server.connect_code(&new).await;
    assert_eq!(code, 0);

    server
        .ok(
            "/user/token/expire.json",
            &format!("userId=alice&time={cutoff}"),
        )
        .await;
    let close = expect_closed(&mut old_ws).await.expect("a Close frame");
    assert_eq!(close.code, 31010);
    server.connect_refused(&old, 31010).await;
    // The newer token keeps its connection and still connects.
    new_ws
        .send(Message::Binary(
            encode(Body::Ping(improto::Ping { nonce: 3 })).into(),
        ))
        .await
        .unwrap();
    assert!(matches!(recv(&mut new_ws).await, Body::Pong(p) if p.nonce == 3));
    let (_ws, code) = server.connect_code(&new).await;
    assert_eq!(code, 0);
    // An earlier time does not bring old tokens back.
    server
        .ok("/user/token/expire.json", "userId=alice&time=1")
        .await;
    server.connect_refused(&old, 31010).await;
    server.stop().await;
}

#[tokio::test]
async fn blocks_and_token_cutoffs_survive_a_restart() {
    let server = TestServer::start().await;
    let alice = server.token("alice").await;
    let bob = server.token("bob").await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    server.ok("/user/block.json", "userId=alice&minute=1").await;
    server
        .ok(
            "/user/token/expire.json",
            &format!("userId=bob&time={}", now_ms()),
        )
        .await;
    let dir = server.stop().await;

    let server = TestServer::start_in(dir, |_| {}).await;
    server.connect_refused(&alice, 9).await;
    server.connect_refused(&bob, 31010).await;
    assert_eq!(server.blocked().await.len(), 1);
    let fresh = server.token("bob").await;
    let (_ws, code) = server.connect_code(&fresh).await;
    assert_eq!(code, 0);
    server.stop().await;
}

#[tokio::test]
async fn bad_parameters_get_1002_and_signatures_are_checked() {
    let server = TestServer::start().await;
    let bad = [
        ("/user/block.json", "minute=10"),
        ("/user/block.json", "userId=&minute=10"),
        ("/user/block.json", "userId=alice"),
        ("/user/block.json", "userId=alice&minute=0"),
        ("/user/block.json", "userId=alice&minute=43201"),
        ("/user/block.json", "userId=alice&minute=-1"),
        ("/user/block.json", "userId=alice&minute=ten"),
        ("/user/unblock.json", ""),
        ("/user/token/expire.json", "userId=alice"),
        ("/user/token/expire.json", "userId=alice&time=soon"),
        ("/user/token/expire.json", "userId=alice&time=0"),
        ("/user/token/expire.json", "time=1700000000000"),
    ];
    for (path, form) in bad {
        let (status, json) = server.api(path, form).await;
        assert_eq!(
            (status, json["code"].as_i64()),
            (400, Some(1002)),
            "{path} {form}: {json}"
        );
    }
    let long = format!("userId={}&minute=1", "u".repeat(65));
    let (status, json) = server.api("/user/block.json", &long).await;
    assert_eq!((status, json["code"].as_i64()), (400, Some(1002)), "{json}");
    let many: Vec<_> = (0..21).map(|i| format!("userId=u{i}")).collect();
    let (status, json) = server
        .api("/user/block.json", &format!("{}&minute=1", many.join("&")))
        .await;
    assert_eq!((status, json["code"].as_i64()), (400, Some(1002)), "{json}");
    server
        .ok(
            "/user/block.json",
            &format!("{}&minute=1", many[..20].join("&")),
        )
        .await;
    assert_eq!(server.blocked().await.len(), 20);
    // No parameters is fine for the query, including the [java] paging ones.
    server.ok("/user/block/query.json", "page=1&size=50").await;

    let key = server.ready.app.key.clone();
    for (path, form) in [
        ("/user/block.json", "userId=alice&minute=1"),
        ("/user/unblock.json", "userId=alice"),
        ("/user/block/query.json", ""),
        ("/user/token/expire.json", "userId=alice&time=1700000000000"),
    ] {
        let (status, json) = server.api_as(&key, "wrong", path, form).await;
        assert_eq!((status, json["code"].as_i64()), (401, Some(1004)), "{path}");
        let (status, json) = server.api_as("nokey", "wrong", path, form).await;
        assert_eq!((status, json["code"].as_i64()), (401, Some(1001)), "{path}");
    }
    // Nothing was changed by the refused calls.
    let token = server.token("alice").await;
    let (_ws, code) = server.connect_code(&token).await;
    assert_eq!(code, 0);
    server.stop().await;
}

#[tokio::test]
async fn a_token_expiry_in_the_future_is_refused_and_locks_nobody_out() {
    let server = TestServer::start().await;
    let token = server.token("alice").await;
    let now = now_ms();
    // Microseconds by mistake, and a time well past the allowed skew.
    for time in [now * 1000, now + 10 * 60_000] {
        let (status, json) = server
            .api(
                "/user/token/expire.json",
                &format!("userId=alice&time={time}"),
            )
            .await;
        assert_eq!((status, json["code"].as_i64()), (400, Some(1002)), "{json}");
    }
    let (_ws, code) = server.connect_code(&token).await;
    assert_eq!(code, 0, "a refused expiry must not lock the user out");
    // A time within the skew is accepted (the caller's clock may run a little ahead).
    server
        .ok(
            "/user/token/expire.json",
            &format!("userId=alice&time={}", now + 1_000),
        )
        .await;
    server.stop().await;
}
