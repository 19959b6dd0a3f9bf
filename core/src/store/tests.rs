//! Store behaviour across modules: conversations and unread counts following messages, own
//! messages from several devices, deletions, search.

use super::conversations::{self, StatusOrigin, list};
use super::{IncomingMessage, LocalMessage, OutgoingMessage, schema, search, searchable};
use super::{deletions, local_messages, messages, received, sent};
use crate::conversation::ConversationStatusItem;
use crate::enums::{ConversationType, MessageDirection, NotificationStatus, SentStatus};
use crate::message::MessageRef;
use rusqlite::Connection;

const ME: &str = "me";

fn db() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = schema::open(&dir.path().join("imcore.db")).unwrap().conn;
    (dir, conn)
}

fn incoming(
    uid: &str,
    kind: ConversationType,
    target: &str,
    sender: &str,
    text: &str,
    time: i64,
) -> IncomingMessage {
    IncomingMessage {
        message_uid: uid.into(),
        conversation_type: kind,
        target_id: target.into(),
        sender_user_id: sender.into(),
        object_name: "RC:TxtMsg".into(),
        content: serde_json::json!({ "content": text }).to_string(),
        sent_time: time,
        persisted: true,
        counted: true,
        client_message_id: String::new(),
        options: None,
    }
}

fn receive(conn: &mut Connection, batch: &[IncomingMessage]) -> usize {
    received::store_incoming(conn, batch, 1, false, 0, ME)
        .unwrap()
        .len()
}

fn text(uid: &str, target: &str, text: &str, time: i64) -> IncomingMessage {
    incoming(uid, ConversationType::Private, target, target, text, time)
}

/// A local-only notification from `target` (as `insertMessage` stores one).
fn tip(target: &str, message: &str, time: i64) -> LocalMessage {
    LocalMessage {
        message_uid: None,
        conversation_type: ConversationType::Private,
        target_id: target.into(),
        sender_user_id: target.into(),
        direction: MessageDirection::Receive,
        object_name: "RC:InfoNtf".into(),
        content: serde_json::json!({ "message": message }).to_string(),
        sent_status: SentStatus::Sent,
        received_status: 0,
        sent_time: time,
    }
}

fn outgoing(target: &str, key: &str) -> OutgoingMessage {
    OutgoingMessage {
        conversation_type: ConversationType::Private,
        target_id: target.into(),
        sender_user_id: ME.into(),
        object_name: "RC:TxtMsg".into(),
        content: r#"{"content":"mine"}"#.into(),
        client_message_id: key.into(),
        local_time: 1,
        sending: Default::default(),
    }
}

#[test]
fn a_failed_send_keeps_its_options_and_recipients_for_the_resend() {
    let (_dir, mut conn) = db();
    let sending = crate::send_options::Sending {
        options: Some(improto::MessageOptions {
            push_content: "push".into(),
            ..Default::default()
        }),
        directed_user_ids: vec!["ann".into(), "bob".into()],
        is_status: false,
        mentioned: true,
    };
    let message = OutgoingMessage {
        conversation_type: ConversationType::Group,
        sending: sending.clone(),
        ..outgoing("team", "k9")
    };
    let failed = sent::store_failed(&mut conn, &message).unwrap();
    assert!(failed.is_mentioned);
    assert_eq!(failed.push_config.unwrap().value()["pushContent"], "push");
    let again = sent::failed_outgoing(&conn, failed.message_id)
        .unwrap()
        .unwrap();
    assert_eq!(again.sending, sending);
}

