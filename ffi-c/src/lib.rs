//! The C ABI of imcore: a thin shell over the `imcore` engine crate.
//!
//! It only converts: C strings to Rust strings, JSON to core's request types, core results to
//! JSON, engine events to callbacks on one dispatcher thread, panics to error codes. All IM
//! semantics live in the engine.

#![allow(clippy::missing_safety_doc)] // the safety contract is documented in the header

mod calls;
mod client;
mod completion;
mod dispatch;
mod guard;
mod strings;
#[cfg(test)]
mod tests;

pub use calls::*;
pub use client::*;
pub use completion::ImcoreCompletion;
pub use dispatch::{ImcoreEventCallback, ImcoreFinalizer, ImcoreLogCallback};
pub use strings::imcore_string_free;

/// Returned when a call was accepted or succeeded.
pub const IMCORE_OK: i32 = 0;
/// Returned by `imcore_poll_event` when no event arrived within the timeout.
pub const IMCORE_POLL_TIMEOUT: i32 = 1;
/// A parameter is NULL, not UTF-8, not valid JSON, or out of range (seed 33003).
pub const IMCORE_INVALID_PARAMETER: i32 = 33003;
/// The client was not initialised, or was destroyed (seed 33001).
pub const IMCORE_NOT_INITIALIZED: i32 = 33001;
/// A panic was caught at the boundary (seed -1, unknown error).
pub const IMCORE_UNKNOWN_ERROR: i32 = -1;
