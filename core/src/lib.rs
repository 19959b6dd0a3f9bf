//! imcore: a native instant-messaging client engine, compatible with the RongCloud IMLib 2.x
//! semantics (conversation types, ObjectNames, status codes).
//!
//! Create an [`ImClient`], [`init`](ImClient::init) it with an app key and [`InitOptions`],
//! drain its [`EventQueue`] on a thread of your own, then [`connect`](ImClient::connect).
//! Every message sent or received is kept in a per-user SQLite database under `dbPath`.
//! The C ABI (`ffi-c`) and the Node addon (`node-addon`) are thin shells over this crate.

#![warn(missing_docs)]

pub mod api;
mod client;
mod conversation;
pub mod database;
mod engine;
mod enums;
mod error;
mod events;
mod log;
mod message;
pub mod message_types;
mod net;
mod options;
mod send_options;
mod session;
mod store;
mod time;

pub use api::{Outcome, Params};
pub use client::connection::*;
pub use client::conversation_sync::*;
pub use client::conversations::*;
pub use client::deletions::*;
pub use client::drafts::*;
pub use client::history::*;
pub use client::local_messages::{
    GetMessage, InsertMessage as InsertMessageRequest, InsertMessages, SetMessageContent,
    SetMessageReceivedStatus, SetMessageSentStatus,
};
pub use client::messages::*;
pub use client::search::*;
pub use client::{
    HistoryPage, ImClient, MAX_DELETE_COUNT, MAX_HISTORY_COUNT, MAX_KEYWORD_CHARS,
    MAX_REMOTE_HISTORY_COUNT, MAX_SEARCH_COUNT,
};
pub use conversation::{
    Conversation, ConversationKey, ConversationStatus, ConversationStatusItem, Draft,
    MAX_CONVERSATION_COUNT,
};
pub use enums::{
    ConnectionStatus, ConversationType, HistoryOrder, LogLevel, MessageDirection,
    NotificationStatus, SentStatus,
};
pub use error::{ImError, ImResult, code};
pub use events::{Event, EventQueue};
pub use message::{
    BatchInsert, Content, InsertBatch, InsertMessage, MAX_CONTENT_BYTES, MAX_REMOTE_DELETE,
    Message, MessageContent, MessageRef, RemoteMessageRef,
};
pub use message_types::MessageTag;
pub use options::InitOptions;
