//! The fan-out baseline: a bare tokio-tungstenite server in another process that forwards
//! every binary frame a connection sends to every other connection of the same room (the URL
//! path), as imserver's hub pushes a group message to its online members.

use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};

/// Each connection's outgoing queue, by room and connection number.
type Rooms = Arc<Mutex<HashMap<String, HashMap<u64, mpsc::UnboundedSender<Message>>>>>;

/// Runs the server: prints its address, then relays frames within rooms.
pub async fn serve() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("{}", listener.local_addr().expect("addr"));
    std::io::stdout().flush().expect("flush");
    let rooms: Rooms = Arc::default();
    let mut next_id = 0u64;
    while let Ok((stream, _)) = listener.accept().await {
        stream.set_nodelay(true).expect("nodelay");
        next_id += 1;
        tokio::spawn(relay(stream, next_id, rooms.clone()));
    }
}

/// Serves one connection: joins the room its URL path names and relays its frames to the
/// room's other connections until it closes.
async fn relay(stream: tokio::net::TcpStream, id: u64, rooms: Rooms) {
    let mut room = String::new();
    // The callback's signature is tungstenite's (its error type is an HTTP response).
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        room = request.uri().path().to_owned();
        Ok(response)
    };
    let accepted = tokio_tungstenite::accept_hdr_async(stream, callback).await;
    let Ok(ws) = accepted else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let (queue, mut outgoing) = mpsc::unbounded_channel();
    rooms
        .lock()
        .expect("rooms")
        .entry(room.clone())
        .or_default()
        .insert(id, queue);
    let writer = tokio::spawn(async move {
        while let Some(message) = outgoing.recv().await {
            if sink.send(message).await.is_err() {
                return;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        if message.is_binary() {
            let rooms = rooms.lock().expect("rooms");
            for (_, peer) in rooms[&room].iter().filter(|(peer, _)| **peer != id) {
                let _ = peer.send(message.clone());
            }
        }
    }
    if let Some(members) = rooms.lock().expect("rooms").get_mut(&room) {
        members.remove(&id);
    }
    writer.abort();
}

/// The relay server as a child process, killed on drop.
pub struct BroadcastProcess {
    child: Child,
    addr: String,
}

impl BroadcastProcess {
    /// Starts `imbench broadcast-server`.
    pub fn start() -> BroadcastProcess {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .arg("broadcast-server")
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn broadcast server");
        let mut addr = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut addr)
            .expect("broadcast address");
        BroadcastProcess {
            child,
            addr: addr.trim().to_owned(),
        }
    }

    /// The URL of `room`.
    pub fn room_url(&self, room: &str) -> String {
        format!("ws://{}/{room}", self.addr)
    }
}

impl Drop for BroadcastProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
