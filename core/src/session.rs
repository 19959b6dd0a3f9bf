//! One authenticated connection: sends, acknowledgements, pushes, pulls and keep-alive.

mod sync;

use sync::StatusNews;
pub(crate) use sync::synced_from_wire;

use crate::enums::ConversationType;
use crate::error::{ImError, ImResult};
use crate::events::{Event, EventSender};
use crate::log::Logger;
use crate::message::Message;
use crate::net::heartbeat::{Beat, Heartbeat};
use crate::net::inbox::{InboxCursor, Plan};
use crate::net::transport::{self, Incoming, Socket};
use crate::store::{self, IncomingMessage, OutgoingMessage, Store};
use crate::time::now_ms;
use futures_util::StreamExt;
use improto::{Ack, Body, Delivery, InboxMessage, Ping, Pong, Pull, Response, SendAck};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

/// Acknowledgements are batched: at most one `Ack` per this interval…
const ACK_INTERVAL: Duration = Duration::from_millis(200);
/// …unless this many stored entries are still unacknowledged.
const ACK_BATCH: u64 = 256;
/// Entries asked for per pull.
const PULL_PAGE: u32 = 500;
/// Idempotency keys of the latest unpersisted messages sent from here, whose own inbox entries
/// (echoed back by the server) are not announced again.
const RECENT_TRANSIENT: usize = 256;

/// A request from the API to the running session.
pub(crate) enum Command {
    /// Send `outgoing` as `send`; once the server acknowledged it, the session stores it (before
    /// reading the next frame, so the server's echo of it is recognised) and answers on `reply`
    /// with the stored message, or with the server's refusal code.
    Send {
        send: improto::Send,
        outgoing: Box<OutgoingMessage>,
        persisted: bool,
        reply: oneshot::Sender<ImResult<Message>>,
    },
    /// Send a request; the server's response comes back on `reply`.
    Request {
        body: improto::request::Body,
        reply: oneshot::Sender<Response>,
    },
}

/// What a session works with besides its socket.
pub(crate) struct SessionContext {
    pub store: Store,
    pub events: EventSender,
    pub log: Logger,
    /// Heartbeat interval and timeout.
    pub keepalive: (Duration, Duration),
    /// The authenticated user.
    pub user_id: String,
}

/// Conversations fetched from the server when the local database starts empty (new device or
/// recovered database).
const CONVERSATION_SYNC_COUNT: u32 = improto::limits::MAX_CONVERSATION_COUNT as u32;

/// Who waits for the response to a request.
enum Waiting {
    /// An API call.
    Caller(oneshot::Sender<Response>),
    /// The session itself: the conversation list for an empty database, asked for once the
    /// offline pull had stored messages sent up to `pulled_through`.
    ConversationSync { pulled_through: i64 },
    /// The session itself: a page of the conversation status changes made since this device
    /// last caught up.
    StatusSync,
    /// The session itself: the answer to a status changed here while offline.
    OwnStatus(ConversationType, String),
}

/// A send waiting for its acknowledgement.
struct PendingSend {
    outgoing: Box<OutgoingMessage>,
    persisted: bool,
    reply: oneshot::Sender<ImResult<Message>>,
}

/// Why a session ended.
#[derive(Debug)]
pub(crate) enum End {
    /// The server closed it with a seed status code.
    ClosedByServer(i32, String),
    /// The network or the database failed.
    Lost(String),
    /// The engine dropped the command channel (disconnect).
    Stopped,
}

/// The state of a running session.
pub(crate) struct Session {
    socket: Socket,
    commands: mpsc::Receiver<Command>,
    store: Store,
    cursor: InboxCursor,
    events: EventSender,
    log: Logger,
    user_id: String,
    pending: HashMap<u64, PendingSend>,
    requests: HashMap<u64, Waiting>,
    recent_transient: VecDeque<String>,
    next_request: u64,
    offline_finished: bool,
    /// The database held no inbox cursor and no server message when the session started.
    started_empty: bool,
    /// Highest sequence committed to the local database.
    stored: u64,
    /// Highest sequence acknowledged to the server.
    acked: u64,
    /// Heartbeat interval and timeout.
    keepalive: (Duration, Duration),
}

impl Session {
    /// A session over an authenticated `socket`, syncing from the store's cursor.
    pub(crate) async fn new(
        socket: Socket,
        commands: mpsc::Receiver<Command>,
        server_seq: u64,
        context: SessionContext,
    ) -> ImResult<Session> {
        let SessionContext {
            store,
            events,
            log,
            keepalive,
            user_id,
        } = context;
        let (stored, holds_nothing) = store
            .call(|conn| {
                let seq = store::received::inbox_seq(conn)?;
                Ok((seq, store::received::holds_no_server_message(conn)?))
            })
            .await?;
        Ok(Session {
            socket,
            commands,
            store,
            cursor: InboxCursor::new(stored, server_seq),
            events,
            log,
            user_id,
            pending: HashMap::new(),
            requests: HashMap::new(),
            recent_transient: VecDeque::with_capacity(RECENT_TRANSIENT),
            next_request: 1,
            offline_finished: false,
            started_empty: stored == 0 && holds_nothing,
            stored,
            acked: stored,
            keepalive,
        })
    }

