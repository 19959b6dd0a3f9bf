//! The dispatcher: one thread per client that runs every host callback, in order.
//!
//! Completions arrive as jobs; engine events are taken from the engine's queue only while an
//! event callback is registered (otherwise they wait for `imcore_poll_event`). A callback is
//! copied out of its slot before it is called, so no lock is held while host code runs.

use crossbeam_channel::{Receiver, Sender};
use engine::{Event, EventQueue};
use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, ThreadId};

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

/// Handle to a client's dispatcher thread.
pub(crate) struct Dispatcher {
    jobs: Sender<Job>,
    slots: Arc<Slots>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
}

impl Dispatcher {
    /// Starts the thread.
    pub(crate) fn start() -> std::io::Result<Dispatcher> {
        let (jobs, inbox) = crossbeam_channel::unbounded();
        let slots = Arc::new(Slots::default());
        let thread_slots = Arc::clone(&slots);
        let thread = thread::Builder::new()
            .name("imcore-dispatch".into())
            .spawn(move || run(inbox, thread_slots))?;
        let thread_id = thread.thread().id();
        Ok(Dispatcher {
            jobs,
            slots,
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

fn run(inbox: Receiver<Job>, slots: Arc<Slots>) {
    let mut events: Option<Receiver<Event>> = None;
    loop {
        let listening = lock(&slots.event).is_some();
        let job = match (&events, listening) {
            (Some(queue), true) => crossbeam_channel::select! {
                recv(inbox) -> job => job.ok(),
                recv(queue) -> event => {
                    if let Ok(event) = event {
                        deliver(&slots, &event);
                    }
                    continue;
                }
            },
            _ => inbox.recv().ok(),
        };
        match job {
            None | Some(Job::Stop) => break,
            Some(Job::Run(f)) => f(),
            Some(Job::Attach(queue)) => events = Some(queue.receiver().clone()),
            Some(Job::Wake) => {}
        }
    }
    while let Ok(job) = inbox.try_recv() {
        if let Job::Run(f) = job {
            f();
        }
    }
    for registration in [lock(&slots.event).take()].into_iter().flatten() {
        registration.finalize();
    }
    for registration in [lock(&slots.log).take()].into_iter().flatten() {
        registration.finalize();
    }
}

/// Calls the log callback for log events (when one is set), else the event callback.
fn deliver(slots: &Slots, event: &Event) {
    if let Event::Log { level, content } = event {
        let log = lock(&slots.log).as_ref().map(|r| (r.callback, r.user_data));
        if let Some((callback, user_data)) = log {
            let content = c_string(content.clone());
            // SAFETY: a callback registered by the host, called with a valid borrowed string.
            unsafe { callback(i32::from(*level), content.as_ptr(), user_data.ptr()) };
            return;
        }
    }
    let registered = lock(&slots.event)
        .as_ref()
        .map(|r| (r.callback, r.user_data));
    if let Some((callback, user_data)) = registered {
        let json = c_string(event.to_json());
        // SAFETY: as above.
        unsafe { callback(json.as_ptr(), user_data.ptr()) };
    }
}
