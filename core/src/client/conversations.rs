//! Conversation list, conversation status and unread counts (seed §2.3, §2.5, §2.6), read
//! from and written to the local database; removals and statuses also go to the server when
//! connected, so that every device of the user shows them.

use super::conversation_sync::{remove_conversation_remotely, set_status_remotely};
use super::{ImClient, run, user_store};
use crate::api::Operation;
use crate::conversation::{
    Conversation, ConversationKey, ConversationStatusItem, MAX_CONVERSATION_COUNT,
};
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::validate_count;
use crate::message::validate_target_id;
use crate::store::conversations::{self, StatusOrigin};
use serde::Deserialize;
use ts_rs::TS;

impl ImClient {
    /// The conversation list (seed `getConversationList`): conversations of `types` (`None` =
    /// every type), pinned first, then by latest message, at most `count` (1–1000).
    pub async fn get_conversation_list(
        &self,
        types: Option<Vec<ConversationType>>,
        count: usize,
    ) -> ImResult<Vec<Conversation>> {
        self.ensure_initialized()?;
        validate_count(count, MAX_CONVERSATION_COUNT)?;
        self.read_store(|conn| conversations::list(conn, types.as_deref(), count))
    }

    /// One conversation, `None` if it never had a message or status (seed `getConversation`).
    pub async fn get_conversation(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<Option<Conversation>> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        self.read_store(|conn| conversations::get(conn, conversation_type, target_id))
    }

    /// Removes a conversation from the list until a new message arrives in it; its messages
    /// stay (seed `removeConversation`). When connected it is removed from the server's list
    /// too, so that a new device does not get it back. Resolves to whether it was listed here.
    pub async fn remove_conversation(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<bool> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let local = target_id.clone();
            let removed = user_store(&engine)?
                .call(move |conn| conversations::remove(conn, conversation_type, &local))
                .await?;
            remove_conversation_remotely(&engine, conversation_type, target_id).await?;
            Ok(removed)
        })
        .await
    }

    /// Removes every conversation of `types` (`None` = all) from the list, here and (when
    /// connected) on the server (seed `clearConversations`); resolves to how many were removed.
    pub async fn clear_conversations(
        &self,
        types: Option<Vec<ConversationType>>,
    ) -> ImResult<usize> {
        let engine = self.engine()?;
        run(&engine.runtime.clone(), async move {
            let removed = user_store(&engine)?
                .call(move |conn| conversations::remove_all(conn, types.as_deref()))
                .await?;
            let count = removed.len();
            for (kind, target_id) in removed {
                remove_conversation_remotely(&engine, kind, target_id).await?;
            }
            Ok(count)
        })
        .await
    }

    /// Pins/unpins or mutes/unmutes a conversation (seed `setConversationStatus`). The change is
    /// the user's, made on the server and shown on every device (the others get a
    /// `conversationStatus` event): at once when connected, else on the next connection.
    pub async fn set_conversation_status(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        status: ConversationStatusItem,
    ) -> ImResult<()> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        if status == ConversationStatusItem::default() {
            return Err(crate::error::ImError::invalid(
                "status needs isTop or notificationStatus",
            ));
        }
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let store = user_store(&engine)?;
            match set_status_remotely(&engine, conversation_type, &target_id, &status).await? {
                Some(synced) => {
                    store
                        .call(move |conn| {
                            conversations::apply_synced(conn, &[synced], StatusOrigin::Here)
                                .map(drop)
                        })
                        .await
                }
                None => {
                    store
                        .call(move |conn| {
                            conversations::set_status(conn, conversation_type, &target_id, &status)
                        })
                        .await
                }
            }
        })
        .await
    }

    /// Total unread count over `types` (`None` = all); do-not-disturb conversations only when
    /// `include_muted` (seed `getTotalUnreadCount`).
    pub async fn get_total_unread_count(
        &self,
        types: Option<Vec<ConversationType>>,
        include_muted: bool,
    ) -> ImResult<i64> {
        self.ensure_initialized()?;
        self.read_store(|conn| conversations::total_unread(conn, types.as_deref(), include_muted))
    }

    /// Unread count of one conversation (seed `getUnreadCount`).
    pub async fn get_unread_count(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<i64> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        self.read_store(|conn| conversations::unread(conn, conversation_type, target_id))
    }

    /// Unread count over `types`, muted conversations included (seed
    /// `getConversationUnreadCount`).
    pub async fn get_conversation_unread_count(
        &self,
        types: Vec<ConversationType>,
    ) -> ImResult<i64> {
        self.ensure_initialized()?;
        self.read_store(|conn| conversations::total_unread(conn, Some(&types), true))
    }

    /// Clears the unread count and @-mentions of one conversation (seed `clearUnreadCount`);
    /// resolves to whether anything was unread.
    pub async fn clear_unread_count(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<bool> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        let target_id = target_id.to_owned();
        self.on_store(move |conn| conversations::clear_unread(conn, conversation_type, &target_id))
            .await
    }

    /// Clears every conversation's unread count and @-mentions (seed `clearAllUnreadCount`).
    pub async fn clear_all_unread_count(&self) -> ImResult<()> {
        self.ensure_initialized()?;
        self.on_store(|conn| conversations::clear_all_unread(conn))
            .await
    }
}

