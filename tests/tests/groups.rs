//! Group conversations end to end through a real imserver: groups made with the Server API,
//! messages sent by one member reach every other member once and in order, live and after
//! being offline (a member that never connected, one that reconnects), with unread counts,
//! @-mentions, history and membership over time; sends the server or core refuse.

use imcore::{
    ConnectionStatus, ConversationType, Event, HistoryOrder, ImClient, Message, MessageContent,
};
use imcore_harness::{Client, ServerProcess, texts};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);
const GROUP: ConversationType = ConversationType::Group;

/// POSTs a group endpoint with `userId` repeated for each of `users`, as the server SDKs do.
async fn group_call(server: &ServerProcess, path: &str, users: &[&str], group_id: &str) {
    let mut form: Vec<_> = users.iter().map(|u| format!("userId={u}")).collect();
    form.push(format!("groupId={group_id}&groupName={group_id}"));
    let answer = server.post(path, &form.join("&")).await;
    assert_eq!(answer["code"], 200, "{path}: {answer}");
}

/// Sends each text to `group_id`, in order, each acknowledged before the next.
async fn send_texts(im: &ImClient, group_id: &str, texts: &[String]) -> Vec<Message> {
    let mut sent = Vec::with_capacity(texts.len());
    for text in texts {
        let message = im
            .send_message(GROUP, group_id, MessageContent::text(text))
            .await
            .expect("send to the group");
        assert_eq!(
            (message.conversation_type, message.target_id.as_str()),
            (GROUP, group_id)
        );
        sent.push(message);
    }
    sent
}

fn numbered(tag: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{tag}{i}")).collect()
}

/// The next `count` messages at `client` (failing after `WAIT` without progress).
async fn receive(client: Client, count: usize) -> (Vec<Message>, Client) {
    tokio::task::spawn_blocking(move || (client.listener.messages(count, WAIT), client))
        .await
        .unwrap()
}

/// Waits for the end of `client`'s offline pull, then checks no message follows it.
async fn caught_up_and_quiet(client: Client) -> Client {
    tokio::task::spawn_blocking(move || {
        client
            .listener
            .wait_for(WAIT, |e| matches!(e, Event::PullOfflineFinished));
        assert_quiet(&client);
        client
    })
    .await
    .unwrap()
}

