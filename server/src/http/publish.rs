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

use futures_util::future::join_all;
use improto::kinds::conversation_type::{PRIVATE, SYSTEM};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::form::Form;
use super::message_form::{content, flag, handling, object_name, options, over_limit};
use super::reply::ApiError;
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
    let object_name = object_name(form)?;
    let content = content(form, object_name)?;
    let is_persisted = flag(form, "isPersisted", true)?;
    let is_counted = flag(form, "isCounted", true)?;
    let include_sender = conversation_type == PRIVATE && flag(form, "isIncludeSender", false)?;
    let options = options(form)?;
    let handling = handling(object_name, is_persisted, is_counted)?;
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
                persisted: handling.persisted,
                counted: handling.counted,
                offline: handling.offline,
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
