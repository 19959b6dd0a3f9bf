//! `/navi.json`: the WebSocket URLs handed out — the configured public ones (`--public-url`,
//! `wss://` behind a TLS proxy), else the bound address, and with a wildcard bind an address
//! the client reached rather than `0.0.0.0`.

use std::net::SocketAddr;
use std::time::Duration;

use improto::{Body, Connect, Platform};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod common;

use common::TestServer;
use common::process::ChildServer;

/// The `servers` of a navigation answer from `addr` for `app_key`.
async fn servers_at(addr: SocketAddr, app_key: &str) -> Vec<String> {
    let url = format!("http://{addr}/navi.json?appKey={app_key}");
    let answer: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(answer["code"], 200, "{answer}");
    serde_json::from_value(answer["servers"].clone()).unwrap()
}

/// The `servers` of `server`'s navigation answer.
async fn servers(server: &TestServer) -> Vec<String> {
    servers_at(server.addr(), server.app_key()).await
}

/// `server`'s address with the wildcard IP replaced by loopback, to connect to.
fn loopback(server: &TestServer) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.addr().port()))
}

/// The `servers` answered to a raw HTTP/1.0 request sent with `host_line` (may be empty).
async fn servers_for_raw(server: &TestServer, host_line: &str) -> Vec<String> {
    let mut stream = TcpStream::connect(loopback(server)).await.unwrap();
    let request = format!(
        "GET /navi.json?appKey={} HTTP/1.0\r\n{host_line}\r\n",
        server.app_key()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer))
        .await
        .expect("answered within 5 s")
        .unwrap();
    let (_, body) = answer.split_once("\r\n\r\n").expect("a full response");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    serde_json::from_value(json["servers"].clone()).unwrap()
}

#[tokio::test]
async fn answers_the_configured_public_urls_in_order() {
    let public = vec![
        "wss://im.example.com/ws".to_owned(),
        "ws://10.0.0.1:8700/ws".to_owned(),
    ];
    let server = TestServer::start_with(|c| c.public_urls = public.clone()).await;
    assert_eq!(servers(&server).await, public);
    server.stop().await;
}

#[tokio::test]
async fn answers_the_bound_address_by_default() {
    let server = TestServer::start().await;
    assert_eq!(
        servers(&server).await,
        [format!("ws://{}/ws", server.addr())]
    );
    server.stop().await;
}

#[tokio::test]
async fn with_a_wildcard_bind_answers_the_address_the_client_reached_and_it_connects() {
    let server = TestServer::start_with(|c| c.listen = "0.0.0.0:0".parse().unwrap()).await;
    let reached = loopback(&server);
    let servers = servers_at(reached, server.app_key()).await;
    assert_eq!(servers, [format!("ws://{reached}/ws")]);
    // The URL answered is one a client can use.
    let token = server.token("alice").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(&servers[0]).await.unwrap();
    let connect = Connect {
        token,
        app_key: server.app_key().into(),
        platform: Platform::Desktop as i32,
        protocol_version: improto::PROTOCOL_VERSION,
        device_id: "device-1".into(),
    };
    common::send(&mut ws, Body::Connect(connect)).await;
    match common::recv(&mut ws).await {
        Body::ConnectAck(ack) => assert_eq!((ack.code, ack.user_id.as_str()), (0, "alice")),
        other => panic!("expected ConnectAck, got {other:?}"),
    }
    // A name the client used (e.g. behind a port forward) is answered as it was asked for.
    assert_eq!(
        servers_for_raw(&server, "Host: im.example.com:9000\r\n").await,
        ["ws://im.example.com:9000/ws"]
    );
    // Without a usable Host, the local address the connection arrived on.
    for host_line in ["", "Host: a/b@evil\r\n"] {
        assert_eq!(
            servers_for_raw(&server, host_line).await,
            [format!("ws://{reached}/ws")],
            "{host_line:?}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn public_urls_come_from_the_environment_and_bad_ones_stop_the_start() {
    let env = [(
        "IMSERVER_PUBLIC_URL",
        "wss://im.example.com/ws,wss://im2.example.com/ws",
    )];
    let server = ChildServer::spawn(&[], &env, None).expect("started");
    assert_eq!(
        servers_at(server.addr, "k").await,
        ["wss://im.example.com/ws", "wss://im2.example.com/ws"]
    );
    for bad in [
        "http://im.example.com/ws",
        "ws://0.0.0.0:99999/ws",
        "wss://",
    ] {
        let Err((code, stderr)) = ChildServer::spawn(&["--public-url", bad], &[], None) else {
            panic!("started with --public-url {bad}");
        };
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("--public-url"), "{bad}: {stderr}");
    }
}
