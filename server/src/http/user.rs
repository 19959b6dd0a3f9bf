//! `/user/getToken.json` and `/user/checkOnline.json`.

use improto::limits::MAX_ID_BYTES;
use serde_json::{Value, json};

use super::form::Form;
use super::reply::{self, ApiError};
use crate::apps::App;
use crate::auth::token::{self, Claims};
use crate::clock::now_ms;
use crate::state::ServerState;
use crate::store::UserProfile;

/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 128;
/// Longest portrait URI, in characters.
const MAX_PORTRAIT_CHARS: usize = 1024;

/// Registers (or updates) a user and issues a token: `{"code":200,"userId":…,"token":…}`.
pub async fn get_token(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_id = user_id(&form)?;
    let name = form.get("name").unwrap_or_default();
    let portrait_uri = form.get("portraitUri").unwrap_or_default();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(too_long("name", MAX_NAME_CHARS));
    }
    if portrait_uri.chars().count() > MAX_PORTRAIT_CHARS {
        return Err(too_long("portraitUri", MAX_PORTRAIT_CHARS));
    }
    let profile = UserProfile {
        name: name.to_owned(),
        portrait_uri: portrait_uri.to_owned(),
    };
    state
        .store
        .register_user(app.key.clone(), user_id.to_owned(), profile)
        .await?;
    let now = now_ms();
    let claims = Claims {
        user_id: user_id.to_owned(),
        issued_at_ms: now,
        expires_at_ms: now.saturating_add(state.token_ttl_ms),
    };
    let token = token::issue(&app.key, &app.secret, &claims);
    Ok(json!({ "userId": user_id, "token": token }))
}

/// Whether a user has an open connection: `{"code":200,"status":"1"|"0"}`.
pub async fn check_online(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let online = state.hub.is_online(&app.key, user_id(&form)?);
    Ok(json!({ "status": if online { "1" } else { "0" } }))
}

/// The required `userId` parameter: 1 to [`MAX_ID_BYTES`] bytes.
pub(super) fn user_id(form: &Form) -> Result<&str, ApiError> {
    valid_user_id(form.get("userId"))
}

/// A given user id, checked: 1 to [`MAX_ID_BYTES`] bytes, no control character (1002).
pub(super) fn valid_user_id(id: Option<&str>) -> Result<&str, ApiError> {
    match id {
        None | Some("") => Err(ApiError::parameter("userId is required")),
        Some(id) if id.len() > MAX_ID_BYTES => Err(ApiError::parameter(format!(
            "userId is longer than {MAX_ID_BYTES} bytes"
        ))),
        Some(id) if !improto::ids::is_valid(id) => Err(ApiError::parameter(
            "userId must not hold control characters",
        )),
        Some(id) => Ok(id),
    }
}

/// 1005 for a parameter over its length limit.
fn too_long(name: &str, max: usize) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::BAD_REQUEST,
        reply::PARAMETER_TOO_LONG,
        format!("{name} is longer than {max} characters"),
    )
}
