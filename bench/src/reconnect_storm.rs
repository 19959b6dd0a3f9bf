//! `imbench reconnect-storm`: imserver restarts under many connected clients, each with a
//! backlog stored while it was down; time until every client is connected again and has
//! committed its backlog, against as many raw WebSocket connects and handshakes to a bare
//! tokio-tungstenite server.

use crate::echo::EchoProcess;
use futures_util::future::join_all;
use imcore::{ConnectionStatus, Event};
use imcore_harness::{Client, Fleet, Member, Peer, ServerProcess};
use imserver::store::sqlite::SqliteStore;
use imserver::store::{NewMessage, Storage};
use std::path::Path;
use std::time::{Duration, Instant};

/// Clients connecting at once while the fleet is set up.
const CONNECTS_IN_FLIGHT: usize = 50;
/// The user the backlog comes from.
const BACKLOG_SENDER: &str = "storm-sender";
/// Longest the storm may take before the benchmark gives up.
const STORM_TIMEOUT: Duration = Duration::from_secs(180);

/// Runs the scenario and prints its JSON line.
pub async fn run(clients: usize, backlog: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().join("server");
    let mut server = ServerProcess::start(&data_dir, "bench-app", "bench-secret");
    let users: Vec<String> = (0..clients).map(|i| format!("storm-{i}")).collect();
    let mut fleet = Vec::with_capacity(clients);
    for chunk in users.chunks(CONNECTS_IN_FLIGHT) {
        let connects = chunk.iter().map(|user| {
            let db_dir = dir.path().join(user);
            let server = &server;
            async move { Client::connect(server, &db_dir, user).await }
        });
        fleet.extend(join_all(connects).await);
    }
    for client in &fleet {
        client.listener.drain();
    }

    server.kill();
    let killed = Instant::now();
    queue_backlog(&data_dir, &server.app_key, &users, backlog).await;
    let down_ms = killed.elapsed().as_millis();
    let start = Instant::now();
    tokio::task::block_in_place(|| server.start_again());
    let ready = start.elapsed();
    let (connected, completed) = tokio::task::block_in_place(|| watch(&fleet, backlog, start));

    let echo = EchoProcess::start(None);
    let members: Vec<Member> = users
        .iter()
        .map(|user_id| Member {
            user_id: user_id.clone(),
            token: String::new(),
        })
        .collect();
    let baseline_start = Instant::now();
    let bare = Fleet::connect(&echo.ws_url(), "bare", &members, Peer::Echo).await;
    let baseline = baseline_start.elapsed();
    bare.close().await;

    let ms = |d: Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
    let line = serde_json::json!({
        "bench": "reconnect-storm",
        "clients": clients,
        "backlog_per_client": backlog,
        "down_ms": down_ms,
        "server_ready_ms": ms(ready),
        "all_connected_ms": ms(connected),
        "all_backlog_committed_ms": ms(completed),
        "baseline_ms": ms(baseline),
        "ratio": (completed.as_secs_f64() / baseline.as_secs_f64() * 100.0).round() / 100.0,
    });
    println!("{line}");
}

/// Stores `backlog` messages for each of `users` in the data dir of the stopped server,
/// through imserver's own storage layer, as another node of a cluster would have.
async fn queue_backlog(data_dir: &Path, app_key: &str, users: &[String], backlog: usize) {
    let store = tokio::task::block_in_place(|| SqliteStore::open(data_dir)).expect("open store");
    let writes = users.iter().flat_map(|user| {
        (0..backlog).map(|i| {
            store.send_message(NewMessage {
                app_key: app_key.to_owned(),
                sender_id: BACKLOG_SENDER.to_owned(),
                conversation_type: 1,
                target_id: user.clone(),
                recipients: vec![user.clone()],
                include_sender: true,
                object_name: "RC:TxtMsg".into(),
                content: format!(r#"{{"content":"backlog {i}"}}"#),
                client_message_id: String::new(),
                persisted: true,
                counted: true,
                offline: true,
                options: None,
                // One sender to every user: no per-user quota here.
                max_conversations: usize::MAX,
            })
        })
    });
    for stored in join_all(writes.collect::<Vec<_>>()).await {
        stored.expect("store backlog message");
    }
    tokio::task::block_in_place(|| store.shutdown());
}

/// Drains every client's events until each is connected again and has committed `backlog`
/// messages; returns when the last connected and when the last backlog was complete, both
/// since `start`.
fn watch(fleet: &[Client], backlog: usize, start: Instant) -> (Duration, Duration) {
    let mut connected = vec![false; fleet.len()];
    let mut received = vec![0usize; fleet.len()];
    let (mut all_connected, mut all_received) = (None, None);
    while all_received.is_none() {
        assert!(
            start.elapsed() < STORM_TIMEOUT,
            "storm incomplete: {} connected, {} with their backlog",
            connected.iter().filter(|c| **c).count(),
            received.iter().filter(|r| **r >= backlog).count()
        );
        for (i, client) in fleet.iter().enumerate() {
            while let Some(event) = client.listener.next(Duration::ZERO) {
                match event {
                    Event::ConnectionStatus {
                        status: ConnectionStatus::Connected,
                        ..
                    } => connected[i] = true,
                    Event::Message { .. } => received[i] += 1,
                    _ => {}
                }
            }
        }
        if all_connected.is_none() && connected.iter().all(|c| *c) {
            all_connected = Some(start.elapsed());
        }
        if all_connected.is_some() && received.iter().all(|r| *r >= backlog) {
            all_received = Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    (
        all_connected.expect("set before"),
        all_received.expect("loop ended"),
    )
}
