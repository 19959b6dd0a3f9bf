//! What `Connect` must carry to be accepted beyond a valid token: one of the seed's platforms
//! (desktop, mobile, web; anything else is refused with 35008, so that made-up platform numbers
//! cannot get around one login per platform).

use improto::kinds::platform;

mod common;

use common::{TestServer, expect_alive, expect_closed};

#[tokio::test]
async fn platforms_other_than_the_seeds_are_refused_with_35008() {
    let server = TestServer::start().await;
    let alice = server.token("alice").await;
    for bad in [0, 4, 1000, -1, i32::MAX, i32::MIN] {
        let (mut ws, ack) = server.connect_as(&alice, bad, "device-1").await;
        assert_eq!(ack.code, 35008, "platform {bad}");
        assert!(ack.user_id.is_empty());
        let close = expect_closed(&mut ws).await.expect("a Close frame");
        assert_eq!(close.code, 35008, "platform {bad}");
    }
    for (nonce, good) in platform::ALL.into_iter().enumerate() {
        let (mut ws, ack) = server.connect_as(&alice, good, "device-1").await;
        assert_eq!(ack.code, 0, "platform {good}");
        expect_alive(&mut ws, nonce as u64).await;
    }
    server.stop().await;
}
