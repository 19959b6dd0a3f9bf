//! The database steps of a session ([`Job`]) and their outcomes ([`Done`]). They run in place
//! on the network thread over the write connection, before the session reads on: a delivery
//! (of the inbox or of a group) is committed before it is announced or acknowledged, an acknowledged send is stored before
//! the server's echo of it is read.

use crate::conversation::ConversationStatus;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::Message;
use crate::store::conversations::{self, PullMark, StatusOrigin, SyncedStatus};
use crate::store::{IncomingMessage, OutgoingMessage, Store, received, sent};
use crate::time::now_ms;
use tokio::sync::oneshot;

/// A database step the machine needs done before it goes on.
pub(super) enum Job {
    /// Commit inbox entries through sequence `last`, with the cursor; `offline` for a pull.
    Deliveries {
        batch: Vec<IncomingMessage>,
        last: u64,
        offline: bool,
    },
    /// Commit messages of the group stream `group_id` with its cursor at `through`; `offline`
    /// for a pull.
    GroupDeliveries {
        group_id: String,
        batch: Vec<IncomingMessage>,
        through: u64,
        offline: bool,
    },
    /// Store an acknowledged send as SENT with the server's UID and time, for `reply`.
    Sent {
        outgoing: Box<OutgoingMessage>,
        uid: String,
        sent_time: i64,
        reply: oneshot::Sender<ImResult<Message>>,
    },
    /// Read where the first offline pull stands.
    PullMark,
    /// Read the conversation statuses changed here while offline.
    PendingStatuses,
    /// Read the version the conversation statuses are caught up to.
    StatusCursor,
    /// Merge the server's conversation list into an empty database: store each listed
    /// conversation's latest message, hide the pulled conversations it leaves out.
    ConversationList {
        batch: Vec<IncomingMessage>,
        listed: Vec<(ConversationType, String)>,
        pulled_through: PullMark,
        oldest_listed: Option<i64>,
    },
    /// Apply conversation statuses from the server, then move the catch-up cursor to
    /// `advance_to`; the host hears of those that changed something when `announce`, and
    /// `more` asks for the next catch-up page.
    Statuses {
        synced: Vec<SyncedStatus>,
        origin: StatusOrigin,
        advance_to: Option<u64>,
        announce: bool,
        more: bool,
    },
    /// Keep a status the server refused on this device only.
    SettleStatus(ConversationType, String),
}

/// The outcome of a [`Job`].
pub(super) enum Done {
    /// The messages to announce, once entries through `last` are committed.
    Deliveries {
        last: u64,
        stored: ImResult<Vec<Message>>,
    },
    /// The messages to announce, once a group's entries are committed.
    GroupDeliveries(ImResult<Vec<Message>>),
    /// The send as stored, for `reply`.
    Sent {
        reply: oneshot::Sender<ImResult<Message>>,
        stored: ImResult<Message>,
    },
    /// See [`Job::PullMark`].
    PullMark(ImResult<PullMark>),
    /// See [`Job::PendingStatuses`].
    PendingStatuses(ImResult<Vec<ConversationStatus>>),
    /// See [`Job::StatusCursor`].
    StatusCursor(ImResult<u64>),
    /// See [`Job::ConversationList`].
    ConversationList(ImResult<()>),
    /// The statuses that changed something, with the job's `announce` and `more`.
    Statuses {
        applied: ImResult<Vec<ConversationStatus>>,
        announce: bool,
        more: bool,
    },
    /// See [`Job::SettleStatus`].
    SettledStatus(ImResult<()>),
}

impl Job {
    /// Runs the step on `store` for the user `me`, in place.
    pub(super) fn run(self, store: &Store, me: &str) -> Done {
        match self {
            Job::Deliveries {
                batch,
                last,
                offline,
            } => {
                let stored = store.call_here(|conn| {
                    received::store_incoming(conn, &batch, last, offline, now_ms(), me)
                });
                if stored.is_ok() && !offline {
                    store.index_soon();
                }
                Done::Deliveries { last, stored }
            }
            Job::GroupDeliveries {
                group_id,
                batch,
                through,
                offline,
            } => {
                let stored = store.call_here(|conn| {
                    received::store_group_incoming(
                        conn,
                        &group_id,
                        &batch,
                        through,
                        offline,
                        now_ms(),
                        me,
                    )
                });
                if stored.is_ok() && !offline {
                    store.index_soon();
                }
                Done::GroupDeliveries(stored)
            }
            Job::Sent {
                outgoing,
                uid,
                sent_time,
                reply,
            } => {
                let stored =
                    store.call_here(|conn| sent::store_sent(conn, &outgoing, &uid, sent_time));
                store.index_soon();
                Done::Sent { reply, stored }
            }
            Job::PullMark => Done::PullMark(store.call_here(|conn| conversations::pull_mark(conn))),
            Job::PendingStatuses => {
                Done::PendingStatuses(store.call_here(|conn| conversations::pending_statuses(conn)))
            }
            Job::StatusCursor => {
                Done::StatusCursor(store.call_here(|conn| conversations::status_cursor(conn)))
            }
            Job::ConversationList {
                batch,
                listed,
                pulled_through,
                oldest_listed,
            } => Done::ConversationList(store.call_here(|conn| {
                received::store_history(conn, &batch, me, true)?;
                let listed: Vec<_> = listed.iter().map(|(k, t)| (*k, t.as_str())).collect();
                conversations::hide_unlisted(conn, &listed, pulled_through, oldest_listed).map(drop)
            })),
            Job::Statuses {
                synced,
                origin,
                advance_to,
                announce,
                more,
            } => {
                let applied = store.call_here(|conn| {
                    let applied = conversations::apply_synced(conn, &synced, origin)?;
                    if let Some(version) = advance_to {
                        conversations::advance_status_cursor(conn, version)?;
                    }
                    Ok(applied)
                });
                Done::Statuses {
                    applied,
                    announce,
                    more,
                }
            }
            Job::SettleStatus(kind, target_id) => Done::SettledStatus(
                store
                    .call_here(|conn| conversations::settle_pending_status(conn, kind, &target_id)),
            ),
        }
    }
}
