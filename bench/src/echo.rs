//! The baseline: a bare tokio-tungstenite echo server in another process, and its round trip.

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Runs the echo server: prints its address, echoes every binary frame. `read_buffer_bytes`
/// sets tungstenite's read buffer (default 128 KiB).
pub async fn serve(read_buffer_bytes: Option<usize>) {
    let mut config = WebSocketConfig::default();
    if let Some(bytes) = read_buffer_bytes {
        config = config.read_buffer_size(bytes);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("{}", listener.local_addr().expect("addr"));
    std::io::stdout().flush().expect("flush");
    while let Ok((stream, _)) = listener.accept().await {
        stream.set_nodelay(true).expect("nodelay");
        tokio::spawn(async move {
            let accepted = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await;
            let Ok(mut ws) = accepted else {
                return;
            };
            while let Some(Ok(message)) = ws.next().await {
                if message.is_binary() && ws.send(message).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// The echo server as a child process, killed on drop.
pub struct EchoProcess {
    child: Child,
    addr: String,
}

impl EchoProcess {
    /// Starts `imbench echo-server`, with tungstenite's read buffer at `read_buffer_bytes`
    /// (its default when `None`).
    pub fn start(read_buffer_bytes: Option<usize>) -> EchoProcess {
        let mut command = Command::new(std::env::current_exe().expect("exe"));
        command.arg("echo-server");
        if let Some(bytes) = read_buffer_bytes {
            command.args(["--read-buffer-bytes", &bytes.to_string()]);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn echo server");
        let mut addr = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut addr)
            .expect("echo address");
        EchoProcess {
            child,
            addr: addr.trim().to_owned(),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The URL WebSocket clients connect to.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/", self.addr)
    }

    /// Round-trip times of `count` frames of `size` bytes, one at a time.
    pub async fn round_trips(&self, size: usize, count: usize) -> Vec<Duration> {
        let (mut ws, _) = tokio_tungstenite::connect_async(self.ws_url())
            .await
            .expect("connect echo");
        let frame = vec![7u8; size];
        let mut samples = Vec::with_capacity(count);
        for _ in 0..count {
            let start = Instant::now();
            ws.send(Message::Binary(frame.clone().into()))
                .await
                .expect("send");
            loop {
                match ws.next().await {
                    Some(Ok(m)) if m.is_binary() => break,
                    Some(Ok(_)) => {}
                    other => panic!("echo failed: {other:?}"),
                }
            }
            samples.push(start.elapsed());
        }
        samples
    }
}

impl Drop for EchoProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
