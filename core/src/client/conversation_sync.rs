//! The user's conversations as the server keeps them for every device: its conversation list
//! (seed `getRemoteConversationList`), removals and statuses made here.

use super::ask::{ask, unexpected_answer};
use super::{ImClient, connected, run};
use crate::api::Operation;
use crate::conversation::{Conversation, ConversationStatusItem, MAX_CONVERSATION_COUNT};
use crate::engine::Engine;
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::validate_count;
use crate::session::{incoming_from_wire, synced_from_wire};
use crate::store::conversations::SyncedStatus;
use crate::store::{IncomingMessage, conversations, received};
use improto::request::Body as Ask;
use improto::response::Body as Answer;
use serde::Deserialize;
use ts_rs::TS;

impl ImClient {
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
                    received::store_history(conn, &batch, &me, true)?;
                    conversations::list(conn, None, count)
                })
                .await
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
