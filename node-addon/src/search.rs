//! Keyword search over the local full-text index.

use crate::{ImClient, convert};
use napi::Env;
use napi::bindgen_prelude::{Object, Unknown};
use napi_derive::napi;

#[napi]
impl ImClient {
    /// Conversations of `types` (`null` or omitted = all) whose messages contain `keyword`
    /// (1–256 characters, not only spaces), each with `matchCount`.
    #[napi(
        catch_unwind,
        ts_args_type = "keyword: string, types?: number[] | null",
        ts_return_type = "Promise<ImConversation[]>"
    )]
    pub fn search_conversation_by_content<'env>(
        &self,
        env: &'env Env,
        keyword: Unknown<'_>,
        types: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                Ok((
                    convert::string(&keyword, "keyword")?,
                    convert::types(&types)?,
                ))
            },
            |core, (keyword, types)| async move {
                core.search_conversation_by_content(&keyword, types).await
            },
        )
    }

    /// Messages of one conversation containing `keyword`, sent before `timestamp` (ms; 0 = from
    /// the latest), newest first, at most `count` (1–100).
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, keyword: string, timestamp: number, count: number",
        ts_return_type = "Promise<ImMessage[]>"
    )]
    pub fn search_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        keyword: Unknown<'_>,
        timestamp: Unknown<'_>,
        count: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.promise(
            env,
            || {
                let (kind, target, timestamp) =
                    convert::until(&conversation_type, &target_id, &timestamp)?;
                let keyword = convert::string(&keyword, "keyword")?;
                Ok((kind, target, keyword, timestamp, convert::count(&count)?))
            },
            |core, (kind, target, keyword, timestamp, count)| async move {
                core.search_messages(kind, &target, &keyword, timestamp, count)
                    .await
            },
        )
    }
}
