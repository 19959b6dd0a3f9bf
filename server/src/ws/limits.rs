//! What one WebSocket connection may make the server hold or do, from the configuration: the
//! bytes queued for it, how long a write may stall, its request budgets, and the rows it may
//! make the server keep for its user.

use std::time::{Duration, Instant};

use improto::Body;

use super::codes;
use super::rate::Rate;
use crate::config::Config;

/// Per-connection limits, shared by every session.
#[derive(Debug, Clone)]
pub struct SessionLimits {
    /// Bytes of frames queued for one connection (`--max-outbox-bytes`).
    pub outbox_bytes: usize,
    /// Longest a write to the socket may make no progress before the connection is dropped
    /// (`--write-stall-timeout-ms`).
    pub write_stall: Duration,
    /// Sends a connection may make per second (0: no limit).
    pub sends_per_second: u32,
    /// `Request` frames a connection may make per second (0: no limit).
    pub requests_per_second: u32,
    /// `Pull` and `Ping` frames a connection may make per second (0: no limit).
    pub pulls_per_second: u32,
    /// Conversation statuses kept per user (`--max-statuses-per-user`).
    pub statuses_per_user: usize,
    /// Conversations a user's own sends may open in their list (`--max-conversations-per-user`).
    pub conversations_per_user: usize,
}

impl SessionLimits {
    /// The limits `config` sets.
    pub fn from_config(config: &Config) -> Self {
        SessionLimits {
            outbox_bytes: config.max_outbox_bytes,
            write_stall: Duration::from_millis(config.write_stall_timeout_ms.max(1)),
            sends_per_second: config.max_sends_per_second,
            requests_per_second: config.max_requests_per_second,
            pulls_per_second: config.max_pulls_per_second,
            statuses_per_user: config.max_statuses_per_user,
            conversations_per_user: config.max_conversations_per_user,
        }
    }
}

/// What a connection's budgets say about one frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it now.
    Now,
    /// Handle it once this much time has passed (the connection is slowed down).
    After(Duration),
    /// Refuse it with this status code.
    Refuse(i32),
}

/// One connection's budget of each request kind.
#[derive(Debug)]
pub struct Budgets {
    sends: Rate,
    requests: Rate,
    pulls: Rate,
}

impl Budgets {
    /// Full budgets under `limits`.
    pub fn new(limits: &SessionLimits, now: Instant) -> Self {
        Budgets {
            sends: Rate::new(limits.sends_per_second, now),
            requests: Rate::new(limits.requests_per_second, now),
            pulls: Rate::new(limits.pulls_per_second, now),
        }
    }

    /// Takes `body` from its kind's budget at `now`: sends beyond theirs are refused with
    /// 20604, requests with 20607; pulls and pings wait their turn. Other frames are free.
    pub fn take(&mut self, body: &Body, now: Instant) -> Verdict {
        match body {
            Body::Send(_) if !self.sends.allow(now) => Verdict::Refuse(codes::SEND_TOO_FREQUENT),
            Body::Request(_) if !self.requests.allow(now) => {
                Verdict::Refuse(codes::REQUEST_TOO_FREQUENT)
            }
            Body::Pull(_) | Body::Ping(_) => match self.pulls.delay(now) {
                Duration::ZERO => Verdict::Now,
                wait => Verdict::After(wait),
            },
            _ => Verdict::Now,
        }
    }
}
