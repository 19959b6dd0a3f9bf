//! Connection statuses reach the listener in the order they happen, whichever thread makes
//! them: `connect` reports Connecting before its attempt (running on the network thread)
//! can report how it ended.

use imcore::{ConnectionStatus, Event, ImClient, InitOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Clients connecting at once: more threads than cores, so that a thread is often
/// preempted between starting an attempt and reporting it.
const CLIENTS: usize = 16;
const ATTEMPTS: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connecting_comes_before_the_end_of_an_attempt_that_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let busy = Arc::new(AtomicBool::new(true));
    // Threads that keep every core busy, so that the scheduler often preempts.
    let spinners: Vec<_> = (0..4)
        .map(|_| {
            let busy = Arc::clone(&busy);
            std::thread::spawn(move || {
                while busy.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let im = ImClient::new();
        // Nothing listens on port 1: navigation fails as soon as it starts.
        let options = InitOptions::new("http://127.0.0.1:1", dir.path().join(n.to_string()));
        im.init("app-order", options).unwrap();
        clients.push(tokio::spawn(attempts(im)));
    }
    for client in clients {
        client.await.unwrap();
    }
    busy.store(false, Ordering::Relaxed);
    for spinner in spinners {
        spinner.join().unwrap();
    }
}

/// Connects and fails [`ATTEMPTS`] times, checking the statuses of each attempt.
async fn attempts(im: ImClient) {
    let events = im.events().unwrap();
    for attempt in 0..ATTEMPTS {
        let failed = im
            .connect("token")
            .await
            .expect_err("nothing to connect to");
        let mut statuses = Vec::new();
        while statuses.len() < 2 {
            match events.recv_timeout(Duration::from_secs(5)) {
                Some(Event::ConnectionStatus { status, code }) => statuses.push((status, code)),
                Some(_) => {}
                None => panic!("attempt {attempt}: only {statuses:?}"),
            }
        }
        assert_eq!(
            statuses,
            [
                (ConnectionStatus::Connecting, 0),
                (ConnectionStatus::Disconnected, failed.code)
            ],
            "attempt {attempt}"
        );
        assert_eq!(
            im.connection_status().unwrap(),
            ConnectionStatus::Disconnected,
            "the recorded status is the last one reported"
        );
    }
    im.destroy();
}
