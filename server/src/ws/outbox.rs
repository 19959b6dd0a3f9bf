//! A connection's outgoing queue and the task that drains it onto the socket, in order.
//!
//! The queue is bounded twice: in frames ([`CAPACITY`]) and in bytes (the connection's byte
//! budget, `--max-outbox-bytes`): a frame takes room for its bytes when it is queued and gives
//! it back once written. A push that finds no room means the peer is too slow (it is kicked);
//! an answer waits for room. The writer gives up on a peer that stops reading: a write that
//! makes no progress within the stall deadline (`--write-stall-timeout-ms`) ends it, and with
//! it the connection.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use improto::{Body, encode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

/// Frames queued per connection before pushes count it as too slow.
pub const CAPACITY: usize = 1024;

/// What a connection's writer task sends. As small as a frame handle (32 bytes): the queue
/// allocates its slots in blocks of 32 up front, for every connection.
#[derive(Debug)]
pub enum Outgoing {
    /// An encoded frame, sent as one binary message; holds room for its bytes until written.
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

/// The room a connection's queued frames may take, in bytes (shared by its [`Outbox`]es and
/// its writer).
#[derive(Debug)]
struct Room {
    free: Semaphore,
    budget: usize,
}

impl Room {
    /// The room a frame of `len` bytes takes: its size, but at most the whole budget (so that
    /// even a frame larger than the budget can be queued, alone).
    fn of(&self, len: usize) -> u32 {
        len.min(self.budget) as u32
    }

    /// Gives back the room of a frame of `len` bytes.
    fn give_back(&self, len: usize) {
        self.free.add_permits(self.of(len) as usize);
    }
}

/// The sending side of a connection's queue; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    queue: mpsc::Sender<Outgoing>,
    room: Arc<Room>,
}

/// The receiving side, for [`drain`].
#[derive(Debug)]
pub struct Queued {
    queue: mpsc::Receiver<Outgoing>,
    room: Arc<Room>,
}

impl Queued {
    /// The next queued frame, if any, as if written (tests without a socket).
    #[cfg(test)]
    pub fn try_take(&mut self) -> Option<Bytes> {
        match self.queue.try_recv() {
            Ok(Outgoing::Frame(frame)) => {
                self.room.give_back(frame.len());
                Some(frame)
            }
            _ => None,
        }
    }
}

impl Drop for Queued {
    /// Answers still waiting for room give up: nobody will write them.
    fn drop(&mut self) {
        self.room.free.close();
    }
}

/// Why a frame could not be queued without waiting.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// No room (in bytes or in frames): the peer does not keep up.
    Full,
    /// The writer has stopped.
    Closed,
}

/// A queue holding at most [`CAPACITY`] frames and `budget_bytes` bytes (bytes rounded up to
/// at least one largest frame's, [`improto::MAX_FRAME_BYTES`]).
pub fn channel(budget_bytes: usize) -> (Outbox, Queued) {
    let budget = budget_bytes.clamp(improto::MAX_FRAME_BYTES, u32::MAX as usize);
    let room = Arc::new(Room {
        free: Semaphore::new(budget),
        budget,
    });
    let (queue, received) = mpsc::channel(CAPACITY);
    let outbox = Outbox {
        queue,
        room: room.clone(),
    };
    (
        outbox,
        Queued {
            queue: received,
            room,
        },
    )
}

