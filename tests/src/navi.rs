//! A stand-in navigation endpoint: answers `GET /navi.json` with a WebSocket server list the
//! test controls, e.g. one deployment of several servers, or a proxy in front of imserver.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The WebSocket URL clients use for an imserver (or a proxy of one) at `addr`.
pub fn ws_url(addr: impl std::fmt::Display) -> String {
    format!("ws://{addr}/ws")
}

/// A navigation server on loopback, serving from a task of the current tokio runtime.
pub struct Navigation {
    /// The base URL to give clients as `InitOptions::navi`.
    pub url: String,
    servers: Arc<Mutex<Vec<String>>>,
    requests: Arc<AtomicUsize>,
}

impl Navigation {
    /// Starts answering with `servers` (WebSocket URLs, in preference order).
    pub async fn start(servers: Vec<String>) -> Navigation {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind navigation");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let servers = Arc::new(Mutex::new(servers));
        let requests = Arc::new(AtomicUsize::new(0));
        let (list, count) = (servers.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                read_request_head(&mut stream).await;
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

    /// Answers with `servers` from now on.
    pub fn set_servers(&self, servers: Vec<String>) {
        *self.servers.lock().unwrap() = servers;
    }

    /// How many requests arrived so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads an HTTP request head (up to the blank line) and ignores it.
async fn read_request_head(stream: &mut TcpStream) {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
}
