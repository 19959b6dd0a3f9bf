//! No panic crosses the boundary: every entry point runs inside [`catch`].

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into `IMCORE_UNKNOWN_ERROR`.
pub(crate) fn catch(f: impl FnOnce() -> i32) -> i32 {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(crate::IMCORE_UNKNOWN_ERROR)
}

/// Runs `f` for a function without a result; a panic is swallowed.
pub(crate) fn catch_void(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}
