//! B is offline while A sends 500; on connect B gets all 500 once, in order, stored locally.

use imcore::{ConversationType, Event, HistoryOrder, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_backlog_arrives_once_in_order_and_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-offline", "secret-offline");
    // Bob connects once and leaves, so the server knows him and his database exists.
    let bob_db = dir.path().join("b");
    drop(Client::connect(&server, &bob_db, "bob").await);

    let a = Client::connect(&server, &dir.path().join("a"), "alice").await;
    for i in 0..500 {
        a.im.send_message(
            ConversationType::Private,
            "bob",
            MessageContent::text(&format!("m{i}")),
        )
        .await
        .expect("send");
    }

    let (im, listener) = Client::init(&server, &bob_db);
    im.connect(&server.token("bob").await)
        .await
        .expect("bob connects");
    let (got, listener) = tokio::task::spawn_blocking(move || {
        let got = listener.messages(500, Duration::from_secs(20));
        (got, listener)
    })
    .await
    .unwrap();
    let texts: Vec<_> = got
        .iter()
        .map(|m| m.content.value()["content"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, (0..500).map(|i| format!("m{i}")).collect::<Vec<_>>());
    assert!(
        got.iter().all(|m| m.offline_message),
        "pulled messages are flagged offline"
    );
    let listener = tokio::task::spawn_blocking(move || {
        listener.wait_for(Duration::from_secs(5), |e| {
            matches!(e, Event::PullOfflineFinished)
        });
        assert!(
            listener
                .next(Duration::from_millis(300))
                .is_none_or(|e| !matches!(e, Event::Message { .. }))
        );
        listener
    })
    .await
    .unwrap();
    drop(listener);

    let page = im
        .get_history_messages(
            ConversationType::Private,
            "alice",
            0,
            20,
            HistoryOrder::Older,
            None,
        )
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(page.list.last().unwrap().content.value()["content"], "m499");
    assert_eq!(
        page.list.first().unwrap().content.value()["content"],
        "m480"
    );

    // A second connect on the same database pulls nothing again.
    im.disconnect().unwrap();
    im.reconnect().await.expect("reconnect after disconnect");
    im.destroy();
}