#[test]
fn an_announced_command_moves_the_cursor_and_options_are_kept() {
    let (_dir, mut conn) = db();
    let command = IncomingMessage {
        object_name: "RC:CmdMsg".into(),
        persisted: false,
        counted: false,
        ..text("U1", "ann", "a", 10)
    };
    let announced = received::store_incoming(&mut conn, &[command], 7, false, 0, ME).unwrap();
    assert_eq!(announced.len(), 1);
    // Not stored, so a pull after a restart could not recognise it: the cursor is past it.
    assert_eq!(received::inbox_seq(&conn).unwrap(), 7);
    let options = improto::MessageOptions {
        disable_notification: true,
        push_config: r#"{"pushTitle":"t"}"#.into(),
        ..Default::default()
    };
    let silent = IncomingMessage {
        options: Some(options),
        ..text("U2", "ann", "b", 20)
    };
    received::store_incoming(&mut conn, &[silent], 8, false, 0, ME).unwrap();
    let stored = super::messages::get_by_uid(&conn, "U2").unwrap().unwrap();
    assert!(stored.disable_notification);
    assert_eq!(stored.push_config.unwrap().json(), r#"{"pushTitle":"t"}"#);
}

#[test]
fn conversations_follow_messages_pinned_first_then_latest() {
    let (_dir, mut conn) = db();
    receive(
        &mut conn,
        &[
            text("U1", "ann", "a", 10),
            text("U2", "bob", "b", 20),
            text("U3", "ann", "c", 30),
        ],
    );
    let ids: Vec<_> = list(&conn, None, 10)
        .unwrap()
        .into_iter()
        .map(|c| c.target_id)
        .collect();
    assert_eq!(ids, ["ann", "bob"]);
    let pin = ConversationStatusItem {
        is_top: Some(true),
        notification_status: None,
    };
    conversations::set_status(&conn, ConversationType::Private, "bob", &pin).unwrap();
    let all = list(&conn, None, 10).unwrap();
    assert_eq!((all[0].target_id.as_str(), all[0].is_top), ("bob", true));
    let ann = &all[1];
    assert_eq!(ann.unread_message_count, 2);
    assert_eq!(ann.latest_message.as_ref().unwrap().message_uid, "U3");
    assert_eq!((ann.sent_time, ann.object_name.as_str()), (30, "RC:TxtMsg"));
    assert_eq!(list(&conn, None, 1).unwrap().len(), 1);
    assert!(
        list(&conn, Some(&[ConversationType::Group]), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn only_counted_messages_from_others_are_unread_and_muted_ones_are_excluded() {
    let (_dir, mut conn) = db();
    let mut info = text("U1", "ann", "", 1);
    info.object_name = "RC:InfoNtf".into();
    info.counted = false;
    let mut typing = text("U2", "ann", "", 2);
    typing.persisted = false;
    typing.counted = false;
    let mut group_mention = incoming("U3", ConversationType::Group, "g1", "bob", "hi", 3);
    group_mention.content =
        r#"{"content":"@me","mentionedInfo":{"type":2,"userIdList":["me"]}}"#.into();
    assert_eq!(
        receive(
            &mut conn,
            &[info, typing, text("U4", "ann", "x", 4), group_mention]
        ),
        4
    );
    sent::store_sent(&mut conn, &outgoing("ann", "k1"), "U5", 5).unwrap();
    assert_eq!(
        conversations::unread(&conn, ConversationType::Private, "ann").unwrap(),
        1
    );
    let group = conversations::get(&conn, ConversationType::Group, "g1")
        .unwrap()
        .unwrap();
    assert!(group.has_mentioned && group.mentioned_count == 1);
    assert_eq!(conversations::total_unread(&conn, None, false).unwrap(), 2);
    let mute = ConversationStatusItem {
        is_top: None,
        notification_status: Some(NotificationStatus::DoNotDisturb),
    };
    conversations::set_status(&conn, ConversationType::Group, "g1", &mute).unwrap();
    assert_eq!(conversations::total_unread(&conn, None, false).unwrap(), 1);
    assert_eq!(conversations::total_unread(&conn, None, true).unwrap(), 2);
    assert_eq!(
        conversations::total_unread(&conn, Some(&[ConversationType::Group]), true).unwrap(),
        1
    );
    assert!(conversations::clear_unread(&conn, ConversationType::Group, "g1").unwrap());
    let group = conversations::get(&conn, ConversationType::Group, "g1")
        .unwrap()
        .unwrap();
    assert!(!group.has_mentioned && group.unread_message_count == 0);
    conversations::clear_all_unread(&conn).unwrap();
    assert_eq!(conversations::total_unread(&conn, None, true).unwrap(), 0);
}

#[test]
fn removed_conversations_come_back_with_the_next_message() {
    let (_dir, mut conn) = db();
    receive(
        &mut conn,
        &[text("U1", "ann", "a", 1), text("U2", "bob", "b", 2)],
    );
    assert!(conversations::remove(&conn, ConversationType::Private, "ann").unwrap());
    assert!(!conversations::remove(&conn, ConversationType::Private, "ann").unwrap());
    assert_eq!(list(&conn, None, 10).unwrap().len(), 1);
    let hidden = conversations::get(&conn, ConversationType::Private, "ann")
        .unwrap()
        .unwrap();
    assert_eq!(hidden.unread_message_count, 0);
    receive(&mut conn, &[text("U3", "ann", "again", 3)]);
    let back = conversations::get(&conn, ConversationType::Private, "ann")
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            back.unread_message_count,
            list(&conn, None, 10).unwrap().len()
        ),
        (1, 2)
    );
    assert_eq!(
        conversations::remove_all(&conn, Some(&[ConversationType::Private]))
            .unwrap()
            .len(),
        2
    );
    assert!(list(&conn, None, 10).unwrap().is_empty());
    // Messages stay.
    assert!(messages::get_by_uid(&conn, "U1").unwrap().is_some());
}

#[test]
fn conversations_the_server_list_leaves_out_are_hidden_within_what_it_covers() {
    let (_dir, mut conn) = db();
    assert!(received::holds_no_server_message(&conn).unwrap());
    let pulled = [
        text("U1", "old", "a", 10),
        text("U2", "removed", "b", 20),
        text("U3", "listed", "c", 30),
        text("U4", "newer", "d", 50),
    ];
    received::store_incoming(&mut conn, &pulled, 4, true, 0, ME).unwrap();
    // A live message, which the list cannot leave out as removed: it came after any removal.
    received::store_incoming(&mut conn, &[text("U5", "live", "e", 35)], 5, false, 0, ME).unwrap();
    local_messages::insert_local(&mut conn, &[tip("local", "a tip", 25)], true).unwrap();
    assert!(!received::holds_no_server_message(&conn).unwrap());
    let mark = conversations::pull_mark(&conn).unwrap();
    assert_eq!(mark.sent_time, 50);
    // Pulled after the list was asked for (a reconnection's pull), though sent earlier: news the
    // list cannot know of.
    received::store_incoming(&mut conn, &[text("U6", "later", "f", 22)], 6, true, 0, ME).unwrap();
    // An import of messages the server once sent, in a conversation it does not list.
    let mut imported = tip("imported", "restored from a backup", 21);
    imported.message_uid = Some("U0".into());
    local_messages::insert_local(&mut conn, &[imported], true).unwrap();
    // The server listed only "listed", in a full page reaching back to time 15, and its list
    // was read after messages up to time 40 had been pulled.
    let listed = [(ConversationType::Private, "listed")];
    let pulled_through = conversations::PullMark {
        sent_time: 40,
        ..mark
    };
    let hidden = conversations::hide_unlisted(&conn, &listed, pulled_through, Some(15)).unwrap();
    assert_eq!(hidden, 1);
    let mut visible: Vec<_> = list(&conn, None, 10)
        .unwrap()
        .into_iter()
        .map(|c| c.target_id)
        .collect();
    visible.sort();
    // "old" is beyond the page, "newer" arrived after the list was read, "local" never was
    // the server's to list and "imported" was inserted by the app, "live" came live, "later"
    // was stored after the list was asked for.
    assert_eq!(
        visible,
        [
            "imported", "later", "listed", "live", "local", "newer", "old"
        ]
    );
    let removed = conversations::get(&conn, ConversationType::Private, "removed");
    assert_eq!(removed.unwrap().unwrap().unread_message_count, 0);
    assert!(
        messages::get_by_uid(&conn, "U2").unwrap().is_some(),
        "messages stay"
    );
}

fn synced(target: &str, is_top: bool, muted: bool, version: u64) -> conversations::SyncedStatus {
    let notification_status = if muted {
        NotificationStatus::DoNotDisturb
    } else {
        NotificationStatus::Notify
    };
    conversations::SyncedStatus {
        status: crate::conversation::ConversationStatus {
            conversation_type: ConversationType::Private,
            target_id: target.into(),
            is_top,
            notification_status,
        },
        version,
    }
}

#[test]
fn synced_statuses_apply_only_when_newer_and_list_new_conversations_only_if_pinned() {
    let (_dir, mut conn) = db();
    receive(&mut conn, &[text("U1", "ann", "a", 1)]);
    assert!(conversations::remove(&conn, ConversationType::Private, "ann").unwrap());
    let applied = conversations::apply_synced(
        &mut conn,
        &[
            synced("ann", true, false, 3),
            synced("muted", false, true, 4),
            synced("ann", false, true, 2),
        ],
        StatusOrigin::Elsewhere,
    )
    .unwrap();
    assert_eq!(applied.len(), 2, "the late, older change of ann is ignored");
    let listed: Vec<_> = list(&conn, None, 10)
        .unwrap()
        .into_iter()
        .map(|c| (c.target_id, c.is_top, c.notification_status))
        .collect();
    // Pinning shows the removed "ann"; "muted" exists but is not listed until a message comes.
    assert_eq!(listed, [("ann".into(), true, NotificationStatus::Notify)]);
    let muted = conversations::get(&conn, ConversationType::Private, "muted");
    assert_eq!(
        muted.unwrap().unwrap().notification_status,
        NotificationStatus::DoNotDisturb
    );
    assert!(
        conversations::apply_synced(
            &mut conn,
            &[synced("ann", true, false, 3)],
            StatusOrigin::Elsewhere
        )
        .unwrap()
        .is_empty(),
        "the same version again changes nothing"
    );

    // Changed here offline: pending, and not overwritten by other devices' changes until sent.
    let pin_off = ConversationStatusItem {
        is_top: Some(false),
        notification_status: None,
    };
    conversations::set_status(&conn, ConversationType::Private, "ann", &pin_off).unwrap();
    let pending = conversations::pending_statuses(&conn).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].target_id.as_str(), pending[0].is_top),
        ("ann", false)
    );
    let elsewhere = [synced("ann", true, true, 5)];
    let from_elsewhere =
        conversations::apply_synced(&mut conn, &elsewhere, StatusOrigin::Elsewhere).unwrap();
    assert!(
        from_elsewhere.is_empty(),
        "the pending change here will be newer"
    );
    let answered = [synced("ann", false, true, 6)];
    let own = conversations::apply_synced(&mut conn, &answered, StatusOrigin::Here).unwrap();
    assert_eq!(own.len(), 1);
    assert!(conversations::pending_statuses(&conn).unwrap().is_empty());

    assert_eq!(conversations::status_cursor(&conn).unwrap(), 0);
    conversations::advance_status_cursor(&conn, 4).unwrap();
    conversations::advance_status_cursor(&conn, 2).unwrap();
    assert_eq!(
        conversations::status_cursor(&conn).unwrap(),
        4,
        "never goes back"
    );
}

