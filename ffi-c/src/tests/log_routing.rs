//! Log lines reach the log callback with or without an event callback (and while polling), and
//! events held for polling go to an event callback registered later, in order.

use crate::*;
use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr::null_mut;
use std::sync::mpsc;
use std::time::Duration;

type Lines = mpsc::Sender<String>;

unsafe extern "C" fn on_log(level: i32, content: *const c_char, user_data: *mut c_void) {
    let content = unsafe { CStr::from_ptr(content) }.to_string_lossy();
    let tx = unsafe { &*(user_data as *const Lines) };
    let _ = tx.send(format!("{level} {content}"));
}

unsafe extern "C" fn on_event(json: *const c_char, user_data: *mut c_void) {
    let json = unsafe { CStr::from_ptr(json) }
        .to_string_lossy()
        .into_owned();
    let tx = unsafe { &*(user_data as *const Lines) };
    let _ = tx.send(json);
}

unsafe extern "C" fn on_done(_: i32, _: *const c_char, _: *mut c_void) {}

fn init_logging_to_host(client: *mut ImcoreClient, dir: &tempfile::TempDir) {
    let options = format!(
        r#"{{"navi":"http://127.0.0.1:1","dbPath":"{}","logLevel":0,"logToHost":true}}"#,
        dir.path().display()
    );
    let (key, options) = (CString::new("app").unwrap(), CString::new(options).unwrap());
    assert_eq!(
        unsafe { imcore_init(client, key.as_ptr(), options.as_ptr()) },
        0
    );
}

#[test]
fn log_callback_alone_gets_log_lines_and_polling_gets_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let client = imcore_client_new();
    unsafe {
        // Registered before init, so it also gets init's own line.
        let ud = &tx as *const Lines as *mut c_void;
        assert_eq!(imcore_set_log_callback(client, Some(on_log), ud, None), 0);
        init_logging_to_host(client, &dir);
        let line = rx.recv_timeout(Duration::from_secs(5)).expect("a log line");
        assert!(line.contains("initialised"), "{line}");
        let (method, token) = (c"connect", c"{\"token\":\"t\"}");
        assert_eq!(
            imcore_call(
                client,
                method.as_ptr(),
                token.as_ptr(),
                Some(on_done),
                null_mut()
            ),
            0
        );
        let mut out: *mut c_char = null_mut();
        assert_eq!(imcore_poll_event(client, 5_000, &mut out), 0);
        let json = CStr::from_ptr(out).to_str().unwrap().to_owned();
        imcore_string_free(out);
        assert_eq!(json, r#"{"type":"connectionStatus","status":1,"code":0}"#);
        imcore_client_free(client);
    }
}

#[test]
fn without_a_log_callback_log_lines_are_events_and_held_events_reach_a_later_callback() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let client = imcore_client_new();
    init_logging_to_host(client, &dir);
    unsafe {
        // Nothing registered: the init log line waits; then a callback gets it first.
        std::thread::sleep(Duration::from_millis(100));
        let ud = &tx as *const Lines as *mut c_void;
        assert_eq!(
            imcore_set_event_callback(client, Some(on_event), ud, None),
            0
        );
        let first = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("the held event");
        assert!(first.starts_with(r#"{"type":"log","level":1,"#), "{first}");
        assert!(first.contains("initialised"), "{first}");
        imcore_client_free(client);
    }
}
