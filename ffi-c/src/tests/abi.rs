//! The C ABI called as C would call it: bad input gets its seed code, completions fire exactly
//! once, shutdown is orderly, and nothing crashes.

use crate::*;
use std::ffi::{CStr, CString, c_char, c_void};
use std::net::TcpListener;
use std::ptr::null_mut;
use std::sync::mpsc;
use std::time::Duration;

type Done = mpsc::Sender<(i32, String)>;

unsafe extern "C" fn on_done(code: i32, json: *const c_char, user_data: *mut c_void) {
    let json = unsafe { CStr::from_ptr(json) }
        .to_string_lossy()
        .into_owned();
    let tx = unsafe { &*(user_data as *const Done) };
    tx.send((code, json)).unwrap();
}

unsafe extern "C" fn on_event(_: *const c_char, _: *mut c_void) {}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn initialised(navi: &str) -> (*mut ImcoreClient, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let client = imcore_client_new();
    let options = format!(r#"{{"navi":"{navi}","dbPath":"{}"}}"#, dir.path().display());
    assert_eq!(
        unsafe { imcore_init(client, c("app").as_ptr(), c(&options).as_ptr()) },
        0
    );
    (client, dir)
}

#[test]
fn null_handles_and_arguments_are_33003() {
    let text = c(r#"{"objectName":"RC:TxtMsg","content":{"content":"hi"}}"#);
    unsafe {
        imcore_client_free(null_mut());
        imcore_string_free(null_mut());
        assert_eq!(
            imcore_init(null_mut(), c("k").as_ptr(), c("{}").as_ptr()),
            33003
        );
        assert_eq!(
            imcore_connect(null_mut(), c("t").as_ptr(), Some(on_done), null_mut()),
            33003
        );
        assert_eq!(
            imcore_send_message(
                null_mut(),
                1,
                c("b").as_ptr(),
                text.as_ptr(),
                Some(on_done),
                null_mut()
            ),
            33003
        );
        assert_eq!(imcore_disconnect(null_mut()), 33003);
        assert_eq!(imcore_logout(null_mut()), 33003);
        let mut status = 0;
        assert_eq!(imcore_get_connection_status(null_mut(), &mut status), 33003);
        let mut out = null_mut();
        assert_eq!(imcore_poll_event(null_mut(), 0, &mut out), 33003);
        assert_eq!(
            imcore_set_event_callback(null_mut(), Some(on_event), null_mut(), None),
            33003
        );
    }
}

#[test]
fn calls_before_init_are_33001_and_bad_init_is_33003() {
    let client = imcore_client_new();
    let text = c(r#"{"objectName":"RC:TxtMsg","content":{"content":"hi"}}"#);
    unsafe {
        assert_eq!(
            imcore_connect(client, c("t").as_ptr(), Some(on_done), null_mut()),
            33001
        );
        assert_eq!(
            imcore_send_message(
                client,
                1,
                c("b").as_ptr(),
                text.as_ptr(),
                Some(on_done),
                null_mut()
            ),
            33001
        );
        assert_eq!(imcore_disconnect(client), 33001);
        assert_eq!(
            imcore_resend_message(client, 1, Some(on_done), null_mut()),
            33001
        );
        let mut status = 0;
        assert_eq!(imcore_get_connection_status(client, &mut status), 33001);
        let mut out = null_mut();
        assert_eq!(imcore_poll_event(client, 0, &mut out), 33001);

        assert_eq!(imcore_init(client, null_mut(), c("{}").as_ptr()), 33003);
        assert_eq!(imcore_init(client, c("app").as_ptr(), null_mut()), 33003);
        assert_eq!(
            imcore_init(client, c("app").as_ptr(), c("{not json").as_ptr()),
            33003
        );
        let not_utf8 = [0xffu8, 0xfe, 0];
        assert_eq!(
            imcore_init(client, not_utf8.as_ptr().cast(), c("{}").as_ptr()),
            33003
        );
        let log_level_9 = c(r#"{"navi":"http://127.0.0.1:1","dbPath":"/tmp/x","logLevel":9}"#);
        assert_eq!(
            imcore_init(client, c("app").as_ptr(), log_level_9.as_ptr()),
            33003
        );
        imcore_client_free(client);
    }
}

#[test]
fn bad_arguments_after_init() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let text = c(r#"{"objectName":"RC:TxtMsg","content":{"content":"hi"}}"#);
    let (tx, rx) = mpsc::channel::<(i32, String)>();
    let ud = &tx as *const Done as *mut c_void;
    unsafe {
        assert_eq!(
            imcore_init(
                client,
                c("app").as_ptr(),
                c(r#"{"navi":"http://x","dbPath":"/tmp"}"#).as_ptr()
            ),
            33003
        );
        assert_eq!(
            imcore_send_message(client, 2, c("b").as_ptr(), text.as_ptr(), Some(on_done), ud),
            33003,
            "unknown type"
        );
        assert_eq!(
            imcore_send_message(client, 1, null_mut(), text.as_ptr(), Some(on_done), ud),
            33003
        );
        assert_eq!(
            imcore_send_message(
                client,
                1,
                c("b").as_ptr(),
                c("[]").as_ptr(),
                Some(on_done),
                ud
            ),
            33003
        );
        assert_eq!(
            imcore_send_message(
                client,
                1,
                c("b").as_ptr(),
                c("{").as_ptr(),
                Some(on_done),
                ud
            ),
            33003
        );
        let unknown = c(r#"{"objectName":"RC:Nope","content":{}}"#);
        assert_eq!(
            imcore_send_message(
                client,
                1,
                c("b").as_ptr(),
                unknown.as_ptr(),
                Some(on_done),
                ud
            ),
            33003
        );
        assert_eq!(
            imcore_send_message(client, 1, c("b").as_ptr(), text.as_ptr(), None, ud),
            33003,
            "NULL completion"
        );
        assert_eq!(
            imcore_get_history_messages(client, 1, c("b").as_ptr(), 0, 5, 7, Some(on_done), ud),
            33003
        );
        assert_eq!(
            imcore_get_history_messages(client, 1, c("b").as_ptr(), 0, -1, 0, Some(on_done), ud),
            33003
        );
        assert!(rx.try_recv().is_err(), "refused calls never complete");

        // Accepted calls complete exactly once with the engine's code.
        assert_eq!(
            imcore_send_message(client, 1, c("b").as_ptr(), text.as_ptr(), Some(on_done), ud),
            0
        );
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
            30001,
            "not connected"
        );
        let big = c(&format!(
            r#"{{"objectName":"RC:TxtMsg","content":{{"content":"{}"}}}}"#,
            "x".repeat(128 * 1024)
        ));
        assert_eq!(
            imcore_send_message(client, 1, c("b").as_ptr(), big.as_ptr(), Some(on_done), ud),
            0
        );
        let (code, json) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(code, 30016);
        assert!(json.contains("\"code\":30016"), "{json}");
        assert_eq!(
            imcore_resend_message(client, 1, None, ud),
            33003,
            "NULL completion"
        );
        assert_eq!(imcore_resend_message(client, 1, Some(on_done), ud), 0);
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
            30001,
            "resend needs a connection"
        );
        assert_eq!(
            imcore_get_history_messages(client, 1, c("b").as_ptr(), 0, 21, 0, Some(on_done), ud),
            0
        );
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
            33003,
            "count over 20"
        );
        assert_eq!(
            imcore_connect(client, c("t").as_ptr(), Some(on_done), ud),
            0
        );
        let (code, _) = rx.recv_timeout(Duration::from_secs(15)).unwrap();
        assert!(code >= 30000, "navi unreachable: {code}");
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "each completion fires once"
        );
        imcore_client_free(client);
    }
}

#[test]
fn polling_times_out_and_is_refused_while_a_callback_is_set() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    unsafe {
        let mut out: *mut c_char = null_mut();
        let mut status = -1;
        assert_eq!(imcore_get_connection_status(client, &mut status), 0);
        assert_eq!(status, 2, "disconnected");
        assert_eq!(imcore_poll_event(client, 10, &mut out), IMCORE_POLL_TIMEOUT);
        assert!(out.is_null());
        assert_eq!(imcore_poll_event(client, 10, null_mut()), 33003);
        assert_eq!(
            imcore_set_event_callback(client, Some(on_event), null_mut(), None),
            0
        );
        assert_eq!(imcore_poll_event(client, 10, &mut out), 33003);
        assert_eq!(imcore_set_event_callback(client, None, null_mut(), None), 0);
        assert_eq!(imcore_poll_event(client, 10, &mut out), IMCORE_POLL_TIMEOUT);
        imcore_client_free(client);
    }
}

#[test]
fn poll_hands_out_events_as_owned_json() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, rx) = mpsc::channel::<(i32, String)>();
    unsafe {
        assert_eq!(
            imcore_connect(
                client,
                c("t").as_ptr(),
                Some(on_done),
                &tx as *const Done as *mut c_void
            ),
            0
        );
        let mut out: *mut c_char = null_mut();
        assert_eq!(imcore_poll_event(client, 5_000, &mut out), 0);
        let json = CStr::from_ptr(out).to_str().unwrap().to_owned();
        imcore_string_free(out);
        assert_eq!(json, r#"{"type":"connectionStatus","status":1,"code":0}"#);
        rx.recv_timeout(Duration::from_secs(15)).unwrap();
        imcore_client_free(client);
    }
}

