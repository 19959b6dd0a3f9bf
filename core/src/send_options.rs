//! Sending options: the seed's optional `sendMessage` parameters (§2.8: `isMentioned`,
//! `pushContent`, `pushData`, `methodType`, `config`), checked before anything is stored or
//! sent (33003), as they travel (`improto::MessageOptions`, directed ids, the status flag) and
//! are kept (`messages.options`, the protobuf encoding, NULL for none), and as a [`Message`]
//! shows them.

use crate::enums::ConversationType;
use crate::error::{ImError, ImResult};
use crate::message::{Content, Message, validate_target_id};
use improto::MessageOptions;
use improto::limits::MAX_DIRECTED_USER_IDS;
use prost::Message as _;
use serde::Deserialize;
use serde_json::Value;
use ts_rs::TS;

/// `sendMessage`'s `config` (seed §2.8).
#[derive(Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(rename = "ImSendConfig", optional_fields)]
pub struct SendConfig {
    /// A directed group message: only these members (and the sender) get it (at most 1000).
    pub user_ids: Option<Vec<String>>,
    /// An offline iOS recipient gets a VoIP push.
    pub is_voip_push: Option<bool>,
    /// Silent: no push and no local notification.
    pub disable_notification: Option<bool>,
    /// A status message: for recipients online now only, never stored or counted.
    pub is_status_message: Option<bool>,
    /// Deprecated alias of `isStatusMessage`, ignored when that is set.
    pub is_status: Option<bool>,
    /// Per-message push config (the seed's `MessagePushConfig`: `pushTitle`, `pushContent`,
    /// `pushData`, `forceShowDetailContent`, `disablePushTitle`, `iOSConfig`, `androidConfig`,
    /// `templateId`).
    #[ts(type = "Record<string, unknown>")]
    pub push_config: Option<Value>,
}

/// What a send carries besides its content, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sending {
    /// The options kept and delivered with the message; `None` when all are defaults.
    pub options: Option<MessageOptions>,
    /// Directed group message recipients; empty for every member.
    pub directed_user_ids: Vec<String>,
    /// A status message.
    pub is_status: bool,
    /// The sender's `isMentioned`.
    pub mentioned: bool,
}

impl Sending {
    /// Checks `sendMessage`'s optional parameters for a message in a conversation of
    /// `conversation_type`: 33003 for a push text or config the contract refuses
    /// ([`improto::options`]), `userIds` outside a group message, over 1000 of them or an
    /// invalid id, or a `methodType` that is neither `null` nor a number (it is deprecated and
    /// otherwise ignored).
    pub(crate) fn new(
        conversation_type: ConversationType,
        is_mentioned: Option<bool>,
        push_content: Option<String>,
        push_data: Option<String>,
        method_type: Option<&Value>,
        config: Option<SendConfig>,
    ) -> ImResult<Self> {
        if method_type.is_some_and(|m| !m.is_null() && !m.is_number()) {
            return Err(ImError::invalid("methodType is deprecated: pass null"));
        }
        let config = config.unwrap_or_default();
        let push_config = match config.push_config {
            None | Some(Value::Null) => String::new(),
            Some(config @ Value::Object(_)) => config.to_string(),
            Some(_) => return Err(ImError::invalid("config.pushConfig must be an object")),
        };
        let options = MessageOptions {
            disable_notification: config.disable_notification.unwrap_or(false),
            push_content: push_content.unwrap_or_default(),
            push_data: push_data.unwrap_or_default(),
            push_config,
            is_voip_push: config.is_voip_push.unwrap_or(false),
        };
        improto::options::check(&options).map_err(|e| ImError::invalid(e.to_string()))?;
        let directed_user_ids = config.user_ids.unwrap_or_default();
        if !directed_user_ids.is_empty() {
            if conversation_type != ConversationType::Group {
                return Err(ImError::invalid("config.userIds is for group messages"));
            }
            if directed_user_ids.len() > MAX_DIRECTED_USER_IDS {
                return Err(ImError::invalid(format!(
                    "config.userIds holds at most {MAX_DIRECTED_USER_IDS} ids"
                )));
            }
            for id in &directed_user_ids {
                validate_target_id(id)?;
            }
        }
        Ok(Sending {
            options: Some(options).filter(|o| *o != MessageOptions::default()),
            directed_user_ids,
            is_status: config
                .is_status_message
                .or(config.is_status)
                .unwrap_or(false),
            mentioned: is_mentioned.unwrap_or(false),
        })
    }
}

/// The `messages.options` value of `options` (`None` for none).
pub(crate) fn encode(options: Option<&MessageOptions>) -> Option<Vec<u8>> {
    options.map(MessageOptions::encode_to_vec)
}

