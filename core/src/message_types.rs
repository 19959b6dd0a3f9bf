//! Message types: the built-in ones (ObjectName, class name, storage/count flags and searchable
//! fields, seed §4) and the custom ones an app registers (seed `registerMessageType`).
//!
//! Registrations are process-wide, as the seed's static `RongIMClient.registerMessageType` is:
//! every client of the process sends, counts, stores and indexes a registered type alike.

use crate::error::{ImError, ImResult};
use serde::Deserialize;
use std::sync::RwLock;
use ts_rs::TS;

pub use improto::message_types::{BUILT_IN, MessageTypeInfo, RESERVED_PREFIX};

/// The seed's `MessageTag(isCounted, isPersited)`: the flags of a custom type. As JSON,
/// `{"isCounted":true,"isPersited":true}` (the seed's spelling; `isPersisted` is accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageTag {
    /// Counted as unread by its recipients.
    pub is_counted: bool,
    /// Stored in history (locally and in the cloud).
    #[serde(rename = "isPersited", alias = "isPersisted")]
    pub is_persisted: bool,
}

pub use improto::limits::MAX_OBJECT_NAME_BYTES;
/// Longest class name or search field name, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// Most searchable fields one custom type may name.
pub const MAX_SEARCH_FIELDS: usize = 16;

/// Custom types registered so far. Entries are leaked: a process registers a handful of types,
/// and only a changed registration adds one.
static REGISTERED: RwLock<Vec<&'static MessageTypeInfo>> = RwLock::new(Vec::new());

/// Registers a custom message type (seed `registerMessageType`), or changes the tag and search
/// fields of one registered before under the same ObjectName. 33003 when `object_name` is
/// empty, over 32 bytes or starts with `RC:`, when `message_type` is empty, over 64 bytes or
/// already names another type, or when a search field is empty, over 64 bytes, repeated, or
/// there are more than 16.
pub fn register(
    message_type: &str,
    object_name: &str,
    tag: MessageTag,
    search_fields: &[String],
) -> ImResult<()> {
    validate_registration(message_type, object_name, search_fields)?;
    let mut registered = REGISTERED.write().unwrap_or_else(|p| p.into_inner());
    if let Some(other) = registered
        .iter()
        .find(|t| t.message_type == message_type && t.object_name != object_name)
    {
        return Err(ImError::invalid(format!(
            "message type {message_type} is already registered as {}",
            other.object_name
        )));
    }
    let position = registered.iter().position(|t| t.object_name == object_name);
    if let Some(existing) = position.map(|i| registered[i]) {
        let unchanged = existing.message_type == message_type
            && existing.counted == tag.is_counted
            && existing.persisted == tag.is_persisted
            && existing.search_fields.iter().eq(search_fields.iter());
        if unchanged {
            return Ok(());
        }
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let fields: Vec<&'static str> = search_fields.iter().map(|f| leak(f)).collect();
    let entry: &'static MessageTypeInfo = Box::leak(Box::new(MessageTypeInfo {
        object_name: leak(object_name),
        message_type: leak(message_type),
        counted: tag.is_counted,
        persisted: tag.is_persisted,
        // Custom types reach offline recipients, and are pushed when counted.
        offline: true,
        pushed: tag.is_counted,
        search_fields: Box::leak(fields.into_boxed_slice()),
        // Only the generic content rules apply to a custom type.
        fields: &[],
    }));
    match position {
        Some(i) => registered[i] = entry,
        None => registered.push(entry),
    }
    Ok(())
}

fn validate_registration(
    message_type: &str,
    object_name: &str,
    search_fields: &[String],
) -> ImResult<()> {
    if object_name.is_empty() || object_name.len() > MAX_OBJECT_NAME_BYTES {
        return Err(ImError::invalid(format!(
            "objectName must be 1–{MAX_OBJECT_NAME_BYTES} bytes"
        )));
    }
    if object_name.starts_with(RESERVED_PREFIX) {
        return Err(ImError::invalid(format!(
            "objectName {object_name}: the {RESERVED_PREFIX} prefix is reserved for built-in types"
        )));
    }
    if message_type.is_empty() || message_type.len() > MAX_NAME_BYTES {
        return Err(ImError::invalid(format!(
            "messageType must be 1–{MAX_NAME_BYTES} bytes"
        )));
    }
    if BUILT_IN.iter().any(|t| t.message_type == message_type) {
        return Err(ImError::invalid(format!(
            "messageType {message_type} is a built-in type"
        )));
    }
    if search_fields.len() > MAX_SEARCH_FIELDS {
        return Err(ImError::invalid(format!(
            "at most {MAX_SEARCH_FIELDS} search fields"
        )));
    }
    for (i, field) in search_fields.iter().enumerate() {
        if field.is_empty() || field.len() > MAX_NAME_BYTES || search_fields[..i].contains(field) {
            return Err(ImError::invalid(format!(
                "search field {field:?} must be 1–{MAX_NAME_BYTES} bytes and named once"
            )));
        }
    }
    Ok(())
}