#[test]
fn own_messages_are_stored_once_whichever_copy_comes_first() {
    let (_dir, mut conn) = db();
    let mut echo = text("U1", "ann", "mine", 5);
    echo.sender_user_id = ME.into();
    echo.client_message_id = "k1".into();
    // Acknowledged first, then the server's echo: one row, nothing announced.
    let sent = sent::store_sent(&mut conn, &outgoing("ann", "k1"), "U1", 5).unwrap();
    assert_eq!(receive(&mut conn, std::slice::from_ref(&echo)), 0);
    // The echo of a message sent from another device: stored as outgoing, announced.
    let mut other = echo;
    other.message_uid = "U2".into();
    other.client_message_id = "k2".into();
    let announced = received::store_incoming(&mut conn, &[other], 2, true, 9, ME).unwrap();
    assert_eq!(announced[0].message_direction, MessageDirection::Send);
    assert!(!announced[0].offline_message);
    // This device's own send whose echo came first: matched by key, not stored twice.
    let again = sent::store_sent(&mut conn, &outgoing("ann", "k2"), "U2", 6).unwrap();
    assert_eq!(again.message_id, announced[0].message_id);
    // A failed send becomes SENT when acknowledged late; a late failure does not undo it.
    let failed = sent::store_failed(&mut conn, &outgoing("ann", "k3")).unwrap();
    assert_eq!(failed.sent_status, SentStatus::Failed);
    let acked = sent::store_sent(&mut conn, &outgoing("ann", "k3"), "U3", 7).unwrap();
    assert_eq!(
        (acked.message_id, acked.sent_status),
        (failed.message_id, SentStatus::Sent)
    );
    assert_eq!(
        sent::store_failed(&mut conn, &outgoing("ann", "k3"))
            .unwrap()
            .sent_status,
        SentStatus::Sent
    );
    let count: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 3);
    assert_eq!(sent.sent_status, SentStatus::Sent);
    assert_eq!(
        conversations::unread(&conn, ConversationType::Private, "ann").unwrap(),
        0
    );
}

