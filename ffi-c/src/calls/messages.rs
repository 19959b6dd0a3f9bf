//! Messages: sending, history, and the messages of the local database (seed `sendMessage`,
//! `getHistoryMessages`, `getMessage`, `insertMessage`, `setMessage*`, `deleteMessages`,
//! `clearHistoryMessages`).

use super::{accept, conversation, count};
use crate::client::ImcoreClient;
use crate::completion::ImcoreCompletion;
use crate::strings::arg;
use engine::{HistoryOrder, MessageContent};
use std::ffi::{c_char, c_void};

/// Sends a message (seed `sendMessage`). `message_json` is
/// `{"objectName":"RC:TxtMsg","content":{"content":"hi","extra":"…"}}` (or `"messageType":
/// "TextMessage"`); completes with the stored Message JSON, or 30001 (not connected), 30003
/// (no answer in time), 30016 (body over 128 KB). Returns 33003 for a malformed message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_send_message(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    message_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let content = MessageContent::from_json(arg(message_json, "message_json")?)?;
            Ok(async move { core.send_message(kind, &target, content).await })
        })
    }
}

/// Sends a FAILED message (by local `messageId`) again under its original idempotency key, so
/// the receiver gets it once; completes with the Message, now SENT, or 33003 when it is not a
/// failed outgoing message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_resend_message(
    handle: *mut ImcoreClient,
    message_id: i64,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            Ok(async move { core.resend_message(message_id).await })
        })
    }
}

/// A page of history (seed `getHistoryMessages`), local first, completed from the server's
/// cloud history when connected: `timestamp` 0 = latest, `count` 1–20, `order` 0 older /
/// 1 newer; completes with `{"list":[…],"hasMore":bool}`, `list` in ascending `sentTime`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_history_messages(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    timestamp: i64,
    count: i32,
    order: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let (count, order) = (self::count(count)?, HistoryOrder::try_from(order)?);
            Ok(async move {
                core.get_history_messages(kind, &target, timestamp, count, order)
                    .await
            })
        })
    }
}
