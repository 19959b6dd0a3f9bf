//! Every built-in message type (seed §4) between two users, from the one table the shells
//! share (`imcore_harness::samples`, committed as `tests/fixtures/message_types.json`): each
//! arrives whole (with `user`, `extra`, `burnDuration`), local and remote history hold exactly
//! the stored types, search finds the types with search fields, only counted types count as
//! unread, and a recipient who was offline gets only the types kept for offline recipients.
//! Then the sending options: carried to the recipient's Message fields and into history;
//! status messages reach only the online; bad options are refused before anything is sent.

use imcore::{Event, ImClient, Message, Outcome, Params};
use imcore_harness::samples::{FIXTURE, fixture_text, samples};
use imcore_harness::{Client, Listener, ServerProcess};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// Runs `method` as the shells do, JSON in and out.
async fn call(im: &ImClient, method: &str, params: Value) -> Result<Value, i32> {
    let params = params.to_string();
    let result = match im.call(method, Params::Json(&params)) {
        Outcome::Pending(task) => task.await,
        Outcome::Done(result) => result,
    };
    result
        .map(|json| serde_json::from_str(&json).expect("results are JSON"))
        .map_err(|e| e.code)
}

/// The `sendMessage` parameters sending `sample` to `to`.
fn send_params(to: &str, sample: &Value) -> Value {
    json!({
        "conversationType": 1,
        "targetId": to,
        "message": {"objectName": sample["objectName"], "content": sample["content"]},
    })
}

/// One conversation's messages from `method` (local or remote history), oldest first.
async fn history(im: &ImClient, method: &str, peer: &str) -> Vec<Value> {
    let count = if method == "getHistoryMessages" {
        20
    } else {
        100
    };
    let page = json!({"conversationType": 1, "targetId": peer, "timestamp": 0, "count": count,
        "order": 1});
    let page = call(im, method, page).await.expect(method);
    assert_eq!(page["hasMore"], false, "{method}: one page holds them all");
    page["list"].as_array().unwrap().clone()
}

/// The received messages until the offline pull finished.
fn until_offline_finished(listener: &Listener) -> Vec<Message> {
    let mut got = Vec::new();
    loop {
        match listener.next(WAIT).expect("pullOfflineFinished") {
            Event::Message { message } => got.push(message),
            Event::PullOfflineFinished => return got,
            _ => {}
        }
    }
}

fn names<'a>(messages: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    messages
        .into_iter()
        .map(|m| m["objectName"].as_str().unwrap().to_owned())
        .collect()
}

/// The object names of the samples with `flag` set.
fn with(flag: &str) -> Vec<String> {
    names(samples().iter().filter(|s| s[flag] == true))
}

