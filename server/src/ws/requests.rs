//! Requests of an authenticated connection: `Send`, `Pull`, `Ping` (the session keeps `Ack`s).
//!
//! A `Send` is queued to the store in frame order and completed on the writer thread right
//! after its commit (push, then `SendAck`); other storage work runs in its own task. Either way
//! the caller's permit bounds a connection's requests in flight, so a connection can have
//! several sends in one group commit; replies go through the outbox.

use std::sync::Arc;

use axum::body::Bytes;
use improto::{Body, Delivery, Pong, Pull, SendAck};
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::codes;
use super::handshake::Identity;
use super::outbox::Outgoing;
use super::session::End;
use super::validate::reject_send;
use crate::state::ServerState;
use crate::store::{NewMessage, SendOutcome};

/// Default `Pull.limit` when the client sends 0.
const DEFAULT_PULL_LIMIT: usize = 200;
/// Largest page a `Pull` returns.
const MAX_PULL_LIMIT: usize = 500;

/// Context for handling one request of a connection.
pub struct Request {
    /// Server state.
    pub state: Arc<ServerState>,
    /// Who is asking.
    pub identity: Arc<Identity>,
    /// The connection's outbox.
    pub queue: mpsc::Sender<Outgoing>,
}

impl Request {
    /// Handles one frame; `Err` ends the connection.
    pub async fn handle(self, body: Body, permit: OwnedSemaphorePermit) -> Result<(), End> {
        match body {
            Body::Send(send) => self.send(send, permit).await,
            Body::Pull(pull) => {
                tokio::spawn(async move {
                    self.pull(pull).await;
                    drop(permit);
                });
            }
            // The session keeps acks itself (see `acks`); none reach here.
            Body::Ack(_) => {}
            Body::Ping(ping) => self.reply(Body::Pong(Pong { nonce: ping.nonce })).await,
            Body::Pong(_) => {}
            Body::Close(close) => {
                return Err(End::PeerGone(format!(
                    "client sent Close {}: {}",
                    close.code, close.reason
                )));
            }
            Body::Connect(_) => return Err(End::protocol_violation("already connected")),
            Body::Request(request) => {
                self.reply(Body::Response(improto::Response {
                    request_id: request.request_id,
                    code: 33003,
                    body: None,
                }))
                .await
            }
            Body::ConnectAck(_) | Body::SendAck(_) | Body::Delivery(_) | Body::Response(_) => {
                return Err(End::protocol_violation("server-only frame received"));
            }
        }
        Ok(())
    }

    /// Validates a message and queues it for storage, in frame order. Right after its commit,
    /// on the writer thread, the message is pushed to the recipient and the `SendAck` queued,
    /// so neither waits for a task to wake up. An invalid message is answered at once.
    async fn send(self, send: improto::Send, permit: OwnedSemaphorePermit) {
        let request_id = send.request_id;
        if let Some(code) = reject_send(&send) {
            return self.send_ack(request_id, code, String::new(), 0).await;
        }
        let message = NewMessage {
            app_key: self.identity.app_key.clone(),
            sender_id: self.identity.user_id.clone(),
            conversation_type: send.conversation_type,
            target_id: send.target_id,
            object_name: send.object_name,
            content: send.content,
            client_message_id: send.client_message_id,
            persisted: send.persisted,
            counted: send.counted,
        };
        let hub = self.state.hub.clone();
        let app_key = self.identity.app_key.clone();
        let queue = self.queue;
        let runtime = tokio::runtime::Handle::current();
        self.state.store.send_message_then(message, move |outcome| {
            let (code, message_uid, sent_time) = match outcome {
                Ok(SendOutcome::Stored { recipient, entry }) => {
                    let acked = (codes::OK, entry.message_uid.clone(), entry.sent_time);
                    let delivery = Body::Delivery(Delivery {
                        messages: vec![entry],
                        pull_request_id: 0,
                        has_more: false,
                    });
                    hub.push(
                        &app_key,
                        &recipient,
                        &Bytes::from(improto::encode(delivery)),
                    );
                    acked
                }
                Ok(SendOutcome::Duplicate {
                    message_uid,
                    sent_time,
                }) => (codes::OK, message_uid, sent_time),
                Err(e) => {
                    tracing::error!(error = %e, "storing a message failed");
                    (codes::SERVER_UNAVAILABLE, String::new(), 0)
                }
            };
            let ack = Outgoing::frame(Body::SendAck(SendAck {
                request_id,
                code,
                message_uid,
                sent_time,
            }));
            // The connection's request permit bounds its in-flight SendAcks, so the outbox
            // rarely lacks room; if it does, a task waits for room (holding the permit).
            match queue.try_send(ack) {
                Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => drop(permit),
                Err(mpsc::error::TrySendError::Full(ack)) => {
                    runtime.spawn(async move {
                        let _ = queue.send(ack).await;
                        drop(permit);
                    });
                }
            }
        });
    }

    /// Answers a `Pull` with a page of the user's inbox.
    async fn pull(self, pull: Pull) {
        let limit = match pull.limit as usize {
            0 => DEFAULT_PULL_LIMIT,
            n => n.min(MAX_PULL_LIMIT),
        };
        let pulled = self
            .state
            .store
            .pull(
                self.identity.app_key.clone(),
                self.identity.user_id.clone(),
                pull.after_seq,
                limit,
            )
            .await;
        match pulled {
            Ok(page) => {
                self.reply(Body::Delivery(Delivery {
                    messages: page.messages,
                    pull_request_id: pull.request_id,
                    has_more: page.has_more,
                }))
                .await
            }
            Err(e) => {
                tracing::error!(error = %e, "pulling an inbox failed");
                let _ = self
                    .queue
                    .send(Outgoing::close(
                        codes::SERVER_UNAVAILABLE,
                        1011,
                        "storage unavailable".into(),
                    ))
                    .await;
            }
        }
    }

    /// Queues a `SendAck`.
    async fn send_ack(&self, request_id: u64, code: i32, message_uid: String, sent_time: i64) {
        self.reply(Body::SendAck(SendAck {
            request_id,
            code,
            message_uid,
            sent_time,
        }))
        .await
    }

    /// Queues a reply; if the connection is gone there is nobody to answer.
    async fn reply(&self, body: Body) {
        let _ = self.queue.send(Outgoing::frame(body)).await;
    }
}
