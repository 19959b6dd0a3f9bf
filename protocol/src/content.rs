//! The rules every message content obeys, checked alike by the client engine before it sends
//! or stores a message and by the server before it accepts one, so that no message either side
//! accepted can break a recipient's parser:
//!
//! - at most [`MAX_CONTENT_BYTES`] of JSON text (else [`codes::MESSAGE_TOO_LARGE`]);
//! - a JSON object, arrays and objects nested at most [`MAX_CONTENT_DEPTH`] deep;
//! - no `\u` escape of a lone UTF-16 surrogate (half of a pair without the other half), which
//!   no Rust or C string can hold and parsers disagree on;
//! - for a built-in type, its fields of the message-type table
//!   ([`MessageTypeInfo::fields`] and [`SHARED_FIELDS`]) present and of their JSON types; a
//!   custom type's fields are its app's business;
//! - a `mentionedInfo`, where a built-in type has one, of the form `{type: 1 (everyone) | 2
//!   (the listed users), userIdList: [id, …]}` (ids as [`crate::ids::is_valid`] says, at most
//!   [`MAX_DIRECTED_USER_IDS`] of them; the list may be absent for type 1).
//!
//! Anything else is [`codes::INVALID_PARAMETER`].

use crate::codes;
use crate::limits::{MAX_CONTENT_BYTES, MAX_CONTENT_DEPTH, MAX_DIRECTED_USER_IDS};
use crate::message_types::{self, FieldType, MessageTypeInfo, SHARED_FIELDS};
use serde_json::{Map, Value};

/// Why a message content was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentError {
    /// Over [`MAX_CONTENT_BYTES`]; holds the size in bytes.
    TooLarge(usize),
    /// Arrays and objects nested deeper than [`MAX_CONTENT_DEPTH`].
    TooDeep,
    /// A `\u` escape of a lone UTF-16 surrogate.
    LoneSurrogate,
    /// Not JSON text; holds the parser's explanation.
    NotJson(String),
    /// JSON, but not an object.
    NotAnObject,
    /// A required field of a built-in type is absent or `null`.
    MissingField {
        /// The type's ObjectName.
        object_name: &'static str,
        /// The field.
        field: &'static str,
    },
    /// A field of a built-in type has another JSON type.
    WrongType {
        /// The type's ObjectName.
        object_name: &'static str,
        /// The field.
        field: &'static str,
        /// The type it must have.
        expected: FieldType,
    },
    /// A `mentionedInfo` that is not `{type: 1 | 2, userIdList: [id, …]}`.
    BadMentions,
}

impl ContentError {
    /// The status code refusing the content: [`codes::MESSAGE_TOO_LARGE`] for its size,
    /// [`codes::INVALID_PARAMETER`] for anything else.
    pub fn code(&self) -> i32 {
        match self {
            ContentError::TooLarge(_) => codes::MESSAGE_TOO_LARGE,
            _ => codes::INVALID_PARAMETER,
        }
    }
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContentError::TooLarge(n) => {
                write!(f, "content of {n} bytes exceeds {MAX_CONTENT_BYTES}")
            }
            ContentError::TooDeep => write!(
                f,
                "content nests arrays and objects deeper than {MAX_CONTENT_DEPTH}"
            ),
            ContentError::LoneSurrogate => {
                f.write_str("content holds a \\u escape of a lone UTF-16 surrogate")
            }
            ContentError::NotJson(e) => write!(f, "content is not JSON: {e}"),
            ContentError::NotAnObject => f.write_str("content must be a JSON object"),
            ContentError::MissingField { object_name, field } => {
                write!(f, "{object_name} content needs `{field}`")
            }
            ContentError::WrongType {
                object_name,
                field,
                expected,
            } => write!(f, "`{field}` of {object_name} content must be {expected}"),
            ContentError::BadMentions => f.write_str(
                "mentionedInfo must be {type: 1 (everyone) or 2 (listed users), userIdList: [ids]}",
            ),
        }
    }
}

impl std::error::Error for ContentError {}

