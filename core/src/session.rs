//! One authenticated connection: a loop that reads the socket, feeds the session's state
//! machine ([`machine::Machine`]: inbox and group deliveries, sends, requests, conversation sync, keep-alive)
//! and carries out what it decides: frames to write, database steps, events, answers.

mod delivery;
mod groups;
mod jobs;
mod machine;
mod requests;
mod sends;
mod sync;

pub(crate) use delivery::incoming_from_wire;
pub(crate) use sync::synced_from_wire;

use crate::error::ImResult;
use crate::events::EventSender;
use crate::log::Logger;
use crate::message::Message;
use crate::net::transport::{self, Incoming, Socket};
use crate::store::{self, OutgoingMessage, Store};
use delivery::ACK_INTERVAL;
use futures_util::StreamExt;
use improto::Response;
use machine::{Action, Actions, Machine};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, MissedTickBehavior, interval, sleep_until};

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

/// A running session: its socket, what it executes actions on, and its state machine.
pub(crate) struct Session {
    socket: Socket,
    commands: mpsc::Receiver<Command>,
    store: Store,
    events: EventSender,
    user_id: String,
    machine: Machine,
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
        let (stored, group_cursors, holds_nothing) = store
            .call(|conn| {
                let seq = store::received::inbox_seq(conn)?;
                let groups = store::received::group_cursors(conn)?;
                Ok((seq, groups, store::received::holds_no_server_message(conn)?))
            })
            .await?;
        let started_empty = stored == 0 && holds_nothing;
        Ok(Session {
            socket,
            commands,
            store,
            events,
            user_id,
            machine: Machine::new(
                stored,
                server_seq,
                group_cursors,
                started_empty,
                keepalive,
                log,
            ),
        })
    }

    /// Runs until the connection ends.
    pub(crate) async fn run(mut self) -> End {
        let started = self.machine.start();
        if let Err(end) = self.execute(started).await {
            return end;
        }
        let mut ack = interval(ACK_INTERVAL);
        ack.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let actions = tokio::select! {
                read = self.socket.next() => match transport::interpret(read) {
                    Incoming::Frame(body) => self.machine.on_frame(body),
                    Incoming::Nothing => {
                        self.machine.heard();
                        Vec::new()
                    }
                    Incoming::Closed(reason) => return End::Lost(reason),
                },
                command = self.commands.recv() => match command {
                    Some(command) => self.machine.on_command(command),
                    None => return End::Stopped,
                },
                _ = ack.tick() => self.machine.on_ack_tick(),
                _ = sleep_until(self.machine.heartbeat_deadline()) => {
                    self.machine.on_heartbeat(Instant::now())
                }
            };
            if let Err(end) = self.execute(actions).await {
                return end;
            }
        }
    }

    /// Carries out `actions` in order. A database step runs in place and its outcome goes back
    /// to the machine, whose actions come before the remaining ones.
    async fn execute(&mut self, actions: Actions) -> Result<(), End> {
        let mut queue = VecDeque::from(actions);
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Write(body) => transport::send(&mut self.socket, body)
                    .await
                    .map_err(|e| End::Lost(e.message))?,
                Action::Run(job) => {
                    let done = job.run(&self.store, &self.user_id);
                    for next in self.machine.on_done(done).into_iter().rev() {
                        queue.push_front(next);
                    }
                }
                Action::Emit(event) => self.events.emit(event),
                Action::Answer(reply, response) => {
                    let _ = reply.send(response);
                }
                Action::AnswerSend(reply, result) => {
                    let _ = reply.send(result);
                }
                Action::End(end) => return Err(end),
            }
        }
        Ok(())
    }
}
