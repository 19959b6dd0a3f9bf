//! Messages as the seed describes them (§5.1), and the content an app sends.

use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::{ImError, ImResult};
use crate::message_types::{self, MessageTypeInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use improto::limits::{MAX_CONTENT_BYTES, MAX_DELETE_COUNT as MAX_REMOTE_DELETE, MAX_ID_BYTES};
use improto::limits::{MAX_INSERT_BATCH, MAX_MESSAGE_UID_BYTES};

/// A stored or delivered message (seed §5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImMessage")]
pub struct Message {
    /// Conversation kind.
    pub conversation_type: ConversationType,
    /// Conversation id: the peer for private chats, the group id for groups, the sender for
    /// the system conversation.
    pub target_id: String,
    /// Who sent it.
    pub sender_user_id: String,
    /// Message content (the seed's content object), kept as JSON text.
    #[ts(type = "Record<string, unknown>")]
    pub content: Content,
    /// Wire type, e.g. `RC:TxtMsg`.
    pub object_name: String,
    /// Class name, e.g. `TextMessage`.
    #[ts(type = "string")]
    pub message_type: std::borrow::Cow<'static, str>,
    /// Local id in this user's database.
    pub message_id: i64,
    /// Server id (`XXXX-XXXX-XXXX-XXXX`), empty until the server acknowledged it.
    #[serde(rename = "messageUId")]
    pub message_uid: String,
    /// Sent or received.
    pub message_direction: MessageDirection,
    /// Delivered by an offline pull rather than a live push.
    #[serde(rename = "offLineMessage")]
    pub offline_message: bool,
    /// Delivery state (outgoing messages).
    pub sent_status: SentStatus,
    /// Server send time in ms (local time until acknowledged).
    pub sent_time: i64,
    /// Read/listened flags (incoming messages).
    pub received_status: i32,
    /// Local receive time in ms (incoming messages).
    pub received_time: i64,
    /// Silent: no push and no local notification (seed `config.disableNotification`).
    pub disable_notification: bool,
    /// Per-message push config (seed `config.pushConfig`, a `MessagePushConfig`) with the
    /// send's `pushContent` and `pushData` as its `pushContent` and `pushData` where it has
    /// none (the seed's fallback); `null` when the send had none of them.
    #[ts(type = "Record<string, unknown> | null")]
    pub push_config: Option<Content>,
    /// An @ message: the sender's `isMentioned`; for a recipient, whether it mentions them.
    pub is_mentioned: bool,
    /// A status message (seed `config.isStatusMessage`): for recipients online at the time,
    /// never stored (its `messageId` is 0) or counted.
    pub is_status_message: bool,
}

/// A message's content object as JSON text: copied as is to the shells (which hand JSON on)
/// and parsed only when asked ([`Content::value`]), so reading a page of messages does not
/// build a JSON tree per message.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Content(Box<serde_json::value::RawValue>);

impl Content {
    /// Content as stored or received; text that is not JSON becomes a JSON string.
    pub(crate) fn from_json(json: &str) -> Self {
        use serde_json::value::{RawValue, to_raw_value};
        let raw = serde_json::from_str::<Box<RawValue>>(json).or_else(|_| to_raw_value(json));
        Content(raw.expect("valid JSON text, or a string"))
    }

    /// The JSON text.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// The content parsed (`Null` if it could not be).
    pub fn value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }
}

impl PartialEq for Content {
    fn eq(&self, other: &Self) -> bool {
        self.json() == other.json()
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.json())
    }
}

/// What an app asks to send: a type and its content. As JSON
/// `{"objectName":"RC:TxtMsg"|"messageType":"TextMessage", "content":{…}}`.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(try_from = "ContentEnvelope")]
#[ts(as = "ContentEnvelope")]
pub struct MessageContent {
    /// The message type.
    pub kind: &'static MessageTypeInfo,
    /// Content object, e.g. `{"content":"hi","extra":"x"}` for a TextMessage.
    pub content: Value,
}

