//! Server API blocks and token expiry seen by a real client: `/user/block.json` closes its
//! connection with status 9 (`UserBlocked`) and refuses connects with 9 until
//! `/user/unblock.json`; `/user/token/expire.json` makes the old token fail with 31010.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use imcore::{ConnectionStatus, Event};
use imcore_harness::{Client, ServerProcess};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_users_are_disconnected_and_expired_tokens_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-block", "secret-block");
    let (im, listener) = Client::init(&server, &dir.path().join("alice"));
    let token = server.token("alice").await;
    assert_eq!(im.connect(&token).await.unwrap(), "alice");

    let reply = server
        .post("/user/block.json", "userId=alice&minute=5")
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    let event = listener.wait_for(WAIT, |e| {
        matches!(e, Event::ConnectionStatus { status, .. } if *status == ConnectionStatus::UserBlocked)
    });
    assert!(
        matches!(event, Event::ConnectionStatus { code: 9, .. }),
        "{event:?}"
    );
    assert_eq!(im.connect(&token).await.unwrap_err().code, 9);
    let blocked = server.post("/user/block/query.json", "").await;
    assert_eq!(blocked["users"][0]["userId"], "alice", "{blocked}");

    let reply = server.post("/user/unblock.json", "userId=alice").await;
    assert_eq!(reply["code"], 200, "{reply}");
    assert_eq!(im.connect(&token).await.unwrap(), "alice");
    listener.drain();

    tokio::time::sleep(Duration::from_millis(5)).await;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let reply = server
        .post(
            "/user/token/expire.json",
            &format!("userId=alice&time={now_ms}"),
        )
        .await;
    assert_eq!(reply["code"], 200, "{reply}");
    listener.wait_for(WAIT, |e| {
        matches!(
            e,
            Event::ConnectionStatus {
                status: ConnectionStatus::TokenIncorrect,
                code: 31010
            }
        )
    });
    assert_eq!(im.connect(&token).await.unwrap_err().code, 31010);

    // A token issued after the cutoff connects.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let fresh = server.token("alice").await;
    assert_eq!(im.connect(&fresh).await.unwrap(), "alice");
    im.destroy();
}
