//! The C ABI called as C would call it: bad input gets its seed code, completions fire exactly
//! once, shutdown is orderly, and nothing crashes.

use crate::*;
use std::ffi::{CStr, CString, c_char, c_void};
use std::net::TcpListener;
use std::ptr::{null, null_mut};
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
            imcore_get_history_messages(
                client,
                1,
                c("b").as_ptr(),
                0,
                5,
                7,
                null(),
                Some(on_done),
                ud
            ),
            33003
        );
        assert_eq!(
            imcore_get_history_messages(
                client,
                1,
                c("b").as_ptr(),
                0,
                -1,
                0,
                null(),
                Some(on_done),
                ud
            ),
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
            imcore_get_history_messages(
                client,
                1,
                c("b").as_ptr(),
                0,
                21,
                0,
                null(),
                Some(on_done),
                ud
            ),
            0
        );
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
            33003,
            "count over 20"
        );
        let empty = c("");
        assert_eq!(
            imcore_get_history_messages(
                client,
                1,
                c("b").as_ptr(),
                0,
                5,
                0,
                empty.as_ptr(),
                Some(on_done),
                ud
            ),
            0
        );
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap().0,
            33003,
            "empty objectName filter"
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

/// A C string that lives as long as the test process (for tables of calls).
fn leaked(s: &str) -> *const c_char {
    Box::leak(c(s).into_boxed_c_str()).as_ptr()
}

/// A call with valid arguments, as C would make it.
type Call = Box<dyn Fn(*mut ImcoreClient, ImcoreCompletion, *mut c_void) -> i32>;