/// A message to send: its type by ObjectName or class name, and its content object.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ImMessageContent", optional_fields)]
pub struct ContentEnvelope {
    /// Wire type, e.g. `RC:TxtMsg` (or give `messageType`).
    object_name: Option<String>,
    /// Class name, e.g. `TextMessage`.
    message_type: Option<String>,
    /// The content object, e.g. `{"content":"hi","extra":"x"}` for a TextMessage.
    #[ts(type = "Record<string, unknown>")]
    content: Value,
}

impl TryFrom<ContentEnvelope> for MessageContent {
    type Error = ImError;

    fn try_from(envelope: ContentEnvelope) -> ImResult<Self> {
        let kind = match (&envelope.object_name, &envelope.message_type) {
            (Some(name), _) => message_types::by_object_name(name),
            (None, Some(class)) => message_types::by_message_type(class),
            (None, None) => {
                return Err(ImError::invalid("message needs objectName or messageType"));
            }
        }
        .ok_or_else(|| ImError::invalid("unknown message type (register custom types first)"))?;
        Ok(MessageContent {
            kind,
            content: envelope.content,
        })
    }
}

impl MessageContent {
    /// A TextMessage with `content` as its text.
    pub fn text(content: &str) -> Self {
        let kind = message_types::by_object_name("RC:TxtMsg").expect("built-in");
        MessageContent {
            kind,
            content: serde_json::json!({ "content": content }),
        }
    }

