//! The C ABI of imcore: a thin shell over the `imcore` engine crate.
//!
//! It only converts: C strings to the engine's JSON calls (`imcore_call`), results and events
//! to callbacks on one dispatcher thread, panics to error codes. Every operation and all IM
//! semantics live in the engine.

#![warn(missing_docs)]
#![allow(clippy::missing_safety_doc)] // the safety contract is documented in the header

mod call;
mod client;
mod completion;
mod dispatch;
mod guard;
mod strings;
#[cfg(test)]
mod tests;

pub use call::*;
pub use client::*;
pub use completion::ImcoreCompletion;
pub use dispatch::{ImcoreEventCallback, ImcoreFinalizer, ImcoreLogCallback};
pub use strings::imcore_string_free;

/// Major version of the API this header describes (see `imcore_version()`).
pub const IMCORE_VERSION_MAJOR: i32 = 0;
/// Minor version of the API this header describes.
pub const IMCORE_VERSION_MINOR: i32 = 1;
/// Patch version of the API this header describes.
pub const IMCORE_VERSION_PATCH: i32 = 0;

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
