//! A and B exchange 1,000 messages each way through a real imserver: none lost, none
//! duplicated, each side in send order, and every message in both local databases.

use imcore::{
    ConversationType, HistoryOrder, ImClient, Message, MessageContent, MessageDirection, SentStatus,
};
use imcore_harness::{Client, ServerProcess, texts};
use std::time::Duration;

const PER_SIDE: usize = 1_000;

async fn send_all(from: ImClient, to: String, tag: &'static str) -> Vec<Message> {
    let mut sent = Vec::with_capacity(PER_SIDE);
    for i in 0..PER_SIDE {
        let text = MessageContent::text(&format!("{tag} {i}"));
        let message = from
            .send_message(ConversationType::Private, &to, text)
            .await
            .expect("send");
        assert_eq!(message.sent_status, SentStatus::Sent);
        assert_eq!(message.message_uid.len(), 19);
        sent.push(message);
    }
    sent
}

/// Reads a whole conversation from the local database, oldest first, 20 at a time.
pub async fn whole_history(im: &ImClient, target: &str) -> Vec<Message> {
    let mut all = Vec::new();
    let mut cursor = 0;
    loop {
        let page = im
            .get_history_messages(
                ConversationType::Private,
                target,
                cursor,
                20,
                HistoryOrder::Older,
                None,
            )
            .await
            .expect("history");
        let Some(oldest) = page.list.first() else {
            break;
        };
        cursor = oldest.sent_time;
        let more = page.has_more;
        let mut list = page.list;
        list.append(&mut all);
        all = list;
        if !more {
            break;
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_and_b_exchange_a_thousand_messages_each_way() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(
        &dir.path().join("server"),
        "app-exchange",
        "secret-exchange",
    );
    let a = Client::connect(&server, &dir.path().join("a"), "alice").await;
    let b = Client::connect(&server, &dir.path().join("b"), "bob").await;

    let a_sends = tokio::spawn(send_all(a.im.clone(), "bob".into(), "a->b"));
    let b_sends = tokio::spawn(send_all(b.im.clone(), "alice".into(), "b->a"));
    let (a_sent, b_sent) = (a_sends.await.unwrap(), b_sends.await.unwrap());

    let expected = |tag: &str| {
        (0..PER_SIDE)
            .map(|i| format!("{tag} {i}"))
            .collect::<Vec<_>>()
    };
    let at_b = tokio::task::spawn_blocking(move || {
        (b.listener.messages(PER_SIDE, Duration::from_secs(20)), b)
    })
    .await
    .unwrap();
    let at_a = tokio::task::spawn_blocking(move || {
        (a.listener.messages(PER_SIDE, Duration::from_secs(20)), a)
    })
    .await
    .unwrap();
    let ((b_got, b), (a_got, a)) = (at_b, at_a);
    assert_eq!(
        texts(&b_got),
        expected("a->b"),
        "bob received everything once, in order"
    );
    assert_eq!(
        texts(&a_got),
        expected("b->a"),
        "alice received everything once, in order"
    );
    for (got, sent) in b_got.iter().zip(&a_sent) {
        assert_eq!(got.message_uid, sent.message_uid);
        assert_eq!(got.sent_time, sent.sent_time);
        assert_eq!(got.sender_user_id, "alice");
        assert_eq!(got.target_id, "alice");
        assert_eq!(got.message_direction, MessageDirection::Receive);
    }
    assert!(
        b_got
            .iter()
            .zip(&a_got)
            .all(|(x, y)| x.message_uid != y.message_uid)
    );
    assert!(
        b.listener
            .next(Duration::from_millis(300))
            .is_none_or(|e| !matches!(e, imcore::Event::Message { .. })),
        "no duplicate arrives later"
    );

    for (client, peer, sent) in [(&a, "bob", &a_sent), (&b, "alice", &b_sent)] {
        let history = whole_history(&client.im, peer).await;
        assert_eq!(
            history.len(),
            2 * PER_SIDE,
            "{} holds both directions",
            client.user_id
        );
        let own: Vec<_> = history
            .iter()
            .filter(|m| m.message_direction == MessageDirection::Send)
            .collect();
        assert_eq!(
            own.iter().map(|m| &m.message_uid).collect::<Vec<_>>(),
            sent.iter().map(|m| &m.message_uid).collect::<Vec<_>>()
        );
        assert!(
            history.windows(2).all(|w| w[0].sent_time <= w[1].sent_time),
            "history is in time order"
        );
    }
}
