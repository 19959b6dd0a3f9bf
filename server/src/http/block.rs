//! Blocking users and expiring their tokens: `/user/block.json`, `/user/unblock.json`,
//! `/user/block/query.json` and `/user/token/expire.json`.
//!
//! A blocked user's live connections are closed with `Close{code: 9}` and new ones refused with
//! `ConnectAck{code: 9}` until the block ends or is lifted. After a token expiry, connections
//! whose token was issued before the given time are closed with `Close{code: 31010}` and such
//! tokens refused with `ConnectAck{code: 31010}`. The database holds both (they survive
//! restarts); the cache in `state.restrictions` serves the connect path.

use serde_json::{Value, json};

use super::form::Form;
use super::reply::ApiError;
use super::user_id::{user_id, user_ids};
use crate::apps::App;
use crate::clock::{format_datetime, now_ms};
use crate::state::ServerState;
use crate::ws::codes;

/// Most users one `/user/block.json` call may block.
const MAX_BLOCKED_PER_CALL: usize = 20;
/// Longest block, in minutes (30 days).
const MAX_BLOCK_MINUTES: i64 = 43_200;
/// Milliseconds per minute.
pub(super) const MINUTE_MS: i64 = 60_000;
/// How far past the server's clock a token expiry `time` may be (the caller's clock may run a
/// little ahead); a later time is refused with 1002, as it would lock the user out until then.
pub const MAX_EXPIRY_AHEAD_MS: i64 = MINUTE_MS;

/// Blocks `userId` (repeated, at most 20) for `minute` minutes (1 to 43200): `{"code":200}`.
pub async fn block(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, MAX_BLOCKED_PER_CALL)?;
    let minutes = form
        .get("minute")
        .and_then(|m| m.trim().parse::<i64>().ok())
        .filter(|m| (1..=MAX_BLOCK_MINUTES).contains(m))
        .ok_or_else(|| ApiError::parameter(format!("minute must be 1 to {MAX_BLOCK_MINUTES}")))?;
    let now = now_ms();
    let until = now + minutes * MINUTE_MS;
    state
        .store
        .block_users(app.key.clone(), user_ids.clone(), until, now)
        .await?;
    // Cache first, then close: a connection registering in between sees the block either way.
    state
        .restrictions
        .block(&app.key, user_ids.iter().map(String::as_str), until);
    for user_id in &user_ids {
        state.hub.close(
            &app.key,
            user_id,
            i64::MAX,
            codes::USER_BLOCKED,
            "user blocked",
        );
    }
    Ok(json!({}))
}

/// Lifts the blocks of `userId` (repeated): `{"code":200}`.
pub async fn unblock(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, usize::MAX)?;
    state
        .store
        .unblock_users(app.key.clone(), user_ids.clone())
        .await?;
    state
        .restrictions
        .unblock(&app.key, user_ids.iter().map(String::as_str));
    Ok(json!({}))
}

/// The users blocked now: `{"code":200,"users":[{"userId":…,"blockEndTime":"yyyy-MM-dd HH:mm:ss"}]}`.
/// Takes no parameters (an empty body is fine; [java]'s `page`/`size` are ignored).
pub async fn query(state: &ServerState, app: &App, _form: Form) -> Result<Value, ApiError> {
    let blocked = state.store.blocked_users(app.key.clone(), now_ms()).await?;
    let users: Vec<_> = blocked
        .into_iter()
        .map(
            |(user_id, until)| json!({ "userId": user_id, "blockEndTime": format_datetime(until) }),
        )
        .collect();
    Ok(json!({ "users": users }))
}

/// Invalidates the tokens of `userId` issued before `time` (ms, at most
/// [`MAX_EXPIRY_AHEAD_MS`] past now): `{"code":200}`.
pub async fn expire_tokens(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_id = user_id(&form)?;
    let latest = now_ms() + MAX_EXPIRY_AHEAD_MS;
    let before = form
        .get("time")
        .and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|t| (1..=latest).contains(t))
        .ok_or_else(|| {
            ApiError::parameter(format!(
                "time must be a time in ms, not later than {MAX_EXPIRY_AHEAD_MS} ms from now"
            ))
        })?;
    let cutoff = state
        .store
        .expire_tokens(app.key.clone(), user_id.to_owned(), before)
        .await?;
    state.restrictions.expire_tokens(&app.key, user_id, cutoff);
    state.hub.close(
        &app.key,
        user_id,
        cutoff,
        codes::TOKEN_EXPIRED,
        "token expired",
    );
    Ok(json!({}))
}
