//! Messages as the seed describes them (§5.1), and the content an app sends.

use crate::enums::{ConversationType, MessageDirection, SentStatus};
use crate::error::{ImError, ImResult, code};
use crate::message_types::{self, MessageTypeInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Largest message body accepted, in bytes of content JSON (seed: 128 KB, code 30016).
pub const MAX_CONTENT_BYTES: usize = 128 * 1024;

/// Longest user, group or chatroom id accepted (the Server API's limit).
pub const MAX_ID_CHARS: usize = 64;

/// A stored or delivered message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Conversation kind.
    pub conversation_type: ConversationType,
    /// Conversation id: the peer for private chats.
    pub target_id: String,
    /// Who sent it.
    pub sender_user_id: String,
    /// Message content (the seed's content object).
    pub content: Value,
    /// Wire type, e.g. `RC:TxtMsg`.
    pub object_name: String,
    /// Class name, e.g. `TextMessage`.
    pub message_type: String,
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
}

/// What an app asks to send: a type and its content.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageContent {
    /// The message type.
    pub kind: &'static MessageTypeInfo,
    /// Content object, e.g. `{"content":"hi","extra":"x"}` for a TextMessage.
    pub content: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContentEnvelope {
    object_name: Option<String>,
    message_type: Option<String>,
    content: Value,
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
        let envelope: ContentEnvelope =
            serde_json::from_value(value).map_err(|e| ImError::invalid(format!("message: {e}")))?;
        let kind = match (&envelope.object_name, &envelope.message_type) {
            (Some(name), _) => message_types::by_object_name(name),
            (None, Some(class)) => message_types::by_message_type(class),
            (None, None) => {
                return Err(ImError::invalid("message needs objectName or messageType"));
            }
        }
        .ok_or_else(|| ImError::invalid("unknown message type"))?;
        let content = MessageContent {
            kind,
            content: envelope.content,
        };
        content.validate()?;
        Ok(content)
    }

    /// Checks the fields the type requires.
    fn validate(&self) -> ImResult<()> {
        let Value::Object(fields) = &self.content else {
            return Err(ImError::invalid("message content must be an object"));
        };
        if self.kind.object_name == "RC:TxtMsg"
            && !fields.get("content").is_some_and(Value::is_string)
        {
            return Err(ImError::invalid("TextMessage needs a string `content`"));
        }
        for optional_string in ["extra"] {
            if fields
                .get(optional_string)
                .is_some_and(|v| !v.is_string() && !v.is_null())
            {
                return Err(ImError::invalid(format!(
                    "`{optional_string}` must be a string"
                )));
            }
        }
        if fields
            .get("user")
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err(ImError::invalid("`user` must be an object"));
        }
        Ok(())
    }

    /// The content serialised for the wire, refusing bodies over [`MAX_CONTENT_BYTES`] (30016).
    pub fn encoded(&self) -> ImResult<String> {
        let json = self.content.to_string();
        if json.len() > MAX_CONTENT_BYTES {
            return Err(ImError::new(
                code::MESSAGE_TOO_LARGE,
                format!(
                    "message body of {} bytes exceeds {MAX_CONTENT_BYTES}",
                    json.len()
                ),
            ));
        }
        Ok(json)
    }
}

/// Checks a user/group/chatroom id: 1–64 characters.
pub fn validate_target_id(target_id: &str) -> ImResult<()> {
    if target_id.is_empty() || target_id.chars().count() > MAX_ID_CHARS {
        return Err(ImError::invalid(format!(
            "targetId must be 1–{MAX_ID_CHARS} characters"
        )));
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
            r#"{"objectName":"RC:TxtMsg","content":{"content":5}}"#,
        ] {
            assert_eq!(
                MessageContent::from_json(bad).unwrap_err().code,
                33003,
                "{bad}"
            );
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
    fn target_ids_are_bounded() {
        assert!(validate_target_id("bob").is_ok());
        assert_eq!(validate_target_id("").unwrap_err().code, 33003);
        assert_eq!(validate_target_id(&"x".repeat(65)).unwrap_err().code, 33003);
    }
}
