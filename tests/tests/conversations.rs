//! Conversations, unread counts, search and local message operations of a real client after
//! a real exchange through imserver, and recovery from a corrupted database.

use imcore::{
    ConversationStatusItem, ConversationType, Event, ImClient, InsertMessage, MessageContent,
    MessageDirection, MessageRef, MessageTag, NotificationStatus, Outcome, Params,
};
use imcore_harness::{Client, ServerProcess};
use std::time::Duration;

const PRIVATE: ConversationType = ConversationType::Private;

async fn send(from: &Client, to: &str, content: MessageContent) {
    from.im
        .send_message(PRIVATE, to, content)
        .await
        .expect("send");
}

fn typing() -> MessageContent {
    MessageContent::from_json(
        r#"{"objectName":"RC:TypSts","content":{"typingContentType":"RC:TxtMsg"}}"#,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unread_counts_conversations_and_search_follow_an_exchange() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-conv", "secret-conv");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let cat = Client::connect(&server, &dir.path().join("cat"), "cat").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;

    send(&ann, "bob", MessageContent::text("lunch at noon?")).await;
    send(&ann, "bob", typing()).await;
    send(&ann, "bob", MessageContent::text("我们明天开会")).await;
    send(&cat, "bob", MessageContent::text("hello from cat")).await;
    // Four events: the typing status is announced but not stored or counted.
    let got = tokio::task::spawn_blocking(move || {
        let got = bob.listener.messages(4, Duration::from_secs(10));
        (bob, got)
    })
    .await
    .unwrap();
    let (bob, got) = got;
    assert_eq!(got.iter().filter(|m| m.message_id == 0).count(), 1);

    let list = bob.im.get_conversation_list(None, 10).await.unwrap();
    let order: Vec<_> = list.iter().map(|c| c.target_id.as_str()).collect();
    assert_eq!(order, ["cat", "ann"], "latest first");
    assert_eq!(list[1].unread_message_count, 2);
    assert_eq!(
        list[1].latest_message.as_ref().unwrap().content.value()["content"],
        "我们明天开会"
    );
    assert_eq!(bob.im.get_total_unread_count(None, false).await.unwrap(), 3);
    assert_eq!(bob.im.get_unread_count(PRIVATE, "ann").await.unwrap(), 2);
    // The sender's own messages never count.
    assert_eq!(ann.im.get_total_unread_count(None, false).await.unwrap(), 0);

    let pin = ConversationStatusItem {
        is_top: Some(true),
        notification_status: Some(NotificationStatus::DoNotDisturb),
    };
    bob.im
        .set_conversation_status(PRIVATE, "ann", pin)
        .await
        .unwrap();
    let list = bob.im.get_conversation_list(None, 10).await.unwrap();
    assert_eq!((list[0].target_id.as_str(), list[0].is_top), ("ann", true));
    assert_eq!(
        bob.im.get_total_unread_count(None, false).await.unwrap(),
        1,
        "muted excluded"
    );
    assert_eq!(bob.im.get_total_unread_count(None, true).await.unwrap(), 3);
    assert!(bob.im.clear_unread_count(PRIVATE, "ann").await.unwrap());
    assert_eq!(
        bob.im
            .get_conversation_unread_count(vec![PRIVATE])
            .await
            .unwrap(),
        1
    );
    // The seed's later names, through the one request API: the status now, and clearing every
    // unread count at once (cat's is the one left).
    let status = bob
        .im
        .call_sync("getCurrentConnectionStatus", Params::Json(""));
    assert_eq!(status.unwrap(), "0", "connected");
    let Outcome::Pending(cleared) = bob.im.call("clearTotalUnreadCount", Params::Json("{}")) else {
        panic!("clearTotalUnreadCount is asynchronous");
    };
    assert_eq!(cleared.await.unwrap(), "null");
    assert_eq!(bob.im.get_total_unread_count(None, true).await.unwrap(), 0);

    let found = bob
        .im
        .search_messages(PRIVATE, "ann", "明天", 0, 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let conversations = bob
        .im
        .search_conversation_by_content("from", None)
        .await
        .unwrap();
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].match_count, Some(1));

    // Local-only messages, reads by id and UID, deletion.
    let tip = InsertMessage::from_json(
        r#"{"senderUserId":"ann","messageDirection":2,"objectName":"RC:InfoNtf","content":{"message":"ann changed her name"}}"#,
    )
    .unwrap();
    let tip = bob
        .im
        .insert_message(PRIVATE, "ann", tip, true)
        .await
        .unwrap();
    assert_eq!(tip.message_direction, MessageDirection::Receive);
    assert_eq!(bob.im.get_unread_count(PRIVATE, "ann").await.unwrap(), 0);
    let first = got.iter().find(|m| m.message_id != 0).unwrap();
    let by_uid = bob
        .im
        .get_message(MessageRef::Uid(first.message_uid.clone()))
        .await
        .unwrap();
    assert_eq!(by_uid.unwrap().message_id, first.message_id);
    assert_eq!(
        bob.im.delete_messages(vec![tip.message_id]).await.unwrap(),
        1
    );
    assert!(
        bob.im
            .get_message(MessageRef::Id(tip.message_id))
            .await
            .unwrap()
            .is_none()
    );
    let ann_conversation = bob
        .im
        .get_conversation(PRIVATE, "ann")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ann_conversation.latest_message.unwrap().content.value()["content"],
        "我们明天开会",
        "the latest remaining message"
    );
    assert_eq!(
        bob.im
            .clear_history_messages(PRIVATE, "cat", 0)
            .await
            .unwrap(),
        1
    );

    // Bad input is refused with 33003 and changes nothing.
    assert_eq!(
        bob.im
            .get_conversation_list(None, 0)
            .await
            .unwrap_err()
            .code,
        33003
    );
    assert_eq!(
        bob.im.delete_messages(vec![1; 101]).await.unwrap_err().code,
        33003
    );
    assert_eq!(
        bob.im
            .search_messages(PRIVATE, "ann", "", 0, 10)
            .await
            .unwrap_err()
            .code,
        33003
    );
    assert_eq!(
        bob.im
            .get_history_messages(
                PRIVATE,
                &"x".repeat(65),
                0,
                5,
                imcore::HistoryOrder::Older,
                None
            )
            .await
            .unwrap_err()
            .code,
        33003
    );
    assert_eq!(
        bob.im.get_conversation_list(None, 10).await.unwrap().len(),
        2
    );
}

