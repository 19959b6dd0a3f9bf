//! HTTP endpoints: the Server API (`/user/*.json`, `/group/*.json`, `/message/group/publish.json`)
//! and navigation (`/navi.json`).
//!
//! Requests go through one dispatcher so that repeated slashes in the path can be collapsed
//! before matching (SDKs build URLs by concatenation, server-api.md §1.1). A signed endpoint
//! is its route line here plus an `async fn` answered through [`signed::Call`]. Bodies are read
//! through [`body::BodyLimits`], a signed call's only after its signature was checked.

mod block;
pub mod body;
pub mod form;
mod group;
mod group_message;
mod navi;
pub mod reply;
mod signed;
mod user;
mod user_id;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::response::{IntoResponse, Response};

use crate::conn::ArrivedOn;
use crate::conn::admission::Admitted;
use crate::state::ServerState;
use reply::ApiError;

/// Routes every non-WebSocket request.
pub async fn dispatch(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = collapse_slashes(parts.uri.path());
    let method = parts.method;
    if path == "/navi.json" && (method == Method::POST || method == Method::GET) {
        let answer = match state.body_limits.read(&parts.headers, body).await {
            Ok(body) => {
                let arrived_on = parts.extensions.get::<ArrivedOn>().map(|on| on.0);
                navi::navi(&state, parts.uri.query(), &parts.headers, arrived_on, &body)
            }
            Err(e) => Err(e),
        };
        return answer.unwrap_or_else(IntoResponse::into_response);
    }
    let call = signed::Call {
        state: &state,
        path: &path,
        headers: &parts.headers,
        body,
        admitted: parts.extensions.get::<Admitted>(),
    };
    match path.as_str() {
        _ if method != Method::POST => ApiError::not_found(&path).into_response(),
        "/user/getToken.json" => call.answer(user::get_token).await,
        "/user/checkOnline.json" => call.answer(user::check_online).await,
        "/user/block.json" => call.answer(block::block).await,
        "/user/unblock.json" => call.answer(block::unblock).await,
        "/user/block/query.json" => call.answer(block::query).await,
        "/user/token/expire.json" => call.answer(block::expire_tokens).await,
        "/user/group/query.json" => call.answer(group::user_groups).await,
        "/group/create.json" => call.answer(group::create).await,
        "/group/join.json" => call.answer(group::join).await,
        "/group/quit.json" => call.answer(group::quit).await,
        "/group/dismiss.json" => call.answer(group::dismiss).await,
        "/group/refresh.json" => call.answer(group::refresh).await,
        "/group/sync.json" => call.answer(group::sync).await,
        "/group/user/query.json" => call.answer(group::members).await,
        "/message/group/publish.json" => call.answer(group_message::publish).await,
        _ => ApiError::not_found(&path).into_response(),
    }
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
