//! The SQLite [`Storage`] backend: one writer thread with group commit, plus a small read pool.
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
mod epoch;
mod group_history;
mod groups;
mod history;
mod inbox;
mod message_view;
mod messages;
mod page;
mod quota;
mod read_pool;
mod restrictions;
mod schema;
mod statuses;
mod users;
mod writer;

use std::path::Path;
use std::sync::Arc;

use improto::{
    ConversationList, ConversationStatus, ConversationStatuses, GroupHeads, HistoryPage,
};
use rusqlite::Connection;

pub use writer::{WriteTx, Writer};

use super::{
    Durability, GroupChange, GroupHook, GroupPulled, GroupState, NewMessage, Order, Pulled,
    SendCompletion, SendOutcome, StatusChange, Storage, StoreError, StoreFuture,
    StoredRestrictions, UserConversation, UserProfile,
};
use crate::apps::App;
use crate::clock::SentClock;
use read_pool::ReadPool;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "imserver.db";

/// Number of read-only connections.
const READERS: usize = 2;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    writer: Arc<Writer>,
    readers: Arc<ReadPool>,
    path: Arc<Path>,
    inbox_epoch: u64,
}

/// How a store is opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Whether a commit is on disk before it is acknowledged.
    pub durability: Durability,
    /// Start a new inbox epoch whatever the last shutdown was (after restoring a backup).
    pub new_epoch: bool,
}

