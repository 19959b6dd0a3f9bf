//! The IM calls: each converts its arguments, runs the engine method on the engine's runtime
//! and reports through a completion (asynchronous) or the return value (synchronous).

use crate::client::{ImcoreClient, client, status};
use crate::completion::{Completion, ImcoreCompletion};
use crate::guard::catch;
use crate::strings::{arg, give};
use crate::{IMCORE_INVALID_PARAMETER, IMCORE_OK};
use engine::{ConversationType, HistoryOrder, ImError, ImResult, MessageContent};
use serde::Serialize;
use std::ffi::{c_char, c_void};
use std::future::Future;

/// Accepts an asynchronous call: checks the handle and initialisation, lets `prepare` convert
/// the arguments (its errors are returned, and the completion is not called), then runs the
/// call on the engine and completes with its JSON result.
unsafe fn accept<T, F, P>(
    handle: *mut ImcoreClient,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
    prepare: P,
) -> i32
where
    T: Serialize,
    F: Future<Output = ImResult<T>> + Send + 'static,
    P: FnOnce(&ImcoreClient) -> ImResult<F>,
{
    catch(|| {
        // SAFETY: handle checked by `client`.
        let accepted = unsafe { client(handle) }.and_then(|client| {
            client.core.ensure_initialized()?;
            let call = prepare(client)?;
            let completion = Completion::new(callback, user_data, client.dispatcher.jobs())?;
            client.core.spawn(async move {
                let result = call
                    .await
                    .map(|value| serde_json::to_string(&value).expect("results serialise"));
                completion.finish(result);
            })
        });
        status(accepted)
    })
}

/// [`accept`] for a call keyed by a conversation: converts its type and target id.
unsafe fn accept_for_conversation<T, F>(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
    call: impl FnOnce(engine::ImClient, ConversationType, String) -> F,
) -> i32
where
    T: Serialize,
    F: Future<Output = ImResult<T>> + Send + 'static,
{
    // SAFETY: pointers checked by `accept` and `arg`.
    unsafe {
        accept(handle, callback, user_data, |client| {
            let conversation_type = ConversationType::try_from(conversation_type)?;
            let target_id = arg(target_id, "target_id")?.to_owned();
            Ok(call(client.core.clone(), conversation_type, target_id))
        })
    }
}

/// Connects with `token` (seed `connect`); completes with `{"userId":"…"}`, or 31004 for an
/// incorrect token, 31002 for an app key the server does not know, 33006 while connecting.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_connect(
    handle: *mut ImcoreClient,
    token: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |client| {
            let token = arg(token, "token")?.to_owned();
            let core = client.core.clone();
            Ok(async move {
                core.connect(&token)
                    .await
                    .map(|user_id| serde_json::json!({ "userId": user_id }))
            })
        })
    }
}

/// Connects again with the previous identity, only after `imcore_disconnect` (else 35007).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_reconnect(
    handle: *mut ImcoreClient,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |client| {
            let core = client.core.clone();
            Ok(async move {
                core.reconnect()
                    .await
                    .map(|user_id| serde_json::json!({ "userId": user_id }))
            })
        })
    }
}

/// Sends a message (seed `sendMessage`). `message_json` is
/// `{"objectName":"RC:TxtMsg","content":{"content":"hi","extra":"…"}}` (or `"messageType":
/// "TextMessage"`); completes with the stored Message JSON, or 30001/30003/30016/33003.
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
        accept(handle, callback, user_data, |client| {
            let conversation_type = ConversationType::try_from(conversation_type)?;
            let target_id = arg(target_id, "target_id")?.to_owned();
            let content = MessageContent::from_json(arg(message_json, "message_json")?)?;
            let core = client.core.clone();
            Ok(async move {
                core.send_message(conversation_type, &target_id, content)
                    .await
            })
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
        accept(handle, callback, user_data, |client| {
            let core = client.core.clone();
            Ok(async move { core.resend_message(message_id).await })
        })
    }
}

/// A page of local history (seed `getHistoryMessages`): `timestamp` 0 = latest, `count`
/// 1–20, `order` 0 older / 1 newer; completes with `{"list":[…],"hasMore":bool}`.
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
        accept(handle, callback, user_data, |client| {
            let conversation_type = ConversationType::try_from(conversation_type)?;
            let order = HistoryOrder::try_from(order)?;
            let count =
                usize::try_from(count).map_err(|_| ImError::invalid("count must be 1–20"))?;
            let target_id = arg(target_id, "target_id")?.to_owned();
            let core = client.core.clone();
            Ok(async move {
                core.get_history_messages(conversation_type, &target_id, timestamp, count, order)
                    .await
            })
        })
    }
}

/// Saves the text draft of a conversation (seed `saveTextMessageDraft`); completes with
/// `null`. Drafts live in the user's database (connect first) and survive restarts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_save_text_message_draft(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    draft: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |client| {
            let conversation_type = ConversationType::try_from(conversation_type)?;
            let target_id = arg(target_id, "target_id")?.to_owned();
            let draft = arg(draft, "draft")?.to_owned();
            let core = client.core.clone();
            Ok(async move {
                core.save_text_message_draft(conversation_type, &target_id, &draft)
                    .await
            })
        })
    }
}

/// Gets the text draft of a conversation (seed `getTextMessageDraft`); completes with a JSON
/// string, `""` when there is none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_text_message_draft(
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
            |core, kind, target| async move { core.get_text_message_draft(kind, &target).await },
        )
    }
}

/// Removes the text draft of a conversation (seed `clearTextMessageDraft`); completes with `null`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_clear_text_message_draft(
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
            |core, kind, target| async move { core.clear_text_message_draft(kind, &target).await },
        )
    }
}

/// Closes the connection and stops reconnecting (seed `disconnect`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_disconnect(handle: *mut ImcoreClient) -> i32 {
    // SAFETY: handle checked by `client`.
    catch(|| status(unsafe { client(handle) }.and_then(|c| c.core.disconnect())))
}

/// Disconnects and closes the user's database (seed `logout`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_logout(handle: *mut ImcoreClient) -> i32 {
    // SAFETY: handle checked by `client`.
    catch(|| status(unsafe { client(handle) }.and_then(|c| c.core.logout())))
}

/// Writes the connection status (seed codes: 0 connected, 1 connecting, 2 disconnected, …).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_connection_status(
    handle: *mut ImcoreClient,
    out_status: *mut i32,
) -> i32 {
    catch(|| {
        if out_status.is_null() {
            return IMCORE_INVALID_PARAMETER;
        }
        // SAFETY: handle checked by `client`; `out_status` checked non-NULL.
        match unsafe { client(handle) }.and_then(|c| c.core.connection_status()) {
            Ok(value) => {
                unsafe { *out_status = value.into() };
                IMCORE_OK
            }
            Err(e) => e.code,
        }
    })
}

/// Hands out the connected user's id (release with `imcore_string_free`), or NULL when none.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_get_current_user_id(
    handle: *mut ImcoreClient,
    out_user_id: *mut *mut c_char,
) -> i32 {
    catch(|| {
        if out_user_id.is_null() {
            return IMCORE_INVALID_PARAMETER;
        }
        // SAFETY: handle checked by `client`; `out_user_id` checked non-NULL.
        match unsafe { client(handle) }.and_then(|c| c.core.current_user_id()) {
            Ok(Some(user_id)) => {
                unsafe { give(out_user_id, user_id) };
                IMCORE_OK
            }
            Ok(None) => {
                unsafe { *out_user_id = std::ptr::null_mut() };
                IMCORE_OK
            }
            Err(e) => e.code,
        }
    })
}