/// No message arrives at `client` for a moment (none duplicated, none not meant for it).
fn assert_quiet(client: &Client) {
    assert!(
        client
            .listener
            .next(Duration::from_millis(300))
            .is_none_or(|e| !matches!(e, Event::Message { .. })),
        "no further message reaches {}",
        client.user_id
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_messages_reach_every_member_once_in_order_live_and_after_being_offline() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-groups", "secret-groups");
    group_call(
        &server,
        "/group/create.json",
        &["alice", "bob", "carol"],
        "team",
    )
    .await;
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("b"), "bob").await;

    let first = numbered("t", 30);
    let sent = send_texts(&alice.im, "team", &first).await;
    let (got, bob) = receive(bob, first.len()).await;
    assert_eq!(texts(&got), first, "live, once, in order");
    for (got, sent) in got.iter().zip(&sent) {
        assert_eq!(got.message_uid, sent.message_uid);
        assert_eq!(
            (got.conversation_type, got.target_id.as_str()),
            (GROUP, "team")
        );
        assert_eq!(got.sender_user_id, "alice");
        assert!(!got.offline_message);
    }
    assert_quiet(&alice);

    // Carol never connected: her first connection catches the group up.
    let carol = Client::connect(&server, &dir.path().join("c"), "carol").await;
    let (got, carol) = receive(carol, first.len()).await;
    assert_eq!(texts(&got), first);
    assert!(got.iter().all(|m| m.offline_message));
    let carol = caught_up_and_quiet(carol).await;

    // Bob is offline for a while: on reconnecting he gets what he missed, and nothing again.
    bob.im.disconnect().unwrap();
    let second = numbered("u", 10);
    send_texts(&alice.im, "team", &second).await;
    bob.im.reconnect().await.expect("bob reconnects");
    let (got, bob) = receive(bob, second.len()).await;
    assert_eq!(texts(&got), second);
    let bob = caught_up_and_quiet(bob).await;
    let (got, carol) = receive(carol, second.len()).await;
    assert_eq!(texts(&got), second, "carol stayed online");

    // Live again after the catch-up.
    send_texts(&alice.im, "team", &["live".to_string()]).await;
    let (got, bob) = receive(bob, 1).await;
    let (also, carol) = receive(carol, 1).await;
    assert_eq!(
        (texts(&got), texts(&also)),
        (vec!["live".to_string()], vec!["live".to_string()])
    );

    // The group shows in the conversation list with its unread count, and in history.
    let team = bob
        .im
        .get_conversation(GROUP, "team")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(team.unread_message_count, 41);
    assert!(!team.has_mentioned);
    let listed = carol
        .im
        .get_conversation_list(Some(vec![GROUP]), 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].unread_message_count, 41);
    assert_eq!(
        listed[0].latest_message.as_ref().unwrap().sender_user_id,
        "alice"
    );
    let page = carol
        .im
        .get_history_messages(GROUP, "team", 0, 20, HistoryOrder::Older, None)
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(page.list.last().unwrap().content.value()["content"], "live");
    assert_eq!(
        carol.stored_messages().len(),
        41,
        "each message stored once"
    );
    let at_alice = alice
        .im
        .get_conversation(GROUP, "team")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        at_alice.unread_message_count, 0,
        "own messages are not unread"
    );
    assert_eq!(alice.stored_messages().len(), 41);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_refused_sends_and_membership_over_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-groups2", "secret-g2");
    group_call(
        &server,
        "/group/create.json",
        &["alice", "bob", "carol"],
        "club",
    )
    .await;
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("b"), "bob").await;
    let carol = Client::connect(&server, &dir.path().join("c"), "carol").await;
    let dave = Client::connect(&server, &dir.path().join("d"), "dave").await;
    let mention = |kind: i32, users: &[&str]| {
        MessageContent::from_value(serde_json::json!({
            "objectName": "RC:TxtMsg",
            "content": {"content": "@", "mentionedInfo": {"type": kind, "userIdList": users}},
        }))
        .unwrap()
    };

    // @bob, then @all: bob counts two mentions, carol one, until they read the conversation.
    for content in [mention(2, &["bob"]), mention(1, &[])] {
        alice.im.send_message(GROUP, "club", content).await.unwrap();
    }
    let (_, bob) = receive(bob, 2).await;
    let (_, carol) = receive(carol, 2).await;
    let club = bob
        .im
        .get_conversation(GROUP, "club")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((club.has_mentioned, club.mentioned_count), (true, 2));
    let club = carol
        .im
        .get_conversation(GROUP, "club")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((club.has_mentioned, club.mentioned_count), (true, 1));
    assert!(bob.im.clear_unread_count(GROUP, "club").await.unwrap());
    let club = bob
        .im
        .get_conversation(GROUP, "club")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            club.has_mentioned,
            club.mentioned_count,
            club.unread_message_count
        ),
        (false, 0, 0)
    );
    let club = alice
        .im
        .get_conversation(GROUP, "club")
        .await
        .unwrap()
        .unwrap();
    assert!(
        !club.has_mentioned,
        "the sender's own mentions do not count"
    );

    // A non-member may not send; nobody may send into the system conversation.
    let refused = dave
        .im
        .send_message(GROUP, "club", MessageContent::text("let me in"))
        .await;
    assert_eq!(refused.unwrap_err().code, 22406);
    let stored_before = alice.stored_messages().len();
    let system = alice
        .im
        .send_message(ConversationType::System, "admin", MessageContent::text("x"))
        .await;
    assert_eq!(system.unwrap_err().code, 33003);
    assert_eq!(
        alice.stored_messages().len(),
        stored_before,
        "nothing stored"
    );

    // Dave joins: he gets what is sent from then on, not before. Carol quits: she gets nothing
    // sent after.
    group_call(&server, "/group/join.json", &["dave"], "club").await;
    send_texts(&alice.im, "club", &["after join".to_string()]).await;
    let (got, dave) = receive(dave, 1).await;
    assert_eq!(texts(&got), ["after join"]);
    let (got, carol) = receive(carol, 1).await;
    assert_eq!(texts(&got), ["after join"]);
    group_call(&server, "/group/quit.json", &["carol"], "club").await;
    send_texts(&alice.im, "club", &["after quit".to_string()]).await;
    let (got, bob) = receive(bob, 2).await;
    assert_eq!(texts(&got), ["after join", "after quit"]);
    let (got, dave) = receive(dave, 1).await;
    assert_eq!(texts(&got), ["after quit"]);
    assert_quiet(&carol);
    let received: Vec<_> = dave
        .stored_messages()
        .into_iter()
        .filter(|m| m.sender_user_id == "alice")
        .map(|m| m.text().to_owned())
        .collect();
    assert_eq!(received, ["after join", "after quit"], "stored once each");

    // After a reconnect nobody gets anything again; carol still reads what she was sent.
    for client in [&bob, &carol, &dave] {
        client.im.disconnect().unwrap();
        client.im.reconnect().await.unwrap();
    }
    for client in [bob, carol, dave] {
        caught_up_and_quiet(client).await;
    }
}

