//! The searchable text of a message: what the full-text index holds for each message type.
//!
//! The store indexes each message it inserts ([`index`]); the schema's update and delete
//! triggers keep the index in step with later changes through the SQL function
//! `imcore_searchable_text(object_name, content)`, registered on every connection.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::Value;

/// Name of the SQL function.
pub(crate) const FUNCTION: &str = "imcore_searchable_text";

/// Content fields that hold searchable text, per ObjectName (seed §4 types with text).
fn searchable_fields(object_name: &str) -> &'static [&'static str] {
    match object_name {
        "RC:TxtMsg" => &["content"],
        "RC:FileMsg" => &["name"],
        "RC:ImgTextMsg" => &["title", "content"],
        "RC:LBSMsg" => &["poi"],
        "RC:InfoNtf" => &["message"],
        "RC:CombineMsg" => &["summaryList"],
        _ => &[],
    }
}

/// The searchable text of a message: its type's text fields joined by newlines, `""` if none.
pub(crate) fn searchable_text(object_name: &str, content: &str) -> String {
    let fields = searchable_fields(object_name);
    if fields.is_empty() {
        return String::new();
    }
    let Ok(Value::Object(content)) = serde_json::from_str::<Value>(content) else {
        return String::new();
    };
    let mut text = String::new();
    for value in fields.iter().filter_map(|field| content.get(*field)) {
        collect_strings(value, &mut text);
    }
    text
}

fn collect_strings(value: &Value, text: &mut String) {
    match value {
        Value::String(s) if !s.is_empty() => {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(s);
        }
        Value::Array(items) => items.iter().for_each(|item| collect_strings(item, text)),
        _ => {}
    }
}

/// Adds a just-inserted message to the full-text index (nothing when it has no text).
pub(crate) fn index(
    conn: &Connection,
    message_id: i64,
    object_name: &str,
    content: &str,
) -> rusqlite::Result<()> {
    let text = searchable_text(object_name, content);
    if !text.is_empty() {
        conn.prepare_cached("INSERT INTO message_text (rowid, text) VALUES (?1, ?2)")?
            .execute(rusqlite::params![message_id, text])?;
    }
    Ok(())
}

/// Registers [`FUNCTION`] on `conn` (needed before the schema's triggers run).
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        FUNCTION,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let object_name = ctx.get::<String>(0)?;
            let content = ctx.get::<String>(1)?;
            Ok(searchable_text(&object_name, &content))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fields_of_each_type() {
        assert_eq!(
            searchable_text("RC:TxtMsg", r#"{"content":"你好 world"}"#),
            "你好 world"
        );
        assert_eq!(
            searchable_text("RC:FileMsg", r#"{"name":"plan.pdf","size":3}"#),
            "plan.pdf"
        );
        assert_eq!(
            searchable_text("RC:ImgTextMsg", r#"{"title":"T","content":"C"}"#),
            "T\nC"
        );
        assert_eq!(
            searchable_text("RC:CombineMsg", r#"{"summaryList":["a","b"]}"#),
            "a\nb"
        );
        assert_eq!(searchable_text("RC:ImgMsg", r#"{"content":"base64"}"#), "");
        assert_eq!(searchable_text("RC:TxtMsg", "not json"), "");
    }
}
