//! A server whose store went back in time (here: its data directory restored from an older
//! copy, started with `--new-epoch`) hands out sequence numbers a client has already seen.
//! The client notices the new inbox epoch and pulls its inbox again: the messages sent after
//! the restore arrive exactly once, and what it already had is not announced again.

use imcore::{ConnectionStatus, ConversationType, Event, MessageContent};
use imcore_harness::{Client, ServerProcess, texts};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

async fn send(from: &Client, text: &str) {
    from.im
        .send_message(ConversationType::Private, "bob", MessageContent::text(text))
        .await
        .expect("send");
}

/// Copies the files of directory `from` into `to` (created).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restore_clients_pull_again_and_get_reused_sequence_numbers_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let backup = dir.path().join("backup");
    let mut server = ServerProcess::start(&data, "app-epoch", "secret-epoch");
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("b"), "bob").await;

    send(&alice, "before the backup").await;
    assert_eq!(
        texts(&bob.listener.messages(1, WAIT)),
        ["before the backup"]
    );
    server.kill();
    copy_dir(&data, &backup);
    server.start_again();
    bob.listener.wait_for(WAIT, |e| {
        matches!(
            e,
            Event::ConnectionStatus {
                status: ConnectionStatus::Connected,
                ..
            }
        )
    });
    alice.im.disconnect().unwrap();
    alice.im.reconnect().await.expect("alice reconnects");
    send(&alice, "lost 1").await;
    send(&alice, "lost 2").await;
    assert_eq!(texts(&bob.listener.messages(2, WAIT)), ["lost 1", "lost 2"]);

    // The data directory goes back to the backup: bob's inbox sequences 2 and 3 are handed
    // out again, to new messages.
    bob.im.disconnect().unwrap();
    server.kill();
    std::fs::remove_dir_all(&data).unwrap();
    copy_dir(&backup, &data);
    server.add_args(&["--new-epoch"]);
    server.start_again();
    alice.im.disconnect().unwrap();
    alice.im.reconnect().await.expect("alice reconnects");
    send(&alice, "after 1").await;
    send(&alice, "after 2").await;

    bob.listener.drain();
    bob.im.reconnect().await.expect("bob reconnects");
    let got = tokio::task::spawn_blocking(move || {
        let got = bob.listener.messages(2, WAIT);
        let more = bob.listener.next(Duration::from_millis(500));
        assert!(
            !matches!(more, Some(Event::Message { .. })),
            "nothing else is announced: {more:?}"
        );
        (got, bob)
    })
    .await
    .unwrap();
    assert_eq!(texts(&got.0), ["after 1", "after 2"]);
    let stored: Vec<String> = got
        .1
        .stored_messages()
        .iter()
        .map(|m| m.text().to_owned())
        .collect();
    assert_eq!(
        stored,
        [
            "before the backup",
            "lost 1",
            "lost 2",
            "after 1",
            "after 2"
        ],
        "bob's database keeps what it had, once, and gains the new messages"
    );
}
