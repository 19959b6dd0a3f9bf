//! Group membership: `/group/create.json`, `/group/join.json`, `/group/quit.json`,
//! `/group/dismiss.json`, `/group/refresh.json`, `/group/sync.json`, and the queries
//! `/group/user/query.json` (members) and `/user/group/query.json` (a user's groups).
//!
//! Every change is one write; right after its commit (in commit order with the messages sent
//! into the group) the group directory takes the new members, so sends and fan-out need no
//! database read. A join past `--max-group-members` is refused whole with HTTP 405.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::form::Form;
use super::reply::ApiError;
use super::user_id::{id_param, user_id, user_ids, valid_id};
use crate::apps::App;
use crate::state::ServerState;
use crate::store::{GroupChange, GroupState, StoreError};

/// Longest group name, in characters.
const MAX_GROUP_NAME_CHARS: usize = 64;
/// Most users one join (or create) call may add.
const MAX_JOINING_PER_CALL: usize = 1000;

/// Creates the group `groupId` named `groupName` with the members `userId` (repeated):
/// `{"code":200}`. An existing group gets the members added.
pub async fn create(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    join_with(state, app, &form, true).await
}

/// Adds `userId` (repeated, at most 1000) to `groupId` (created as `groupName` if it does not
/// exist): `{"code":200}`.
pub async fn join(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    join_with(state, app, &form, false).await
}

/// `create` and `join`: the name is required by the first only.
async fn join_with(
    state: &ServerState,
    app: &App,
    form: &Form,
    name_required: bool,
) -> Result<Value, ApiError> {
    let user_ids = user_ids(form, MAX_JOINING_PER_CALL)?;
    let group_id = id_param(form, "groupId")?.to_owned();
    let name = group_name(form, name_required)?;
    let change = GroupChange::Join {
        group_id,
        name,
        user_ids,
        max_members: state.max_group_members,
    };
    apply(state, app, change).await
}

/// Removes `userId` (repeated) from `groupId`: `{"code":200}`.
pub async fn quit(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_ids = user_ids(&form, usize::MAX)?;
    let group_id = id_param(&form, "groupId")?.to_owned();
    apply(state, app, GroupChange::Quit { group_id, user_ids }).await
}

/// Dismisses `groupId` (`userId`, the operator, is required but any user may): `{"code":200}`.
/// Members can still read its messages; nobody can send into it.
pub async fn dismiss(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    user_id(&form)?;
    let group_id = id_param(&form, "groupId")?.to_owned();
    apply(state, app, GroupChange::Dismiss { group_id }).await
}

/// Renames `groupId` to `groupName`: `{"code":200}`.
pub async fn refresh(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_id = id_param(&form, "groupId")?.to_owned();
    let name = group_name(&form, true)?;
    apply(state, app, GroupChange::Rename { group_id, name }).await
}

/// Makes the groups `group[<groupId>]=<groupName>` (repeated) the groups of `userId`: joins
/// those it is not in (creating unknown ones; existing ones keep their names) and quits the
/// others: `{"code":200}`.
pub async fn sync(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_id = user_id(&form)?.to_owned();
    let mut groups: Vec<(String, String)> = Vec::new();
    for (group_id, name) in form.bracketed("group") {
        valid_id("group[<groupId>]", Some(group_id))?;
        if name.chars().count() > MAX_GROUP_NAME_CHARS {
            return Err(ApiError::too_long("groupName", MAX_GROUP_NAME_CHARS));
        }
        if !groups.iter().any(|(known, _)| known == group_id) {
            groups.push((group_id.to_owned(), name.to_owned()));
        }
    }
    let change = GroupChange::Sync {
        user_id,
        groups,
        max_members: state.max_group_members,
    };
    apply(state, app, change).await
}

/// The members of `groupId`: `{"code":200,"users":[{"id":…}]}` (none for an unknown group).
pub async fn members(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let group_id = id_param(&form, "groupId")?.to_owned();
    let group = state.store.group_state(app.key.clone(), group_id).await?;
    let users: Vec<Value> = group
        .map(|g| g.members)
        .unwrap_or_default()
        .into_iter()
        .map(|id| json!({ "id": id }))
        .collect();
    Ok(json!({ "users": users }))
}

/// The groups of `userId`: `{"code":200,"groups":[{"id":…,"name":…}]}`.
pub async fn user_groups(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let user_id = user_id(&form)?.to_owned();
    let groups = state.store.user_groups(app.key.clone(), user_id).await?;
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect();
    Ok(json!({ "groups": groups }))
}

/// The `groupName` parameter: at most 64 characters; required (non-empty) if `required`.
fn group_name(form: &Form, required: bool) -> Result<String, ApiError> {
    let name = form.get("groupName").unwrap_or_default();
    if required && name.is_empty() {
        return Err(ApiError::parameter("groupName is required"));
    }
    if name.chars().count() > MAX_GROUP_NAME_CHARS {
        return Err(ApiError::too_long("groupName", MAX_GROUP_NAME_CHARS));
    }
    Ok(name.to_owned())
}

/// Stores `change`, updating the group directory right after the commit: `{}` once done.
async fn apply(state: &ServerState, app: &App, change: GroupChange) -> Result<Value, ApiError> {
    let (directory, app_key) = (state.groups.clone(), app.key.clone());
    let update = Box::new(move |states: &[GroupState]| directory.update(&app_key, states));
    match state
        .store
        .change_group(app.key.clone(), change, update)
        .await
    {
        Ok(_) => Ok(json!({})),
        Err(StoreError::QuotaExceeded(_)) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            405,
            format!(
                "the group would have more than {} members",
                state.max_group_members
            ),
        )),
        Err(e) => Err(e.into()),
    }
}
