//! The baseline: a bare tokio-tungstenite echo server in another process, and its round trip.

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

/// Runs the echo server: prints its address, echoes every binary frame.
pub async fn serve() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("{}", listener.local_addr().expect("addr"));
    std::io::stdout().flush().expect("flush");
    while let Ok((stream, _)) = listener.accept().await {
        stream.set_nodelay(true).expect("nodelay");
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
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
    /// Starts `imbench echo-server`.
    pub fn start() -> EchoProcess {
        let mut child = Command::new(std::env::current_exe().expect("exe"))
            .arg("echo-server")
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

    /// Round-trip times of `count` frames of `size` bytes, one at a time.
    pub async fn round_trips(&self, size: usize, count: usize) -> Vec<Duration> {
        let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/", self.addr))
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
