//! `imbench throughput`: persisted 1:1 messages per second through imserver with N
//! sender→receiver pairs of imcore clients, each sender keeping a window of sends
//! unacknowledged; a message counts once its receiver has committed it (its `Message` event).
//! imserver's CPU seconds per 1,000 messages are read from `/proc`. Baseline in the same run:
//! the raw tokio-tungstenite echo server, as many connections keeping as many frames in flight.
//! Where the machine has two CPUs or more, the server runs on CPU 0 and the load on CPU 1.

use crate::echo::EchoProcess;
use crate::process_usage::cpu_seconds;
use crate::rtt::{TEXT, send_frame_size};
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use imcore::{ConversationType, Event, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Load before the measured interval, to reach a steady state.
const WARM_UP: Duration = Duration::from_secs(1);
/// How long to wait, after the load stopped, for every acknowledged message to arrive.
const DRAIN: Duration = Duration::from_secs(60);

/// One measured interval: messages completed in it and the server's CPU time over it.
struct Interval {
    messages: u64,
    cpu_s: f64,
    seconds: f64,
}

impl Interval {
    fn per_second(&self) -> f64 {
        self.messages as f64 / self.seconds
    }

    fn cpu_per_1000(&self) -> f64 {
        self.cpu_s / (self.messages.max(1) as f64 / 1000.0)
    }
}

/// Runs the scenario for each count of `pairs` and prints one JSON line each.
pub async fn run(pairs: &[usize], window: usize, seconds: u64) {
    let pinned = pin(std::process::id(), 1);
    for &n in pairs {
        let (ours, delivered_all) = imserver(n, window, seconds, pinned).await;
        let bare = echo(n, window, seconds, pinned).await;
        let ratio = |a: f64, b: f64| (a / b * 100.0).round() / 100.0;
        let line = serde_json::json!({
            "bench": "throughput",
            "pairs": n,
            "window": window,
            "seconds": seconds,
            "pinned": pinned,
            "msgs_per_s": ours.per_second().round(),
            "server_cpu_s_per_1000_msgs": round3(ours.cpu_per_1000()),
            "delivered_all_acked": delivered_all,
            "baseline_msgs_per_s": bare.per_second().round(),
            "baseline_cpu_s_per_1000_msgs": round3(bare.cpu_per_1000()),
            "ratio_throughput": ratio(ours.per_second(), bare.per_second()),
            "ratio_cpu": ratio(ours.cpu_per_1000(), bare.cpu_per_1000()),
        });
        println!("{line}");
    }
}

/// `n` pairs of imcore clients through a fresh imserver; also whether every acknowledged
/// message reached its receiver once the load stopped.
async fn imserver(n: usize, window: usize, seconds: u64, pinned: bool) -> (Interval, bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    if pinned {
        pin(server.pid(), 0);
    }
    let mut senders = Vec::with_capacity(n);
    let mut receivers = Vec::with_capacity(n);
    for i in 0..n {
        let sender = format!("s{i}");
        let receiver = format!("r{i}");
        senders.push(Client::connect(&server, &dir.path().join(&sender), &sender).await);
        receivers.push(Client::connect(&server, &dir.path().join(&receiver), &receiver).await);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let counted = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicU64::new(0));
    let received = Arc::new(AtomicU64::new(0));
    let counters: Vec<_> = receivers
        .into_iter()
        .map(|client| {
            let (received, counted) = (Arc::clone(&received), Arc::clone(&counted));
            std::thread::spawn(move || count_messages(&client, &received, &counted))
        })
        .collect();
    let loads: Vec<_> = senders
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let im = client.im.clone();
            let (stop, acked) = (Arc::clone(&stop), Arc::clone(&acked));
            tokio::spawn(async move {
                let target = format!("r{i}");
                let mut in_flight = FuturesUnordered::new();
                while !stop.load(Ordering::Relaxed) {
                    while in_flight.len() < window {
                        in_flight.push(im.send_message(
                            ConversationType::Private,
                            &target,
                            MessageContent::text(TEXT),
                        ));
                    }
                    if let Some(sent) = in_flight.next().await {
                        sent.expect("send");
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                }
                while let Some(sent) = in_flight.next().await {
                    sent.expect("send");
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    let interval = measure(server.pid(), seconds, || received.load(Ordering::Relaxed)).await;
    stop.store(true, Ordering::Relaxed);
    for load in loads {
        load.await.expect("sender");
    }
    let acked = acked.load(Ordering::Relaxed);
    let deadline = Instant::now() + DRAIN;
    while received.load(Ordering::Relaxed) < acked && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let delivered_all = received.load(Ordering::Relaxed) == acked;
    counted.store(true, Ordering::Relaxed);
    for counter in counters {
        counter.join().expect("receiver");
    }
    (interval, delivered_all)
}

/// Counts `client`'s received messages until `done`.
fn count_messages(client: &Client, received: &AtomicU64, done: &AtomicBool) {
    while !done.load(Ordering::Relaxed) {
        if let Some(Event::Message { .. }) = client.listener.next(Duration::from_millis(100)) {
            received.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// `n` connections to a bare echo server, each keeping `window` frames of a `Send`'s size in
/// flight; a message is one echoed frame.
async fn echo(n: usize, window: usize, seconds: u64, pinned: bool) -> Interval {
    let echo = EchoProcess::start(None);
    if pinned {
        pin(echo.pid(), 0);
    }
    let frame = vec![7u8; send_frame_size()];
    let stop = Arc::new(AtomicBool::new(false));
    let echoed = Arc::new(AtomicU64::new(0));
    let mut loads = Vec::with_capacity(n);
    for _ in 0..n {
        let (mut ws, _) = tokio_tungstenite::connect_async(echo.ws_url())
            .await
            .expect("connect echo");
        let (stop, echoed, frame) = (Arc::clone(&stop), Arc::clone(&echoed), frame.clone());
        loads.push(tokio::spawn(async move {
            for _ in 0..window {
                ws.feed(WsMessage::Binary(frame.clone().into()))
                    .await
                    .expect("send");
            }
            ws.flush().await.expect("flush");
            let mut outstanding = window;
            while outstanding > 0 {
                match ws.next().await {
                    Some(Ok(m)) if m.is_binary() => {
                        echoed.fetch_add(1, Ordering::Relaxed);
                        outstanding -= 1;
                        if !stop.load(Ordering::Relaxed) {
                            ws.send(WsMessage::Binary(frame.clone().into()))
                                .await
                                .expect("send");
                            outstanding += 1;
                        }
                    }
                    Some(Ok(_)) => {}
                    other => panic!("echo failed: {other:?}"),
                }
            }
        }));
    }
    let interval = measure(echo.pid(), seconds, || echoed.load(Ordering::Relaxed)).await;
    stop.store(true, Ordering::Relaxed);
    for load in loads {
        load.await.expect("echo load");
    }
    interval
}

/// After the warm-up, the messages `count` grew by and server `pid`'s CPU time over
/// `seconds`.
async fn measure(pid: u32, seconds: u64, count: impl Fn() -> u64) -> Interval {
    tokio::time::sleep(WARM_UP).await;
    let (start, messages, cpu) = (Instant::now(), count(), cpu_seconds(pid));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    Interval {
        messages: count() - messages,
        cpu_s: cpu_seconds(pid) - cpu,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Pins every thread of process `pid` (and the threads it starts later) to `cpu`, if the
/// machine has CPU 1 and `taskset` works; whether it did.
fn pin(pid: u32, cpu: usize) -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
        && Command::new("taskset")
            .args(["-a", "-cp", &cpu.to_string(), &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
