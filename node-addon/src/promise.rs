//! Core calls as JS Promises.
//!
//! A pending call runs on the core client's own runtime (never on the JS thread); its JSON
//! result is handed to JS on the JS thread. A [`Completer`] settles the Promise exactly once:
//! with the result, or — when the task is dropped without finishing because it panicked, or the
//! client was destroyed — with an error, so no Promise is left pending.

use crate::convert::js_error;
use imcore::{ImError, ImResult, Outcome, code};
use napi::bindgen_prelude::Object;
use napi::{Env, JsDeferred};

/// Runs on the JS thread once the call is over, before the Promise settles.
pub(crate) type AfterHook = Box<dyn FnOnce(&Env) + Send>;

type Resolver = Box<dyn FnOnce(Env) -> napi::Result<String>>;

/// Settles one Promise exactly once, also when dropped unsettled.
struct Completer {
    deferred: Option<JsDeferred<String, Resolver>>,
    after: Option<AfterHook>,
}

impl Completer {
    fn settle(&mut self, result: ImResult<String>) {
        let Some(deferred) = self.deferred.take() else {
            return;
        };
        let after = self.after.take();
        deferred.resolve(Box::new(move |env: Env| {
            if let Some(after) = after {
                after(&env);
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

/// A Promise of `outcome` (its JSON text); a pending one runs on `client`'s runtime. `after`
/// runs on the JS thread before the Promise settles.
pub(crate) fn settle<'env>(
    env: &'env Env,
    client: &imcore::ImClient,
    outcome: ImResult<Outcome>,
    after: AfterHook,
) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred::<String, Resolver>()?;
    let mut completer = Completer {
        deferred: Some(deferred),
        after: Some(after),
    };
    match outcome {
        Ok(Outcome::Pending(task)) => {
            // Without a runtime (destroyed meanwhile) `spawn` drops the task and with it the
            // completer, which rejects with 33001.
            let _ = client.spawn(async move {
                let result = task.await;
                completer.settle(result);
            });
        }
        Ok(Outcome::Done(result)) => completer.settle(result),
        Err(e) => completer.settle(Err(e)),
    }
    Ok(promise)
}
