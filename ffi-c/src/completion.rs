//! Completion callbacks that fire exactly once.

use crate::dispatch::{Job, UserData};
use crate::strings::c_string;
use crossbeam_channel::Sender;
use imcore::{ImError, ImResult, code};
use std::ffi::{c_char, c_void};

/// Completes an asynchronous call: `code` 0 with the result JSON, or a seed code with
/// `{"code":…,"message":"…"}` (plus `"failedMessage":{…}` when a failed send stored the
/// message FAILED, ready for the `resendMessage` method). `json` is borrowed, valid only during
/// the call.
pub type ImcoreCompletion =
    Option<unsafe extern "C" fn(code: i32, json: *const c_char, user_data: *mut c_void)>;

type CompletionFn = unsafe extern "C" fn(i32, *const c_char, *mut c_void);

/// A pending completion; dropping it unfinished reports 33001 (the client was destroyed).
pub(crate) struct Completion {
    callback: CompletionFn,
    user_data: UserData,
    jobs: Sender<Job>,
    finished: bool,
}

impl Completion {
    /// Wraps the host's callback (NULL is a parameter error).
    pub(crate) fn new(
        callback: ImcoreCompletion,
        user_data: *mut c_void,
        jobs: Sender<Job>,
    ) -> ImResult<Self> {
        let callback = callback.ok_or_else(|| ImError::invalid("completion callback is NULL"))?;
        Ok(Completion {
            callback,
            user_data: UserData(user_data),
            jobs,
            finished: false,
        })
    }

    /// Reports `result` (already JSON on success) on the dispatcher thread.
    pub(crate) fn finish(mut self, result: ImResult<String>) {
        self.finished = true;
        self.post(result);
    }

    fn post(&self, result: ImResult<String>) {
        let (code, json) = match result {
            Ok(json) => (0, json),
            Err(e) => (e.code, e.to_json()),
        };
        let (callback, user_data) = (self.callback, self.user_data);
        let _ = self.jobs.send(Job::Run(Box::new(move || {
            let json = c_string(json);
            // SAFETY: the host's completion, called once with a valid borrowed string.
            unsafe { callback(code, json.as_ptr(), user_data.ptr()) };
        })));
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        if !self.finished {
            // The one panic policy of every shell: -1 and a log line.
            let error = if std::thread::panicking() {
                eprintln!("[imcore Error] internal error: an operation panicked");
                ImError::new(code::UNKNOWN, "internal error: the operation panicked")
            } else {
                ImError::new(code::NOT_INITIALIZED, "the client was destroyed")
            };
            self.post(Err(error));
        }
    }
}
