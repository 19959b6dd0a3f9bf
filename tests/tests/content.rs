//! Message content through the SDK: what the contract refuses (`improto::content`) is refused
//! before anything is sent, and what it accepts — nesting at the limit, escaped surrogate
//! pairs, any Unicode — comes back whole from every read of the receiver.

use imcore::{ImClient, InitOptions, Outcome, Params};
use imcore_harness::{Client, ServerProcess};
use improto::limits::MAX_CONTENT_DEPTH;
use serde_json::Value;
use std::time::Duration;

/// Runs `method` as the shells do, JSON text in and out.
async fn call(im: &ImClient, method: &str, params: &str) -> Result<Value, i32> {
    let result = match im.call(method, Params::Json(params)) {
        Outcome::Pending(task) => task.await,
        Outcome::Done(result) => result,
    };
    result
        .map(|json| serde_json::from_str(&json).expect("results are JSON"))
        .map_err(|e| e.code)
}

fn send_params(object_name: &str, content: &str) -> String {
    format!(
        r#"{{"conversationType":1,"targetId":"bob","message":{{"objectName":"{object_name}","content":{content}}}}}"#
    )
}

/// A TextMessage content whose `d` field nests arrays so that the content is `depth` deep.
fn nested_text(depth: usize) -> String {
    let arrays = depth - 1;
    format!(
        r#"{{"content":"deep","d":{}{}}}"#,
        "[".repeat(arrays),
        "]".repeat(arrays)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdk_refuses_malformed_built_in_types_before_sending() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-shape", "secret-shape");
    let mut options = InitOptions::new(server.navi(), dir.path().join("alice"));
    // A send that did reach the frozen server would fail with 30003 after this.
    options.request_timeout_ms = 1_500;
    let alice = Client::connect_with(&server, options, "alice").await;

    server.freeze(true);
    for (object_name, content) in [
        ("RC:TxtMsg", r#"{"content":null}"#.to_owned()),
        ("RC:TxtMsg", r#"{"content":5}"#.to_owned()),
        ("RC:TxtMsg", r#"{"content":"hi","user":"ann"}"#.to_owned()),
        ("RC:ImgMsg", "5".to_owned()),
        (
            "RC:ImgMsg",
            r#"{"content":5,"imageUri":"https://x/y.jpg"}"#.to_owned(),
        ),
        ("RC:ImgMsg", r#"{"content":"base64"}"#.to_owned()),
        (
            "RC:FileMsg",
            r#"{"name":"a","size":"3","type":"t","fileUrl":"u"}"#.to_owned(),
        ),
        (
            "RC:LBSMsg",
            r#"{"latitude":"1","longitude":2,"poi":"p","content":"c"}"#.to_owned(),
        ),
        ("RC:InfoNtf", "{}".to_owned()),
        ("RC:TypSts", r#"{"typingContentType":1}"#.to_owned()),
        ("RC:TxtMsg", r#"{"content":"\ud800 abc"}"#.to_owned()),
        ("RC:TxtMsg", nested_text(MAX_CONTENT_DEPTH + 1)),
    ] {
        let sent = call(
            &alice.im,
            "sendMessage",
            &send_params(object_name, &content),
        )
        .await;
        assert_eq!(sent, Err(33003), "{object_name} {content}");
    }
    server.freeze(false);
    assert!(alice.stored_messages().is_empty(), "nothing was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_returns_content_nested_at_the_limit_and_escaped_surrogate_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-text", "secret-text");
    let alice = Client::connect(&server, &dir.path().join("alice"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;

    let unicode =
        r#"{"content":"\ud83d\ude00 \u00e9\u4f60 😀 é你好 \" \\ \n","extra":"\ud834\udd1e"}"#;
    let deep = nested_text(MAX_CONTENT_DEPTH);
    let mut sent = Vec::new();
    for content in [unicode, deep.as_str()] {
        let message = call(&alice.im, "sendMessage", &send_params("RC:TxtMsg", content))
            .await
            .expect("accepted");
        assert_eq!(
            message["content"],
            serde_json::from_str::<Value>(content).unwrap()
        );
        sent.push(message["content"].clone());
    }
    let received = bob.listener.messages(2, Duration::from_secs(10));
    let received: Vec<Value> = received.iter().map(|m| m.content.value()).collect();
    assert_eq!(received, sent);

    let list = call(&bob.im, "getConversationList", r#"{"count":10}"#).await;
    assert_eq!(list.unwrap()[0]["latestMessage"]["content"], sent[1]);
    let one = call(
        &bob.im,
        "getConversation",
        r#"{"conversationType":1,"targetId":"alice"}"#,
    )
    .await;
    assert_eq!(one.unwrap()["latestMessage"]["content"], sent[1]);
    let page = r#"{"conversationType":1,"targetId":"alice","timestamp":0,"count":10,"order":1}"#;
    for method in ["getHistoryMessages", "getRemoteHistoryMessages"] {
        let history = call(&bob.im, method, page).await.expect(method);
        let contents: Vec<&Value> = history["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["content"])
            .collect();
        assert_eq!(contents.len(), 2, "{method}");
        assert!(sent.iter().all(|c| contents.contains(&c)), "{method}");
    }
}
