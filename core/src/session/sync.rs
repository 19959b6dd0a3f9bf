//! What a session keeps in step besides messages, once the offline pull is done: the server's
//! conversation list for a new device, and the user's conversation statuses (those changed
//! here offline go to the server, those changed elsewhere come here).

use super::{CONVERSATION_SYNC_COUNT, End, Session, Waiting, incoming_from_wire};
use crate::conversation::ConversationStatus;
use crate::enums::{ConversationType, NotificationStatus};
use crate::error::code;
use crate::events::Event;
use crate::store::{self, conversations::StatusOrigin, conversations::SyncedStatus};

/// What a page of conversation statuses from the server is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StatusNews {
    /// Changes another device made, pushed as they happen.
    Pushed,
    /// A page of the changes made since this device last caught up.
    CaughtUp,
    /// The server's answer to a change this device sent.
    Own,
}

impl Session {
    /// Announces the end of the offline pull. A database that started empty (new device,
    /// recovered file) then asks for the server's conversation list, for conversations whose
    /// messages are older than the inbox keeps; after the pull, so that what the inbox held
    /// arrives as news (announced, counted as unread) first.
    pub(super) async fn finish_offline_pull(&mut self) -> Result<(), End> {
        self.offline_finished = true;
        self.events.emit(Event::PullOfflineFinished);
        if self.started_empty {
            self.started_empty = false;
            let pulled_through = self
                .store
                .call_here(|conn| store::conversations::latest_sent_time(conn))
                .map_err(|e| End::Lost(format!("reading conversations: {e}")))?;
            let query = improto::request::Body::ConversationList(improto::ConversationListQuery {
                count: CONVERSATION_SYNC_COUNT,
                before_time: 0,
            });
            self.request(query, Waiting::ConversationSync { pulled_through })
                .await?;
        }
        self.send_pending_statuses().await?;
        self.catch_up_statuses().await
    }

    /// Sends the statuses changed here while offline; the server answers each with its
    /// version (and shows it to the user's other devices).
    async fn send_pending_statuses(&mut self) -> Result<(), End> {
        let pending = self
            .store
            .call_here(|conn| store::conversations::pending_statuses(conn))
            .map_err(|e| End::Lost(format!("reading pending statuses: {e}")))?;
        for status in pending {
            let waiting = Waiting::OwnStatus(status.conversation_type, status.target_id.clone());
            let change = improto::SetConversationStatus {
                conversation_type: status.conversation_type.into(),
                target_id: status.target_id,
                is_top: Some(status.is_top),
                notification_status: Some(status.notification_status.into()),
            };
            let body = improto::request::Body::SetConversationStatus(change);
            self.request(body, waiting).await?;
        }
        Ok(())
    }

    /// Merges the server's conversation list into an empty database after its first pull: stores
    /// each conversation's latest message, and hides the pulled conversations the list leaves
    /// out (removed on another device).
    pub(super) fn store_conversation_list(
        &self,
        list: improto::ConversationList,
        pulled_through: i64,
    ) -> Result<(), End> {
        // The server cuts a page at the count asked for, or earlier to fit one frame.
        let partial = list.has_more || list.conversations.len() >= CONVERSATION_SYNC_COUNT as usize;
        let mut listed = Vec::with_capacity(list.conversations.len());
        let mut batch = Vec::with_capacity(list.conversations.len());
        for conversation in list.conversations {
            let Ok(kind) = ConversationType::try_from(conversation.conversation_type) else {
                continue;
            };
            listed.push((kind, conversation.target_id));
            batch.extend(conversation.latest_message.and_then(incoming_from_wire));
        }
        // A partial list says nothing of conversations older than its last one (an empty
        // partial list, nothing at all).
        let oldest_listed =
            partial.then(|| batch.iter().map(|m| m.sent_time).min().unwrap_or(i64::MAX));
        let me = self.user_id.as_str();
        self.store
            .call_here(|conn| {
                store::received::store_history(conn, &batch, me, true)?;
                let listed: Vec<_> = listed.iter().map(|(k, t)| (*k, t.as_str())).collect();
                store::conversations::hide_unlisted(conn, &listed, pulled_through, oldest_listed)
            })
            .map_err(|e| End::Lost(format!("storing conversations: {e}")))?;
        Ok(())
    }

    /// Takes the server's answer to a status changed here offline: applied with its version;
    /// if the server will never take it (33003) it stays only here; otherwise it is sent again
    /// on the next connection.
    pub(super) fn on_own_status(
        &mut self,
        kind: ConversationType,
        target_id: &str,
        response: improto::Response,
    ) -> Result<(), End> {
        if let Some(improto::response::Body::ConversationStatuses(own)) = response.body {
            return self.apply_statuses(own.statuses, StatusNews::Own);
        }
        if response.code == code::INVALID_PARAMETER {
            self.log.warn(format!(
                "the server refused the status of conversation {target_id}; it stays on this device"
            ));
            self.store
                .call_here(|conn| {
                    store::conversations::settle_pending_status(conn, kind, target_id)
                })
                .map_err(|e| End::Lost(format!("storing conversation statuses: {e}")))?;
        }
        Ok(())
    }

    /// Applies conversation statuses from the server; a catch-up page then moves the catch-up
    /// cursor past them. The host hears of other devices' changes that changed something.
    pub(super) fn apply_statuses(
        &mut self,
        statuses: Vec<improto::ConversationStatus>,
        news: StatusNews,
    ) -> Result<(), End> {
        let last_version = statuses.last().map(|s| s.version);
        let synced: Vec<_> = statuses.into_iter().filter_map(synced_from_wire).collect();
        let origin = match news {
            StatusNews::Own => StatusOrigin::Here,
            StatusNews::Pushed | StatusNews::CaughtUp => StatusOrigin::Elsewhere,
        };
        let applied = self
            .store
            .call_here(|conn| {
                let applied = store::conversations::apply_synced(conn, &synced, origin)?;
                if let Some(version) = last_version.filter(|_| news == StatusNews::CaughtUp) {
                    store::conversations::advance_status_cursor(conn, version)?;
                }
                Ok(applied)
            })
            .map_err(|e| End::Lost(format!("storing conversation statuses: {e}")))?;
        if !applied.is_empty() && origin == StatusOrigin::Elsewhere {
            self.events
                .emit(Event::ConversationStatus { statuses: applied });
        }
        Ok(())
    }

    /// Asks for the next page of the status changes made since this device last caught up
    /// (on other devices, or by this one before a restart).
    pub(super) async fn catch_up_statuses(&mut self) -> Result<(), End> {
        let after_version = self
            .store
            .call_here(|conn| store::conversations::status_cursor(conn))
            .map_err(|e| End::Lost(format!("reading the status cursor: {e}")))?;
        let query =
            improto::request::Body::ConversationStatuses(improto::ConversationStatusQuery {
                after_version,
                limit: 0,
            });
        self.request(query, Waiting::StatusSync).await
    }
}

/// A conversation status from the server as the store takes it; `None` for an unknown
/// conversation type or notification status.
pub(crate) fn synced_from_wire(s: improto::ConversationStatus) -> Option<SyncedStatus> {
    Some(SyncedStatus {
        status: ConversationStatus {
            conversation_type: ConversationType::try_from(s.conversation_type).ok()?,
            target_id: s.target_id,
            is_top: s.is_top,
            notification_status: NotificationStatus::try_from(s.notification_status).ok()?,
        },
        version: s.version,
    })
}
