//! What the server keeps for a user and gives back: one's own messages on one's other devices,
//! cloud history paged on after the local database runs out, the server's conversation list,
//! deletions there that apply to the deleting user only, and conversation statuses shared by
//! the user's devices.

use imcore::{
    ConversationStatus, ConversationStatusItem, ConversationType, Event, HistoryOrder, InitOptions,
    MessageContent, MessageDirection, NotificationStatus, RemoteMessageRef,
};
use imcore_harness::{Client, ServerProcess, texts};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

const PRIVATE: ConversationType = ConversationType::Private;

async fn device(server: &ServerProcess, db: &Path, user: &str, platform: i32) -> Client {
    let mut options = InitOptions::new(server.navi(), db);
    options.platform = platform;
    Client::connect_with(server, options, user).await
}

async fn send_texts(from: &Client, to: &str, texts: impl IntoIterator<Item = String>) {
    for text in texts {
        from.im
            .send_message(PRIVATE, to, MessageContent::text(&text))
            .await
            .expect("send");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_messages_reach_the_senders_other_devices_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_with_args(
        &dir.path().join("server"),
        "app-sync",
        "secret-sync",
        &["--multi-device"],
    );
    let desktop = device(&server, &dir.path().join("ann-desktop"), "ann", 1).await;
    let mobile = device(&server, &dir.path().join("ann-mobile"), "ann", 2).await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    send_texts(&desktop, "bob", (0..3).map(|n| format!("from desktop {n}"))).await;

    let (mobile, desktop, bob) = tokio::task::spawn_blocking(move || {
        let synced = mobile.listener.messages(3, Duration::from_secs(10));
        assert!(
            synced
                .iter()
                .all(|m| m.message_direction == MessageDirection::Send)
        );
        assert!(
            synced
                .iter()
                .all(|m| m.target_id == "bob" && !m.offline_message)
        );
        assert_eq!(texts(&synced)[2], "from desktop 2");
        bob.listener.messages(3, Duration::from_secs(10));
        for quiet in [&desktop.listener, &mobile.listener, &bob.listener] {
            assert!(
                quiet
                    .next(Duration::from_millis(300))
                    .is_none_or(|e| !matches!(e, Event::Message { .. })),
                "nothing announced twice, and the sending device hears nothing"
            );
        }
        (mobile, desktop, bob)
    })
    .await
    .unwrap();
    for client in [&desktop, &mobile] {
        let page = client
            .im
            .get_history_messages(PRIVATE, "bob", 0, 20, HistoryOrder::Older, None)
            .await
            .unwrap();
        assert_eq!(page.list.len(), 3, "stored once on each device");
        let list = client.im.get_conversation_list(None, 10).await.unwrap();
        assert_eq!((list.len(), list[0].unread_message_count), (1, 0));
    }
    assert_eq!(bob.stored_messages().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pages_on_from_the_cloud_without_gaps_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-cloud", "secret-cloud");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    send_texts(&ann, "bob", (0..45).map(|n| format!("m{n:02}"))).await;
    let bob = tokio::task::spawn_blocking(move || {
        bob.listener.messages(45, Duration::from_secs(10));
        bob
    })
    .await
    .unwrap();
    // Only the newest ten stay local; the rest must come from the cloud, in order.
    let tenth_newest = bob
        .im
        .get_history_messages(PRIVATE, "ann", 0, 10, HistoryOrder::Older, None)
        .await
        .unwrap()
        .list[0]
        .sent_time;
    assert_eq!(
        bob.im
            .clear_history_messages(PRIVATE, "ann", tenth_newest - 1)
            .await
            .unwrap(),
        35
    );
    let mut seen = Vec::new();
    let mut cursor = 0;
    loop {
        let page = bob
            .im
            .get_history_messages(PRIVATE, "ann", cursor, 20, HistoryOrder::Older, None)
            .await
            .unwrap();
        let mut page_texts = texts(&page.list);
        page_texts.extend(seen);
        seen = page_texts;
        cursor = page.list[0].sent_time;
        if !page.has_more {
            break;
        }
    }
    let want: Vec<String> = (0..45).map(|n| format!("m{n:02}")).collect();
    assert_eq!(seen, want, "every message once, oldest first");
    assert_eq!(
        bob.stored_messages().len(),
        45,
        "what came from the cloud is stored"
    );
    assert_eq!(
        bob.im.get_total_unread_count(None, false).await.unwrap(),
        45,
        "history is not news"
    );

    let remote = bob
        .im
        .get_remote_history_messages(PRIVATE, "ann", 0, 5, HistoryOrder::Older)
        .await
        .unwrap();
    assert_eq!(texts(&remote.list), ["m40", "m41", "m42", "m43", "m44"]);
    assert!(remote.has_more);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_deletions_and_the_server_conversation_list_are_per_user() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-delete", "secret-delete");
    let ann = Client::connect(&server, &dir.path().join("ann"), "ann").await;
    let cat = Client::connect(&server, &dir.path().join("cat"), "cat").await;
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    send_texts(&ann, "bob", (0..6).map(|n| format!("a{n}"))).await;
    send_texts(&cat, "bob", ["c0".to_owned()]).await;
    let bob = tokio::task::spawn_blocking(move || {
        bob.listener.messages(7, Duration::from_secs(10));
        bob
    })
    .await
    .unwrap();
    let cloud = |client: &Client, peer: &'static str| {
        let im = client.im.clone();
        async move {
            texts(
                &im.get_remote_history_messages(PRIVATE, peer, 0, 100, HistoryOrder::Older)
                    .await
                    .unwrap()
                    .list,
            )
        }
    };
    let page = bob
        .im
        .get_history_messages(PRIVATE, "ann", 0, 20, HistoryOrder::Older, None)
        .await
        .unwrap();
    let doomed: Vec<RemoteMessageRef> = page.list[..2]
        .iter()
        .map(|m| RemoteMessageRef {
            message_uid: m.message_uid.clone(),
            sent_time: m.sent_time,
            message_direction: m.message_direction,
        })
        .collect();
    bob.im
        .delete_remote_messages(PRIVATE, "ann", doomed)
        .await
        .unwrap();
    assert_eq!(cloud(&bob, "ann").await, ["a2", "a3", "a4", "a5"]);
    assert_eq!(cloud(&ann, "bob").await.len(), 6, "ann keeps her copy");
    assert!(
        cloud(&ann, "cat").await.is_empty(),
        "ann never reads the conversation of bob and cat"
    );
    assert_eq!(bob.stored_messages().len(), 5, "deleted locally too");

    bob.im
        .clear_remote_history_messages(PRIVATE, "ann", page.list[3].sent_time)
        .await
        .unwrap();
    assert_eq!(cloud(&bob, "ann").await, ["a4", "a5"]);

    // A new device of bob's pulls his inbox, which skips what he deleted, and catches up.
    let tablet = device(&server, &dir.path().join("bob-tablet"), "bob", 2).await;
    let tablet = tokio::task::spawn_blocking(move || {
        tablet.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::PullOfflineFinished)
        });
        tablet
    })
    .await
    .unwrap();
    let mut on_tablet: Vec<String> = tablet
        .stored_messages()
        .iter()
        .map(|m| m.text().to_owned())
        .collect();
    on_tablet.sort();
    assert_eq!(
        on_tablet,
        ["a4", "a5", "c0"],
        "deleted messages never come back to bob"
    );

    let listed: HashSet<String> = bob
        .im
        .get_remote_conversation_list(100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.target_id)
        .collect();
    assert_eq!(listed, HashSet::from(["ann".to_owned(), "cat".to_owned()]));
    assert!(bob.im.remove_conversation(PRIVATE, "cat").await.unwrap());
    let remote_after = bob.im.get_remote_conversation_list(100).await.unwrap();
    assert_eq!(
        remote_after
            .iter()
            .map(|c| c.target_id.as_str())
            .collect::<Vec<_>>(),
        ["ann"],
        "removed on the server too"
    );
    // Yet another new device pulls cat's message, but the conversation stays removed.
    drop(tablet);
    let phone = device(&server, &dir.path().join("bob-phone"), "bob", 2).await;
    let phone = tokio::task::spawn_blocking(move || {
        phone.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::PullOfflineFinished)
        });
        phone
    })
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let list = phone.im.get_conversation_list(None, 10).await.unwrap();
        let targets: Vec<_> = list.iter().map(|c| c.target_id.as_str()).collect();
        if targets == ["ann"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "a removed conversation came back on a new device: {targets:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(phone.stored_messages().len(), 3, "its messages are kept");
    assert_eq!(
        bob.im
            .delete_remote_messages(PRIVATE, "ann", Vec::new())
            .await
            .unwrap_err()
            .code,
        33003
    );
}