    /// Parses `{"objectName":"RC:TxtMsg"|"messageType":"TextMessage", "content":{…}}`.
    pub fn from_json(json: &str) -> ImResult<Self> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| ImError::invalid(format!("message JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Same as [`MessageContent::from_json`] for an already parsed value.
    pub fn from_value(value: Value) -> ImResult<Self> {
        serde_json::from_value(value).map_err(|e| ImError::invalid(format!("message: {e}")))
    }

    /// The content serialised for the wire, once it obeyed the contract's content rules
    /// ([`improto::content::check`], the server's own): 30016 over [`MAX_CONTENT_BYTES`], 33003
    /// nested too deep, not an object, or a built-in type without its fields.
    pub fn encoded(&self) -> ImResult<String> {
        let json = self.content.to_string();
        improto::content::check(self.kind.object_name, &json)?;
        Ok(json)
    }
}

/// A message to store locally without sending it (seed `insertMessage`), e.g. a tip or an
/// imported message. As JSON
/// `{"senderUserId":"bob","messageDirection":2,"objectName":"RC:InfoNtf","content":{…}}`.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(try_from = "InsertEnvelope")]
#[ts(as = "InsertEnvelope", rename = "ImInsertMessage")]
pub struct InsertMessage {
    /// The server's id of an imported message: one already stored is not stored again.
    pub message_uid: Option<String>,
    /// Who it appears to come from.
    pub sender_user_id: String,
    /// Shown as sent or received.
    pub direction: MessageDirection,
    /// Type and content.
    pub content: MessageContent,
    /// Sent status (default SENT).
    pub sent_status: SentStatus,
    /// Received-status flags (default 0).
    pub received_status: i32,
    /// Sent time in ms (default: now).
    pub sent_time: Option<i64>,
}

/// A message to store locally without sending it.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ImInsertMessage", optional_fields)]
pub struct InsertEnvelope {
    /// The server's id of an imported message (1–64 bytes): a message already stored under
    /// it is not stored again (`messageUid` accepted too).
    #[serde(rename = "messageUId", alias = "messageUid")]
    #[ts(rename = "messageUId")]
    message_uid: Option<String>,
    /// Who it appears to come from.
    sender_user_id: String,
    /// 1 sent, 2 received.
    message_direction: MessageDirection,
    /// Wire type, e.g. `RC:InfoNtf` (or give `messageType`).
    object_name: Option<String>,
    /// Class name, e.g. `InformationNotificationMessage`.
    message_type: Option<String>,
    /// The content object.
    #[ts(type = "Record<string, unknown>")]
    content: Value,
    /// Default 30 (sent).
    sent_status: Option<SentStatus>,
    /// Default 0.
    received_status: Option<i32>,
    /// Default: now (ms).
    sent_time: Option<i64>,
}

impl TryFrom<InsertEnvelope> for InsertMessage {
    type Error = ImError;

    fn try_from(envelope: InsertEnvelope) -> ImResult<Self> {
        validate_target_id(&envelope.sender_user_id)
            .map_err(|_| ImError::invalid("senderUserId must be 1–64 bytes"))?;
        let content = MessageContent::try_from(ContentEnvelope {
            object_name: envelope.object_name,
            message_type: envelope.message_type,
            content: envelope.content,
        })?;
        content.encoded().map_err(|e| ImError::invalid(e.message))?;
        let received_status = envelope.received_status.unwrap_or(0);
        validate_received_status(received_status)?;
        if envelope.sent_time.is_some_and(|t| t < 0) {
            return Err(ImError::invalid("sentTime must not be negative"));
        }
        if envelope
            .message_uid
            .as_ref()
            .is_some_and(|uid| uid.is_empty() || uid.len() > MAX_MESSAGE_UID_BYTES)
        {
            return Err(ImError::invalid(format!(
                "messageUId must be 1–{MAX_MESSAGE_UID_BYTES} bytes"
            )));
        }
        Ok(InsertMessage {
            message_uid: envelope.message_uid,
            sender_user_id: envelope.sender_user_id,
            direction: envelope.message_direction,
            content,
            sent_status: envelope.sent_status.unwrap_or(SentStatus::Sent),
            received_status,
            sent_time: envelope.sent_time,
        })
    }
}

impl InsertMessage {
    /// Parses the JSON form, with optional `sentStatus`, `receivedStatus`, `sentTime` (33003
    /// when bad).
    pub fn from_json(json: &str) -> ImResult<Self> {
        serde_json::from_str(json).map_err(|e| ImError::invalid(format!("message: {e}")))
    }
}

/// One message of an `insertMessages` batch: an [`InsertMessage`] with, optionally, its own
/// conversation (`conversationType` and `targetId`, both or neither) instead of the call's.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(try_from = "BatchEnvelope")]
#[ts(as = "BatchEnvelope")]
pub struct BatchInsert {
    /// Its conversation type, if not the call's.
    pub conversation_type: Option<ConversationType>,
    /// Its conversation id, if not the call's.
    pub target_id: Option<String>,
    /// The message.
    pub message: InsertMessage,
}

/// One message of an `insertMessages` batch, optionally with its own conversation.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImBatchInsert", optional_fields)]
pub struct BatchEnvelope {
    /// Its conversation type, if not the call's (give `targetId` too).
    conversation_type: Option<ConversationType>,
    /// Its conversation id, if not the call's (give `conversationType` too).
    target_id: Option<String>,
    /// The message's own fields.
    #[serde(flatten)]
    #[ts(flatten)]
    message: InsertEnvelope,
}

impl TryFrom<BatchEnvelope> for BatchInsert {
    type Error = ImError;

    fn try_from(envelope: BatchEnvelope) -> ImResult<Self> {
        if envelope.conversation_type.is_some() != envelope.target_id.is_some() {
            return Err(ImError::invalid(
                "conversationType and targetId go together",
            ));
        }
        Ok(BatchInsert {
            conversation_type: envelope.conversation_type,
            target_id: envelope.target_id,
            message: InsertMessage::try_from(envelope.message)?,
        })
    }
}

/// The messages of one `insertMessages` call: 1–[`MAX_INSERT_BATCH`], a bad one refused with
/// its index (reading stops at the first bad one, or at one too many).
#[derive(Debug, Clone, PartialEq, TS)]
#[ts(as = "Vec<BatchInsert>")]
pub struct InsertBatch(pub Vec<BatchInsert>);

impl<'de> Deserialize<'de> for InsertBatch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Messages;
        impl<'de> serde::de::Visitor<'de> for Messages {
            type Value = InsertBatch;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an array of 1–{MAX_INSERT_BATCH} messages")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<InsertBatch, A::Error> {
                use serde::de::Error;
                let mut batch =
                    Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_INSERT_BATCH));
                loop {
                    let index = batch.len();
                    let next = seq
                        .next_element::<BatchInsert>()
                        .map_err(|e| A::Error::custom(format!("messages[{index}]: {e}")))?;
                    match next {
                        Some(_) if index == MAX_INSERT_BATCH => {
                            return Err(A::Error::custom(format!(
                                "at most {MAX_INSERT_BATCH} messages a call"
                            )));
                        }
                        Some(message) => batch.push(message),
                        None if index == 0 => return Err(A::Error::custom("no messages")),
                        None => return Ok(InsertBatch(batch)),
                    }
                }
            }
        }
        deserializer.deserialize_seq(Messages)
    }
}

