//! The session as a state machine: a frame, a command or a timer in, [`Action`]s out.
//!
//! [`Machine`] owns the inbox cursor, the group cursors, the request table, the sends awaiting their
//! acknowledgement and the keep-alive state, and does no I/O, so each domain's handler
//! (`delivery`, `groups`, `sends`, `requests`, `sync`) is unit-tested without a socket. The session loop
//! carries the actions out in order; a database step ([`Job`]) runs before anything after it,
//! and its outcome ([`Done`]) goes back to [`Machine::on_done`], whose actions come next.

use super::groups::HeadsSync;
use super::jobs::{Done, Job};
use super::requests::Waiting;
use super::sends::PendingSend;
use super::{Command, End};
use crate::error::{ImError, ImResult, code};
use crate::events::Event;
use crate::log::Logger;
use crate::message::Message;
use crate::net::groups::GroupCursors;
use crate::net::heartbeat::{Beat, Heartbeat};
use crate::net::inbox::InboxCursor;
use crate::time::now_ms;
use improto::{Body, Ping, Pong, Response};
use std::collections::{HashMap, VecDeque};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// One thing the session loop does for the machine.
pub(super) enum Action {
    /// Write a frame to the server.
    Write(Body),
    /// Run a database step in place; its outcome goes back to [`Machine::on_done`].
    Run(Job),
    /// Tell the host.
    Emit(Event),
    /// Answer an API call's request with the server's response.
    Answer(oneshot::Sender<Response>, Response),
    /// Answer a send with the message as stored, or the refusal.
    AnswerSend(oneshot::Sender<ImResult<Message>>, ImResult<Message>),
    /// End the session.
    End(End),
}

/// Actions in the order they are carried out.
pub(super) type Actions = Vec<Action>;

/// The ending of a session whose database step `what` failed.
pub(super) fn lost(what: &str, e: ImError) -> Actions {
    vec![Action::End(End::Lost(format!("{what}: {e}")))]
}

/// Ends the session on a frame no honest server sends (`what` says which); the engine reports
/// the loss and reconnects.
pub(super) fn violation(what: String) -> Actions {
    vec![Action::End(End::Lost(format!(
        "protocol violation ({}): {what}",
        code::PROTOCOL_VIOLATION
    )))]
}

/// The state of one connection's session.
pub(super) struct Machine {
    pub(super) cursor: InboxCursor,
    /// One cursor per group stream.
    pub(super) groups: GroupCursors,
    /// How far the reading of the group heads after the inbox catch-up is.
    pub(super) heads: HeadsSync,
    /// Requests waiting for their response, by request id.
    pub(super) requests: HashMap<u64, Waiting>,
    /// Sends waiting for their acknowledgement, by request id.
    pub(super) sends: HashMap<u64, PendingSend>,
    /// Idempotency keys of the latest unpersisted messages sent from here, whose own inbox
    /// entries (echoed back by the server) are not announced again.
    pub(super) recent_transient: VecDeque<String>,
    next_request: u64,
    pub(super) offline_finished: bool,
    /// The database held no inbox cursor and no server message when the session started.
    pub(super) started_empty: bool,
    /// Highest sequence committed to the local database.
    pub(super) stored: u64,
    /// Highest sequence acknowledged to the server.
    pub(super) acked: u64,
    heartbeat: Heartbeat,
    pub(super) log: Logger,
}

impl Machine {
    /// A machine at the stored inbox sequence, knowing the server holds up to `server_seq`, and
    /// at the stored group cursors; `keepalive` is the heartbeat interval and timeout.
    pub(super) fn new(
        stored: u64,
        server_seq: u64,
        group_cursors: HashMap<String, u64>,
        started_empty: bool,
        keepalive: (Duration, Duration),
        log: Logger,
    ) -> Machine {
        Machine {
            cursor: InboxCursor::new(stored, server_seq),
            groups: GroupCursors::new(group_cursors),
            heads: HeadsSync::NotAsked,
            requests: HashMap::new(),
            sends: HashMap::new(),
            recent_transient: VecDeque::new(),
            next_request: 1,
            offline_finished: false,
            started_empty,
            stored,
            acked: stored,
            heartbeat: Heartbeat::new(keepalive.0, keepalive.1, Instant::now()),
            log,
        }
    }

    /// The session's first steps: the offline pull, or the groups' catch-up when the
    /// inbox misses nothing.
    pub(super) fn start(&mut self) -> Actions {
        let actions = match self.cursor.start() {
            Some(after) => vec![self.pull(after)],
            None => self.catch_up(),
        };
        self.heartbeat.heard();
        actions
    }

