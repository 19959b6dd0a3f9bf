//! `Request` frames: remote history, the conversation list, remote deletion, removing a
//! conversation, conversation statuses and group heads, each answered by exactly one `Response` with the
//! request's id. A status change is also pushed to the user's other connections once stored.
//!
//! Parameters are checked at once (33003 if bad). Reads then run on the store's read pool;
//! writes are queued to the writer at once, so a connection's writes (its sends included) apply
//! in frame order. The `Response` is queued when the read is done or the write has committed
//! (code 0), with 20608 for a new status beyond the user's quota, or with 30014 if storage
//! failed; responses to different requests may overtake one another.

use std::pin::Pin;

use std::sync::Arc;

use axum::body::Bytes;
use improto::{Body, ConversationStatuses, Response, request, response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::codes;
use super::handshake::Identity;
use super::outbox::Outbox;
use super::validate;
use crate::hub::Hub;
use crate::store::{StatusChange, Storage, StoreError, UserConversation};

/// A request under way: the body of its `Response` (`None` for writes), once done.
type Answer = Pin<Box<dyn Future<Output = Result<Option<response::Body>, StoreError>> + Send>>;

/// Who asks: the user, and which of the user's connections (the hub's id), whose outbox is
/// `queue`.
pub struct Asker<'a> {
    /// The user.
    pub identity: &'a Identity,
    /// The connection's id in the hub.
    pub connection: u64,
    /// The connection's outbox.
    pub queue: Outbox,
    /// The connection's permits for answers in preparation (see
    /// [`Request::answers`](super::requests::Request::answers)).
    pub answers: Arc<Semaphore>,
    /// Conversation statuses the server keeps per user (`--max-statuses-per-user`).
    pub max_statuses: usize,
}

/// Answers `request` of `asker`'s connection: queues its `Response` once ready, from a task of
/// its own (preparing it once `asker.answers` has room), then releases `permit`.
pub fn answer(
    store: &Arc<dyn Storage>,
    hub: &Arc<Hub>,
    asker: Asker<'_>,
    request: improto::Request,
    permit: OwnedSemaphorePermit,
) {
    let request_id = request.request_id;
    let started = request
        .body
        .ok_or(codes::INVALID_PARAMETER)
        .and_then(|body| start(store, hub, &asker, body));
    let (queue, answers) = (asker.queue, asker.answers);
    tokio::spawn(async move {
        let Ok(_preparing) = answers.acquire_owned().await else {
            return;
        };
        let (code, body) = match started {
            Err(code) => (code, None),
            Ok(answer) => match answer.await {
                Ok(body) => (codes::OK, body),
                Err(StoreError::QuotaExceeded(what)) => {
                    tracing::info!(what, "refusing a request over the user's quota");
                    (codes::QUOTA_EXCEEDED, None)
                }
                Err(e) => {
                    tracing::error!(error = %e, "answering a request failed");
                    (codes::SIGNAL_FAILED, None)
                }
            },
        };
        let response = Response {
            request_id,
            code,
            body,
        };
        // If the connection is gone there is nobody to answer.
        queue.reply(Body::Response(response)).await;
        drop(permit);
    });
}

