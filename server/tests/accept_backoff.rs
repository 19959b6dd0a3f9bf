//! An imserver process out of file descriptors (EMFILE) backs off and logs its failing accepts
//! once, instead of a line per attempt, and serves again once descriptors are free.

use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpStream;

mod common;

use common::process::ChildServer;

/// Descriptors the server process may open: enough to start, few enough to run out quickly.
const FILE_LIMIT: u32 = 48;

#[tokio::test]
async fn running_out_of_file_descriptors_logs_once_and_recovers() {
    let mut server = ChildServer::spawn(&[], &[], Some(FILE_LIMIT)).expect("started");
    let addr = server.addr;
    let accept_lines = Arc::new(Mutex::new(0usize));
    let stderr = server.stderr();
    let counted = accept_lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("accept") {
                *counted.lock().unwrap() += 1;
            }
        }
    });

    // Far more connections than the server can accept: the rest wait in the backlog while
    // the server keeps failing to accept them.
    let mut held = Vec::new();
    for _ in 0..2 * FILE_LIMIT {
        held.push(TcpStream::connect(&addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lines = *accept_lines.lock().unwrap();
    assert!(
        (1..=1).contains(&lines),
        "{lines} log lines about failing accepts in 3 s"
    );

    drop(held);
    let client = reqwest::Client::new();
    let served = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(answer) = client
                .get(format!("http://{addr}/navi.json?appKey=k"))
                .send()
                .await
            {
                return answer.status().as_u16();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("served again once descriptors were free");
    assert_eq!(served, 200);
}
