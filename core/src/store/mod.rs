//! The per-user SQLite database: a thread of its own for writes, a read-only connection for
//! reads.
//!
//! Writes that calls make are closures sent to the database thread, `imcore-db`
//! ([`Store::call`]); the session commits what it receives (deliveries, acknowledged sends,
//! conversation statuses) in place on its network thread, the `imcore-io` tokio worker
//! ([`Store::call_here`]); reads run in place on the calling task's thread over the read-only
//! connection ([`Store::read`]): the `imcore-calls` tokio worker, never `imcore-io` (a debug
//! build asserts it). None of it runs on the JS thread or the callback dispatcher.
//!
//! One module per job: message rows ([`messages`]), what the server delivers ([`received`]),
//! the user's own sends ([`sent`]), local inserts and edits ([`local_messages`]),
//! [`deletions`], [`history`] pages, [`conversations`] with their unread and mention counts,
//! [`drafts`] and [`search`]; `location` says where each user's file lives.

mod actor;
mod checkpoint;
pub(crate) mod conversations;
pub(crate) mod deletions;
pub(crate) mod drafts;
pub(crate) mod history;
pub(crate) mod local_messages;
mod location;
pub(crate) mod messages;
pub(crate) mod received;
mod schema;
pub(crate) mod search;
mod searchable;
pub(crate) mod sent;

pub(crate) use actor::Store;
pub(crate) use history::HistoryQuery;
pub(crate) use local_messages::LocalMessage;
pub(crate) use location::{database_file, locate};
pub(crate) use received::IncomingMessage;
pub(crate) use searchable::register as register_functions;
pub(crate) use sent::OutgoingMessage;

#[cfg(test)]
mod tests;
