//! `imcore` for Node.js: a napi-rs shell over [`imcore::ImClient`].
//!
//! The shell only converts types, threads and errors; every IM rule (validation, defaults,
//! status codes) lives in core. Threads: synchronous methods run on the JS thread and do no I/O;
//! asynchronous methods run core futures on the core client's own runtime and settle their
//! Promise on the JS thread; events are drained by a dedicated thread (see [`events`]) and
//! delivered to the listener on the JS thread. Errors are JS `Error`s whose `code` is the seed's
//! numeric status code (`33001` not initialised, `33003` bad parameter, …).

#![deny(clippy::all)]

mod convert;
mod events;
mod promise;

use events::{Dispatcher, Listener};
use imcore::{ConnectionStatus, HistoryOrder, ImError, ImResult, InitOptions, MessageContent};
use napi::CleanupEnvHook;
use napi::bindgen_prelude::{Object, ObjectFinalize, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// State shared by the JS object and the environment cleanup hook.
struct Shared {
    core: imcore::ImClient,
    listener: Arc<Listener>,
    dispatcher: Mutex<Option<Dispatcher>>,
    /// Set once the environment cleanup hook ran (the hook handle is then gone).
    torn_down: AtomicBool,
}

impl Shared {
    /// Starts the dispatcher when the client is initialised and a listener is set.
    fn ensure_dispatcher(&self) -> ImResult<()> {
        let mut dispatcher = self.dispatcher.lock().unwrap_or_else(|p| p.into_inner());
        if dispatcher.is_some() || !self.listener.is_set() {
            return Ok(());
        }
        let Ok(queue) = self.core.events() else {
            return Ok(());
        };
        let started = Dispatcher::start(queue, Arc::clone(&self.listener))
            .map_err(|e| ImError::new(imcore::code::UNKNOWN, format!("event thread: {e}")))?;
        *dispatcher = Some(started);
        Ok(())
    }

    fn stop_dispatcher(&self) {
        let dispatcher = self
            .dispatcher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(dispatcher) = dispatcher {
            dispatcher.stop();
        }
    }

    /// Stops event delivery, releases the listener and destroys the core client (idempotent).
    fn shutdown(&self) {
        self.stop_dispatcher();
        self.listener.clear();
        self.core.destroy();
    }
}

/// An IM client. Create it, `init` it once, set a listener, then `connect`.
///
/// Errors thrown or rejected by its methods are `Error`s with a numeric `code`
/// (seed status code, e.g. `33003` bad parameter, `33001` not initialised, `30001` not connected).
#[napi(custom_finalize)]
pub struct ImClient {
    shared: Arc<Shared>,
    cleanup_hook: Option<CleanupEnvHook<Weak<Shared>>>,
}

/// Throws `result`'s error as a JS error with a numeric `code`.
impl ImClient {
    /// A Promise for a call keyed by a conversation: converts its type and target id.
    fn for_conversation<'env, T, F>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        call: impl FnOnce(imcore::ImClient, imcore::ConversationType, String) -> F,
    ) -> napi::Result<Object<'env>>
    where
        T: serde::Serialize + Send + 'static,
        F: std::future::Future<Output = ImResult<T>> + Send + 'static,
    {
        match convert::conversation(&conversation_type, &target_id) {
            Ok((kind, target)) => {
                let task = call(self.shared.core.clone(), kind, target);
                promise::spawn(env, &self.shared.core, None, task)
            }
            Err(e) => promise::rejected(env, e),
        }
    }
}

fn throw<T>(env: &Env, result: ImResult<T>) -> napi::Result<T> {
    result.map_err(|e| convert::js_error(env, e))
}

#[napi]
impl ImClient {
    /// A client that is not initialised yet.
    #[napi(constructor)]
    pub fn new(env: Env) -> napi::Result<Self> {
        let shared = Arc::new(Shared {
            core: imcore::ImClient::new(),
            listener: Arc::new(Listener::default()),
            dispatcher: Mutex::new(None),
            torn_down: AtomicBool::new(false),
        });
        // Electron reloads and worker exits tear the environment down without `destroy()`:
        // stop the event thread and close the listener before Node frees them.
        let hook = env.add_env_cleanup_hook(Arc::downgrade(&shared), |shared| {
            if let Some(shared) = shared.upgrade() {
                shared.torn_down.store(true, Ordering::Release);
                shared.shutdown();
            }
        })?;
        Ok(ImClient {
            shared,
            cleanup_hook: Some(hook),
        })
    }

