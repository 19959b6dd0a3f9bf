//! Deleting messages: from the local database (seed `deleteMessages`, `clearHistoryMessages`)
//! or from the server's cloud history of this user and the local database
//! (`deleteRemoteMessages`, `clearRemoteHistoryMessages`).

use super::ask::ask;
use super::{ImClient, connected, run};
use crate::api::Operation;
use crate::enums::ConversationType;
use crate::error::{ImError, ImResult};
use crate::message::{MessageRef, RemoteMessageRef, validate_target_id, validate_timestamp};
use crate::store::deletions;
use improto::request::Body as Ask;
use serde::Deserialize;
use ts_rs::TS;

pub use improto::limits::MAX_DELETE_COUNT;

impl ImClient {
    /// Deletes 1–100 messages from the local database by id (seed `deleteMessages`); resolves
    /// to how many existed. Conversations show their latest remaining message afterwards.
    pub async fn delete_messages(&self, message_ids: Vec<i64>) -> ImResult<usize> {
        self.ensure_initialized()?;
        if message_ids.is_empty() || message_ids.len() > MAX_DELETE_COUNT {
            return Err(ImError::invalid(format!(
                "messageIds must hold 1–{MAX_DELETE_COUNT} ids"
            )));
        }
        let which: Vec<MessageRef> = message_ids.into_iter().map(MessageRef::Id).collect();
        self.on_store(move |conn| deletions::delete(conn, &which))
            .await
    }

    /// Deletes a conversation's local messages sent at or before `timestamp` (0 = all; seed
    /// `clearHistoryMessages`); resolves to how many were deleted.
    pub async fn clear_history_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        timestamp: i64,
    ) -> ImResult<usize> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        validate_timestamp(timestamp)?;
        let target_id = target_id.to_owned();
        self.on_store(move |conn| {
            deletions::clear_history(conn, conversation_type, &target_id, timestamp)
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
                .call(move |conn| deletions::delete(conn, &which))
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
                    deletions::clear_history(conn, conversation_type, &target_id, timestamp)
                })
                .await?;
            Ok(())
        })
        .await
    }
}

/// Deletes 1–100 messages of the local database by local id (seed `deleteMessages`);
/// resolves to how many existed. Conversations show their latest remaining message afterwards.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteMessages {
    /// Local ids, 1–100.
    pub message_ids: Vec<i64>,
}

impl Operation for DeleteMessages {
    const METHOD: &'static str = "deleteMessages";
    type Output = usize;

    async fn run(self, client: ImClient) -> ImResult<usize> {
        client.delete_messages(self.message_ids).await
    }
}

/// Deletes a conversation's local messages sent at or before `timestamp` (0 = all; seed
/// `clearHistoryMessages`); resolves to how many were deleted. 33003 for a negative timestamp.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClearHistoryMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// Cutoff in ms; 0 = everything.
    pub timestamp: i64,
}

impl Operation for ClearHistoryMessages {
    const METHOD: &'static str = "clearHistoryMessages";
    type Output = usize;

    async fn run(self, client: ImClient) -> ImResult<usize> {
        client
            .clear_history_messages(self.conversation_type, &self.target_id, self.timestamp)
            .await
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
