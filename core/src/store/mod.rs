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
//! [`drafts`] and [`search`].

mod actor;
mod checkpoint;
pub(crate) mod conversations;
pub(crate) mod deletions;
pub(crate) mod drafts;
pub(crate) mod history;
pub(crate) mod local_messages;
pub(crate) mod messages;
pub(crate) mod received;
mod schema;
pub(crate) mod search;
mod searchable;
pub(crate) mod sent;

pub(crate) use actor::Store;
pub(crate) use history::HistoryQuery;
pub(crate) use local_messages::LocalMessage;
pub(crate) use received::IncomingMessage;
pub(crate) use searchable::register as register_functions;
pub(crate) use sent::OutgoingMessage;

use std::path::{Path, PathBuf};

/// Where the database of `user_id` under app `app_key` lives inside `db_path`.
pub(crate) fn database_file(db_path: &Path, app_key: &str, user_id: &str) -> PathBuf {
    db_path
        .join(path_component(app_key))
        .join(path_component(user_id))
        .join("imcore.db")
}

/// Makes an id safe as one path component (ids may hold any character).
fn path_component(id: &str) -> String {
    let safe = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !id.is_empty();
    if safe {
        id.to_owned()
    } else {
        let hex: String = id.bytes().map(|b| format!("{b:02x}")).collect();
        format!("x{hex}")
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn ids_become_safe_path_components() {
        let p = database_file(Path::new("/d"), "key", "../evil/ü");
        assert!(p.starts_with("/d/key/"));
        assert_eq!(p.components().count(), 5);
        assert_eq!(
            database_file(Path::new("/d"), "k", "alice"),
            PathBuf::from("/d/k/alice/imcore.db")
        );
    }
}
