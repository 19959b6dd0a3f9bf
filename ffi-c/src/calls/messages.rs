//! Messages: sending, history, and the messages of the local database (seed `sendMessage`,
//! `getHistoryMessages`, `getMessage`, `insertMessage`, `setMessage*`, `deleteMessages`,
//! `clearHistoryMessages`), and custom message types (`registerMessageType`).

use super::{accept, conversation, count, json, message_ids};
use crate::client::{ImcoreClient, status};
use crate::completion::ImcoreCompletion;
use crate::guard::catch;
use crate::strings::arg;
use engine::{
    HistoryOrder, ImClient, ImError, InsertMessage, MessageContent, MessageRef, MessageTag,
    SentStatus,
};
use std::ffi::{c_char, c_void};

/// Registers a custom message type for every client of the process (seed
/// `registerMessageType`; call it before connecting). `message_type` is the class name
/// reported in messages, `object_name` the wire name (1–32 bytes, not starting with `RC:`),
/// `is_counted`/`is_persisted` the seed's `MessageTag`, and `search_props_json` a JSON array of
/// the content fields to make searchable (NULL for none). Registering an ObjectName again
/// changes its tag and fields. Returns 0, or 33003 for a bad name or field list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_register_message_type(
    message_type: *const c_char,
    object_name: *const c_char,
    is_counted: bool,
    is_persisted: bool,
    search_props_json: *const c_char,
) -> i32 {
    catch(|| {
        // SAFETY: pointers checked by `arg` and `json`.
        let registered = unsafe { registration(message_type, object_name, search_props_json) }
            .and_then(|(message_type, object_name, fields)| {
                let tag = MessageTag {
                    is_counted,
                    is_persisted,
                };
                ImClient::register_message_type(message_type, object_name, tag, &fields)
            });
        status(registered)
    })
}

/// The arguments of [`imcore_register_message_type`] that need converting.
unsafe fn registration<'a>(
    message_type: *const c_char,
    object_name: *const c_char,
    search_props_json: *const c_char,
) -> engine::ImResult<(&'a str, &'a str, Vec<String>)> {
    // SAFETY: checked by `arg` and `json`.
    unsafe {
        let fields = if search_props_json.is_null() {
            Vec::new()
        } else {
            serde_json::from_value(json(search_props_json, "search_props_json")?)
                .map_err(|e| ImError::invalid(format!("`search_props_json`: {e}")))?
        };
        Ok((
            arg(message_type, "message_type")?,
            arg(object_name, "object_name")?,
            fields,
        ))
    }
}

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
/// 1 newer, `object_name` NULL for every type or an ObjectName to keep only that type (then
/// from the local database alone); completes with `{"list":[…],"hasMore":bool}`, `list` in
/// ascending `sentTime`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_history_messages(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    timestamp: i64,
    count: i32,
    order: i32,
    object_name: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let (count, order) = (self::count(count)?, HistoryOrder::try_from(order)?);
            let object_name = (!object_name.is_null())
                .then(|| arg(object_name, "object_name").map(str::to_owned))
                .transpose()?;
            Ok(async move {
                core.get_history_messages(
                    kind,
                    &target,
                    timestamp,
                    count,
                    order,
                    object_name.as_deref(),
                )
                .await
            })
        })
    }
}

/// One message of the local database (seed `getMessage`): `which_json` is its local
/// `messageId` as a JSON number (`42`) or its server `messageUId` as a JSON string
/// (`"\"BKNA-…\""`); returns 33003 otherwise. Completes with the Message, or `null` if it is
/// not stored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_message(
    handle: *mut ImcoreClient,
    which_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let which = MessageRef::from_value(&json(which_json, "which_json")?)?;
            Ok(async move { core.get_message(which).await })
        })
    }
}

/// Stores a message in a conversation without sending it (seed `insertMessage`), e.g. a tip;
/// it never counts as unread. `message_json` is `{"senderUserId":"bob","messageDirection":2,
/// "objectName":"RC:InfoNtf","content":{"message":"tip"}}` with optional `sentStatus`,
/// `receivedStatus`, `sentTime`; returns 33003 when malformed. Completes with the stored
/// Message.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_insert_message(
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
            let message = InsertMessage::from_json(arg(message_json, "message_json")?)?;
            Ok(async move { core.insert_message(kind, &target, message).await })
        })
    }
}

/// Replaces the content object of a stored message (seed `setMessageContent`) with
/// `content_json`, e.g. `{"content":"edited"}`; completes with `true` if the message exists,
/// or 33003 when `content_json` is not a JSON object, 30016 when it is over 128 KB.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_message_content(
    handle: *mut ImcoreClient,
    message_id: i64,
    content_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let content = arg(content_json, "content_json")?.to_owned();
            Ok(async move { core.set_message_content(message_id, &content).await })
        })
    }
}

/// Sets the received-status flags of a stored message (seed ReceivedStatus: READ 1, LISTENED 2,
/// DOWNLOADED 4, RETRIEVED 8, MULTIPLERECEIVE 16); completes with `true` if the message
/// exists, or 33003 for flags outside 0–255.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_message_received_status(
    handle: *mut ImcoreClient,
    message_id: i64,
    received_status: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            Ok(async move {
                core.set_message_received_status(message_id, received_status)
                    .await
            })
        })
    }
}

/// Sets the sent status of a stored message (10 sending, 20 failed, 30 sent, 40 received,
/// 50 read, 60 destroyed; 33003 for another value); completes with `true` if it exists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_message_sent_status(
    handle: *mut ImcoreClient,
    message_id: i64,
    sent_status: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let status = SentStatus::try_from(sent_status)?;
            Ok(async move { core.set_message_sent_status(message_id, status).await })
        })
    }
}

/// Deletes messages of the local database by local id (seed `deleteMessages`):
/// `message_count` ids (1–100, else it completes with 33003) at `message_ids`. Completes with
/// how many existed; conversations show their latest remaining message afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_delete_messages(
    handle: *mut ImcoreClient,
    message_ids: *const i64,
    message_count: usize,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside; the caller promises `message_count` ids.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let ids = self::message_ids(message_ids, message_count)?;
            Ok(async move { core.delete_messages(ids).await })
        })
    }
}

/// Deletes a conversation's local messages sent at or before `timestamp` (ms; 0 = all; seed
/// `clearHistoryMessages`); completes with how many were deleted, or 33003 for a negative
/// timestamp.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_history_messages(
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
            Ok(async move { core.clear_history_messages(kind, &target, timestamp).await })
        })
    }
}
