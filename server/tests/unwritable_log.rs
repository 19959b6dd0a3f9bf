//! The `imserver` binary keeps serving when its log cannot be written (stderr on a full disk,
//! here `/dev/full`): getToken, connect and send work, and the process stays up.

use std::process::Stdio;

mod common;

use common::{ServerBinary, recv, recv_ack_and_own_entry, send, text_message};

#[tokio::test]
async fn keeps_serving_when_stderr_is_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let dev_full = std::fs::File::create("/dev/full").expect("/dev/full");
    let mut server =
        ServerBinary::start(dir.path(), &["--log-level", "trace"], Stdio::from(dev_full));
    let (alice, bob) = (server.token("alice").await, server.token("bob").await);
    let mut alice = server.connect(&alice).await;
    let mut bob = server.connect(&bob).await;
    for n in 1..=3 {
        send(&mut alice, text_message(n, "bob", &format!("m{n}"))).await;
        recv_ack_and_own_entry(&mut alice).await;
        match recv(&mut bob).await {
            improto::Body::Delivery(d) => assert_eq!(d.messages[0].seq, n),
            other => panic!("expected a push, got {other:?}"),
        }
    }
    // Connections that end (and are logged) leave the server up.
    drop(alice);
    drop(bob);
    let carol = server.token("carol").await;
    let _carol = server.connect(&carol).await;
    assert!(server.running(), "imserver exited");
}