/// Waits (off the async runtime) for `client`'s next `conversationStatus` event.
async fn status_event(client: Client) -> (Client, Vec<ConversationStatus>) {
    tokio::task::spawn_blocking(move || {
        let event = client.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::ConversationStatus { .. })
        });
        let Event::ConversationStatus { statuses } = event else {
            unreachable!("matched above")
        };
        (client, statuses)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversation_statuses_follow_the_user_to_every_device() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_with_args(
        &dir.path().join("server"),
        "app-status",
        "secret-status",
        &["--multi-device"],
    );
    let desktop = device(&server, &dir.path().join("ann-desktop"), "ann", 1).await;
    let mobile = device(&server, &dir.path().join("ann-mobile"), "ann", 2).await;
    let pin = ConversationStatusItem {
        is_top: Some(true),
        notification_status: None,
    };
    desktop
        .im
        .set_conversation_status(PRIVATE, "bob", pin)
        .await
        .unwrap();
    let (mobile, statuses) = status_event(mobile).await;
    let pinned_bob = ConversationStatus {
        conversation_type: PRIVATE,
        target_id: "bob".into(),
        is_top: true,
        notification_status: NotificationStatus::Notify,
    };
    assert_eq!(statuses, std::slice::from_ref(&pinned_bob));
    let on_mobile = mobile.im.get_conversation_list(None, 10).await.unwrap();
    assert_eq!(
        (on_mobile[0].target_id.as_str(), on_mobile[0].is_top),
        ("bob", true)
    );
    assert!(
        desktop
            .listener
            .queued()
            .iter()
            .all(|e| !matches!(e, Event::ConversationStatus { .. })),
        "the device that made the change hears nothing"
    );

    // Changed while the mobile is offline: it catches up when it reconnects.
    mobile.im.disconnect().unwrap();
    let mute = ConversationStatusItem {
        is_top: None,
        notification_status: Some(NotificationStatus::DoNotDisturb),
    };
    desktop
        .im
        .set_conversation_status(PRIVATE, "bob", mute)
        .await
        .unwrap();
    mobile.im.reconnect().await.unwrap();
    let (mobile, statuses) = status_event(mobile).await;
    let muted_bob = ConversationStatus {
        notification_status: NotificationStatus::DoNotDisturb,
        ..pinned_bob
    };
    assert_eq!(statuses, std::slice::from_ref(&muted_bob));
    assert_eq!(
        mobile.im.get_total_unread_count(None, false).await.unwrap(),
        0
    );

    // A new device gets every status.
    let tablet = device(&server, &dir.path().join("ann-tablet"), "ann", 3).await;
    let (tablet, statuses) = status_event(tablet).await;
    assert_eq!(statuses, std::slice::from_ref(&muted_bob));

    // Changed offline, a status shows here at once and reaches the other devices when this one
    // reconnects.
    tablet.im.disconnect().unwrap();
    let unpin = ConversationStatusItem {
        is_top: Some(false),
        notification_status: None,
    };
    tablet
        .im
        .set_conversation_status(PRIVATE, "bob", unpin)
        .await
        .unwrap();
    let on_tablet = tablet.im.get_conversation(PRIVATE, "bob").await.unwrap();
    assert!(!on_tablet.unwrap().is_top);
    let on_desktop = desktop.im.get_conversation(PRIVATE, "bob").await.unwrap();
    assert!(on_desktop.unwrap().is_top, "not yet sent");
    tablet.im.reconnect().await.unwrap();
    let (desktop, statuses) = status_event(desktop).await;
    let unpinned_bob = ConversationStatus {
        is_top: false,
        ..muted_bob
    };
    assert_eq!(statuses, [unpinned_bob]);
    let on_desktop = desktop.im.get_conversation(PRIVATE, "bob").await.unwrap();
    assert!(!on_desktop.unwrap().is_top);
    let on_tablet = tablet.im.get_conversation(PRIVATE, "bob").await.unwrap();
    assert!(!on_tablet.unwrap().is_top, "the server's answer agrees");
}
