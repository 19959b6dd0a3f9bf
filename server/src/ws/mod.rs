//! The WebSocket endpoint (`GET /ws`): one session per connection, speaking `improto` frames.

mod acks;
pub mod codes;
mod handshake;
pub mod limits;
pub mod outbox;
mod queries;
mod rate;
pub(crate) mod requests;
mod session;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Extension;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::conn::admission::Admitted;
use crate::http::reply::ApiError;
use crate::state::ServerState;

/// Most bytes read from a socket at once. tungstenite zero-fills this much of its buffer before
/// every read attempt (about two per frame), so its 128 KiB default costs more than the frames
/// themselves, which are mostly far smaller; bigger frames just take several reads. The buffer
/// is allocated with the connection and kept while it lives: at 4 KiB it is still the largest
/// part of an idle connection's memory (`imbench idle-conns`).
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Upgrades to a WebSocket session, unless the connection limit is reached (HTTP 503).
pub async fn upgrade(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(admitted): Extension<Admitted>,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(permit) = state.connections.clone().try_acquire_owned() else {
        tracing::warn!(%peer, "connection limit reached; refusing WebSocket");
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            1008,
            "too many connections",
        )
        .into_response();
    };
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(improto::MAX_FRAME_BYTES)
        .max_frame_size(improto::MAX_FRAME_BYTES)
        .on_failed_upgrade(move |e| tracing::debug!(%peer, error = %e, "WebSocket upgrade failed"))
        .on_upgrade(move |socket| session::serve(socket, state, peer, permit, admitted))
}