fn find(matches: impl Fn(&MessageTypeInfo) -> bool) -> Option<&'static MessageTypeInfo> {
    BUILT_IN.iter().find(|t| matches(t)).or_else(|| {
        let registered = REGISTERED.read().unwrap_or_else(|p| p.into_inner());
        registered.iter().copied().find(|t| matches(t))
    })
}

/// Looks a built-in or registered type up by ObjectName.
pub fn by_object_name(object_name: &str) -> Option<&'static MessageTypeInfo> {
    find(|t| t.object_name == object_name)
}

/// Looks a built-in or registered type up by class name (`TextMessage`).
pub fn by_message_type(message_type: &str) -> Option<&'static MessageTypeInfo> {
    find(|t| t.message_type == message_type)
}

/// Class name to report for an ObjectName; unknown types keep their ObjectName.
pub fn message_type_name(object_name: &str) -> std::borrow::Cow<'static, str> {
    by_object_name(object_name).map_or_else(
        || std::borrow::Cow::Owned(object_name.to_owned()),
        |t| std::borrow::Cow::Borrowed(t.message_type),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_counted_and_persisted_typing_is_neither() {
        let text = by_object_name("RC:TxtMsg").unwrap();
        assert!(text.counted && text.persisted);
        let typing = by_message_type("TypingStatusMessage").unwrap();
        assert!(!typing.counted && !typing.persisted);
        assert_eq!(message_type_name("x:custom"), "x:custom");
    }

    #[test]
    fn a_registered_type_is_found_by_both_names_and_can_change_its_tag() {
        let tag = MessageTag {
            is_counted: true,
            is_persisted: true,
        };
        let fields = ["name".to_owned(), "age".to_owned()];
        register("PersonMessage", "s:person", tag, &fields).unwrap();
        let person = by_object_name("s:person").unwrap();
        assert_eq!(by_message_type("PersonMessage"), Some(person));
        assert_eq!(person.search_fields, ["name", "age"]);
        assert_eq!(message_type_name("s:person"), "PersonMessage");
        register("PersonMessage", "s:person", tag, &fields).unwrap();
        assert!(std::ptr::eq(by_object_name("s:person").unwrap(), person));
        register("PersonMessage", "s:person", MessageTag::default(), &[]).unwrap();
        let changed = by_object_name("s:person").unwrap();
        assert!(!changed.counted && !changed.persisted && changed.search_fields.is_empty());
    }

    #[test]
    fn a_tag_reads_the_seed_spelling_and_the_correct_one() {
        let seed: MessageTag =
            serde_json::from_str(r#"{"isCounted":true,"isPersited":true}"#).unwrap();
        let correct: MessageTag =
            serde_json::from_str(r#"{"isCounted":true,"isPersisted":true}"#).unwrap();
        assert_eq!(seed, correct);
        assert!(serde_json::from_str::<MessageTag>(r#"{"isCounted":true}"#).is_err());
    }

    #[test]
    fn bad_registrations_are_33003_and_change_nothing() {
        let tag = MessageTag::default();
        let long = "x".repeat(65);
        let bad: [(&str, &str, Vec<String>); 9] = [
            ("Custom", "", vec![]),
            ("Custom", "RC:Custom", vec![]),
            ("Custom", "s:this-object-name-is-over-32-bytes", vec![]),
            ("", "s:custom", vec![]),
            (&long, "s:custom", vec![]),
            ("TextMessage", "s:custom", vec![]),
            ("Custom", "s:custom", vec![String::new()]),
            ("Custom", "s:custom", vec!["a".into(), "a".into()]),
            (
                "Custom",
                "s:custom",
                (0..17).map(|i| i.to_string()).collect(),
            ),
        ];
        for (message_type, object_name, fields) in bad {
            let error = register(message_type, object_name, tag, &fields).unwrap_err();
            assert_eq!(
                error.code, 33003,
                "{message_type:?} {object_name:?} {fields:?}"
            );
        }
        assert_eq!(by_object_name("s:custom"), None);
        register("ClashMessage", "s:clash-1", tag, &[]).unwrap();
        let clash = register("ClashMessage", "s:clash-2", tag, &[]).unwrap_err();
        assert_eq!(clash.code, 33003);
        assert_eq!(by_object_name("s:clash-2"), None);
    }
}
