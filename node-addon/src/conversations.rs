//! The conversation list, conversation status, unread counts and drafts, read from and written
//! to the user's database. `types` arguments are arrays of conversation types such as `[1, 3]`,
//! or `null` for every type.

use crate::{ImClient, convert};
use imcore::{ConversationStatusItem, ImError};
use napi::Env;
use napi::bindgen_prelude::{Object, Unknown};
use napi_derive::napi;

#[napi]
impl ImClient {
    /// The conversation list: conversations of `types` (`null` = all), pinned first, then
    /// latest first, at most `count` (1–1000).
    #[napi(
        catch_unwind,
        ts_args_type = "types: number[] | null, count: number",
        ts_return_type = "Promise<ImConversation[]>"
    )]
    pub fn get_conversation_list<'env>(
        &self,
        env: &'env Env,
        types: Unknown<'_>,
        count: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || Ok((convert::types(&types)?, convert::count(&count)?)),
            |core, (types, count)| async move { core.get_conversation_list(types, count).await },
        )
    }

    /// Removes every conversation of `types` (`null` or omitted = all) from the list, here and
    /// (when connected) on the server; resolves to how many were removed.
    #[napi(
        catch_unwind,
        ts_args_type = "types?: number[] | null",
        ts_return_type = "Promise<number>"
    )]
    pub fn clear_conversations<'env>(
        &self,
        env: &'env Env,
        types: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::types(&types),
            |core, types| async move { core.clear_conversations(types).await },
        )
    }

    /// Pins/unpins (`isTop`) or mutes/unmutes (`notificationStatus` 1 do not disturb, 2 notify)
    /// a conversation; absent fields stay as they are. The status is the user's on every
    /// device (the others get a `conversationStatus` event): at once when connected, else from
    /// the next connection.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, status: { isTop?: boolean; notificationStatus?: number }",
        ts_return_type = "Promise<void>"
    )]
    pub fn set_conversation_status<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        status: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target) = convert::conversation(&conversation_type, &target_id)?;
                let json = convert::json_object(&status, "status")?;
                Ok((
                    kind,
                    target,
                    ConversationStatusItem::from_json(&json.to_string())?,
                ))
            },
            |core, (kind, target, status)| async move {
                core.set_conversation_status(kind, &target, status).await
            },
        )
    }

    /// Total unread count over `types` (`null` or omitted = all); do-not-disturb conversations
    /// count only when `includeMuted` (omitted = `false`, the seed's default).
    #[napi(
        catch_unwind,
        ts_args_type = "types?: number[] | null, includeMuted?: boolean",
        ts_return_type = "Promise<number>"
    )]
    pub fn get_total_unread_count<'env>(
        &self,
        env: &'env Env,
        types: Unknown<'_>,
        include_muted: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let include_muted = convert::optional_bool(&include_muted, "includeMuted")?;
                Ok((convert::types(&types)?, include_muted.unwrap_or(false)))
            },
            |core, (types, include_muted)| async move {
                core.get_total_unread_count(types, include_muted).await
            },
        )
    }

    /// Unread count over `types` (required), muted conversations included.
    #[napi(
        catch_unwind,
        ts_args_type = "types: number[]",
        ts_return_type = "Promise<number>"
    )]
    pub fn get_conversation_unread_count<'env>(
        &self,
        env: &'env Env,
        types: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::types(&types)?.ok_or_else(|| ImError::invalid("`types` must be an array")),
            |core, types| async move { core.get_conversation_unread_count(types).await },
        )
    }

    /// Clears every conversation's unread count and @-mentions.
    #[napi(catch_unwind, ts_return_type = "Promise<void>")]
    pub fn clear_all_unread_count<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || Ok(()),
            |core, ()| async move { core.clear_all_unread_count().await },
        )
    }

    /// Saves the text draft of a conversation (kept in the user's database across restarts).
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, draft: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn save_text_message_draft<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        draft: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target) = convert::conversation(&conversation_type, &target_id)?;
                Ok((kind, target, convert::string(&draft, "draft")?))
            },
            |core, (kind, target, draft)| async move {
                core.save_text_message_draft(kind, &target, &draft).await
            },
        )
    }
}

/// Declares `ImClient` methods `(conversationType, targetId)` that call the core method of the
/// same name with the converted key. Docs are string literals, one per line: napi-derive reads
/// plain literals, not the raw ones `///` becomes inside a macro invocation.
macro_rules! keyed_by_conversation {
    ($($name:ident -> $returns:literal { $($doc:literal)+ })+) => {
        #[napi]
        impl ImClient {
            $(
                $(#[doc = $doc])+
                #[napi(
                    catch_unwind,
                    ts_args_type = "conversationType: number, targetId: string",
                    ts_return_type = $returns
                )]
                pub fn $name<'env>(
                    &self,
                    env: &'env Env,
                    conversation_type: Unknown<'_>,
                    target_id: Unknown<'_>,
                ) -> napi::Result<Object<'env>> {
                    self.for_conversation(env, conversation_type, target_id, |core, kind, target| {
                        async move { core.$name(kind, &target).await }
                    })
                }
            )+
        }
    };
}

keyed_by_conversation! {
    get_conversation -> "Promise<ImConversation | null>" {
        "One conversation, `null` if it never had a message or a status."
    }
    remove_conversation -> "Promise<boolean>" {
        "Removes a conversation from the list until a new message arrives in it, here and (when"
        "connected) on the server; its messages stay. Resolves to whether it was listed."
    }
    get_unread_count -> "Promise<number>" {
        "Unread count of one conversation."
    }
    clear_unread_count -> "Promise<boolean>" {
        "Clears the unread count and @-mentions of one conversation; resolves to whether anything"
        "was unread."
    }
    get_text_message_draft -> "Promise<string>" {
        "The text draft of a conversation, `''` when there is none."
    }
    clear_text_message_draft -> "Promise<void>" {
        "Removes the text draft of a conversation."
    }
}
