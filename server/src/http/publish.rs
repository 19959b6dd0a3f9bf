//! Messages the app server sends on a user's behalf: `/message/private/publish.json` (private
//! chats) and `/message/system/publish.json` (the recipients' SYSTEM conversation, type 6, whose
//! target is the sender).
//!
//! Each recipient gets a message of its own, stored like a client's private send (same content
//! rules, the built-in types' flags) and pushed to the recipient's connections right after its
//! commit; offline recipients pull it. The sender gets an entry only with `isIncludeSender=1`
//! (private only). `pushContent`, `pushData` and `disablePush` travel as the message's
//! options; `contentAvailable`, `count`, `pushExt`, `expansion` and the rest are accepted and
//! have no effect here (no push service).

use axum::http::StatusCode;
use futures_util::future::join_all;
use improto::MessageOptions;
use improto::content::ContentError;
use improto::kinds::conversation_type::{PRIVATE, SYSTEM};
use improto::limits::MAX_OBJECT_NAME_BYTES;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::form::Form;
use super::reply::{self, ApiError};
use super::user_id::{id, ids};
use crate::apps::App;
use crate::state::ServerState;
use crate::store::{NewEntries, NewMessage, SendOutcome, StoreError};
use crate::ws::requests::{delivery_frame, push_to_recipients};

/// Most recipients of one private publish.
const MAX_PRIVATE_RECIPIENTS: usize = 1000;
/// Most recipients of one system publish.
const MAX_SYSTEM_RECIPIENTS: usize = 100;

/// Sends a private message from `fromUserId` to each `toUserId` (repeated, at most 1000):
/// `{"code":200,"messageUIDs":[{"userId":…,"messageUID":…}]}`.
pub async fn private(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    publish(state, app, &form, PRIVATE, MAX_PRIVATE_RECIPIENTS).await
}

/// Sends a system message from `fromUserId` to each `toUserId` (repeated, at most 100), into
/// their SYSTEM conversation with `fromUserId`: answered like [`private`].
pub async fn system(state: &ServerState, app: &App, form: Form) -> Result<Value, ApiError> {
    publish(state, app, &form, SYSTEM, MAX_SYSTEM_RECIPIENTS).await
}

