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

/// Calls `method` and waits for its one completion: (code, JSON).
fn completed(client: *mut ImcoreClient, method: &str, params: &str) -> (i32, String) {
    let (tx, rx) = mpsc::channel();
    let accepted = unsafe {
        imcore_call(
            client,
            c(method).as_ptr(),
            c(params).as_ptr(),
            Some(on_done),
            &tx as *const Done as *mut c_void,
        )
    };
    assert_eq!(accepted, 0, "{method} accepted");
    let answer = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(
        rx.recv_timeout(Duration::from_millis(20)).is_err(),
        "{method} completes exactly once"
    );
    answer
}

/// Calls the synchronous `method`: (code, JSON).
fn sync(client: *mut ImcoreClient, method: &str, params: &str) -> (i32, String) {
    let mut out = null_mut();
    let code =
        unsafe { imcore_call_sync(client, c(method).as_ptr(), c(params).as_ptr(), &mut out) };
    let json = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    unsafe { imcore_string_free(out) };
    (code, json)
}

/// Every method with valid parameters.
const VALID: &[(&str, &str)] = &[
    ("connect", r#"{"token":"t"}"#),
    ("reconnect", "{}"),
    ("disconnect", "{}"),
    ("logout", "{}"),
    ("getConnectionStatus", "{}"),
    ("getCurrentConnectionStatus", "{}"),
    ("getCurrentUserId", "{}"),
    (
        "registerMessageType",
        r#"{"messageType":"AbiValid","objectName":"abi:valid","messageTag":{"isCounted":false,"isPersited":true}}"#,
    ),
    (
        "sendMessage",
        r#"{"conversationType":1,"targetId":"bob","message":{"objectName":"RC:TxtMsg","content":{"content":"hi"}}}"#,
    ),
    ("resendMessage", r#"{"messageId":1}"#),
    (
        "getHistoryMessages",
        r#"{"conversationType":1,"targetId":"bob","timestamp":0,"count":10,"order":0}"#,
    ),
    ("getMessage", r#"{"message":"BKNA-0000-0000-0000"}"#),
    (
        "insertMessage",
        r#"{"conversationType":1,"targetId":"bob","message":{"senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{"content":"x"}}}"#,
    ),
    (
        "insertMessages",
        r#"{"conversationType":1,"targetId":"bob","messages":[{"senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{"content":"x"}}]}"#,
    ),
    (
        "setMessageContent",
        r#"{"messageId":1,"content":{"content":"edited"}}"#,
    ),
    (
        "setMessageReceivedStatus",
        r#"{"messageId":1,"receivedStatus":1}"#,
    ),
    ("setMessageSentStatus", r#"{"messageId":1,"sentStatus":30}"#),
    ("deleteMessages", r#"{"messageIds":[1,2]}"#),
    (
        "clearHistoryMessages",
        r#"{"conversationType":1,"targetId":"bob","timestamp":0}"#,
    ),
    ("getConversationList", r#"{"types":[1,3],"count":10}"#),
    (
        "getConversation",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    (
        "removeConversation",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    ("clearConversations", "{}"),
    (
        "setConversationStatus",
        r#"{"conversationType":1,"targetId":"bob","status":{"isTop":true}}"#,
    ),
    ("getTotalUnreadCount", "{}"),
    (
        "getUnreadCount",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    ("getConversationUnreadCount", r#"{"types":[1,3]}"#),
    (
        "clearUnreadCount",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    ("clearAllUnreadCount", "{}"),
    ("clearTotalUnreadCount", "{}"),
    (
        "saveTextMessageDraft",
        r#"{"conversationType":1,"targetId":"bob","draft":"d"}"#,
    ),
    (
        "getTextMessageDraft",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    (
        "clearTextMessageDraft",
        r#"{"conversationType":1,"targetId":"bob"}"#,
    ),
    (
        "getTextMessageDrafts",
        r#"{"count":10,"after":{"conversationType":1,"targetId":"bob"}}"#,
    ),
    (
        "getRemoteHistoryMessages",
        r#"{"conversationType":1,"targetId":"bob","timestamp":0,"count":10,"order":0}"#,
    ),
    ("getRemoteConversationList", r#"{"count":10}"#),
    (
        "deleteRemoteMessages",
        r#"{"conversationType":1,"targetId":"bob","messages":[{"messageUId":"BKNA-0000-0000-0000","sentTime":1,"messageDirection":1}]}"#,
    ),
    (
        "clearRemoteHistoryMessages",
        r#"{"conversationType":1,"targetId":"bob","timestamp":0}"#,
    ),
    (
        "searchConversationByContent",
        r#"{"keyword":"hi","types":[1]}"#,
    ),
    (
        "searchMessages",
        r#"{"conversationType":1,"targetId":"bob","keyword":"hi","timestamp":0,"count":10}"#,
    ),
];

/// The method list as the library reports it: (name, kind).
fn methods() -> Vec<(String, String)> {
    let mut out = null_mut();
    assert_eq!(unsafe { imcore_methods(&mut out) }, 0);
    let json = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    unsafe { imcore_string_free(out) };
    let list: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    list.iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().into(),
                m["kind"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn null_handles_and_arguments_are_33003() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, _rx) = mpsc::channel::<(i32, String)>();
    let ud = &tx as *const Done as *mut c_void;
    let method = c("getConversationList");
    let not_utf8 = [0xffu8, 0xfe, 0];
    unsafe {
        imcore_client_free(null_mut());
        imcore_string_free(null_mut());
        assert_eq!(
            imcore_init(null_mut(), c("k").as_ptr(), c("{}").as_ptr()),
            33003
        );
        assert_eq!(
            imcore_call(null_mut(), method.as_ptr(), null(), Some(on_done), ud),
            33003
        );
        assert_eq!(
            imcore_call(client, null(), null(), Some(on_done), ud),
            33003
        );
        assert_eq!(
            imcore_call(client, method.as_ptr(), null(), None, ud),
            33003
        );
        let bad = not_utf8.as_ptr().cast();
        assert_eq!(imcore_call(client, bad, null(), Some(on_done), ud), 33003);
        assert_eq!(
            imcore_call(client, method.as_ptr(), bad, Some(on_done), ud),
            33003
        );
        assert_eq!(
            imcore_call_sync(client, method.as_ptr(), null(), null_mut()),
            33003
        );
        assert_eq!(imcore_methods(null_mut()), 33003);
        let mut out = null_mut();
        assert_eq!(imcore_poll_event(null_mut(), 0, &mut out), 33003);
        assert_eq!(
            imcore_set_event_callback(null_mut(), Some(on_event), null_mut(), None),
            33003
        );
        imcore_client_free(client);
    }
    assert!(_rx.try_recv().is_err(), "refused calls never complete");
}

#[test]
fn every_method_completes_once_with_33001_before_init_and_bad_init_is_33003() {
    let client = imcore_client_new();
    let listed = methods();
    assert_eq!(listed.len(), VALID.len(), "every method has a case here");
    for (name, kind) in &listed {
        let params = VALID.iter().find(|(m, _)| m == name).expect("a case").1;
        let (code, json) = completed(client, name, params);
        if kind == "global" {
            continue;
        }
        assert_eq!(code, 33001, "{name}: {json}");
        assert!(json.contains(r#""code":33001"#), "{name}: {json}");
        if kind == "sync" {
            assert_eq!(sync(client, name, params).0, 33001, "{name}");
        }
    }
    let mut out = null_mut();
    unsafe {
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
fn every_method_with_valid_parameters_needs_the_user_database_or_a_connection() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    for (name, params) in VALID {
        let (code, json) = completed(client, name, params);
        let expected = match *name {
            // Nothing listens on the navigation port (reconnect retries the failed connect).
            "connect" | "reconnect" => 30007,
            "registerMessageType" | "disconnect" | "logout" => 0,
            "getConnectionStatus" | "getCurrentConnectionStatus" => {
                assert_eq!(json, "2", "disconnected");
                0
            }
            "getCurrentUserId" => {
                assert_eq!(json, "null");
                0
            }
            _ => 30001,
        };
        assert_eq!(code, expected, "{name}: {json}");
    }
    unsafe { imcore_client_free(client) };
}

/// One valid message of an `insertMessages` batch.
const INSERT_ONE: &str = r#"{"senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{"content":"x"}}"#;

#[test]
#[rustfmt::skip]
fn bad_parameters_complete_with_33003() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let insert = |direction: &str| format!(
        r#"{{"conversationType":1,"targetId":"bob","message":{{"senderUserId":"bob","messageDirection":{direction},"objectName":"RC:TxtMsg","content":{{"content":"x"}}}}}}"#
    );
    let hundred_and_one = format!(r#"{{"messageIds":[{}]}}"#, vec!["1"; 101].join(","));
    let bad: Vec<(&str, String)> = [
        ("nope", "{}"),
        ("getConversationList", "{"),
        ("getConversationList", "[]"),
        ("getConversationList", r#"{"types":[2],"count":10}"#),
        ("getConversationList", r#"{"types":["1"],"count":10}"#),
        ("getConversationList", r#"{"count":-1}"#),
        ("getConversationList", r#"{"count":0}"#),
        ("getConversationList", r#"{"count":10,"bogus":1}"#),
        ("getConversationUnreadCount", "{}"),
        ("getRemoteConversationList", r#"{"count":1001}"#),
        ("getConversation", r#"{"conversationType":2,"targetId":"bob"}"#),
        ("getConversation", r#"{"conversationType":1}"#),
        ("getConversation", r#"{"conversationType":1,"targetId":""}"#),
        ("clearHistoryMessages", r#"{"conversationType":1,"targetId":"bob","timestamp":-1}"#),
        ("setConversationStatus", r#"{"conversationType":1,"targetId":"bob","status":{}}"#),
        ("setConversationStatus", r#"{"conversationType":1,"targetId":"bob","status":{"pinned":true}}"#),
        ("setConversationStatus", r#"{"conversationType":1,"targetId":"bob","status":{"notificationStatus":3}}"#),
        ("getMessage", r#"{"message":null}"#),
        ("getMessage", r#"{"message":""}"#),
        ("getMessage", r#"{"message":1.5}"#),
        ("getMessage", r#"{"message":[1]}"#),
        ("setMessageContent", r#"{"messageId":1,"content":[]}"#),
        ("setMessageSentStatus", r#"{"messageId":1,"sentStatus":31}"#),
        ("setMessageReceivedStatus", r#"{"messageId":1,"receivedStatus":256}"#),
        ("deleteMessages", r#"{"messageIds":[]}"#),
        ("deleteRemoteMessages", r#"{"conversationType":1,"targetId":"bob","messages":[]}"#),
        ("deleteRemoteMessages", r#"{"conversationType":1,"targetId":"bob","messages":[{"messageUId":"x"}]}"#),
        ("searchMessages", r#"{"conversationType":1,"targetId":"bob","keyword":"   ","timestamp":0,"count":10}"#),
        ("searchMessages", r#"{"conversationType":1,"targetId":"bob","keyword":"hi","timestamp":0,"count":101}"#),
        ("getRemoteHistoryMessages", r#"{"conversationType":1,"targetId":"bob","timestamp":0,"count":10,"order":2}"#),
        ("sendMessage", r#"{"conversationType":1,"targetId":"bob","message":{"objectName":"RC:Nope","content":{}}}"#),
        ("sendMessage", r#"{"conversationType":1,"targetId":"bob","message":{"objectName":"RC:TxtMsg","content":{"content":5}}}"#),
    ]
    .into_iter()
    .map(|(m, p)| (m, p.to_owned()))
    .chain([
        ("insertMessage", insert("3")),
        ("insertMessage", insert("\"2\"")),
        ("insertMessages", format!(r#"{{"conversationType":1,"targetId":"bob","messages":[{one}]}}"#, one = vec![INSERT_ONE; 501].join(","))),
        ("insertMessages", r#"{"conversationType":1,"targetId":"bob","messages":[]}"#.to_owned()),
        ("insertMessages", format!(r#"{{"messages":[{INSERT_ONE}]}}"#)),
        ("insertMessages", format!(r#"{{"conversationType":1,"messages":[{INSERT_ONE}]}}"#)),
        ("insertMessages", format!(r#"{{"conversationType":1,"targetId":"bob","messages":[{INSERT_ONE},{{"targetId":"ann","senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{{"content":"x"}}}}]}}"#)),
        ("insertMessages", format!(r#"{{"conversationType":1,"targetId":"bob","messages":[{INSERT_ONE},{{"senderUserId":"bob","messageDirection":2,"objectName":"RC:TxtMsg","content":{{"content":5}}}}]}}"#)),
        ("deleteMessages", hundred_and_one),
    ])
    .collect();
    for (method, params) in &bad {
        assert_eq!(completed(client, method, params).0, 33003, "{method} {params}");
    }
    // An asynchronous method is not answered synchronously.
    let (code, json) = sync(client, "getConversationList", r#"{"count":1}"#);
    assert_eq!(code, 33003, "{json}");
    unsafe { imcore_client_free(client) };
}

#[test]
fn ids_that_are_not_utf8_or_hold_control_characters_are_33003() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    // 张三 in GBK, as a C program on a Chinese locale would pass it: refused before any call
    // runs, never decoded lossily into another id.
    let gbk = b"{\"conversationType\":1,\"targetId\":\"\xd5\xc5\xc8\xfd\"}\0";
    let (tx, _rx) = mpsc::channel::<(i32, String)>();
    let accepted = unsafe {
        imcore_call(
            client,
            c("getConversation").as_ptr(),
            gbk.as_ptr() as *const c_char,
            Some(on_done),
            &tx as *const Done as *mut c_void,
        )
    };
    assert_eq!(accepted, 33003);
    for id in [r"a\u0000b", r"bob\n", r"\u0007", r"\u009b"] {
        let params = format!(r#"{{"conversationType":1,"targetId":"{id}"}}"#);
        assert_eq!(
            completed(client, "getConversation", &params).0,
            33003,
            "{id}"
        );
        let params = format!(
            r#"{{"conversationType":1,"targetId":"bob","message":{{"senderUserId":"{id}","messageDirection":2,"objectName":"RC:TxtMsg","content":{{"content":"x"}}}}}}"#
        );
        assert_eq!(completed(client, "insertMessage", &params).0, 33003, "{id}");
    }
    unsafe { imcore_client_free(client) };
}

#[test]
fn polling_times_out_and_is_refused_while_a_callback_is_set() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    unsafe {
        let mut out: *mut c_char = null_mut();
        assert_eq!(
            sync(client, "getConnectionStatus", ""),
            (0, "2".into()),
            "disconnected"
        );
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
        let accepted = imcore_call(
            client,
            c("connect").as_ptr(),
            c(r#"{"token":"t"}"#).as_ptr(),
            Some(on_done),
            &tx as *const Done as *mut c_void,
        );
        assert_eq!(accepted, 0);
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
        let accepted = imcore_call(
            client,
            c("connect").as_ptr(),
            c(r#"{"token":"t"}"#).as_ptr(),
            Some(on_done),
            &tx as *const Done as *mut c_void,
        );
        assert_eq!(accepted, 0);
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
    // Calling back into the library from a callback works, and so does freeing the client.
    assert_eq!(sync(state.client, "getConnectionStatus", "").0, 0);
    unsafe { imcore_client_free(state.client) };
    state.done.send((code, String::new())).unwrap();
}

#[test]
fn free_from_inside_a_callback_does_not_deadlock() {
    let (client, _dir) = initialised("http://127.0.0.1:1");
    let (tx, rx) = mpsc::channel();
    let state = Box::new(Reentrant { client, done: tx });
    let send = c(VALID.iter().find(|(m, _)| *m == "sendMessage").unwrap().1);
    unsafe {
        let ud = &*state as *const Reentrant as *mut c_void;
        let accepted = imcore_call(
            client,
            c("sendMessage").as_ptr(),
            send.as_ptr(),
            Some(free_from_callback),
            ud,
        );
        assert_eq!(accepted, 0);
    }
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap().0, 30001);
    std::thread::sleep(Duration::from_millis(100));
    drop(state);
}

#[test]
fn register_message_type_needs_no_client_and_refuses_bad_ones_with_33003() {
    let register = |message_type: &str, object_name: &str, fields: &str| {
        let params = format!(
            r#"{{"messageType":"{message_type}","objectName":"{object_name}","messageTag":{{"isCounted":true,"isPersited":true}}{fields}}}"#
        );
        sync(null_mut(), "registerMessageType", &params).0
    };
    assert_eq!(
        register(
            "AbiPerson",
            "abi:person",
            r#","searchProps":["name","age"]"#
        ),
        0
    );
    assert_eq!(register("AbiPoke", "abi:poke", ""), 0);
    let kind = imcore::message_types::by_object_name("abi:person").unwrap();
    assert_eq!(
        (kind.message_type, kind.search_fields),
        ("AbiPerson", &["name", "age"][..])
    );
    for (message_type, object_name, fields) in [
        ("AbiBad", "RC:Bad", ""),
        ("AbiBad", "", ""),
        ("TextMessage", "abi:bad", ""),
        ("AbiBad", "abi:bad", r#","searchProps":"name""#),
        ("AbiBad", "abi:bad", r#","searchProps":[1]"#),
    ] {
        assert_eq!(
            register(message_type, object_name, fields),
            33003,
            "{object_name}"
        );
    }
    assert!(imcore::message_types::by_object_name("abi:bad").is_none());
    let (code, json) = sync(null_mut(), "getConnectionStatus", "");
    assert_eq!(
        code, 33001,
        "only global methods work without a client: {json}"
    );
}