/// A message to delete from the server (seed `deleteRemoteMessages` items); all fields required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoteMessageRef {
    /// Server id (`messageUid` accepted too, as in the seed's example).
    #[serde(rename = "messageUId", alias = "messageUid")]
    #[ts(rename = "messageUId")]
    pub message_uid: String,
    /// Server send time.
    pub sent_time: i64,
    /// Sent or received.
    pub message_direction: MessageDirection,
}

impl RemoteMessageRef {
    /// Checks a list of 1–100 entries, each with a UID of 1–64 bytes and a sent time (33003
    /// otherwise).
    pub(crate) fn validate_list(list: &[Self]) -> ImResult<()> {
        if list.is_empty() || list.len() > MAX_REMOTE_DELETE {
            return Err(ImError::invalid(format!(
                "messages must hold 1–{MAX_REMOTE_DELETE} entries"
            )));
        }
        if list.iter().any(|m| {
            m.message_uid.is_empty()
                || m.message_uid.len() > improto::limits::MAX_MESSAGE_UID_BYTES
                || m.sent_time < 0
        }) {
            return Err(ImError::invalid(
                "each message needs a messageUId and a sentTime",
            ));
        }
        Ok(())
    }
}

/// Which stored message: by local id (a number) or by server UID (a string; seed `getMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(try_from = "Value")]
#[ts(type = "number | string")]
pub enum MessageRef {
    /// Local `messageId`.
    Id(i64),
    /// Server `messageUId`.
    Uid(String),
}

impl TryFrom<Value> for MessageRef {
    type Error = ImError;

    fn try_from(value: Value) -> ImResult<Self> {
        Self::from_value(&value)
    }
}

impl MessageRef {
    /// A number is a local id, a string a UID (33003 otherwise, or for an empty/over-long UID).
    pub fn from_value(value: &Value) -> ImResult<Self> {
        match value {
            Value::Number(n) => n
                .as_i64()
                .map(MessageRef::Id)
                .ok_or_else(|| ImError::invalid("messageId must be an integer")),
            Value::String(uid)
                if !uid.is_empty() && uid.len() <= improto::limits::MAX_MESSAGE_UID_BYTES =>
            {
                Ok(MessageRef::Uid(uid.clone()))
            }
            _ => Err(ImError::invalid(
                "expected a messageId (number) or messageUId (string of 1–64 bytes)",
            )),
        }
    }
}

/// Checks received-status flags (seed ReceivedStatus: READ 1, LISTENED 2, DOWNLOADED 4,
/// RETRIEVED 8, MULTIPLERECEIVE 16): 0–255.
pub(crate) fn validate_received_status(status: i32) -> ImResult<()> {
    if (0..=0xFF).contains(&status) {
        Ok(())
    } else {
        Err(ImError::invalid("receivedStatus must be flags in 0–255"))
    }
}

