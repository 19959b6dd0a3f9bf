//! Signed Server API endpoints: authentication (app key lookup, signature check, the opt-in
//! freshness checks) before the body is read, the form, the reply and the log, done once for
//! every endpoint.
//!
//! An endpoint is an `async fn(&ServerState, &App, Form) -> Result<Value, ApiError>`: it gets
//! the authenticated app and the parsed form and returns the fields of its `{"code":200, …}`
//! reply, and [`Call::answer`] does the rest.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::form::Form;
use super::reply::{self, ApiError};
use crate::apps::App;
use crate::auth::signature::SignedHeaders;
use crate::clock::now_ms;
use crate::conn::admission::Admitted;
use crate::state::ServerState;

/// A signed Server API request, before authentication.
pub struct Call<'a> {
    /// Server state.
    pub state: &'a ServerState,
    /// Request path, slashes collapsed (for the log).
    pub path: &'a str,
    /// Request headers (the signature is in them).
    pub headers: &'a HeaderMap,
    /// The form body, unread.
    pub body: Body,
    /// The connection's admission (absent when served without `conn`), marked authenticated
    /// once the signature is checked.
    pub admitted: Option<&'a Admitted>,
}

impl<'a> Call<'a> {
    /// Answers the call with `endpoint`: 1001 if the app key is unknown or missing, 1004 if
    /// the signature does not match or (when configured) its timestamp is stale or its nonce
    /// replayed — all without reading the body; then the body's refusals (see
    /// [`BodyLimits::read`](super::body::BodyLimits::read)); otherwise `endpoint`'s fields or
    /// error. Failures of the server's own are logged.
    pub async fn answer<E, F>(self, endpoint: E) -> Response
    where
        E: FnOnce(&'a ServerState, &'a App, Form) -> F,
        F: Future<Output = Result<Value, ApiError>> + 'a,
    {
        let outcome = match authenticate(self.state, self.headers) {
            Ok(app) => {
                if let Some(admitted) = self.admitted {
                    admitted.authenticated();
                }
                match self.state.body_limits.read(self.headers, self.body).await {
                    Ok(body) => endpoint(self.state, app, Form::parse(&body)).await,
                    Err(e) => Err(e),
                }
            }
            Err(refused) => Err(refused),
        };
        match outcome {
            Ok(fields) => reply::ok(fields),
            Err(e) => {
                if let Some(cause) = e.cause() {
                    tracing::error!(path = self.path, error = cause, "Server API call failed");
                }
                e.into_response()
            }
        }
    }
}

/// The app whose key and signature the request carries (see [`Call::answer`] for the refusals).
fn authenticate<'a>(state: &'a ServerState, headers: &HeaderMap) -> Result<&'a App, ApiError> {
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
