//! A store write that fails (the database cannot grow, as on a full disk) refuses that send
//! with 30014 and nothing else: the server stays up, keeps the connection, and serves reads.

mod common;

use common::{ServerBinary, expect_alive, pull, recv_send_ack, send};

#[tokio::test]
async fn a_failed_store_write_refuses_the_send_and_the_server_stays_up() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--max-sends-per-second", "0"];
    let mut server = ServerBinary::start_with_file_limit(dir.path(), &args, 4 << 20);
    let mut alice = server.connect(&server.token("alice").await).await;
    let content = format!(r#"{{"content":"{}"}}"#, "x".repeat(100 * 1024));
    let mut stored = 0;
    let refused = loop {
        let n = stored + 1;
        assert!(n <= 200, "200 sends of 100 KB fitted in a 4 MB file limit");
        let message = improto::Body::Send(improto::Send {
            request_id: n,
            conversation_type: 1,
            target_id: "bob".into(),
            object_name: "RC:TxtMsg".into(),
            content: content.clone(),
            client_message_id: format!("m{n}"),
            persisted: true,
            counted: true,
            ..Default::default()
        });
        send(&mut alice, message).await;
        let ack = recv_send_ack(&mut alice).await;
        if ack.code != 0 {
            break ack;
        }
        // The push of alice's own entry follows a stored send.
        common::recv_pushed(&mut alice).await;
        stored = n;
    };
    assert_eq!(refused.code, 30014, "{refused:?}");
    assert!(stored > 0, "the first send already failed");
    assert!(server.running(), "imserver exited");
    // The same connection is served: pings, and pulls of what was stored.
    expect_alive(&mut alice, 1).await;
    let page = pull(&mut alice, 1, 0, 1).await;
    assert_eq!(page.messages.len(), 1);
    assert!(server.running(), "imserver exited");
}
