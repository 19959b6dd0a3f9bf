//! `imserver`, the reference imcore IM server.
//!
//! * HTTP Server API (`/user/getToken.json`, `/user/checkOnline.json`, `/user/block.json`,
//!   `/user/unblock.json`, `/user/block/query.json`, `/user/token/expire.json`, the group
//!   membership calls and `/message/group/publish.json`) signed as
//!   RongCloud's server SDKs sign it (stale timestamps and replayed nonces refused on request:
//!   `--signature-max-skew-secs`, `--reject-replayed-nonce`), and navigation (`/navi.json`);
//! * a WebSocket endpoint (`/ws`) speaking the `improto` frames: connect with a token, send
//!   private and group messages (one log per group, see [`groups`]), receive pushes (the
//!   sender's own messages too, on all their devices), pull the inbox and group logs;
//!   `Request`s for remote history, the server-side conversation list, remote deletion,
//!   removing a conversation and group heads; one login per user and platform (a new one closes
//!   the previous with `Close{code: 6}`) unless `--multi-device` is on;
//! * SQLite storage with one group-committing writer thread.
//!
//! [`run`] starts a server in-process; the `imserver` binary wraps it with a command line.

#![warn(missing_docs)]
pub mod apps;
pub mod auth;
pub mod clock;
pub mod config;
pub mod conn;
pub mod groups;
pub mod http;
pub mod hub;
pub mod logging;
pub mod public_url;
pub mod restrictions;
mod server;
pub mod state;
pub mod store;
pub mod uid;
pub mod ws;

pub use config::Config;
pub use server::{Ready, ServerError, run};
