//! A flood of unauthenticated connections from one address (half-sent headers, held open)
//! cannot take the descriptors an `imserver` process has away from a signed Server API call
//! from another address: past `--max-unauthenticated-per-ip` they are closed at once.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};

mod common;

use common::post_signed;
use common::process::ChildServer;

/// Descriptors the server process may open: fewer than the flood's connections.
const FILE_LIMIT: u32 = 160;
/// Connections the flooding address opens.
const FLOOD: usize = 300;

/// A connection to `server` from `127.0.0.2`, the flooding peer.
async fn connect_from_flooder(server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), 0))
        .unwrap();
    socket.connect(server).await
}

#[tokio::test]
async fn half_sent_headers_from_one_address_do_not_block_a_signed_call_from_another() {
    let args = [
        "--max-unauthenticated-per-ip",
        "32",
        "--header-timeout",
        "30s",
    ];
    let server = ChildServer::spawn(&args, &[], Some(FILE_LIMIT)).expect("started");
    let mut flood = Vec::with_capacity(FLOOD);
    for _ in 0..FLOOD {
        let connecting = connect_from_flooder(server.addr);
        let Ok(Ok(mut stream)) = tokio::time::timeout(Duration::from_secs(1), connecting).await
        else {
            // Not even taken into the backlog: the server is saturated already.
            break;
        };
        // The server may already have closed it: a refused flooder's write may fail.
        let _ = stream
            .write_all(b"POST /user/getToken.json HTTP/1.1\r\nHost: x\r\nApp-Key: k")
            .await;
        flood.push(stream);
    }
    let answered = tokio::time::timeout(
        Duration::from_secs(10),
        post_signed(
            server.addr,
            "k",
            "s",
            "/user/getToken.json",
            "userId=alice&name=",
        ),
    )
    .await
    .expect("the signed call was not served within 10 s");
    assert_eq!(answered.0, 200, "{answered:?}");
    assert_eq!(answered.1["userId"], "alice", "{answered:?}");
    drop(flood);
}
