//! The one entry point of every operation: `imcore_call` runs any method of the engine by name
//! with JSON parameters, `imcore_call_sync` answers the synchronous ones at once, and
//! `imcore_methods` lists them. The methods, their parameters, results and codes are
//! documented in `docs/methods.md`, generated from the engine's request types.

use crate::client::{ImcoreClient, client};
use crate::completion::{Completion, ImcoreCompletion};
use crate::guard::catch;
use crate::strings::{arg, give};
use crate::{IMCORE_INVALID_PARAMETER, IMCORE_OK};
use imcore::{ImClient, ImResult, Outcome, Params};
use std::ffi::{c_char, c_void};
use std::sync::LazyLock;

/// The parameters JSON of a call; NULL means none.
unsafe fn params<'a>(params_json: *const c_char) -> ImResult<Params<'a>> {
    if params_json.is_null() {
        return Ok(Params::Json(""));
    }
    // SAFETY: the caller promises a NUL-terminated string.
    Ok(Params::Json(unsafe { arg(params_json, "params_json") }?))
}

/// Runs `method` (e.g. `"getHistoryMessages"`) with `params_json`, a JSON object of its named
/// parameters (NULL or `"{}"` for none), and completes EXACTLY ONCE with the result JSON (code
/// 0) or an error `{"code":…,"message":"…"}` (33001 before `imcore_init`, 33003 for an unknown
/// method or bad parameters, the method's own codes). Returns 0 when the completion will fire,
/// 33003 (and never calls it) for a NULL handle, method or callback, or strings that are not
/// UTF-8. Every method is listed in docs/methods.md; synchronous ones may also be called with
/// `imcore_call_sync`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_call(
    handle: *mut ImcoreClient,
    method: *const c_char,
    params_json: *const c_char,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    catch(|| {
        // SAFETY: pointers checked by the helpers.
        let accepted = unsafe { client(handle) }.and_then(|client| {
            let method = unsafe { arg(method, "method") }?;
            let params = unsafe { params(params_json) }?;
            let completion = Completion::new(callback, user_data, client.dispatcher.jobs())?;
            match client.core.call(method, params) {
                Outcome::Done(result) => completion.finish(result),
                Outcome::Pending(running) => {
                    // If the engine stops first, dropping the completion reports 33001.
                    let _ = client
                        .core
                        .spawn(async move { completion.finish(running.await) });
                }
            }
            Ok(())
        });
        accepted.err().map_or(IMCORE_OK, |e| e.code)
    })
}

/// The client of process-wide methods called without a handle.
static UNBOUND: LazyLock<ImClient> = LazyLock::new(ImClient::new);

/// Runs a synchronous method (`getConnectionStatus`, `disconnect`, `registerMessageType`, …;
/// see docs/methods.md) on the calling thread and hands out its result JSON, or on failure the
/// error JSON, through `out_json` (release with `imcore_string_free`). Returns 0 or the error's
/// code: 33003 for an asynchronous method (use `imcore_call`), a NULL `out_json` or bad
/// parameters. `handle` may be NULL for process-wide methods.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_call_sync(
    handle: *mut ImcoreClient,
    method: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> i32 {
    catch(|| {
        if out_json.is_null() {
            return IMCORE_INVALID_PARAMETER;
        }
        let result = (|| {
            // SAFETY: pointers checked by the helpers; a NULL handle means "no client".
            let core = match unsafe { handle.as_ref() } {
                Some(client) => &client.core,
                None => &*UNBOUND,
            };
            let method = unsafe { arg(method, "method") }?;
            core.call_sync(method, unsafe { params(params_json) }?)
        })();
        let (code, json) = match result {
            Ok(json) => (IMCORE_OK, json),
            Err(e) => (e.code, e.to_json()),
        };
        // SAFETY: `out_json` checked non-NULL above.
        unsafe { give(out_json, json) };
        code
    })
}

/// Hands out the method list as JSON through `out_json` (release with `imcore_string_free`):
/// `[{"name":"connect","kind":"async","params":[{"name":"token","optional":false}]},…]`,
/// `kind` being `async` (`imcore_call`), `sync` or `global` (also `imcore_call_sync`; `global`
/// ones need no client). Bindings build their methods from it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_methods(out_json: *mut *mut c_char) -> i32 {
    catch(|| {
        if out_json.is_null() {
            return IMCORE_INVALID_PARAMETER;
        }
        // SAFETY: `out_json` checked non-NULL above.
        unsafe { give(out_json, imcore::api::describe::methods_json()) };
        IMCORE_OK
    })
}

/// The library's version, `"MAJOR.MINOR.PATCH"` (static, never freed); compare it with the
/// header's `IMCORE_VERSION_*` to detect a library that does not match the header.
#[unsafe(no_mangle)]
pub extern "C" fn imcore_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
