//! Seed error codes from the core API: before init, before connect, bad parameters, bad tokens.

use imcore::{
    ConversationType, HistoryOrder, ImClient, InitOptions, MAX_CONTENT_BYTES, MessageContent,
};
use imcore_harness::{Client, ServerProcess};

#[tokio::test]
async fn calls_before_init_fail_with_33001() {
    let im = ImClient::new();
    assert_eq!(im.connect("t").await.unwrap_err().code, 33001);
    let text = MessageContent::text("hi");
    assert_eq!(
        im.send_message(ConversationType::Private, "bob", text)
            .await
            .unwrap_err()
            .code,
        33001
    );
    assert_eq!(im.disconnect().unwrap_err().code, 33001);
    assert_eq!(im.events().err().unwrap().code, 33001);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_parameters_and_unconnected_calls() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-errors", "secret-errors");
    let (im, _listener) = Client::init(&server, &dir.path().join("c"));
    assert_eq!(
        im.init("again", InitOptions::new(server.navi(), dir.path()))
            .unwrap_err()
            .code,
        33003
    );
    let text = || MessageContent::text("hi");
    assert_eq!(
        im.send_message(ConversationType::Private, "bob", text())
            .await
            .unwrap_err()
            .code,
        30001
    );
    assert_eq!(im.connect("").await.unwrap_err().code, 33003);

    let bad_token = im.connect("not-a-token").await.unwrap_err();
    assert_eq!(bad_token.code, 31004, "token incorrect: {bad_token}");
    assert_eq!(
        im.connection_status().unwrap(),
        imcore::ConnectionStatus::TokenIncorrect
    );

    let alice = server.token("alice").await;
    assert_eq!(im.connect(&alice).await.unwrap(), "alice");
    let big = MessageContent::text(&"x".repeat(MAX_CONTENT_BYTES));
    assert_eq!(
        im.send_message(ConversationType::Private, "bob", big)
            .await
            .unwrap_err()
            .code,
        30016
    );
    assert_eq!(
        im.send_message(ConversationType::Private, "", text())
            .await
            .unwrap_err()
            .code,
        33003
    );
    assert_eq!(
        im.send_message(ConversationType::Private, &"x".repeat(65), text())
            .await
            .unwrap_err()
            .code,
        33003
    );
    // The system conversation takes no messages from clients.
    assert_eq!(
        im.send_message(ConversationType::System, "admin", text())
            .await
            .unwrap_err()
            .code,
        33003
    );
    let nothing = im.get_conversation(ConversationType::System, "admin").await;
    assert_eq!(nothing.unwrap(), None, "nothing is stored, not even FAILED");
    for count in [0, 21] {
        let err = im
            .get_history_messages(
                ConversationType::Private,
                "bob",
                0,
                count,
                HistoryOrder::Older,
                None,
            )
            .await;
        assert_eq!(err.unwrap_err().code, 33003);
    }
    im.destroy();

    // A client initialised with another app key: the server does not know it.
    let other = ImClient::new();
    other
        .init(
            "no-such-app",
            InitOptions::new(server.navi(), dir.path().join("o")),
        )
        .unwrap();
    assert_eq!(other.connect(&alice).await.unwrap_err().code, 31002);
    other.destroy();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_send_fails_with_30003_is_stored_failed_and_a_late_ack_makes_it_sent() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-timeout", "secret-timeout");
    let im = ImClient::new();
    let mut options = InitOptions::new(server.navi(), dir.path().join("c"));
    options.request_timeout_ms = 300;
    im.init(&server.app_key, options).unwrap();
    im.connect(&server.token("alice").await).await.unwrap();

    server.freeze(true);
    let failed = im
        .send_message(
            ConversationType::Private,
            "bob",
            MessageContent::text("lost?"),
        )
        .await;
    let failed = failed.unwrap_err();
    assert_eq!(failed.code, 30003);
    let failed_message = failed.failed_message.expect("the failed message");
    let latest = || async {
        im.get_history_messages(
            ConversationType::Private,
            "bob",
            0,
            1,
            HistoryOrder::Older,
            None,
        )
        .await
        .unwrap()
        .list
        .remove(0)
    };
    let stored = latest().await;
    assert_eq!(stored.sent_status, imcore::SentStatus::Failed);
    assert_eq!(stored.message_uid, "", "no server id for a failed message");
    assert_eq!(
        *failed_message, stored,
        "the error carries the stored message"
    );
    // The frozen server had read the message: its late acknowledgement makes it SENT.
    server.freeze(false);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let sent = loop {
        let message = latest().await;
        if message.sent_status == imcore::SentStatus::Sent || std::time::Instant::now() > deadline {
            break message;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(sent.sent_status, imcore::SentStatus::Sent);
    assert_eq!(
        sent.message_id, stored.message_id,
        "the same row, not a second one"
    );
    assert!(!sent.message_uid.is_empty());
    im.destroy();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_while_connecting_is_33006_and_reconnect_needs_a_disconnect_35007() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-states", "secret-states");
    let (im, _listener) = Client::init(&server, &dir.path().join("c"));
    let token = server.token("alice").await;
    assert_eq!(
        im.reconnect().await.unwrap_err().code,
        35007,
        "nothing to reconnect yet"
    );

    server.freeze(true);
    let first = tokio::spawn({
        let (im, token) = (im.clone(), token.clone());
        async move { im.connect(&token).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(im.connect(&token).await.unwrap_err().code, 33006);
    server.freeze(false);
    assert_eq!(first.await.unwrap().unwrap(), "alice");

    assert_eq!(
        im.reconnect().await.unwrap_err().code,
        35007,
        "still connected"
    );
    im.disconnect().unwrap();
    assert_eq!(im.reconnect().await.unwrap(), "alice");
    im.destroy();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_faster_than_five_a_second_fails_with_20604_and_a_later_resend_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_with_args(
        &dir.path().join("server"),
        "app-rate",
        "secret-rate",
        &["--max-sends-per-second", "5"],
    );
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    let started = std::time::Instant::now();
    let mut accepted = 0;
    for i in 0..10 {
        let text = MessageContent::text(&format!("m{i}"));
        match ann
            .im
            .send_message(ConversationType::Private, "bob", text)
            .await
        {
            Ok(_) => accepted += 1,
            Err(e) => assert_eq!(e.code, imcore::code::SEND_TOO_FREQUENT, "{e:?}"),
        }
    }
    // Five at once, then one per 200 ms: ten sends within a second cannot all pass.
    if started.elapsed() < std::time::Duration::from_secs(1) {
        assert!((5..10).contains(&accepted), "{accepted} of 10 accepted");
    }
    let history = ann
        .im
        .get_history_messages(
            ConversationType::Private,
            "bob",
            0,
            20,
            HistoryOrder::Older,
            None,
        )
        .await
        .unwrap();
    let failed: Vec<_> = history
        .list
        .iter()
        .filter(|m| m.sent_status == imcore::SentStatus::Failed)
        .collect();
    assert_eq!(
        failed.len(),
        10 - accepted,
        "refused sends are stored FAILED"
    );

    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    let resent = ann.im.resend_message(failed[0].message_id).await.unwrap();
    assert_eq!(resent.sent_status, imcore::SentStatus::Sent);
    let bob = tokio::task::spawn_blocking(move || {
        let got = bob
            .listener
            .messages(accepted + 1, std::time::Duration::from_secs(10));
        assert_eq!(got.len(), accepted + 1);
        bob
    })
    .await
    .unwrap();
    assert_eq!(
        bob.stored_messages().len(),
        accepted + 1,
        "refused sends never arrive"
    );
}
