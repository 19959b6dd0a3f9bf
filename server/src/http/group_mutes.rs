//! Group mutes: member gags (`/group/user/gag/add|rollback|list.json`), whole-group mutes
//! (`/group/ban/add|rollback|query.json`) and their whitelists
//! (`/group/user/ban/whitelist/add|rollback|query.json`).
//!
//! They are keyed by group id alone (no membership needed) and kept in the database and in
//! `state.mutes`, which the send path asks ([`MuteTable::check`]); a gag without `groupId`
//! holds in every group. At most `--max-group-mutes` rows per app (1005 beyond).
//!
//! [`MuteTable::check`]: crate::groups::mutes::MuteTable::check

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::block::MINUTE_MS;
use super::form::Form;
use super::reply::{self, ApiError};
use super::user_id::{id, ids, user_ids};
use crate::apps::App;
use crate::clock::{format_datetime, now_ms};
use crate::groups::mutes::{EVERY_GROUP, MuteError};
use crate::state::ServerState;
use crate::store::MuteChange;

/// Most users or groups one call names.
const MAX_PER_CALL: usize = 20;
/// Longest gag, in minutes (30 days); 0 gags permanently.
const MAX_GAG_MINUTES: i64 = 43_200;
/// The `time` listed for a permanent gag: it never ends.
const PERMANENT_END: &str = "9999-12-31 23:59:59";

/// Gags `userId` (repeated, at most 20) in `groupId` (absent or empty: every group) for
/// `minute` minutes (0: permanently; at most 43200): `{"code":200}`.
pub async fn gag(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, MAX_PER_CALL)?;
    let group_id = optional_group_id(&form)?.unwrap_or(EVERY_GROUP).to_owned();
    let minutes = form
        .get("minute")
        .and_then(|m| m.trim().parse::<i64>().ok())
        .filter(|m| (0..=MAX_GAG_MINUTES).contains(m))
        .ok_or_else(|| ApiError::parameter(format!("minute must be 0 to {MAX_GAG_MINUTES}")))?;
    let now_ms = now_ms();
    let until_ms = if minutes == 0 {
        0
    } else {
        now_ms + minutes * MINUTE_MS
    };
    let gag = MuteChange::Gag {
        group_id,
        user_ids,
        until_ms,
        now_ms,
    };
    change(state, app, gag).await
}

/// Lifts the gags of `userId` (repeated, at most 20) in `groupId`, or without it in every
/// group (each group's gag and the every-group one): `{"code":200}`.
pub async fn ungag(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, MAX_PER_CALL)?;
    let group_id = optional_group_id(&form)?.map(str::to_owned);
    change(state, app, MuteChange::Ungag { group_id, user_ids }).await
}

/// The gags in force in `groupId`, or without it every gag of the app:
/// `{"code":200,"users":[{"userId":…,"time":"yyyy-MM-dd HH:mm:ss","groupId":…}]}` with `time`
/// the end (`9999-12-31 23:59:59` for a permanent gag) and `groupId` `""` for a gag in every
/// group; by group, then user.
pub async fn gags(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_id = optional_group_id(&form)?;
    let users: Vec<_> = state
        .mutes
        .gags(&app.key, group_id, now_ms())
        .into_iter()
        .map(|gag| {
            let time = match gag.until_ms {
                0 => PERMANENT_END.to_owned(),
                until => format_datetime(until),
            };
            json!({ "userId": gag.user_id, "time": time, "groupId": gag.group_id })
        })
        .collect();
    Ok(json!({ "users": users }))
}

/// Mutes the groups `groupId` (repeated, at most 20) as a whole: `{"code":200}`.
pub async fn ban(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_ids = ids(&form, "groupId", MAX_PER_CALL)?;
    change(state, app, MuteChange::Ban { group_ids }).await
}

/// Lifts the whole-group mutes of `groupId` (repeated, at most 20; whitelists stay):
/// `{"code":200}`.
pub async fn unban(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_ids = ids(&form, "groupId", MAX_PER_CALL)?;
    change(state, app, MuteChange::Unban { group_ids }).await
}

/// Whether the groups `groupId` (repeated, at most 20) are muted, or without it every muted
/// group: `{"code":200,"groupinfo":[{"groupId":…,"stat":1|0}]}` ([go]'s `page`/`size` are
/// ignored).
pub async fn bans(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let info =
        |group_id: &str, muted: bool| json!({ "groupId": group_id, "stat": i32::from(muted) });
    let groupinfo: Vec<_> = if form.get("groupId").is_some() {
        ids(&form, "groupId", MAX_PER_CALL)?
            .iter()
            .map(|group_id| info(group_id, state.mutes.is_banned(&app.key, group_id)))
            .collect()
    } else {
        state
            .mutes
            .banned(&app.key)
            .iter()
            .map(|group_id| info(group_id, true))
            .collect()
    };
    Ok(json!({ "groupinfo": groupinfo }))
}

/// Lets `userId` (repeated, at most 20) speak in `groupId` while it is muted: `{"code":200}`.
pub async fn whitelist(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, MAX_PER_CALL)?;
    let group_id = id(&form, "groupId")?.to_owned();
    change(state, app, MuteChange::Whitelist { group_id, user_ids }).await
}

/// Takes `userId` (repeated, at most 20) off the whitelist of `groupId`: `{"code":200}`.
pub async fn unwhitelist(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, MAX_PER_CALL)?;
    let group_id = id(&form, "groupId")?.to_owned();
    change(state, app, MuteChange::Unwhitelist { group_id, user_ids }).await
}

/// The whitelist of `groupId`: `{"code":200,"userIds":[…]}`, in order.
pub async fn whitelisted(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_id = id(&form, "groupId")?;
    Ok(json!({ "userIds": state.mutes.whitelist(&app.key, group_id) }))
}

/// The optional `groupId`: `None` when absent or empty, else checked like a user id.
fn optional_group_id(form: &Form) -> Result<Option<&str>, ApiError> {
    match form.id("groupId") {
        None | Some("") => Ok(None),
        Some(_) => id(form, "groupId").map(Some),
    }
}

/// Makes `change` to the app's mutes: `{"code":200}`, or 1005 over the app's limit.
async fn change(state: &ServerState, app: &App, change: MuteChange) -> Result<Value, ApiError> {
    match state.mutes.change(&state.store, &app.key, change).await {
        Ok(()) => Ok(json!({})),
        Err(full @ MuteError::Full { .. }) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            reply::PARAMETER_TOO_LONG,
            full.to_string(),
        )),
        Err(MuteError::Store(e)) => Err(e.into()),
    }
}