    /// Initialises the client (synchronous, no I/O); allowed once until `destroy()`.
    #[napi(
        catch_unwind,
        ts_args_type = "appKey: string, options: { navi: string; dbPath: string; logLevel?: number; logToHost?: boolean; requestTimeoutMs?: number; heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number; platform?: number }"
    )]
    pub fn init(&self, env: Env, app_key: Unknown<'_>, options: Unknown<'_>) -> napi::Result<()> {
        let result = (|| {
            let app_key = convert::string(&app_key, "appKey")?;
            let options = convert::json_object(&options, "options")?;
            let options = InitOptions::from_json(&options.to_string())?;
            self.shared.core.init(&app_key, options)?;
            self.shared.ensure_dispatcher()
        })();
        throw(&env, result)
    }

    /// Sets the event listener, replacing the previous one; `null` removes it. Events are plain
    /// objects: `{type:'connectionStatus', status, code}`, `{type:'message', message}`,
    /// `{type:'pullOfflineFinished'}`, `{type:'log', level, content}`, `{type:'eventsDropped', count}`.
    /// The listener does not keep Node alive by itself; it does while a connection is wanted
    /// (from `connect()` until `disconnect()`, `logout()`, `destroy()` or a failed connect).
    #[napi(
        catch_unwind,
        ts_args_type = "callback: ((event: ImEvent) => void) | null"
    )]
    pub fn set_listener(&self, env: Env, callback: Unknown<'_>) -> napi::Result<()> {
        let result = match callback.get_type().unwrap_or(ValueType::Unknown) {
            ValueType::Function => self
                .shared
                .listener
                .set(&env, &callback)
                .map_err(|e| ImError::invalid(format!("callback: {}", e.reason)))
                .and_then(|()| self.shared.ensure_dispatcher()),
            ValueType::Null | ValueType::Undefined => {
                self.shared.stop_dispatcher();
                self.shared.listener.clear();
                Ok(())
            }
            _ => Err(ImError::invalid("`callback` must be a function or null")),
        };
        throw(&env, result)
    }

    /// Connects with `token`; resolves to the token's user id.
    #[napi(
        catch_unwind,
        ts_args_type = "token: string",
        ts_return_type = "Promise<string>"
    )]
    pub fn connect<'env>(&self, env: &'env Env, token: Unknown<'_>) -> napi::Result<Object<'env>> {
        let token = match convert::string(&token, "token") {
            Ok(token) => token,
            Err(e) => return promise::rejected(env, e),
        };
        self.shared.listener.set_keep_alive(env, true);
        let client = self.shared.core.clone();
        let after = self.after_connect();
        promise::spawn(env, &self.shared.core, Some(after), async move {
            client.connect(&token).await
        })
    }

    /// Connects again with the last token, after `disconnect()`; resolves to the user id.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn reconnect<'env>(&self, env: &'env Env) -> napi::Result<Object<'env>> {
        self.shared.listener.set_keep_alive(env, true);
        let client = self.shared.core.clone();
        let after = self.after_connect();
        promise::spawn(env, &self.shared.core, Some(after), async move {
            client.reconnect().await
        })
    }

    /// Disconnects; messages sent meanwhile arrive on the next connect.
    #[napi(catch_unwind)]
    pub fn disconnect(&self, env: Env) -> napi::Result<()> {
        self.shared.listener.set_keep_alive(&env, false);
        throw(&env, self.shared.core.disconnect())
    }

    /// Disconnects and closes the user's database.
    #[napi(catch_unwind)]
    pub fn logout(&self, env: Env) -> napi::Result<()> {
        self.shared.listener.set_keep_alive(&env, false);
        throw(&env, self.shared.core.logout())
    }

    /// The connection status (0 connected, 1 connecting, 2 disconnected, …).
    #[napi(catch_unwind)]
    pub fn get_connection_status(&self, env: Env) -> napi::Result<i32> {
        throw(&env, self.shared.core.connection_status().map(i32::from))
    }

    /// The connected user's id, or `null`.
    #[napi(catch_unwind)]
    pub fn get_current_user_id(&self, env: Env) -> napi::Result<Option<String>> {
        throw(&env, self.shared.core.current_user_id())
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
        let args = (|| {
            let (conversation_type, target_id) =
                convert::conversation(&conversation_type, &target_id)?;
            let content = MessageContent::from_value(convert::json_object(&message, "message")?)?;
            Ok::<_, ImError>((conversation_type, target_id, content))
        })();
        let (conversation_type, target_id, content) = match args {
            Ok(args) => args,
            Err(e) => return promise::rejected(env, e),
        };
        let client = self.shared.core.clone();
        promise::spawn(env, &self.shared.core, None, async move {
            client
                .send_message(conversation_type, &target_id, content)
                .await
        })
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
        let message_id = match convert::integer(&message_id, "messageId") {
            Ok(id) => id,
            Err(e) => return promise::rejected(env, e),
        };
        let client = self.shared.core.clone();
        promise::spawn(env, &self.shared.core, None, async move {
            client.resend_message(message_id).await
        })
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
        let args = (|| {
            let (conversation_type, target_id) =
                convert::conversation(&conversation_type, &target_id)?;
            Ok::<_, ImError>((
                conversation_type,
                target_id,
                convert::string(&draft, "draft")?,
            ))
        })();
        let (conversation_type, target_id, draft) = match args {
            Ok(args) => args,
            Err(e) => return promise::rejected(env, e),
        };
        let client = self.shared.core.clone();
        promise::spawn(env, &self.shared.core, None, async move {
            client
                .save_text_message_draft(conversation_type, &target_id, &draft)
                .await
        })
    }

    /// The text draft of a conversation, `''` when there is none.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string",
        ts_return_type = "Promise<string>"
    )]
    pub fn get_text_message_draft<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.for_conversation(env, conversation_type, target_id, |client, kind, target| async move {
            client.get_text_message_draft(kind, &target).await
        })
    }

    /// Removes the text draft of a conversation.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn clear_text_message_draft<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        self.for_conversation(env, conversation_type, target_id, |client, kind, target| async move {
            client.clear_text_message_draft(kind, &target).await
        })
    }

    /// A page of local history: `timestamp` 0 = latest, `count` 1–20, `order` 0 older / 1 newer.
    #[napi(
        catch_unwind,
        ts_args_type = "conversationType: number, targetId: string, timestamp: number, count: number, order: number",
        ts_return_type = "Promise<{ list: ImMessage[]; hasMore: boolean }>"
    )]
    pub fn get_history_messages<'env>(
        &self,
        env: &'env Env,
        conversation_type: Unknown<'_>,
        target_id: Unknown<'_>,
        timestamp: Unknown<'_>,
        count: Unknown<'_>,
        order: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        let args = (|| {
            let (conversation_type, target_id) =
                convert::conversation(&conversation_type, &target_id)?;
            let timestamp = convert::integer(&timestamp, "timestamp")?;
            // Out-of-range counts become 0 so that core reports its own range error.
            let count = usize::try_from(convert::integer(&count, "count")?).unwrap_or(0);
            let order = HistoryOrder::try_from(convert::int32(&order, "order")?)?;
            Ok::<_, ImError>((conversation_type, target_id, timestamp, count, order))
        })();
        let (conversation_type, target_id, timestamp, count, order) = match args {
            Ok(args) => args,
            Err(e) => return promise::rejected(env, e),
        };
        let client = self.shared.core.clone();
        promise::spawn(env, &self.shared.core, None, async move {
            client
                .get_history_messages(conversation_type, &target_id, timestamp, count, order)
                .await
        })
    }

    /// Disconnects, stops the event thread, releases the listener and the engine. Pending
    /// Promises are rejected (never left pending); no listener call happens after this returns.
    /// The client may be `init`ed again.
    #[napi(catch_unwind)]
    pub fn destroy(&self, env: Env) -> napi::Result<()> {
        self.shared.listener.set_keep_alive(&env, false);
        self.shared.shutdown();
        Ok(())
    }
}

impl ImClient {
    /// After a connect: if it failed and the engine gave up, stop keeping Node alive.
    fn after_connect(&self) -> promise::AfterHook {
        let shared = Arc::downgrade(&self.shared);
        Box::new(move |env, result| {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let wanted = matches!(
                shared.core.connection_status(),
                Ok(ConnectionStatus::Connected | ConnectionStatus::Connecting)
            );
            if result.is_err() && !wanted {
                shared.listener.set_keep_alive(env, false);
            }
        })
    }
}

impl ObjectFinalize for ImClient {
    /// Garbage collection or environment teardown: release everything.
    fn finalize(mut self, env: Env) -> napi::Result<()> {
        if let Some(hook) = self.cleanup_hook.take()
            && !self.shared.torn_down.load(Ordering::Acquire)
        {
            let _ = env.remove_env_cleanup_hook(hook);
        }
        self.shared.shutdown();
        Ok(())
    }
}
