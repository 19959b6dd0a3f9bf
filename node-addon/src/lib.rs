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
use imcore::{ConnectionStatus, ImError, ImResult, InitOptions};
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

impl ImClient {
    /// A Promise of `call` on the core client with the arguments `args` converts; a conversion
    /// error rejects it without calling core.
    fn promise<'env, A, T, F>(
        &self,
        env: &'env Env,
        args: impl FnOnce() -> ImResult<A>,
        call: impl FnOnce(imcore::ImClient, A) -> F,
    ) -> napi::Result<Object<'env>>
    where
        T: serde::Serialize + Send + 'static,
        F: std::future::Future<Output = ImResult<T>> + Send + 'static,
    {
        match args() {
            Ok(args) => {
                let task = call(self.shared.core.clone(), args);
                promise::spawn(env, &self.shared.core, None, task)
            }
            Err(e) => promise::rejected(env, e),
        }
    }

    /// [`Self::promise`] for a call keyed by a conversation and nothing else.
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
        self.promise(
            env,
            || convert::conversation(&conversation_type, &target_id),
            |core, (kind, target)| call(core, kind, target),
        )
    }
}

/// Throws `result`'s error as a JS error with a numeric `code`.
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
    /// `{type:'pullOfflineFinished'}`, `{type:'conversationStatus', statuses}`,
    /// `{type:'log', level, content}`, `{type:'eventsDropped', count}`,
    /// `{type:'databaseRecovered', movedTo}`.
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

// The methods of `ImClient` by area, declared after the class so that `index.d.ts` lists its
// constructor and lifecycle first.
mod conversations;
mod messages;
mod remote;
mod search;
