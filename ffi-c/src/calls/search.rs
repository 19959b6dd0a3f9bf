//! Keyword search over the local full-text index (seed `searchConversationByContent`, and
//! `searchMessages` of the desktop SDK).

use super::{accept, conversation, count, types};
use crate::client::ImcoreClient;
use crate::completion::ImcoreCompletion;
use crate::strings::arg;
use std::ffi::{c_char, c_void};

/// Conversations of `types_json` (a JSON array such as `[1,3]`, NULL = all) whose messages
/// contain `keyword` (1–256 characters, not only spaces, else it completes with 33003);
/// completes with a JSON array of Conversation objects, each with `matchCount`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_search_conversation_by_content(
    handle: *mut ImcoreClient,
    keyword: *const c_char,
    types_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (keyword, types) = (arg(keyword, "keyword")?.to_owned(), types(types_json)?);
            Ok(async move { core.search_conversation_by_content(&keyword, types).await })
        })
    }
}

/// Messages of one conversation containing `keyword`, sent before `timestamp` (ms; 0 = from
/// the latest), newest first, at most `count` (1–100); completes with a JSON array of
/// Messages, or 33003 for a keyword or count out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_search_messages(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    keyword: *const c_char,
    timestamp: i64,
    count: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let (keyword, count) = (arg(keyword, "keyword")?.to_owned(), self::count(count)?);
            Ok(async move {
                core.search_messages(kind, &target, &keyword, timestamp, count)
                    .await
            })
        })
    }
}
