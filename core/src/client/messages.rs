//! Message requests: sending, resending and custom message types (seed §2.8,
//! `registerMessageType`).

use super::ImClient;
use crate::api::{Operation, SyncOperation};
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::{Message, MessageContent};
use crate::message_types::MessageTag;
use crate::send_options::{SendConfig, Sending};
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
/// (nothing is stored then, nothing is sent); 22406 not in the group, 22408 muted in it.
/// Types that are not persisted (typing status, commands…) and status messages
/// (`config.isStatusMessage`: only recipients online now get them) are never stored and
/// resolve with `messageId` 0. The optional parameters (seed §2.8) are checked before anything
/// is stored or sent (33003: a push text over 1 KB or push data over 8 KB, a `pushConfig` that
/// is not a `MessagePushConfig` object, `userIds` outside a group message, over 1000 of them or
/// invalid, a bad `mentionedInfo` in the content) and become the message's fields for its
/// sender and recipients (`disableNotification`, `pushConfig` holding `pushContent` and
/// `pushData` unless it has its own, `isMentioned`, `isStatusMessage`; `isVoipPush` travels to
/// the server's push).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SendMessage {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// The peer (private chat) or the group id (group chat).
    pub target_id: String,
    /// Type and content, e.g. `{"objectName":"RC:TxtMsg","content":{"content":"hi"}}`.
    pub message: MessageContent,
    /// An @ message (its `mentionedInfo` is in the content).
    pub is_mentioned: Option<bool>,
    /// Push display text.
    pub push_content: Option<String>,
    /// Push extra data.
    pub push_data: Option<String>,
    /// Deprecated: `null` (a number is accepted and ignored).
    #[ts(type = "number | null")]
    pub method_type: Option<serde_json::Value>,
    /// Directed recipients, VoIP push, silent, status message, push config.
    pub config: Option<SendConfig>,
}

impl Operation for SendMessage {
    const METHOD: &'static str = "sendMessage";
    type Output = Message;

    async fn run(self, client: ImClient) -> ImResult<Message> {
        let sending = Sending::new(
            self.conversation_type,
            self.is_mentioned,
            self.push_content,
            self.push_data,
            self.method_type.as_ref(),
            self.config,
        )?;
        client
            .send_message_with(
                self.conversation_type,
                &self.target_id,
                self.message,
                sending,
            )
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
