//! Groups over real WebSockets and the Server API: membership over time (nothing from before
//! a join or after a quit, offline catch-up by pull), directed messages, dismissed groups, the
//! refusal codes, group heads, history and the list, and a restart keeping log and members.

mod common;

use common::*;
use improto::{Body, Delivery, GroupHeadsQuery, HistoryQuery, InboxMessage, request, response};

/// A group text from the connection's user into `group` with key `key`, directed to `to`.
fn group_text(request_id: u64, group: &str, key: &str, to: &[&str]) -> Body {
    Body::Send(improto::Send {
        request_id,
        conversation_type: 3,
        target_id: group.into(),
        object_name: "RC:TxtMsg".into(),
        content: format!(r#"{{"content":"group message {request_id}"}}"#),
        client_message_id: key.into(),
        persisted: true,
        counted: true,
        directed_user_ids: to.iter().map(|u| u.to_string()).collect(),
        ..Default::default()
    })
}

/// The next frame, which must be a live push of group `group`.
async fn recv_group_push(ws: &mut Ws, group: &str) -> Delivery {
    match recv(ws).await {
        Body::Delivery(d) if d.pull_request_id == 0 && d.group_id == group => d,
        other => panic!("expected a push of group {group}, got {other:?}"),
    }
}

/// Sends into `group` and reads the ack and the sender's own frame; returns the own entry.
async fn send_to_group(
    ws: &mut Ws,
    request_id: u64,
    group: &str,
    key: &str,
    to: &[&str],
) -> InboxMessage {
    send(ws, group_text(request_id, group, key, to)).await;
    let ack = recv_send_ack(ws).await;
    assert_eq!(ack.code, 0, "{ack:?}");
    let own = recv_group_push(ws, group).await;
    assert_eq!(own.messages.len(), 1);
    assert_eq!(own.through_seq, own.messages[0].seq);
    assert_eq!(own.messages[0].message_uid, ack.message_uid);
    assert_eq!(own.messages[0].client_message_id, key);
    own.messages.into_iter().next().unwrap()
}

/// A send into `group` that must be refused with `code`.
async fn refused_send(ws: &mut Ws, request_id: u64, group: &str, to: &[&str], code: i32) {
    send(ws, group_text(request_id, group, "", to)).await;
    let ack = recv_send_ack(ws).await;
    assert_eq!((ack.code, ack.message_uid.as_str()), (code, ""), "{ack:?}");
}

/// Pulls group `group` after `after`: the `Delivery`, or the refusal code.
async fn pull_group(
    ws: &mut Ws,
    request_id: u64,
    group: &str,
    after: u64,
) -> Result<Delivery, i32> {
    let pull = improto::Pull {
        request_id,
        after_seq: after,
        limit: 0,
        group_id: group.into(),
    };
    send(ws, Body::Pull(pull)).await;
    loop {
        match recv(ws).await {
            Body::Delivery(d) if d.pull_request_id == request_id => {
                assert_eq!(d.group_id, group);
                return Ok(d);
            }
            Body::Response(r) if r.request_id == request_id => return Err(r.code),
            Body::Delivery(d) if d.pull_request_id == 0 => continue,
            other => panic!("expected the answer to pull {request_id}, got {other:?}"),
        }
    }
}

/// The sequences of a frame's messages.
fn seqs(d: &Delivery) -> Vec<u64> {
    d.messages.iter().map(|m| m.seq).collect()
}

/// A Server API call that must succeed.
async fn api_ok(server: &TestServer, path: &str, form: &str) -> serde_json::Value {
    let (status, json) = server.api(path, form).await;
    assert_eq!(
        (status, json["code"].as_i64()),
        (200, Some(200)),
        "{path}: {json}"
    );
    json
}

/// Connects `user` (registering them).
async fn online(server: &TestServer, user: &str) -> Ws {
    let (ws, ack) = server.connect(&server.token(user).await).await;
    assert_eq!(ack.code, 0);
    ws
}

#[tokio::test]
async fn members_get_what_was_sent_while_they_were_members_live_or_by_pull() {
    let server = TestServer::start().await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&groupId=g1&groupName=G1",
    )
    .await;
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    let first = send_to_group(&mut alice, 1, "g1", "k1", &[]).await;
    assert_eq!((first.seq, first.target_id.as_str()), (1, "g1"));
    let pushed = recv_group_push(&mut bob, "g1").await;
    assert_eq!((seqs(&pushed), pushed.through_seq), (vec![1], 1));
    let theirs = &pushed.messages[0];
    assert_eq!(
        (theirs.target_id.as_str(), theirs.sender_user_id.as_str()),
        ("g1", "alice")
    );
    assert!(theirs.client_message_id.is_empty());

    // Carol joins while offline: she gets what was sent after her join, by pull.
    api_ok(
        &server,
        "/group/join.json",
        "userId=carol&groupId=g1&groupName=G1",
    )
    .await;
    send_to_group(&mut alice, 2, "g1", "k2", &[]).await;
    recv_group_push(&mut bob, "g1").await;
    let mut carol = online(&server, "carol").await;
    let heads = request_ok(
        &mut carol,
        3,
        request::Body::GroupHeads(GroupHeadsQuery::default()),
    )
    .await;
    let Some(response::Body::GroupHeads(heads)) = heads else {
        panic!("{heads:?}")
    };
    assert_eq!(
        heads
            .heads
            .iter()
            .map(|h| (h.group_id.as_str(), h.head_seq))
            .collect::<Vec<_>>(),
        [("g1", 2)]
    );
    let caught_up = pull_group(&mut carol, 4, "g1", 0).await.unwrap();
    assert_eq!(
        (seqs(&caught_up), caught_up.through_seq, caught_up.has_more),
        (vec![2], 2, false)
    );

    // Bob quits: nothing after that reaches him, live or by pull.
    api_ok(&server, "/group/quit.json", "userId=bob&groupId=g1").await;
    send_to_group(&mut alice, 5, "g1", "k3", &[]).await;
    assert_eq!(seqs(&recv_group_push(&mut carol, "g1").await), [3]);
    expect_alive(&mut bob, 6).await;
    let bob_pull = pull_group(&mut bob, 7, "g1", 0).await.unwrap();
    assert_eq!((seqs(&bob_pull), bob_pull.through_seq), (vec![1, 2], 2));
    refused_send(&mut bob, 8, "g1", &[], improto::codes::NOT_IN_GROUP).await;

    // History and the conversation list hold the group as the member sees it.
    let query = HistoryQuery {
        conversation_type: 3,
        target_id: "g1".into(),
        count: 10,
        ..Default::default()
    };
    let Some(response::Body::History(page)) =
        request_ok(&mut bob, 9, request::Body::History(query)).await
    else {
        panic!()
    };
    assert_eq!(page.messages.len(), 2);
    let list = conversation_list(&mut carol, 10, 10, 0).await;
    assert_eq!(list.conversations[0].target_id, "g1");
    assert_eq!(list.conversations[0].conversation_type, 3);

    let members = api_ok(&server, "/group/user/query.json", "groupId=g1").await;
    assert_eq!(
        members["users"],
        serde_json::json!([{"id": "alice"}, {"id": "carol"}])
    );
    let groups = api_ok(&server, "/user/group/query.json", "userId=carol").await;
    assert_eq!(
        groups["groups"],
        serde_json::json!([{"id": "g1", "name": "G1"}])
    );
}

