//! The IM calls, one module per area: each converts its C arguments, hands the engine's future
//! to [`accept`] and reports through a completion (asynchronous) or the return value
//! (synchronous).
//!
//! What the conversion refuses (NULL, not UTF-8, malformed JSON, unknown enumeration values,
//! negative counts, JSON core's parsers reject) is returned synchronously; the checks that only
//! core makes once the call runs (ranges, lengths) complete with their code.

mod connection;
mod conversations;
mod drafts;
mod messages;
mod remote;
mod search;

pub use connection::*;
pub use conversations::*;
pub use drafts::*;
pub use messages::*;
pub use remote::*;
pub use search::*;

use crate::client::{ImcoreClient, client, status};
use crate::completion::{Completion, ImcoreCompletion};
use crate::guard::catch;
use crate::strings::arg;
use engine::{ConversationType, ImClient, ImError, ImResult};
use serde::Serialize;
use serde_json::Value;
use std::ffi::{c_char, c_void};
use std::future::Future;

/// Accepts an asynchronous call: checks the handle and initialisation, lets `prepare` convert
/// the arguments into the engine's future (its errors are returned, and the completion is not
/// called), then runs it on the engine and completes once with its JSON result.
unsafe fn accept<T, F, P>(
    handle: *mut ImcoreClient,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
    prepare: P,
) -> i32
where
    T: Serialize,
    F: Future<Output = ImResult<T>> + Send + 'static,
    P: FnOnce(ImClient) -> ImResult<F>,
{
    catch(|| {
        // SAFETY: handle checked by `client`.
        let accepted = unsafe { client(handle) }.and_then(|client| {
            client.core.ensure_initialized()?;
            let call = prepare(client.core.clone())?;
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

/// [`accept`] for a call keyed by a conversation and nothing else.
unsafe fn accept_for_conversation<T, F>(
    handle: *mut ImcoreClient,
    conversation_type: i32,
    target_id: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
    call: impl FnOnce(ImClient, ConversationType, String) -> F,
) -> i32
where
    T: Serialize,
    F: Future<Output = ImResult<T>> + Send + 'static,
{
    // SAFETY: pointers checked by `accept` and `conversation`.
    unsafe {
        accept(handle, callback, user_data, |core| {
            let (kind, target) = conversation(conversation_type, target_id)?;
            Ok(call(core, kind, target))
        })
    }
}

/// A `(conversation_type, target_id)` pair, the key of every conversation call.
unsafe fn conversation(
    conversation_type: i32,
    target_id: *const c_char,
) -> ImResult<(ConversationType, String)> {
    let kind = ConversationType::try_from(conversation_type)?;
    // SAFETY: checked by `arg`.
    Ok((kind, unsafe { arg(target_id, "target_id") }?.to_owned()))
}

/// A `count` argument; its range is core's to check.
fn count(count: i32) -> ImResult<usize> {
    usize::try_from(count).map_err(|_| ImError::invalid(format!("count {count} is negative")))
}

/// A JSON argument, for core's parsers.
unsafe fn json(ptr: *const c_char, name: &str) -> ImResult<Value> {
    // SAFETY: checked by `arg`.
    serde_json::from_str(unsafe { arg(ptr, name) }?)
        .map_err(|e| ImError::invalid(format!("`{name}` is not JSON: {e}")))
}

/// A JSON array of conversation types such as `[1,3]`, or NULL for every type.
unsafe fn types(types_json: *const c_char) -> ImResult<Option<Vec<ConversationType>>> {
    if types_json.is_null() {
        return Ok(None);
    }
    // SAFETY: checked by `json`.
    let value = unsafe { json(types_json, "types_json") }?;
    serde_json::from_value(value)
        .map(Some)
        .map_err(|e| ImError::invalid(format!("`types_json`: {e}")))
}

/// `len` message ids at `ids` (NULL allowed when `len` is 0); how many are allowed is core's to
/// check.
unsafe fn message_ids(ids: *const i64, len: usize) -> ImResult<Vec<i64>> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if ids.is_null() || !ids.is_aligned() || len > isize::MAX as usize / size_of::<i64>() {
        return Err(ImError::invalid(
            "`message_ids` must point to `message_count` ids",
        ));
    }
    // SAFETY: the caller promises `len` readable ids at `ids`; non-NULL, alignment and size checked.
    Ok(unsafe { std::slice::from_raw_parts(ids, len) }.to_vec())
}
