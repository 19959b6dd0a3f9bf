//! A connection's outgoing queue and the task that drains it onto the socket, in order.

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use improto::{Body, encode};
use tokio::sync::mpsc;

/// Frames queued per connection before pushes count it as too slow.
pub const CAPACITY: usize = 1024;

/// What a connection's writer task sends. As small as a frame handle (32 bytes): the queue
/// allocates its slots in blocks of 32 up front, for every connection.
#[derive(Debug)]
pub enum Outgoing {
    /// An encoded frame, sent as one binary message.
    Frame(Bytes),
    /// A `Close` frame with a seed status code, then a WebSocket close; ends the writer.
    Close(Box<Closing>),
}

/// How the server closes a connection.
#[derive(Debug)]
pub struct Closing {
    /// Seed status code for `Close.code`.
    pub code: i32,
    /// WebSocket close code (1000 normal, 1002 protocol error, 1008 policy, ...).
    pub ws_code: u16,
    /// Human-readable reason, also used as the WebSocket close reason.
    pub reason: String,
}

impl Outgoing {
    /// Encodes `body` into a frame.
    pub fn frame(body: Body) -> Self {
        Outgoing::Frame(Bytes::from(encode(body)))
    }

    /// A close with seed status `code`, WebSocket close code `ws_code` and `reason`.
    pub fn close(code: i32, ws_code: u16, reason: String) -> Self {
        Outgoing::Close(Box::new(Closing {
            code,
            ws_code,
            reason,
        }))
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
                Outgoing::Close(closing) => {
                    let Closing {
                        code,
                        ws_code,
                        reason,
                    } = *closing;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_slot_is_one_frame_handle() {
        assert_eq!(size_of::<Outgoing>(), size_of::<Bytes>());
    }
}