    /// Runs until the connection ends.
    pub(crate) async fn run(mut self) -> End {
        let started = match self.cursor.start() {
            Some(after) => self.pull(after).await,
            None => self.finish_offline_pull().await,
        };
        if let Err(end) = started {
            return end;
        }
        let mut heartbeat = Heartbeat::new(self.keepalive.0, self.keepalive.1, Instant::now());
        let mut ack = interval(ACK_INTERVAL);
        ack.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let step = tokio::select! {
                read = self.socket.next() => match transport::interpret(read) {
                    Incoming::Frame(body) => {
                        heartbeat.heard(Instant::now());
                        self.on_frame(body).await
                    }
                    Incoming::Nothing => {
                        heartbeat.heard(Instant::now());
                        Ok(())
                    }
                    Incoming::Closed(reason) => Err(End::Lost(reason)),
                },
                command = self.commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => Err(End::Stopped),
                },
                _ = ack.tick() => self.acknowledge(0).await,
                _ = sleep_until(heartbeat.deadline()) => match heartbeat.check(Instant::now()) {
                    Beat::Wait => Ok(()),
                    Beat::Ping => self.write(Body::Ping(Ping { nonce: now_ms() as u64 })).await,
                    Beat::Dead => Err(End::Lost("no answer to ping".into())),
                },
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    async fn write(&mut self, body: Body) -> Result<(), End> {
        transport::send(&mut self.socket, body)
            .await
            .map_err(|e| End::Lost(e.message))
    }

    fn next_request_id(&mut self) -> u64 {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    async fn on_command(&mut self, command: Command) -> Result<(), End> {
        match command {
            Command::Send {
                mut send,
                outgoing,
                persisted,
                reply,
            } => {
                send.request_id = self.next_request_id();
                let pending = PendingSend {
                    outgoing,
                    persisted,
                    reply,
                };
                self.pending.insert(send.request_id, pending);
                self.write(Body::Send(send)).await
            }
            Command::Request { body, reply } => self.request(body, Waiting::Caller(reply)).await,
        }
    }

    async fn request(&mut self, body: improto::request::Body, waiting: Waiting) -> Result<(), End> {
        let request_id = self.next_request_id();
        self.requests.insert(request_id, waiting);
        self.write(Body::Request(improto::Request {
            request_id,
            body: Some(body),
        }))
        .await
    }

    async fn on_response(&mut self, response: Response) -> Result<(), End> {
        match self.requests.remove(&response.request_id) {
            Some(Waiting::Caller(reply)) => {
                let _ = reply.send(response);
            }
            Some(Waiting::ConversationSync { pulled_through }) => {
                let Some(improto::response::Body::ConversationList(list)) = response.body else {
                    self.log.warn(format!(
                        "conversation list sync refused with {}",
                        response.code
                    ));
                    return Ok(());
                };
                self.store_conversation_list(list, pulled_through)?;
            }
            Some(Waiting::StatusSync) => {
                let Some(improto::response::Body::ConversationStatuses(page)) = response.body
                else {
                    self.log.warn(format!(
                        "conversation status sync refused with {}",
                        response.code
                    ));
                    return Ok(());
                };
                let has_more = page.has_more;
                self.apply_statuses(page.statuses, StatusNews::CaughtUp)?;
                if has_more {
                    self.catch_up_statuses().await?;
                }
            }
            Some(Waiting::OwnStatus(kind, target_id)) => {
                self.on_own_status(kind, &target_id, response)?;
            }
            None => {}
        }
        Ok(())
    }

    /// Stores an acknowledged message in place (so that its echo, which follows, is known) and
    /// answers the sender.
    fn on_send_ack(&mut self, ack: SendAck) {
        let Some(pending) = self.pending.remove(&ack.request_id) else {
            return;
        };
        let result = if ack.code != 0 {
            Err(ImError::new(ack.code, "the server refused the message"))
        } else if !pending.persisted {
            if self.recent_transient.len() == RECENT_TRANSIENT {
                self.recent_transient.pop_front();
            }
            self.recent_transient
                .push_back(pending.outgoing.client_message_id.clone());
            Ok(transient_message(&pending.outgoing, &ack))
        } else {
            let stored = self.store.call_here(|conn| {
                store::sent::store_sent(conn, &pending.outgoing, &ack.message_uid, ack.sent_time)
            });
            self.store.index_soon();
            stored
        };
        let _ = pending.reply.send(result);
    }

    async fn on_frame(&mut self, body: Body) -> Result<(), End> {
        match body {
            Body::SendAck(ack) => {
                self.on_send_ack(ack);
                Ok(())
            }
            Body::Response(response) => self.on_response(response).await,
            Body::ConversationStatuses(pushed) => {
                self.apply_statuses(pushed.statuses, StatusNews::Pushed)
            }
            Body::Delivery(delivery) => self.on_delivery(delivery).await,
            Body::Ping(Ping { nonce }) => self.write(Body::Pong(Pong { nonce })).await,
            Body::Pong(_) => Ok(()),
            Body::Close(close) => Err(End::ClosedByServer(close.code, close.reason)),
            other => {
                self.log
                    .warn(format!("ignoring unexpected frame {other:?}"));
                Ok(())
            }
        }
    }

    async fn on_delivery(&mut self, delivery: Delivery) -> Result<(), End> {
        let is_pull = delivery.pull_request_id != 0;
        let plan = if is_pull {
            self.cursor
                .on_pull_answer(delivery.messages, delivery.has_more)
        } else {
            self.cursor.on_push(delivery.messages)
        };
        self.apply(plan, is_pull).await?;
        if !self.offline_finished && self.cursor.caught_up() {
            self.finish_offline_pull().await?;
        }
        Ok(())
    }

    async fn apply(&mut self, plan: Plan, offline: bool) -> Result<(), End> {
        // The next page is asked for before this one is stored, so that the server reads it
        // while this thread writes (the cursor already points past this page).
        if let Some(after) = plan.pull_after {
            self.pull(after).await?;
        }
        if let Some(last) = plan.up_to {
            let batch: Vec<IncomingMessage> = plan
                .store
                .into_iter()
                .filter_map(|m| self.incoming(m))
                .collect();
            // Committed in place on this network thread; listeners hear of each message
            // right after its commit.
            let me = self.user_id.as_str();
            let stored = self
                .store
                .call_here(|conn| {
                    store::received::store_incoming(conn, &batch, last, offline, now_ms(), me)
                })
                .map_err(|e| End::Lost(format!("storing messages: {e}")))?;
            for message in stored {
                self.events.emit(Event::Message { message });
            }
            if !offline {
                self.store.index_soon();
            }
            self.cursor.committed(last);
            self.stored = last;
            self.acknowledge(ACK_BATCH).await?;
        }
        Ok(())
    }

    /// Acknowledges what is stored once more than `threshold` entries wait for it.
    async fn acknowledge(&mut self, threshold: u64) -> Result<(), End> {
        if self.stored > self.acked + threshold {
            self.acked = self.stored;
            self.write(Body::Ack(Ack { seq: self.stored })).await?;
        }
        Ok(())
    }

    async fn pull(&mut self, after_seq: u64) -> Result<(), End> {
        let request_id = self.next_request_id();
        self.log
            .debug(format!("pulling inbox after seq {after_seq}"));
        self.write(Body::Pull(Pull {
            request_id,
            after_seq,
            limit: PULL_PAGE,
        }))
        .await
    }

    /// The entry to store, or `None` for an unknown conversation type or the echo of an
    /// unpersisted message sent from here.
    fn incoming(&self, m: InboxMessage) -> Option<IncomingMessage> {
        if !m.persisted && self.recent_transient.contains(&m.client_message_id) {
            return None;
        }
        let seq = m.seq;
        let incoming = incoming_from_wire(m);
        if incoming.is_none() {
            self.log.warn(format!(
                "skipping inbox entry {seq} of unknown conversation type"
            ));
        }
        incoming
    }
}

/// A message from the server as the store takes it; `None` for an unknown conversation type.
pub(crate) fn incoming_from_wire(m: InboxMessage) -> Option<IncomingMessage> {
    Some(IncomingMessage {
        conversation_type: ConversationType::try_from(m.conversation_type).ok()?,
        message_uid: m.message_uid,
        target_id: m.target_id,
        sender_user_id: m.sender_user_id,
        object_name: m.object_name,
        content: m.content,
        sent_time: m.sent_time,
        persisted: m.persisted,
        counted: m.counted,
        client_message_id: m.client_message_id,
    })
}

/// The message a sender gets for an acknowledged unpersisted send (not stored, id 0).
fn transient_message(m: &OutgoingMessage, ack: &SendAck) -> Message {
    Message {
        conversation_type: m.conversation_type,
        target_id: m.target_id.clone(),
        sender_user_id: m.sender_user_id.clone(),
        content: crate::message::Content::from_json(&m.content),
        message_type: crate::message_types::message_type_name(&m.object_name),
        object_name: m.object_name.clone(),
        message_id: 0,
        message_uid: ack.message_uid.clone(),
        message_direction: crate::enums::MessageDirection::Send,
        offline_message: false,
        sent_status: crate::enums::SentStatus::Sent,
        sent_time: ack.sent_time,
        received_status: 0,
        received_time: 0,
    }
}