/// The options of a `messages.options` value (`None` for NULL or bytes that do not decode).
pub(crate) fn decode(column: Option<&[u8]>) -> Option<MessageOptions> {
    column.and_then(|bytes| MessageOptions::decode(bytes).ok())
}

/// Sets the fields of `message` that show `options` (see [`Message::push_config`]).
pub(crate) fn show(message: &mut Message, options: Option<&MessageOptions>) {
    let Some(o) = options else {
        return;
    };
    message.disable_notification = o.disable_notification;
    message.push_config = shown_push_config(o);
}

/// The push config a message shows: the one sent, with the send's `pushContent` and
/// `pushData` where it has none; `None` without any of them.
fn shown_push_config(o: &MessageOptions) -> Option<Content> {
    if o.push_content.is_empty() && o.push_data.is_empty() {
        return (!o.push_config.is_empty()).then(|| Content::from_json(&o.push_config));
    }
    let mut config = match serde_json::from_str(&o.push_config) {
        Ok(Value::Object(config)) => config,
        _ => serde_json::Map::new(),
    };
    for (field, value) in [("pushContent", &o.push_content), ("pushData", &o.push_data)] {
        let absent = config.get(field).is_none_or(Value::is_null);
        if absent && !value.is_empty() {
            config.insert(field.into(), Value::from(value.as_str()));
        }
    }
    Some(Content::from_json(&Value::Object(config).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(value: Value) -> Option<SendConfig> {
        Some(serde_json::from_value(value).unwrap())
    }

    #[test]
    fn carries_every_option_and_nothing_when_none_is_given() {
        let none = Sending::new(ConversationType::Private, None, None, None, None, None);
        assert_eq!(none.unwrap(), Sending::default());
        let all = Sending::new(
            ConversationType::Group,
            Some(true),
            Some("push".into()),
            Some("data".into()),
            Some(&Value::Null),
            config(
                json!({"userIds": ["ann"], "isVoipPush": true, "disableNotification": true,
                "isStatus": true, "pushConfig": {"pushTitle": "t"}}),
            ),
        )
        .unwrap();
        assert_eq!(all.directed_user_ids, ["ann"]);
        assert!(all.is_status && all.mentioned);
        let options = all.options.unwrap();
        assert!(options.disable_notification && options.is_voip_push);
        assert_eq!(options.push_config, r#"{"pushTitle":"t"}"#);
        let stored = encode(Some(&options));
        assert_eq!(decode(stored.as_deref()), Some(options.clone()));
        let shown = shown_push_config(&options).unwrap().value();
        assert_eq!(
            shown,
            json!({"pushTitle": "t", "pushContent": "push", "pushData": "data"})
        );
        let own = MessageOptions {
            push_config: r#"{"pushContent":"own"}"#.into(),
            ..options
        };
        assert_eq!(
            shown_push_config(&own).unwrap().value()["pushContent"],
            "own"
        );
        // isStatusMessage wins over the deprecated alias.
        let status = config(json!({"isStatusMessage": false, "isStatus": true}));
        let s = Sending::new(ConversationType::Private, None, None, None, None, status);
        assert!(!s.unwrap().is_status);
    }

    #[test]
    fn refuses_bad_options_with_33003() {
        let private = |config_json: Value| {
            Sending::new(
                ConversationType::Private,
                None,
                None,
                None,
                None,
                config(config_json),
            )
        };
        for bad in [
            json!({"pushConfig": "t"}),
            json!({"pushConfig": {"unknown": 1}}),
            json!({"pushConfig": {"iOSConfig": {"apnsCollapseId": "x".repeat(65)}}}),
            json!({"userIds": ["ann"]}),
        ] {
            assert_eq!(private(bad.clone()).unwrap_err().code, 33003, "{bad}");
        }
        let group = |ids: Vec<String>| {
            let c = config(json!({ "userIds": ids }));
            Sending::new(ConversationType::Group, None, None, None, None, c)
        };
        assert_eq!(group(vec![String::new()]).unwrap_err().code, 33003);
        assert_eq!(group(vec!["a".into(); 1001]).unwrap_err().code, 33003);
        let long = Some("x".repeat(improto::limits::MAX_PUSH_CONTENT_BYTES + 1));
        let e = Sending::new(ConversationType::Private, None, long, None, None, None);
        assert_eq!(e.unwrap_err().code, 33003);
        let method = json!("x");
        let e = Sending::new(
            ConversationType::Private,
            None,
            None,
            None,
            Some(&method),
            None,
        );
        assert_eq!(e.unwrap_err().code, 33003);
        assert!(serde_json::from_value::<SendConfig>(json!({"nope": 1})).is_err());
    }
}
