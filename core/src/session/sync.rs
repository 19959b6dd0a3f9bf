//! What a session keeps in step besides messages, once the offline pull is done: the server's
//! conversation list for a new device, and the user's conversation statuses (those changed
//! here offline go to the server, those changed elsewhere come here).

use super::incoming_from_wire;
use super::jobs::Job;
use super::machine::{Action, Actions, Machine, lost};
use super::requests::Waiting;
use crate::conversation::ConversationStatus;
use crate::enums::{ConversationType, NotificationStatus};
use crate::error::{ImResult, code};
use crate::events::Event;
use crate::store::conversations::{PullMark, StatusOrigin, SyncedStatus};

/// Conversations fetched from the server when the local database starts empty (new device or
/// recovered database).
const CONVERSATION_SYNC_COUNT: u32 = improto::limits::MAX_CONVERSATION_COUNT as u32;

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

impl Machine {
    /// Announces the end of the offline pull. A database that started empty (new device,
    /// recovered file) then asks for the server's conversation list, for conversations whose
    /// messages are older than the inbox keeps; after the pull, so that what the inbox held
    /// arrives as news (announced, counted as unread) first. Then the statuses changed here
    /// offline go out and those changed elsewhere are caught up.
    pub(super) fn finish_offline_pull(&mut self) -> Actions {
        self.offline_finished = true;
        let next = if self.started_empty {
            self.started_empty = false;
            Job::PullMark
        } else {
            Job::PendingStatuses
        };
        vec![Action::Emit(Event::PullOfflineFinished), Action::Run(next)]
    }

    /// Asks for the server's conversation list once the pull stored what the mark read says.
    pub(super) fn on_pull_mark(&mut self, read: ImResult<PullMark>) -> Actions {
        let pulled_through = match read {
            Ok(mark) => mark,
            Err(e) => return lost("reading conversations", e),
        };
        let query = improto::request::Body::ConversationList(improto::ConversationListQuery {
            count: CONVERSATION_SYNC_COUNT,
            before_time: 0,
        });
        vec![
            self.request(query, Waiting::ConversationSync { pulled_through }),
            Action::Run(Job::PendingStatuses),
        ]
    }

    /// Sends the statuses changed here while offline; the server answers each with its
    /// version (and shows it to the user's other devices). Then catches up.
    pub(super) fn on_pending_statuses(
        &mut self,
        read: ImResult<Vec<ConversationStatus>>,
    ) -> Actions {
        let pending = match read {
            Ok(pending) => pending,
            Err(e) => return lost("reading pending statuses", e),
        };
        let mut actions = Vec::with_capacity(pending.len() + 1);
        for status in pending {
            let waiting = Waiting::OwnStatus(status.conversation_type, status.target_id.clone());
            let change = improto::SetConversationStatus {
                conversation_type: status.conversation_type.into(),
                target_id: status.target_id,
                is_top: Some(status.is_top),
                notification_status: Some(status.notification_status.into()),
            };
            let body = improto::request::Body::SetConversationStatus(change);
            actions.push(self.request(body, waiting));
        }
        actions.push(Action::Run(Job::StatusCursor));
        actions
    }

    /// Asks for the next page of the status changes made since this device last caught up
    /// (on other devices, or by this one before a restart) to the version read.
    pub(super) fn on_status_cursor(&mut self, read: ImResult<u64>) -> Actions {
        let after_version = match read {
            Ok(version) => version,
            Err(e) => return lost("reading the status cursor", e),
        };
        let query =
            improto::request::Body::ConversationStatuses(improto::ConversationStatusQuery {
                after_version,
                limit: 0,
            });
        vec![self.request(query, Waiting::StatusSync)]
    }

    /// Merges the server's conversation list into an empty database after its first pull: stores
    /// each conversation's latest message, and hides the pulled conversations the list leaves
    /// out (removed on another device).
    pub(super) fn on_conversation_list(
        &mut self,
        response: improto::Response,
        pulled_through: PullMark,
    ) -> Actions {
        let Some(improto::response::Body::ConversationList(list)) = response.body else {
            self.log.warn(format!(
                "conversation list sync refused with {}",
                response.code
            ));
            return Vec::new();
        };
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
        vec![Action::Run(Job::ConversationList {
            batch,
            listed,
            pulled_through,
            oldest_listed,
        })]
    }

    /// A page of the status changes made elsewhere: applied, then the next page asked for.
    pub(super) fn on_status_page(&mut self, response: improto::Response) -> Actions {
        let Some(improto::response::Body::ConversationStatuses(page)) = response.body else {
            self.log.warn(format!(
                "conversation status sync refused with {}",
                response.code
            ));
            return Vec::new();
        };
        self.statuses_job(page.statuses, StatusNews::CaughtUp, page.has_more)
    }

