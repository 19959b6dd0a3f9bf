use super::*;

#[test]
fn every_method_is_listed_once_under_its_own_name() {
    let mut names: Vec<_> = METHODS.iter().map(|m| m.name).collect();
    names.sort_unstable();
    let count = names.len();
    names.dedup();
    assert_eq!(names.len(), count, "a method name is listed twice");
    for m in METHODS {
        assert!(std::ptr::eq(method(m.name).unwrap(), m));
    }
}

#[test]
fn calls_are_checked_before_they_run() {
    let client = ImClient::new();
    let code_of = |outcome: Outcome| match outcome {
        Outcome::Done(Err(e)) => e.code,
        _ => panic!("expected a refusal"),
    };
    assert_eq!(code_of(client.call("nope", Params::Json("{}"))), 33003);
    // Before init: 33001 whatever the parameters.
    assert_eq!(
        code_of(client.call("getConversationList", Params::Json("[]"))),
        33001
    );
    assert_eq!(
        client
            .call_sync("getConnectionStatus", Params::Json(""))
            .unwrap_err()
            .code,
        33001
    );
    // Asynchronous methods are not answered synchronously.
    assert_eq!(
        client
            .call_sync("connect", Params::Json("{}"))
            .unwrap_err()
            .code,
        33003
    );
    // Global methods need no init; their parameters are checked by serde.
    let bad = client.call_sync("registerMessageType", Params::Json(r#"{"messageType":1}"#));
    assert_eq!(bad.unwrap_err().code, 33003);
    let ok = client.call_sync(
        "registerMessageType",
        Params::Value(serde_json::json!({
            "messageType": "ApiTestMessage",
            "objectName": "t:api",
            "messageTag": {"isCounted": false, "isPersited": true},
        })),
    );
    assert_eq!(ok.unwrap(), "null");
}

#[test]
fn parameters_are_named_in_declaration_order() {
    let history = describe::methods()
        .into_iter()
        .find(|m| m.name == "getHistoryMessages")
        .unwrap();
    let names: Vec<_> = history
        .params
        .iter()
        .map(|p| (p.name, p.optional))
        .collect();
    assert_eq!(
        names,
        [
            ("conversationType", false),
            ("targetId", false),
            ("timestamp", false),
            ("count", false),
            ("order", false),
            ("objectName", true)
        ]
    );
}
