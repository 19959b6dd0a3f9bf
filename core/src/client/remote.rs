//! Calls answered by the server: cloud history, the server's conversation list, and deletions
//! there (seed `getRemoteHistoryMessages`, `getRemoteConversationList`, `deleteRemoteMessages`,
//! `clearRemoteHistoryMessages`). What arrives is stored locally; deletions apply to both.

use super::{ImClient, await_reply, connected, run};
use crate::api::Operation;
use crate::conversation::{Conversation, ConversationStatusItem, MAX_CONVERSATION_COUNT};
use crate::engine::Engine;
use crate::enums::{ConversationType, HistoryOrder};
use crate::error::{ImError, ImResult};
use crate::message::{
    Message, MessageRef, RemoteMessageRef, validate_count, validate_target_id, validate_timestamp,
};
use crate::session::{Command, incoming_from_wire, synced_from_wire};
use crate::store::conversations::SyncedStatus;
use crate::store::{IncomingMessage, conversations, messages};
use improto::request::Body as Ask;
use improto::response::Body as Answer;
use serde::Deserialize;
use tokio::sync::oneshot;
use ts_rs::TS;

pub use improto::limits::MAX_REMOTE_HISTORY_COUNT;

/// Sends `body` to the server and awaits its answer (30001 when not connected, 30003 without
/// an answer in time, the server's code when refused).
pub(super) async fn ask(engine: &Engine, body: Ask) -> ImResult<Option<Answer>> {
    let (session, _, _) = connected(engine)?;
    let (reply, answer) = oneshot::channel();
    session
        .send(Command::Request { body, reply })
        .await
        .map_err(|_| ImError::not_connected())?;
    let response = await_reply(answer, engine.options.request_timeout()).await?;
    if response.code != 0 {
        return Err(ImError::new(
            response.code,
            "the server refused the request",
        ));
    }
    Ok(response.body)
}

/// The error for a server answer of the wrong kind.
fn unexpected_answer(to: &str) -> ImError {
    ImError::new(
        crate::error::code::UNKNOWN,
        format!("unexpected answer to a {to}"),
    )
}

/// A page of cloud history, stored locally (no unread, no events) and returned as stored, in
/// ascending time order, with the server's `has_more`.
pub(super) async fn fetch_history(
    engine: &Engine,
    conversation_type: ConversationType,
    target_id: &str,
    timestamp: i64,
    count: usize,
    order: HistoryOrder,
) -> ImResult<(Vec<Message>, bool)> {
    let query = improto::HistoryQuery {
        conversation_type: conversation_type.into(),
        target_id: target_id.to_owned(),
        timestamp,
        count: count as u32,
        order: order.into(),
    };
    let Some(Answer::History(page)) = ask(engine, Ask::History(query)).await? else {
        return Err(unexpected_answer("history query"));
    };
    let batch: Vec<IncomingMessage> = page
        .messages
        .into_iter()
        .filter_map(incoming_from_wire)
        .collect();
    let (_, store, me) = connected(engine)?;
    let mut list = store
        .call(move |conn| messages::store_history(conn, &batch, &me, false))
        .await?;
    list.sort_by_key(|m| (m.sent_time, m.message_id));
    Ok((list, page.has_more))
}

impl ImClient {
    /// A page of the server's cloud history of a conversation (seed
    /// `getRemoteHistoryMessages`): `timestamp` 0 = latest, `count` 1–100, `order` 0 older /
    /// 1 newer. The messages are stored locally too and returned as stored.
    pub async fn get_remote_history_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        timestamp: i64,
        count: usize,
        order: HistoryOrder,
    ) -> ImResult<super::HistoryPage> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        validate_count(count, MAX_REMOTE_HISTORY_COUNT)?;
        validate_timestamp(timestamp)?;
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let (list, has_more) = fetch_history(
                &engine,
                conversation_type,
                &target_id,
                timestamp,
                count,
                order,
            )
            .await?;
            Ok(super::HistoryPage { list, has_more })
        })
        .await
    }

    /// The conversation list the server keeps for this user (seed: built from sent and received
    /// messages), merged into the local list: each conversation's latest message is stored
    /// and the conversation shown. Resolves to the local list afterwards (at most `count`,
    /// 1–1000).
    pub async fn get_remote_conversation_list(&self, count: usize) -> ImResult<Vec<Conversation>> {
        let engine = self.engine()?;
        validate_count(count, MAX_CONVERSATION_COUNT)?;
        run(&engine.runtime.clone(), async move {
            let query = improto::ConversationListQuery {
                count: count as u32,
                before_time: 0,
            };
            let Some(Answer::ConversationList(remote)) =
                ask(&engine, Ask::ConversationList(query)).await?
            else {
                return Err(unexpected_answer("conversation list query"));
            };
            let batch: Vec<IncomingMessage> = remote
                .conversations
                .into_iter()
                .filter_map(|c| c.latest_message.and_then(incoming_from_wire))
                .collect();
            let (_, store, me) = connected(&engine)?;
            store
                .call(move |conn| {
                    messages::store_history(conn, &batch, &me, true)?;
                    conversations::list(conn, None, count)
                })
                .await
        })
        .await
    }

    /// Deletes 1–100 messages of a conversation from the server's cloud history of this user
    /// and from the local database (seed `deleteRemoteMessages`).
    pub async fn delete_remote_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        messages: Vec<RemoteMessageRef>,
    ) -> ImResult<()> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        RemoteMessageRef::validate_list(&messages)?;
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let uids: Vec<String> = messages.into_iter().map(|m| m.message_uid).collect();
            let request = improto::DeleteMessages {
                conversation_type: conversation_type.into(),
                target_id,
                message_uids: uids.clone(),
            };
            ask(&engine, Ask::DeleteMessages(request)).await?;
            let which: Vec<MessageRef> = uids.into_iter().map(MessageRef::Uid).collect();
            let (_, store, _) = connected(&engine)?;
            store
                .call(move |conn| messages::delete(conn, &which))
                .await?;
            Ok(())
        })
        .await
    }

    /// Deletes a conversation's messages sent at or before `timestamp` (0 = all until now)
    /// from the server's cloud history of this user and from the local database (seed
    /// `clearRemoteHistoryMessages`).
    pub async fn clear_remote_history_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        timestamp: i64,
    ) -> ImResult<()> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        validate_timestamp(timestamp)?;
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let request = improto::ClearHistory {
                conversation_type: conversation_type.into(),
                target_id: target_id.clone(),
                before_time: timestamp,
            };
            ask(&engine, Ask::ClearHistory(request)).await?;
            let (_, store, _) = connected(&engine)?;
            store
                .call(move |conn| {
                    messages::clear_history(conn, conversation_type, &target_id, timestamp)
                })
                .await?;
            Ok(())
        })
        .await
    }
}