    /// Takes the server's answer to a status changed here offline: applied with its version;
    /// if the server will never take it (33003) it stays only here; otherwise it is sent again
    /// on the next connection.
    pub(super) fn on_own_status(
        &mut self,
        kind: ConversationType,
        target_id: String,
        response: improto::Response,
    ) -> Actions {
        if let Some(improto::response::Body::ConversationStatuses(own)) = response.body {
            return self.apply_statuses(own.statuses, StatusNews::Own);
        }
        if response.code != code::INVALID_PARAMETER {
            return Vec::new();
        }
        self.log.warn(format!(
            "the server refused the status of conversation {target_id}; it stays on this device"
        ));
        vec![Action::Run(Job::SettleStatus(kind, target_id))]
    }

    /// Applies conversation statuses from the server.
    pub(super) fn apply_statuses(
        &mut self,
        statuses: Vec<improto::ConversationStatus>,
        news: StatusNews,
    ) -> Actions {
        self.statuses_job(statuses, news, false)
    }

    /// Applies conversation statuses from the server; a catch-up page then moves the catch-up
    /// cursor past them, and `more` asks for the next page.
    fn statuses_job(
        &mut self,
        statuses: Vec<improto::ConversationStatus>,
        news: StatusNews,
        more: bool,
    ) -> Actions {
        let last_version = statuses.last().map(|s| s.version);
        let synced = statuses.into_iter().filter_map(synced_from_wire).collect();
        let origin = match news {
            StatusNews::Own => StatusOrigin::Here,
            StatusNews::Pushed | StatusNews::CaughtUp => StatusOrigin::Elsewhere,
        };
        vec![Action::Run(Job::Statuses {
            synced,
            origin,
            advance_to: last_version.filter(|_| news == StatusNews::CaughtUp),
            announce: origin == StatusOrigin::Elsewhere,
            more,
        })]
    }

    /// Statuses applied: the host hears of other devices' changes that changed something.
    pub(super) fn on_statuses_applied(
        &mut self,
        applied: ImResult<Vec<ConversationStatus>>,
        announce: bool,
        more: bool,
    ) -> Actions {
        let applied = match applied {
            Ok(applied) => applied,
            Err(e) => return lost("storing conversation statuses", e),
        };
        let mut actions = Vec::new();
        if !applied.is_empty() && announce {
            actions.push(Action::Emit(Event::ConversationStatus {
                statuses: applied,
            }));
        }
        if more {
            actions.push(Action::Run(Job::StatusCursor));
        }
        actions
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

#[cfg(test)]
mod tests {
    use super::super::groups::tests::{heads_answer, heads_request_in};
    use super::super::jobs::Done;
    use super::super::machine::tests::machine;
    use super::*;

    #[test]
    fn a_new_device_asks_for_the_conversation_list_then_catches_up_statuses() {
        let mut m = machine(0, 0);
        m.started_empty = true;
        let heads = heads_request_in(&m.start());
        let actions = m.on_response(heads_answer(&heads, &[], false));
        assert!(matches!(
            actions.as_slice(),
            [
                Action::Emit(Event::PullOfflineFinished),
                Action::Run(Job::PullMark)
            ]
        ));
        let actions = m.on_done(Done::PullMark(Ok(PullMark {
            sent_time: 9,
            message_id: 3,
        })));
        assert!(matches!(
            actions.as_slice(),
            [
                Action::Write(improto::Body::Request(_)),
                Action::Run(Job::PendingStatuses)
            ]
        ));
        let actions = m.on_done(Done::PendingStatuses(Ok(Vec::new())));
        assert!(matches!(
            actions.as_slice(),
            [Action::Run(Job::StatusCursor)]
        ));
        let actions = m.on_done(Done::StatusCursor(Ok(4)));
        let [Action::Write(improto::Body::Request(request))] = actions.as_slice() else {
            panic!("the catch-up is asked for");
        };
        let page = improto::ConversationStatuses {
            statuses: vec![improto::ConversationStatus {
                conversation_type: ConversationType::Private.into(),
                target_id: "ann".into(),
                version: 5,
                ..Default::default()
            }],
            has_more: true,
        };
        let response = improto::Response {
            request_id: request.request_id,
            body: Some(improto::response::Body::ConversationStatuses(page)),
            ..Default::default()
        };
        let actions = m.on_response(response);
        assert!(matches!(
            actions.as_slice(),
            [Action::Run(Job::Statuses {
                advance_to: Some(5),
                announce: true,
                more: true,
                ..
            })]
        ));
    }
}
