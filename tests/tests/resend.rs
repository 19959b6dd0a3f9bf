//! A send that timed out (30003) is stored FAILED; resending it uses the same idempotency
//! key, so the receiver gets the message exactly once although the first attempt arrived.
//! (The first attempt's late acknowledgement may also make it SENT before the resend: either
//! way there is one message at each end.)

use imcore::{
    ConversationType, Event, HistoryOrder, ImClient, InitOptions, MessageContent, SentStatus,
};
use imcore_harness::{Client, ServerProcess};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resending_a_failed_message_never_duplicates_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-resend", "secret-resend");
    let b = Client::connect(&server, &dir.path().join("b"), "bob").await;
    let a = ImClient::new();
    let mut options = InitOptions::new(server.navi(), dir.path().join("a"));
    options.request_timeout_ms = 300;
    a.init(&server.app_key, options).unwrap();
    a.connect(&server.token("alice").await).await.unwrap();

    server.freeze(true);
    let first = a
        .send_message(
            ConversationType::Private,
            "bob",
            MessageContent::text("exactly once"),
        )
        .await;
    assert_eq!(first.unwrap_err().code, 30003);
    server.freeze(false); // the server now handles the first attempt after all

    let page = a
        .get_history_messages(
            ConversationType::Private,
            "bob",
            0,
            1,
            HistoryOrder::Older,
            None,
        )
        .await
        .unwrap();
    let failed = &page.list[0];
    let resent = match a.resend_message(failed.message_id).await {
        Ok(resent) => resent,
        // The late acknowledgement came first.
        Err(e) if e.code == 33003 => a
            .get_message(imcore::MessageRef::Id(failed.message_id))
            .await
            .unwrap()
            .unwrap(),
        Err(e) => panic!("resend: {e:?}"),
    };
    assert_eq!(resent.message_id, failed.message_id);
    assert_eq!(resent.sent_status, SentStatus::Sent);
    assert_eq!(
        a.resend_message(failed.message_id).await.unwrap_err().code,
        33003,
        "only failed messages"
    );
    let all = a
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
    assert_eq!(all.list.len(), 1, "one row at the sender");
    assert_eq!(a.resend_message(-5).await.unwrap_err().code, 33003);

    let got = tokio::task::spawn_blocking(move || {
        let got = b.listener.messages(1, Duration::from_secs(10));
        assert!(
            b.listener
                .next(Duration::from_millis(500))
                .is_none_or(|e| !matches!(e, Event::Message { .. }))
        );
        got
    })
    .await
    .unwrap();
    assert_eq!(
        got[0].message_uid, resent.message_uid,
        "the first attempt's server id"
    );
    a.destroy();
}
