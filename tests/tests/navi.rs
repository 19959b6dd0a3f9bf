//! Navigation with several WebSocket servers: the client falls back along the list, caches the
//! answer, and asks again when every cached server fails.

use imcore::{ConnectionStatus, Event, ImClient, InitOptions};
use imcore_harness::ServerProcess;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The navigation endpoint of a deployment with several servers: answers `GET /navi.json`
/// with the current server list and counts the requests.
struct Navigation {
    url: String,
    servers: Arc<Mutex<Vec<String>>>,
    requests: Arc<AtomicUsize>,
}

impl Navigation {
    async fn start(servers: Vec<String>) -> Navigation {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let servers = Arc::new(Mutex::new(servers));
        let requests = Arc::new(AtomicUsize::new(0));
        let (list, count) = (servers.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let body = serde_json::json!({ "code": 200, "servers": *list.lock().unwrap() })
                    .to_string();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            }
        });
        Navigation {
            url,
            servers,
            requests,
        }
    }
}

fn ws(server: &ServerProcess) -> String {
    format!("ws://{}/ws", server.addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn falls_back_along_the_list_caches_it_and_refreshes_when_all_fail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut first = ServerProcess::start(&data, "app-navi", "secret-navi");
    let navi = Navigation::start(vec!["ws://127.0.0.1:1/ws".into(), ws(&first)]).await;

    let im = ImClient::new();
    let mut options = InitOptions::new(&navi.url, dir.path().join("c"));
    options.heartbeat_interval_ms = 200;
    options.heartbeat_timeout_ms = 300;
    im.init(&first.app_key, options).unwrap();
    let events = im.events().unwrap();
    let token = first.token("alice").await;
    assert_eq!(
        im.connect(&token).await.unwrap(),
        "alice",
        "the dead first server is skipped"
    );
    assert_eq!(navi.requests.load(Ordering::SeqCst), 1);

    im.disconnect().unwrap();
    im.reconnect().await.unwrap();
    assert_eq!(
        navi.requests.load(Ordering::SeqCst),
        1,
        "the answer is cached"
    );

    // The deployment moves: the old server goes away and navigation lists a new one.
    while events.recv_timeout(Duration::ZERO).is_some() {}
    first.kill();
    let second = ServerProcess::start(&data, "app-navi", "secret-navi");
    *navi.servers.lock().unwrap() = vec![ws(&second)];
    tokio::task::spawn_blocking(move || {
        loop {
            match events.recv_timeout(Duration::from_secs(15)) {
                Some(Event::ConnectionStatus {
                    status: ConnectionStatus::Connected,
                    ..
                }) => return,
                Some(_) => {}
                None => panic!("did not reconnect through the refreshed navigation"),
            }
        }
    })
    .await
    .unwrap();
    assert!(
        navi.requests.load(Ordering::SeqCst) >= 2,
        "navigation was asked again"
    );
    im.destroy();
}
