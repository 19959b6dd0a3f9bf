//! `/message/group/publish.json`: a message into groups (at most 3) as any user the app
//! server names, optionally directed to some members (`toUserId`), through the same path as a
//! client's group send (stored once, fanned out after the commit).

use improto::limits::{MAX_DIRECTED_USER_IDS, MAX_OBJECT_NAME_BYTES};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::form::Form;
use super::reply::ApiError;
use super::user_id::{id_param, id_params};
use crate::apps::App;
use crate::groups::send::{self, GroupSend};
use crate::state::ServerState;
use crate::store::NewMessage;
use crate::ws::codes;

/// Most groups one publish call may name.
const MAX_GROUPS_PER_CALL: usize = 3;

/// Publishes `content` of type `objectName` from `fromUserId` into each `toGroupId`: to
/// every member, or with `toUserId` (repeated) only to those members (and the sender).
/// `isPersisted` (default 1) keeps it in history; `isIncludeSender` (default 0) pushes it to
/// the sender's own connections too (else they only move past it). Answers
/// `{"code":200,"messageUIDs":[{"groupId":…,"messageUID":…}]}`; 1002 for an unknown or
/// dismissed group, or a `toUserId` that is not a member.
pub async fn publish(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    let from = id_param(&form, "fromUserId")?.to_owned();
    let group_ids = id_params(&form, "toGroupId", MAX_GROUPS_PER_CALL)?;
    let directed = match form.ids("toUserId").next() {
        Some(_) => id_params(&form, "toUserId", MAX_DIRECTED_USER_IDS)?,
        None => Vec::new(),
    };
    let object_name = form.get("objectName").unwrap_or_default();
    if object_name.is_empty() || object_name.len() > MAX_OBJECT_NAME_BYTES {
        return Err(ApiError::parameter(format!(
            "objectName must be 1 to {MAX_OBJECT_NAME_BYTES} bytes"
        )));
    }
    let content = content(&form)?;
    let flag = |key: &str, default: bool| {
        form.flag(key, default)
            .ok_or_else(|| ApiError::parameter(format!("{key} must be true or false")))
    };
    let (is_persisted, is_counted) = (flag("isPersisted", true)?, flag("isCounted", true)?);
    let include_sender = flag("isIncludeSender", false)?;
    for checked in [
        "isMentioned",
        "contentAvailable",
        "disablePush",
        "expansion",
    ] {
        flag(checked, false)?;
    }
    let (persisted, counted) =
        improto::message_types::handling(object_name, is_persisted, is_counted)
            .ok_or_else(|| ApiError::parameter(format!("{object_name} is a reserved type")))?;
    let mut uids = Vec::with_capacity(group_ids.len());
    for group_id in group_ids {
        let message = NewMessage {
            app_key: app.key.clone(),
            sender_id: from.clone(),
            conversation_type: improto::kinds::conversation_type::GROUP,
            target_id: group_id.clone(),
            recipients: Vec::new(),
            object_name: object_name.to_owned(),
            content: content.clone(),
            client_message_id: String::new(),
            persisted: persisted && is_persisted,
            counted: counted && is_counted,
            max_conversations: usize::MAX,
        };
        let group_send = GroupSend {
            message,
            directed: directed.clone(),
            include_sender,
            sender_must_be_member: false,
        };
        let (done, outcome) = oneshot::channel();
        let hub = state.hub.clone();
        let (app_key, sender) = (app.key.clone(), from.clone());
        send::send(
            state,
            group_send,
            Box::new(move |outcome, own| {
                if let Some(own) = own {
                    hub.push_each(&app_key, [(sender, own)]);
                }
                let _ = done.send(outcome);
            }),
        );
        let outcome = outcome
            .await
            .map_err(|_| ApiError::internal("the store dropped a group message"))?;
        match outcome {
            Ok(stored) => {
                uids.push(json!({ "groupId": group_id, "messageUID": stored.message_uid() }))
            }
            Err(codes::NOT_IN_GROUP) => {
                return Err(ApiError::parameter(format!(
                    "group {group_id} does not exist or was dismissed"
                )));
            }
            Err(codes::INVALID_PARAMETER) => {
                return Err(ApiError::parameter(format!(
                    "toUserId must be members of group {group_id}"
                )));
            }
            Err(code) => return Err(ApiError::internal(format!("group send failed: {code}"))),
        }
    }
    Ok(json!({ "messageUIDs": uids }))
}

/// The `content` parameter: a JSON object obeying the content rules (a JSON string holding
/// one, as the Python SDK sends a string argument, is unwrapped once).
fn content(form: &Form) -> Result<String, ApiError> {
    let raw = form.get("content").unwrap_or_default();
    let content = match serde_json::from_str::<Value>(raw) {
        Ok(Value::String(inner)) => inner,
        _ => raw.to_owned(),
    };
    let object_name = form.get("objectName").unwrap_or_default();
    improto::content::check(object_name, &content).map_err(|e| match e.code() {
        codes::MESSAGE_TOO_LARGE => {
            ApiError::too_long("content", improto::limits::MAX_CONTENT_BYTES)
        }
        _ => ApiError::parameter(format!("content is refused: {e:?}")),
    })?;
    Ok(content)
}