/// Registers a custom type (process-wide) for the test below.
fn register(
    message_type: &str,
    object_name: &str,
    counted: bool,
    persisted: bool,
    fields: &[&str],
) {
    let tag = MessageTag {
        is_counted: counted,
        is_persisted: persisted,
    };
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    ImClient::register_message_type(message_type, object_name, tag, &fields).unwrap();
}

fn custom(object_name: &str, content: &str) -> MessageContent {
    MessageContent::from_json(&format!(
        r#"{{"objectName":"{object_name}","content":{content}}}"#
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_custom_types_are_sent_counted_stored_and_searched_by_their_tag() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-custom", "secret-custom");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    let unregistered = MessageContent::from_json(r#"{"objectName":"s:never","content":{}}"#);
    assert_eq!(unregistered.unwrap_err().code, 33003);

    register("PersonMessage", "s:person", true, true, &["name", "age"]);
    register("PokeMessage", "s:poke", false, true, &[]);
    register("PresenceMessage", "s:presence", false, false, &[]);
    // Integers beyond 32 bits (seed: must not break) travel and are searchable.
    let person = r#"{"name":"Zhang Wei","age":4294967296123,"extra":"x"}"#;
    send(&ann, "bob", custom("s:person", person)).await;
    send(&ann, "bob", custom("s:poke", "{}")).await;
    send(&ann, "bob", custom("s:presence", r#"{"online":true}"#)).await;
    let (bob, got) = tokio::task::spawn_blocking(move || {
        let got = bob.listener.messages(3, Duration::from_secs(10));
        (bob, got)
    })
    .await
    .unwrap();
    let kinds: Vec<_> = got.iter().map(|m| m.message_type.to_string()).collect();
    assert_eq!(kinds, ["PersonMessage", "PokeMessage", "PresenceMessage"]);
    assert_eq!(got[0].content.value()["age"], 4_294_967_296_123_u64);
    assert_eq!(
        got[2].message_id, 0,
        "a type that is not persisted is not stored"
    );

    assert_eq!(bob.im.get_unread_count(PRIVATE, "ann").await.unwrap(), 1);
    let history = bob
        .im
        .get_history_messages(PRIVATE, "ann", 0, 20, imcore::HistoryOrder::Older, None)
        .await
        .unwrap();
    let stored: Vec<_> = history
        .list
        .iter()
        .map(|m| m.object_name.as_str())
        .collect();
    assert_eq!(stored, ["s:person", "s:poke"]);
    let pokes = bob
        .im
        .get_history_messages(
            PRIVATE,
            "ann",
            0,
            20,
            imcore::HistoryOrder::Older,
            Some("s:poke"),
        )
        .await
        .unwrap();
    assert_eq!(pokes.list.len(), 1);
    assert_eq!(
        (pokes.list[0].message_type.as_ref(), pokes.has_more),
        ("PokeMessage", false)
    );
    let bad_filter = bob
        .im
        .get_history_messages(PRIVATE, "ann", 0, 20, imcore::HistoryOrder::Older, Some(""))
        .await;
    assert_eq!(bad_filter.unwrap_err().code, 33003);
    for keyword in ["Zhang", "4294967296123"] {
        let found = bob
            .im
            .search_messages(PRIVATE, "ann", keyword, 0, 10)
            .await
            .unwrap();
        assert_eq!(found.len(), 1, "{keyword}");
        assert_eq!(found[0].message_type, "PersonMessage");
    }
    assert!(
        bob.im
            .search_messages(PRIVATE, "ann", "extra", 0, 10)
            .await
            .unwrap()
            .is_empty(),
        "only the registered fields are searchable"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_database_is_moved_aside_and_rebuilt_from_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-corrupt", "secret-corrupt");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob_db = dir.path().join("bob");
    {
        let bob = Client::connect(&server, &bob_db, "bob").await;
        for n in 0..5 {
            send(&ann, "bob", MessageContent::text(&format!("m{n}"))).await;
        }
        tokio::task::spawn_blocking(move || {
            bob.listener.messages(5, Duration::from_secs(10));
            drop(bob); // destroy returns once the database is closed
        })
        .await
        .unwrap();
    }
    let file = imcore::database::database_file(&bob_db, &server.app_key, "bob");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    std::fs::write(
        &file,
        b"this is not a database, it was overwritten by a broken disk",
    )
    .unwrap();

    let bob = Client::connect(&server, &bob_db, "bob").await;
    let recovered = tokio::task::spawn_blocking(move || {
        let event = bob.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::DatabaseRecovered { .. })
        });
        let again = bob.listener.messages(5, Duration::from_secs(10));
        (bob, event, again)
    })
    .await
    .unwrap();
    let (bob, event, again) = recovered;
    let Event::DatabaseRecovered { moved_to } = event else {
        unreachable!()
    };
    assert!(
        std::path::Path::new(&moved_to).exists(),
        "the broken file is kept"
    );
    let texts: Vec<_> = again
        .iter()
        .map(|m| m.content.value()["content"].clone())
        .collect();
    assert_eq!(
        texts,
        ["m0", "m1", "m2", "m3", "m4"],
        "rebuilt from the server"
    );
    assert_eq!(bob.im.get_total_unread_count(None, false).await.unwrap(), 5);
}