/// Every conversation, unread, local message, search and remote call, with valid arguments.
#[rustfmt::skip]
fn calls() -> Vec<(&'static str, Call)> {
    let bob = leaked("bob");
    let types = leaked("[1,3]");
    let status = leaked(r#"{"isTop":true}"#);
    let insert = leaked(r#"{"senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{"content":"x"}}"#);
    let content = leaked(r#"{"content":"edited"}"#);
    let uid = leaked(r#""BKNA-0000-0000-0000""#);
    let keyword = leaked("hi");
    let remote = leaked(r#"[{"messageUId":"BKNA-0000-0000-0000","sentTime":1,"messageDirection":1}]"#);
    let ids: &'static [i64] = &[1, 2];
    vec![
        ("get_conversation_list", Box::new(move |h, cb, ud| unsafe { imcore_get_conversation_list(h, types, 10, cb, ud) })),
        ("get_conversation", Box::new(move |h, cb, ud| unsafe { imcore_get_conversation(h, 1, bob, cb, ud) })),
        ("remove_conversation", Box::new(move |h, cb, ud| unsafe { imcore_remove_conversation(h, 1, bob, cb, ud) })),
        ("clear_conversations", Box::new(move |h, cb, ud| unsafe { imcore_clear_conversations(h, null(), cb, ud) })),
        ("set_conversation_status", Box::new(move |h, cb, ud| unsafe { imcore_set_conversation_status(h, 1, bob, status, cb, ud) })),
        ("get_total_unread_count", Box::new(move |h, cb, ud| unsafe { imcore_get_total_unread_count(h, null(), false, cb, ud) })),
        ("get_unread_count", Box::new(move |h, cb, ud| unsafe { imcore_get_unread_count(h, 1, bob, cb, ud) })),
        ("get_conversation_unread_count", Box::new(move |h, cb, ud| unsafe { imcore_get_conversation_unread_count(h, types, cb, ud) })),
        ("clear_unread_count", Box::new(move |h, cb, ud| unsafe { imcore_clear_unread_count(h, 1, bob, cb, ud) })),
        ("clear_all_unread_count", Box::new(move |h, cb, ud| unsafe { imcore_clear_all_unread_count(h, cb, ud) })),
        ("get_message", Box::new(move |h, cb, ud| unsafe { imcore_get_message(h, uid, cb, ud) })),
        ("insert_message", Box::new(move |h, cb, ud| unsafe { imcore_insert_message(h, 1, bob, insert, cb, ud) })),
        ("set_message_content", Box::new(move |h, cb, ud| unsafe { imcore_set_message_content(h, 1, content, cb, ud) })),
        ("set_message_received_status", Box::new(move |h, cb, ud| unsafe { imcore_set_message_received_status(h, 1, 1, cb, ud) })),
        ("set_message_sent_status", Box::new(move |h, cb, ud| unsafe { imcore_set_message_sent_status(h, 1, 30, cb, ud) })),
        ("delete_messages", Box::new(move |h, cb, ud| unsafe { imcore_delete_messages(h, ids.as_ptr(), ids.len(), cb, ud) })),
        ("clear_history_messages", Box::new(move |h, cb, ud| unsafe { imcore_clear_history_messages(h, 1, bob, 0, cb, ud) })),
        ("search_conversation_by_content", Box::new(move |h, cb, ud| unsafe { imcore_search_conversation_by_content(h, keyword, types, cb, ud) })),
        ("search_messages", Box::new(move |h, cb, ud| unsafe { imcore_search_messages(h, 1, bob, keyword, 0, 10, cb, ud) })),
        ("get_remote_history_messages", Box::new(move |h, cb, ud| unsafe { imcore_get_remote_history_messages(h, 1, bob, 0, 10, 0, cb, ud) })),
        ("get_remote_conversation_list", Box::new(move |h, cb, ud| unsafe { imcore_get_remote_conversation_list(h, 10, cb, ud) })),
        ("delete_remote_messages", Box::new(move |h, cb, ud| unsafe { imcore_delete_remote_messages(h, 1, bob, remote, cb, ud) })),
        ("clear_remote_history_messages", Box::new(move |h, cb, ud| unsafe { imcore_clear_remote_history_messages(h, 1, bob, 0, cb, ud) })),
    ]
}

#[test]
fn every_conversation_and_message_call_checks_handle_init_and_completion() {
    let mut client = imcore_client_new();
    for (name, call) in calls() {
        assert_eq!(
            call(null_mut(), Some(on_done), null_mut()),
            33003,
            "{name}: NULL handle"
        );
        assert_eq!(
            call(client, Some(on_done), null_mut()),
            33001,
            "{name}: before init"
        );
    }
    unsafe { imcore_client_free(client) };
    let _dir;
    (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, rx) = mpsc::channel::<(i32, String)>();
    let ud = &tx as *const Done as *mut c_void;
    for (name, call) in calls() {
        assert_eq!(call(client, None, ud), 33003, "{name}: NULL completion");
        assert_eq!(call(client, Some(on_done), ud), 0, "{name}: accepted");
        let (code, json) = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(
            code, 30001,
            "{name}: the user's database is not open yet: {json}"
        );
        assert!(json.contains(r#""code":30001"#), "{name}: {json}");
        assert!(
            rx.recv_timeout(Duration::from_millis(50)).is_err(),
            "{name}: completes exactly once"
        );
    }
    unsafe { imcore_client_free(client) };
}

#[test]
#[rustfmt::skip]
fn conversation_and_message_calls_refuse_bad_arguments() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, rx) = mpsc::channel::<(i32, String)>();
    let (cb, ud) = (Some(on_done as unsafe extern "C" fn(_, _, _)), &tx as *const Done as *mut c_void);
    let bob = c("bob");
    let b = bob.as_ptr();
    let insert = |direction: &str| c(&format!(
        r#"{{"senderUserId":"bob","messageDirection":{direction},"objectName":"RC:TxtMsg","content":{{"content":"x"}}}}"#
    ));
    unsafe {
        // Conversation types: unknown numbers, NULL or empty targets, malformed type lists.
        for types in ["[2]", "[1,", "{}", r#"["1"]"#, "1"] {
            let types = c(types);
            assert_eq!(imcore_get_conversation_list(client, types.as_ptr(), 10, cb, ud), 33003, "{types:?}");
            assert_eq!(imcore_clear_conversations(client, types.as_ptr(), cb, ud), 33003);
            assert_eq!(imcore_get_total_unread_count(client, types.as_ptr(), true, cb, ud), 33003);
            assert_eq!(imcore_get_conversation_unread_count(client, types.as_ptr(), cb, ud), 33003);
            assert_eq!(imcore_search_conversation_by_content(client, c("hi").as_ptr(), types.as_ptr(), cb, ud), 33003);
        }
        assert_eq!(imcore_get_conversation_unread_count(client, null(), cb, ud), 33003, "types required");
        assert_eq!(imcore_get_conversation_list(client, null(), -1, cb, ud), 33003, "negative count");
        assert_eq!(imcore_get_remote_conversation_list(client, -5, cb, ud), 33003);
        for kind in [0, 2, 5] {
            assert_eq!(imcore_get_conversation(client, kind, b, cb, ud), 33003);
            assert_eq!(imcore_remove_conversation(client, kind, b, cb, ud), 33003);
            assert_eq!(imcore_get_unread_count(client, kind, b, cb, ud), 33003);
            assert_eq!(imcore_clear_unread_count(client, kind, b, cb, ud), 33003);
            assert_eq!(imcore_clear_history_messages(client, kind, b, 0, cb, ud), 33003);
            assert_eq!(imcore_clear_remote_history_messages(client, kind, b, 0, cb, ud), 33003);
        }
        assert_eq!(imcore_get_conversation(client, 1, null(), cb, ud), 33003);
        assert_eq!(imcore_remove_conversation(client, 1, null(), cb, ud), 33003);
        assert_eq!(imcore_get_unread_count(client, 1, null(), cb, ud), 33003);
        assert_eq!(imcore_clear_unread_count(client, 1, null(), cb, ud), 33003);
        assert_eq!(imcore_clear_history_messages(client, 1, null(), 0, cb, ud), 33003);
        assert_eq!(imcore_search_messages(client, 1, null(), c("hi").as_ptr(), 0, 10, cb, ud), 33003);
        assert_eq!(imcore_search_messages(client, 1, b, null(), 0, 10, cb, ud), 33003);
        assert_eq!(imcore_search_messages(client, 1, b, c("hi").as_ptr(), 0, -1, cb, ud), 33003);
        assert_eq!(imcore_search_conversation_by_content(client, null(), null(), cb, ud), 33003);
        assert_eq!(imcore_get_remote_history_messages(client, 1, b, 0, 10, 2, cb, ud), 33003, "order");
        assert_eq!(imcore_get_remote_history_messages(client, 1, b, 0, -1, 0, cb, ud), 33003);
        assert_eq!(imcore_get_remote_history_messages(client, 1, null(), 0, 10, 0, cb, ud), 33003);

        // JSON objects core parses: status items, inserted messages, message refs, remote refs.
        for status in ["{}", "[]", "{", r#"{"pinned":true}"#, r#"{"notificationStatus":3}"#] {
            assert_eq!(imcore_set_conversation_status(client, 1, b, c(status).as_ptr(), cb, ud), 33003, "{status}");
        }
        assert_eq!(imcore_set_conversation_status(client, 1, b, null(), cb, ud), 33003);
        for message in [insert("3"), insert("\"2\""), c("{"), c("[]")] {
            assert_eq!(imcore_insert_message(client, 1, b, message.as_ptr(), cb, ud), 33003, "{message:?}");
        }
        assert_eq!(imcore_insert_message(client, 1, b, null(), cb, ud), 33003);
        assert_eq!(imcore_insert_message(client, 9, b, insert("2").as_ptr(), cb, ud), 33003);
        for which in ["null", r#""""#, "1.5", "{", "[1]", "true"] {
            assert_eq!(imcore_get_message(client, c(which).as_ptr(), cb, ud), 33003, "{which}");
        }
        assert_eq!(imcore_get_message(client, null(), cb, ud), 33003);
        for refs in ["[]", "{}", "[{}]", r#"[{"messageUId":"","sentTime":1,"messageDirection":1}]"#,
                     r#"[{"messageUId":"U","sentTime":1,"messageDirection":1,"x":1}]"#, "["] {
            assert_eq!(imcore_delete_remote_messages(client, 1, b, c(refs).as_ptr(), cb, ud), 33003, "{refs}");
        }
        assert_eq!(imcore_delete_remote_messages(client, 1, b, null(), cb, ud), 33003);

        // Message ids and statuses.
        assert_eq!(imcore_set_message_content(client, 1, null(), cb, ud), 33003);
        assert_eq!(imcore_set_message_sent_status(client, 1, 31, cb, ud), 33003, "unknown sent status");
        assert_eq!(imcore_delete_messages(client, null(), 3, cb, ud), 33003, "NULL ids");
        let ids = [0i64; 2];
        let misaligned = (ids.as_ptr() as *const u8).wrapping_add(1) as *const i64;
        assert_eq!(imcore_delete_messages(client, misaligned, 1, cb, ud), 33003);
        assert_eq!(imcore_delete_messages(client, ids.as_ptr(), usize::MAX, cb, ud), 33003);
        assert!(rx.try_recv().is_err(), "refused calls never complete");

        // Ranges are core's: those calls are accepted and complete once with 33003.
        let hundred_and_one = [1i64; 101];
        let spaces = c("   ");
        let content_array = c("[]");
        let range_checked: [(&str, i32); 9] = [
            ("count 0", imcore_get_conversation_list(client, null(), 0, cb, ud)),
            ("count 1001", imcore_get_remote_conversation_list(client, 1001, cb, ud)),
            ("101 ids", imcore_delete_messages(client, hundred_and_one.as_ptr(), 101, cb, ud)),
            ("no ids", imcore_delete_messages(client, null(), 0, cb, ud)),
            ("received status 256", imcore_set_message_received_status(client, 1, 256, cb, ud)),
            ("content not an object", imcore_set_message_content(client, 1, content_array.as_ptr(), cb, ud)),
            ("keyword of spaces", imcore_search_messages(client, 1, b, spaces.as_ptr(), 0, 10, cb, ud)),
            ("search count 101", imcore_search_messages(client, 1, b, c("hi").as_ptr(), 0, 101, cb, ud)),
            ("negative timestamp", imcore_clear_history_messages(client, 1, b, -1, cb, ud)),
        ];
        for (what, accepted) in range_checked {
            assert_eq!(accepted, 0, "{what}");
            assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap().0, 33003, "{what}");
        }
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "each completes once");
        imcore_client_free(client);
    }
}

#[test]
fn register_message_type_takes_a_tag_and_fields_and_refuses_bad_ones_with_33003() {
    let fields = c(r#"["name","age"]"#);
    let (not_json, not_strings) = (c("{"), c("[1]"));
    unsafe {
        let register = |message_type: &str, object_name: &str, fields: *const c_char| {
            imcore_register_message_type(
                c(message_type).as_ptr(),
                c(object_name).as_ptr(),
                true,
                true,
                fields,
            )
        };
        assert_eq!(register("AbiPerson", "abi:person", fields.as_ptr()), 0);
        assert_eq!(register("AbiPoke", "abi:poke", null()), 0);
        let kind = engine::message_types::by_object_name("abi:person").unwrap();
        assert_eq!(
            (kind.message_type, kind.search_fields),
            ("AbiPerson", &["name", "age"][..])
        );
        for (message_type, object_name, fields) in [
            ("AbiBad", "RC:Bad", null()),
            ("AbiBad", "", null()),
            ("TextMessage", "abi:bad", null()),
            ("AbiBad", "abi:bad", not_json.as_ptr()),
            ("AbiBad", "abi:bad", not_strings.as_ptr()),
        ] {
            assert_eq!(
                register(message_type, object_name, fields),
                33003,
                "{object_name}"
            );
        }
        assert!(engine::message_types::by_object_name("abi:bad").is_none());
        assert_eq!(
            imcore_register_message_type(null(), c("abi:x").as_ptr(), false, false, null()),
            33003
        );
        assert_eq!(
            imcore_register_message_type(c("AbiX").as_ptr(), null(), false, false, null()),
            33003
        );
    }
}
