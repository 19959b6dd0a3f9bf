//! Drafts live in the user's database: they survive the client being destroyed and created
//! again (the seed's Web SDK lost them on refresh), and are listed page by page.

use imcore::{ConversationKey, ConversationType, Draft, ImClient};
use imcore_harness::{Client, ServerProcess};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_survive_a_restart_of_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("server"), "app-drafts", "secret-drafts");
    let db = dir.path().join("a");
    let private = ConversationType::Private;
    {
        let (im, _events) = Client::init(&server, &db);
        assert_eq!(
            im.get_text_message_draft(private, "bob")
                .await
                .unwrap_err()
                .code,
            30001,
            "connect first"
        );
        im.connect(&server.token("alice").await).await.unwrap();
        assert_eq!(im.get_text_message_draft(private, "bob").await.unwrap(), "");
        im.save_text_message_draft(private, "bob", "first")
            .await
            .unwrap();
        im.save_text_message_draft(private, "bob", "半句话")
            .await
            .unwrap();
        im.save_text_message_draft(ConversationType::Group, "bob", "group draft")
            .await
            .unwrap();
        assert_eq!(
            im.save_text_message_draft(private, "", "x")
                .await
                .unwrap_err()
                .code,
            33003
        );
        im.destroy();
    }
    let again = ImClient::new();
    again
        .init(
            &server.app_key,
            imcore::InitOptions::new(server.navi(), &db),
        )
        .unwrap();
    again.connect(&server.token("alice").await).await.unwrap();
    let listed = |page: Vec<Draft>| -> Vec<(ConversationType, String, String)> {
        page.into_iter()
            .map(|d| (d.conversation_type, d.target_id, d.draft))
            .collect()
    };
    let first = again.get_text_message_drafts(None, 1).await.unwrap();
    assert_eq!(
        listed(first),
        [(private, "bob".to_owned(), "半句话".to_owned())],
        "one page of one, in key order: private (1) before group (3)"
    );
    let after = ConversationKey {
        conversation_type: private,
        target_id: "bob".into(),
    };
    assert_eq!(
        listed(
            again
                .get_text_message_drafts(Some(after), 100)
                .await
                .unwrap()
        ),
        [(
            ConversationType::Group,
            "bob".to_owned(),
            "group draft".to_owned()
        )]
    );
    for count in [0, imcore::MAX_DRAFTS_PAGE + 1] {
        let refused = again
            .get_text_message_drafts(None, count)
            .await
            .unwrap_err();
        assert_eq!(refused.code, 33003, "count {count}");
    }
    assert_eq!(
        again.get_text_message_draft(private, "bob").await.unwrap(),
        "半句话"
    );
    again
        .clear_text_message_draft(private, "bob")
        .await
        .unwrap();
    assert_eq!(
        again.get_text_message_draft(private, "bob").await.unwrap(),
        ""
    );
    assert_eq!(
        again
            .get_text_message_draft(ConversationType::Group, "bob")
            .await
            .unwrap(),
        "group draft"
    );
    assert_eq!(
        listed(again.get_text_message_drafts(None, 100).await.unwrap()),
        [(
            ConversationType::Group,
            "bob".to_owned(),
            "group draft".to_owned()
        )],
        "a cleared draft is no longer listed"
    );
    again.destroy();
}
