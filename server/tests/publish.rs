//! `/message/private/publish.json` and `/message/system/publish.json`: each recipient gets the
//! message once, pushed when online and pulled when offline, in the right conversation (private
//! with the sender, or the SYSTEM conversation whose target is the sender); the sender only
//! with `isIncludeSender=1`; options, flags and bad input; clients cannot send into SYSTEM.

use improto::{Body, InboxMessage, MessageOptions};

mod common;

use common::{TestServer, Ws, expect_alive, pull, recv_pushed, recv_send_ack, send};

const PRIVATE: &str = "/message/private/publish.json";
const SYSTEM: &str = "/message/system/publish.json";

/// Connects `user` (a fresh token), expecting success.
async fn online(server: &TestServer, user: &str) -> Ws {
    let (ws, ack) = server.connect(&server.token(user).await).await;
    assert_eq!(ack.code, 0);
    ws
}

/// The whole inbox of the connection's user.
async fn inbox(ws: &mut Ws) -> Vec<InboxMessage> {
    pull(ws, 99, 0, 500).await.messages
}

/// The pushed entry, and nothing else queued behind it.
async fn pushed_once(ws: &mut Ws) -> InboxMessage {
    let entry = recv_pushed(ws).await;
    expect_alive(ws, 1).await;
    entry
}

/// The `messageUID` answered for each recipient, in order.
fn uids(answer: &serde_json::Value) -> Vec<(String, String)> {
    answer["messageUIDs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let field = |name: &str| u[name].as_str().unwrap().to_owned();
            (field("userId"), field("messageUID"))
        })
        .collect()
}

