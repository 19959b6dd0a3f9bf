//! The dispatcher: one thread per client that runs every host callback, in order.
//!
//! Completions arrive as jobs. Once the client is initialised the dispatcher is the one reader
//! of the engine's event queue and routes each event: a log line to the log callback, anything
//! else (and log lines without a log callback) to the event callback, and what no callback
//! claims to a bounded queue that `imcore_poll_event` reads. A callback is copied out of its
//! slot before it is called, so no lock is held while host code runs.

use crossbeam_channel::{Receiver, Sender, TrySendError};
use imcore::{Event, EventQueue};
use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::Duration;

use crate::strings::c_string;

/// Receives each event as JSON, e.g. `{"type":"message","message":{…}}`; borrowed string.
pub type ImcoreEventCallback =
    Option<unsafe extern "C" fn(event_json: *const c_char, user_data: *mut c_void)>;
/// Receives each log line (seed `logStdout`): level (0 debug … 3 error) and text; borrowed string.
pub type ImcoreLogCallback =
    Option<unsafe extern "C" fn(level: i32, content: *const c_char, user_data: *mut c_void)>;
/// Called once when a registered callback is replaced or the client is freed; after it, the
/// callback never runs again and `user_data` may be released.
pub type ImcoreFinalizer = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// A host pointer passed back untouched; the host owns its thread-safety.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);
// SAFETY: imcore never dereferences it; it is only handed back to host callbacks.
unsafe impl Send for UserData {}

impl UserData {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    pub(crate) fn ptr(self) -> *mut c_void {
        self.0
    }
}

/// A registered callback with its data and finalizer.
pub(crate) struct Registration<F: Copy> {
    callback: F,
    user_data: UserData,
    finalizer: ImcoreFinalizer,
}

impl<F: Copy> Registration<F> {
    pub(crate) fn new(callback: F, user_data: *mut c_void, finalizer: ImcoreFinalizer) -> Self {
        Registration {
            callback,
            user_data: UserData(user_data),
            finalizer,
        }
    }

    fn finalize(self) {
        if let Some(finalizer) = self.finalizer {
            // SAFETY: the host registered this finalizer for this user_data.
            unsafe { finalizer(self.user_data.ptr()) };
        }
    }
}

type EventFn = unsafe extern "C" fn(*const c_char, *mut c_void);
type LogFn = unsafe extern "C" fn(i32, *const c_char, *mut c_void);

#[derive(Default)]
struct Slots {
    event: Mutex<Option<Registration<EventFn>>>,
    log: Mutex<Option<Registration<LogFn>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Work for the dispatcher thread.
pub(crate) enum Job {
    /// Run host code (a completion or a finalizer).
    Run(Box<dyn FnOnce() + Send>),
    /// Start taking events from the engine's queue (after init).
    Attach(EventQueue),
    /// Re-read which callbacks are registered.
    Wake,
    /// Deliver what is queued, finalize, and exit.
    Stop,
}

/// Events no callback claimed, held for `imcore_poll_event`, at most this many.
const UNCLAIMED_CAPACITY: usize = 65_536;

/// Handle to a client's dispatcher thread.
pub(crate) struct Dispatcher {
    jobs: Sender<Job>,
    slots: Arc<Slots>,
    unclaimed: Receiver<Event>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
}

impl Dispatcher {
    /// Starts the thread.
    pub(crate) fn start() -> std::io::Result<Dispatcher> {
        let (jobs, inbox) = crossbeam_channel::unbounded();
        let slots = Arc::new(Slots::default());
        let (unclaimed_tx, unclaimed) = crossbeam_channel::bounded(UNCLAIMED_CAPACITY);
        let router = Router {
            slots: Arc::clone(&slots),
            unclaimed: unclaimed_tx,
            held: unclaimed.clone(),
            dropped: 0,
        };
        let thread = thread::Builder::new()
            .name("imcore-dispatch".into())
            .spawn(move || run(inbox, router))?;
        let thread_id = thread.thread().id();
        Ok(Dispatcher {
            jobs,
            slots,
            unclaimed,
            thread: Mutex::new(Some(thread)),
            thread_id,
        })
    }

    /// Queues a job.
    pub(crate) fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    /// A sender for completions.
    pub(crate) fn jobs(&self) -> Sender<Job> {
        self.jobs.clone()
    }

    /// Whether an event callback takes the events (then polling is refused).
    pub(crate) fn has_event_callback(&self) -> bool {
        lock(&self.slots.event).is_some()
    }

    /// Waits up to `timeout` for the next event no callback claimed.
    pub(crate) fn poll(&self, timeout: Duration) -> Option<Event> {
        self.unclaimed.recv_timeout(timeout).ok()
    }

    /// Registers (or with `None`, removes) the event callback; the old one is finalized.
    pub(crate) fn set_event(&self, registration: Option<Registration<EventFn>>) {
        let old = std::mem::replace(&mut *lock(&self.slots.event), registration);
        self.finalize_later(old);
    }

    /// Registers (or removes) the log callback; the old one is finalized.
    pub(crate) fn set_log(&self, registration: Option<Registration<LogFn>>) {
        let old = std::mem::replace(&mut *lock(&self.slots.log), registration);
        self.finalize_later(old);
    }

