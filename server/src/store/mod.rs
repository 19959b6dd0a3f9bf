//! Storage: the [`Storage`] boundary every handler uses, with its argument and result types,
//! and its SQLite implementation ([`sqlite::SqliteStore`]).
//!
//! A backend is shared behind an `Arc<dyn Storage>`. Writes are queued in call order when a
//! method is called (the returned future only waits for the commit); reads run when awaited.
//! Every backend runs the same test suite (`suite`, through `storage_suite!`).

#[cfg(test)]
#[macro_use]
mod suite;
pub mod sqlite;

use std::future::Future;
use std::pin::Pin;

use improto::{
    ConversationList, ConversationStatus, ConversationStatuses, GroupHeads, HistoryPage,
    InboxMessage,
};

use crate::apps::App;

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
    /// The user already has as many rows of this kind as the server keeps.
    #[error("the user has the most {0} the server keeps")]
    QuotaExceeded(&'static str),
}

/// The outcome of a storage operation, to await; `'static` for writes, which are queued when
/// the method is called and borrow nothing.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Receives the outcome of [`Storage::send_message_then`] right after the commit.
pub type SendCompletion = Box<dyn FnOnce(Result<SendOutcome, StoreError>) + Send>;

/// Runs right after a [`Storage::change_group`] commit, in commit order, with the groups it
/// changed: the place to update the in-memory group directory.
pub type GroupHook = Box<dyn FnOnce(&[GroupState]) + Send>;

/// Whether a commit reaches the disk before the server acknowledges it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Durability {
    /// On disk before acknowledged: acknowledged messages survive a power loss (the default;
    /// group commit shares one sync among the sends of a batch).
    #[default]
    Full,
    /// Acknowledged once written: survives a crash of imserver, not of the machine (clients
    /// then notice the new inbox epoch and pull again).
    Fast,
}

/// What the server stores: apps, users, restrictions, messages and inboxes, conversation lists,
/// history, deletions and conversation statuses.
pub trait Storage: Send + Sync {
    /// Records the configured app (updating its secret), or, without one, returns the
    /// development app, creating it with a random key and secret the first time.
    fn resolve_app(&self, configured: Option<App>) -> StoreFuture<'_, App>;

    /// Creates the user, or updates the non-empty profile fields of an existing one.
    fn register_user(
        &self,
        app_key: String,
        user_id: String,
        profile: UserProfile,
    ) -> StoreFuture<'_, ()>;

    /// Blocks `user_ids` of the app until `until_ms` (replacing any earlier block end), and
    /// deletes the app's blocks that ended before `now_ms`.
    fn block_users(
        &self,
        app_key: String,
        user_ids: Vec<String>,
        until_ms: i64,
        now_ms: i64,
    ) -> StoreFuture<'_, ()>;

    /// Lifts the blocks of `user_ids` of the app (users not blocked are ignored).
    fn unblock_users(&self, app_key: String, user_ids: Vec<String>) -> StoreFuture<'_, ()>;

    /// Users of the app blocked at `now_ms`, with their block end, ordered by user id.
    fn blocked_users(&self, app_key: String, now_ms: i64) -> StoreFuture<'_, Vec<(String, i64)>>;

    /// Refuses the user's tokens issued before `before_ms`. Cutoffs only move forward: an
    /// earlier time than the one stored changes nothing. Returns the cutoff now in force.
    fn expire_tokens(
        &self,
        app_key: String,
        user_id: String,
        before_ms: i64,
    ) -> StoreFuture<'_, i64>;

    /// Every block in force at `now_ms` and every token cutoff.
    fn load_restrictions(&self, now_ms: i64) -> StoreFuture<'_, StoredRestrictions>;

    /// Stores `message` (see [`SendOutcome`]): the message, an inbox entry for each recipient
    /// and one for the sender, and, for history, the latest message of the conversation in
    /// each of their lists, all in one transaction. Queued at once, so messages are stored in
    /// call order; the future yields the outcome after the commit.
    fn send_message(&self, message: NewMessage) -> StoreFuture<'static, SendOutcome>;

    /// Stores `message` like [`Storage::send_message`], but hands the outcome to `complete`
    /// right after the commit, in commit order (`Ok` only once committed), instead of waking a
    /// task: the place to push the message and queue the answer. `complete` may run before
    /// this returns, on the calling thread; it must not block or panic.
    fn send_message_then(&self, message: NewMessage, complete: SendCompletion);

