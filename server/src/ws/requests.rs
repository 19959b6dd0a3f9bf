//! Frames of an authenticated connection: `Send`, `Pull`, `Ping`, and `Request`s (answered in
//! [`queries`]; the session keeps `Ack`s).
//!
//! A `Send` is queued to the store in frame order (a group's first use waits for its members
//! to load; its sends keep their order) and completed on the writer thread right
//! after its commit (push to the recipients, `SendAck`, push of the sender's own entry); other
//! storage work runs in its own task. Either way the caller's permit bounds a connection's
//! requests in flight, so a connection can have several sends in one group commit; replies go
//! through the outbox. Handling a frame never waits (the session loop must keep running):
//! a reply that finds no room in the outbox is queued by a task holding the permit.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use improto::{Body, Delivery, InboxMessage, Pong, Pull, Response, SendAck};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::codes;
use super::handshake::Identity;
use super::outbox::Outbox;
use super::queries;
use super::session::End;
use super::validate::check_send;
use crate::groups::{self, send::GroupSend};
use crate::hub::Hub;
use crate::state::ServerState;
use crate::store::{NewEntries, NewMessage, SendOutcome, StoreError};
use improto::kinds::conversation_type::GROUP;

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
    pub queue: Outbox,
    /// The hub's id of the connection (see
    /// [`Registration::connection_id`](crate::hub::Registration::connection_id)).
    pub connection: u64,
    /// One permit per answer the connection may have in preparation (pull pages, request
    /// answers), held until the answer is queued.
    pub answers: Arc<Semaphore>,
}

impl Request {
    /// Handles one frame without waiting; `Err` ends the connection. A `Pull` or `Ping` is
    /// answered no sooner than `delay` from now (its budget's verdict).
    pub fn handle(
        self,
        body: Body,
        delay: Duration,
        permit: OwnedSemaphorePermit,
    ) -> Result<(), End> {
        match body {
            Body::Send(send) => self.send(send, permit),
            Body::Pull(pull) => {
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    self.pull(pull).await;
                    drop(permit);
                });
            }
            // The session keeps acks itself (see `acks`); none reach here.
            Body::Ack(_) => {}
            Body::Ping(ping) => {
                let pong = Body::Pong(Pong { nonce: ping.nonce });
                if delay.is_zero() {
                    self.queue.reply_later(pong, permit);
                } else {
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        self.queue.reply(pong).await;
                        drop(permit);
                    });
                }
            }
            Body::Pong(_) => {}
            Body::Close(close) => {
                return Err(End::PeerGone(format!(
                    "client sent Close {}: {}",
                    close.code, close.reason
                )));
            }
            Body::Connect(_) => return Err(End::protocol_violation("already connected")),
            Body::Request(request) => {
                let asker = queries::Asker {
                    identity: &self.identity,
                    connection: self.connection,
                    queue: self.queue,
                    answers: self.answers,
                    max_statuses: self.state.session.statuses_per_user,
                };
                queries::answer(&self.state.store, &self.state.hub, asker, request, permit);
            }
            Body::ConnectAck(_)
            | Body::SendAck(_)
            | Body::Delivery(_)
            | Body::Response(_)
            | Body::ConversationStatuses(_) => {
                return Err(End::protocol_violation("server-only frame received"));
            }
        }
        Ok(())
    }

    /// Validates a message and queues it for storage, in frame order. Right after its commit,
    /// on the writer thread, the message is pushed to its recipients, the `SendAck` queued, then
    /// the sender's own entry pushed to every connection of the sender (on this one after the
    /// `SendAck`), so nothing waits for a task to wake up. An invalid message is answered at
    /// once. A group message goes through [`groups::send`] (checked against the group
    /// directory, which a group's first use loads; sends to one group keep their frame order).
    fn send(self, send: improto::Send, permit: OwnedSemaphorePermit) {
        let request_id = send.request_id;
        let handling = match check_send(&send) {
            Ok(handling) => handling,
            Err(code) => return refuse_send(&self.queue, request_id, code, permit),
        };
        let is_group = send.conversation_type == GROUP;
        let message = NewMessage {
            app_key: self.identity.app_key.clone(),
            sender_id: self.identity.user_id.clone(),
            conversation_type: send.conversation_type,
            recipients: if is_group {
                Vec::new()
            } else {
                vec![send.target_id.clone()]
            },
            target_id: send.target_id,
            object_name: send.object_name,
            content: send.content,
            client_message_id: send.client_message_id,
            persisted: handling.persisted,
            counted: handling.counted,
            max_conversations: self.state.session.conversations_per_user,
        };
        let reply = SendReply {
            hub: self.state.hub.clone(),
            identity: self.identity,
            connection: self.connection,
            queue: self.queue,
            runtime: tokio::runtime::Handle::current(),
            permit,
            request_id,
        };
        if is_group {
            let group_send = GroupSend {
                message,
                directed: send.directed_user_ids,
                include_sender: true,
                sender_must_be_member: true,
            };
            let done = Box::new(
                move |outcome: Result<SendOutcome, i32>, own| match outcome {
                    Ok(outcome) => reply.send(
                        codes::OK,
                        outcome.message_uid().to_owned(),
                        outcome.sent_time(),
                        own,
                    ),
                    Err(code) => reply.send(code, String::new(), 0, None),
                },
            );
            return groups::send::send(&self.state, group_send, done);
        }
        let hub = reply.hub.clone();
        let complete = Box::new(
            move |outcome: Result<SendOutcome, StoreError>| match outcome {
                Ok(SendOutcome::Stored(entries)) => {
                    let NewEntries {
                        recipients,
                        own_entry,
                    } = *entries;
                    let deliveries = recipients
                        .into_iter()
                        .map(|r| (r.user_id, delivery_frame(r.entry)));
                    hub.push_each(&reply.identity.app_key, deliveries);
                    let (message_uid, sent_time) =
                        (own_entry.message_uid.clone(), own_entry.sent_time);
                    reply.send(
                        codes::OK,
                        message_uid,
                        sent_time,
                        Some(delivery_frame(own_entry)),
                    );
                }
                Ok(SendOutcome::Duplicate {
                    message_uid,
                    sent_time,
                }) => reply.send(codes::OK, message_uid, sent_time, None),
                Err(StoreError::QuotaExceeded(what)) => {
                    tracing::info!(what, "refusing a send over the user's quota");
                    reply.send(codes::QUOTA_EXCEEDED, String::new(), 0, None);
                }
                Err(e) => {
                    tracing::error!(error = %e, "storing a message failed");
                    reply.send(codes::SIGNAL_FAILED, String::new(), 0, None);
                }
            },
        );
        self.state.store.send_message_then(message, complete);
    }

    /// Answers a `Pull` with a page of the user's inbox, once no more than
    /// [`Request::answers`] allows are being prepared.
    async fn pull(self, pull: Pull) {
        let Ok(_preparing) = self.answers.clone().acquire_owned().await else {
            return;
        };
        let limit = match pull.limit as usize {
            0 => DEFAULT_PULL_LIMIT,
            n => n.min(MAX_PULL_LIMIT),
        };
        if !pull.group_id.is_empty() {
            return self.pull_group(pull, limit).await;
        }
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
                // If the connection is gone there is nobody to answer.
                self.queue
                    .reply(Body::Delivery(Delivery {
                        messages: page.messages,
                        pull_request_id: pull.request_id,
                        has_more: page.has_more,
                        ..Default::default()
                    }))
                    .await;
            }
            Err(e) => {
                tracing::error!(error = %e, "pulling an inbox failed");
                let reason = "storage unavailable".into();
                self.queue.close(codes::SIGNAL_FAILED, 1011, reason).await;
            }
        }
    }
}