/// Whether `content` (JSON) @-mentions `user_id`: a group message whose `mentionedInfo` has
/// type 1 (everyone) or type 2 (listed users) with `user_id` in `userIdList`. Other
/// conversation types never carry mentions (seed 5.10.1).
pub(crate) fn mentions(conversation_type: ConversationType, content: &str, user_id: &str) -> bool {
    if conversation_type != ConversationType::Group || !content.contains("mentionedInfo") {
        return false;
    }
    let Ok(Value::Object(content)) = serde_json::from_str::<Value>(content) else {
        return false;
    };
    let Some(info) = content.get("mentionedInfo") else {
        return false;
    };
    match info.get("type").and_then(Value::as_i64) {
        Some(1) => true,
        Some(2) => info
            .get("userIdList")
            .and_then(Value::as_array)
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(user_id))),
        _ => false,
    }
}

/// Checks a page size: 1–`max` (33003 otherwise).
pub(crate) fn validate_count(count: usize, max: usize) -> ImResult<()> {
    if (1..=max).contains(&count) {
        Ok(())
    } else {
        Err(ImError::invalid(format!("count must be 1–{max}")))
    }
}

/// Checks a time cursor or cutoff in ms: 0 or more (33003 otherwise).
pub(crate) fn validate_timestamp(timestamp: i64) -> ImResult<()> {
    if timestamp < 0 {
        Err(ImError::invalid("timestamp must not be negative"))
    } else {
        Ok(())
    }
}

/// Checks a user/group/chatroom id as imserver checks it ([`improto::ids::is_valid`]: 1–64
/// bytes of UTF-8, no control character); 33003 otherwise.
pub fn validate_target_id(target_id: &str) -> ImResult<()> {
    if improto::ids::is_valid(target_id) {
        Ok(())
    } else {
        Err(ImError::invalid(format!(
            "an id must be 1–{MAX_ID_BYTES} bytes of UTF-8 without control characters"
        )))
    }
}