    /// Highest sequence number handed out in the user's inbox (0 if none).
    fn inbox_seq(&self, app_key: String, user_id: String) -> StoreFuture<'_, u64>;

    /// Up to `limit` entries with `seq > after_seq`, ascending, each as the user sees it (the
    /// conversation from their side, the idempotency key only in the sender's view); fewer if
    /// more would not fit in one frame.
    fn pull(
        &self,
        app_key: String,
        user_id: String,
        after_seq: u64,
        limit: usize,
    ) -> StoreFuture<'_, Pulled>;

    /// Records that `device_id` stored everything up to `seq` (never moves backwards, and
    /// never beyond the highest sequence handed out). Queued at once; the future completes
    /// after the commit.
    fn record_ack(
        &self,
        app_key: String,
        user_id: String,
        device_id: String,
        seq: u64,
    ) -> StoreFuture<'static, ()>;

    /// Deletes inbox entries of messages sent before `cutoff_ms`, with the messages that are
    /// not history and the idempotency keys of the others; returns how many inbox entries
    /// went. Sequence numbers keep growing.
    fn purge_before(&self, cutoff_ms: i64) -> StoreFuture<'_, usize>;

    /// Up to `count` conversations of `user_id` whose latest message was sent before
    /// `before_time` (0: no bound), latest first, fewer if more would not fit in one frame;
    /// and whether more follow. Each carries the latest message the user still has there
    /// (`seq` 0), whose `sent_time` is the cursor for the next page.
    fn conversation_list(
        &self,
        app_key: String,
        user_id: String,
        count: usize,
        before_time: i64,
    ) -> StoreFuture<'_, ConversationList>;

    /// Removes `conversation` from its user's list (its messages stay; the next message in it
    /// puts it back). Queued at once; the future completes after the commit.
    fn remove_conversation(&self, conversation: UserConversation) -> StoreFuture<'static, ()>;

    /// Up to `count` messages of `conversation` its user still has, sent before `timestamp`
    /// (0: from the latest) newest first, or after it oldest first, fewer if more would not fit
    /// in one frame; and whether more follow. Messages come as the user sees them, with `seq` 0.
    fn history(
        &self,
        conversation: UserConversation,
        timestamp: i64,
        count: usize,
        order: Order,
    ) -> StoreFuture<'_, HistoryPage>;

    /// Deletes, for `conversation`'s user only, the messages of `message_uids` that belong to
    /// that conversation (others, and unknown UIDs, are ignored); they never come back to that
    /// user. Queued at once; the future completes after the commit.
    fn delete_messages(
        &self,
        conversation: UserConversation,
        message_uids: Vec<String>,
    ) -> StoreFuture<'static, ()>;

    /// Deletes, for `conversation`'s user only, every message of it sent at or before
    /// `before_time`; 0, or a time after the latest message stored, means everything stored
    /// so far (later messages are never affected). Queued at once; the future completes after
    /// the commit.
    fn clear_history(
        &self,
        conversation: UserConversation,
        before_time: i64,
    ) -> StoreFuture<'static, ()>;

    /// Applies `change` to the user's status of `conversation` (creating it: not pinned,
    /// notifying) under the user's next version; resolves to the new status once committed.
    /// A new status beyond the user's `max_statuses` fails with [`StoreError::QuotaExceeded`].
    /// Queued at once.
    fn set_conversation_status(
        &self,
        conversation: UserConversation,
        change: StatusChange,
        max_statuses: usize,
    ) -> StoreFuture<'static, ConversationStatus>;

    /// Up to `limit` of the user's statuses changed after version `after`, oldest change
    /// first, and whether more follow.
    fn conversation_statuses(
        &self,
        app_key: String,
        user_id: String,
        after: u64,
        limit: usize,
    ) -> StoreFuture<'_, ConversationStatuses>;

    /// Applies `change` to the app's groups; resolves, once committed, to the state of every
    /// group it touched (none for an unknown group), after `after_commit` ran with them. A
    /// join past a group's `max_members` fails with [`StoreError::QuotaExceeded`] and changes
    /// nothing. Queued at once.
    fn change_group(
        &self,
        app_key: String,
        change: GroupChange,
        after_commit: GroupHook,
    ) -> StoreFuture<'static, Vec<GroupState>>;

    /// The group's name, members and whether it was dismissed; `None` if it never existed.
    fn group_state(&self, app_key: String, group_id: String)
    -> StoreFuture<'_, Option<GroupState>>;

