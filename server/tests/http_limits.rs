//! What a slow, idle, unauthenticated or oversized HTTP peer can make the server hold: header,
//! body and idle timeouts, the per-IP cap on unauthenticated connections, and bodies refused
//! unread. Raw sockets on loopback; other loopback addresses (127.0.0.2, …) stand for other
//! peers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use imserver::auth::signature::sign;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

mod common;

use common::TestServer;

/// A request whose headers never end.
const HALF_SENT: &[u8] = b"POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\nApp-Key: k";

/// A connection to `server` from the loopback address `127.0.0.<host>`.
async fn connect_from(server: SocketAddr, host: u8) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, host)),
            0,
        ))
        .unwrap();
    socket.connect(server).await.unwrap()
}

/// Reads until the peer closes; the bytes read if it closed within `within`, `None` if the
/// connection is still open then.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut read = Vec::new();
    tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => read.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| read)
}

/// The signature headers of `server`'s app, as the server SDKs send them.
fn signed_headers(server: &TestServer) -> String {
    let (nonce, timestamp) = ("4711", "1795642435");
    let app = &server.ready.app;
    format!(
        "App-Key: {}\r\nNonce: {nonce}\r\nTimestamp: {timestamp}\r\nSignature: {}\r\n",
        app.key,
        sign(&app.secret, nonce, timestamp)
    )
}

/// A getToken request for `user_id`, signed when `signed`, keeping the connection alive.
fn get_token(server: &TestServer, user_id: &str, signed: bool) -> Vec<u8> {
    let body = format!("userId={user_id}&name=");
    let auth = if signed {
        signed_headers(server)
    } else {
        String::new()
    };
    format!(
        "POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n{auth}\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Reads one response's head and its (small) body from a kept-alive connection.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut read = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed before a full response: {read:?}");
            read.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&read);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_owned)
                    })
                    .and_then(|l| l.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    return text.into_owned();
                }
            }
        }
    })
    .await
    .expect("no response within 5 s")
}

#[tokio::test]
async fn half_sent_headers_are_closed_after_the_header_timeout() {
    let server = TestServer::start_with(|c| c.header_timeout = Duration::from_millis(500)).await;
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = connect_from(server.addr(), 2).await;
        stream.write_all(HALF_SENT).await.unwrap();
        slow.push(stream);
    }
    // Silent connections too: their first request's headers are due from the start.
    slow.push(connect_from(server.addr(), 2).await);
    for stream in &mut slow {
        let closed = closed_within(stream, Duration::from_secs(3)).await;
        assert!(closed.is_some(), "a slow connection was kept open");
    }
    assert!(started.elapsed() >= Duration::from_millis(450));
    server.stop().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_after_the_idle_timeout_not_the_header_one() {
    let server = TestServer::start_with(|c| {
        c.header_timeout = Duration::from_millis(300);
        c.idle_timeout = Duration::from_millis(1500);
    })
    .await;
    let mut stream = connect_from(server.addr(), 1).await;
    stream
        .write_all(&get_token(&server, "alice", true))
        .await
        .unwrap();
    assert!(read_response(&mut stream).await.contains("\"code\":200"));
    // Idle for longer than the header timeout: still served.
    tokio::time::sleep(Duration::from_millis(700)).await;
    stream
        .write_all(&get_token(&server, "bob", true))
        .await
        .unwrap();
    assert!(
        read_response(&mut stream)
            .await
            .contains("\"userId\":\"bob\"")
    );
    let idle = Instant::now();
    assert!(
        closed_within(&mut stream, Duration::from_secs(4))
            .await
            .is_some()
    );
    assert!(
        idle.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        idle.elapsed()
    );
    server.stop().await;
}