/// Kills and restarts imserver, then waits until `client` reconnected by itself.
async fn restart_and_wait(server: &mut ServerProcess, client: Client) -> Client {
    client.listener.drain();
    server.restart();
    tokio::task::spawn_blocking(move || {
        client.listener.wait_for(WAIT, |e| {
            matches!(
                e,
                Event::ConnectionStatus {
                    status: ConnectionStatus::Connected,
                    ..
                }
            )
        });
        client
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_streams_survive_server_restarts_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("server"), "app-groups3", "secret-g3");
    group_call(&server, "/group/create.json", &["alice", "bob"], "crew").await;
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("b"), "bob").await;
    let all = numbered("r", 150);

    send_texts(&alice.im, "crew", &all[..50]).await;
    let (first, bob) = receive(bob, 50).await;
    let alice = restart_and_wait(&mut server, alice).await;
    send_texts(&alice.im, "crew", &all[50..100]).await;
    // Bob reconnected by himself (his cursor survived on both sides): the next 50 arrive once.
    let (second, bob) = receive(bob, 50).await;
    bob.im.disconnect().unwrap();
    let alice = restart_and_wait(&mut server, alice).await;
    send_texts(&alice.im, "crew", &all[100..]).await;
    bob.im.reconnect().await.expect("bob reconnects");
    let (third, bob) = receive(bob, 50).await;
    let bob = caught_up_and_quiet(bob).await;
    let got: Vec<_> = [first, second, third].concat();
    assert_eq!(texts(&got), all);
    assert_eq!(bob.stored_messages().len(), all.len());
    assert_quiet(&alice);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directed_message_reaches_only_its_addressees_and_the_others_streams_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-groups4", "secret-g4");
    group_call(
        &server,
        "/group/create.json",
        &["alice", "bob", "carol"],
        "desk",
    )
    .await;
    let alice = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let bob = Client::connect(&server, &dir.path().join("b"), "bob").await;
    let carol = Client::connect(&server, &dir.path().join("c"), "carol").await;

    // {"content":"only bob"}, published by the app server to bob alone.
    let content = "%7B%22content%22%3A%22only%20bob%22%7D";
    let form = format!(
        "fromUserId=alice&toGroupId=desk&toUserId=bob&objectName=RC:TxtMsg&content={content}"
    );
    let answer = server.post("/message/group/publish.json", &form).await;
    assert_eq!(answer["code"], 200, "{answer}");
    send_texts(&alice.im, "desk", &["everyone".to_string()]).await;
    let (got, bob) = receive(bob, 2).await;
    assert_eq!(texts(&got), ["only bob", "everyone"]);
    // Carol's cursor passed the directed message without it (no gap, nothing pulled).
    let (got, carol) = receive(carol, 1).await;
    assert_eq!(texts(&got), ["everyone"]);
    carol.im.disconnect().unwrap();
    carol.im.reconnect().await.unwrap();
    let carol = caught_up_and_quiet(carol).await;
    let at_carol: Vec<_> = carol
        .stored_messages()
        .iter()
        .map(|m| m.text().to_owned())
        .collect();
    assert_eq!(at_carol, ["everyone"]);
    assert_quiet(&bob);
}
