//! `/navi.json`: tells a client which WebSocket URL to connect to.

use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::form::Form;
use super::reply::{self, ApiError};
use crate::state::ServerState;

/// Answers `{"code":200,"servers":["ws://HOST:PORT/ws"]}` for a known app key, taken from the
/// query or form (`appKey`, or `appId` as the web SDK sends it) or an `RC-AppKey` header.
pub fn navi(
    state: &ServerState,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let from_query = Form::parse(query.unwrap_or_default().as_bytes());
    let from_body = Form::parse(body);
    let from_header = headers
        .get("rc-appkey")
        .or_else(|| headers.get("app-key"))
        .and_then(|v| v.to_str().ok());
    let app_key = [&from_query, &from_body]
        .iter()
        .find_map(|form| form.get("appKey").or_else(|| form.get("appId")))
        .or(from_header)
        .filter(|key| !key.is_empty())
        .ok_or_else(|| ApiError::parameter("appKey is required"))?;
    if state.apps.get(app_key).is_none() {
        return Err(ApiError::unknown_app_key());
    }
    Ok(reply::ok(json!({ "servers": [state.ws_url] })))
}
