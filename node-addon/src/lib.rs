//! `imcore` for Node.js: the native half of the addon, a napi-rs shell over
//! [`imcore::ImClient`] reduced to lifecycle, `call` and events.
//!
//! Every operation goes through core's one request API (`call(method, params)`); the Promise
//! API with one method per operation is plain JavaScript over it (`index.js`, built from
//! [`methods`]). Threads: `callSync` runs on the JS thread and does no I/O; `call` runs core
//! futures on the core client's own runtime and settles its Promise on the JS thread; events
//! are drained by a dedicated thread (see [`events`]) and delivered to the listener on the JS
//! thread. Errors are JS `Error`s whose `code` is the seed's numeric status code.

#![warn(missing_docs)]
#![deny(clippy::all)]

mod convert;
mod events;
mod promise;

use events::{Dispatcher, Listener};
use imcore::{ImError, ImResult, InitOptions, Params};
use napi::CleanupEnvHook;
use napi::bindgen_prelude::{Object, ObjectFinalize, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// State shared by the JS object, the environment cleanup hook and Promise completions.
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

    /// Stops event delivery and releases the listener: no listener call after this returns.
    fn silence(&self) {
        let dispatcher = self
            .dispatcher
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(dispatcher) = dispatcher {
            dispatcher.stop();
        }
        self.listener.clear();
    }

    /// The listener keeps Node alive exactly while core wants a connection (JS thread).
    fn update_keep_alive(&self, env: &Env) {
        self.listener
            .set_keep_alive(env, self.core.connection_wanted());
    }
}

/// Throws `result`'s error as a JS error with a numeric `code`.
fn throw<T>(env: &Env, result: ImResult<T>) -> napi::Result<T> {
    result.map_err(|e| convert::js_error(env, e))
}

/// The native client under `index.js`'s `ImClient`: lifecycle, `call`, `callSync`, events.
#[napi(custom_finalize)]
pub struct NativeClient {
    shared: Arc<Shared>,
    cleanup_hook: Option<CleanupEnvHook<Weak<Shared>>>,
}

#[napi]
impl NativeClient {
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
                shared.silence();
                shared.core.destroy();
            }
        })?;
        Ok(NativeClient {
            shared,
            cleanup_hook: Some(hook),
        })
    }

    /// Initialises the client (synchronous, no I/O); allowed once until `destroy()`.
    #[napi(catch_unwind, ts_args_type = "appKey: string, options: object")]
    pub fn init(&self, env: Env, app_key: Unknown<'_>, options: Unknown<'_>) -> napi::Result<()> {
        let result = (|| {
            let app_key = convert::string(&app_key, "appKey")?;
            let options = convert::json_object(&options, "options")?;
            self.shared
                .core
                .init(&app_key, InitOptions::from_json(&options.to_string())?)?;
            self.shared.ensure_dispatcher()
        })();
        throw(&env, result)
    }

    /// Sets the listener of events (JSON text, parsed before the callback sees it), replacing
    /// the previous one; `null` or `undefined` removes it.
    #[napi(
        catch_unwind,
        ts_args_type = "callback: ((event: object) => void) | null"
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
                self.shared.silence();
                Ok(())
            }
            _ => Err(ImError::invalid("`callback` must be a function or null")),
        };
        throw(&env, result)
    }

    /// Runs `method` with `params` (an object of named fields); resolves to the result as JSON
    /// text. Never throws for bad input: the Promise is rejected instead.
    #[napi(
        catch_unwind,
        ts_args_type = "method: string, params?: object | null",
        ts_return_type = "Promise<string>"
    )]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        method: Unknown<'_>,
        params: Unknown<'_>,
    ) -> napi::Result<Object<'env>> {
        let outcome = convert::string(&method, "method").and_then(|method| {
            let params = convert::params(&params)?;
            Ok(self.shared.core.call(&method, Params::Value(params)))
        });
        let shared = Arc::downgrade(&self.shared);
        let after: promise::AfterHook = Box::new(move |env| {
            if let Some(shared) = shared.upgrade() {
                shared.update_keep_alive(env);
            }
        });
        promise::settle(env, &self.shared.core, outcome, after)
    }

    /// Runs the synchronous `method` with `params`; returns the result as JSON text.
    #[napi(catch_unwind, ts_args_type = "method: string, params?: object | null")]
    pub fn call_sync(
        &self,
        env: Env,
        method: Unknown<'_>,
        params: Unknown<'_>,
    ) -> napi::Result<String> {
        let result = call_sync(&self.shared.core, &method, &params);
        self.shared.update_keep_alive(&env);
        throw(&env, result)
    }

    /// Disconnects, stops the event thread, releases the listener and the engine (waiting up
    /// to 2 s for its runtime). Pending Promises are rejected; the client may be `init`ed again.
    #[napi(catch_unwind)]
    pub fn destroy(&self, env: Env) -> napi::Result<()> {
        self.shared.listener.set_keep_alive(&env, false);
        self.shared.silence();
        self.shared.core.destroy();
        Ok(())
    }
}

fn call_sync(
    core: &imcore::ImClient,
    method: &Unknown<'_>,
    params: &Unknown<'_>,
) -> ImResult<String> {
    let method = convert::string(method, "method")?;
    core.call_sync(&method, Params::Value(convert::params(params)?))
}

impl ObjectFinalize for NativeClient {
    /// Garbage collection or environment teardown: silences the client at once and destroys
    /// the engine on a thread of its own, so that collection never waits for it.
    fn finalize(mut self, env: Env) -> napi::Result<()> {
        if let Some(hook) = self.cleanup_hook.take()
            && !self.shared.torn_down.load(Ordering::Acquire)
        {
            let _ = env.remove_env_cleanup_hook(hook);
        }
        self.shared.silence();
        let core = self.shared.core.clone();
        // Should the thread not start, dropping the last handle still stops the engine.
        let _ = std::thread::Builder::new()
            .name("imcore-node-destroy".into())
            .spawn(move || core.destroy());
        Ok(())
    }
}

/// Core's method list as JSON: `[{name, kind: "async"|"sync"|"global", params: [{name,
/// optional}]}]`, parameters in positional order.
#[napi]
pub fn methods() -> String {
    imcore::api::describe::methods_json()
}

/// Runs a process-wide (`global`) method such as `registerMessageType`, no client needed;
/// returns the result as JSON text.
#[napi(catch_unwind, ts_args_type = "method: string, params?: object | null")]
pub fn call_global(env: Env, method: Unknown<'_>, params: Unknown<'_>) -> napi::Result<String> {
    throw(&env, call_sync(&imcore::ImClient::new(), &method, &params))
}