/// Checks the form, stores one message per recipient and answers with their UIDs.
async fn publish(
    state: &ServerState,
    app: &App,
    form: &Form,
    conversation_type: i32,
    max_recipients: usize,
) -> Result<Value, ApiError> {
    let from = id(form, "fromUserId")?;
    let to = ids(form, "toUserId", max_recipients)?;
    let object_name = form.get("objectName").unwrap_or_default();
    if object_name.is_empty() {
        return Err(ApiError::parameter("objectName is required"));
    }
    if object_name.len() > MAX_OBJECT_NAME_BYTES {
        return Err(over_limit(format!(
            "objectName is longer than {MAX_OBJECT_NAME_BYTES} bytes"
        )));
    }
    let content = content(form, object_name)?;
    let is_persisted = flag(form, "isPersisted", true)?;
    let is_counted = flag(form, "isCounted", true)?;
    let include_sender = conversation_type == PRIVATE && flag(form, "isIncludeSender", false)?;
    let options = options(form)?;
    // A built-in type keeps its flags; the caller may only turn storing or counting off.
    let (persisted, counted) =
        improto::message_types::handling(object_name, is_persisted, is_counted).ok_or_else(
            || ApiError::parameter(format!("{object_name} is a reserved, not built-in type")),
        )?;
    let sends = to.iter().map(|user_id| {
        store_and_push(
            state,
            NewMessage {
                app_key: app.key.clone(),
                sender_id: from.to_owned(),
                conversation_type,
                target_id: user_id.clone(),
                recipients: vec![user_id.clone()],
                include_sender: include_sender || user_id == from,
                object_name: object_name.to_owned(),
                content: content.clone(),
                client_message_id: String::new(),
                persisted: persisted && is_persisted,
                counted: counted && is_counted,
                options: options.clone(),
                max_conversations: state.session.conversations_per_user,
            },
        )
    });
    let mut uids = Vec::with_capacity(to.len());
    for (user_id, stored) in to.iter().zip(join_all(sends.collect::<Vec<_>>()).await) {
        let message_uid = match stored {
            Ok(uid) => uid,
            Err(StoreError::QuotaExceeded(what)) => {
                return Err(over_limit(format!(
                    "{from} has the most {what} the server keeps"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        uids.push(json!({ "userId": user_id, "messageUID": message_uid }));
    }
    Ok(json!({ "messageUIDs": uids }))
}

/// Stores `message` and, right after its commit (in commit order, like a client's send),
/// pushes it to the recipient's connections and, if the sender has an entry, to the sender's;
/// resolves to its UID.
async fn store_and_push(state: &ServerState, message: NewMessage) -> Result<String, StoreError> {
    let (answer, answered) = oneshot::channel();
    let hub = state.hub.clone();
    let app_key = message.app_key.clone();
    let complete = Box::new(move |outcome: Result<SendOutcome, StoreError>| {
        let uid = outcome.map(|outcome| {
            let uid = outcome.message_uid().to_owned();
            if let SendOutcome::Stored(entries) = outcome {
                let NewEntries {
                    recipients,
                    own_entry,
                } = *entries;
                push_to_recipients(&hub, &app_key, recipients);
                if own_entry.seq != 0 {
                    let sender = own_entry.sender_user_id.clone();
                    hub.push_each(&app_key, [(sender, delivery_frame(own_entry))]);
                }
            }
            uid
        });
        // The caller may have gone; the message is stored and pushed either way.
        let _ = answer.send(uid);
    });
    state.store.send_message_then(message, complete);
    answered.await.map_err(|_| StoreError::Closed)?
}

/// The `content` parameter of a message of type `object_name`, checked by the contract's content rules (1005 over 128 KB, else
/// 1002). A JSON string holding the content (the Python SDK given a string) is unwrapped once.
fn content(form: &Form, object_name: &str) -> Result<String, ApiError> {
    let raw = form.get("content").unwrap_or_default();
    if raw.is_empty() {
        return Err(ApiError::parameter("content is required"));
    }
    let content = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
    match improto::content::check(object_name, &content) {
        Ok(()) => Ok(content),
        Err(e @ ContentError::TooLarge(_)) => Err(over_limit(e.to_string())),
        Err(e) => Err(ApiError::parameter(e.to_string())),
    }
}

/// The message's options from `pushContent`, `pushData` and `disablePush`; `None` if none is
/// given.
fn options(form: &Form) -> Result<Option<MessageOptions>, ApiError> {
    let options = MessageOptions {
        disable_notification: flag(form, "disablePush", false)?,
        push_content: form.get("pushContent").unwrap_or_default().to_owned(),
        push_data: form.get("pushData").unwrap_or_default().to_owned(),
        ..MessageOptions::default()
    };
    Ok((options != MessageOptions::default()).then_some(options))
}

/// The boolean parameter `key`: `true`, `True` or `1`; `false`, `False` or `0`; `default` when
/// absent or empty (server-api.md §1.3); else 1002.
fn flag(form: &Form, key: &str, default: bool) -> Result<bool, ApiError> {
    match form.get(key).map(str::trim) {
        None | Some("") => Ok(default),
        Some("true" | "True" | "1") => Ok(true),
        Some("false" | "False" | "0") => Ok(false),
        Some(_) => Err(ApiError::parameter(format!("{key} must be 0 or 1"))),
    }
}

/// 1005 for a parameter (or what it would add) over its limit.
fn over_limit(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, reply::PARAMETER_TOO_LONG, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_sdk_s_booleans_and_refuses_others() {
        let form = Form::parse(b"a=True&b=false&c=1&d=&e=yes");
        assert_eq!(flag(&form, "a", false), Ok(true));
        assert_eq!(flag(&form, "b", true), Ok(false));
        assert_eq!(flag(&form, "c", false), Ok(true));
        assert_eq!(flag(&form, "d", true), Ok(true));
        assert_eq!(flag(&form, "absent", false), Ok(false));
        assert_eq!(flag(&form, "e", false).map_err(|e| e.code), Err(1002));
    }

    #[test]
    fn unwraps_content_sent_as_a_json_string_once() {
        let form = Form::parse(br#"content="{\"content\":\"hello\"}""#);
        assert_eq!(
            content(&form, "RC:TxtMsg"),
            Ok(r#"{"content":"hello"}"#.to_owned())
        );
        let form = Form::parse(br#"content={"content": "hi"}"#);
        assert_eq!(
            content(&form, "RC:TxtMsg"),
            Ok(r#"{"content": "hi"}"#.to_owned())
        );
        let form = Form::parse(br#"content={"content":5}"#);
        assert_eq!(content(&form, "RC:TxtMsg").map_err(|e| e.code), Err(1002));
    }

    #[test]
    fn maps_push_parameters_to_the_options() {
        assert_eq!(
            options(&Form::parse(b"pushContent=&disablePush=false")),
            Ok(None)
        );
        let options = options(&Form::parse(b"pushContent=pc&pushData=pd&disablePush=True"));
        assert_eq!(
            options,
            Ok(Some(MessageOptions {
                disable_notification: true,
                push_content: "pc".into(),
                push_data: "pd".into(),
                ..MessageOptions::default()
            }))
        );
    }
}
