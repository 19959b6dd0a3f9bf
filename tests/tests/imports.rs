//! History imports through `insertMessages` on a real client of a real imserver: one
//! transaction a call, a message the server already delivered not stored twice, unread and
//! mention counting as delivery counts, and all or nothing for a bad batch.

use imcore::{
    ConversationType, HistoryOrder, ImClient, MessageContent, MessageRef, Outcome, Params, code,
};
use imcore_harness::{Client, ServerProcess};
use serde_json::{Value, json};
use std::time::Duration;

const PRIVATE: ConversationType = ConversationType::Private;
const GROUP: ConversationType = ConversationType::Group;

/// Runs `insertMessages` through the one request API the shells use: the stored messages, or
/// the refusal's code (bad parameters are refused before the call runs).
async fn insert_messages(im: &ImClient, params: Value) -> Result<Vec<Value>, i32> {
    let params = params.to_string();
    let answer = match im.call("insertMessages", Params::Json(&params)) {
        Outcome::Done(refused) => refused,
        Outcome::Pending(answer) => answer.await,
    };
    answer
        .map(|json| serde_json::from_str(&json).unwrap())
        .map_err(|e| e.code)
}

/// A received text from `sender`, with an optional server UID.
fn received(sender: &str, text: &str, uid: Option<&str>, sent_time: i64) -> Value {
    let mut message = json!({
        "senderUserId": sender, "messageDirection": 2, "objectName": "RC:TxtMsg",
        "content": {"content": text}, "sentTime": sent_time,
    });
    if let Some(uid) = uid {
        message["messageUId"] = uid.into();
    }
    message
}

/// Every message stored in a private conversation with `peer`, oldest first (local pages).
async fn history(im: &ImClient, peer: &str) -> Vec<String> {
    let page = im
        .get_history_messages(PRIVATE, peer, 0, 20, HistoryOrder::Newer, None)
        .await
        .unwrap();
    page.list
        .iter()
        .map(|m| {
            m.content.value()["content"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_counted_like_delivery_deduplicated_and_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-import", "secret-import");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    ann.im
        .send_message(PRIVATE, "bob", MessageContent::text("hello bob"))
        .await
        .unwrap();
    let bob = tokio::task::spawn_blocking(move || {
        assert_eq!(bob.listener.messages(1, Duration::from_secs(10)).len(), 1);
        bob
    })
    .await
    .unwrap();
    let delivered = bob
        .im
        .get_conversation(PRIVATE, "ann")
        .await
        .unwrap()
        .unwrap()
        .latest_message
        .unwrap();

    // One call: the delivered message again (by its UID), an older received text, my own
    // reply, a group message mentioning me, and a tip.
    let batch = json!({"conversationType": 1, "targetId": "ann", "messages": [
        received("ann", "hello bob", Some(&delivered.message_uid), delivered.sent_time),
        received("ann", "an imported question", Some("IMP-1"), 1_000),
        {"senderUserId": "bob", "messageDirection": 1, "objectName": "RC:TxtMsg",
         "content": {"content": "an imported answer"}, "sentTime": 2_000, "messageUId": "IMP-2"},
        {"conversationType": 3, "targetId": "team", "senderUserId": "ann", "messageDirection": 2,
         "objectName": "RC:TxtMsg", "sentTime": 3_000, "messageUId": "IMP-3",
         "content": {"content": "@bob see this", "mentionedInfo": {"type": 2, "userIdList": ["bob"]}}},
        {"senderUserId": "ann", "messageDirection": 2, "objectName": "RC:InfoNtf",
         "content": {"message": "an imported tip"}, "sentTime": 4_000},
    ]});
    let stored = insert_messages(&bob.im, batch.clone()).await.unwrap();
    assert_eq!(
        stored.len(),
        5,
        "one answer per message, in the given order"
    );
    assert_eq!(
        stored[0]["messageId"],
        json!(delivered.message_id),
        "the delivered message is not stored twice"
    );
    assert_eq!(stored[3]["conversationType"], json!(3));
    assert_eq!(
        history(&bob.im, "ann").await,
        [
            "an imported question",
            "an imported answer",
            "",
            "hello bob"
        ]
    );
    // Counted as delivery counts: the delivered text and the imported received text; not my
    // own answer nor the tip. The group message counts, with its mention.
    assert_eq!(bob.im.get_unread_count(PRIVATE, "ann").await.unwrap(), 2);
    let team = bob
        .im
        .get_conversation(GROUP, "team")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            team.unread_message_count,
            team.mentioned_count,
            team.has_mentioned
        ),
        (1, 1, true)
    );
    let found = bob
        .im
        .search_messages(PRIVATE, "ann", "imported question", 0, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "indexed for search");

    // The same import again stores nothing it names by UID and answers the same messages; the
    // tip, which has no UID, is stored again.
    let again = insert_messages(&bob.im, batch).await.unwrap();
    let ids = |list: &[Value]| {
        list.iter()
            .map(|m| m["messageId"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&again)[..4], ids(&stored)[..4]);
    assert_ne!(again[4]["messageId"], stored[4]["messageId"]);
    assert_eq!(bob.im.get_unread_count(PRIVATE, "ann").await.unwrap(), 2);

    // A bad message anywhere refuses the whole call, naming it; nothing of it is stored.
    let bad = json!({"conversationType": 1, "targetId": "ann", "messages": [
        received("ann", "never stored", Some("IMP-9"), 5_000),
        received("ann", "never stored either", None, 5_001),
        {"senderUserId": "ann", "messageDirection": 2, "objectName": "RC:TxtMsg", "content": {"content": 5}},
    ]});
    assert_eq!(
        insert_messages(&bob.im, bad).await,
        Err(code::INVALID_PARAMETER)
    );
    assert!(
        bob.im
            .get_message(MessageRef::Uid("IMP-9".into()))
            .await
            .unwrap()
            .is_none()
    );
    let too_many: Vec<Value> = (0..501)
        .map(|i| received("ann", "x", None, 10_000 + i))
        .collect();
    for messages in [json!([]), json!(too_many)] {
        let call = json!({"conversationType": 1, "targetId": "ann", "messages": messages});
        assert_eq!(
            insert_messages(&bob.im, call).await,
            Err(code::INVALID_PARAMETER)
        );
    }
    assert_eq!(
        history(&bob.im, "ann").await.len(),
        5,
        "four, and the tip again"
    );

    // The caller may import history as read.
    let quiet = json!({"conversationType": 1, "targetId": "dan", "countUnread": false,
        "messages": [received("dan", "an old message", None, 6_000)]});
    insert_messages(&bob.im, quiet).await.unwrap();
    assert_eq!(bob.im.get_unread_count(PRIVATE, "dan").await.unwrap(), 0);
    assert_eq!(history(&bob.im, "dan").await, ["an old message"]);
}