    /// The groups `user_id` is a member of now, by group id, as `(group id, name)`.
    fn user_groups(
        &self,
        app_key: String,
        user_id: String,
    ) -> StoreFuture<'_, Vec<(String, String)>>;

    /// Stores the group message `message` (`target_id` the group, `recipients` unused) once:
    /// its row and its entry in the group's log under the group's next sequence, visible to
    /// the members of `directed` and the sender only when `directed` is not empty. Hands the
    /// outcome to `complete` right after the commit, in commit order, like
    /// [`Storage::send_message_then`]: a stored message's `own_entry` is the sender's view
    /// with the group sequence as `seq`, and `recipients` is empty (the caller fans out).
    fn send_group_message_then(
        &self,
        message: NewMessage,
        directed: Vec<String>,
        complete: SendCompletion,
    );

    /// Up to `limit` entries of the group's log with `seq > after_seq` that `user_id` may see
    /// (sent during their membership periods, not directed to others, not deleted or cleared
    /// by them), ascending, fewer if more would not fit in one frame; `None` if the user never
    /// was a member (or was, in periods no longer kept).
    fn pull_group(
        &self,
        app_key: String,
        user_id: String,
        group_id: String,
        after_seq: u64,
        limit: usize,
    ) -> StoreFuture<'_, Option<GroupPulled>>;

    /// Up to `limit` of the groups whose logs `user_id` may read (current and kept former
    /// memberships), by group id after `after_group_id`, each with where its log ends for
    /// the user; and whether more follow.
    fn group_heads(
        &self,
        app_key: String,
        user_id: String,
        after_group_id: String,
        limit: usize,
    ) -> StoreFuture<'_, GroupHeads>;

    /// The inbox epoch this run serves (see `sqlite/epoch.rs`): clients that saw another one
    /// pull their inboxes again.
    fn inbox_epoch(&self) -> u64;

    /// Completes the queued writes and stops the backend (blocks until it has stopped). Writes
    /// asked for afterwards fail with [`StoreError::Closed`].
    fn shutdown(&self);
}

/// A validated message from `sender_id` in the conversation `target_id`, for `recipients`.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// App both users belong to.
    pub app_key: String,
    /// Authenticated sender.
    pub sender_id: String,
    /// Conversation type (1 = private).
    pub conversation_type: i32,
    /// The conversation's id as the sender sees it (for a private message, the recipient).
    pub target_id: String,
    /// Distinct users whose inboxes get the message (a private message: `[target_id]`). The
    /// sender's own entry comes regardless; the sender among them is skipped.
    pub recipients: Vec<String>,
    /// Message type name, e.g. `RC:TxtMsg`.
    pub object_name: String,
    /// Content JSON.
    pub content: String,
    /// Sender's idempotency key; empty disables the check.
    pub client_message_id: String,
    /// Stored in history.
    pub persisted: bool,
    /// Counted as unread.
    pub counted: bool,
    /// Conversations the sender's list may hold: a persisted message that would open one more
    /// fails with [`StoreError::QuotaExceeded`] (recipients' lists are not limited).
    pub max_conversations: usize,
}

/// A change to the groups of an app, from the Server API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupChange {
    /// `user_ids` join the group (their membership starts after the group's current last
    /// sequence; present members stay as they are). A group that does not exist, or was
    /// dismissed, is created (again) under `name`; an existing one keeps its name.
    Join {
        /// The group.
        group_id: String,
        /// Name for a group created now.
        name: String,
        /// Users joining, distinct.
        user_ids: Vec<String>,
        /// Members the group may have at most.
        max_members: usize,
    },
    /// `user_ids` leave the group (their membership ends at its current last sequence).
    Quit {
        /// The group.
        group_id: String,
        /// Users leaving (non-members are ignored).
        user_ids: Vec<String>,
    },
    /// Every member leaves and the group refuses messages; its log stays readable to them.
    Dismiss {
        /// The group.
        group_id: String,
    },
    /// Renames the group.
    Rename {
        /// The group.
        group_id: String,
        /// The new name.
        name: String,
    },
    /// Makes `groups` (id, name) the groups of `user_id`: joins those the user is not in (as
    /// [`GroupChange::Join`] does) and leaves the user's other groups.
    Sync {
        /// The user.
        user_id: String,
        /// The user's groups, distinct ids.
        groups: Vec<(String, String)>,
        /// Members a group may have at most.
        max_members: usize,
    },
}

