//! The demo: imserver on its embedded SQLite plus two imcore clients exchanging messages.
//!
//! Run with `make demo`. Data stays under `.demo-data/` so a second run shows the history
//! of the first one being kept.

use imcore::{ConversationType, Event, HistoryOrder, MessageContent};
use imcore_harness::{Client, ServerProcess};
use std::path::Path;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let root = Path::new(".demo-data");
    // imserver as configured by default (the harness otherwise lifts the send rate limit).
    let server = ServerProcess::start_with_args(
        &root.join("server"),
        "demo-app",
        "demo-secret",
        &["--max-sends-per-second", "5"],
    );
    println!(
        "imserver is listening on {} (data in {})",
        server.addr,
        root.join("server").display()
    );

    let alice = Client::connect(&server, &root.join("alice"), "alice").await;
    let bob = Client::connect(&server, &root.join("bob"), "bob").await;
    println!("alice and bob are connected");

    let lines = [
        ("alice", "bob", "Hi Bob! 你好"),
        ("bob", "alice", "Hello Alice."),
        ("alice", "bob", "Lunch at noon?"),
    ];
    for (from, to, text) in lines {
        let (sender, receiver) = if from == "alice" {
            (&alice, &bob)
        } else {
            (&bob, &alice)
        };
        let sent = sender
            .im
            .send_message(ConversationType::Private, to, MessageContent::text(text))
            .await
            .expect("send");
        let Event::Message { message } = receiver.listener.wait_for(Duration::from_secs(10), |e| {
            matches!(e, Event::Message { .. })
        }) else {
            unreachable!()
        };
        println!(
            "{from} -> {to}: {:?}  (messageUId {}, sentTime {}, received by {} as messageId {})",
            message.content.value()["content"]
                .as_str()
                .unwrap_or_default(),
            sent.message_uid,
            sent.sent_time,
            receiver.user_id,
            message.message_id
        );
    }

    let page = bob
        .im
        .get_history_messages(
            ConversationType::Private,
            "alice",
            0,
            20,
            HistoryOrder::Older,
            None,
        )
        .await
        .expect("history");
    println!(
        "bob's local history with alice ({} shown, more: {}):",
        page.list.len(),
        page.has_more
    );
    for m in &page.list {
        let arrow = if m.sender_user_id == "bob" {
            "->"
        } else {
            "<-"
        };
        println!(
            "  {arrow} {} {}",
            m.sent_time,
            m.content.value()["content"].as_str().unwrap_or_default()
        );
    }

    let conversations = bob
        .im
        .get_conversation_list(None, 10)
        .await
        .expect("conversations");
    println!("bob's conversations:");
    for c in &conversations {
        println!(
            "  {} — {} unread, latest: {}",
            c.target_id,
            c.unread_message_count,
            c.latest_message
                .as_ref()
                .map(|m| m.content.value()["content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned())
                .unwrap_or_default()
        );
    }
    let found = bob
        .im
        .search_messages(ConversationType::Private, "alice", "你好", 0, 20)
        .await
        .expect("search");
    println!("bob searches \"你好\": {} message(s)", found.len());
}
