//! imcore: a native instant-messaging client engine, compatible with the RongCloud IMLib 2.x
//! semantics (conversation types, ObjectNames, status codes).
//!
//! Create an [`ImClient`], [`init`](ImClient::init) it with an app key and [`InitOptions`],
//! drain its [`EventQueue`] on a thread of your own, then [`connect`](ImClient::connect).
//! Every message sent or received is kept in a per-user SQLite database under `dbPath`.
//! The C ABI (`ffi-c`) and the Node addon (`node-addon`) are thin shells over this crate.

#![warn(missing_docs)]

mod client;
mod engine;
mod enums;
mod error;
mod events;
mod log;
mod message;
pub mod message_types;
mod net;
mod options;
mod session;
mod store;
mod time;

pub use client::{HistoryPage, ImClient, MAX_HISTORY_COUNT};
pub use enums::{
    ConnectionStatus, ConversationType, HistoryOrder, LogLevel, MessageDirection, SentStatus,
};
pub use error::{ImError, ImResult, code};
pub use events::{Event, EventQueue};
pub use message::{MAX_CONTENT_BYTES, Message, MessageContent};
pub use options::InitOptions;
