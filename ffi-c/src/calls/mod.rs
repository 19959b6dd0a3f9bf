//! The IM calls, one module per area: each converts its C arguments, hands the engine's future
//! to [`accept`] and reports through a completion (asynchronous) or the return value
//! (synchronous).
//!
//! What the conversion refuses (NULL, not UTF-8, malformed JSON, unknown enumeration values,
//! negative counts, JSON core's parsers reject) is returned synchronously; the checks that only
//! core makes once the call runs (ranges, lengths) complete with their code.

mod connection;
mod drafts;
mod messages;

pub use connection::*;
pub use drafts::*;
pub use messages::*;

use crate::client::{ImcoreClient, client, status};
use crate::completion::{Completion, ImcoreCompletion};
use crate::guard::catch;
use crate::strings::arg;
use engine::{ConversationType, ImClient, ImError, ImResult};
use serde::Serialize;
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
