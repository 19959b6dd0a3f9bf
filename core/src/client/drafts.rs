//! Text drafts of conversations, kept in the user's database (seed §2.7).

use super::ImClient;
use crate::api::Operation;
use crate::conversation::{ConversationKey, Draft};
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::message::{validate_count, validate_target_id};
use crate::store;
use serde::Deserialize;
use ts_rs::TS;

pub use improto::limits::MAX_DRAFTS_PAGE;

impl ImClient {
    /// One page of every saved draft (not in the seed: apps and the RongIMLib facade load
    /// their draft cache with it): at most `count` (1–100) in key order, those after the
    /// conversation `after` only when given. A page shorter than `count` is the last.
    pub async fn get_text_message_drafts(
        &self,
        after: Option<ConversationKey>,
        count: usize,
    ) -> ImResult<Vec<Draft>> {
        self.ensure_initialized()?;
        validate_count(count, MAX_DRAFTS_PAGE)?;
        if let Some(key) = &after {
            validate_target_id(&key.target_id)?;
        }
        let after = after.as_ref();
        self.read_store(|conn| {
            store::drafts::page(
                conn,
                after.map(|k| (k.conversation_type, k.target_id.as_str())),
                count,
            )
        })
    }
}

/// Saves the text draft of a conversation (seed `saveTextMessageDraft`); drafts live in the
/// user's database and survive restarts. 33003 for a draft over 128 KB.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveTextMessageDraft {
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Conversation id.
    pub target_id: String,
    /// The draft text.
    pub draft: String,
}

impl Operation for SaveTextMessageDraft {
    const METHOD: &'static str = "saveTextMessageDraft";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        client
            .save_text_message_draft(self.conversation_type, &self.target_id, &self.draft)
            .await
    }
}

/// The text draft of a conversation, `""` when none (seed `getTextMessageDraft`).
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct GetTextMessageDraft(pub ConversationKey);

impl Operation for GetTextMessageDraft {
    const METHOD: &'static str = "getTextMessageDraft";
    type Output = String;

    async fn run(self, client: ImClient) -> ImResult<String> {
        let key = self.0;
        client
            .get_text_message_draft(key.conversation_type, &key.target_id)
            .await
    }
}

/// Removes the text draft of a conversation (seed `clearTextMessageDraft`).
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct ClearTextMessageDraft(pub ConversationKey);

impl Operation for ClearTextMessageDraft {
    const METHOD: &'static str = "clearTextMessageDraft";
    type Output = ();

    async fn run(self, client: ImClient) -> ImResult<()> {
        let key = self.0;
        client
            .clear_text_message_draft(key.conversation_type, &key.target_id)
            .await
    }
}

/// One page of every saved draft, in key order (conversation type, then id): at most `count`
/// (1–100, else 33003), those after the conversation `after` only when given; pass the last
/// entry of a full page as `after` for the next one.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct GetTextMessageDrafts {
    /// At most this many, 1–100.
    pub count: usize,
    /// Start after this conversation; absent or `null` for the first page.
    pub after: Option<ConversationKey>,
}

impl Operation for GetTextMessageDrafts {
    const METHOD: &'static str = "getTextMessageDrafts";
    type Output = Vec<Draft>;

    async fn run(self, client: ImClient) -> ImResult<Vec<Draft>> {
        client.get_text_message_drafts(self.after, self.count).await
    }
}
