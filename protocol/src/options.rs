//! The rules of a message's sending options ([`MessageOptions`], the seed's `pushContent`,
//! `pushData` and `config`), checked alike by the client engine before it stores or sends a
//! message and by the server before it accepts one:
//!
//! - `push_content` at most [`MAX_PUSH_CONTENT_BYTES`], `push_data` at most
//!   [`MAX_PUSH_DATA_BYTES`];
//! - `push_config` empty, or the JSON text (at most [`MAX_PUSH_CONFIG_BYTES`]) of an object
//!   holding only the fields of the seed's `MessagePushConfig` (§2.8), each `null` or of its
//!   type: strings at most [`MAX_PUSH_CONTENT_BYTES`] (`pushData` [`MAX_PUSH_DATA_BYTES`],
//!   `iOSConfig.apnsCollapseId` [`MAX_APNS_COLLAPSE_ID_BYTES`]), `androidConfig.typeVivo`
//!   `"0"` or `"1"`.
//!
//! Anything else is [`codes::INVALID_PARAMETER`].

use crate::MessageOptions;
use crate::codes;
use crate::limits::{
    MAX_APNS_COLLAPSE_ID_BYTES, MAX_PUSH_CONFIG_BYTES, MAX_PUSH_CONTENT_BYTES, MAX_PUSH_DATA_BYTES,
};
use serde_json::{Map, Value};

/// Why sending options were refused (always [`codes::INVALID_PARAMETER`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError(pub String);

impl OptionsError {
    /// The status code refusing the options.
    pub fn code(&self) -> i32 {
        codes::INVALID_PARAMETER
    }
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

/// The type of a push config field.
#[derive(Clone, Copy)]
enum Kind {
    /// A string of at most this many bytes.
    Text(usize),
    /// A boolean.
    Flag,
    /// An object with these fields.
    Object(&'static [(&'static str, Kind)]),
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

const TEXT: Kind = Kind::Text(MAX_PUSH_CONTENT_BYTES);

/// `iOSConfig`'s fields.
const IOS_CONFIG: &[(&str, Kind)] = &[
    ("threadId", TEXT),
    ("apnsCollapseId", Kind::Text(MAX_APNS_COLLAPSE_ID_BYTES)),
    ("category", TEXT),
    ("richMediaUri", TEXT),
];

/// `androidConfig`'s fields.
const ANDROID_CONFIG: &[(&str, Kind)] = &[
    ("notificationId", TEXT),
    ("channelIdMi", TEXT),
    ("channelIdHW", TEXT),
    ("channelIdOPPO", TEXT),
    ("typeVivo", Kind::OneOf(&["0", "1"])),
];

/// The seed's `MessagePushConfig` (§2.8).
const PUSH_CONFIG: &[(&str, Kind)] = &[
    ("pushTitle", TEXT),
    ("pushContent", TEXT),
    ("pushData", Kind::Text(MAX_PUSH_DATA_BYTES)),
    ("forceShowDetailContent", Kind::Flag),
    ("disablePushTitle", Kind::Flag),
    ("iOSConfig", Kind::Object(IOS_CONFIG)),
    ("androidConfig", Kind::Object(ANDROID_CONFIG)),
    ("templateId", TEXT),
];

/// Checks `options` against every rule of this module.
pub fn check(options: &MessageOptions) -> Result<(), OptionsError> {
    let bad = |what: String| Err(OptionsError(what));
    if options.push_content.len() > MAX_PUSH_CONTENT_BYTES {
        return bad(format!(
            "pushContent is over {MAX_PUSH_CONTENT_BYTES} bytes"
        ));
    }
    if options.push_data.len() > MAX_PUSH_DATA_BYTES {
        return bad(format!("pushData is over {MAX_PUSH_DATA_BYTES} bytes"));
    }
    if options.push_config.is_empty() {
        return Ok(());
    }
    if options.push_config.len() > MAX_PUSH_CONFIG_BYTES {
        return bad(format!("pushConfig is over {MAX_PUSH_CONFIG_BYTES} bytes"));
    }
    // The content rules' scan bounds the nesting before parsing.
    crate::content::check_form(&options.push_config)
        .map_err(|e| OptionsError(format!("pushConfig: {e}")))?;
    match serde_json::from_str(&options.push_config) {
        Ok(Value::Object(config)) => check_object("pushConfig", &config, PUSH_CONFIG),
        _ => bad("pushConfig must be a JSON object".into()),
    }
}