impl SqliteStore {
    /// Opens (creating and migrating as needed) the database in `data_dir`, durably.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(data_dir, OpenOptions::default())
    }

    /// Opens the database in `data_dir` with `options`.
    pub fn open_with(data_dir: &Path, options: OpenOptions) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let mut conn = Connection::open(&path)?;
        schema::configure(&conn, options.durability)?;
        schema::migrate(&mut conn)?;
        let inbox_epoch = epoch::begin(&conn, options)?;
        let last_sent_time = messages::last_sent_time(&conn)?;
        let clock = SentClock::starting_after(last_sent_time);
        let writer = Writer::start_with_checkpoints(conn, clock, path.clone())?;
        let readers = ReadPool::open(&path, READERS)?;
        Ok(SqliteStore {
            writer: Arc::new(writer),
            readers: Arc::new(readers),
            path: path.into(),
            inbox_epoch,
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
}

/// Each operation is the inherent method of the same name, in the module of its domain.
impl Storage for SqliteStore {
    fn resolve_app(&self, configured: Option<App>) -> StoreFuture<'_, App> {
        Box::pin(SqliteStore::resolve_app(self, configured))
    }

    fn register_user(
        &self,
        app_key: String,
        user_id: String,
        profile: UserProfile,
    ) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::register_user(self, app_key, user_id, profile))
    }

    fn block_users(
        &self,
        app_key: String,
        user_ids: Vec<String>,
        until_ms: i64,
        now_ms: i64,
    ) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::block_users(
            self, app_key, user_ids, until_ms, now_ms,
        ))
    }

    fn unblock_users(&self, app_key: String, user_ids: Vec<String>) -> StoreFuture<'_, ()> {
        Box::pin(SqliteStore::unblock_users(self, app_key, user_ids))
    }

    fn blocked_users(&self, app_key: String, now_ms: i64) -> StoreFuture<'_, Vec<(String, i64)>> {
        Box::pin(SqliteStore::blocked_users(self, app_key, now_ms))
    }

    fn expire_tokens(
        &self,
        app_key: String,
        user_id: String,
        before_ms: i64,
    ) -> StoreFuture<'_, i64> {
        Box::pin(SqliteStore::expire_tokens(
            self, app_key, user_id, before_ms,
        ))
    }

    fn load_restrictions(&self, now_ms: i64) -> StoreFuture<'_, StoredRestrictions> {
        Box::pin(SqliteStore::load_restrictions(self, now_ms))
    }

    fn send_message(&self, message: NewMessage) -> StoreFuture<'static, SendOutcome> {
        Box::pin(SqliteStore::send_message(self, message))
    }

    fn send_message_then(&self, message: NewMessage, complete: SendCompletion) {
        SqliteStore::send_message_then(self, message, complete);
    }

    fn inbox_seq(&self, app_key: String, user_id: String) -> StoreFuture<'_, u64> {
        Box::pin(SqliteStore::inbox_seq(self, app_key, user_id))
    }

    fn pull(
        &self,
        app_key: String,
        user_id: String,
        after_seq: u64,
        limit: usize,
    ) -> StoreFuture<'_, Pulled> {
        Box::pin(SqliteStore::pull(self, app_key, user_id, after_seq, limit))
    }

    fn record_ack(
        &self,
        app_key: String,
        user_id: String,
        device_id: String,
        seq: u64,
    ) -> StoreFuture<'static, ()> {
        Box::pin(SqliteStore::record_ack(
            self, app_key, user_id, device_id, seq,
        ))
    }

    fn purge_before(&self, cutoff_ms: i64) -> StoreFuture<'_, usize> {
        Box::pin(SqliteStore::purge_before(self, cutoff_ms))
    }

    fn conversation_list(
        &self,
        app_key: String,
        user_id: String,
        count: usize,
        before_time: i64,
    ) -> StoreFuture<'_, ConversationList> {
        Box::pin(SqliteStore::conversation_list(
            self,
            app_key,
            user_id,
            count,
            before_time,
        ))
    }

    fn remove_conversation(&self, conversation: UserConversation) -> StoreFuture<'static, ()> {
        Box::pin(SqliteStore::remove_conversation(self, conversation))
    }

    fn history(
        &self,
        conversation: UserConversation,
        timestamp: i64,
        count: usize,
        order: Order,
    ) -> StoreFuture<'_, HistoryPage> {
        Box::pin(SqliteStore::history(
            self,
            conversation,
            timestamp,
            count,
            order,
        ))
    }

    fn delete_messages(
        &self,
        conversation: UserConversation,
        message_uids: Vec<String>,
    ) -> StoreFuture<'static, ()> {
        Box::pin(SqliteStore::delete_messages(
            self,
            conversation,
            message_uids,
        ))
    }

    fn clear_history(
        &self,
        conversation: UserConversation,
        before_time: i64,
    ) -> StoreFuture<'static, ()> {
        Box::pin(SqliteStore::clear_history(self, conversation, before_time))
    }

    fn set_conversation_status(
        &self,
        conversation: UserConversation,
        change: StatusChange,
        max_statuses: usize,
    ) -> StoreFuture<'static, ConversationStatus> {
        Box::pin(SqliteStore::set_conversation_status(
            self,
            conversation,
            change,
            max_statuses,
        ))
    }

    fn conversation_statuses(
        &self,
        app_key: String,
        user_id: String,
        after: u64,
        limit: usize,
    ) -> StoreFuture<'_, ConversationStatuses> {
        Box::pin(SqliteStore::conversation_statuses(
            self, app_key, user_id, after, limit,
        ))
    }

    fn change_group(
        &self,
        app_key: String,
        change: GroupChange,
        after_commit: GroupHook,
    ) -> StoreFuture<'static, Vec<GroupState>> {
        Box::pin(SqliteStore::change_group(
            self,
            app_key,
            change,
            after_commit,
        ))
    }

    fn group_state(
        &self,
        app_key: String,
        group_id: String,
    ) -> StoreFuture<'_, Option<GroupState>> {
        Box::pin(SqliteStore::group_state(self, app_key, group_id))
    }

    fn user_groups(
        &self,
        app_key: String,
        user_id: String,
    ) -> StoreFuture<'_, Vec<(String, String)>> {
        Box::pin(SqliteStore::user_groups(self, app_key, user_id))
    }

    fn send_group_message_then(
        &self,
        message: NewMessage,
        directed: Vec<String>,
        complete: SendCompletion,
    ) {
        SqliteStore::send_group_message_then(self, message, directed, complete);
    }

    fn pull_group(
        &self,
        app_key: String,
        user_id: String,
        group_id: String,
        after_seq: u64,
        limit: usize,
    ) -> StoreFuture<'_, Option<GroupPulled>> {
        Box::pin(SqliteStore::pull_group(
            self, app_key, user_id, group_id, after_seq, limit,
        ))
    }

    fn group_heads(
        &self,
        app_key: String,
        user_id: String,
        after_group_id: String,
        limit: usize,
    ) -> StoreFuture<'_, GroupHeads> {
        Box::pin(SqliteStore::group_heads(
            self,
            app_key,
            user_id,
            after_group_id,
            limit,
        ))
    }

    fn inbox_epoch(&self) -> u64 {
        self.inbox_epoch
    }

    fn shutdown(&self) {
        self.writer.stop();
        let clean = Connection::open(&self.path)
            .map_err(StoreError::from)
            .and_then(|conn| epoch::end(&conn));
        if let Err(e) = clean {
            tracing::error!(error = %e, "could not mark the shutdown clean: the next start begins a new inbox epoch");
        }
    }
}

#[cfg(test)]
mod tests;