#[tokio::test]
async fn directed_messages_reach_their_addressees_and_the_others_only_move_on() {
    let server = TestServer::start().await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&userId=carol&groupId=g&groupName=G",
    )
    .await;
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    let mut carol = online(&server, "carol").await;
    send_to_group(&mut alice, 1, "g", "", &["bob"]).await;
    assert_eq!(seqs(&recv_group_push(&mut bob, "g").await), [1]);
    let skipped = recv_group_push(&mut carol, "g").await;
    assert_eq!((skipped.messages.len(), skipped.through_seq), (0, 1));
    let carol_pull = pull_group(&mut carol, 2, "g", 0).await.unwrap();
    assert_eq!((carol_pull.messages.len(), carol_pull.through_seq), (0, 1));
    refused_send(
        &mut alice,
        3,
        "g",
        &["eve"],
        improto::codes::INVALID_PARAMETER,
    )
    .await;
    let too_many: Vec<&str> = vec!["bob"; improto::limits::MAX_DIRECTED_USER_IDS + 1];
    refused_send(
        &mut alice,
        4,
        "g",
        &too_many,
        improto::codes::INVALID_PARAMETER,
    )
    .await;
    refused_send(&mut alice, 5, "unknown", &[], improto::codes::NOT_IN_GROUP).await;
    assert_eq!(
        pull_group(&mut alice, 6, "unknown", 0).await.unwrap_err(),
        improto::codes::NOT_IN_GROUP
    );
}