#[test]
fn deleting_messages_moves_the_latest_back() {
    let (_dir, mut conn) = db();
    receive(
        &mut conn,
        &[
            text("U1", "ann", "a", 1),
            text("U2", "ann", "b", 2),
            text("U3", "ann", "c", 3),
        ],
    );
    let id = |conn: &Connection, uid| messages::get_by_uid(conn, uid).unwrap().unwrap().message_id;
    let (u2, u3) = (id(&conn, "U2"), id(&conn, "U3"));
    assert_eq!(
        deletions::delete(
            &mut conn,
            &[
                MessageRef::Id(u3),
                MessageRef::Uid("U3".into()),
                MessageRef::Id(999)
            ]
        )
        .unwrap(),
        1
    );
    let ann = conversations::get(&conn, ConversationType::Private, "ann")
        .unwrap()
        .unwrap();
    assert_eq!((ann.latest_message_id, ann.sent_time), (Some(u2), 2));
    assert_eq!(
        deletions::clear_history(&mut conn, ConversationType::Private, "ann", 1).unwrap(),
        1
    );
    assert_eq!(
        deletions::clear_history(&mut conn, ConversationType::Private, "ann", 0).unwrap(),
        1
    );
    let ann = conversations::get(&conn, ConversationType::Private, "ann")
        .unwrap()
        .unwrap();
    assert!(ann.latest_message.is_none() && ann.latest_message_id.is_none());
    assert_eq!(
        list(&conn, None, 10).unwrap().len(),
        1,
        "an emptied conversation stays listed"
    );
    assert!(
        search::messages(&conn, ConversationType::Private, "ann", "a", 0, 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn local_messages_show_in_the_conversation_without_counting() {
    let (_dir, mut conn) = db();
    let tip = tip("ann", "you are now friends", 50);
    let stored = local_messages::insert_local(&mut conn, &[tip], true)
        .unwrap()
        .remove(0);
    assert!(stored.message_uid.is_empty());
    let ann = conversations::get(&conn, ConversationType::Private, "ann")
        .unwrap()
        .unwrap();
    assert_eq!(
        (ann.latest_message_id, ann.unread_message_count),
        (Some(stored.message_id), 0)
    );
    assert_eq!(
        search::messages(&conn, ConversationType::Private, "ann", "FRIENDS", 0, 5)
            .unwrap()
            .len(),
        1
    );
    assert!(
        local_messages::set_content(&conn, stored.message_id, r#"{"message":"renamed"}"#).unwrap()
    );
    assert!(
        search::messages(&conn, ConversationType::Private, "ann", "friends", 0, 5)
            .unwrap()
            .is_empty()
    );
    assert!(local_messages::set_received_status(&conn, stored.message_id, 1).unwrap());
    assert!(local_messages::set_sent_status(&conn, stored.message_id, SentStatus::Read).unwrap());
    assert!(!local_messages::set_sent_status(&conn, 12345, SentStatus::Read).unwrap());
    let back = messages::get(&conn, stored.message_id).unwrap().unwrap();
    assert_eq!(
        (back.received_status, back.sent_status),
        (1, SentStatus::Read)
    );
}

#[test]
fn search_finds_substrings_in_english_and_chinese() {
    let (_dir, mut conn) = db();
    receive(
        &mut conn,
        &[
            text("U1", "ann", "Meeting at Noon", 1),
            text("U2", "ann", "我们明天去北京开会", 2),
            text("U3", "bob", "noon is fine", 3),
            text("U4", "bob", "100% sure_thing", 4),
            text("U5", "bob", "xyz1 yz12", 5),
        ],
    );
    // Live messages wait to be indexed; searches find them before and after.
    let waiting: i64 = conn
        .query_row("SELECT count(*) FROM message_text_pending", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(waiting, 5);
    for indexed in [false, true] {
        if indexed {
            searchable::index_pending(&mut conn).unwrap();
            let waiting: i64 = conn
                .query_row("SELECT count(*) FROM message_text_pending", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(waiting, 0);
        }
        let conn = &conn;
        let find = |kw: &str, target: &str| {
            search::messages(conn, ConversationType::Private, target, kw, 0, 10)
                .unwrap()
                .len()
        };
        assert_eq!(find("noon", "ann"), 1);
        assert_eq!(find("北京", "ann"), 1, "two-character Chinese keyword");
        assert_eq!(find("去北京开", "ann"), 1);
        assert_eq!(find("上海", "ann"), 0);
        assert_eq!(find("%", "bob"), 1, "LIKE wildcards are literal");
        assert_eq!(find("1_", "bob"), 0, "`_` is literal too");
        assert_eq!(find("e_t", "bob"), 1);
        assert_eq!(find("\"noon", "bob"), 0, "quotes cannot break the query");
        assert_eq!(find("xyz12", "bob"), 0, "all its trigrams, apart");
        assert_eq!(find("yz12", "bob"), 1);
        assert_eq!(
            search::messages(conn, ConversationType::Private, "ann", "e", 2, 10)
                .unwrap()
                .len(),
            1
        );
        let found = search::conversations(conn, "noon", None).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].target_id.as_str(), found[0].match_count),
            ("bob", Some(1))
        );
        assert!(
            search::conversations(conn, "noon", Some(&[ConversationType::Group]))
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn case_folds_over_unicode_whatever_the_keyword_length() {
    let (_dir, mut conn) = db();
    receive(
        &mut conn,
        &[
            text("U1", "ann", "über alles", 1),
            text("U2", "ann", "ärger", 2),
            text("U3", "bob", "École ÜBER", 3),
            text("U4", "bob", "uber", 4),
        ],
    );
    for indexed in [false, true] {
        if indexed {
            searchable::index_pending(&mut conn).unwrap();
        }
        let conn = &conn;
        let find = |kw: &str, target: &str| -> Vec<i64> {
            search::messages(conn, ConversationType::Private, target, kw, 0, 10)
                .unwrap()
                .iter()
                .map(|m| m.sent_time)
                .collect()
        };
        for kw in ["ÜBER", "ÜBE", "ÜB", "Ü", "über", "üb"] {
            assert_eq!(find(kw, "ann"), [1], "{kw} in ann (indexed: {indexed})");
            assert_eq!(find(kw, "bob"), [3], "{kw} in bob (indexed: {indexed})");
            let found = search::conversations(conn, kw, None).unwrap();
            assert_eq!(found.len(), 2, "{kw} across conversations");
            assert!(found.iter().all(|c| c.match_count == Some(1)));
        }
        assert_eq!(find("ÄR", "ann"), [2]);
        assert_eq!(find("éC", "bob"), [3]);
        assert_eq!(find("ÉCOLE", "bob"), [3]);
    }
}

#[test]
fn a_short_keyword_pages_newest_first_within_the_conversation() {
    let (_dir, mut conn) = db();
    let batch: Vec<_> = (1..=30)
        .map(|i| {
            let words = if i % 3 == 0 { "今天开会" } else { "你好" };
            text(&format!("U{i}"), "ann", words, i)
        })
        .chain([text("B1", "bob", "开会", 40)])
        .collect();
    receive(&mut conn, &batch);
    searchable::index_pending(&mut conn).unwrap();
    let page = |before: i64| -> Vec<i64> {
        search::messages(&conn, ConversationType::Private, "ann", "开会", before, 4)
            .unwrap()
            .iter()
            .map(|m| m.sent_time)
            .collect()
    };
    assert_eq!(page(0), [30, 27, 24, 21]);
    assert_eq!(page(21), [18, 15, 12, 9]);
    assert_eq!(page(4), [3]);
}

#[tokio::test]
async fn live_messages_are_indexed_in_a_batch_moments_later_and_found_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = super::Store::open(&dir.path().join("imcore.db"), ME)
        .await
        .unwrap();
    let waiting = |store: &super::Store| {
        store
            .read(|conn| {
                Ok(
                    conn.query_row("SELECT count(*) FROM message_text_pending", [], |r| {
                        r.get::<_, i64>(0)
                    })?,
                )
            })
            .unwrap()
    };
    let first_request = std::time::Instant::now();
    for n in 0..3 {
        let live = [text(&format!("U{n}"), "ann", &format!("live {n} 北京"), n)];
        store
            .call_here(|conn| received::store_incoming(conn, &live, n as u64 + 1, false, 0, ME))
            .unwrap();
        store.index_soon();
    }
    let pending = waiting(&store);
    // The batch is due INDEX_DELAY after the first request; only a loaded machine gets there
    // before this check, and then the batch may have taken some of the three.
    if first_request.elapsed() < super::actor::INDEX_DELAY / 2 {
        assert_eq!(pending, 3, "not indexed at once");
    }
    let found = |store: &super::Store| {
        store
            .read(|conn| search::messages(conn, ConversationType::Private, "ann", "北京", 0, 10))
            .unwrap()
            .len()
    };
    assert_eq!(found(&store), 3, "found while waiting");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while waiting(&store) > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(waiting(&store), 0, "indexed moments later");
    assert_eq!(found(&store), 3);
}

fn message_count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn closing_checkpoints_and_removes_the_wal_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("imcore.db");
    let wal = dir.path().join("imcore.db-wal");
    let shm = dir.path().join("imcore.db-shm");
    for round in 0..50u64 {
        let (store, _) = super::Store::open(&file, ME).await.unwrap();
        let batch: Vec<_> = (1..=5)
            .map(|i| text(&format!("U{round}-{i}"), "ann", "hello", i))
            .collect();
        let last = round * 5 + 5;
        store
            .call_here(|conn| received::store_incoming(conn, &batch, last, false, 0, ME))
            .unwrap();
        // Both connections were used: the writer, and the reader the calls use.
        assert_eq!(
            store.read(|conn| Ok(message_count(conn))).unwrap(),
            last as i64
        );
        store.call(|_| Ok(())).await.unwrap();
        drop(store);
        assert!(!wal.exists(), "round {round}: the WAL outlived the close");
        assert!(
            !shm.exists(),
            "round {round}: the shared memory outlived the close"
        );
        // The database file alone holds every message.
        let alone = tempfile::tempdir().unwrap();
        let copy = alone.path().join("imcore.db");
        std::fs::copy(&file, &copy).unwrap();
        assert_eq!(
            message_count(&Connection::open(&copy).unwrap()),
            last as i64
        );
    }
}

#[tokio::test]
async fn a_large_import_keeps_the_wal_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = super::Store::open(&dir.path().join("imcore.db"), ME)
        .await
        .unwrap();
    let wal_bytes = || {
        std::fs::metadata(dir.path().join("imcore.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let limit = super::checkpoint::WAL_LIMIT_BYTES as u64;
    // One pull page of large messages first: a WAL of about 30 MB (which the file used to keep).
    let bulky = "x".repeat(16 * 1024);
    let page: Vec<_> = (1..=500)
        .map(|i| text(&format!("U{i}"), "ann", &bulky, i))
        .collect();
    store
        .call_here(|conn| received::store_incoming(conn, &page, 500, true, 0, ME))
        .unwrap();
    assert!(wal_bytes() > limit);
    // Then 24 pages more of 500 KB of text each (1 to 4 MB of WAL apiece): the file is cut back
    // to the limit and stays within it and the last page or two (a checkpoint can be busy). The
    // checkpoint thread polls; on a loaded machine it may run late, so each page waits (up to
    // 5 s) for it rather than racing it.
    let body = "y".repeat(2 * 1024);
    for p in 1..=24i64 {
        let page: Vec<_> = (1..=250)
            .map(|i| text(&format!("U{p}-{i}"), "ann", &body, 500 + p * 250 + i))
            .collect();
        let last = (500 + p * 250 + 250) as u64;
        store
            .call_here(|conn| received::store_incoming(conn, &page, last, true, 0, ME))
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while wal_bytes() > 4 * limit && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let wal = wal_bytes();
        assert!(
            wal <= 4 * limit,
            "the WAL stayed at {wal} bytes after page {p}"
        );
    }
}

#[test]
fn group_streams_store_with_their_cursor_count_mentions_and_reset_with_the_epoch() {
    let (_dir, mut conn) = db();
    let group = |uid: &str, sender: &str, content: serde_json::Value, time: i64| {
        let mut m = incoming(uid, ConversationType::Group, "g1", sender, "", time);
        m.content = content.to_string();
        m
    };
    let all =
        serde_json::json!({"content": "@all", "mentionedInfo": {"type": 1, "userIdList": []}});
    let other =
        serde_json::json!({"content": "@cat", "mentionedInfo": {"type": 2, "userIdList": ["cat"]}});
    let plain = serde_json::json!({"content": "hello group"});
    let batch = [
        group("G1", "bob", all, 1),
        group("G2", "bob", other, 2),
        group("G3", "bob", plain.clone(), 3),
    ];
    let store = |conn: &mut Connection, batch: &[IncomingMessage], through| {
        received::store_group_incoming(conn, "g1", batch, through, false, 0, ME).unwrap()
    };
    assert_eq!(store(&mut conn, &batch, 5).len(), 3);
    // Again (a pull after a crash, an older frame): nothing announced, the cursor stays.
    assert!(store(&mut conn, &batch[..1], 2).is_empty());
    let cursors = received::group_cursors(&conn).unwrap();
    assert_eq!(cursors.get("g1"), Some(&5));
    // An own message sent from another device neither counts nor clears the mention.
    let mut own = group("G4", ME, plain.clone(), 4);
    own.client_message_id = "k-own".into();
    assert_eq!(store(&mut conn, &[own], 6).len(), 1);
    let g1 = conversations::get(&conn, ConversationType::Group, "g1")
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            g1.unread_message_count,
            g1.mentioned_count,
            g1.has_mentioned
        ),
        (3, 1, true)
    );
    assert_eq!(g1.latest_message.unwrap().message_uid, "G4");
    // A private or system message carrying mentionedInfo counts no mention.
    let mut private = text("U1", "ann", "", 7);
    private.content = r#"{"content":"@me","mentionedInfo":{"type":1,"userIdList":[]}}"#.into();
    let system = incoming(
        "S1",
        ConversationType::System,
        "admin",
        "admin",
        "notice",
        8,
    );
    assert_eq!(receive(&mut conn, &[private, system]), 2);
    let listed: Vec<_> = list(&conn, None, 10)
        .unwrap()
        .into_iter()
        .map(|c| (c.conversation_type, c.target_id, c.mentioned_count))
        .collect();
    assert_eq!(
        listed,
        [
            (ConversationType::System, "admin".to_string(), 0),
            (ConversationType::Private, "ann".to_string(), 0),
            (ConversationType::Group, "g1".to_string(), 1),
        ]
    );
    assert_eq!(conversations::total_unread(&conn, None, false).unwrap(), 5);
    let page = super::history::history(
        &conn,
        &super::HistoryQuery {
            conversation_type: ConversationType::Group,
            target_id: "g1".into(),
            timestamp: 0,
            count: 10,
            order: crate::enums::HistoryOrder::Older,
            object_name: None,
        },
    )
    .unwrap()
    .0;
    assert_eq!(page.len(), 4);
    let found = search::messages(&conn, ConversationType::Group, "g1", "hello", 0, 10).unwrap();
    assert_eq!(found.len(), 2);
    // Reading the conversation clears its mentions.
    assert!(conversations::clear_unread(&conn, ConversationType::Group, "g1").unwrap());
    let g1 = conversations::get(&conn, ConversationType::Group, "g1")
        .unwrap()
        .unwrap();
    assert_eq!((g1.mentioned_count, g1.has_mentioned), (0, false));
    // A new epoch: the group cursors start again with the inbox cursor.
    assert!(!received::follow_epoch(&conn, 1).unwrap());
    assert_eq!(received::group_cursors(&conn).unwrap().len(), 1);
    assert!(received::follow_epoch(&conn, 2).unwrap());
    assert!(received::group_cursors(&conn).unwrap().is_empty());
}
