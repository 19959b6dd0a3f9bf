//! One login per user and platform: a second desktop login of the same user kicks the first
//! (KickedOfflineByOtherClient, code 6, no reconnect); other platforms stay; with
//! `--multi-device` nobody is kicked.

use imcore::{
    ConnectionStatus, ConversationType, Event, EventQueue, ImClient, InitOptions, MessageContent,
};
use imcore_harness::{Client, ServerProcess};
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(5);

/// A connected web (platform 3) client of `user_id`, with its event queue.
async fn connect_web(
    server: &ServerProcess,
    db_dir: &Path,
    user_id: &str,
) -> (ImClient, EventQueue) {
    let im = ImClient::new();
    let mut options = InitOptions::new(server.navi(), db_dir);
    options.platform = 3;
    im.init(&server.app_key, options).expect("init");
    let events = im.events().expect("initialised");
    let connected = im
        .connect(&server.token(user_id).await)
        .await
        .expect("connect");
    assert_eq!(connected, user_id);
    while events.recv_timeout(Duration::ZERO).is_some() {}
    (im, events)
}

/// Asserts that no connection status change arrives on `events` for `quiet`; other events
/// are ignored.
fn assert_no_status_change(events: &EventQueue, quiet: Duration, who: &str) {
    let start = Instant::now();
    while let Some(event) = events.recv_timeout(quiet.saturating_sub(start.elapsed())) {
        if let Event::ConnectionStatus { status, code } = event {
            panic!("{who}: unexpected status {status:?} (code {code})");
        }
    }
}

/// Waits for the received text message `want` on `events`, skipping other messages (a new
/// login also syncs earlier ones); fails on any connection status change.
fn expect_text(events: &EventQueue, want: &str) {
    let start = Instant::now();
    loop {
        match events.recv_timeout(WAIT.saturating_sub(start.elapsed())) {
            Some(Event::Message { message }) if message.content.value()["content"] == want => {
                return;
            }
            Some(Event::ConnectionStatus { status, code }) => {
                panic!("status {status:?} (code {code}) while waiting for {want:?}")
            }
            Some(_) => {}
            None => panic!("no message {want:?} within {WAIT:?}"),
        }
    }
}

async fn send_text(from: &Client, to: &str, text: &str) {
    from.im
        .send_message(ConversationType::Private, to, MessageContent::text(text))
        .await
        .expect("send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_desktop_login_kicks_the_first_and_web_stays() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-kick", "secret-kick");
    let first = Client::connect(&server, &dir.path().join("first"), "alice").await;
    first.listener.drain();

    let second = Client::connect(&server, &dir.path().join("second"), "alice").await;
    second.listener.drain();
    // The same queue as `second.listener`'s, for the helpers below.
    let second_events = second.im.events().unwrap();
    let kicked = first.listener.wait_for(WAIT, |event| {
        matches!(event, Event::ConnectionStatus { status, .. }
            if *status != ConnectionStatus::Connecting)
    });
    assert!(
        matches!(
            kicked,
            Event::ConnectionStatus {
                status: ConnectionStatus::KickedOfflineByOtherClient,
                code: 6
            }
        ),
        "first client got {kicked:?}"
    );
    // Final: the kicked client does not reconnect (and so does not kick the second back).
    let start = Instant::now();
    while let Some(event) = first
        .listener
        .next(Duration::from_millis(1_200).saturating_sub(start.elapsed()))
    {
        assert!(
            !matches!(event, Event::ConnectionStatus { .. }),
            "the kicked client changed status again: {event:?}"
        );
    }

    // The second login stays connected and receives messages.
    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    send_text(&bob, "alice", "to the second desktop").await;
    expect_text(&second_events, "to the second desktop");

    // A web login of the same user kicks nobody; both receive the next message.
    let (_web, web_events) = connect_web(&server, &dir.path().join("web"), "alice").await;
    send_text(&bob, "alice", "to desktop and web").await;
    expect_text(&web_events, "to desktop and web");
    expect_text(&second_events, "to desktop and web");
    assert_no_status_change(&second_events, Duration::from_millis(300), "desktop");
    assert_no_status_change(&web_events, Duration::from_millis(300), "web");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_device_keeps_both_desktop_logins() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start_with_args(
        &dir.path().join("server"),
        "app-multi",
        "secret-multi",
        &["--multi-device"],
    );
    let first = Client::connect(&server, &dir.path().join("first"), "alice").await;
    let second = Client::connect(&server, &dir.path().join("second"), "alice").await;
    first.listener.drain();
    second.listener.drain();
    let (first_events, second_events) = (first.im.events().unwrap(), second.im.events().unwrap());

    let bob = Client::connect(&server, &dir.path().join("bob"), "bob").await;
    send_text(&bob, "alice", "to every device").await;
    expect_text(&first_events, "to every device");
    expect_text(&second_events, "to every device");
    assert_no_status_change(&first_events, Duration::from_millis(500), "first");
    assert_no_status_change(&second_events, Duration::from_millis(100), "second");
}
