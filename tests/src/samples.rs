//! One sample message of every built-in type (seed §4), made from the contract's table
//! (`improto::message_types`): each required or searchable field with a value of its JSON type, the shared
//! `user` and `extra`, and `burnDuration` where the type has it. Searchable strings are one
//! word unique to their type and field (`TextMessageContent`), the sample's `keyword`. The
//! shells' tests read the same table from [`FIXTURE`], which a test keeps fresh.

use improto::message_types::{BUILT_IN, FieldType, MessageTypeInfo};
use serde_json::{Value, json};

/// The committed table, relative to the workspace root.
pub const FIXTURE: &str = "tests/fixtures/message_types.json";

/// Every built-in type's sample: `{objectName, messageType, content, persisted, counted,
/// offline, keyword}` (`keyword` `null` for a type without search fields).
pub fn samples() -> Vec<Value> {
    BUILT_IN.iter().map(sample).collect()
}

/// [`samples`] as the JSON text of [`FIXTURE`].
pub fn fixture_text() -> String {
    serde_json::to_string_pretty(&samples()).expect("JSON values") + "\n"
}

fn sample(kind: &MessageTypeInfo) -> Value {
    let mut content = serde_json::Map::new();
    let word = |field: &str| {
        let mut chars = field.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase());
        format!(
            "{}{}{}",
            kind.message_type,
            first.unwrap_or_default(),
            chars.as_str()
        )
    };
    for field in kind.fields {
        let wanted = field.required || kind.search_fields.contains(&field.name);
        let value = match (wanted, field.name, field.field_type) {
            (_, "burnDuration", _) => json!(10),
            (false, ..) => continue,
            (true, name, FieldType::String) => json!(word(name)),
            (true, _, FieldType::Number) => json!(7),
            (true, _, FieldType::Object) => json!({}),
            (true, name, FieldType::Array) => json!([word(name)]),
        };
        content.insert(field.name.into(), value);
    }
    content.insert(
        "extra".into(),
        json!(format!("extra of {}", kind.message_type)),
    );
    content.insert(
        "user".into(),
        json!({"id": "alice", "name": "Alice", "portrait": "https://example.com/a.png", "extra": "u"}),
    );
    json!({
        "objectName": kind.object_name,
        "messageType": kind.message_type,
        "content": content,
        "persisted": kind.persisted,
        "counted": kind.counted,
        "offline": kind.offline,
        "keyword": kind.search_fields.first().map(|field| word(field)),
    })
}
