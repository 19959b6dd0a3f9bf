//! The Server API response envelope: a JSON object with an integer `code`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::store::StoreError;

/// Parameter error (missing or invalid).
pub const PARAMETER_ERROR: i32 = 1002;
/// Parameter over its length limit.
pub const PARAMETER_TOO_LONG: i32 = 1005;

/// A failed call: HTTP status plus `{"code":…,"errorMessage":…}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Business code (server-api.md §1.5).
    pub code: i32,
    /// What was wrong.
    pub message: String,
    /// For a failure of the server's own, its cause: logged, never sent.
    cause: Option<String>,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(status: StatusCode, code: i32, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            cause: None,
        }
    }

    /// 1001: unknown app key (HTTP 401).
    pub fn unknown_app_key() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 1001, "App Key is unknown")
    }

    /// 1004: signature check failed (HTTP 401).
    pub fn bad_signature() -> Self {
        Self::refused_signature("signature check failed")
    }

    /// 1004 for a signature refused for `reason`, e.g. a stale timestamp (HTTP 401).
    pub fn refused_signature(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 1004, reason)
    }

    /// 1002: a parameter is missing or invalid (HTTP 400).
    pub fn parameter(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, PARAMETER_ERROR, message)
    }

    /// 1005: the parameter `name` is longer than `max` characters (HTTP 400).
    pub fn too_long(name: &str, max: usize) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            PARAMETER_TOO_LONG,
            format!("{name} is longer than {max} characters"),
        )
    }

    /// 404: unknown path.
    pub fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            404,
            format!("unknown API path {path}"),
        )
    }

    /// 1000: internal server error (HTTP 500) because of `cause`, which is kept for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                1000,
                "internal server error",
            )
        }
    }

    /// The cause of a failure of the server's own (see [`ApiError::internal`]).
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }
}

impl From<StoreError> for ApiError {
    /// A storage failure: 1000.
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "errorMessage": self.message });
        (self.status, Json(body)).into_response()
    }
}

/// A successful reply: `{"code":200, …fields}` with HTTP 200.
pub fn ok(fields: Value) -> Response {
    let mut object = Map::new();
    object.insert("code".into(), json!(200));
    if let Value::Object(fields) = fields {
        object.extend(fields);
    }
    (StatusCode::OK, Json(Value::Object(object))).into_response()
}
