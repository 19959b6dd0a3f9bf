//! Group mutes over the Server API: member gags (`/group/user/gag/*`), whole-group mutes
//! (`/group/ban/*`) and their whitelists (`/group/user/ban/whitelist/*`), kept across restarts,
//! gags that ended not listed or loaded, bad input refused with 1002 and the per-app limit with
//! 1005.

use imserver::clock::{format_datetime, now_ms};
use serde_json::{Value, json};

mod common;

use common::TestServer;

const GAG: &str = "/group/user/gag/add.json";
const UNGAG: &str = "/group/user/gag/rollback.json";
const GAGS: &str = "/group/user/gag/list.json";
const BAN: &str = "/group/ban/add.json";
const UNBAN: &str = "/group/ban/rollback.json";
const BANS: &str = "/group/ban/query.json";
const WHITELIST: &str = "/group/user/ban/whitelist/add.json";
const UNWHITELIST: &str = "/group/user/ban/whitelist/rollback.json";
const WHITELISTED: &str = "/group/user/ban/whitelist/query.json";

/// `(groupId, userId)` of each gag listed for `form`.
async fn gagged(server: &TestServer, form: &str) -> Vec<(String, String)> {
    let json = server.api_ok(GAGS, form).await;
    json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let field = |name: &str| u[name].as_str().unwrap().to_owned();
            (field("groupId"), field("userId"))
        })
        .collect()
}

/// The `groupinfo` answered for `form`.
async fn bans(server: &TestServer, form: &str) -> Value {
    server.api_ok(BANS, form).await["groupinfo"].clone()
}

/// The whitelist of `group`.
async fn whitelisted(server: &TestServer, group: &str) -> Value {
    let json = server
        .api_ok(WHITELISTED, &format!("groupId={group}"))
        .await;
    json["userIds"].clone()
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(g, u)| ((*g).to_owned(), (*u).to_owned()))
        .collect()
}

#[tokio::test]
async fn gags_are_set_in_one_group_or_every_group_listed_and_lifted() {
    let server = TestServer::start().await;
    assert!(gagged(&server, "").await.is_empty());
    let before = now_ms();
    server
        .api_ok(GAG, "userId=u1&userId=u2&groupId=g1&minute=10")
        .await;
    let after = now_ms();
    // The Python SDK's body without a group: every group, permanently.
    server.api_ok(GAG, "userId=u1&minute=0").await;
    server.api_ok(GAG, "userId=u3&groupId=&minute=1").await;
    server.api_ok(GAG, "groupId=g2&minute=5&userId=u2").await;

    let json = server.api_ok(GAGS, "groupId=g1").await;
    let users = json["users"].as_array().unwrap();
    assert_eq!(users.len(), 2, "{json}");
    for user in users {
        let time = user["time"].as_str().unwrap();
        let (earliest, latest) = (
            format_datetime(before + 600_000),
            format_datetime(after + 600_000),
        );
        assert!(
            earliest.as_str() <= time && time <= latest.as_str(),
            "{time}"
        );
    }
    assert_eq!(
        gagged(&server, "groupId=g1").await,
        pairs(&[("g1", "u1"), ("g1", "u2")])
    );
    let every = server.api_ok(GAGS, "").await;
    assert_eq!(
        every["users"][0],
        json!({"groupId": "", "userId": "u1", "time": "9999-12-31 23:59:59"})
    );
    assert_eq!(
        gagged(&server, "").await,
        pairs(&[
            ("", "u1"),
            ("", "u3"),
            ("g1", "u1"),
            ("g1", "u2"),
            ("g2", "u2")
        ])
    );

    // Rolling back in one group leaves the others; without a group, every gag of the user.
    server.api_ok(UNGAG, "userId=u2&groupId=g1").await;
    server.api_ok(UNGAG, "userId=u1").await;
    server.api_ok(UNGAG, "userId=nobody&groupId=g9").await;
    assert_eq!(
        gagged(&server, "").await,
        pairs(&[("", "u3"), ("g2", "u2")])
    );
    server.stop().await;
}

#[tokio::test]
async fn groups_are_muted_as_a_whole_with_a_whitelist_of_their_own() {
    let server = TestServer::start().await;
    server.api_ok(BAN, "groupId=g1&groupId=g2").await;
    server.api_ok(BAN, "groupId=g1").await;
    assert_eq!(
        bans(&server, "").await,
        json!([{"groupId": "g1", "stat": 1}, {"groupId": "g2", "stat": 1}])
    );
    // The Go SDK's body, with paging.
    assert_eq!(
        bans(&server, "groupId=g1&groupId=g3&page=1&size=50").await,
        json!([{"groupId": "g1", "stat": 1}, {"groupId": "g3", "stat": 0}])
    );
    server.api_ok(UNBAN, "groupId=g2").await;
    assert_eq!(
        bans(&server, "").await,
        json!([{"groupId": "g1", "stat": 1}])
    );

    server
        .api_ok(WHITELIST, "userId=u2&userId=u1&groupId=g1")
        .await;
    server.api_ok(WHITELIST, "userId=u3&groupId=g2").await;
    assert_eq!(whitelisted(&server, "g1").await, json!(["u1", "u2"]));
    server.api_ok(UNWHITELIST, "userId=u1&groupId=g1").await;
    assert_eq!(whitelisted(&server, "g1").await, json!(["u2"]));
    // A whitelist outlives its group's mute.
    assert_eq!(whitelisted(&server, "g2").await, json!(["u3"]));
    assert_eq!(whitelisted(&server, "g9").await, json!([]));
    server.stop().await;
}

