//! Helpers shared by the in-process server tests: WebSocket frames and signed Server API calls.

#![allow(dead_code)] // each test file uses a different subset

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use improto::{Body, decode, encode};
use imserver::auth::signature::sign;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A client WebSocket to the server under test.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Sends one frame.
pub async fn send(ws: &mut Ws, body: Body) {
    ws.send(Message::Binary(encode(body).into())).await.unwrap();
}

/// The next frame, skipping control messages; panics after 5 s or on close.
pub async fn recv(ws: &mut Ws) -> Body {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Binary(bytes))) => return decode(&bytes).unwrap(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("expected a frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("no frame within 5 s")
}

/// Reads until the server closes the connection; returns the `Close` frame it sent first.
pub async fn expect_closed(ws: &mut Ws) -> Option<improto::Close> {
    let mut close = None;
    tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Binary(bytes) = message
                && let Ok(Body::Close(c)) = decode(&bytes)
            {
                close = Some(c);
            }
        }
    })
    .await
    .expect("connection not closed within 5 s");
    close
}

/// POSTs `form` to the Server API at `addr`, signed with `key` / `secret`; returns
/// (HTTP status, JSON).
pub async fn post_signed(
    addr: SocketAddr,
    key: &str,
    secret: &str,
    path: &str,
    form: &str,
) -> (u16, serde_json::Value) {
    post_signed_at(addr, (key, secret), path, form, ("12345", "1795642435")).await
}

/// [`post_signed`] with the given `(nonce, timestamp)` headers.
pub async fn post_signed_at(
    addr: SocketAddr,
    (key, secret): (&str, &str),
    path: &str,
    form: &str,
    (nonce, timestamp): (&str, &str),
) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .header("App-Key", key)
        .header("Nonce", nonce)
        .header("Timestamp", timestamp)
        .header("Signature", sign(secret, nonce, timestamp))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}
