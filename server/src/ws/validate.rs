//! Checks on client requests before anything is stored or read: `Send`, and the parameters of
//! `Request`s. A failed check gives the seed status code to answer with.

use improto::Send as SendRequest;

use super::codes;
use crate::store::Order;
use crate::uid::is_message_uid;

/// The only conversation type accepted for now.
pub const PRIVATE: i32 = 1;
/// Longest user id / target id, in bytes.
pub const MAX_ID_BYTES: usize = 64;
/// Longest message type name, in bytes.
pub const MAX_OBJECT_NAME_BYTES: usize = 32;
/// Largest content, in bytes.
pub const MAX_CONTENT_BYTES: usize = 128 * 1024;
/// Longest idempotency key, in bytes.
pub const MAX_CLIENT_MESSAGE_ID_BYTES: usize = 128;
/// Most messages a history page holds.
pub const MAX_HISTORY_PAGE: u32 = 100;
/// Most conversations a conversation-list page holds.
pub const MAX_CONVERSATION_PAGE: u32 = 1000;
/// Most messages one `DeleteMessages` names (seed: 100).
pub const MAX_DELETED_AT_ONCE: usize = 100;

/// Returns the seed status code rejecting `send`, or `None` if it may be stored.
pub fn reject_send(send: &SendRequest) -> Option<i32> {
    if conversation(send.conversation_type, &send.target_id).is_err()
        || send.object_name.is_empty()
        || send.object_name.len() > MAX_OBJECT_NAME_BYTES
        || send.client_message_id.len() > MAX_CLIENT_MESSAGE_ID_BYTES
    {
        return Some(codes::INVALID_PARAMETER);
    }
    if send.content.len() > MAX_CONTENT_BYTES {
        return Some(codes::MESSAGE_TOO_LARGE);
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(&send.content).is_err() {
        return Some(codes::INVALID_PARAMETER);
    }
    None
}

/// Checks that `conversation_type` and `target_id` name a conversation the server keeps: a
/// private one with a target id of 1 to [`MAX_ID_BYTES`] bytes; else 33003.
pub fn conversation(conversation_type: i32, target_id: &str) -> Result<(), i32> {
    let valid =
        conversation_type == PRIVATE && !target_id.is_empty() && target_id.len() <= MAX_ID_BYTES;
    valid.then_some(()).ok_or(codes::INVALID_PARAMETER)
}

/// Conversation types a user may keep a status for (seed: private, group, chatroom, system),
/// whether or not this server carries their messages yet.
const STATUS_CONVERSATION_TYPES: [i32; 4] = [1, 3, 4, 6];

/// Checks the conversation of a status: a seed conversation type and a target id of 1 to
/// [`MAX_ID_BYTES`] bytes; else 33003.
pub fn status_conversation(conversation_type: i32, target_id: &str) -> Result<(), i32> {
    let valid = STATUS_CONVERSATION_TYPES.contains(&conversation_type)
        && !target_id.is_empty()
        && target_id.len() <= MAX_ID_BYTES;
    valid.then_some(()).ok_or(codes::INVALID_PARAMETER)
}

/// `count` as a page size if it is 1 to `max`; else 33003.
pub fn page_size(count: u32, max: u32) -> Result<usize, i32> {
    if (1..=max).contains(&count) {
        Ok(count as usize)
    } else {
        Err(codes::INVALID_PARAMETER)
    }
}

/// `time` (ms since the epoch, 0 meaning "none") if it is not negative; else 33003.
pub fn time(time: i64) -> Result<i64, i32> {
    if time >= 0 {
        Ok(time)
    } else {
        Err(codes::INVALID_PARAMETER)
    }
}

/// The order of `HistoryQuery.order`: 0 older than the cursor, newest first; 1 newer than the
/// cursor, oldest first; else 33003.
pub fn history_order(order: i32) -> Result<Order, i32> {
    match order {
        0 => Ok(Order::NewestFirst),
        1 => Ok(Order::OldestFirst),
        _ => Err(codes::INVALID_PARAMETER),
    }
}

/// Most statuses one `ConversationStatusQuery` answer holds (also its default `limit`).
pub const MAX_STATUS_PAGE: u32 = 500;

/// A `notification_status` to set, if any: 1 (do not disturb) or 2 (notify); else 33003.
pub fn notification_status(status: Option<i32>) -> Result<Option<i32>, i32> {
    match status {
        None | Some(1) | Some(2) => Ok(status),
        Some(_) => Err(codes::INVALID_PARAMETER),
    }
}

/// Checks a `DeleteMessages` list: 1 to [`MAX_DELETED_AT_ONCE`] message UIDs, each in the
/// UID format; else 33003.
pub fn message_uids(uids: &[String]) -> Result<(), i32> {
    let valid = (1..=MAX_DELETED_AT_ONCE).contains(&uids.len())
        && uids.iter().all(|uid| is_message_uid(uid));
    valid.then_some(()).ok_or(codes::INVALID_PARAMETER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send() -> SendRequest {
        SendRequest {
            request_id: 1,
            conversation_type: PRIVATE,
            target_id: "bob".into(),
            object_name: "RC:TxtMsg".into(),
            content: r#"{"content":"hi"}"#.into(),
            client_message_id: "c1".into(),
            persisted: true,
            counted: true,
        }
    }

    #[test]
    fn accepts_a_plain_text_message() {
        assert_eq!(reject_send(&send()), None);
    }

    #[test]
    fn rejects_bad_fields_with_33003() {
        let cases: [fn(&mut SendRequest); 7] = [
            |s| s.conversation_type = 3,
            |s| s.target_id.clear(),
            |s| s.target_id = "x".repeat(65),
            |s| s.object_name.clear(),
            |s| s.object_name = "x".repeat(33),
            |s| s.content = "{not json".into(),
            |s| s.client_message_id = "x".repeat(129),
        ];
        for change in cases {
            let mut s = send();
            change(&mut s);
            assert_eq!(reject_send(&s), Some(codes::INVALID_PARAMETER), "{s:?}");
        }
    }

    #[test]
    fn checks_request_parameters() {
        const BAD: i32 = codes::INVALID_PARAMETER;
        assert_eq!(conversation(PRIVATE, "bob"), Ok(()));
        assert_eq!(conversation(3, "bob"), Err(BAD));
        assert_eq!(conversation(PRIVATE, ""), Err(BAD));
        assert_eq!(conversation(PRIVATE, &"x".repeat(65)), Err(BAD));
        assert_eq!(page_size(1, 100), Ok(1));
        assert_eq!(page_size(100, 100), Ok(100));
        assert_eq!(page_size(0, 100), Err(BAD));
        assert_eq!(page_size(101, 100), Err(BAD));
        assert_eq!(time(0), Ok(0));
        assert_eq!(time(-1), Err(BAD));
        assert_eq!(history_order(0), Ok(Order::NewestFirst));
        assert_eq!(history_order(1), Ok(Order::OldestFirst));
        assert_eq!(history_order(2), Err(BAD));
        let uid = "BETR-GIM7-TN05-89QU".to_owned();
        assert_eq!(message_uids(std::slice::from_ref(&uid)), Ok(()));
        assert_eq!(message_uids(&[]), Err(BAD));
        assert_eq!(message_uids(&vec![uid; 101]), Err(BAD));
        assert_eq!(message_uids(&["not-a-uid".into()]), Err(BAD));
    }

    #[test]
    fn rejects_oversized_content_with_30016() {
        let mut s = send();
        s.content = format!("\"{}\"", "x".repeat(MAX_CONTENT_BYTES));
        assert_eq!(reject_send(&s), Some(codes::MESSAGE_TOO_LARGE));
        s.content = format!("\"{}\"", "x".repeat(MAX_CONTENT_BYTES - 2));
        assert_eq!(reject_send(&s), None);
    }
}
