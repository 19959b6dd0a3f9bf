//! `/user/getToken.json` and `/user/checkOnline.json`.

use serde_json::{Value, json};

use super::form::Form;
use super::reply::ApiError;
use super::user_id::user_id;
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
        return Err(ApiError::too_long("name", MAX_NAME_CHARS));
    }
    if portrait_uri.chars().count() > MAX_PORTRAIT_CHARS {
        return Err(ApiError::too_long("portraitUri", MAX_PORTRAIT_CHARS));
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
