//! A server that stops answering (SIGSTOP) is detected by the heartbeat; the client reconnects
//! by itself once it answers again. A busy calls thread (a slow search) delays neither
//! delivery nor heartbeats.

use imcore::{ConnectionStatus, ConversationType, Event, ImClient, InitOptions, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn wait_status(events: &imcore::EventQueue, want: ConnectionStatus, within: Duration) -> Duration {
    let start = Instant::now();
    while let Some(event) = events.recv_timeout(within.saturating_sub(start.elapsed())) {
        if matches!(event, Event::ConnectionStatus { status, .. } if status == want) {
            return start.elapsed();
        }
    }
    panic!("no {want:?} within {within:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_ping_declares_the_connection_dead_then_it_reconnects() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        &dir.path().join("server"),
        "app-heartbeat",
        "secret-heartbeat",
    );
    let im = ImClient::new();
    let mut options = InitOptions::new(server.navi(), dir.path().join("c"));
    options.heartbeat_interval_ms = 200;
    options.heartbeat_timeout_ms = 300;
    im.init(&server.app_key, options).unwrap();
    let events = im.events().unwrap();
    im.connect(&server.token("alice").await).await.unwrap();
    // Settled once the (empty) offline pull is over.
    while !matches!(
        events.recv_timeout(Duration::from_secs(5)),
        Some(imcore::Event::PullOfflineFinished) | None
    ) {}

    // A quiet but healthy line stays up: pings are answered.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let quiet = events.recv_timeout(Duration::ZERO);
    assert!(
        quiet.is_none(),
        "no status change while the server answers, got {quiet:?}"
    );

    server.freeze(true);
    let detected = tokio::task::spawn_blocking({
        let events = events.clone();
        move || {
            wait_status(
                &events,
                ConnectionStatus::NetworkUnavailable,
                Duration::from_secs(5),
            )
        }
    })
    .await
    .unwrap();
    assert!(
        detected <= Duration::from_millis(1_500),
        "dead connection noticed after {detected:?}"
    );
    server.freeze(false);
    tokio::task::spawn_blocking(move || {
        wait_status(
            &events,
            ConnectionStatus::Connected,
            Duration::from_secs(15),
        )
    })
    .await
    .unwrap();
    im.destroy();
}

/// Whether `event` is a change of connection status.
fn is_status(event: &Event) -> bool {
    matches!(event, Event::ConnectionStatus { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_calls_thread_delays_neither_delivery_nor_heartbeats() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-busy", "secret-busy");
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let mut options = InitOptions::new(server.navi(), dir.path().join("b"));
    options.heartbeat_interval_ms = 200;
    options.heartbeat_timeout_ms = 300;
    let bob = Client::connect_with(&server, options, "bob").await;
    bob.listener.wait_for(Duration::from_secs(5), |e| {
        matches!(e, Event::PullOfflineFinished)
    });

    // The thread that runs the shells' calls and the database reads is blocked for 3 s, as
    // by a slow search; delivery and heartbeats run on the network thread.
    let busy = Arc::new(AtomicBool::new(true));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    bob.im
        .spawn({
            let busy = Arc::clone(&busy);
            async move {
                std::thread::sleep(Duration::from_secs(3));
                busy.store(false, Ordering::SeqCst);
                let _ = done_tx.send(());
            }
        })
        .unwrap();
    let text = MessageContent::text("while bob's calls are busy");
    alice
        .im
        .send_message(ConversationType::Private, "bob", text)
        .await
        .unwrap();
    let arrived = bob.listener.wait_for(Duration::from_secs(10), |e| {
        assert!(!is_status(e), "the connection changed: {e:?}");
        matches!(e, Event::Message { .. })
    });
    assert!(
        busy.load(Ordering::SeqCst),
        "delivered only after the calls thread was free: {arrived:?}"
    );
    // Pings went on meanwhile (heartbeat timeout 300 ms, blocked for 3 s): still connected.
    done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let later = bob.listener.queued();
    assert!(!later.iter().any(is_status), "status changed: {later:?}");
    assert_eq!(
        bob.im.connection_status().unwrap(),
        ConnectionStatus::Connected
    );
}
