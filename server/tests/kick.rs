//! One login per user and platform: a second connection of the same user on the same platform
//! closes the first with `Close{code: 6}`, unless the server runs with `--multi-device`.

use improto::{Body, Connect, Ping, Platform};
use imserver::{Config, Ready, run};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::connect_async;

mod common;

use common::{Ws, expect_closed, post_signed, recv, send};

/// A server running on a temporary directory.
struct TestServer {
    ready: Ready,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), imserver::ServerError>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    async fn start(multi_device: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let mut config = Config::for_data_dir(dir.path());
        config.multi_device = multi_device;
        let task = tokio::spawn(run(config, ready_tx, async {
            let _ = stopped.await;
        }));
        let ready = ready_rx.await.expect("server did not start");
        TestServer {
            ready,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }

    async fn token(&self, user_id: &str) -> String {
        let app = &self.ready.app;
        let form = format!("userId={user_id}&name=");
        let (_, json) = post_signed(
            self.ready.addr,
            &app.key,
            &app.secret,
            "/user/getToken.json",
            &form,
        )
        .await;
        json["token"].as_str().unwrap().to_owned()
    }

    /// Opens a connection on `platform` and expects a successful `ConnectAck`.
    async fn connect(&self, token: &str, platform: i32) -> Ws {
        let (mut ws, _) = connect_async(format!("ws://{}/ws", self.ready.addr))
            .await
            .unwrap();
        let connect = Body::Connect(Connect {
            token: token.into(),
            app_key: self.ready.app.key.clone(),
            platform,
            protocol_version: improto::PROTOCOL_VERSION,
            device_id: format!("device-{platform}"),
        });
        send(&mut ws, connect).await;
        match recv(&mut ws).await {
            Body::ConnectAck(ack) => assert_eq!(ack.code, 0),
            other => panic!("expected ConnectAck, got {other:?}"),
        }
        ws
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Pings over the connection and expects the matching `Pong`: the connection is still served.
async fn expect_alive(ws: &mut Ws, nonce: u64) {
    send(ws, Body::Ping(Ping { nonce })).await;
    match recv(ws).await {
        Body::Pong(pong) => assert_eq!(pong.nonce, nonce),
        other => panic!("expected Pong, got {other:?}"),
    }
}

const DESKTOP: i32 = Platform::Desktop as i32;
const MOBILE: i32 = Platform::Mobile as i32;
const WEB: i32 = Platform::Web as i32;
const UNSPECIFIED: i32 = Platform::Unspecified as i32;

#[tokio::test]
async fn a_second_login_on_the_same_platform_closes_the_first_with_code_6() {
    let server = TestServer::start(false).await;
    let alice = server.token("alice").await;
    let mut first = server.connect(&alice, DESKTOP).await;
    let mut web = server.connect(&alice, WEB).await;
    let mut mobile = server.connect(&alice, MOBILE).await;
    let mut unspecified = server.connect(&alice, UNSPECIFIED).await;
    let mut bob = server.connect(&server.token("bob").await, DESKTOP).await;

    let mut second = server.connect(&alice, DESKTOP).await;
    let close = expect_closed(&mut first).await.expect("a Close frame");
    assert_eq!(close.code, 6);
    assert_eq!(close.reason, "logged in elsewhere");

    // The new login, the other platforms and other users stay.
    expect_alive(&mut second, 1).await;
    expect_alive(&mut web, 2).await;
    expect_alive(&mut mobile, 3).await;
    expect_alive(&mut unspecified, 4).await;
    expect_alive(&mut bob, 5).await;

    // Unspecified (0) is a platform of its own: a second one closes the first.
    let mut unspecified_again = server.connect(&alice, UNSPECIFIED).await;
    let close = expect_closed(&mut unspecified)
        .await
        .expect("a Close frame");
    assert_eq!(close.code, 6);
    expect_alive(&mut unspecified_again, 6).await;
    expect_alive(&mut second, 7).await;
    server.stop().await;
}

#[tokio::test]
async fn multi_device_keeps_every_login() {
    let server = TestServer::start(true).await;
    let alice = server.token("alice").await;
    let mut first = server.connect(&alice, DESKTOP).await;
    let mut second = server.connect(&alice, DESKTOP).await;
    let mut web = server.connect(&alice, WEB).await;
    expect_alive(&mut first, 1).await;
    expect_alive(&mut second, 2).await;
    expect_alive(&mut web, 3).await;
    server.stop().await;
}