#[test]
fn the_shared_table_is_fresh() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FIXTURE);
    if std::env::var_os("IMCORE_BLESS").is_some() {
        std::fs::write(&path, fixture_text()).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fixture_text(),
        "{FIXTURE} is stale: run IMCORE_BLESS=1 cargo test -p imcore-harness --test message_types"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_built_in_type_travels_and_reads_back_as_its_flags_say() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-types", "secret-types");
    let alice = Client::connect(&server, &dir.path().join("alice"), "alice").await;
    let bob_db = dir.path().join("bob");
    let bob = Client::connect(&server, &bob_db, "bob").await;
    bob.listener
        .wait_for(WAIT, |e| matches!(e, Event::PullOfflineFinished));
    let samples = samples();

    for sample in &samples {
        let sent = call(&alice.im, "sendMessage", send_params("bob", sample))
            .await
            .unwrap_or_else(|code| panic!("{}: {code}", sample["objectName"]));
        assert_eq!(sent["content"], sample["content"]);
        assert_eq!(sent["messageType"], sample["messageType"]);
        let stored = sent["messageId"].as_i64().unwrap() != 0;
        assert_eq!(
            stored,
            sample["persisted"] == true,
            "{}",
            sample["objectName"]
        );
    }
    // Online, bob gets every type, in order, whole.
    let got = bob.listener.messages(samples.len(), WAIT);
    for (message, sample) in got.iter().zip(&samples) {
        assert_eq!(message.object_name, sample["objectName"].as_str().unwrap());
        assert_eq!(message.content.value(), sample["content"]);
        assert_eq!(
            message.message_type,
            sample["messageType"].as_str().unwrap()
        );
    }

    for (im, peer) in [(&alice.im, "bob"), (&bob.im, "alice")] {
        for method in ["getHistoryMessages", "getRemoteHistoryMessages"] {
            let list = history(im, method, peer).await;
            assert_eq!(names(&list), with("persisted"), "{peer} {method}");
            for m in &list {
                let sample = samples.iter().find(|s| s["objectName"] == m["objectName"]);
                assert_eq!(m["content"], sample.unwrap()["content"], "{method}");
            }
        }
    }
    for sample in samples.iter().filter(|s| !s["keyword"].is_null()) {
        let search = json!({"conversationType": 1, "targetId": "alice",
            "keyword": sample["keyword"], "timestamp": 0, "count": 10});
        let found = call(&bob.im, "searchMessages", search).await.unwrap();
        assert_eq!(
            names(found.as_array().unwrap()),
            [sample["objectName"].as_str().unwrap()],
            "searching {}",
            sample["keyword"]
        );
    }
    let unread = call(
        &bob.im,
        "getUnreadCount",
        json!({"conversationType": 1, "targetId": "alice"}),
    )
    .await;
    assert_eq!(unread, Ok(json!(with("counted").len())));

    // Offline, bob later gets only the types kept for offline recipients.
    drop(bob);
    for sample in &samples {
        call(&alice.im, "sendMessage", send_params("bob", sample))
            .await
            .unwrap();
    }
    let (im, listener) = Client::init(&server, &bob_db);
    im.connect(&server.token("bob").await).await.unwrap();
    let pulled = until_offline_finished(&listener);
    let pulled: Vec<String> = pulled.iter().map(|m| m.object_name.clone()).collect();
    assert_eq!(pulled, with("offline"));
    im.destroy();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_options_become_the_messages_fields_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-opts", "secret-opts");
    let alice = Client::connect(&server, &dir.path().join("alice"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    bob.listener
        .wait_for(WAIT, |e| matches!(e, Event::PullOfflineFinished));

    let push_config = json!({"pushTitle": "title", "pushContent": "c", "pushData": "d",
        "forceShowDetailContent": true, "disablePushTitle": false,
        "iOSConfig": {"threadId": "t", "apnsCollapseId": "a", "category": "c", "richMediaUri": "u"},
        "androidConfig": {"notificationId": "n", "channelIdMi": "m", "channelIdHW": "h",
            "channelIdOPPO": "o", "typeVivo": "1"},
        "templateId": "tpl"});
    let mut params = send_params(
        "bob",
        &json!({"objectName": "RC:TxtMsg",
        "content": {"content": "silent"}}),
    );
    params["isMentioned"] = json!(true);
    params["pushContent"] = json!("you have mail");
    params["pushData"] = json!("{\"k\":1}");
    params["methodType"] = Value::Null;
    params["config"] = json!({"disableNotification": true, "isVoipPush": true,
        "pushConfig": push_config});
    let sent = call(&alice.im, "sendMessage", params).await.unwrap();
    let has_options = |m: &Value, who: &str| {
        assert_eq!(m["disableNotification"], true, "{who}");
        // The config's own pushContent and pushData win over the send's.
        assert_eq!(m["pushConfig"], push_config, "{who}");
        assert_eq!(m["isStatusMessage"], false, "{who}");
    };
    has_options(&sent, "sender");
    assert_eq!(sent["isMentioned"], true);
    let [received] = <[_; 1]>::try_from(bob.listener.messages(1, WAIT)).unwrap();
    has_options(&serde_json::to_value(&received).unwrap(), "recipient");
    for (im, peer) in [(&alice.im, "bob"), (&bob.im, "alice")] {
        let [local] = <[_; 1]>::try_from(history(im, "getHistoryMessages", peer).await).unwrap();
        has_options(&local, &format!("{peer}'s peer, local history"));
    }
    // A new device of bob's reads them from the server.
    let fresh = Client::connect(&server, &dir.path().join("bob-2"), "bob").await;
    let [remote] =
        <[_; 1]>::try_from(history(&fresh.im, "getRemoteHistoryMessages", "alice").await).unwrap();
    has_options(&remote, "remote history");
    drop(fresh);
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    bob.listener
        .wait_for(WAIT, |e| matches!(e, Event::PullOfflineFinished));

    // A status message: bob, online, gets it; never stored, and never pulled by the offline.
    let mut status = send_params(
        "bob",
        &json!({"objectName": "RC:TxtMsg",
        "content": {"content": "status"}}),
    );
    status["config"] = json!({"isStatusMessage": true});
    let sent = call(&alice.im, "sendMessage", status.clone())
        .await
        .unwrap();
    assert_eq!(
        (sent["messageId"].clone(), sent["isStatusMessage"].clone()),
        (json!(0), json!(true))
    );
    let [live] = <[_; 1]>::try_from(bob.listener.messages(1, WAIT)).unwrap();
    assert!(live.is_status_message && live.message_id == 0);
    let stored_before = bob.stored_messages().len();
    drop(bob);
    let mut deprecated = status.clone();
    deprecated["config"] = json!({"isStatus": true});
    call(&alice.im, "sendMessage", deprecated).await.unwrap();
    let (im, listener) = Client::init(&server, &dir.path().join("bob"));
    im.connect(&server.token("bob").await).await.unwrap();
    assert!(
        until_offline_finished(&listener).is_empty(),
        "status messages are not kept"
    );
    im.destroy();
    assert_eq!(alice.stored_messages().len(), 1, "only the silent text");
    assert_eq!(stored_before, 1);

    // Bad options are refused before anything is stored or sent.
    let text = json!({"objectName": "RC:TxtMsg", "content": {"content": "x"}});
    let bad_mentions = json!({"objectName": "RC:TxtMsg",
        "content": {"content": "x", "mentionedInfo": {"type": 2, "userIdList": "bob"}}});
    for (field, value, message) in [
        ("pushContent", json!("x".repeat(1025)), &text),
        ("config", json!({"pushConfig": {"badge": 1}}), &text),
        ("config", json!({"pushConfig": "title"}), &text),
        ("config", json!({"userIds": ["bob"]}), &text),
        ("config", json!({"unknown": true}), &text),
        ("methodType", json!("x"), &text),
        ("isMentioned", json!(true), &bad_mentions),
    ] {
        let mut params = send_params("bob", message);
        params[field] = value;
        let refused = call(&alice.im, "sendMessage", params.clone()).await;
        assert_eq!(refused, Err(33003), "{params}");
    }
    assert_eq!(alice.stored_messages().len(), 1, "nothing more was stored");
}