static FINALIZED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

unsafe extern "C" fn finalize(_: *mut c_void) {
    FINALIZED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[test]
fn free_cancels_pending_calls_once_then_finalizes() {
    // A navigation server that accepts connections and never answers keeps `connect` pending.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let (client, _dir) = initialised(&format!("http://{}", silent.local_addr().unwrap()));
    let (tx, rx) = mpsc::channel::<(i32, String)>();
    unsafe {
        assert_eq!(
            imcore_set_event_callback(client, Some(on_event), null_mut(), Some(finalize)),
            0
        );
        assert_eq!(
            imcore_connect(
                client,
                c("t").as_ptr(),
                Some(on_done),
                &tx as *const Done as *mut c_void
            ),
            0
        );
        std::thread::sleep(Duration::from_millis(100));
        assert!(rx.try_recv().is_err());
        imcore_client_free(client);
    }
    let code = rx
        .try_recv()
        .expect("the pending connect completed before free returned")
        .0;
    assert!(
        code == 30002 || code == 33001,
        "cancelled connect reports 30002 (or 33001 if dropped first): {code}"
    );
    assert!(rx.try_recv().is_err(), "exactly once");
    assert_eq!(FINALIZED.load(std::sync::atomic::Ordering::SeqCst), 1);
}

struct Reentrant {
    client: *mut ImcoreClient,
    done: Done,
}

unsafe extern "C" fn free_from_callback(code: i32, _: *const c_char, user_data: *mut c_void) {
    let state = unsafe { &*(user_data as *const Reentrant) };
    let mut status = 0;
    // Calling back into the library from a callback works, and so does freeing the client.
    unsafe {
        assert_eq!(imcore_get_connection_status(state.client, &mut status), 0);
        imcore_client_free(state.client);
    }
    state.done.send((code, String::new())).unwrap();
}

#[test]
fn free_from_inside_a_callback_does_not_deadlock() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, rx) = mpsc::channel();
    let state = Box::new(Reentrant { client, done: tx });
    let text = c(r#"{"objectName":"RC:TxtMsg","content":{"content":"hi"}}"#);
    unsafe {
        let ud = &*state as *const Reentrant as *mut c_void;
        assert_eq!(
            imcore_send_message(
                client,
                1,
                c("b").as_ptr(),
                text.as_ptr(),
                Some(free_from_callback),
                ud
            ),
            0
        );
    }
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap().0, 30001);
    std::thread::sleep(Duration::from_millis(100));
    drop(state);
}
