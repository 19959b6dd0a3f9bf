//! The client handle: lifetime, init, callback registration and event polling.

use crate::dispatch::{
    Dispatcher, ImcoreEventCallback, ImcoreFinalizer, ImcoreLogCallback, Job, Registration,
};
use crate::guard::{catch, catch_void};
use crate::strings::{arg, give};
use crate::{IMCORE_INVALID_PARAMETER, IMCORE_OK, IMCORE_POLL_TIMEOUT};
use imcore::{ImClient, ImError, ImResult, InitOptions};
use std::ffi::{c_char, c_void};
use std::time::Duration;

/// An imcore client. Opaque; create with `imcore_client_new`, release with `imcore_client_free`.
pub struct ImcoreClient {
    pub(crate) core: ImClient,
    pub(crate) dispatcher: Dispatcher,
}

/// Borrows the client behind a handle; NULL is a parameter error.
pub(crate) unsafe fn client<'a>(handle: *const ImcoreClient) -> ImResult<&'a ImcoreClient> {
    // SAFETY: a non-NULL handle comes from `imcore_client_new` and is not yet freed.
    unsafe { handle.as_ref() }.ok_or_else(|| ImError::invalid("client is NULL"))
}

/// The seed code of a result (0 for success).
pub(crate) fn status(result: ImResult<()>) -> i32 {
    result.err().map_or(IMCORE_OK, |e| e.code)
}

/// Creates a client that is not initialised yet, with its dispatcher thread; NULL if the
/// thread cannot be started.
#[unsafe(no_mangle)]
pub extern "C" fn imcore_client_new() -> *mut ImcoreClient {
    std::panic::catch_unwind(|| match Dispatcher::start() {
        Ok(dispatcher) => Box::into_raw(Box::new(ImcoreClient {
            core: ImClient::new(),
            dispatcher,
        })),
        Err(_) => std::ptr::null_mut(),
    })
    .unwrap_or(std::ptr::null_mut())
}

/// Disconnects, stops the engine and the dispatcher, and frees the client (shutdown order in
/// the file comment). NULL is ignored. The handle is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_client_free(handle: *mut ImcoreClient) {
    if handle.is_null() {
        return;
    }
    catch_void(|| {
        // SAFETY: the handle came from `imcore_client_new` and is freed once.
        let client = unsafe { Box::from_raw(handle) };
        client.core.destroy();
        client.dispatcher.stop();
    });
}

/// Initialises the client (seed `init`) for `app_key` with options JSON such as
/// `{"navi":"http://127.0.0.1:8700","dbPath":"/data/im","logLevel":2,"logToHost":true}`.
/// Required: `navi` (http(s) URL), `dbPath`. Optional: `logLevel` (0–3, 1000 none; default 2),
/// `logToHost`, `requestTimeoutMs` (10000), `heartbeatIntervalMs` and `heartbeatTimeoutMs`
/// (15000 each), `platform` (1 desktop, 2 mobile, 3 web). Unknown keys or values → 33003.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_init(
    handle: *mut ImcoreClient,
    app_key: *const c_char,
    options_json: *const c_char,
) -> i32 {
    catch(|| {
        status((|| {
            // SAFETY: pointers checked by the helpers.
            let client = unsafe { client(handle) }?;
            let app_key = unsafe { arg(app_key, "app_key") }?;
            let options = InitOptions::from_json(unsafe { arg(options_json, "options_json") }?)?;
            client.core.init(app_key, options)?;
            client.dispatcher.send(Job::Attach(client.core.events()?));
            Ok(())
        })())
    })
}

/// Replaces a callback registration of the client behind `handle`.
unsafe fn register<F: Copy>(
    handle: *mut ImcoreClient,
    callback: Option<F>,
    user_data: *mut c_void,
    finalizer: ImcoreFinalizer,
    set: fn(&Dispatcher, Option<Registration<F>>),
) -> i32 {
    catch(|| {
        // SAFETY: handle checked by `client`.
        status(unsafe { client(handle) }.map(|client| {
            set(
                &client.dispatcher,
                callback.map(|cb| Registration::new(cb, user_data, finalizer)),
            );
        }))
    })
}

/// Registers the callback that receives every event (connection status, messages, "pull
/// offline finished", …) on the dispatcher thread; NULL removes it. Events that arrived while
/// no callback was registered and were not polled are delivered to it first, in order.
/// `finalizer` (may be NULL) runs once when this registration ends.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_event_callback(
    handle: *mut ImcoreClient,
    callback: ImcoreEventCallback,
    user_data: *mut c_void,
    finalizer: ImcoreFinalizer,
) -> i32 {
    // SAFETY: handle checked by `register`.
    unsafe {
        register(
            handle,
            callback,
            user_data,
            finalizer,
            Dispatcher::set_event,
        )
    }
}

/// Registers the callback for log lines (used when init option `logToHost` is true; else the
/// engine writes to stderr); NULL removes it. It works with or without an event callback and
/// alongside polling; without it, log lines are `{"type":"log","level":…,"content":"…"}`
/// events. Register it before `imcore_init` to receive every line, including init's own.
/// `finalizer` as for the event callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_set_log_callback(
    handle: *mut ImcoreClient,
    callback: ImcoreLogCallback,
    user_data: *mut c_void,
    finalizer: ImcoreFinalizer,
) -> i32 {
    // SAFETY: handle checked by `register`.
    unsafe { register(handle, callback, user_data, finalizer, Dispatcher::set_log) }
}

/// Waits up to `timeout_ms` for the next event and hands it out as JSON through
/// `out_event_json` (release with `imcore_string_free`). Returns 0 with an event,
/// `IMCORE_POLL_TIMEOUT` without one, 33003 when an event callback is registered (or for a
/// NULL `out_event_json` or a negative timeout), 33001 before `imcore_init`. Log lines go to the
/// log callback when one is registered, else they are polled as `{"type":"log",…}` events.
/// Events nobody polls are held up to a bound, then counted in an `eventsDropped` event.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_poll_event(
    handle: *mut ImcoreClient,
    timeout_ms: i32,
    out_event_json: *mut *mut c_char,
) -> i32 {
    catch(|| {
        // SAFETY: handle checked by `client`.
        let client = match unsafe { client(handle) } {
            Ok(client) => client,
            Err(e) => return e.code,
        };
        if out_event_json.is_null() || timeout_ms < 0 || client.dispatcher.has_event_callback() {
            return IMCORE_INVALID_PARAMETER;
        }
        if let Err(e) = client.core.ensure_initialized() {
            return e.code;
        }
        match client
            .dispatcher
            .poll(Duration::from_millis(timeout_ms as u64))
        {
            Some(event) => {
                // SAFETY: `out_event_json` checked non-NULL above.
                unsafe { give(out_event_json, event.to_json()) };
                IMCORE_OK
            }
            None => IMCORE_POLL_TIMEOUT,
        }
    })
}
