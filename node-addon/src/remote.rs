//! Calls the server answers: cloud history, the server's conversation list, and deletions
//! there. They need a connection (else they reject with 30001); what arrives is stored locally
//! and deletions apply to both.

use crate::{ImClient, convert};
use imcore::RemoteMessageRef;
use napi::Env;
use napi::bindgen_prelude::{Object, Unknown};
use napi_derive::napi;

#[napi]
impl ImClient {
    /// A page of the server's cloud history of a conversation: `timestamp` 0 = latest, `count`
    /// 1–100, `order` 0 older / 1 newer; messages as stored locally, ascending `sentTime`.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, timestamp: number, count: number, order: number",
        ts_return_type = "Promise<ImHistoryPage>"
    )]
    pub fn get_remote_history_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        timestamp: Unknown<'_>,
        count: Unknown<'_>,
        order: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::page(&conversation_type, &target_id, &timestamp, &count, &order),
            |core, (kind, target, page)| async move {
                core.get_remote_history_messages(
                    kind,
                    &target,
                    page.timestamp,
                    page.count,
                    page.order,
                )
                .await
            },
        )
    }

    /// The server's conversation list of this user, merged into the local one; resolves to the
    /// local list afterwards (at most `count`, 1–1000).
    #[napi(
        catch_unwind,
        ts_args_type = "count: number",
        ts_return_type = "Promise<ImConversation[]>"
    )]
    pub fn get_remote_conversation_list<'env>(
        &self,
        env: &'env Env,
        count: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::count(&count),
            |core, count| async move { core.get_remote_conversation_list(count).await },
        )
    }

    /// Deletes 1–100 messages of a conversation from the server's cloud history of this user
    /// and from the local database.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, messages: { messageUId: string; sentTime: number; messageDirection: number }[]",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete_remote_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        messages: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target) = convert::conversation(&conversation_type, &target_id)?;
                let json = convert::json_object(&messages, "messages")?;
                Ok((kind, target, RemoteMessageRef::list_from_value(json)?))
            },
            |core, (kind, target, messages)| async move {
                core.delete_remote_messages(kind, &target, messages).await
            },
        )
    }

    /// Deletes a conversation's messages sent at or before `timestamp` (ms; 0 = all until now)
    /// from the server's cloud history of this user and from the local database.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, timestamp: number",
        ts_return_type = "Promise<void>"
    )]
    pub fn clear_remote_history_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        timestamp: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::until(&conversation_type, &target_id, &timestamp),
            |core, (kind, target, timestamp)| async move {
                core.clear_remote_history_messages(kind, &target, timestamp)
                    .await
            },
        )
    }
}
