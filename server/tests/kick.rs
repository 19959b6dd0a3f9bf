//! One login per user and platform: a second connection of the same user on the same platform
//! closes the first with `Close{code: 6}`, unless the server runs with `--multi-device`.

use improto::Platform;

mod common;

use common::{TestServer, Ws, expect_alive, expect_closed};

impl TestServer {
    /// Opens a connection on `platform` and expects a successful `ConnectAck`.
    async fn connect_on(&self, token: &str, platform: i32) -> Ws {
        let (ws, ack) = self
            .connect_as(token, platform, &format!("device-{platform}"))
            .await;
        assert_eq!(ack.code, 0);
        ws
    }
}

const DESKTOP: i32 = Platform::Desktop as i32;
const MOBILE: i32 = Platform::Mobile as i32;
const WEB: i32 = Platform::Web as i32;

#[tokio::test]
async fn a_second_login_on_the_same_platform_closes_the_first_with_code_6() {
    let server = TestServer::start().await;
    let alice = server.token("alice").await;
    let mut first = server.connect_on(&alice, DESKTOP).await;
    let mut web = server.connect_on(&alice, WEB).await;
    let mut mobile = server.connect_on(&alice, MOBILE).await;
    let mut bob = server.connect_on(&server.token("bob").await, DESKTOP).await;

    let mut second = server.connect_on(&alice, DESKTOP).await;
    let close = expect_closed(&mut first).await.expect("a Close frame");
    assert_eq!(close.code, 6);
    assert_eq!(close.reason, "logged in elsewhere");

    // The new login, the other platforms and other users stay.
    expect_alive(&mut second, 1).await;
    expect_alive(&mut web, 2).await;
    expect_alive(&mut mobile, 3).await;
    expect_alive(&mut bob, 4).await;

    // Each platform has its own login: a second mobile one closes the first.
    let mut mobile_again = server.connect_on(&alice, MOBILE).await;
    let close = expect_closed(&mut mobile).await.expect("a Close frame");
    assert_eq!(close.code, 6);
    expect_alive(&mut mobile_again, 5).await;
    expect_alive(&mut second, 6).await;
    server.stop().await;
}

#[tokio::test]
async fn multi_device_keeps_every_login() {
    let server = TestServer::start_multi_device().await;
    let alice = server.token("alice").await;
    let mut first = server.connect_on(&alice, DESKTOP).await;
    let mut second = server.connect_on(&alice, DESKTOP).await;
    let mut web = server.connect_on(&alice, WEB).await;
    expect_alive(&mut first, 1).await;
    expect_alive(&mut second, 2).await;
    expect_alive(&mut web, 3).await;
    server.stop().await;
}
