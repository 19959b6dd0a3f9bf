//! Core futures as JS Promises.
//!
//! The future runs on the core client's own runtime (never on the JS thread); its result is
//! converted to JS on the JS thread. A [`Completer`] settles the Promise exactly once: with the
//! result, or — when the task is dropped without finishing because it panicked, or the client
//! was destroyed or never initialised — with an error, so no Promise is left pending.

use crate::convert::js_error;
use imcore::{ImError, ImResult, code};
use napi::bindgen_prelude::Object;
use napi::{Env, JsDeferred};
use serde::Serialize;
use serde_json::Value;
use std::future::Future;

/// Runs on the JS thread once the operation is over, before the Promise settles.
pub(crate) type AfterHook = Box<dyn FnOnce(&Env, &ImResult<Value>) + Send>;

type Resolver = Box<dyn FnOnce(Env) -> napi::Result<Value>>;

/// Settles one Promise exactly once, also when dropped unsettled.
pub(crate) struct Completer {
    deferred: Option<JsDeferred<Value, Resolver>>,
    after: Option<AfterHook>,
}

impl Completer {
    /// Settles with `result`, serialising the success value off the JS thread.
    pub(crate) fn complete<T: Serialize>(mut self, result: ImResult<T>) {
        let result = result.and_then(|value| {
            serde_json::to_value(value)
                .map_err(|e| ImError::new(code::UNKNOWN, format!("result: {e}")))
        });
        self.settle(result);
    }

    fn settle(&mut self, result: ImResult<Value>) {
        let Some(deferred) = self.deferred.take() else {
            return;
        };
        let after = self.after.take();
        deferred.resolve(Box::new(move |env: Env| {
            if let Some(after) = after {
                after(&env, &result);
            }
            result.map_err(|e| js_error(&env, e))
        }));
    }
}

impl Drop for Completer {
    fn drop(&mut self) {
        if self.deferred.is_none() {
            return;
        }
        let error = if std::thread::panicking() {
            ImError::new(code::UNKNOWN, "internal error: the operation panicked")
        } else {
            ImError::new(
                code::NOT_INITIALIZED,
                "the client is not initialised or was destroyed",
            )
        };
        self.settle(Err(error));
    }
}

/// A Promise of `task`, run on `client`'s runtime; `after` runs on the JS thread before settling.
pub(crate) fn spawn<'env, T, F>(
    env: &'env Env,
    client: &imcore::ImClient,
    after: Option<AfterHook>,
    task: F,
) -> napi::Result<Object<'env>>
where
    T: Serialize + Send + 'static,
    F: Future<Output = ImResult<T>> + Send + 'static,
{
    let (deferred, promise) = env.create_deferred::<Value, Resolver>()?;
    let completer = Completer {
        deferred: Some(deferred),
        after,
    };
    // If the client has no runtime (not initialised), `spawn` drops the task and with it the
    // completer, which rejects with 33001.
    let _ = client.spawn(async move {
        let result = task.await;
        completer.complete(result);
    });
    Ok(promise)
}

/// A Promise already rejected with `error` (bad arguments of an asynchronous method).
pub(crate) fn rejected<'env>(env: &'env Env, error: ImError) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred::<Value, Resolver>()?;
    Completer {
        deferred: Some(deferred),
        after: None,
    }
    .settle(Err(error));
    Ok(promise)
}
