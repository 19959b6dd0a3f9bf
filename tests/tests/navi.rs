//! Navigation with several WebSocket servers: the client falls back along the list, caches the
//! answer, and asks again when every cached server fails.

use imcore::{ConnectionStatus, Event, ImClient, InitOptions};
use imcore_harness::{Navigation, ServerProcess, ws_url};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn falls_back_along_the_list_caches_it_and_refreshes_when_all_fail() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let mut first = ServerProcess::start(&data, "app-navi", "secret-navi");
    let navi = Navigation::start(vec!["ws://127.0.0.1:1/ws".into(), ws_url(&first.addr)]).await;

    let im = ImClient::new();
    let mut options = InitOptions::new(&navi.url, dir.path().join("c"));
    options.heartbeat_interval_ms = 200;
    options.heartbeat_timeout_ms = 300;
    im.init(&first.app_key, options).unwrap();
    let events = im.events().unwrap();
    let token = first.token("alice").await;
    assert_eq!(
        im.connect(&token).await.unwrap(),
        "alice",
        "the dead first server is skipped"
    );
    assert_eq!(navi.requests(), 1);

    im.disconnect().unwrap();
    im.reconnect().await.unwrap();
    assert_eq!(navi.requests(), 1, "the answer is cached");

    // The deployment moves: the old server goes away and navigation lists a new one.
    while events.recv_timeout(Duration::ZERO).is_some() {}
    first.kill();
    let second = ServerProcess::start(&data, "app-navi", "secret-navi");
    navi.set_servers(vec![ws_url(&second.addr)]);
    tokio::task::spawn_blocking(move || {
        loop {
            match events.recv_timeout(Duration::from_secs(15)) {
                Some(Event::ConnectionStatus {
                    status: ConnectionStatus::Connected,
                    ..
                }) => return,
                Some(_) => {}
                None => panic!("did not reconnect through the refreshed navigation"),
            }
        }
    })
    .await
    .unwrap();
    assert!(navi.requests() >= 2, "navigation was asked again");
    im.destroy();
}
