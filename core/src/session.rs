//! One authenticated connection: sends, acknowledgements, pushes, pulls and keep-alive.

use crate::enums::ConversationType;
use crate::events::{Event, EventSender};
use crate::log::Logger;
use crate::net::heartbeat::{Beat, Heartbeat};
use crate::net::inbox::{InboxCursor, Plan};
use crate::net::transport::{self, Incoming, Socket};
use crate::store::{self, IncomingMessage, Store};
use crate::time::now_ms;
use futures_util::StreamExt;
use improto::{Ack, Body, Delivery, InboxMessage, Ping, Pong, Pull, SendAck};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

/// Acknowledgements are batched: at most one `Ack` per this interval…
const ACK_INTERVAL: Duration = Duration::from_millis(200);
/// …unless this many stored entries are still unacknowledged.
const ACK_BATCH: u64 = 256;
/// Entries asked for per pull.
const PULL_PAGE: u32 = 500;

/// A request from the API to the running session.
pub(crate) enum Command {
    /// Send a message; the server's acknowledgement comes back on `reply`.
    Send {
        send: improto::Send,
        reply: oneshot::Sender<SendAck>,
    },
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
    pending: HashMap<u64, oneshot::Sender<SendAck>>,
    next_request: u64,
    offline_finished: bool,
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
        store: Store,
        server_seq: u64,
        events: EventSender,
        log: Logger,
        keepalive: (Duration, Duration),
    ) -> crate::error::ImResult<Session> {
        let stored = store.call(|conn| store::messages::inbox_seq(conn)).await?;
        Ok(Session {
            socket,
            commands,
            store,
            cursor: InboxCursor::new(stored, server_seq),
            events,
            log,
            pending: HashMap::new(),
            next_request: 1,
            offline_finished: false,
            stored,
            acked: stored,
            keepalive,
        })
    }

    /// Runs until the connection ends.
    pub(crate) async fn run(mut self) -> End {
        match self.cursor.start() {
            Some(after) => {
                if let Err(end) = self.pull(after).await {
                    return end;
                }
            }
            None => self.finish_offline_pull(),
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

    async fn on_command(&mut self, command: Command) -> Result<(), End> {
        match command {
            Command::Send { mut send, reply } => {
                send.request_id = self.next_request;
                self.next_request += 1;
                self.pending.insert(send.request_id, reply);
                self.write(Body::Send(send)).await
            }
        }
    }

    async fn on_frame(&mut self, body: Body) -> Result<(), End> {
        match body {
            Body::SendAck(ack) => {
                if let Some(reply) = self.pending.remove(&ack.request_id) {
                    let _ = reply.send(ack);
                }
                Ok(())
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
            self.finish_offline_pull();
        }
        Ok(())
    }

    async fn apply(&mut self, plan: Plan, offline: bool) -> Result<(), End> {
        if let Some(last) = plan.store.last().map(|m| m.seq) {
            let batch: Vec<IncomingMessage> = plan
                .store
                .into_iter()
                .filter_map(|m| self.incoming(m))
                .collect();
            // Committed in place on this network thread; listeners hear of each message
            // right after its commit.
            let stored = self
                .store
                .call_here(|conn| {
                    store::messages::store_incoming(conn, &batch, last, offline, now_ms())
                })
                .map_err(|e| End::Lost(format!("storing messages: {e}")))?;
            for message in stored {
                self.events.emit(Event::Message { message });
            }
            self.cursor.committed(last);
            self.stored = last;
            self.acknowledge(ACK_BATCH).await?;
        }
        if let Some(after) = plan.pull_after {
            self.pull(after).await?;
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
        let request_id = self.next_request;
        self.next_request += 1;
        self.log
            .debug(format!("pulling inbox after seq {after_seq}"));
        self.write(Body::Pull(Pull {
            request_id,
            after_seq,
            limit: PULL_PAGE,
        }))
        .await
    }

    fn finish_offline_pull(&mut self) {
        self.offline_finished = true;
        self.events.emit(Event::PullOfflineFinished);
    }

    fn incoming(&self, m: InboxMessage) -> Option<IncomingMessage> {
        let conversation_type = match ConversationType::try_from(m.conversation_type) {
            Ok(t) => t,
            Err(_) => {
                self.log.warn(format!(
                    "skipping inbox entry {} of unknown conversation type",
                    m.seq
                ));
                return None;
            }
        };
        Some(IncomingMessage {
            message_uid: m.message_uid,
            conversation_type,
            target_id: m.target_id,
            sender_user_id: m.sender_user_id,
            object_name: m.object_name,
            content: m.content,
            sent_time: m.sent_time,
            persisted: m.persisted,
        })
    }
}