    /// A frame from the server.
    pub(super) fn on_frame(&mut self, body: Body) -> Actions {
        self.heartbeat.heard();
        match body {
            Body::SendAck(ack) => self.on_send_ack(ack),
            Body::Response(response) => self.on_response(response),
            Body::ConversationStatuses(pushed) => {
                self.apply_statuses(pushed.statuses, super::sync::StatusNews::Pushed)
            }
            Body::Delivery(delivery) => self.on_delivery(delivery),
            Body::Ping(Ping { nonce }) => vec![Action::Write(Body::Pong(Pong { nonce }))],
            Body::Pong(_) => Vec::new(),
            Body::Close(close) => vec![Action::End(End::ClosedByServer(close.code, close.reason))],
            other => {
                let shown: String = format!("{other:?}").chars().take(80).collect();
                violation(format!("unexpected frame {shown}"))
            }
        }
    }

    /// Something other than a frame came from the server (a WebSocket control frame).
    pub(super) fn heard(&mut self) {
        self.heartbeat.heard();
    }

    /// A request from the API.
    pub(super) fn on_command(&mut self, command: Command) -> Actions {
        match command {
            Command::Send {
                send,
                outgoing,
                persisted,
                reply,
            } => self.on_send(send, outgoing, persisted, reply),
            Command::Request { body, reply } => vec![self.request(body, Waiting::Caller(reply))],
        }
    }

    /// The acknowledgement timer: acknowledges whatever is stored and not yet acknowledged.
    pub(super) fn on_ack_tick(&mut self) -> Actions {
        self.acknowledge(0).into_iter().collect()
    }

    /// When [`Machine::on_heartbeat`] has something to decide.
    pub(super) fn heartbeat_deadline(&self) -> Instant {
        self.heartbeat.deadline()
    }

    /// The keep-alive at `now`: a ping after a quiet interval, the end when it went unanswered.
    pub(super) fn on_heartbeat(&mut self, now: Instant) -> Actions {
        match self.heartbeat.check(now) {
            Beat::Wait => Vec::new(),
            Beat::Ping => vec![Action::Write(Body::Ping(Ping {
                nonce: now_ms() as u64,
            }))],
            Beat::Dead => vec![Action::End(End::Lost("no answer to ping".into()))],
        }
    }

    /// The outcome of a database step the machine asked for.
    pub(super) fn on_done(&mut self, done: Done) -> Actions {
        match done {
            Done::Deliveries { last, stored } => self.on_deliveries_stored(last, stored),
            Done::GroupDeliveries(stored) => self.on_group_deliveries_stored(stored),
            Done::Sent { reply, stored } => vec![Action::AnswerSend(reply, stored)],
            Done::PullMark(read) => self.on_pull_mark(read),
            Done::PendingStatuses(read) => self.on_pending_statuses(read),
            Done::StatusCursor(read) => self.on_status_cursor(read),
            Done::ConversationList(stored) => match stored {
                Ok(()) => Vec::new(),
                Err(e) => lost("storing conversations", e),
            },
            Done::Statuses {
                applied,
                announce,
                more,
            } => self.on_statuses_applied(applied, announce, more),
            Done::SettledStatus(stored) => match stored {
                Ok(()) => Vec::new(),
                Err(e) => lost("storing conversation statuses", e),
            },
        }
    }

    /// A fresh request id (sends, requests and pulls share them).
    pub(super) fn next_request_id(&mut self) -> u64 {
        let id = self.next_request;
        self.next_request += 1;
        id
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::enums::LogLevel;
    use std::time::Duration;

    /// A machine at `stored`, the server at `server_seq`, not a new device.
    pub(in crate::session) fn machine(stored: u64, server_seq: u64) -> Machine {
        let second = Duration::from_secs(1);
        let log = Logger::new(LogLevel::None, None);
        let keepalive = (15 * second, 15 * second);
        Machine::new(stored, server_seq, HashMap::new(), false, keepalive, log)
    }

    #[test]
    fn a_server_close_ends_the_session_with_its_code() {
        let mut m = machine(0, 0);
        let close = Body::Close(improto::Close {
            code: 31010,
            reason: "kicked".into(),
        });
        let actions = m.on_frame(close);
        assert!(matches!(
            actions.as_slice(),
            [Action::End(End::ClosedByServer(31010, reason))] if reason == "kicked"
        ));
    }

    #[test]
    fn a_ping_is_answered_and_silence_ends_the_session() {
        let mut m = machine(0, 0);
        let t0 = Instant::now();
        let actions = m.on_frame(Body::Ping(Ping { nonce: 7 }));
        assert!(matches!(
            actions.as_slice(),
            [Action::Write(Body::Pong(Pong { nonce: 7 }))]
        ));
        let s = Duration::from_secs(1);
        assert!(matches!(
            m.on_heartbeat(t0 + 15 * s).as_slice(),
            [Action::Write(Body::Ping(_))]
        ));
        assert!(matches!(
            m.on_heartbeat(t0 + 30 * s).as_slice(),
            [Action::End(End::Lost(_))]
        ));
    }
}