#[tokio::test]
async fn a_dismissed_group_refuses_sends_and_stays_readable() {
    let server = TestServer::start().await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&groupId=g&groupName=G",
    )
    .await;
    let mut alice = online(&server, "alice").await;
    send_to_group(&mut alice, 1, "g", "", &[]).await;
    api_ok(&server, "/group/dismiss.json", "userId=alice&groupId=g").await;
    refused_send(&mut alice, 2, "g", &[], improto::codes::NOT_IN_GROUP).await;
    let mut bob = online(&server, "bob").await;
    let page = pull_group(&mut bob, 3, "g", 0).await.unwrap();
    assert_eq!((seqs(&page), page.through_seq), (vec![1], 1));
    let query = HistoryQuery {
        conversation_type: 3,
        target_id: "g".into(),
        count: 10,
        ..Default::default()
    };
    let Some(response::Body::History(history)) =
        request_ok(&mut bob, 4, request::Body::History(query)).await
    else {
        panic!()
    };
    assert_eq!(history.messages.len(), 1);
    let (status, json) = server.api("/message/group/publish.json", "fromUserId=alice&toGroupId=g&objectName=RC:TxtMsg&content=%7B%22content%22%3A%22x%22%7D").await;
    assert_eq!((status, json["code"].as_i64()), (400, Some(1002)), "{json}");
}

#[tokio::test]
async fn the_server_api_publishes_directed_and_refuses_joins_past_the_member_limit() {
    let server = TestServer::start_with(|c| c.max_group_members = 3).await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&userId=carol&groupId=g&groupName=G",
    )
    .await;
    let (status, json) = server
        .api("/group/join.json", "userId=dave&groupId=g&groupName=G")
        .await;
    assert_eq!((status, json["code"].as_i64()), (405, Some(405)), "{json}");
    let mut alice = online(&server, "alice").await;
    let mut bob = online(&server, "bob").await;
    let mut carol = online(&server, "carol").await;
    let content = "%7B%22content%22%3A%22hi%22%7D";
    let published = api_ok(&server, "/message/group/publish.json", &format!("fromUserId=alice&toGroupId=g&toUserId=bob&objectName=RC:TxtMsg&content={content}&isIncludeSender=1")).await;
    let uid = published["messageUIDs"][0]["messageUID"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = recv_group_push(&mut alice, "g").await;
    assert_eq!(own.messages[0].message_uid, uid);
    assert_eq!(
        recv_group_push(&mut bob, "g").await.messages[0].message_uid,
        uid
    );
    assert!(recv_group_push(&mut carol, "g").await.messages.is_empty());
    // Without isIncludeSender the sender's connections only move past it.
    api_ok(
        &server,
        "/message/group/publish.json",
        &format!("fromUserId=alice&toGroupId=g&objectName=RC:TxtMsg&content={content}"),
    )
    .await;
    assert!(recv_group_push(&mut alice, "g").await.messages.is_empty());
    assert_eq!(recv_group_push(&mut carol, "g").await.through_seq, 2);
    let (status, _) = server
        .api(
            "/message/group/publish.json",
            &format!(
                "fromUserId=alice&toGroupId=g&toUserId=eve&objectName=RC:TxtMsg&content={content}"
            ),
        )
        .await;
    assert_eq!(status, 400);
    api_ok(&server, "/group/refresh.json", "groupId=g&groupName=New").await;
    api_ok(
        &server,
        "/group/sync.json",
        "userId=bob&group[g]=G&group[h]=H",
    )
    .await;
    let groups = api_ok(&server, "/user/group/query.json", "userId=bob").await;
    assert_eq!(
        groups["groups"],
        serde_json::json!([{"id": "g", "name": "New"}, {"id": "h", "name": "H"}])
    );
}

#[tokio::test]
async fn a_restart_keeps_the_group_log_and_its_members() {
    let server = TestServer::start().await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&groupId=g&groupName=G",
    )
    .await;
    let mut alice = online(&server, "alice").await;
    send_to_group(&mut alice, 1, "g", "k1", &[]).await;
    drop(alice);
    let dir = server.stop().await;
    let server = TestServer::start_in(dir, |_| {}).await;
    let mut alice = online(&server, "alice").await;
    // The group loads on first use: a burst sent meanwhile keeps its order. A retry after the
    // restart gets the first result; the next messages the next sequences.
    send(&mut alice, group_text(2, "g", "k1", &[])).await;
    for i in 3..=6u64 {
        send(&mut alice, group_text(i, "g", &format!("k{i}"), &[])).await;
    }
    let retry = recv_send_ack(&mut alice).await;
    assert_eq!((retry.request_id, retry.code), (2, 0));
    for i in 3..=6u64 {
        assert_eq!(recv_send_ack(&mut alice).await.request_id, i);
        let own = recv_group_push(&mut alice, "g").await;
        assert_eq!(
            (own.through_seq, own.messages[0].client_message_id.clone()),
            (i - 1, format!("k{i}"))
        );
    }
    let mut bob = online(&server, "bob").await;
    let page = pull_group(&mut bob, 4, "g", 0).await.unwrap();
    assert_eq!((seqs(&page), page.through_seq), (vec![1, 2, 3, 4, 5], 5));
    refused_send(&mut bob, 5, "other", &[], improto::codes::NOT_IN_GROUP).await;
}

