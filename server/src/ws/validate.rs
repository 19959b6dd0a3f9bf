//! Checks on a `Send` request before anything is stored.

use improto::Send as SendRequest;

use super::codes;

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

/// Returns the seed status code rejecting `send`, or `None` if it may be stored.
pub fn reject_send(send: &SendRequest) -> Option<i32> {
    if send.conversation_type != PRIVATE
        || send.target_id.is_empty()
        || send.target_id.len() > MAX_ID_BYTES
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
    fn rejects_oversized_content_with_30016() {
        let mut s = send();
        s.content = format!("\"{}\"", "x".repeat(MAX_CONTENT_BYTES));
        assert_eq!(reject_send(&s), Some(codes::MESSAGE_TOO_LARGE));
        s.content = format!("\"{}\"", "x".repeat(MAX_CONTENT_BYTES - 2));
        assert_eq!(reject_send(&s), None);
    }
}
