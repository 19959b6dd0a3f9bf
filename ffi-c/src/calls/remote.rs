//! Calls the server answers (seed `getRemoteHistoryMessages`, `getRemoteConversationList`,
//! `deleteRemoteMessages`, `clearRemoteHistoryMessages`); they need a connection (else they
//! complete with 30001) and complete with 30003 when the server does not answer in time. What
//! arrives is stored locally; deletions apply to both.

use super::{accept, conversation, count, json};
use crate::client::ImcoreClient;
use crate::completion::ImcoreCompletion;
use engine::{HistoryOrder, RemoteMessageRef};
use std::ffi::{c_char, c_void};

/// A page of the server's cloud history of a conversation: `timestamp` 0 = latest, `count`
/// 1–100, `order` 0 older / 1 newer; completes with `{"list":[…],"hasMore":bool}` (messages as
/// stored locally, ascending `sentTime`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_remote_history_messages(
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
                core.get_remote_history_messages(kind, &target, timestamp, count, order)
                    .await
            })
        })
    }
}

/// The server's conversation list of this user, merged into the local one; completes with the
/// local list afterwards (JSON array of Conversations, at most `count`, 1–1000).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_remote_conversation_list(
    handle: *mut ImcoreClient,
    count: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let count = self::count(count)?;
            Ok(async move { core.get_remote_conversation_list(count).await })
        })
    }
}

/// Deletes messages of a conversation from the server's cloud history of this user and from
/// the local database. `messages_json` is a JSON array of 1–100
/// `{"messageUId":"…","sentTime":…,"messageDirection":1|2}` (33003 otherwise). Completes with
/// `null`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_delete_remote_messages(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    messages_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let messages =
                RemoteMessageRef::list_from_value(json(messages_json, "messages_json")?)?;
            Ok(async move { core.delete_remote_messages(kind, &target, messages).await })
        })
    }
}

/// Deletes a conversation's messages sent at or before `timestamp` (ms; 0 = all until now)
/// from the server's cloud history of this user and from the local database; completes with
/// `null`, or 33003 for a negative timestamp.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_remote_history_messages(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    timestamp: i64,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            Ok(async move {
                core.clear_remote_history_messages(kind, &target, timestamp)
                    .await
            })
        })
    }
}