    fn finalize_later<F: Copy + Send + 'static>(&self, old: Option<Registration<F>>) {
        if let Some(old) = old {
            let old = SendRegistration(old);
            self.send(Job::Run(Box::new(move || old.0.finalize())));
        }
        self.send(Job::Wake);
    }

    /// Stops the thread after it delivered what is queued; joins it unless called from it.
    pub(crate) fn stop(&self) {
        self.send(Job::Stop);
        if thread::current().id() == self.thread_id {
            return;
        }
        if let Some(thread) = lock(&self.thread).take() {
            let _ = thread.join();
        }
    }
}

struct SendRegistration<F: Copy>(Registration<F>);
// SAFETY: a registration holds only a function pointer and the host's opaque pointer.
unsafe impl<F: Copy> Send for SendRegistration<F> {}

/// The dispatcher's side of event routing.
struct Router {
    slots: Arc<Slots>,
    /// Where unclaimed events wait for `imcore_poll_event`.
    unclaimed: Sender<Event>,
    /// The same queue, drained into an event callback once one is registered.
    held: Receiver<Event>,
    /// Unclaimed events discarded because nobody polled; reported as `eventsDropped`.
    dropped: u64,
}

impl Router {
    /// Hands `event` to its callback, or holds it for polling.
    fn route(&mut self, event: Event) {
        if let Event::Log { level, content } = &event {
            let log = lock(&self.slots.log)
                .as_ref()
                .map(|r| (r.callback, r.user_data));
            if let Some((callback, user_data)) = log {
                let content = c_string(content.clone());
                // SAFETY: a callback registered by the host, called with a valid borrowed string.
                unsafe { callback(i32::from(*level), content.as_ptr(), user_data.ptr()) };
                return;
            }
        }
        // Events held before an event callback was registered go first, keeping the order.
        self.release_held();
        if !self.to_event_callback(&event) {
            self.hold(event);
        }
    }

    /// Calls the event callback, if one is registered.
    fn to_event_callback(&self, event: &Event) -> bool {
        let registered = lock(&self.slots.event)
            .as_ref()
            .map(|r| (r.callback, r.user_data));
        let Some((callback, user_data)) = registered else {
            return false;
        };
        let json = c_string(event.to_json());
        // SAFETY: a callback registered by the host, called with a valid borrowed string.
        unsafe { callback(json.as_ptr(), user_data.ptr()) };
        true
    }

    /// Queues `event` for polling without blocking, reporting earlier overflow first.
    fn hold(&mut self, event: Event) {
        if self.dropped > 0 {
            let report = Event::EventsDropped {
                count: self.dropped,
            };
            if self.unclaimed.try_send(report).is_ok() {
                self.dropped = 0;
            }
        }
        if let Err(TrySendError::Full(_)) = self.unclaimed.try_send(event) {
            self.dropped += 1;
        }
    }

    /// Gives events held for polling to a newly registered event callback, in order.
    fn release_held(&self) {
        if lock(&self.slots.event).is_none() {
            return;
        }
        while let Ok(event) = self.held.try_recv() {
            if !self.to_event_callback(&event) {
                // The callback was removed meanwhile: keep the event for polling.
                let _ = self.unclaimed.try_send(event);
                return;
            }
        }
    }

    /// Calls the finalizers of the registrations left at shutdown.
    fn finalize_all(&self) {
        if let Some(registration) = lock(&self.slots.event).take() {
            registration.finalize();
        }
        if let Some(registration) = lock(&self.slots.log).take() {
            registration.finalize();
        }
    }
}

fn run(inbox: Receiver<Job>, mut router: Router) {
    let mut events: Option<Receiver<Event>> = None;
    loop {
        let job = match &events {
            Some(queue) => crossbeam_channel::select! {
                recv(inbox) -> job => job.ok(),
                recv(queue) -> event => {
                    match event {
                        Ok(event) => guarded(|| router.route(event)),
                        // The engine was destroyed: nothing more will come.
                        Err(_) => events = None,
                    }
                    continue;
                }
            },
            None => inbox.recv().ok(),
        };
        match job {
            None | Some(Job::Stop) => break,
            Some(Job::Run(f)) => {
                // Events the engine emitted before an operation finished go first, so that
                // e.g. `connect` completes after the Connected status event.
                if let Some(queue) = &events {
                    while let Ok(event) = queue.try_recv() {
                        guarded(|| router.route(event));
                    }
                }
                guarded(f);
            }
            Some(Job::Attach(queue)) => events = Some(queue.receiver().clone()),
            Some(Job::Wake) => guarded(|| router.release_held()),
        }
    }
    while let Ok(job) = inbox.try_recv() {
        if let Job::Run(f) = job {
            guarded(f);
        }
    }
    guarded(|| router.finalize_all());
}

/// Runs one step of the dispatcher; a panic inside it is logged and the loop goes on, so that
/// every later completion still fires exactly once.
fn guarded(step: impl FnOnce()) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).is_err() {
        eprintln!("[imcore Error] internal error in the callback dispatcher (caught; going on)");
    }
}