#[tokio::test]
async fn one_address_holds_few_unauthenticated_connections_and_others_are_still_served() {
    let server = TestServer::start_with(|c| c.max_unauthenticated_per_ip = 4).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(server.addr(), 2).await);
    }
    // Many more from the same address are closed at once...
    for _ in 0..100 {
        let mut extra = connect_from(server.addr(), 2).await;
        let closed = closed_within(&mut extra, Duration::from_secs(2)).await;
        assert_eq!(closed, Some(Vec::new()), "an extra connection was admitted");
    }
    // ...the ones admitted are served...
    held[0]
        .write_all(&get_token(&server, "alice", true))
        .await
        .unwrap();
    assert!(read_response(&mut held[0]).await.contains("\"code\":200"));
    // ...and other addresses are not affected: a legitimate call succeeds.
    let (status, json) = server.api("/user/getToken.json", "userId=bob").await;
    assert_eq!((status, json["code"].as_i64()), (200, Some(200)), "{json}");
    // The signed call authenticated its connection, freeing a place for the address; an
    // unsigned one does not.
    let mut admitted = connect_from(server.addr(), 2).await;
    admitted
        .write_all(&get_token(&server, "carol", false))
        .await
        .unwrap();
    assert!(read_response(&mut admitted).await.contains("\"code\":1001"));
    let mut refused = connect_from(server.addr(), 2).await;
    assert_eq!(
        closed_within(&mut refused, Duration::from_secs(2)).await,
        Some(Vec::new())
    );
    server.stop().await;
}

#[tokio::test]
async fn an_unsigned_request_is_refused_before_its_body_is_sent() {
    let server = TestServer::start().await;
    let mut stream = connect_from(server.addr(), 1).await;
    stream
        .write_all(
            b"POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n",
        )
        .await
        .unwrap();
    let answer = closed_within(&mut stream, Duration::from_secs(2))
        .await
        .expect("answered and closed without the body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("\"code\":1001"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn a_signed_body_over_the_cap_is_refused_with_413() {
    let server = TestServer::start_with(|c| c.max_body_bytes = 1024).await;
    // Declared too large: refused before it is sent.
    let mut stream = connect_from(server.addr(), 1).await;
    let head = format!(
        "POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n{}Content-Length: 100000\r\n\r\n",
        signed_headers(&server)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = closed_within(&mut stream, Duration::from_secs(2))
        .await
        .expect("answered and closed without the body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"code\":1005"), "{answer}");
    // Chunked, with no length given: refused once past the cap.
    let mut stream = connect_from(server.addr(), 1).await;
    let head = format!(
        "POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n{}Transfer-Encoding: chunked\r\n\r\n",
        signed_headers(&server)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("800\r\nuserId=a&name={}\r\n", "x".repeat(0x800 - 14));
    stream.write_all(chunk.as_bytes()).await.unwrap();
    let answer = read_response(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    server.stop().await;
}

#[tokio::test]
async fn a_signed_body_sent_too_slowly_is_answered_408() {
    let server = TestServer::start_with(|c| c.body_timeout = Duration::from_millis(500)).await;
    let mut stream = connect_from(server.addr(), 1).await;
    let head = format!(
        "POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n{}Content-Length: 100\r\n\r\nuserId=",
        signed_headers(&server)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = closed_within(&mut stream, Duration::from_secs(3))
        .await
        .expect("a slow body is not waited for");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"));
    server.stop().await;
}

/// The resident memory of this process (the server runs in it), in KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

#[tokio::test]
async fn unauthenticated_large_bodies_do_not_grow_memory() {
    let server = TestServer::start().await;
    let before = resident_kib();
    let body = vec![b'x'; 1 << 20];
    let mut streams = Vec::new();
    for i in 0..100u8 {
        let mut stream = connect_from(server.addr(), 10 + i % 50).await;
        stream
            .write_all(
                b"POST /user/getToken.json HTTP/1.1\r\nHost: imserver\r\n\
                  Content-Length: 2000000\r\n\r\n",
            )
            .await
            .unwrap();
        // As much of the body as the socket takes in a moment (the server may close first).
        let _ = tokio::time::timeout(Duration::from_millis(20), stream.write_all(&body)).await;
        streams.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let grown = resident_kib().saturating_sub(before);
    assert!(grown < 40 * 1024, "memory grew by {grown} KiB");
    drop(streams);
    server.stop().await;
}