impl Request {
    /// Answers a `Pull` of a group's stream: a `Delivery` with the group's page and
    /// `through_seq`, or a `Response` with the pull's id and 22406 for a user who never was a
    /// member (33003 for a malformed group id).
    async fn pull_group(self, pull: Pull, limit: usize) {
        let refuse = |code| {
            Body::Response(Response {
                request_id: pull.request_id,
                code,
                body: None,
            })
        };
        if !improto::ids::is_valid(&pull.group_id) {
            self.queue.reply(refuse(codes::INVALID_PARAMETER)).await;
            return;
        }
        let pulled = self
            .state
            .store
            .pull_group(
                self.identity.app_key.clone(),
                self.identity.user_id.clone(),
                pull.group_id.clone(),
                pull.after_seq,
                limit,
            )
            .await;
        let answer = match pulled {
            Ok(Some(page)) => Body::Delivery(Delivery {
                messages: page.messages,
                pull_request_id: pull.request_id,
                has_more: page.has_more,
                group_id: pull.group_id,
                through_seq: page.through_seq,
            }),
            Ok(None) => refuse(codes::NOT_IN_GROUP),
            Err(e) => {
                tracing::error!(error = %e, "pulling a group failed");
                refuse(codes::SIGNAL_FAILED)
            }
        };
        // If the connection is gone there is nobody to answer.
        self.queue.reply(answer).await;
    }
}

/// Where a `Send`'s answer goes: its `SendAck`, then the sender's own entry (on this
/// connection right after the ack, and on the sender's other connections).
struct SendReply {
    hub: Arc<Hub>,
    identity: Arc<Identity>,
    connection: u64,
    queue: Outbox,
    runtime: tokio::runtime::Handle,
    permit: OwnedSemaphorePermit,
    request_id: u64,
}

impl SendReply {
    /// Queues the `SendAck` and, if any, the sender's own frame `own`, without waiting.
    fn send(self, code: i32, message_uid: String, sent_time: i64, own: Option<Bytes>) {
        let ack = Bytes::from(improto::encode(Body::SendAck(SendAck {
            request_id: self.request_id,
            code,
            message_uid,
            sent_time,
        })));
        let own_here = own.clone();
        self.queue.queue_in_order(
            std::iter::once(ack).chain(own_here),
            self.permit,
            &self.runtime,
        );
        if let Some(own) = own {
            let (app_key, user_id) = (&self.identity.app_key, &self.identity.user_id);
            self.hub
                .push_to_others(app_key, user_id, self.connection, &own);
        }
    }
}

/// Answers a `Send` that is not stored with a `SendAck` carrying the refusal `code`, without
/// waiting, then releases `permit`; if the connection is gone there is nobody to answer.
pub fn refuse_send(queue: &Outbox, request_id: u64, code: i32, permit: OwnedSemaphorePermit) {
    let refusal = Body::SendAck(SendAck {
        request_id,
        code,
        ..SendAck::default()
    });
    queue.reply_later(refusal, permit);
}

/// Refuses `body`, a `Send` or a `Request`, with `code` in its answer (see [`refuse_send`]);
/// other frames have no answer to carry it.
pub fn refuse(queue: &Outbox, body: &Body, code: i32, permit: OwnedSemaphorePermit) {
    match body {
        Body::Send(send) => refuse_send(queue, send.request_id, code, permit),
        Body::Request(request) => {
            let refusal = Body::Response(Response {
                request_id: request.request_id,
                code,
                body: None,
            });
            queue.reply_later(refusal, permit);
        }
        _ => drop(permit),
    }
}

/// An encoded push of one inbox entry.
fn delivery_frame(entry: InboxMessage) -> Bytes {
    Bytes::from(improto::encode(Body::Delivery(Delivery {
        messages: vec![entry],
        ..Default::default()
    })))
}
