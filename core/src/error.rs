//! Errors carry the seed's numeric status codes, so every layer reports the same numbers.

use crate::message::Message;
use serde::Serialize;
use ts_rs::TS;

/// Seed status codes used by imcore (see `shared/reference/seed-api.md` §7).
pub mod code {
    /// Unknown error.
    pub const UNKNOWN: i32 = -1;
    /// Sending faster than the server's limit (seed: 5 messages per second per client); the
    /// message is stored FAILED and can be resent a moment later.
    pub const SEND_TOO_FREQUENT: i32 = 20604;
    /// Connection unavailable; the engine reconnects by itself.
    pub const NOT_CONNECTED: i32 = 30001;
    /// Connection lost while a request was in flight.
    pub const CONNECTION_LOST: i32 = 30002;
    /// The server did not answer a request in time.
    pub const REQUEST_TIMEOUT: i32 = 30003;
    /// The navigation request failed.
    pub const NAVI_REQUEST_FAILED: i32 = 30007;
    /// The navigation answer was not understood.
    pub const NAVI_RESPONSE_INVALID: i32 = 30008;
    /// The navigation answer lists no usable server.
    pub const NAVI_NO_SERVER: i32 = 30009;
    /// The WebSocket could not be opened or broke.
    pub const SOCKET_FAILED: i32 = 30010;
    /// Message body over 128 KB.
    pub const MESSAGE_TOO_LARGE: i32 = 30016;
    /// The server did not acknowledge `connect` in time.
    pub const CONNECT_ACK_TIMEOUT: i32 = 31000;
    /// The server does not know the app key (outside-seed code, RongCloud 2.x).
    pub const APP_KEY_REJECTED: i32 = 31002;
    /// The token is invalid or belongs to another app (outside-seed code, RongCloud 2.x).
    pub const TOKEN_INCORRECT: i32 = 31004;
    /// The token has expired (outside-seed code, RongCloud 2.x).
    pub const TOKEN_EXPIRED: i32 = 31010;
    /// `init` has not been called.
    pub const NOT_INITIALIZED: i32 = 33001;
    /// A parameter is missing or invalid.
    pub const INVALID_PARAMETER: i32 = 33003;
    /// `connect` was called while a connection attempt is running.
    pub const ALREADY_CONNECTING: i32 = 33006;
    /// The local database could not be opened or written (outside-seed code).
    pub const DATABASE_ERROR: i32 = 33002;
    /// `reconnect` without a previous `connect` and `disconnect`.
    pub const RECONNECT_NOT_ALLOWED: i32 = 35007;

    /// Every code above with its meaning, for references and bindings.
    pub const ALL: &[(i32, &str)] = &[
        (
            UNKNOWN,
            "unknown error (also: an internal failure caught at the boundary)",
        ),
        (
            SEND_TOO_FREQUENT,
            "sending faster than 5 messages per second; stored FAILED, resend later",
        ),
        (NOT_CONNECTED, "not connected"),
        (
            CONNECTION_LOST,
            "connection lost while the request was in flight",
        ),
        (REQUEST_TIMEOUT, "the server did not answer in time"),
        (NAVI_REQUEST_FAILED, "the navigation request failed"),
        (
            NAVI_RESPONSE_INVALID,
            "the navigation answer was not understood",
        ),
        (
            NAVI_NO_SERVER,
            "the navigation answer lists no usable server",
        ),
        (SOCKET_FAILED, "the WebSocket could not be opened or broke"),
        (MESSAGE_TOO_LARGE, "message body over 128 KB"),
        (
            CONNECT_ACK_TIMEOUT,
            "the server did not acknowledge connect in time",
        ),
        (APP_KEY_REJECTED, "the server does not know the app key"),
        (
            TOKEN_INCORRECT,
            "the token is invalid or belongs to another app",
        ),
        (TOKEN_EXPIRED, "the token has expired"),
        (
            NOT_INITIALIZED,
            "init has not been called (or the client was destroyed)",
        ),
        (
            DATABASE_ERROR,
            "the local database could not be opened or written",
        ),
        (INVALID_PARAMETER, "a parameter is missing or invalid"),
        (
            ALREADY_CONNECTING,
            "connect was called while a connection attempt is running",
        ),
        (
            RECONNECT_NOT_ALLOWED,
            "reconnect needs a previous connect and disconnect",
        ),
    ];
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