/// The conversation list (seed `getConversationList`): conversations of `types` (absent = every
/// type), pinned first, then by latest message, at most `count` (1–1000, else 33003).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct GetConversationList {
    /// Conversation types to list, e.g. `[1, 3]`; absent or `null` for all.
    pub types: Option<Vec<ConversationType>>,
    /// At most this many, 1–1000.
    pub count: usize,
}

impl Operation for GetConversationList {
    const METHOD: &'static str = "getConversationList";
    type Output = Vec<Conversation>;

    async fn run(self, client: ImClient) -> ImResult<Vec<Conversation>> {
        client.get_conversation_list(self.types, self.count).await
    }
}

/// One conversation, `null` if it never had a message or a status (seed `getConversation`).
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct GetConversation(pub ConversationKey);

impl Operation for GetConversation {
    const METHOD: &'static str = "getConversation";
    type Output = Option<Conversation>;

    async fn run(self, client: ImClient) -> ImResult<Option<Conversation>> {
        let key = self.0;
        client
            .get_conversation(key.conversation_type, &key.target_id)
            .await
    }
}

/// Removes a conversation from the list until a new message arrives in it; its messages stay
/// (seed `removeConversation`). When connected it is removed from the server's list too, so
/// that a new device does not get it back. Resolves to whether it was listed here.
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct RemoveConversation(pub ConversationKey);

impl Operation for RemoveConversation {
    const METHOD: &'static str = "removeConversation";
    type Output = bool;

    async fn run(self, client: ImClient) -> ImResult<bool> {
        let key = self.0;
        client
            .remove_conversation(key.conversation_type, &key.target_id)
            .await
    }
}

/// Removes every conversation of `types` (absent = all) from the list, here and (when
/// connected) on the server (seed `clearConversations`); resolves to how many were removed.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct ClearConversations {
    /// Conversation types; absent or `null` for all.
    pub types: Option<Vec<ConversationType>>,
}

impl Operation for ClearConversations {
    const METHOD: &'static str = "clearConversations";
    type Output = usize;

    async fn run(self, client: ImClient) -> ImResult<usize> {
        client.clear_conversations(self.types).await
    }
}

/// Pins/unpins or mutes/unmutes a conversation (seed `setConversationStatus`); absent fields
/// stay as they are, an empty status is 33003. The change is the user's, made on the server
/// and shown on every device (the others get a `conversationStatus` event): at once when
/// connected, else on the next connection.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetConversationStatus {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// `{"isTop":true}` and/or `{"notificationStatus":1}` (1 do not disturb, 2 notify).
    pub status: ConversationStatusItem,
}

impl Operation for SetConversationStatus {
    const METHOD: &'static str = "setConversationStatus";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client
            .set_conversation_status(self.conversation_type, &self.target_id, self.status)
            .await
    }
}

/// Total unread count over `types` (absent = all); do-not-disturb conversations count only
/// when `includeMuted` (default false, as in the seed; seed `getTotalUnreadCount`).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct GetTotalUnreadCount {
    /// Conversation types; absent or `null` for all.
    pub types: Option<Vec<ConversationType>>,
    /// Count do-not-disturb conversations too.
    pub include_muted: Option<bool>,
}

impl Operation for GetTotalUnreadCount {
    const METHOD: &'static str = "getTotalUnreadCount";
    type Output = i64;

    async fn run(self, client: ImClient) -> ImResult<i64> {
        let muted = self.include_muted.unwrap_or(false);
        client.get_total_unread_count(self.types, muted).await
    }
}

/// Unread count of one conversation (seed `getUnreadCount`).
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct GetUnreadCount(pub ConversationKey);

impl Operation for GetUnreadCount {
    const METHOD: &'static str = "getUnreadCount";
    type Output = i64;

    async fn run(self, client: ImClient) -> ImResult<i64> {
        let key = self.0;
        client
            .get_unread_count(key.conversation_type, &key.target_id)
            .await
    }
}

/// Unread count over `types` (required), muted conversations included (seed
/// `getConversationUnreadCount`).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetConversationUnreadCount {
    /// Conversation types, e.g. `[1, 3]`.
    pub types: Vec<ConversationType>,
}

impl Operation for GetConversationUnreadCount {
    const METHOD: &'static str = "getConversationUnreadCount";
    type Output = i64;

    async fn run(self, client: ImClient) -> ImResult<i64> {
        client.get_conversation_unread_count(self.types).await
    }
}

/// Clears the unread count and @-mentions of one conversation (seed `clearUnreadCount`);
/// resolves to whether anything was unread.
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct ClearUnreadCount(pub ConversationKey);

impl Operation for ClearUnreadCount {
    const METHOD: &'static str = "clearUnreadCount";
    type Output = bool;

    async fn run(self, client: ImClient) -> ImResult<bool> {
        let key = self.0;
        client
            .clear_unread_count(key.conversation_type, &key.target_id)
            .await
    }
}

/// Clears every conversation's unread count and @-mentions (seed `clearAllUnreadCount`).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ClearAllUnreadCount {}

impl Operation for ClearAllUnreadCount {
    const METHOD: &'static str = "clearAllUnreadCount";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client.clear_all_unread_count().await
    }
}

/// Clears every conversation's unread count and @-mentions, like `clearAllUnreadCount`
/// (seed `clearTotalUnreadCount`, 2.3.5, deprecated: its replacement clears each conversation).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ClearTotalUnreadCount {}

impl Operation for ClearTotalUnreadCount {
    const METHOD: &'static str = "clearTotalUnreadCount";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client.clear_all_unread_count().await
    }
}
