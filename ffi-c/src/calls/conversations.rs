//! The conversation list, conversation status and unread counts (seed §2.3, §2.5, §2.6), read
//! from and written to the user's database. `types_json` arguments are JSON arrays of
//! conversation types such as `[1,3]`, or NULL for every type.

use super::{accept, accept_for_conversation, conversation, count, types};
use crate::client::ImcoreClient;
use crate::completion::ImcoreCompletion;
use crate::strings::arg;
use engine::{ConversationStatusItem, ImError};
use std::ffi::{c_char, c_void};

/// The conversation list (seed `getConversationList`): conversations of `types_json` (NULL =
/// all), pinned first, then latest first, at most `count` (1–1000, else it completes with
/// 33003); completes with a JSON array of Conversation objects.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_conversation_list(
    handle: *mut ImcoreClient,
    types_json: *const c_char,
    count: i32,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (types, count) = (types(types_json)?, self::count(count)?);
            Ok(async move { core.get_conversation_list(types, count).await })
        })
    }
}

/// One conversation (seed `getConversation`); completes with a Conversation object, or `null`
/// if it never had a message or a status.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_conversation(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept_for_conversation(
            handle,
            conversation_type,
            target_id,
            callback,
            user_data,
            |core, kind, target| async move { core.get_conversation(kind, &target).await },
        )
    }
}

/// Removes a conversation from the list until a new message arrives in it, here and (when
/// connected) on the server; its messages stay (seed `removeConversation`). Completes with
/// `true` if it was listed, `false` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_remove_conversation(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept_for_conversation(
            handle,
            conversation_type,
            target_id,
            callback,
            user_data,
            |core, kind, target| async move { core.remove_conversation(kind, &target).await },
        )
    }
}

/// Removes every conversation of `types_json` (NULL = all) from the list, here and (when
/// connected) on the server (seed `clearConversations`); completes with how many were removed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_conversations(
    handle: *mut ImcoreClient,
    types_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let types = types(types_json)?;
            Ok(async move { core.clear_conversations(types).await })
        })
    }
}

/// Pins/unpins or mutes/unmutes a conversation (seed `setConversationStatus`). `status_json` is
/// `{"isTop":true}` and/or `{"notificationStatus":1}` (1 do not disturb, 2 notify); returns
/// 33003 for an empty, unknown or malformed status. Completes with `null`. The status is the
/// user's on every device (the others get a `conversationStatus` event): at once when
/// connected, else from the next connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_conversation_status(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    status_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let status = ConversationStatusItem::from_json(arg(status_json, "status_json")?)?;
            Ok(async move { core.set_conversation_status(kind, &target, status).await })
        })
    }
}

/// Total unread count over `types_json` (NULL = all) (seed `getTotalUnreadCount`);
/// do-not-disturb conversations count only when `include_muted` (the seed's default is
/// false). Completes with a number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_total_unread_count(
    handle: *mut ImcoreClient,
    types_json: *const c_char,
    include_muted: bool,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let types = types(types_json)?;
            Ok(async move { core.get_total_unread_count(types, include_muted).await })
        })
    }
}

/// Unread count of one conversation (seed `getUnreadCount`); completes with a number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_unread_count(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept_for_conversation(
            handle,
            conversation_type,
            target_id,
            callback,
            user_data,
            |core, kind, target| async move { core.get_unread_count(kind, &target).await },
        )
    }
}

/// Unread count over the conversation types of `types_json` (required here), muted
/// conversations included (seed `getConversationUnreadCount`); completes with a number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_conversation_unread_count(
    handle: *mut ImcoreClient,
    types_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let types =
                types(types_json)?.ok_or_else(|| ImError::invalid("`types_json` is NULL"))?;
            Ok(async move { core.get_conversation_unread_count(types).await })
        })
    }
}

/// Clears the unread count and @-mentions of one conversation (seed `clearUnreadCount`);
/// completes with `true` if anything was unread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_unread_count(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept_for_conversation(
            handle,
            conversation_type,
            target_id,
            callback,
            user_data,
            |core, kind, target| async move { core.clear_unread_count(kind, &target).await },
        )
    }
}

/// Clears every conversation's unread count and @-mentions (seed `clearAllUnreadCount`);
/// completes with `null`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_all_unread_count(
    handle: *mut ImcoreClient,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            Ok(async move { core.clear_all_unread_count().await })
        })
    }
}
