//! Conversations as the seed describes them (§5.2), and the status an app may set on them.

use crate::enums::{ConversationType, NotificationStatus, SentStatus};
use crate::error::{ImError, ImResult};
use crate::message::Message;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use improto::limits::MAX_CONVERSATION_COUNT;

/// One entry of the conversation list, from the local database.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImConversation", optional_fields)]
pub struct Conversation {
    /// Conversation kind.
    pub conversation_type: ConversationType,
    /// Conversation id: the peer for private chats, the group id for groups, the sender for
    /// the system conversation.
    pub target_id: String,
    /// The latest message, `None` when the conversation has none (all deleted, or pinned first).
    pub latest_message: Option<Message>,
    /// Local id of the latest message.
    pub latest_message_id: Option<i64>,
    /// ObjectName of the latest message (`""` without one).
    pub object_name: String,
    /// Sent time of the latest message (ms); the list order after pinning.
    pub sent_time: i64,
    /// Sent status of the latest message.
    pub sent_status: Option<SentStatus>,
    /// Messages received since the unread count was last cleared (counted types only).
    pub unread_message_count: i64,
    /// Unread messages that mention the current user.
    pub mentioned_count: i64,
    /// Whether an unread message mentions the current user.
    pub has_mentioned: bool,
    /// Pinned to the top of the list.
    pub is_top: bool,
    /// Do-not-disturb status (1 on, 2 off).
    pub notification_status: NotificationStatus,
    /// The saved text draft, `""` when none.
    pub draft: String,
    /// Messages matching the keyword (only in `search_conversation_by_content` results).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_count: Option<i64>,
}

/// A conversation, by type and id.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversationKey {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
}

/// A saved text draft and its conversation (an entry of `getTextMessageDrafts`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImDraft")]
pub struct Draft {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The draft text.
    pub draft: String,
}

/// What `set_conversation_status` changes (seed `statusItem`); absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ConversationStatusItem {
    /// Pin or unpin.
    pub is_top: Option<bool>,
    /// 1 do not disturb, 2 notify.
    pub notification_status: Option<NotificationStatus>,
}

impl ConversationStatusItem {
    /// Parses `{"isTop":true,"notificationStatus":1}` (33003 when malformed or empty).
    pub fn from_json(json: &str) -> ImResult<Self> {
        let item: Self = serde_json::from_str(json)
            .map_err(|e| ImError::invalid(format!("status item: {e}")))?;
        if item == Self::default() {
            return Err(ImError::invalid(
                "status item needs isTop or notificationStatus",
            ));
        }
        Ok(item)
    }
}

/// A conversation's pin and do-not-disturb state, as another device of the user set it
/// (payload of the `conversationStatus` event, the seed's conversation status listener).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImConversationStatus")]
pub struct ConversationStatus {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// Pinned.
    pub is_top: bool,
    /// 1 do not disturb, 2 notify.
    pub notification_status: NotificationStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_items_parse_and_refuse_nonsense() {
        let item = ConversationStatusItem::from_json(r#"{"isTop":true}"#).unwrap();
        assert_eq!(item.is_top, Some(true));
        let item = ConversationStatusItem::from_json(r#"{"notificationStatus":1}"#).unwrap();
        assert_eq!(
            item.notification_status,
            Some(NotificationStatus::DoNotDisturb)
        );
        for bad in [
            "{}",
            "[]",
            r#"{"notificationStatus":3}"#,
            r#"{"pinned":true}"#,
        ] {
            assert_eq!(
                ConversationStatusItem::from_json(bad).unwrap_err().code,
                33003
            );
        }
    }
}
