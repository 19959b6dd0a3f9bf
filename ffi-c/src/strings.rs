//! C strings in and out.

use imcore::{ImError, ImResult};
use std::ffi::{CStr, CString, c_char};

/// Borrows a NUL-terminated UTF-8 argument; NULL or invalid UTF-8 is a parameter error.
pub(crate) unsafe fn arg<'a>(ptr: *const c_char, name: &str) -> ImResult<&'a str> {
    if ptr.is_null() {
        return Err(ImError::invalid(format!("`{name}` is NULL")));
    }
    // SAFETY: the caller promises a NUL-terminated string that outlives the call.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| ImError::invalid(format!("`{name}` is not UTF-8")))
}

/// A C string for `text` (interior NULs, impossible in JSON output, are dropped).
pub(crate) fn c_string(text: String) -> CString {
    CString::new(text).unwrap_or_else(|e| {
        let mut bytes = e.into_vec();
        bytes.retain(|&b| b != 0);
        CString::new(bytes).expect("NULs removed")
    })
}

/// Hands `text` to the caller through `out`; release it with `imcore_string_free`.
pub(crate) unsafe fn give(out: *mut *mut c_char, text: String) {
    // SAFETY: the caller checked `out` is non-NULL and writable.
    unsafe { *out = c_string(text).into_raw() };
}

/// Releases a string returned by imcore through an out-parameter. NULL is ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn imcore_string_free(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: every string imcore hands out comes from `CString::into_raw`.
        drop(unsafe { CString::from_raw(string) });
    }
}
