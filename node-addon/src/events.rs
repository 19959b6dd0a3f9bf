//! Event delivery: one dispatcher thread drains core's `EventQueue` and hands each event to the
//! listener's ThreadsafeFunction, which calls the JS callback on the JS thread, in order.
//!
//! The ThreadsafeFunction is *weak* (it does not keep Node alive by itself); the client refs it
//! while a connection is wanted (see `Listener::set_keep_alive`). Its queue is bounded: when the
//! JS thread falls behind, the dispatcher waits, core's bounded queue fills up and core reports
//! the loss with an `eventsDropped` event instead of growing memory without limit.
//!
//! Events cross as JSON text, serialised on the dispatcher thread, and become objects through
//! `JSON.parse` in a small JS wrapper around the listener: one string per event instead of one
//! N-API call per field keeps the JS thread's share of each event to a few microseconds, so a
//! burst of thousands of events does not stall the event loop.

use imcore::EventQueue;
use napi::bindgen_prelude::{FromNapiValue, Function, JsValue, Unknown};
use napi::threadsafe_function::{
    ThreadsafeFunction, ThreadsafeFunctionCallMode, UnknownReturnValue,
};
use napi::{Env, Status};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// Events queued towards the JS thread before the dispatcher waits.
const JS_QUEUE_CAPACITY: usize = 1024;
/// How often the dispatcher checks whether it should stop.
const POLL_INTERVAL: Duration = Duration::from_millis(50);
/// Pause before retrying when the JS queue is full.
const FULL_QUEUE_BACKOFF: Duration = Duration::from_millis(5);

/// Wraps the app's listener: `(json) => listener(JSON.parse(json))`.
const PARSING_WRAPPER: &str = "(listener) => (json) => listener(JSON.parse(json))";

/// The wrapped listener: `(event: string) => void`, weak, not callee-handled, bounded.
type Callback =
    ThreadsafeFunction<String, UnknownReturnValue, String, Status, false, true, JS_QUEUE_CAPACITY>;

/// The listener slot shared by the JS thread and the dispatcher thread.
#[derive(Default)]
pub(crate) struct Listener {
    slot: Mutex<Slot>,
}

#[derive(Default)]
struct Slot {
    callback: Option<Callback>,
    keep_alive: bool,
}

impl Listener {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Replaces the callback (JS thread). `function` must be a JS function.
    pub(crate) fn set(&self, env: &Env, function: &Unknown<'_>) -> napi::Result<()> {
        let wrap: Function<'_, Unknown<'_>, Unknown<'_>> = env.run_script(PARSING_WRAPPER)?;
        let wrapped = wrap.call(*function)?;
        // SAFETY: `wrap` returns a JS function, alive in this call's scope.
        let function: Function<'_, String, UnknownReturnValue> =
            unsafe { Function::from_napi_value(env.raw(), wrapped.raw())? };
        let callback: Callback = function
            .build_threadsafe_function::<String>()
            .callee_handled::<false>()
            .weak::<true>()
            .max_queue_size::<JS_QUEUE_CAPACITY>()
            .build()?;
        let old = {
            let mut slot = self.lock();
            if slot.keep_alive {
                reference(env, &callback, true);
            }
            slot.callback.replace(callback)
        };
        close(old);
        Ok(())
    }

    /// Removes and closes the callback (JS thread): no call happens after this returns.
    pub(crate) fn clear(&self) {
        let old = self.lock().callback.take();
        close(old);
    }

    /// Whether a callback is set.
    pub(crate) fn is_set(&self) -> bool {
        self.lock().callback.is_some()
    }

    /// Refs (`true`) or unrefs the callback so that it keeps Node alive only while a connection
    /// is wanted (JS thread).
    pub(crate) fn set_keep_alive(&self, env: &Env, keep_alive: bool) {
        let mut slot = self.lock();
        if slot.keep_alive != keep_alive {
            slot.keep_alive = keep_alive;
            if let Some(callback) = &slot.callback {
                reference(env, callback, keep_alive);
            }
        }
    }

    /// Queues `event` for the JS thread (dispatcher thread). `false` when it must be retried.
    fn deliver(&self, event: &str) -> Delivery {
        let slot = self.lock();
        let Some(callback) = &slot.callback else {
            return Delivery::NoListener;
        };
        match callback.call(event.to_owned(), ThreadsafeFunctionCallMode::NonBlocking) {
            Status::QueueFull => Delivery::Full,
            _ => Delivery::Done,
        }
    }
}

enum Delivery {
    Done,
    Full,
    NoListener,
}

fn reference(env: &Env, callback: &Callback, on: bool) {
    // SAFETY: called on the JS thread with a callback that was not closed (it is in the slot).
    unsafe {
        if on {
            napi::sys::napi_ref_threadsafe_function(env.raw(), callback.raw());
        } else {
            napi::sys::napi_unref_threadsafe_function(env.raw(), callback.raw());
        }
    }
}

/// Closes a callback at once, discarding calls still queued (no JS call after this).
fn close(callback: Option<Callback>) {
    if let Some(callback) = callback {
        #[allow(deprecated)] // `abort` is the documented way to release with napi_tsfn_abort
        let _ = callback.abort();
    }
}

/// The thread that drains core's event queue.
pub(crate) struct Dispatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Dispatcher {
    /// Starts draining `queue` into `listener`.
    pub(crate) fn start(queue: EventQueue, listener: Arc<Listener>) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("imcore-node-events".into())
            .spawn(move || run(queue, listener, stopping))?;
        Ok(Dispatcher {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread and waits for it (at most about one poll interval).
    pub(crate) fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

fn run(queue: EventQueue, listener: Arc<Listener>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Acquire) {
        let Some(event) = queue.recv_timeout(POLL_INTERVAL) else {
            continue;
        };
        let event = event.to_json();
        while !stop.load(Ordering::Acquire) {
            match listener.deliver(&event) {
                Delivery::Done | Delivery::NoListener => break,
                Delivery::Full => std::thread::sleep(FULL_QUEUE_BACKOFF),
            }
        }
    }
}
