//! Messages of the local database: read one, insert local-only ones (one, or a batch for
//! imports), change their content and statuses (seed `getMessage`, `insertMessage`,
//! `setMessage*`; `insertMessages`).

use super::ImClient;
use crate::api::{Operation, json};
use crate::enums::{ConversationType, SentStatus};
use crate::error::{ImError, ImResult};
use crate::message::{
    BatchInsert, InsertBatch, InsertMessage as LocalInsert, Message, MessageRef,
    validate_received_status, validate_target_id,
};
use crate::store::{LocalMessage, local_messages, messages};
use crate::time::unique_local_ms;
use improto::limits::MAX_INSERT_BATCH;
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
    /// in the conversation list. With `count_unread` (the seed desktop's way: it stores the
    /// message with its received status), a received message of a counted type whose
    /// `receivedStatus` lacks READ (1) counts as unread, and its @-mention as a mention; without,
    /// it never counts. A `messageUId` already stored is not stored again: resolves to the
    /// message stored under it, else to the new one.
    pub async fn insert_message(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        message: LocalInsert,
        count_unread: bool,
    ) -> ImResult<Message> {
        let one = BatchInsert {
            conversation_type: None,
            target_id: None,
            message,
        };
        let mut stored = self
            .insert_messages(
                Some((conversation_type, target_id)),
                vec![one],
                count_unread,
            )
            .await?;
        Ok(stored.remove(0))
    }

    /// Stores up to 500 messages as [`ImClient::insert_message`] does, all or none, in one
    /// transaction (imports, restores): each into its own conversation if it names one, else
    /// into `conversation`. Resolves to the stored messages in the given order (for a UID
    /// already stored, the message stored under it). 33003 for a batch of 0 or over 500, or
    /// any bad message or conversation, and nothing is stored.
    pub async fn insert_messages(
        &self,
        conversation: Option<(ConversationType, &str)>,
        batch: Vec<BatchInsert>,
        count_unread: bool,
    ) -> ImResult<Vec<Message>> {
        self.ensure_initialized()?;
        if batch.is_empty() || batch.len() > MAX_INSERT_BATCH {
            return Err(ImError::invalid(format!(
                "insert 1–{MAX_INSERT_BATCH} messages a call"
            )));
        }
        let local = batch
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                local_message(conversation, item)
                    .map_err(|e| ImError::new(e.code, format!("messages[{i}]: {}", e.message)))
            })
            .collect::<ImResult<Vec<_>>>()?;
        self.on_store(move |conn| local_messages::insert_local(conn, &local, count_unread))
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

/// The row of `item`, in its own conversation or else in `conversation` (33003 with neither,
/// or with a bad id or content).
fn local_message(
    conversation: Option<(ConversationType, &str)>,
    item: BatchInsert,
) -> ImResult<LocalMessage> {
    let (conversation_type, target_id) = match (item.conversation_type, item.target_id) {
        (Some(kind), Some(id)) => (kind, id),
        (None, None) => conversation
            .map(|(kind, id)| (kind, id.to_owned()))
            .ok_or_else(|| ImError::invalid("no conversationType and targetId"))?,
        _ => {
            return Err(ImError::invalid(
                "conversationType and targetId go together",
            ));
        }
    };
    validate_target_id(&target_id)?;
    let message = item.message;
    Ok(LocalMessage {
        message_uid: message.message_uid,
        conversation_type,
        target_id,
        sender_user_id: message.sender_user_id,
        direction: message.direction,
        object_name: message.content.kind.object_name.to_owned(),
        content: message.content.encoded()?,
        sent_status: message.sent_status,
        received_status: message.received_status,
        sent_time: message.sent_time.unwrap_or_else(unique_local_ms),
    })
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
/// it shows in the conversation list. A received message (`messageDirection` 2) of a counted
/// type whose `receivedStatus` lacks READ (1) counts as unread, and its @-mention as a mention,
/// as in the seed desktop, which stores the message with its received status; `countUnread:
/// false` never counts it. A `messageUId` already stored is not stored again. Resolves to the
/// stored message (for a UID already stored, the message stored under it); 33003 when the
/// message is malformed.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct InsertMessage {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The message.
    pub message: LocalInsert,
    /// Whether a received, unread message counts as unread (default true).
    pub count_unread: Option<bool>,
}

impl Operation for InsertMessage {
    const METHOD: &'static str = "insertMessage";
    type Output = Message;

    async fn run(self, client: ImClient) -> ImResult<Message> {
        client
            .insert_message(
                self.conversation_type,
                &self.target_id,
                self.message,
                self.count_unread.unwrap_or(true),
            )
            .await
    }
}

/// Stores 1–500 messages as `insertMessage` does (validation, unread and mention counting,
/// search index), all or none, in one transaction: imports and restores of history. Each goes
/// into its own `conversationType` and `targetId` if it names them, else into the call's. A
/// `messageUId` already stored (or earlier in the batch) is not stored again. Resolves to the
/// stored messages in the given order, a UID already stored answered by the message stored
/// under it; 33003 for no messages, over 500, or any bad message (named by its index), and
/// then nothing is stored.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct InsertMessages {
    /// Conversation type of the messages that name none.
    pub conversation_type: Option<ConversationType>,
    /// Conversation id of the messages that name none.
    pub target_id: Option<String>,
    /// The messages, each optionally with its own `conversationType` and `targetId`.
    pub messages: InsertBatch,
    /// Whether received, unread messages count as unread (default true, as `insertMessage`).
    pub count_unread: Option<bool>,
}

impl Operation for InsertMessages {
    const METHOD: &'static str = "insertMessages";
    type Output = Vec<Message>;

    async fn run(self, client: ImClient) -> ImResult<Vec<Message>> {
        let conversation = match (self.conversation_type, &self.target_id) {
            (Some(kind), Some(id)) => Some((kind, id.as_str())),
            (None, None) => None,
            _ => {
                return Err(ImError::invalid(
                    "conversationType and targetId go together",
                ));
            }
        };
        client
            .insert_messages(
                conversation,
                self.messages.0,
                self.count_unread.unwrap_or(true),
            )
            .await
    }

    fn answer(output: &Vec<Message>) -> ImResult<String> {
        Ok(json::to_string(output))
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
