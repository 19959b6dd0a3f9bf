//! Text drafts of conversations, kept in the user's database (seed §2.7).

use super::ImClient;
use crate::api::Operation;
use crate::conversation::ConversationKey;
use crate::enums::ConversationType;
use crate::error::ImResult;
use serde::Deserialize;
use ts_rs::TS;

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
