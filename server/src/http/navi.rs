//! `/navi.json`: tells a client which WebSocket URLs to connect to ([`PublicUrls`](crate::public_url::PublicUrls)).

use std::net::SocketAddr;

use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::json;

use super::form::Form;
use super::reply::{self, ApiError};
use crate::state::ServerState;

/// Answers `{"code":200,"servers":["wss://HOST/ws",…]}` for a known app key, taken from the
/// query or form (`appKey`, or `appId` as the web SDK sends it) or an `RC-AppKey` header; the
/// request's `Host` and local address (`arrived_on`) serve
/// [`PublicUrls::for_request`](crate::public_url::PublicUrls::for_request).
pub fn navi(
    state: &ServerState,
    query: Option<&str>,
    headers: &HeaderMap,
    arrived_on: Option<SocketAddr>,
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
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let servers = state.public_urls.for_request(host, arrived_on);
    Ok(reply::ok(json!({ "servers": servers })))
}
