//! User ids with the vendor's special characters `+ = - _`, sent as each official SDK sends
//! them (server-api-wire-captures.txt): [py] rc-server-sdk raw (`a+b`), [go] and the legacy
//! Python SDK percent-encoded (`a%2Bb`), [node] percent-encoded (`%2B`, spaces as `%20`). Every
//! style names the same user; a space is no id character and is refused, never taken for `+`.

mod common;

use common::TestServer;

/// The `(HTTP status, code, userId)` of a getToken call with the body `form`.
async fn get_token(server: &TestServer, form: &str) -> (u16, i64, serde_json::Value) {
    let (status, json) = server.api("/user/getToken.json", form).await;
    (
        status,
        json["code"].as_i64().unwrap(),
        json["userId"].clone(),
    )
}

#[tokio::test]
async fn every_sdk_style_names_the_same_user() {
    let server = TestServer::start().await;
    for form in [
        // [py] rc-server-sdk 3.2.0: values unencoded.
        "userId=a+b=c-d_0&name=A B&portraitUri=",
        // [go] server-sdk-go: QueryEscape (`+` as %2B, space as `+`).
        "userId=a%2Bb%3Dc-d_0&name=A+B&portraitUri=",
        // [node] rongcloud-sdk: encodeURIComponent (space as %20), another order.
        "name=A%20B&userId=a%2Bb%3Dc-d_0&portraitUri=",
    ] {
        assert_eq!(
            get_token(&server, form).await,
            (200, 200, "a+b=c-d_0".into()),
            "{form}"
        );
    }
    // Blocked in one style, listed and lifted in the others.
    let (_, json) = server.api("/user/block.json", "userId=a+b&minute=10").await;
    assert_eq!(json["code"], 200, "{json}");
    let (_, json) = server.api("/user/block/query.json", "").await;
    assert_eq!(json["users"][0]["userId"], "a+b", "{json}");
    let (_, json) = server.api("/user/unblock.json", "userId=a%2Bb").await;
    assert_eq!(json["code"], 200, "{json}");
    let (_, json) = server.api("/user/block/query.json", "").await;
    assert_eq!(json["users"], serde_json::json!([]), "{json}");
    server.stop().await;
}

#[tokio::test]
async fn ids_outside_the_vendor_s_characters_are_refused_with_1002() {
    let server = TestServer::start().await;
    // A space as [py] (raw), [node] (%20) and [go] would send it (`+` there reads as `+`,
    // the id `a+b`, which is the one id every SDK means by those bytes).
    for form in [
        "userId=a b&name=",
        "userId=a%20b&name=",
        "userId=%E5%BC%A0%E4%B8%89&name=",
        "userId=a.b@c&name=",
        "userId=a%26b&name=",
    ] {
        let (status, code, _) = get_token(&server, form).await;
        assert_eq!(code, 1002, "{form}");
        assert_eq!(status, 400, "{form}");
    }
    // One bad id in a list refuses the call.
    let (_, json) = server
        .api("/user/block.json", "userId=a%2Bb&userId=a b&minute=1")
        .await;
    assert_eq!(json["code"], 1002, "{json}");
    server.stop().await;
}