/// Removes a conversation from the server's list of this user, when connected (a removal
/// while offline stays local).
pub(super) async fn remove_conversation_remotely(
    engine: &Engine,
    conversation_type: ConversationType,
    target_id: String,
) -> ImResult<()> {
    if connected(engine).is_err() {
        return Ok(());
    }
    let request = improto::RemoveConversation {
        conversation_type: conversation_type.into(),
        target_id,
    };
    ask(engine, Ask::RemoveConversation(request))
        .await
        .map(drop)
}

/// Sets a conversation's status on the server and resolves to it as the server now keeps it;
/// `None` when not connected.
pub(super) async fn set_status_remotely(
    engine: &Engine,
    conversation_type: ConversationType,
    target_id: &str,
    item: &ConversationStatusItem,
) -> ImResult<Option<SyncedStatus>> {
    if connected(engine).is_err() {
        return Ok(None);
    }
    let request = improto::SetConversationStatus {
        conversation_type: conversation_type.into(),
        target_id: target_id.to_owned(),
        is_top: item.is_top,
        notification_status: item.notification_status.map(i32::from),
    };
    let answer = ask(engine, Ask::SetConversationStatus(request)).await?;
    let Some(Answer::ConversationStatuses(changed)) = answer else {
        return Err(unexpected_answer("conversation status change"));
    };
    changed
        .statuses
        .into_iter()
        .next()
        .and_then(synced_from_wire)
        .map(Some)
        .ok_or_else(|| unexpected_answer("conversation status change"))
}

/// A page of the server's cloud history of a conversation (seed `getRemoteHistoryMessages`);
/// the messages are stored locally too and returned as stored, in ascending `sentTime` order.
/// 33003 for a count outside 1–100 or a negative timestamp.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetRemoteHistoryMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// Cursor in ms; 0 = from the latest.
    pub timestamp: i64,
    /// Page size, 1–100.
    pub count: usize,
    /// 0 older than the cursor, 1 newer.
    pub order: HistoryOrder,
}

impl Operation for GetRemoteHistoryMessages {
    const METHOD: &'static str = "getRemoteHistoryMessages";
    type Output = super::HistoryPage;

    async fn run(self, client: ImClient) -> ImResult<super::HistoryPage> {
        client
            .get_remote_history_messages(
                self.conversation_type,
                &self.target_id,
                self.timestamp,
                self.count,
                self.order,
            )
            .await
    }
}

/// The conversation list the server keeps for this user, merged into the local list (each
/// conversation's latest message is stored and the conversation shown); resolves to the local
/// list afterwards, at most `count` (1–1000).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetRemoteConversationList {
    /// At most this many, 1–1000.
    pub count: usize,
}

impl Operation for GetRemoteConversationList {
    const METHOD: &'static str = "getRemoteConversationList";
    type Output = Vec<Conversation>;

    async fn run(self, client: ImClient) -> ImResult<Vec<Conversation>> {
        client.get_remote_conversation_list(self.count).await
    }
}

/// Deletes 1–100 messages of a conversation from the server's cloud history of this user and
/// from the local database (seed `deleteRemoteMessages`).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteRemoteMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The messages, 1–100, each `{messageUId, sentTime, messageDirection}`.
    pub messages: Vec<RemoteMessageRef>,
}

impl Operation for DeleteRemoteMessages {
    const METHOD: &'static str = "deleteRemoteMessages";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client
            .delete_remote_messages(self.conversation_type, &self.target_id, self.messages)
            .await
    }
}

/// Deletes a conversation's messages sent at or before `timestamp` (0 = all until now) from
/// the server's cloud history of this user and from the local database (seed
/// `clearRemoteHistoryMessages`). 33003 for a negative timestamp.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClearRemoteHistoryMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// Cutoff in ms; 0 = everything until now.
    pub timestamp: i64,
}

impl Operation for ClearRemoteHistoryMessages {
    const METHOD: &'static str = "clearRemoteHistoryMessages";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client
            .clear_remote_history_messages(self.conversation_type, &self.target_id, self.timestamp)
            .await
    }
}