#[tokio::test]
async fn a_private_publish_reaches_online_and_offline_recipients_once() {
    let server = TestServer::start().await;
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    // The Python SDK's body: raw JSON content, `True` for booleans.
    let answer = server
        .api_ok(
            PRIVATE,
            r#"fromUserId=alice&toUserId=bob&toUserId=carol&objectName=RC:TxtMsg&content={"content": "hello", "extra": "x"}&pushContent=pc&pushData=pd&count=3&verifyBlacklist=1&contentAvailable=1&expansion=True&disablePush=True&pushExt={"title":"t"}"#,
        )
        .await;
    let uids = uids(&answer);
    assert_eq!(
        uids.iter().map(|u| u.0.as_str()).collect::<Vec<_>>(),
        ["bob", "carol"]
    );
    assert_ne!(uids[0].1, uids[1].1, "one message per recipient");

    let live = pushed_once(&mut bob).await;
    assert_eq!(live.message_uid, uids[0].1);
    assert_eq!(
        (live.conversation_type, live.target_id.as_str()),
        (1, "alice")
    );
    assert_eq!(live.sender_user_id, "alice");
    assert_eq!(live.content, r#"{"content": "hello", "extra": "x"}"#);
    assert!(live.persisted && live.counted);
    assert_eq!(
        live.options,
        Some(MessageOptions {
            disable_notification: true,
            push_content: "pc".into(),
            push_data: "pd".into(),
            ..Default::default()
        })
    );
    assert_eq!(inbox(&mut bob).await.len(), 1);

    // Offline: pulled once on connecting.
    let mut carol = online(&server, "carol").await;
    let pulled = inbox(&mut carol).await;
    assert_eq!(pulled.len(), 1);
    assert_eq!(pulled[0].message_uid, uids[1].1);
    assert_eq!(pulled[0].target_id, "alice");

    // Without isIncludeSender the sender gets nothing, live or pulled.
    expect_alive(&mut alice, 2).await;
    assert!(inbox(&mut alice).await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn the_sender_gets_its_own_entry_only_when_included() {
    let server = TestServer::start().await;
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    // The Go SDK's body: everything sent, percent-encoded.
    let answer = server
        .api_ok(
            PRIVATE,
            "objectName=RC%3ATxtMsg&content=%7B%22content%22%3A%22hi%22%7D&pushContent=&count=0&fromUserId=alice&isCounted=1&isIncludeSender=1&expansion=false&disablePush=false&toUserId=bob&pushData=&verifyBlacklist=0&isPersisted=1&contentAvailable=0",
        )
        .await;
    let uid = &uids(&answer)[0].1;
    let own = pushed_once(&mut alice).await;
    assert_eq!(&own.message_uid, uid);
    assert_eq!((own.conversation_type, own.target_id.as_str()), (1, "bob"));
    assert_eq!(own.options, None);
    assert_eq!(&pushed_once(&mut bob).await.message_uid, uid);
    assert_eq!(inbox(&mut alice).await.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn a_system_publish_arrives_in_the_system_conversation_of_the_sender() {
    let server = TestServer::start().await;
    let mut bob = online(&server, "bob").await;
    let answer = server
        .api_ok(
            SYSTEM,
            r#"fromUserId=admin&toUserId=bob&toUserId=carol&objectName=RC:TxtMsg&content={"content": "notice"}&pushContent=pc&isPersisted=0&contentAvailable=1&disablePush=True&isIncludeSender=1"#,
        )
        .await;
    let uids = uids(&answer);
    let live = pushed_once(&mut bob).await;
    assert_eq!(live.message_uid, uids[0].1);
    assert_eq!(
        (live.conversation_type, live.target_id.as_str()),
        (6, "admin")
    );
    assert_eq!(live.sender_user_id, "admin");
    // isPersisted=0: delivered, not kept in history.
    assert!(!live.persisted);
    let mut carol = online(&server, "carol").await;
    let pulled = inbox(&mut carol).await;
    assert_eq!(pulled.len(), 1);
    assert_eq!(
        (pulled[0].conversation_type, pulled[0].target_id.as_str()),
        (6, "admin")
    );
    // The system sender never gets an entry (isIncludeSender is private only).
    let mut admin = online(&server, "admin").await;
    assert!(inbox(&mut admin).await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn built_in_flags_hold_and_custom_types_take_the_callers() {
    let server = TestServer::start().await;
    let mut bob = online(&server, "bob").await;
    for (form, persisted, counted) in [
        // The table wins: asking to store a typing status stores nothing.
        (
            r#"objectName=RC:TypSts&content={"typingContentType":"RC:TxtMsg"}&isPersisted=1"#,
            false,
            false,
        ),
        (
            r#"objectName=RC:InfoNtf&content={"message":"m"}&isCounted=1"#,
            true,
            false,
        ),
        (
            r#"objectName=RC:TxtMsg&content={"content":"c"}&isCounted=0"#,
            true,
            false,
        ),
        (
            r#"objectName=app:card&content={"a":1}&isPersisted=0&isCounted=1"#,
            false,
            true,
        ),
        // Content given as a JSON string (the Python SDK handed a str) is unwrapped.
        (
            r#"objectName=RC:TxtMsg&content="{\"content\":\"s\"}""#,
            true,
            true,
        ),
    ] {
        server
            .api_ok(PRIVATE, &format!("fromUserId=alice&toUserId=bob&{form}"))
            .await;
        let live = pushed_once(&mut bob).await;
        assert_eq!(
            (live.persisted, live.counted),
            (persisted, counted),
            "{form}"
        );
    }
    assert_eq!(
        inbox(&mut bob).await.last().unwrap().content,
        r#"{"content":"s"}"#
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_delivered() {
    let server = TestServer::start().await;
    let mut bob = online(&server, "bob").await;
    let text = r#"objectName=RC:TxtMsg&content={"content":"c"}"#;
    let many = |n: usize| -> String { (0..n).map(|i| format!("toUserId=u{i}&")).collect() };
    for (path, form, code) in [
        (PRIVATE, format!("toUserId=bob&{text}"), 1002),
        (PRIVATE, format!("fromUserId=a b&toUserId=bob&{text}"), 1002),
        (PRIVATE, format!("fromUserId=alice&{text}"), 1002),
        (
            PRIVATE,
            format!("fromUserId=alice&{}{text}", many(1001)),
            1002,
        ),
        (
            SYSTEM,
            format!("fromUserId=admin&{}{text}", many(101)),
            1002,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&content={}".into(),
            1002,
        ),
        (
            PRIVATE,
            format!(
                "fromUserId=alice&toUserId=bob&objectName={}&content={{}}",
                "x".repeat(33)
            ),
            1005,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&objectName=RC:TxtMsg".into(),
            1002,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&objectName=RC:TxtMsg&content={not json".into(),
            1002,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&objectName=RC:TxtMsg&content={\"content\":5}".into(),
            1002,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&objectName=RC:Nope&content={}".into(),
            1002,
        ),
        (
            PRIVATE,
            "fromUserId=alice&toUserId=bob&objectName=app:x&content=[1]".into(),
            1002,
        ),
        (
            PRIVATE,
            format!("fromUserId=alice&toUserId=bob&{text}&isPersisted=maybe"),
            1002,
        ),
        (
            SYSTEM,
            format!("fromUserId=admin&toUserId=bob&{text}&disablePush=yes"),
            1002,
        ),
    ] {
        assert_eq!(server.api_refused(path, &form).await, code, "{path} {form}");
    }
    // Exactly the limits are fine.
    server
        .api_ok(SYSTEM, &format!("fromUserId=admin&{}{text}", many(100)))
        .await;
    expect_alive(&mut bob, 3).await;
    assert!(inbox(&mut bob).await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_client_cannot_send_into_the_system_conversation() {
    let server = TestServer::start().await;
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    let mut system_send = common::text_message(1, "bob", "k1");
    if let Body::Send(send) = &mut system_send {
        send.conversation_type = improto::kinds::conversation_type::SYSTEM;
    }
    send(&mut alice, system_send).await;
    assert_eq!(recv_send_ack(&mut alice).await.code, 33003);
    expect_alive(&mut bob, 4).await;
    assert!(inbox(&mut bob).await.is_empty());
    server.stop().await;
}
