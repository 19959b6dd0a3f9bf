//! History pages of a conversation: from the local database, completed from the server's
//! cloud history (seed `getHistoryMessages`, `getRemoteHistoryMessages`); what the server
//! returns is stored locally.

use super::ask::{ask, unexpected_answer};
use super::{ImClient, connected, run, user_store};
use crate::api::{Operation, json};
use crate::engine::Engine;
use crate::enums::{ConversationType, HistoryOrder};
use crate::error::{ImError, ImResult};
use crate::message::{Message, validate_count, validate_target_id, validate_timestamp};
use crate::session::incoming_from_wire;
use crate::store::{HistoryQuery, IncomingMessage, history, received};
use improto::request::Body as Ask;
use improto::response::Body as Answer;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use improto::limits::{MAX_HISTORY_COUNT, MAX_REMOTE_HISTORY_COUNT};

/// One page of history (seed: `onSuccess(list, hasMsg)`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ImHistoryPage")]
pub struct HistoryPage {
    /// Messages in ascending `sentTime` order.
    pub list: Vec<Message>,
    /// Whether more messages exist beyond this page in the direction of the query.
    pub has_more: bool,
}

impl ImClient {
    /// A page of a conversation's history (seed `getHistoryMessages`): from the local database
    /// first; when it runs out while paging to older messages and the client is connected,
    /// the page is completed from the server's cloud history, which is stored locally, so
    /// paging goes on without gaps or duplicates. If the server cannot answer, the local page
    /// is returned (and the failure logged).
    ///
    /// `timestamp` 0 means "from the latest"; `count` is 1–20; `order` 0 pages to older
    /// messages, 1 to newer ones; `object_name` keeps only messages of that type (the seed's
    /// desktop-only filter: such pages come from the local database alone). `list` is in
    /// ascending `sentTime` order.
    pub async fn get_history_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        timestamp: i64,
        count: usize,
        order: HistoryOrder,
        object_name: Option<&str>,
    ) -> ImResult<HistoryPage> {
        let engine = self.engine()?;
        validate_target_id(target_id)?;
        validate_count(count, MAX_HISTORY_COUNT)?;
        validate_timestamp(timestamp)?;
        if object_name.is_some_and(|name| {
            name.is_empty() || name.len() > crate::message_types::MAX_OBJECT_NAME_BYTES
        }) {
            return Err(ImError::invalid("objectName must be 1–32 bytes"));
        }
        let query = HistoryQuery {
            conversation_type,
            target_id: target_id.to_owned(),
            timestamp,
            count,
            order,
            object_name: object_name.map(str::to_owned),
        };
        let (mut list, has_more) =
            user_store(&engine)?.read(|conn| history::history(conn, &query))?;
        let short = count - list.len();
        let local_only = order == HistoryOrder::Newer || query.object_name.is_some();
        if short == 0 || local_only || connected(&engine).is_err() {
            return Ok(HistoryPage { list, has_more });
        }
        let target_id = query.target_id;
        run(&engine.runtime.clone(), async move {
            let oldest = list.first().map_or(timestamp, |m| m.sent_time);
            let remote = fetch_history(
                &engine,
                conversation_type,
                &target_id,
                oldest,
                short,
                HistoryOrder::Older,
            )
            .await;
            match remote {
                Ok((older, has_more)) => {
                    list.splice(0..0, older);
                    Ok(HistoryPage { list, has_more })
                }
                Err(e) => {
                    // The local page stands; the next call asks the server again.
                    engine.log.warn(format!(
                        "cloud history unavailable ({}): {}",
                        e.code, e.message
                    ));
                    Ok(HistoryPage { list, has_more })
                }
            }
        })
        .await
    }

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
    ) -> ImResult<HistoryPage> {
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
            Ok(HistoryPage { list, has_more })
        })
        .await
    }
}

/// A page of cloud history, stored locally (no unread, no events) and returned as stored, in
/// ascending time order, with the server's `has_more`.
async fn fetch_history(
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
        .call(move |conn| received::store_history(conn, &batch, &me, false))
        .await?;
    list.sort_by_key(|m| (m.sent_time, m.message_id));
    Ok((list, page.has_more))
}

/// A page of a conversation's history (seed `getHistoryMessages`): from the local database
/// first; when it runs out while paging to older messages and the client is connected, the
/// page is completed from the server's cloud history (stored locally as it arrives), so paging
/// goes on without gaps or duplicates. `list` is in ascending `sentTime` order. 33003 for a
/// count outside 1–20, a negative timestamp or an empty `objectName`.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct GetHistoryMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// Cursor in ms; 0 = from the latest.
    pub timestamp: i64,
    /// Page size, 1–20.
    pub count: usize,
    /// 0 older than the cursor, 1 newer.
    pub order: HistoryOrder,
    /// Only messages of this ObjectName (the seed's desktop-only filter; such pages come from
    /// the local database alone).
    pub object_name: Option<String>,
}

impl Operation for GetHistoryMessages {
    const METHOD: &'static str = "getHistoryMessages";
    type Output = HistoryPage;

    fn answer(page: &HistoryPage) -> ImResult<String> {
        Ok(json::to_string(page))
    }

    async fn run(self, client: ImClient) -> ImResult<HistoryPage> {
        client
            .get_history_messages(
                self.conversation_type,
                &self.target_id,
                self.timestamp,
                self.count,
                self.order,
                self.object_name.as_deref(),
            )
            .await
    }
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
    type Output = HistoryPage;

    fn answer(page: &HistoryPage) -> ImResult<String> {
        Ok(json::to_string(page))
    }

    async fn run(self, client: ImClient) -> ImResult<HistoryPage> {
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