#[tokio::test]
async fn bad_group_input_gets_the_documented_codes_and_changes_nothing() {
    let server = TestServer::start().await;
    let long_name = "n".repeat(65);
    let content = "%7B%22content%22%3A%22hi%22%7D";
    let cases = [
        (
            "/group/create.json",
            "groupId=g&groupName=G".to_string(),
            1002,
        ),
        (
            "/group/create.json",
            "userId=a&groupName=G".to_string(),
            1002,
        ),
        (
            "/group/create.json",
            format!("userId=a&groupId={}&groupName=G", "g".repeat(65)),
            1002,
        ),
        (
            "/group/create.json",
            "userId=a&groupId=g%20h&groupName=G".to_string(),
            1002,
        ),
        ("/group/create.json", "userId=a&groupId=g".to_string(), 1002),
        (
            "/group/create.json",
            format!("userId=a&groupId=g&groupName={long_name}"),
            1005,
        ),
        ("/group/refresh.json", "groupId=g".to_string(), 1002),
        ("/group/dismiss.json", "groupId=g".to_string(), 1002),
        (
            "/group/sync.json",
            "userId=a&group[g%20h]=G".to_string(),
            1002,
        ),
        (
            "/message/group/publish.json",
            format!(
                "fromUserId=a&toGroupId=g&toGroupId=h&toGroupId=i&toGroupId=j&objectName=RC:TxtMsg&content={content}"
            ),
            1002,
        ),
        (
            "/message/group/publish.json",
            format!(
                "fromUserId=a&toGroupId=g&objectName=RC:TxtMsg&content={content}&isPersisted=maybe"
            ),
            1002,
        ),
        (
            "/message/group/publish.json",
            "fromUserId=a&toGroupId=g&objectName=RC:TxtMsg&content=not-json".to_string(),
            1002,
        ),
        (
            "/message/group/publish.json",
            format!("fromUserId=a&toGroupId=g&objectName=RC:Nope&content={content}"),
            1002,
        ),
    ];
    for (path, form, code) in cases {
        let (status, json) = server.api(path, &form).await;
        assert_eq!(
            (status, json["code"].as_i64()),
            (400, Some(code)),
            "{path} {form}: {json}"
        );
    }
    let groups = api_ok(&server, "/user/group/query.json", "userId=a").await;
    assert_eq!(groups["groups"], serde_json::json!([]));
    // Over the WebSocket: a malformed group id or heads page.
    let mut alice = online(&server, "alice").await;
    let bad_id = "g".repeat(65);
    assert_eq!(
        pull_group(&mut alice, 1, &bad_id, 0).await.unwrap_err(),
        improto::codes::INVALID_PARAMETER
    );
    let too_many = GroupHeadsQuery {
        after_group_id: String::new(),
        limit: 501,
    };
    let response = request(&mut alice, 2, request::Body::GroupHeads(too_many)).await;
    assert_eq!(response.code, improto::codes::INVALID_PARAMETER);
    expect_alive(&mut alice, 3).await;
}

#[tokio::test]
async fn the_senders_other_devices_get_its_own_view_and_frames_keep_per_group_order() {
    let server = TestServer::start_multi_device().await;
    api_ok(
        &server,
        "/group/create.json",
        "userId=alice&userId=bob&groupId=g&groupName=G",
    )
    .await;
    let token = server.token("alice").await;
    let (mut phone, _) = server
        .connect_as(&token, improto::Platform::Mobile as i32, "phone")
        .await;
    let (mut desk, _) = server
        .connect_as(&token, improto::Platform::Desktop as i32, "desk")
        .await;
    let mut bob = online(&server, "bob").await;
    // A burst on one connection: acks, own views and bob's frames all in sequence order.
    for i in 1..=20u64 {
        send(&mut desk, group_text(i, "g", &format!("k{i}"), &[])).await;
    }
    for i in 1..=20u64 {
        assert_eq!(recv_send_ack(&mut desk).await.request_id, i);
        let own = recv_group_push(&mut desk, "g").await;
        assert_eq!(
            (own.through_seq, own.messages[0].client_message_id.clone()),
            (i, format!("k{i}"))
        );
        let other_device = recv_group_push(&mut phone, "g").await;
        assert_eq!(other_device.messages[0].client_message_id, format!("k{i}"));
        let theirs = recv_group_push(&mut bob, "g").await;
        assert_eq!(
            (
                theirs.through_seq,
                theirs.messages[0].client_message_id.as_str()
            ),
            (i, "")
        );
    }
}
