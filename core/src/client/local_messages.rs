//! Messages of the local database: read one, insert local-only ones, change their content and
//! statuses (seed `getMessage`, `insertMessage`, `setMessage*`).

use super::ImClient;
use crate::api::Operation;
use crate::enums::{ConversationType, SentStatus};
use crate::error::ImResult;
use crate::message::{
    InsertMessage as LocalInsert, Message, MessageRef, validate_received_status, validate_target_id,
};
use crate::store::{LocalMessage, local_messages, messages};
use crate::time::unique_local_ms;
use serde::Deserialize;
use ts_rs::TS;

impl ImClient {
    /// One message by local id or server UID, `None` if not stored (seed `getMessage`).
    pub async fn get_message(&self, which: MessageRef) -> ImResult<Option<Message>> {
        self.ensure_initialized()?;
        self.read_store(|conn| match &which {
            MessageRef::Id(id) => messages::get(conn, *id),
            MessageRef::Uid(uid) => messages::get_by_uid(conn, uid),
        })
    }

    /// Stores a message in a conversation without sending it (seed `insertMessage`); it shows
    /// in the conversation list but never counts as unread. Resolves to the stored message.
    pub async fn insert_message(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        message: LocalInsert,
    ) -> ImResult<Message> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        let local = LocalMessage {
            conversation_type,
            target_id: target_id.to_owned(),
            sender_user_id: message.sender_user_id,
            direction: message.direction,
            object_name: message.content.kind.object_name.to_owned(),
            content: message.content.encoded()?,
            sent_status: message.sent_status,
            received_status: message.received_status,
            sent_time: message.sent_time.unwrap_or_else(unique_local_ms),
        };
        self.on_store(move |conn| local_messages::insert_local(conn, &local))
            .await
    }

    /// Replaces a message's content object (JSON obeying the content rules of any type,
    /// [`improto::content::check_form`]); resolves to whether it exists.
    pub async fn set_message_content(&self, message_id: i64, content: &str) -> ImResult<bool> {
        self.ensure_initialized()?;
        improto::content::check_form(content)?;
        let content = content.to_owned();
        self.on_store(move |conn| local_messages::set_content(conn, message_id, &content))
            .await
    }

    /// Sets a message's received-status flags (0–255); resolves to whether it exists.
    pub async fn set_message_received_status(
        &self,
        message_id: i64,
        status: i32,
    ) -> ImResult<bool> {
        self.ensure_initialized()?;
        validate_received_status(status)?;
        self.on_store(move |conn| local_messages::set_received_status(conn, message_id, status))
            .await
    }

    /// Sets a message's sent status; resolves to whether it exists.
    pub async fn set_message_sent_status(
        &self,
        message_id: i64,
        status: SentStatus,
    ) -> ImResult<bool> {
        self.ensure_initialized()?;
        self.on_store(move |conn| local_messages::set_sent_status(conn, message_id, status))
            .await
    }
}

/// One message of the local database by local id (a number) or server UID (a string); `null`
/// if it is not stored (seed `getMessage`). 33003 for anything else.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetMessage {
    /// Its `messageId` (number) or `messageUId` (string).
    pub message: MessageRef,
}

impl Operation for GetMessage {
    const METHOD: &'static str = "getMessage";
    type Output = Option<Message>;

    async fn run(self, client: ImClient) -> ImResult<Option<Message>> {
        client.get_message(self.message).await
    }
}

/// Stores a message in a conversation without sending it (seed `insertMessage`), e.g. a tip;
/// it shows in the conversation list but never counts as unread. Resolves to the stored
/// message; 33003 when the message is malformed.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InsertMessage {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The message.
    pub message: LocalInsert,
}

impl Operation for InsertMessage {
    const METHOD: &'static str = "insertMessage";
    type Output = Message;

    async fn run(self, client: ImClient) -> ImResult<Message> {
        client
            .insert_message(self.conversation_type, &self.target_id, self.message)
            .await
    }
}

/// Replaces the content object of a stored message (seed `setMessageContent`); resolves to
/// whether the message exists. 30016 for content over 128 KB, 33003 nested over 32 deep.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetMessageContent {
    /// Local id.
    pub message_id: i64,
    /// The new content object, e.g. `{"content":"edited"}`.
    pub content: serde_json::Map<String, serde_json::Value>,
}

impl Operation for SetMessageContent {
    const METHOD: &'static str = "setMessageContent";
    type Output = bool;

    async fn run(self, client: ImClient) -> ImResult<bool> {
        let content = serde_json::Value::Object(self.content).to_string();
        client.set_message_content(self.message_id, &content).await
    }
}

/// Sets the received-status flags of a stored message (seed ReceivedStatus: READ 1, LISTENED
/// 2, DOWNLOADED 4, RETRIEVED 8, MULTIPLERECEIVE 16; 33003 outside 0–255); resolves to
/// whether it exists.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetMessageReceivedStatus {
    /// Local id.
    pub message_id: i64,
    /// The flags.
    pub received_status: i32,
}

impl Operation for SetMessageReceivedStatus {
    const METHOD: &'static str = "setMessageReceivedStatus";
    type Output = bool;

    async fn run(self, client: ImClient) -> ImResult<bool> {
        client
            .set_message_received_status(self.message_id, self.received_status)
            .await
    }
}

/// Sets the sent status of a stored message (10 sending, 20 failed, 30 sent, 40 received,
/// 50 read, 60 destroyed); resolves to whether it exists.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetMessageSentStatus {
    /// Local id.
    pub message_id: i64,
    /// The status.
    pub sent_status: SentStatus,
}

impl Operation for SetMessageSentStatus {
    const METHOD: &'static str = "setMessageSentStatus";
    type Output = bool;

    async fn run(self, client: ImClient) -> ImResult<bool> {
        client
            .set_message_sent_status(self.message_id, self.sent_status)
            .await
    }
}
