//! SQLite storage: one writer thread with group commit, plus a small read pool.
//!
//! The database lives at `DATA_DIR/imserver.db`, in WAL mode with `synchronous=NORMAL`. Commits
//! do not checkpoint: a background thread does (see [`checkpoint`]), so that no commit waits
//! for the fsyncs of a checkpoint.

/// SQL for the highest sequence handed out in the inbox of user `?2` of app `?1`: the last entry,
/// or, once purges removed every entry, the counter they left behind (0 if neither).
macro_rules! current_seq_sql {
    () => {
        "max(coalesce((SELECT seq FROM inbox WHERE app_key = ?1 AND user_id = ?2 \
                       ORDER BY seq DESC LIMIT 1), 0), \
             coalesce((SELECT last_seq FROM inbox_counters \
                       WHERE app_key = ?1 AND user_id = ?2), 0))"
    };
}

/// The columns of `messages m` that [`message_view::read_message`] reads, in its order.
macro_rules! message_columns_sql {
    () => {
        "m.message_uid, m.conversation_type, m.sender_id, m.target_id, m.object_name, \
         m.content, m.sent_time, m.persisted, m.counted, m.client_message_id"
    };
}

mod apps;
mod checkpoint;
mod conversations;
mod deletions;
mod history;
mod inbox;
mod message_view;
mod messages;
mod page;
mod read_pool;
mod restrictions;
mod schema;
mod statuses;
mod users;
mod writer;

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

pub use conversations::UserConversation;
pub use history::Order;
pub use inbox::Pulled;
pub use messages::{NewEntries, NewMessage, RecipientEntry, SendOutcome};
pub use restrictions::StoredRestrictions;
pub use statuses::StatusChange;
pub use users::UserProfile;
pub use writer::{WriteTx, Writer};

use crate::clock::SentClock;
use read_pool::ReadPool;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "imserver.db";

/// Number of read-only connections.
const READERS: usize = 2;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The data directory or a thread could not be set up.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The database was written by a newer build.
    #[error("database schema version {found} is newer than this build knows ({known})")]
    SchemaTooNew {
        /// Version found in the database.
        found: usize,
        /// Newest version this build knows.
        known: usize,
    },
    /// The batch a write belonged to failed to commit.
    #[error("commit failed: {0}")]
    Commit(String),
    /// The store has shut down (or the writer dropped the job).
    #[error("the store is closed")]
    Closed,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    writer: Arc<Writer>,
    readers: Arc<ReadPool>,
}

impl Store {
    /// Opens (creating and migrating as needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let mut conn = Connection::open(&path)?;
        schema::configure(&conn)?;
        schema::migrate(&mut conn)?;
        let last_sent_time = messages::last_sent_time(&conn)?;
        let clock = SentClock::starting_after(last_sent_time);
        let writer = Writer::start_with_checkpoints(conn, clock, path.clone())?;
        let readers = ReadPool::open(&path, READERS)?;
        Ok(Store {
            writer: Arc::new(writer),
            readers: Arc::new(readers),
        })
    }

    /// Runs a read on the pool from a blocking task.
    async fn read<T, R>(&self, read: R) -> Result<T, StoreError>
    where
        T: Send + 'static,
        R: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || readers.with(read))
            .await
            .map_err(|_| StoreError::Closed)?
    }

    /// Completes the queued writes and stops the writer thread (blocks until it has stopped).
    pub fn shutdown(&self) {
        self.writer.stop();
    }
}

#[cfg(test)]
mod tests;