fn check_object(
    path: &str,
    object: &Map<String, Value>,
    fields: &[(&str, Kind)],
) -> Result<(), OptionsError> {
    for (name, value) in object {
        let Some((_, kind)) = fields.iter().find(|(field, _)| field == name) else {
            return Err(OptionsError(format!("{path} has no field `{name}`")));
        };
        let path = format!("{path}.{name}");
        let valid = match (kind, value) {
            (_, Value::Null) => true,
            (Kind::Text(max), Value::String(s)) => s.len() <= *max,
            (Kind::Flag, Value::Bool(_)) => true,
            (Kind::OneOf(allowed), Value::String(s)) => allowed.contains(&s.as_str()),
            (Kind::Object(fields), Value::Object(inner)) => {
                check_object(&path, inner, fields)?;
                true
            }
            _ => false,
        };
        if !valid {
            return Err(OptionsError(format!(
                "{path} has a wrong type or is too long"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_config(config: &str) -> MessageOptions {
        MessageOptions {
            push_config: config.into(),
            ..Default::default()
        }
    }

    #[test]
    fn accepts_every_field_of_the_push_config() {
        let full = r#"{"pushTitle":"t","pushContent":"c","pushData":"d",
            "forceShowDetailContent":true,"disablePushTitle":false,
            "iOSConfig":{"threadId":"a","apnsCollapseId":"b","category":"c","richMediaUri":"u"},
            "androidConfig":{"notificationId":"n","channelIdMi":"m","channelIdHW":"h",
              "channelIdOPPO":"o","typeVivo":"1"},"templateId":"x"}"#;
        for ok in [
            "",
            "{}",
            full,
            r#"{"iOSConfig":{"threadId":null}}"#,
            r#"{"androidConfig":{}}"#,
        ] {
            assert_eq!(check(&with_config(ok)), Ok(()), "{ok}");
        }
        let options = MessageOptions {
            disable_notification: true,
            push_content: "x".repeat(MAX_PUSH_CONTENT_BYTES),
            push_data: "x".repeat(MAX_PUSH_DATA_BYTES),
            is_voip_push: true,
            ..Default::default()
        };
        assert_eq!(check(&options), Ok(()));
    }

    #[test]
    fn refuses_unknown_fields_wrong_types_and_oversized_text() {
        let long_id = format!(
            r#"{{"iOSConfig":{{"apnsCollapseId":"{}"}}}}"#,
            "x".repeat(65)
        );
        for bad in [
            "[]",
            "5",
            "{not json",
            r#"{"title":"t"}"#,
            r#"{"pushTitle":5}"#,
            r#"{"forceShowDetailContent":"yes"}"#,
            r#"{"iOSConfig":"a"}"#,
            r#"{"iOSConfig":{"badge":1}}"#,
            r#"{"androidConfig":{"typeVivo":"2"}}"#,
            &long_id,
        ] {
            let e = check(&with_config(bad)).unwrap_err();
            assert_eq!(e.code(), codes::INVALID_PARAMETER, "{bad}");
        }
        let long = MessageOptions {
            push_content: "x".repeat(MAX_PUSH_CONTENT_BYTES + 1),
            ..Default::default()
        };
        assert!(check(&long).is_err());
        let long = MessageOptions {
            push_data: "x".repeat(MAX_PUSH_DATA_BYTES + 1),
            ..Default::default()
        };
        assert!(check(&long).is_err());
    }
}
