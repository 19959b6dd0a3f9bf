//! What the server accepts as message content, spoken over the wire as a hand-written client
//! would: content a recipient could not parse, and built-in types without their fields, are
//! refused with 33003 and reach no one.

mod common;

use common::{
    TestServer, expect_alive, history, recv_ack_and_own_entry, recv_send_ack, send, text_message,
};
use improto::Body;

fn message(request_id: u64, object_name: &str, content: &str) -> Body {
    Body::Send(improto::Send {
        request_id,
        conversation_type: 1,
        target_id: "bob".into(),
        object_name: object_name.into(),
        content: content.into(),
        client_message_id: format!("c{request_id}"),
        persisted: true,
        counted: true,
        ..Default::default()
    })
}

#[tokio::test]
async fn refuses_content_a_recipient_could_not_read_and_built_in_types_without_their_fields() {
    let server = TestServer::start().await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let deep = format!(
        r#"{{"content":"x","d":{}{}}}"#,
        "[".repeat(127),
        "]".repeat(127)
    );
    let refused = [
        ("RC:TxtMsg", r#"{"content":"\ud800 abc"}"#.to_owned()),
        ("app:card", r#"{"title":"\udc00"}"#.to_owned()),
        ("RC:TxtMsg", deep),
        ("app:card", "[1,2]".to_owned()),
        ("app:card", r#""text""#.to_owned()),
        ("RC:TxtMsg", r#"{"content":null}"#.to_owned()),
        ("RC:TxtMsg", r#"{"content":5}"#.to_owned()),
        ("RC:TxtMsg", "{}".to_owned()),
        ("RC:ImgMsg", "5".to_owned()),
        (
            "RC:ImgMsg",
            r#"{"content":5,"imageUri":"https://x/y.jpg"}"#.to_owned(),
        ),
        ("RC:TypSts", r#"{"typingContentType":1}"#.to_owned()),
    ];
    for (i, (object_name, content)) in refused.iter().enumerate() {
        let request_id = i as u64 + 1;
        send(&mut alice, message(request_id, object_name, content)).await;
        let ack = recv_send_ack(&mut alice).await;
        assert_eq!(
            (ack.request_id, ack.code),
            (request_id, 33003),
            "{object_name} {content}"
        );
    }
    expect_alive(&mut alice, 1).await;

    // A custom type keeps only the generic rules; a built-in one with its fields passes.
    send(&mut alice, message(100, "app:card", r#"{"content":5}"#)).await;
    recv_ack_and_own_entry(&mut alice).await;
    let image = r#"{"content":"base64","imageUri":"https://x/y.jpg","extra":"e"}"#;
    send(&mut alice, message(101, "RC:ImgMsg", image)).await;
    recv_ack_and_own_entry(&mut alice).await;
    send(&mut alice, text_message(102, "bob", "c102")).await;
    recv_ack_and_own_entry(&mut alice).await;

    let (mut bob, ack) = server.connect(&server.token("bob").await).await;
    assert_eq!(
        ack.inbox_seq, 3,
        "only the three accepted messages reached bob"
    );
    let page = history(&mut bob, 1, "alice", 0, 100, 0).await;
    let contents: Vec<&str> = page.messages.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(
        contents,
        [r#"{"content":"message 102"}"#, image, r#"{"content":5}"#]
    );
}
