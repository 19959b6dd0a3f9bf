//! imserver is killed and restarted on the same data dir between sends: nothing is lost and
//! nothing duplicated; clients reconnect by themselves.

use imcore::{ConnectionStatus, ConversationType, Event, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::time::Duration;

async fn send_range(a: &Client, range: std::ops::Range<usize>) {
    for i in range {
        a.im.send_message(
            ConversationType::Private,
            "bob",
            MessageContent::text(&format!("r{i}")),
        )
        .await
        .expect("send");
    }
}

/// Kills and restarts imserver, then waits until `client` noticed and reconnected by itself.
fn restart_and_wait(server: &mut ServerProcess, client: &Client) {
    client.listener.drain();
    server.restart();
    client.listener.wait_for(Duration::from_secs(20), |e| {
        matches!(
            e,
            Event::ConnectionStatus {
                status: ConnectionStatus::Connected,
                ..
            }
        )
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restart_between_sends_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut server =
        ServerProcess::start(&dir.path().join("server"), "app-restart", "secret-restart");
    let a = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let b = Client::connect(&server, &dir.path().join("b"), "bob").await;

    send_range(&a, 0..100).await;
    restart_and_wait(&mut server, &a);
    send_range(&a, 100..200).await;
    restart_and_wait(&mut server, &a);
    // Bob is disconnected by hand this time and reconnects after Alice's next sends.
    b.im.disconnect().unwrap();
    send_range(&a, 200..300).await;
    b.im.reconnect().await.expect("bob reconnects");

    let got = tokio::task::spawn_blocking(move || {
        let got = b.listener.messages(300, Duration::from_secs(20));
        assert!(
            b.listener
                .next(Duration::from_millis(300))
                .is_none_or(|e| !matches!(e, Event::Message { .. }))
        );
        got
    })
    .await
    .unwrap();
    let texts: Vec<_> = got
        .iter()
        .map(|m| m.content.value()["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, (0..300).map(|i| format!("r{i}")).collect::<Vec<_>>());
}
