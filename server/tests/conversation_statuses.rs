//! Conversation statuses (pin, do not disturb) are the user's, shared by all their devices:
//! a change is answered with its version, pushed to the user's other connections, and listed
//! to any device asking for the changes after a version.

mod common;

use common::{TestServer, expect_alive, recv, request, request_ok};
use improto::request::Body as Ask;
use improto::response::Body as Answer;
use improto::{Body, ConversationStatus, ConversationStatusQuery, Platform, SetConversationStatus};

fn set(target: &str, is_top: Option<bool>, notification_status: Option<i32>) -> Ask {
    Ask::SetConversationStatus(SetConversationStatus {
        conversation_type: 1,
        target_id: target.into(),
        is_top,
        notification_status,
    })
}

fn status(
    target: &str,
    is_top: bool,
    notification_status: i32,
    version: u64,
) -> ConversationStatus {
    ConversationStatus {
        conversation_type: 1,
        target_id: target.into(),
        is_top,
        notification_status,
        version,
    }
}

async fn statuses_after(
    ws: &mut common::Ws,
    request_id: u64,
    after_version: u64,
    limit: u32,
) -> improto::ConversationStatuses {
    let query = Ask::ConversationStatuses(ConversationStatusQuery {
        after_version,
        limit,
    });
    match request_ok(ws, request_id, query).await {
        Some(Answer::ConversationStatuses(statuses)) => statuses,
        other => panic!("expected statuses, got {other:?}"),
    }
}

#[tokio::test]
async fn a_change_is_versioned_pushed_to_the_other_devices_and_listed_after_a_version() {
    let server = TestServer::start_multi_device().await;
    let token = server.token("alice").await;
    let (mut desktop, _) = server
        .connect_as(&token, Platform::Desktop as i32, "d")
        .await;
    let (mut phone, _) = server
        .connect_as(&token, Platform::Mobile as i32, "p")
        .await;
    let (mut bob, _) = server.connect(&server.token("bob").await).await;

    let answer = request_ok(&mut desktop, 1, set("bob", Some(true), None)).await;
    let Some(Answer::ConversationStatuses(changed)) = answer else {
        panic!("expected the new status, got {answer:?}");
    };
    assert_eq!(changed.statuses, [status("bob", true, 2, 1)]);
    match recv(&mut phone).await {
        Body::ConversationStatuses(pushed) => assert_eq!(pushed.statuses, changed.statuses),
        other => panic!("expected the pushed status, got {other:?}"),
    }
    // Not to the device that made the change, nor to anyone else.
    expect_alive(&mut desktop, 1).await;
    expect_alive(&mut bob, 2).await;

    request_ok(&mut phone, 2, set("carol", None, Some(1))).await;
    request_ok(&mut phone, 3, set("bob", None, Some(1))).await;
    for expected in [status("carol", false, 1, 2), status("bob", true, 1, 3)] {
        match recv(&mut desktop).await {
            Body::ConversationStatuses(pushed) => assert_eq!(pushed.statuses, [expected]),
            other => panic!("expected the pushed status, got {other:?}"),
        }
    }
    let all = statuses_after(&mut desktop, 4, 0, 0).await;
    assert_eq!(
        all.statuses,
        [status("carol", false, 1, 2), status("bob", true, 1, 3)]
    );
    assert!(!all.has_more);
    let page = statuses_after(&mut desktop, 5, 1, 1).await;
    assert_eq!((page.statuses.len(), page.has_more), (1, true));
    assert!(
        statuses_after(&mut desktop, 6, 3, 0)
            .await
            .statuses
            .is_empty()
    );
    assert!(
        statuses_after(&mut bob, 3, 0, 0).await.statuses.is_empty(),
        "statuses are per user"
    );
}

#[tokio::test]
async fn bad_status_requests_get_33003_and_change_nothing() {
    let server = TestServer::start().await;
    let (mut alice, _) = server.connect(&server.token("alice").await).await;
    let mut of_type_2 = set("bob", Some(true), None);
    if let Ask::SetConversationStatus(s) = &mut of_type_2 {
        s.conversation_type = 2;
    }
    for (id, bad) in [
        (1, set("bob", None, Some(3))),
        (2, set("", Some(true), None)),
        (3, set(&"x".repeat(65), Some(true), None)),
        (6, of_type_2),
    ] {
        assert_eq!(request(&mut alice, id, bad).await.code, 33003);
    }
    let too_many = Ask::ConversationStatuses(ConversationStatusQuery {
        after_version: 0,
        limit: 501,
    });
    assert_eq!(request(&mut alice, 4, too_many).await.code, 33003);
    assert!(
        statuses_after(&mut alice, 5, 0, 0)
            .await
            .statuses
            .is_empty()
    );
    // Statuses are kept for every seed conversation type, e.g. a group.
    let mut group = set("team", Some(true), None);
    if let Ask::SetConversationStatus(s) = &mut group {
        s.conversation_type = 3;
    }
    request_ok(&mut alice, 7, group).await;
    let kept = statuses_after(&mut alice, 8, 0, 0).await.statuses;
    assert_eq!(
        (kept[0].conversation_type, kept[0].target_id.as_str()),
        (3, "team")
    );
}
