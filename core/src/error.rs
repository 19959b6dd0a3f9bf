//! Errors carry the seed's numeric status codes, so every layer reports the same numbers.

use crate::message::Message;
use serde::Serialize;
use ts_rs::TS;

/// The seed status codes (the wire contract's, shared with imserver; see
/// `shared/reference/seed-api.md` §7).
pub mod code {
    pub use improto::codes::*;
}

/// An imcore failure: a seed status code plus a message naming what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ImError {
    /// The seed status code.
    pub code: i32,
    /// Human-readable detail.
    pub message: String,
    /// For a failed send: the message as it is now stored, FAILED, ready for `resend_message`
    /// (the seed's `onError(errorCode, message)`, since 2.8.2).
    pub failed_message: Option<Box<Message>>,
}

impl ImError {
    /// An error with `code` and a message.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        ImError {
            code,
            message: message.into(),
            failed_message: None,
        }
    }

    /// The same error, carrying the message a failed send stored.
    pub fn with_failed_message(mut self, message: Message) -> Self {
        self.failed_message = Some(Box::new(message));
        self
    }

    /// 33003: a parameter is missing or invalid.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(code::INVALID_PARAMETER, message)
    }

    /// 33001: the client is not initialised.
    pub fn not_initialized() -> Self {
        Self::new(code::NOT_INITIALIZED, "init has not been called")
    }

    /// 30001: no connection.
    pub fn not_connected() -> Self {
        Self::new(code::NOT_CONNECTED, "not connected")
    }
}

impl From<improto::content::ContentError> for ImError {
    /// Content the contract refuses: 30016 for its size, 33003 otherwise.
    fn from(e: improto::content::ContentError) -> Self {
        ImError::new(e.code(), e.to_string())
    }
}

impl From<rusqlite::Error> for ImError {
    fn from(e: rusqlite::Error) -> Self {
        ImError::new(code::DATABASE_ERROR, format!("database: {e}"))
    }
}

/// An error as the shells hand it to the host: `{"code":…,"message":"…"}`, plus
/// `failedMessage` when a failed send stored the message FAILED.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImError", optional_fields)]
pub struct ImErrorInfo<'a> {
    /// The seed status code.
    pub code: i32,
    /// What was wrong.
    pub message: &'a str,
    /// For a failed send: the message as stored, FAILED, ready for `resendMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_message: Option<&'a Message>,
}

impl ImError {
    /// The error as the shells hand it on.
    pub fn info(&self) -> ImErrorInfo<'_> {
        ImErrorInfo {
            code: self.code,
            message: &self.message,
            failed_message: self.failed_message.as_deref(),
        }
    }

    /// [`ImError::info`] as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.info()).expect("errors serialise")
    }
}

/// Result type of the imcore API.
pub type ImResult<T> = Result<T, ImError>;
