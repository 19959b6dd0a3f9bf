//! The searchable text of a message: what the full-text index holds for each message type.
//!
//! The store indexes each message it inserts ([`add`]): at once, or, for messages that arrive
//! live one commit at a time, moments later in a batch on the database thread
//! ([`index_pending`]; searches also scan the messages still waiting). The schema's update and
//! delete triggers keep the index in step with later changes through the SQL function
//! `imcore_searchable_text(object_name, content)`, registered on every connection beside
//! `imcore_fold(text)`, the Unicode lowercasing that keyword matching compares under.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::Value;

/// Name of the SQL function giving [`searchable_text`].
pub(crate) const FUNCTION: &str = "imcore_searchable_text";

/// Name of the SQL function giving [`fold`].
pub(crate) const FOLD_FUNCTION: &str = "imcore_fold";

/// `text` lowercased character by character over all of Unicode (as the trigram index folds
/// case), unlike SQLite's `lower()` and `LIKE`, which fold ASCII only.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The searchable text of a message: its type's searchable fields joined by newlines, `""` if none.
pub(crate) fn searchable_text(object_name: &str, content: &str) -> String {
    let fields =
        crate::message_types::by_object_name(object_name).map_or(&[][..], |t| t.search_fields);
    if fields.is_empty() {
        return String::new();
    }
    let Ok(Value::Object(content)) = serde_json::from_str::<Value>(content) else {
        return String::new();
    };
    let mut text = String::new();
    for value in fields.iter().filter_map(|field| content.get(*field)) {
        collect_text(value, &mut text);
    }
    text
}

/// Appends the strings and integers in `value` (recursing into arrays), one per line.
fn collect_text(value: &Value, text: &mut String) {
    let mut push = |line: &str| {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    };
    match value {
        Value::String(s) if !s.is_empty() => push(s),
        // Registered types may name integer fields (the seed allows integer search values).
        Value::Number(n) if n.is_i64() || n.is_u64() => push(&n.to_string()),
        Value::Array(items) => items.iter().for_each(|item| collect_text(item, text)),
        _ => {}
    }
}

/// When a new message's text enters the full-text index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexing {
    /// In the same transaction (bulk writes: the index flush is shared by the batch).
    Now,
    /// Moments later, by [`index_pending`] (live messages, committed one at a time).
    Soon,
}

/// Adds a just-inserted message to the full-text index (nothing when it has no text).
pub(crate) fn add(
    conn: &Connection,
    message_id: i64,
    object_name: &str,
    content: &str,
    when: Indexing,
) -> rusqlite::Result<()> {
    if when == Indexing::Soon {
        conn.prepare_cached("INSERT OR IGNORE INTO message_text_pending (message_id) VALUES (?1)")?
            .execute([message_id])?;
        return Ok(());
    }
    let text = searchable_text(object_name, content);
    if !text.is_empty() {
        conn.prepare_cached("INSERT INTO message_text (rowid, text) VALUES (?1, ?2)")?
            .execute(rusqlite::params![message_id, text])?;
    }
    Ok(())
}

/// Indexes every message waiting in `message_text_pending`, in one transaction.
pub(crate) fn index_pending(conn: &mut Connection) -> rusqlite::Result<()> {
    let waiting: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM message_text_pending)")?
        .query_row([], |r| r.get(0))?;
    if !waiting {
        return Ok(());
    }
    let tx = conn.transaction()?;
    tx.prepare_cached(
        "INSERT INTO message_text (rowid, text) \
         SELECT m.message_id, imcore_searchable_text(m.object_name, m.content) \
         FROM message_text_pending p JOIN messages m ON m.message_id = p.message_id \
         WHERE imcore_searchable_text(m.object_name, m.content) <> ''",
    )?
    .execute([])?;
    tx.prepare_cached("DELETE FROM message_text_pending")?
        .execute([])?;
    tx.commit()
}

/// Registers [`FUNCTION`] (needed before the schema's triggers run) and [`FOLD_FUNCTION`] on
/// `conn`. Both read their text arguments in place and take NULL as `""`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(FUNCTION, 2, flags, |ctx| {
        Ok(searchable_text(
            text_argument(ctx, 0)?,
            text_argument(ctx, 1)?,
        ))
    })?;
    conn.create_scalar_function(FOLD_FUNCTION, 1, flags, |ctx| {
        Ok(fold(text_argument(ctx, 0)?))
    })
}

/// Argument `i` of a function call as text, without copying it (`""` for NULL).
fn text_argument<'a>(
    ctx: &'a rusqlite::functions::Context<'_>,
    i: usize,
) -> rusqlite::Result<&'a str> {
    match ctx.get_raw(i) {
        rusqlite::types::ValueRef::Null => Ok(""),
        value => value
            .as_str()
            .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e))),
    }
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

    #[test]
    fn folding_lowercases_all_of_unicode_alike() {
        assert_eq!(fold("Meeting"), "meeting");
        assert_eq!(fold("ÜBER Straße ΣΟΦΊΑ 你好"), "über straße σοφία 你好");
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        let folded: (String, String) = conn
            .query_row("SELECT imcore_fold('ÜB'), imcore_fold(NULL)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(folded, ("üb".to_owned(), String::new()));
    }
}
