//! Authentication of Server API calls: app key lookup and signature check.

use axum::http::HeaderMap;

use super::reply::ApiError;
use crate::apps::App;
use crate::auth::signature::SignedHeaders;
use crate::state::ServerState;

/// The app whose key and signature the request carries: 1001 if the key is unknown or
/// missing, 1004 if the signature does not match.
pub fn authenticate<'a>(state: &'a ServerState, headers: &HeaderMap) -> Result<&'a App, ApiError> {
    let signed = SignedHeaders::from_headers(headers);
    let app = signed
        .app_key
        .as_deref()
        .and_then(|key| state.apps.get(key))
        .ok_or_else(ApiError::unknown_app_key)?;
    if !signed.is_signed_by(&app.secret) {
        return Err(ApiError::bad_signature());
    }
    Ok(app)
}
