//! The opt-in freshness checks of Server API signatures: `--signature-max-skew-secs` and
//! `--reject-replayed-nonce`, both off by default.

use imserver::clock::now_ms;
use imserver::{Config, Ready, run};
use tokio::sync::oneshot;

mod common;

use common::post_signed_at;

/// Runs a server configured by `adjust` until the returned sender is dropped.
async fn start(
    adjust: impl FnOnce(&mut Config),
) -> (Ready, oneshot::Sender<()>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_data_dir(dir.path());
    adjust(&mut config);
    let (ready_tx, ready_rx) = oneshot::channel();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(run(config, ready_tx, async {
        let _ = stopped.await;
    }));
    (ready_rx.await.expect("server started"), stop, dir)
}

/// Calls `/user/checkOnline.json` with the given nonce and timestamp; (HTTP status, code).
async fn call(ready: &Ready, nonce: &str, timestamp: &str) -> (u16, i64) {
    let (status, json) = post_signed_at(
        ready.addr,
        (&ready.app.key, &ready.app.secret),
        "/user/checkOnline.json",
        "userId=alice",
        (nonce, timestamp),
    )
    .await;
    (status, json["code"].as_i64().unwrap())
}

fn now_secs() -> i64 {
    now_ms() / 1000
}

const REFUSED: (u16, i64) = (401, 1004);
const OK: (u16, i64) = (200, 200);

#[tokio::test]
async fn by_default_old_timestamps_and_repeated_nonces_are_accepted() {
    let (ready, _stop, _dir) = start(|_| {}).await;
    // As the Node SDK does: one triple computed at start-up, sent on every call.
    assert_eq!(call(&ready, "11073896", "1").await, OK);
    assert_eq!(call(&ready, "11073896", "1").await, OK);
}

#[tokio::test]
async fn a_timestamp_beyond_the_skew_is_refused_in_seconds_or_milliseconds() {
    let (ready, _stop, _dir) = start(|c| c.signature_max_skew_secs = Some(300)).await;
    let now = now_secs();
    assert_eq!(call(&ready, "1", &now.to_string()).await, OK);
    assert_eq!(call(&ready, "2", &(now * 1000).to_string()).await, OK);
    assert_eq!(call(&ready, "3", &(now - 1000).to_string()).await, REFUSED);
    assert_eq!(
        call(&ready, "4", &((now + 1000) * 1000).to_string()).await,
        REFUSED
    );
    assert_eq!(call(&ready, "5", "not-a-time").await, REFUSED);
    // Replays are only refused when asked for.
    assert_eq!(call(&ready, "1", &now.to_string()).await, OK);
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let (ready, _stop, _dir) = start(|c| {
        c.signature_max_skew_secs = Some(300);
        c.reject_replayed_nonce = true;
    })
    .await;
    let now = now_secs().to_string();
    assert_eq!(call(&ready, "0.8427968487070429", &now).await, OK);
    assert_eq!(call(&ready, "0.8427968487070429", &now).await, REFUSED);
    assert_eq!(call(&ready, "0.1", &now).await, OK);
}
