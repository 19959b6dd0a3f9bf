//! Authentication of Server API calls: app key lookup, signature check, and the opt-in
//! freshness checks.

use axum::http::HeaderMap;

use super::reply::ApiError;
use crate::apps::App;
use crate::auth::signature::SignedHeaders;
use crate::clock::now_ms;
use crate::state::ServerState;

/// The app whose key and signature the request carries: 1001 if the key is unknown or
/// missing, 1004 if the signature does not match or (when configured) its timestamp is stale or
/// its nonce replayed.
pub fn authenticate<'a>(state: &'a ServerState, headers: &HeaderMap) -> Result<&'a App, ApiError> {
    let signed = SignedHeaders::from_headers(headers);
    let app = signed
        .app_key
        .as_deref()
        .and_then(|key| state.apps.get(key))
        .ok_or_else(ApiError::unknown_app_key)?;
    let digest = signed
        .verified_digest(&app.secret)
        .ok_or_else(ApiError::bad_signature)?;
    let now_secs = u64::try_from(now_ms() / 1000).unwrap_or(0);
    state
        .freshness
        .check(&signed.timestamp, digest, now_secs)
        .map_err(|stale| ApiError::refused_signature(stale.to_string()))?;
    Ok(app)
}
