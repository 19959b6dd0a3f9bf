//! Connection: connect, reconnect, disconnect, logout and the connection's state.

use super::accept;
use crate::client::{ImcoreClient, client, status};
use crate::completion::ImcoreCompletion;
use crate::guard::catch;
use crate::strings::{arg, give};
use crate::{IMCORE_INVALID_PARAMETER, IMCORE_OK};
use std::ffi::{c_char, c_void};

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
        accept(handle, callback, user_data, |core| {
            let token = arg(token, "token")?.to_owned();
            Ok(async move {
                core.connect(&token)
                    .await
                    .map(|user_id| serde_json::json!({ "userId": user_id }))
            })
        })
    }
}

/// Connects again with the previous identity, only after `imcore_disconnect`
/// (else it completes with 35007); completes with `{"userId":"…"}`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_reconnect(
    handle: *mut ImcoreClient,
    callback: ImcoreCompletion,
    user_data: *mut c_void,
) -> i32 {
    // SAFETY: pointers checked inside.
    unsafe {
        accept(handle, callback, user_data, |core| {
            Ok(async move {
                core.reconnect()
                    .await
                    .map(|user_id| serde_json::json!({ "userId": user_id }))
            })
        })
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

/// Writes the connection status (seed codes: 0 connected, 1 connecting, 2 disconnected, …,
/// 31004 token incorrect or expired: get a new token).
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
