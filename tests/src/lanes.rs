//! Paced send lanes for the fault tests: a sender's texts sent one after another, each send
//! timed, and a wait for the reconnection after a send refused for want of a connection.

use imcore::{ConnectionStatus, ConversationType, ImClient, MessageContent, code};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One timed `send_message` call of a lane.
#[derive(Debug)]
pub struct Timed {
    /// The text, unique in the whole test.
    pub text: String,
    /// When the call began.
    pub started: Instant,
    /// When it resolved.
    pub finished: Instant,
    /// The server's UID, or the error code.
    pub outcome: Result<String, i32>,
}

/// Sends the text message `text` to (`kind`, `target`): the server's UID, or the error code.
pub async fn send_text(
    im: &ImClient,
    kind: ConversationType,
    target: &str,
    text: &str,
) -> Result<String, i32> {
    im.send_message(kind, target, MessageContent::text(text))
        .await
        .map(|message| message.message_uid)
        .map_err(|e| e.code)
}

/// Waits until `im` is connected (it reconnects by itself), for `settle` at the most.
pub async fn until_connected(im: &ImClient, settle: Duration) {
    let deadline = Instant::now() + settle;
    while im.connection_status().unwrap() != ConnectionStatus::Connected {
        assert!(
            Instant::now() < deadline,
            "no reconnection within {settle:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `texts` to (`kind`, `target`) one after another, `pace` apart; `resolved` counts the
/// sends that resolved. Like an app, a send refused for want of a connection waits (up to
/// `settle`) for the reconnection before the next one.
pub async fn paced_lane(
    im: &ImClient,
    (kind, target): (ConversationType, &str),
    texts: Vec<String>,
    (pace, settle): (Duration, Duration),
    resolved: &AtomicUsize,
) -> Vec<Timed> {
    let mut sent = Vec::with_capacity(texts.len());
    for text in texts {
        let started = Instant::now();
        let outcome = send_text(im, kind, target, &text).await;
        let finished = Instant::now();
        resolved.fetch_add(1, Ordering::SeqCst);
        if outcome == Err(code::NOT_CONNECTED) {
            until_connected(im, settle).await;
        }
        sent.push(Timed {
            text,
            started,
            finished,
            outcome,
        });
        tokio::time::sleep(pace).await;
    }
    sent
}