/// Checks `body` and starts its read or queues its write; `Err` is the status code to answer.
fn start(
    store: &Arc<dyn Storage>,
    hub: &Arc<Hub>,
    asker: &Asker<'_>,
    body: request::Body,
) -> Result<Answer, i32> {
    let store = store.clone();
    let identity = asker.identity;
    Ok(match body {
        request::Body::History(q) => {
            let conversation = conversation_of(identity, q.conversation_type, q.target_id)?;
            let order = validate::history_order(q.order)?;
            let count = validate::page_size(q.count, validate::MAX_HISTORY_PAGE)?;
            let timestamp = validate::time(q.timestamp)?;
            Box::pin(async move {
                let page = store.history(conversation, timestamp, count, order).await?;
                Ok(Some(response::Body::History(page)))
            })
        }
        request::Body::ConversationList(q) => {
            let count = validate::page_size(q.count, validate::MAX_CONVERSATION_PAGE)?;
            let before_time = validate::time(q.before_time)?;
            let (app_key, user_id) = (identity.app_key.clone(), identity.user_id.clone());
            Box::pin(async move {
                let list = store
                    .conversation_list(app_key, user_id, count, before_time)
                    .await?;
                Ok(Some(response::Body::ConversationList(list)))
            })
        }
        request::Body::DeleteMessages(d) => {
            let conversation = conversation_of(identity, d.conversation_type, d.target_id)?;
            validate::message_uids(&d.message_uids)?;
            written(store.delete_messages(conversation, d.message_uids))
        }
        request::Body::ClearHistory(c) => {
            let conversation = conversation_of(identity, c.conversation_type, c.target_id)?;
            let before_time = validate::time(c.before_time)?;
            written(store.clear_history(conversation, before_time))
        }
        request::Body::RemoveConversation(r) => {
            let conversation = conversation_of(identity, r.conversation_type, r.target_id)?;
            written(store.remove_conversation(conversation))
        }
        request::Body::SetConversationStatus(s) => {
            validate::status_conversation(s.conversation_type, &s.target_id)?;
            let conversation = UserConversation {
                app_key: identity.app_key.clone(),
                user_id: identity.user_id.clone(),
                conversation_type: s.conversation_type,
                target_id: s.target_id,
            };
            let change = StatusChange {
                is_top: s.is_top,
                notification_status: validate::notification_status(s.notification_status)?,
            };
            let (hub, connection) = (hub.clone(), asker.connection);
            let (app_key, user_id) = (identity.app_key.clone(), identity.user_id.clone());
            let stored = store.set_conversation_status(conversation, change, asker.max_statuses);
            Box::pin(async move {
                let statuses = ConversationStatuses {
                    statuses: vec![stored.await?],
                    has_more: false,
                };
                let push = Body::ConversationStatuses(statuses.clone());
                let frame = Bytes::from(improto::encode(push));
                hub.push_to_others(&app_key, &user_id, connection, &frame);
                Ok(Some(response::Body::ConversationStatuses(statuses)))
            })
        }
        request::Body::ConversationStatuses(q) => {
            let limit = match q.limit {
                0 => validate::MAX_STATUS_PAGE as usize,
                limit => validate::page_size(limit, validate::MAX_STATUS_PAGE)?,
            };
            let (app_key, user_id) = (identity.app_key.clone(), identity.user_id.clone());
            Box::pin(async move {
                let statuses = store
                    .conversation_statuses(app_key, user_id, q.after_version, limit)
                    .await?;
                Ok(Some(response::Body::ConversationStatuses(statuses)))
            })
        }
        request::Body::GroupHeads(q) => {
            let limit = match q.limit {
                0 => validate::MAX_GROUP_HEADS_PAGE as usize,
                limit => validate::page_size(limit, validate::MAX_GROUP_HEADS_PAGE)?,
            };
            let (app_key, user_id) = (identity.app_key.clone(), identity.user_id.clone());
            Box::pin(async move {
                let heads = store
                    .group_heads(app_key, user_id, q.after_group_id, limit)
                    .await?;
                Ok(Some(response::Body::GroupHeads(heads)))
            })
        }
    })
}

/// The conversation `identity`'s user means, if it is one the server keeps (else 33003).
fn conversation_of(
    identity: &Identity,
    conversation_type: i32,
    target_id: String,
) -> Result<UserConversation, i32> {
    validate::conversation(conversation_type, &target_id)?;
    Ok(UserConversation {
        app_key: identity.app_key.clone(),
        user_id: identity.user_id.clone(),
        conversation_type,
        target_id,
    })
}

/// The answer to a queued write: no response body, once committed.
fn written(write: impl Future<Output = Result<(), StoreError>> + Send + 'static) -> Answer {
    Box::pin(async move { write.await.map(|()| None) })
}
