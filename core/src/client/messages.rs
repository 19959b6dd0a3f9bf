//! Message requests: sending, resending and custom message types (seed §2.8,
//! `registerMessageType`).

use super::ImClient;
use crate::api::{Operation, SyncOperation};
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::{Message, MessageContent};
use crate::message_types::MessageTag;
use serde::Deserialize;
use ts_rs::TS;

/// Registers a custom message type for every client of the process (the seed's static
/// `registerMessageType`; call it before connecting). Registering an ObjectName again changes
/// its tag and fields. 33003 when `objectName` is empty, over 32 bytes or starts with `RC:`,
/// when `messageType` is empty, over 64 bytes or names another type, or for a bad field list.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct RegisterMessageType {
    /// Class name reported as the messages' `messageType`.
    pub message_type: String,
    /// Wire name, e.g. `app:card` (not `RC:`…).
    pub object_name: String,
    /// Whether the type counts as unread and is stored (the seed's `MessageTag`).
    pub message_tag: MessageTag,
    /// Content fields whose strings and integers are searchable (at most 16).
    pub search_props: Option<Vec<String>>,
}

impl SyncOperation for RegisterMessageType {
    const METHOD: &'static str = "registerMessageType";
    const GLOBAL: bool = true;
    type Output = ();

    fn run(self, _: &ImClient) -> ImResult<()> {
        ImClient::register_message_type(
            &self.message_type,
            &self.object_name,
            self.message_tag,
            &self.search_props.unwrap_or_default(),
        )
    }
}

/// Sends a message (seed `sendMessage`) and resolves to it as stored once the server
/// acknowledged it: SENT with the server's `messageUId` and `sentTime`. A send that fails is
/// stored FAILED and its error carries it (`failedMessage`, for `resendMessage`): 30001 not
/// connected, 30003 no answer in time, 20604 over 5 messages a second, 30016 content over
/// 128 KB, 33003 bad parameter or content (nested over 32 deep, or a built-in type without its
/// fields, e.g. a TextMessage whose `content` is not a string), or the SYSTEM conversation
/// (nothing is stored then, nothing is sent), 22406 not in the group, 22408 muted in it.
/// Types that are not persisted (typing status, commands…) are never stored and resolve with
/// `messageId` 0.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessage {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// The peer (private chat) or the group id (group chat).
    pub target_id: String,
    /// Type and content, e.g. `{"objectName":"RC:TxtMsg","content":{"content":"hi"}}`.
    pub message: MessageContent,
}

impl Operation for SendMessage {
    const METHOD: &'static str = "sendMessage";
    type Output = Message;

    async fn run(self, client: ImClient) -> ImResult<Message> {
        client
            .send_message(self.conversation_type, &self.target_id, self.message)
            .await
    }
}

/// Sends a FAILED message again under its original idempotency key, so that the receiver gets
/// it once even if the first attempt did reach the server; resolves to the message, now SENT.
/// 33003 when `messageId` is not a failed outgoing message.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResendMessage {
    /// Local id of the FAILED message.
    pub message_id: i64,
}

impl Operation for ResendMessage {
    const METHOD: &'static str = "resendMessage";
    type Output = Message;

    async fn run(self, client: ImClient) -> ImResult<Message> {
        client.resend_message(self.message_id).await
    }
}
