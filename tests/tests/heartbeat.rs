//! A server that stops answering (SIGSTOP) is detected by the heartbeat; the client reconnects
//! by itself once it answers again.

use imcore::{ConnectionStatus, Event, ImClient, InitOptions};
use imcore_harness::ServerProcess;
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