/// A group as stored: what the group directory keeps in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    /// The group's id.
    pub group_id: String,
    /// Its name.
    pub name: String,
    /// Dismissed: no members, no new messages.
    pub dismissed: bool,
    /// Current members, by user id.
    pub members: Vec<String>,
}

/// A page of a group's log for one member.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupPulled {
    /// Entries in ascending `seq` order (the group's sequence).
    pub messages: Vec<InboxMessage>,
    /// Whether entries follow the last one returned.
    pub has_more: bool,
    /// The highest sequence this page accounts for: every entry up to it the member may see
    /// is in this page or an earlier one.
    pub through_seq: u64,
}

/// A recipient's new inbox entry, to push to them.
#[derive(Debug, Clone, PartialEq)]
pub struct RecipientEntry {
    /// The recipient.
    pub user_id: String,
    /// The entry, as the recipient sees the message.
    pub entry: InboxMessage,
}

/// The inbox entries a newly stored message got: the recipients' and the sender's own.
#[derive(Debug, Clone)]
pub struct NewEntries {
    /// The recipients' entries, in [`NewMessage::recipients`] order (none for a message to
    /// oneself, whose only entry is `own_entry`).
    pub recipients: Vec<RecipientEntry>,
    /// The sender's new entry (carries the UID, the sent time and the sender's
    /// `client_message_id`), to push to every connection of the sender.
    pub own_entry: InboxMessage,
}

/// What storing a message did.
#[derive(Debug, Clone)]
pub enum SendOutcome {
    /// Stored now, with these entries (boxed: the sender's entry dwarfs the other variant).
    Stored(Box<NewEntries>),
    /// A retry of an earlier send: the first result, nothing stored or delivered again.
    Duplicate {
        /// UID given the first time.
        message_uid: String,
        /// Sent time given the first time.
        sent_time: i64,
    },
}

impl SendOutcome {
    /// The message UID to acknowledge.
    pub fn message_uid(&self) -> &str {
        match self {
            SendOutcome::Stored(entries) => &entries.own_entry.message_uid,
            SendOutcome::Duplicate { message_uid, .. } => message_uid,
        }
    }

    /// The sent time to acknowledge.
    pub fn sent_time(&self) -> i64 {
        match self {
            SendOutcome::Stored(entries) => entries.own_entry.sent_time,
            SendOutcome::Duplicate { sent_time, .. } => *sent_time,
        }
    }
}

/// One page of inbox entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pulled {
    /// Entries in ascending `seq` order.
    pub messages: Vec<InboxMessage>,
    /// Whether entries follow the last one returned.
    pub has_more: bool,
}

/// A conversation as one user sees it: `user_id`'s conversation of `conversation_type` with
/// `target_id` (the peer, for a private chat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserConversation {
    /// App of the user.
    pub app_key: String,
    /// Whose conversation it is.
    pub user_id: String,
    /// Conversation type (1 = private).
    pub conversation_type: i32,
    /// The conversation's id from the user's side.
    pub target_id: String,
}

impl UserConversation {
    /// The participants of the private conversation in the order the history index keys them:
    /// (lower id, higher id).
    pub(crate) fn participants(&self) -> (&str, &str) {
        let (a, b) = (self.user_id.as_str(), self.target_id.as_str());
        if a <= b { (a, b) } else { (b, a) }
    }
}

/// Which way a history page walks from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Messages sent before the cursor, newest first (seed order 0).
    NewestFirst,
    /// Messages sent after the cursor, oldest first (seed order 1).
    OldestFirst,
}

/// A change to a conversation's status; `None` leaves a field as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// Pinned or not.
    pub is_top: Option<bool>,
    /// 1 do not disturb, 2 notify.
    pub notification_status: Option<i32>,
}

/// Profile fields given with a registration; empty means "not provided".
#[derive(Debug, Clone, Default)]
pub struct UserProfile {
    /// Display name.
    pub name: String,
    /// Avatar URL.
    pub portrait_uri: String,
}

/// Every restriction in the database, loaded once at start into the in-memory cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredRestrictions {
    /// `(app_key, user_id, blocked_until_ms)` of blocks still in force at load time.
    pub blocks: Vec<(String, String, i64)>,
    /// `(app_key, user_id, issued_before_ms)`.
    pub token_cutoffs: Vec<(String, String, i64)>,
}
