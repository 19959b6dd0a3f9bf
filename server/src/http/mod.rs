//! HTTP endpoints: the Server API (`/user/*.json`) and navigation (`/navi.json`).
//!
//! Requests go through one dispatcher so that repeated slashes in the path can be collapsed
//! before matching (SDKs build URLs by concatenation, server-api.md §1.1).

mod block;
pub mod form;
mod navi;
pub mod reply;
mod signed;
mod user;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};

use crate::state::ServerState;
use reply::ApiError;

/// Routes every non-WebSocket request.
pub async fn dispatch(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = collapse_slashes(uri.path());
    let post = method == Method::POST;
    let result = match path.as_str() {
        "/navi.json" if post || method == Method::GET => {
            navi::navi(&state, uri.query(), &headers, &body)
        }
        "/user/getToken.json" if post => user::get_token(&state, &headers, &body).await,
        "/user/checkOnline.json" if post => user::check_online(&state, &headers, &body),
        "/user/block.json" if post => block::block(&state, &headers, &body).await,
        "/user/unblock.json" if post => block::unblock(&state, &headers, &body).await,
        "/user/block/query.json" if post => block::query(&state, &headers, &body).await,
        "/user/token/expire.json" if post => block::expire_tokens(&state, &headers, &body).await,
        _ => Err(ApiError::not_found(&path)),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `path` with every run of `/` replaced by a single `/`.
fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_repeated_slashes() {
        assert_eq!(
            collapse_slashes("//user///getToken.json"),
            "/user/getToken.json"
        );
        assert_eq!(collapse_slashes("/navi.json"), "/navi.json");
    }
}