#[tokio::test]
async fn mutes_survive_a_restart_and_gags_that_ended_are_gone() {
    let server = TestServer::start().await;
    server.api_ok(GAG, "userId=u1&groupId=g1&minute=0").await;
    server.api_ok(GAG, "userId=u2&groupId=g1&minute=30").await;
    server.api_ok(BAN, "groupId=g1").await;
    server.api_ok(WHITELIST, "userId=u3&groupId=g1").await;
    // A gag that ended a minute ago, as an earlier run would have left it.
    server
        .database()
        .execute(
            "INSERT INTO group_gags (app_key, group_id, user_id, until_ms) VALUES (?1, 'g1', 'old', ?2)",
            rusqlite::params![server.app_key(), now_ms() - 60_000],
        )
        .unwrap();
    let dir = server.stop().await;

    let server = TestServer::start_in(dir, |_| {}).await;
    assert_eq!(
        gagged(&server, "groupId=g1").await,
        pairs(&[("g1", "u1"), ("g1", "u2")])
    );
    assert_eq!(
        bans(&server, "").await,
        json!([{"groupId": "g1", "stat": 1}])
    );
    assert_eq!(whitelisted(&server, "g1").await, json!(["u3"]));
    // The next gag deletes the ended one from the database too.
    server.api_ok(GAG, "userId=u4&groupId=g2&minute=1").await;
    let rows: i64 = server
        .database()
        .query_row(
            "SELECT count(*) FROM group_gags WHERE user_id = 'old'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 0);
    server.stop().await;
}

#[tokio::test]
async fn bad_input_is_refused_with_1002_and_changes_nothing() {
    let server = TestServer::start().await;
    let many_users: String = (0..21).map(|i| format!("userId=u{i}&")).collect();
    let many_groups: String = (0..21).map(|i| format!("groupId=g{i}&")).collect();
    let long = "g".repeat(65);
    for (path, form) in [
        (GAG, "groupId=g1&minute=10".to_owned()),
        (GAG, "userId=u1&groupId=g1".to_owned()),
        (GAG, "userId=u1&groupId=g1&minute=-1".to_owned()),
        (GAG, "userId=u1&groupId=g1&minute=43201".to_owned()),
        (GAG, "userId=u1&groupId=g1&minute=ten".to_owned()),
        (GAG, "userId=a b&groupId=g1&minute=1".to_owned()),
        (GAG, "userId=u1&groupId=g 1&minute=1".to_owned()),
        (GAG, format!("userId=u1&groupId={long}&minute=1")),
        (GAG, format!("{many_users}groupId=g1&minute=1")),
        (UNGAG, "groupId=g1".to_owned()),
        (GAGS, "groupId=g%261".to_owned()),
        (BAN, String::new()),
        (BAN, many_groups.clone()),
        (UNBAN, "groupId=".to_owned()),
        (BANS, many_groups),
        (WHITELIST, "userId=u1".to_owned()),
        (WHITELIST, format!("{many_users}groupId=g1")),
        (UNWHITELIST, "groupId=g1".to_owned()),
        (WHITELISTED, String::new()),
    ] {
        assert_eq!(server.api_refused(path, &form).await, 1002, "{path} {form}");
    }
    assert!(gagged(&server, "").await.is_empty());
    assert_eq!(bans(&server, "").await, json!([]));
    // The limits are inclusive: 20 users, 43200 minutes.
    let twenty: String = (0..20).map(|i| format!("userId=u{i}&")).collect();
    server
        .api_ok(GAG, &format!("{twenty}groupId=g1&minute=43200"))
        .await;
    assert_eq!(gagged(&server, "groupId=g1").await.len(), 20);
    server.stop().await;
}

#[tokio::test]
async fn an_app_holds_at_most_its_limit_of_mutes() {
    let server = TestServer::start_with(|config| config.max_group_mutes = 3).await;
    server
        .api_ok(GAG, "userId=u1&userId=u2&groupId=g1&minute=0")
        .await;
    server.api_ok(BAN, "groupId=g1").await;
    assert_eq!(
        server.api_refused(WHITELIST, "userId=u3&groupId=g1").await,
        1005
    );
    assert_eq!(server.api_refused(GAG, "userId=u3&minute=0").await, 1005);
    // Replacing a gag or repeating a mute adds nothing; lifting one makes room.
    server.api_ok(GAG, "userId=u1&groupId=g1&minute=5").await;
    server.api_ok(BAN, "groupId=g1").await;
    server.api_ok(UNGAG, "userId=u2&groupId=g1").await;
    server.api_ok(WHITELIST, "userId=u3&groupId=g1").await;
    assert_eq!(whitelisted(&server, "g1").await, json!(["u3"]));
    server.stop().await;
}