impl Outbox {
    /// Queues `frame` if there is room now.
    pub fn try_queue(&self, frame: Bytes) -> Result<(), Refused> {
        let Ok(room) = self.room.free.try_acquire_many(self.room.of(frame.len())) else {
            return if self.queue.is_closed() {
                Err(Refused::Closed)
            } else {
                Err(Refused::Full)
            };
        };
        match self.queue.try_send(Outgoing::Frame(frame)) {
            Ok(()) => {
                room.forget();
                Ok(())
            }
            Err(mpsc::error::TrySendError::Full(_)) => Err(Refused::Full),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Refused::Closed),
        }
    }

    /// Queues `frame` once there is room; false if the writer has stopped.
    pub async fn queue(&self, frame: Bytes) -> bool {
        let Ok(room) = self.room.free.acquire_many(self.room.of(frame.len())).await else {
            return false;
        };
        if self.queue.send(Outgoing::Frame(frame)).await.is_err() {
            return false;
        }
        room.forget();
        true
    }

    /// Encodes `body` and queues it once there is room; false if the writer has stopped.
    pub async fn reply(&self, body: Body) -> bool {
        self.queue(Bytes::from(encode(body))).await
    }

    /// Queues `frames` in order without waiting, then releases `permit`; if room runs out, a
    /// task queues the rest as room frees up (holding `permit`, which bounds such tasks).
    pub fn queue_in_order<F>(
        &self,
        mut frames: F,
        permit: OwnedSemaphorePermit,
        runtime: &tokio::runtime::Handle,
    ) where
        F: Iterator<Item = Bytes> + Send + 'static,
    {
        while let Some(frame) = frames.next() {
            match self.try_queue(frame.clone()) {
                Ok(()) => {}
                Err(Refused::Closed) => break,
                Err(Refused::Full) => {
                    let outbox = self.clone();
                    runtime.spawn(async move {
                        for frame in std::iter::once(frame).chain(frames) {
                            if !outbox.queue(frame).await {
                                break;
                            }
                        }
                        drop(permit);
                    });
                    return;
                }
            }
        }
        drop(permit);
    }

    /// Encodes `body` and queues it without waiting (see [`Outbox::queue_in_order`]), then
    /// releases `permit`. Runs on the runtime.
    pub fn reply_later(&self, body: Body, permit: OwnedSemaphorePermit) {
        let frame = Bytes::from(encode(body));
        let runtime = tokio::runtime::Handle::current();
        self.queue_in_order(std::iter::once(frame), permit, &runtime);
    }

    /// Queues a close with seed status `code`, WebSocket close code `ws_code` and `reason`
    /// (it needs no room in bytes); false if the writer has stopped.
    pub async fn close(&self, code: i32, ws_code: u16, reason: String) -> bool {
        let closing = Closing {
            code,
            ws_code,
            reason,
        };
        let close = Outgoing::Close(Box::new(closing));
        self.queue.send(close).await.is_ok()
    }

    /// Completes once the writer has stopped.
    pub async fn closed(&self) {
        self.queue.closed().await
    }
}

/// Sends everything queued, in order, until a close, until every sender is gone, or until a
/// write makes no progress for `stall` (the peer stopped reading). Frames queued together are
/// written together, with one flush.
pub async fn drain(mut sink: SplitSink<WebSocket, Message>, queued: Queued, stall: Duration) {
    let mut queued = queued;
    'drain: while let Some(mut item) = queued.queue.recv().await {
        loop {
            match item {
                Outgoing::Frame(bytes) => {
                    let len = bytes.len();
                    if !within(stall, sink.feed(Message::Binary(bytes))).await {
                        return;
                    }
                    queued.room.give_back(len);
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
                    let frame = Message::Binary(Bytes::from(encode(close)));
                    if !within(stall, sink.send(frame)).await {
                        return;
                    }
                    let frame = CloseFrame {
                        code: ws_code,
                        reason: truncate(&reason, 120).into(),
                    };
                    let _ = within(stall, sink.send(Message::Close(Some(frame)))).await;
                    break 'drain;
                }
            }
            match queued.queue.try_recv() {
                Ok(next) => item = next,
                Err(_) => break,
            }
        }
        if !within(stall, sink.flush()).await {
            return;
        }
    }
    let _ = within(stall, sink.close()).await;
}

/// Whether `write` succeeded within `stall`.
async fn within<E>(stall: Duration, write: impl Future<Output = Result<(), E>>) -> bool {
    match tokio::time::timeout(stall, write).await {
        Ok(Ok(())) => true,
        Ok(Err(_)) => false,
        Err(_) => {
            tracing::info!(?stall, "peer stopped reading; dropping the connection");
            false
        }
    }
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

    #[test]
    fn pushes_find_no_room_beyond_the_byte_budget() {
        let (outbox, mut queued) = channel(improto::MAX_FRAME_BYTES);
        let half = Bytes::from(vec![0u8; improto::MAX_FRAME_BYTES / 2]);
        assert_eq!(outbox.try_queue(half.clone()), Ok(()));
        assert_eq!(outbox.try_queue(half.clone()), Ok(()));
        assert_eq!(
            outbox.try_queue(Bytes::from_static(b"x")),
            Err(Refused::Full)
        );
        // Written frames give their room back.
        assert_eq!(queued.try_take(), Some(half.clone()));
        assert_eq!(outbox.try_queue(half), Ok(()));
        drop(queued);
        assert_eq!(outbox.try_queue(Bytes::new()), Err(Refused::Closed));
    }

    #[tokio::test]
    async fn an_answer_waits_for_room() {
        let (outbox, mut queued) = channel(improto::MAX_FRAME_BYTES);
        let full = Bytes::from(vec![0u8; improto::MAX_FRAME_BYTES]);
        assert!(outbox.queue(full.clone()).await);
        let waiting = tokio::spawn({
            let outbox = outbox.clone();
            async move { outbox.queue(Bytes::from_static(b"answer")).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        let Some(Outgoing::Frame(written)) = queued.queue.recv().await else {
            panic!("a frame was queued")
        };
        queued.room.give_back(written.len());
        assert!(waiting.await.unwrap());
    }
}
