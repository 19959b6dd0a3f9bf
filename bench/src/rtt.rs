//! `imbench rtt`: send-to-listener latency through imserver against a raw WebSocket echo.

use crate::echo::EchoProcess;
use crate::stats::percentile_us;
use imcore::{ConversationType, Event, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::time::{Duration, Instant};

const WARM_UP: usize = 200;
/// The text every benchmark message carries.
pub(crate) const TEXT: &str = "benchmark message payload 0123456789";

/// Runs the scenario and prints its JSON line.
pub async fn run(messages: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let a = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let b = Client::connect(&server, &dir.path().join("b"), "bob").await;

    let mut samples = Vec::with_capacity(messages);
    let mut ack_samples = Vec::with_capacity(messages);
    let (acked_tx, acked_rx) = std::sync::mpsc::channel();
    for i in 0..WARM_UP + messages {
        let im = a.im.clone();
        let acked_tx = acked_tx.clone();
        let start = Instant::now();
        // The send runs on A's own runtime, as the C and Node shells run it.
        a.im.spawn(async move {
            let sent = im
                .send_message(ConversationType::Private, "bob", MessageContent::text(TEXT))
                .await;
            let _ = acked_tx.send(sent.map(|_| Instant::now()));
        })
        .expect("initialised");
        // This thread drains B's event queue directly, as a shell's dispatcher thread does.
        b.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::Message { .. })
        });
        let arrived = Instant::now();
        let acked = acked_rx.recv().expect("send finished").expect("send");
        if i >= WARM_UP {
            samples.push(arrived - start);
            ack_samples.push(acked - start);
        }
    }

    let frame_size = send_frame_size();
    let echo = EchoProcess::start(None);
    echo.round_trips(frame_size, WARM_UP).await;
    let mut baseline = echo.round_trips(frame_size, messages).await;

    let (p50, p99) = (
        percentile_us(&mut samples, 50.0),
        percentile_us(&mut samples, 99.0),
    );
    let (b50, b99) = (
        percentile_us(&mut baseline, 50.0),
        percentile_us(&mut baseline, 99.0),
    );
    let line = serde_json::json!({
        "bench": "rtt",
        "messages": messages,
        "p50_us": p50.round(),
        "p99_us": p99.round(),
        "baseline_p50_us": b50.round(),
        "baseline_p99_us": b99.round(),
        "send_ack_p50_us": percentile_us(&mut ack_samples, 50.0).round(),
        "ratio_p50": (p50 / b50 * 100.0).round() / 100.0,
        "ratio_p99": (p99 / b99 * 100.0).round() / 100.0,
    });
    println!("{line}");
}

/// Size of the `Send` frame carrying the benchmark text, so the baseline echoes as many bytes.
pub(crate) fn send_frame_size() -> usize {
    improto::encode(improto::Body::Send(improto::Send {
        request_id: 1,
        conversation_type: 1,
        target_id: "bob".into(),
        object_name: "RC:TxtMsg".into(),
        content: serde_json::json!({ "content": TEXT }).to_string(),
        client_message_id: "0".repeat(32),
        persisted: true,
        counted: true,
        ..Default::default()
    }))
    .len()
}
