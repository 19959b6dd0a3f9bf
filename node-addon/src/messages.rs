//! Messages: sending, history, and the messages of the local database.

use crate::{ImClient, convert};
use imcore::{InsertMessage, MessageContent, MessageTag, SentStatus};
use napi::Env;
use napi::bindgen_prelude::{Object, Unknown};
use napi_derive::napi;

#[napi]
impl ImClient {
    /// Registers a custom message type for every client of the process (the seed's static
    /// `RongIMClient.registerMessageType`; call it before connecting): `messageType` is its class
    /// name, `objectName` its wire name (not `RC:`…), `messageTag` says whether it is counted as
    /// unread and stored, `searchProps` which content fields are searchable.
    #[napi(
        catch_unwind,
        ts_args_type = "messageType: string, objectName: string, messageTag: { isCounted: boolean; isPersited: boolean }, searchProps?: string[]"
    )]
    pub fn register_message_type(
        env: Env,
        message_type: Unknown<'_>,
        object_name: Unknown<'_>,
        message_tag: Unknown<'_>,
        search_props: Unknown<'_>,
    ) -> napi::Result<()> {
        let registered = (|| {
            let fields: Option<Vec<String>> = convert::optional(&search_props, "searchProps")?;
            imcore::ImClient::register_message_type(
                &convert::string(&message_type, "messageType")?,
                &convert::string(&object_name, "objectName")?,
                convert::parsed::<MessageTag>(&message_tag, "messageTag")?,
                &fields.unwrap_or_default(),
            )
        })();
        crate::throw(&env, registered)
    }

    /// Sends a message such as `{objectName: 'RC:TxtMsg', content: {content: 'hi'}}`; resolves
    /// to the stored message once the server acknowledged it.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, message: { objectName?: string; messageType?: string; content: Record<string, unknown> }",
        ts_return_type = "Promise<ImMessage>"
    )]
    pub fn send_message<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        message: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target) = convert::conversation(&conversation_type, &target_id)?;
                let content =
                    MessageContent::from_value(convert::json_object(&message, "message")?)?;
                Ok((kind, target, content))
            },
            |core, (kind, target, content)| async move {
                core.send_message(kind, &target, content).await
            },
        )
    }

    /// Sends a FAILED message (by `messageId`) again under its original idempotency key, so the
    /// receiver gets it once; resolves to the message, now SENT.
    #[napi(
        catch_unwind,
        ts_args_type = "messageId: number",
        ts_return_type = "Promise<ImMessage>"
    )]
    pub fn resend_message<'env>(
        &self,
        env: &'env Env,
        message_id: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::integer(&message_id, "messageId"),
            |core, id| async move { core.resend_message(id).await },
        )
    }

    /// A page of history, local first, completed from the server's cloud history when
    /// connected: `timestamp` 0 = latest, `count` 1–20, `order` 0 older / 1 newer; with
    /// `objectName`, only messages of that type, from the local database alone.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, timestamp: number, count: number, order: number, objectName?: string",
        ts_return_type = "Promise<ImHistoryPage>"
    )]
    #[allow(clippy::too_many_arguments)] // the seed's JS signature, one value per argument
    pub fn get_history_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        timestamp: Unknown<'_>,
        count: Unknown<'_>,
        order: Unknown<'_>,
        object_name: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let page =
                    convert::page(&conversation_type, &target_id, &timestamp, &count, &order)?;
                Ok((page, convert::optional_string(&object_name, "objectName")?))
            },
            |core, ((kind, target, page), object_name)| async move {
                core.get_history_messages(
                    kind,
                    &target,
                    page.timestamp,
                    page.count,
                    page.order,
                    object_name.as_deref(),
                )
                .await
            },
        )
    }

    /// One message of the local database by local `messageId` (number) or server `messageUId`
    /// (string); resolves to `null` if it is not stored.
    #[napi(
        catch_unwind,
        ts_args_type = "message: number | string",
        ts_return_type = "Promise<ImMessage | null>"
    )]
    pub fn get_message<'env>(
        &self,
        env: &'env Env,
        message: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::message_ref(&message),
            |core, which| async move { core.get_message(which).await },
        )
    }

    /// Stores a message in a conversation without sending it (e.g. a tip); it never counts as
    /// unread. Resolves to the stored message.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, message: ImInsertMessage",
        ts_return_type = "Promise<ImMessage>"
    )]
    pub fn insert_message<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        message: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target) = convert::conversation(&conversation_type, &target_id)?;
                let json = convert::json_object(&message, "message")?;
                Ok((kind, target, InsertMessage::from_json(&json.to_string())?))
            },
            |core, (kind, target, message)| async move {
                core.insert_message(kind, &target, message).await
            },
        )
    }

    /// Replaces the content object of a stored message (≤ 128 KB); resolves to whether it
    /// exists.
    #[napi(
        catch_unwind,
        ts_args_type = "messageId: number, content: Record<string, unknown>",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn set_message_content<'env>(
        &self,
        env: &'env Env,
        message_id: Unknown<'_>,
        content: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let id = convert::integer(&message_id, "messageId")?;
                Ok((id, convert::json_object(&content, "content")?.to_string()))
            },
            |core, (id, content)| async move { core.set_message_content(id, &content).await },
        )
    }

    /// Sets the received-status flags of a stored message (READ 1, LISTENED 2, DOWNLOADED 4,
    /// RETRIEVED 8, MULTIPLERECEIVE 16); resolves to whether it exists.
    #[napi(
        catch_unwind,
        ts_args_type = "messageId: number, receivedStatus: number",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn set_message_received_status<'env>(
        &self,
        env: &'env Env,
        message_id: Unknown<'_>,
        received_status: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let id = convert::integer(&message_id, "messageId")?;
                Ok((id, convert::int32(&received_status, "receivedStatus")?))
            },
            |core, (id, status)| async move { core.set_message_received_status(id, status).await },
        )
    }

    /// Sets the sent status of a stored message (10 sending, 20 failed, 30 sent, 40 received,
    /// 50 read, 60 destroyed); resolves to whether it exists.
    #[napi(
        catch_unwind,
        ts_args_type = "messageId: number, sentStatus: number",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn set_message_sent_status<'env>(
        &self,
        env: &'env Env,
        message_id: Unknown<'_>,
        sent_status: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let id = convert::integer(&message_id, "messageId")?;
                Ok((
                    id,
                    SentStatus::try_from(convert::int32(&sent_status, "sentStatus")?)?,
                ))
            },
            |core, (id, status)| async move { core.set_message_sent_status(id, status).await },
        )
    }

    /// Deletes 1–100 messages of the local database by `messageId`; resolves to how many
    /// existed. Conversations show their latest remaining message afterwards.
    #[napi(
        catch_unwind,
        ts_args_type = "messageIds: number[]",
        ts_return_type = "Promise<number>"
    )]
    pub fn delete_messages<'env>(
        &self,
        env: &'env Env,
        message_ids: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || convert::parsed(&message_ids, "messageIds"),
            |core, ids| async move { core.delete_messages(ids).await },
        )
    }

    /// Deletes a conversation's local messages sent at or before `timestamp` (ms; 0 = all);
    /// resolves to how many were deleted.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, timestamp: number",
        ts_return_type = "Promise<number>"
    )]
    pub fn clear_history_messages<'env>(
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
                core.clear_history_messages(kind, &target, timestamp).await
            },
        )
    }
}
