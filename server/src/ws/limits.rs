//! What one WebSocket connection may make the server hold or do, from the configuration: the
//! bytes queued for it, how long a write may stall, and its request budgets.

use std::time::Duration;

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
}

impl SessionLimits {
    /// The limits `config` sets.
    pub fn from_config(config: &Config) -> Self {
        SessionLimits {
            outbox_bytes: config.max_outbox_bytes,
            write_stall: Duration::from_millis(config.write_stall_timeout_ms.max(1)),
            sends_per_second: config.max_sends_per_second,
        }
    }
}