/// Refuses a send into a conversation clients do not write to (33003): the SYSTEM
/// conversation, which only the Server API fills.
pub fn validate_send_type(conversation_type: ConversationType) -> ImResult<()> {
    if conversation_type == ConversationType::System {
        return Err(ImError::invalid(
            "the system conversation takes no messages from clients",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_by_object_name_or_class() {
        let a =
            MessageContent::from_json(r#"{"objectName":"RC:TxtMsg","content":{"content":"hi"}}"#)
                .unwrap();
        let b = MessageContent::from_json(
            r#"{"messageType":"TextMessage","content":{"content":"hi"}}"#,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.kind.message_type, "TextMessage");
    }

    #[test]
    fn bad_content_is_33003_and_big_content_30016() {
        for bad in [
            "",
            "[]",
            r#"{"content":{}}"#,
            r#"{"objectName":"RC:Nope","content":{}}"#,
        ] {
            assert_eq!(
                MessageContent::from_json(bad).unwrap_err().code,
                33003,
                "{bad}"
            );
        }
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        for (object_name, content) in [
            ("RC:TxtMsg", r#"{"content":5}"#.to_owned()),
            ("RC:TxtMsg", r#"{"content":null}"#.to_owned()),
            ("RC:ImgMsg", r#"{"content":"b64","imageUri":7}"#.to_owned()),
            ("RC:TxtMsg", format!(r#"{{"content":"x","d":{deep}}}"#)),
            ("RC:CmdMsg", "[1]".to_owned()),
        ] {
            let message = MessageContent {
                kind: message_types::by_object_name(object_name).unwrap(),
                content: serde_json::from_str(&content).unwrap(),
            };
            assert_eq!(message.encoded().unwrap_err().code, 33003, "{content}");
        }
        let big = MessageContent::text(&"x".repeat(MAX_CONTENT_BYTES));
        assert_eq!(big.encoded().unwrap_err().code, 30016);
        assert!(
            MessageContent::text(&"x".repeat(MAX_CONTENT_BYTES - 20))
                .encoded()
                .is_ok()
        );
    }

    #[test]
    fn mentions_need_a_group_and_the_user_or_everyone() {
        let all = r#"{"content":"hi","mentionedInfo":{"type":1,"userIdList":[]}}"#;
        let part = r#"{"content":"hi","mentionedInfo":{"type":2,"userIdList":["ann","bob"]}}"#;
        assert!(mentions(ConversationType::Group, all, "bob"));
        assert!(mentions(ConversationType::Group, part, "bob"));
        assert!(!mentions(ConversationType::Group, part, "cat"));
        assert!(!mentions(ConversationType::Private, all, "bob"));
        assert!(!mentions(
            ConversationType::Group,
            r#"{"content":"mentionedInfo"}"#,
            "bob"
        ));
    }

    #[test]
    fn insert_messages_parse_with_defaults_and_refuse_bad_fields() {
        let m = InsertMessage::from_json(
            r#"{"senderUserId":"bob","messageDirection":2,"objectName":"RC:InfoNtf","content":{"message":"tip"}}"#,
        )
        .unwrap();
        assert_eq!(m.direction, MessageDirection::Receive);
        assert_eq!(m.sent_status, SentStatus::Sent);
        assert_eq!(
            m.content.kind.message_type,
            "InformationNotificationMessage"
        );
        for bad in [
            r#"{"messageDirection":2,"objectName":"RC:TxtMsg","content":{"content":"x"}}"#,
            r#"{"senderUserId":"bob","messageDirection":3,"objectName":"RC:TxtMsg","content":{"content":"x"}}"#,
            r#"{"senderUserId":"bob","messageDirection":1,"objectName":"RC:TxtMsg","content":{"content":"x"},"receivedStatus":-1}"#,
            r#"{"senderUserId":"","messageDirection":1,"objectName":"RC:TxtMsg","content":{"content":"x"}}"#,
        ] {
            assert_eq!(
                InsertMessage::from_json(bad).unwrap_err().code,
                33003,
                "{bad}"
            );
        }
        assert_eq!(
            MessageRef::from_value(&serde_json::json!(5)).unwrap(),
            MessageRef::Id(5)
        );
        assert!(MessageRef::from_value(&serde_json::json!(null)).is_err());
        assert!(validate_count(1, 20).is_ok() && validate_count(20, 20).is_ok());
        assert_eq!(validate_count(0, 20).unwrap_err().code, 33003);
        assert_eq!(validate_count(21, 20).unwrap_err().code, 33003);
        assert_eq!(validate_timestamp(-1).unwrap_err().code, 33003);
    }

    #[test]
    fn target_ids_are_bounded() {
        assert!(validate_target_id("bob").is_ok());
        assert_eq!(validate_target_id("").unwrap_err().code, 33003);
        assert_eq!(validate_target_id(&"x".repeat(65)).unwrap_err().code, 33003);
        // Counted in bytes, as the server counts: 22 Chinese characters are 66 bytes.
        assert!(validate_target_id(&"张".repeat(21)).is_ok());
        assert_eq!(
            validate_target_id(&"张".repeat(22)).unwrap_err().code,
            33003
        );
    }

    #[test]
    fn ids_with_nul_or_control_characters_are_refused() {
        for id in [
            "a\0b",
            "\0",
            "bob\n",
            "tab\there",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{9b}",
        ] {
            assert_eq!(validate_target_id(id).unwrap_err().code, 33003, "{id:?}");
        }
        // What a lossy decode of GBK bytes would have made of 张三 is valid text: the C ABI must
        // refuse the bytes before (see its tests), not decode them.
        assert!(validate_target_id("\u{fffd}\u{fffd}").is_ok());
    }
}
