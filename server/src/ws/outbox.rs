//! A connection's outgoing queue and the task that drains it onto the socket, in order.

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use improto::{Body, encode};
use tokio::sync::mpsc;

/// Frames queued per connection before pushes count it as too slow.
pub const CAPACITY: usize = 1024;

/// What a connection's writer task sends.
#[derive(Debug)]
pub enum Outgoing {
    /// An encoded frame, sent as one binary message.
    Frame(Bytes),
    /// A `Close` frame with a seed status code, then a WebSocket close; ends the writer.
    Close {
        /// Seed status code for `Close.code`.
        code: i32,
        /// WebSocket close code (1000 normal, 1002 protocol error, 1008 policy, ...).
        ws_code: u16,
        /// Human-readable reason, also used as the WebSocket close reason.
        reason: String,
    },
}

impl Outgoing {
    /// Encodes `body` into a frame.
    pub fn frame(body: Body) -> Self {
        Outgoing::Frame(Bytes::from(encode(body)))
    }
}

/// Sends everything queued, in order, until a close or until every sender is gone. Frames
/// queued together are written together, with one flush.
pub async fn drain(mut sink: SplitSink<WebSocket, Message>, mut queue: mpsc::Receiver<Outgoing>) {
    'drain: while let Some(mut item) = queue.recv().await {
        loop {
            match item {
                Outgoing::Frame(bytes) => {
                    if sink.feed(Message::Binary(bytes)).await.is_err() {
                        return;
                    }
                }
                Outgoing::Close {
                    code,
                    ws_code,
                    reason,
                } => {
                    let close = Body::Close(improto::Close {
                        code,
                        reason: reason.clone(),
                    });
                    let _ = sink.send(Message::Binary(Bytes::from(encode(close)))).await;
                    let frame = CloseFrame {
                        code: ws_code,
                        reason: truncate(&reason, 120).into(),
                    };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break 'drain;
                }
            }
            match queue.try_recv() {
                Ok(next) => item = next,
                Err(_) => break,
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
    }
    let _ = sink.close().await;
}

/// At most `max` bytes of `text`, cut at a character boundary (close reasons are limited).
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