/// Checks the content `json` of a message of type `object_name` against every rule: the
/// generic ones ([`check_form`]) and, for a built-in type, its fields.
pub fn check(object_name: &str, json: &str) -> Result<(), ContentError> {
    let fields = parse_object(json)?;
    match message_types::built_in(object_name) {
        Some(kind) => check_fields(kind, &fields),
        None => Ok(()),
    }
}

/// Checks `json` against the rules for the content of any type: size, a JSON object, nesting
/// depth, no lone surrogate escapes.
pub fn check_form(json: &str) -> Result<(), ContentError> {
    parse_object(json).map(drop)
}

fn parse_object(json: &str) -> Result<Map<String, Value>, ContentError> {
    if json.len() > MAX_CONTENT_BYTES {
        return Err(ContentError::TooLarge(json.len()));
    }
    // Before parsing: the parser would refuse lone surrogates only as a syntax error, and
    // would recurse as deep as the text nests.
    scan(json.as_bytes())?;
    match serde_json::from_str(json) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ContentError::NotAnObject),
        Err(e) => Err(ContentError::NotJson(e.to_string())),
    }
}

/// Walks JSON text once, refusing nesting deeper than [`MAX_CONTENT_DEPTH`] and escapes of
/// lone surrogates. Any other fault of text that is not JSON is left to the parser.
fn scan(json: &[u8]) -> Result<(), ContentError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = 0;
    while i < json.len() {
        match (in_string, json[i]) {
            (true, b'\\') => {
                i += escape_len(json, i)?;
                continue;
            }
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_CONTENT_DEPTH {
                    return Err(ContentError::TooDeep);
                }
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The length of the escape at `json[at]` (a backslash inside a string): a surrogate pair's
/// two `\u` escapes count as one; a lone surrogate is refused.
fn escape_len(json: &[u8], at: usize) -> Result<usize, ContentError> {
    let unit = |at: usize| {
        let hex = json.get(at..at + 6)?.strip_prefix(b"\\u")?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    match unit(at) {
        Some(0xD800..=0xDBFF) => match unit(at + 6) {
            Some(0xDC00..=0xDFFF) => Ok(12),
            _ => Err(ContentError::LoneSurrogate),
        },
        Some(0xDC00..=0xDFFF) => Err(ContentError::LoneSurrogate),
        Some(_) => Ok(6),
        // `\"`, `\\`, `\n`…; a malformed escape is the parser's to refuse.
        None => Ok(2),
    }
}

fn check_fields(kind: &MessageTypeInfo, content: &Map<String, Value>) -> Result<(), ContentError> {
    for field in kind.fields.iter().chain(SHARED_FIELDS) {
        match content.get(field.name) {
            None | Some(Value::Null) if field.required => {
                return Err(ContentError::MissingField {
                    object_name: kind.object_name,
                    field: field.name,
                });
            }
            None | Some(Value::Null) => {}
            Some(value) if !has_type(value, field.field_type) => {
                return Err(ContentError::WrongType {
                    object_name: kind.object_name,
                    field: field.name,
                    expected: field.field_type,
                });
            }
            Some(_) => {}
        }
    }
    match content.get(MENTIONED_INFO) {
        Some(info) if kind.fields.iter().any(|f| f.name == MENTIONED_INFO) => check_mentions(info),
        _ => Ok(()),
    }
}

/// The content field of @-mentions.
const MENTIONED_INFO: &str = "mentionedInfo";

/// Checks a `mentionedInfo` object (see the module's rules); `null` means none.
fn check_mentions(info: &Value) -> Result<(), ContentError> {
    if info.is_null() {
        return Ok(());
    }
    let ids = info.get("userIdList").filter(|ids| !ids.is_null());
    let valid_ids = |ids: &Value| {
        ids.as_array().is_some_and(|ids| {
            ids.len() <= MAX_DIRECTED_USER_IDS
                && ids
                    .iter()
                    .all(|id| id.as_str().is_some_and(crate::ids::is_valid))
        })
    };
    let valid = match info.get("type").and_then(Value::as_i64) {
        Some(1) => ids.is_none_or(valid_ids),
        Some(2) => ids.is_some_and(valid_ids),
        _ => false,
    };
    valid.then_some(()).ok_or(ContentError::BadMentions)
}

fn has_type(value: &Value, field_type: FieldType) -> bool {
    match field_type {
        FieldType::String => value.is_string(),
        FieldType::Number => value.is_number(),
        FieldType::Object => value.is_object(),
        FieldType::Array => value.is_array(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "{}{}",
            r#"{"a":"#.repeat(depth - 1) + "{",
            "}".repeat(depth)
        )
    }

    #[test]
    fn accepts_objects_with_pairs_and_escapes() {
        assert_eq!(check_form("{}"), Ok(()));
        for ok in [
            r#"{"content":"hi"}"#,
            r#"{"content":"\ud83d\ude00 \u00e9 \" \\ \n \/"}"#,
            r#"{"content":"😀","extra":null,"user":{"id":"u"}}"#,
            r#"{"content":"\\ud800 is text, not an escape"}"#,
        ] {
            assert_eq!(check("RC:TxtMsg", ok).err(), None, "{ok}");
        }
        assert_eq!(check_form(&nested(MAX_CONTENT_DEPTH)), Ok(()));
    }

    #[test]
    fn refuses_lone_surrogates_deep_nesting_and_non_objects() {
        for lone in [
            r#"{"content":"\ud800 abc"}"#,
            r#"{"content":"\udc00"}"#,
            r#"{"content":"\uD800\u0041"}"#,
            r#"{"content":"\ud83d\ud83d\ude00"}"#,
            r#"{"content":"x","\ud800":1}"#,
            r#"{"content":"\ud800"#,
        ] {
            assert_eq!(
                check("RC:TxtMsg", lone),
                Err(ContentError::LoneSurrogate),
                "{lone}"
            );
        }
        assert_eq!(
            check_form(&nested(MAX_CONTENT_DEPTH + 1)),
            Err(ContentError::TooDeep)
        );
        assert_eq!(check_form(&"[".repeat(10_000)), Err(ContentError::TooDeep));
        assert_eq!(check_form(&nested(128)), Err(ContentError::TooDeep));
        // Brackets inside strings do not nest.
        assert_eq!(
            check_form(&format!(r#"{{"a":"{}"}}"#, "[".repeat(100))),
            Ok(())
        );
        assert_eq!(check_form("[]"), Err(ContentError::NotAnObject));
        assert_eq!(check_form(r#""text""#), Err(ContentError::NotAnObject));
        for bad in ["", "{not json", r#"{"a":"\x"}"#, r#"{"a":1}}"#] {
            assert!(
                matches!(check_form(bad), Err(ContentError::NotJson(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_oversized_content_with_its_own_code() {
        let at_limit = format!(r#"{{"content":"{}"}}"#, "x".repeat(MAX_CONTENT_BYTES - 14));
        assert_eq!(at_limit.len(), MAX_CONTENT_BYTES);
        assert_eq!(check("RC:TxtMsg", &at_limit), Ok(()));
        let over = format!(r#"{{"content":"{}"}}"#, "x".repeat(MAX_CONTENT_BYTES - 13));
        let error = check("RC:TxtMsg", &over).unwrap_err();
        assert_eq!(error, ContentError::TooLarge(MAX_CONTENT_BYTES + 1));
        assert_eq!(error.code(), codes::MESSAGE_TOO_LARGE);
        assert_eq!(ContentError::TooDeep.code(), codes::INVALID_PARAMETER);
    }

    #[test]
    fn built_in_types_need_their_fields_with_their_types() {
        let missing = |object_name: &'static str, field: &'static str| {
            Err(ContentError::MissingField { object_name, field })
        };
        let wrong = |object_name: &'static str, field: &'static str, expected| {
            Err(ContentError::WrongType {
                object_name,
                field,
                expected,
            })
        };
        assert_eq!(check("RC:TxtMsg", "{}"), missing("RC:TxtMsg", "content"));
        assert_eq!(
            check("RC:TxtMsg", r#"{"content":null}"#),
            missing("RC:TxtMsg", "content")
        );
        assert_eq!(
            check("RC:TxtMsg", r#"{"content":5}"#),
            wrong("RC:TxtMsg", "content", FieldType::String)
        );
        assert_eq!(
            check("RC:TxtMsg", r#"{"content":"hi","extra":5}"#),
            wrong("RC:TxtMsg", "extra", FieldType::String)
        );
        assert_eq!(
            check("RC:TxtMsg", r#"{"content":"hi","user":"ann"}"#),
            wrong("RC:TxtMsg", "user", FieldType::Object)
        );
        assert_eq!(
            check("RC:ImgMsg", r#"{"content":5,"imageUri":"https://x/y.jpg"}"#),
            wrong("RC:ImgMsg", "content", FieldType::String)
        );
        assert_eq!(
            check("RC:ImgMsg", r#"{"content":"base64"}"#),
            missing("RC:ImgMsg", "imageUri")
        );
        assert_eq!(
            check(
                "RC:FileMsg",
                r#"{"name":"a.pdf","size":"3","type":"pdf","fileUrl":"u"}"#
            ),
            wrong("RC:FileMsg", "size", FieldType::Number)
        );
        for ok in [
            (
                "RC:ImgMsg",
                r#"{"content":"base64","imageUri":"https://x/y.jpg"}"#,
            ),
            (
                "RC:FileMsg",
                r#"{"name":"a.pdf","size":3,"type":"pdf","fileUrl":"u"}"#,
            ),
            (
                "RC:LBSMsg",
                r#"{"latitude":1.5,"longitude":2,"poi":"p","content":"b64"}"#,
            ),
            ("RC:TypSts", r#"{"typingContentType":"RC:TxtMsg"}"#),
            ("RC:CmdMsg", r#"{"anything":[1,{"goes":true}]}"#),
            ("RC:InfoNtf", r#"{"message":"tip","extra":null}"#),
        ] {
            assert_eq!(check(ok.0, ok.1), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn mentions_need_a_type_and_a_list_of_ids() {
        for ok in [
            r#"{"content":"hi","mentionedInfo":{"type":1}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":1,"userIdList":[]}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":2,"userIdList":["ann","bob"]}}"#,
            r#"{"content":"hi","mentionedInfo":null}"#,
        ] {
            assert_eq!(check("RC:TxtMsg", ok), Ok(()), "{ok}");
        }
        for bad in [
            r#"{"content":"hi","mentionedInfo":{}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":3,"userIdList":[]}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":2}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":2,"userIdList":"ann"}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":2,"userIdList":[5]}}"#,
            r#"{"content":"hi","mentionedInfo":{"type":2,"userIdList":[""]}}"#,
        ] {
            assert_eq!(
                check("RC:TxtMsg", bad),
                Err(ContentError::BadMentions),
                "{bad}"
            );
        }
        // Types without mentions and custom types keep whatever they call `mentionedInfo`.
        let odd = r#"{"typingContentType":"RC:TxtMsg","mentionedInfo":{"type":9}}"#;
        assert_eq!(check("RC:TypSts", odd), Ok(()));
        assert_eq!(check("app:card", r#"{"mentionedInfo":7}"#), Ok(()));
    }

    #[test]
    fn custom_types_get_only_the_generic_rules() {
        assert_eq!(
            check("app:card", r#"{"content":5,"extra":5,"user":1}"#),
            Ok(())
        );
        assert_eq!(check("app:card", "[]"), Err(ContentError::NotAnObject));
        assert_eq!(
            check("app:card", r#"{"a":"\ud800"}"#),
            Err(ContentError::LoneSurrogate)
        );
    }

    #[test]
    fn every_built_in_field_is_named_once() {
        for kind in message_types::BUILT_IN {
            let names: Vec<_> = kind
                .fields
                .iter()
                .chain(SHARED_FIELDS)
                .map(|f| f.name)
                .collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{}", kind.object_name);
        }
    }
}
