//! Keyword search over the local full-text index (seed `searchConversationByContent`, and
//! `searchMessages` of the desktop SDK).

use super::ImClient;
use crate::api::{Operation, json};
use crate::conversation::Conversation;
use crate::enums::ConversationType;
use crate::error::{ImError, ImResult};
use crate::message::{Message, validate_count, validate_target_id, validate_timestamp};
use crate::store::search;
use serde::Deserialize;
use ts_rs::TS;

/// Longest keyword accepted, in characters.
pub const MAX_KEYWORD_CHARS: usize = 256;
/// Largest page of `search_messages`.
pub const MAX_SEARCH_COUNT: usize = 100;

fn validate_keyword(keyword: &str) -> ImResult<()> {
    let chars = keyword.chars().count();
    if chars == 0 || chars > MAX_KEYWORD_CHARS || keyword.trim().is_empty() {
        return Err(ImError::invalid(format!(
            "keyword must be 1–{MAX_KEYWORD_CHARS} characters, not only spaces"
        )));
    }
    Ok(())
}

impl ImClient {
    /// Conversations of `types` (`None` = all) whose messages contain `keyword`, each with
    /// `matchCount`, pinned first, then latest first.
    pub async fn search_conversation_by_content(
        &self,
        keyword: &str,
        types: Option<Vec<ConversationType>>,
    ) -> ImResult<Vec<Conversation>> {
        self.ensure_initialized()?;
        validate_keyword(keyword)?;
        self.read_store(|conn| search::conversations(conn, keyword, types.as_deref()))
    }

    /// Messages of one conversation containing `keyword`, sent before `timestamp` (0 = from
    /// the latest), newest first, at most `count` (1–100).
    pub async fn search_messages(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        keyword: &str,
        timestamp: i64,
        count: usize,
    ) -> ImResult<Vec<Message>> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        validate_keyword(keyword)?;
        validate_count(count, MAX_SEARCH_COUNT)?;
        validate_timestamp(timestamp)?;
        self.read_store(|conn| {
            search::messages(
                conn,
                conversation_type,
                target_id,
                keyword,
                timestamp,
                count,
            )
        })
    }
}

/// Conversations of `types` (absent = all) whose messages contain `keyword` (1–256 characters,
/// not only spaces, else 33003), each with `matchCount`, pinned first, then latest first (seed
/// `searchConversationByContent`).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SearchConversationByContent {
    /// The text to find.
    pub keyword: String,
    /// Conversation types; absent or `null` for all.
    pub types: Option<Vec<ConversationType>>,
}

impl Operation for SearchConversationByContent {
    const METHOD: &'static str = "searchConversationByContent";
    type Output = Vec<Conversation>;

    async fn run(self, client: ImClient) -> ImResult<Vec<Conversation>> {
        client
            .search_conversation_by_content(&self.keyword, self.types)
            .await
    }
}

/// Messages of one conversation containing `keyword`, sent before `timestamp` (0 = from the
/// latest), newest first, at most `count` (1–100; seed `searchMessages` of the desktop SDK).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchMessages {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The text to find, 1–256 characters.
    pub keyword: String,
    /// Cursor in ms; 0 = from the latest.
    pub timestamp: i64,
    /// At most this many, 1–100.
    pub count: usize,
}

impl Operation for SearchMessages {
    const METHOD: &'static str = "searchMessages";
    type Output = Vec<Message>;

    fn answer(found: &Vec<Message>) -> ImResult<String> {
        Ok(json::to_string(found))
    }

    async fn run(self, client: ImClient) -> ImResult<Vec<Message>> {
        client
            .search_messages(
                self.conversation_type,
                &self.target_id,
                &self.keyword,
                self.timestamp,
                self.count,
            )
            .await
    }
}
