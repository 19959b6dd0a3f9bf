//! Text drafts of conversations (seed `saveTextMessageDraft`, `getTextMessageDraft`,
//! `clearTextMessageDraft`), kept in the user's database (connect first) across restarts.

use super::{accept, accept_for_conversation, conversation};
use crate::client::ImcoreClient;
use crate::completion::ImcoreCompletion;
use crate::strings::arg;
use std::ffi::{c_char, c_void};

/// Saves the text draft of a conversation (seed `saveTextMessageDraft`); completes with
/// `null`. Returns 33003 for a draft over 128 KB.
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
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            let draft = arg(draft, "draft")?.to_owned();
            Ok(async move { core.save_text_message_draft(kind, &target, &draft).await })
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
