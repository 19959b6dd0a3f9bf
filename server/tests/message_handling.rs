//! How the server keeps each message, spoken over the wire: types not kept for offline
//! recipients (`RC:TypSts`) and status messages reach only the connections online now and are
//! written nowhere; commands are delivered (also later) but kept out of history; sending
//! options travel with a kept message to the recipient, the sender's own entry, pulls and
//! history.

mod common;

use common::{
    TestServer, expect_alive, history, pull, recv_ack_and_own_entry, recv_pushed, recv_send_ack,
    send,
};
use improto::{Body, MessageOptions};

fn message(request_id: u64, object_name: &str, content: &str) -> improto::Send {
    improto::Send {
        request_id,
        conversation_type: 1,
        target_id: "bob".into(),
        object_name: object_name.into(),
        content: content.into(),
        client_message_id: format!("k{request_id}"),
        persisted: true,
        counted: true,
        ..Default::default()
    }
}

const TYPING: &str = r#"{"typingContentType":"RC:TxtMsg"}"#;
const TEXT: &str = r#"{"content":"hi"}"#;

#[tokio::test]
async fn messages_are_kept_as_their_type_and_status_flag_say_with_their_options() {
    let server = TestServer::start_with(|c| c.max_sends_per_second = 0).await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;

    // Online: typing and a status text reach bob outside his inbox, not alice's other devices.
    let status_text = improto::Send {
        is_status: true,
        ..message(2, "RC:TxtMsg", TEXT)
    };
    for (send_frame, object_name) in [
        (message(1, "RC:TypSts", TYPING), "RC:TypSts"),
        (status_text, "RC:TxtMsg"),
    ] {
        let request_id = send_frame.request_id;
        send(&mut alice, Body::Send(send_frame)).await;
        let ack = recv_send_ack(&mut alice).await;
        assert_eq!((ack.request_id, ack.code), (request_id, 0));
        assert!(!ack.message_uid.is_empty() && ack.sent_time > 0);
        let pushed = recv_pushed(&mut bob).await;
        assert_eq!((pushed.seq, pushed.is_status), (0, true), "{object_name}");
        assert_eq!(
            (pushed.object_name.as_str(), pushed.message_uid),
            (object_name, ack.message_uid)
        );
        expect_alive(&mut alice, request_id).await;
    }

    // Kept: options reach bob and alice's own entry.
    let options = MessageOptions {
        disable_notification: true,
        push_content: "push".into(),
        push_config: r#"{"pushTitle":"t","iOSConfig":{"threadId":"x"}}"#.into(),
        ..Default::default()
    };
    let with_options = improto::Send {
        options: Some(options.clone()),
        ..message(3, "RC:TxtMsg", TEXT)
    };
    send(&mut alice, Body::Send(with_options)).await;
    let (_, own) = recv_ack_and_own_entry(&mut alice).await;
    assert_eq!(own.options.as_ref(), Some(&options));
    let pushed = recv_pushed(&mut bob).await;
    assert_eq!((pushed.seq, pushed.options.as_ref()), (1, Some(&options)));

    // Bad options are refused and reach no one.
    let bad = improto::Send {
        options: Some(MessageOptions {
            push_config: r#"{"badge":1}"#.into(),
            ..Default::default()
        }),
        ..message(4, "RC:TxtMsg", TEXT)
    };
    send(&mut alice, Body::Send(bad)).await;
    assert_eq!(recv_send_ack(&mut alice).await.code, 33003);

    // Offline: bob later gets the command, never the typing or the status message.
    drop(bob);
    for frame in [
        message(5, "RC:TypSts", TYPING),
        improto::Send {
            is_status: true,
            ..message(6, "RC:TxtMsg", TEXT)
        },
    ] {
        send(&mut alice, Body::Send(frame)).await;
        assert_eq!(recv_send_ack(&mut alice).await.code, 0);
        expect_alive(&mut alice, 6).await;
    }
    send(
        &mut alice,
        Body::Send(message(7, "RC:CmdMsg", r#"{"name":"sync"}"#)),
    )
    .await;
    recv_ack_and_own_entry(&mut alice).await;
    let (mut bob, ack) = server.connect(&server.token("bob").await).await;
    assert_eq!(ack.inbox_seq, 2);
    let page = pull(&mut bob, 1, 0, 100).await;
    let got: Vec<_> = page
        .messages
        .iter()
        .map(|m| (m.object_name.as_str(), m.options.as_ref()))
        .collect();
    assert_eq!(got, [("RC:TxtMsg", Some(&options)), ("RC:CmdMsg", None)]);
    let page = history(&mut bob, 2, "alice", 0, 100, 0).await;
    let [kept] = <[_; 1]>::try_from(page.messages).expect("only the text is history");
    assert_eq!(kept.options.as_ref(), Some(&options));
    let rows: i64 = server
        .database()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2, "typing and status messages are written nowhere");
}
