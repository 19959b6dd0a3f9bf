//! Checks on client requests before anything is stored or read: `Send`, and the parameters of
//! `Request`s. A failed check gives the seed status code to answer with.

use improto::Send as SendRequest;

use super::codes;
use crate::store::Order;
use crate::uid::is_message_uid;

use improto::kinds::{conversation_type, notification_status};
use improto::limits::{MAX_CLIENT_MESSAGE_ID_BYTES, MAX_DELETE_COUNT, MAX_OBJECT_NAME_BYTES};

/// Private conversations.
pub const PRIVATE: i32 = conversation_type::PRIVATE;
/// Group conversations.
pub const GROUP: i32 = conversation_type::GROUP;
/// Most messages a history page holds.
pub const MAX_HISTORY_PAGE: u32 = improto::limits::MAX_REMOTE_HISTORY_COUNT as u32;
/// Most conversations a conversation-list page holds.
pub const MAX_CONVERSATION_PAGE: u32 = improto::limits::MAX_CONVERSATION_COUNT as u32;

/// How a message is kept: stored in history, counted as unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    /// Stored in history.
    pub persisted: bool,
    /// Counted as unread by its recipients.
    pub counted: bool,
}

/// Checks `send` and decides how its message is kept: a built-in type by the contract's table
/// (whatever the client claims), a custom type by the flags its sender registered. Its content
/// must obey the contract's content rules (`improto::content`: 30016 over 128 KB, else 33003).
/// Returns the seed status code refusing it otherwise.
pub fn check_send(send: &SendRequest) -> Result<Handling, i32> {
    if conversation(send.conversation_type, &send.target_id).is_err()
        || send.object_name.is_empty()
        || send.object_name.len() > MAX_OBJECT_NAME_BYTES
        || send.client_message_id.len() > MAX_CLIENT_MESSAGE_ID_BYTES
    {
        return Err(codes::INVALID_PARAMETER);
    }
    improto::content::check(&send.object_name, &send.content).map_err(|e| e.code())?;
    let (persisted, counted) =
        improto::message_types::handling(&send.object_name, send.persisted, send.counted)
            .ok_or(codes::INVALID_PARAMETER)?;
    Ok(Handling { persisted, counted })
}

/// Checks that `conversation_type` and `target_id` name a conversation the server keeps: a
/// private or group one with a valid target id ([`improto::ids::is_valid`]: 1 to 64 bytes,
/// no control character); else 33003.
pub fn conversation(conversation_type: i32, target_id: &str) -> Result<(), i32> {
    let valid = matches!(conversation_type, PRIVATE | GROUP) && improto::ids::is_valid(target_id);
    valid.then_some(()).ok_or(codes::INVALID_PARAMETER)
}

/// Checks the conversation of a status: a seed conversation type and a valid target id
/// ([`improto::ids::is_valid`]); else 33003.
pub fn status_conversation(conversation_type: i32, target_id: &str) -> Result<(), i32> {
    let valid =
        conversation_type::ALL.contains(&conversation_type) && improto::ids::is_valid(target_id);
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

/// Most group heads one `GroupHeadsQuery` answer holds (also its default `limit`).
pub const MAX_GROUP_HEADS_PAGE: u32 = improto::limits::MAX_GROUP_HEADS_PAGE as u32;

/// Most statuses one `ConversationStatusQuery` answer holds (also its default `limit`).
pub const MAX_STATUS_PAGE: u32 = improto::limits::MAX_STATUS_PAGE as u32;

/// A `notification_status` to set, if any: 1 (do not disturb) or 2 (notify); else 33003.
pub fn notification_status(status: Option<i32>) -> Result<Option<i32>, i32> {
    match status {
        None | Some(notification_status::DO_NOT_DISTURB) | Some(notification_status::NOTIFY) => {
            Ok(status)
        }
        Some(_) => Err(codes::INVALID_PARAMETER),
    }
}

/// Checks a `DeleteMessages` list: 1 to [`MAX_DELETE_COUNT`] message UIDs, each in the
/// UID format; else 33003.
pub fn message_uids(uids: &[String]) -> Result<(), i32> {
    let valid =
        (1..=MAX_DELETE_COUNT).contains(&uids.len()) && uids.iter().all(|uid| is_message_uid(uid));
    valid.then_some(()).ok_or(codes::INVALID_PARAMETER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use improto::limits::MAX_CONTENT_BYTES;

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
            ..Default::default()
        }
    }

    #[test]
    fn accepts_a_plain_text_message() {
        assert_eq!(
            check_send(&send()),
            Ok(Handling {
                persisted: true,
                counted: true
            })
        );
    }

    #[test]
    fn rejects_bad_fields_with_33003() {
        let cases: [fn(&mut SendRequest); 7] = [
            |s| s.conversation_type = conversation_type::SYSTEM,
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
            assert_eq!(check_send(&s), Err(codes::INVALID_PARAMETER), "{s:?}");
        }
    }

    #[test]
    fn checks_request_parameters() {
        const BAD: i32 = codes::INVALID_PARAMETER;
        assert_eq!(conversation(PRIVATE, "bob"), Ok(()));
        assert_eq!(conversation(GROUP, "g1"), Ok(()));
        assert_eq!(conversation(conversation_type::SYSTEM, "bob"), Err(BAD));
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
    fn built_in_types_are_kept_as_the_contract_says_whatever_the_client_claims() {
        let mut s = send();
        (s.persisted, s.counted) = (false, false);
        assert_eq!(
            check_send(&s),
            Ok(Handling {
                persisted: true,
                counted: true
            })
        );
        s.object_name = "RC:TypSts".into();
        s.content = r#"{"typingContentType":"RC:TxtMsg"}"#.into();
        (s.persisted, s.counted) = (true, true);
        assert_eq!(
            check_send(&s),
            Ok(Handling {
                persisted: false,
                counted: false
            })
        );
        s.object_name = "app:card".into();
        assert_eq!(
            check_send(&s),
            Ok(Handling {
                persisted: true,
                counted: true
            })
        );
        s.object_name = "RC:NotBuiltIn".into();
        assert_eq!(check_send(&s), Err(codes::INVALID_PARAMETER));
    }

    #[test]
    fn rejects_oversized_content_with_30016() {
        let mut s = send();
        s.content = format!(r#"{{"content":"{}"}}"#, "x".repeat(MAX_CONTENT_BYTES - 13));
        assert_eq!(check_send(&s).unwrap_err(), codes::MESSAGE_TOO_LARGE);
        s.content = format!(r#"{{"content":"{}"}}"#, "x".repeat(MAX_CONTENT_BYTES - 14));
        assert!(check_send(&s).is_ok());
    }

    #[test]
    fn rejects_content_a_recipient_could_not_read_with_33003() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        for (object_name, content) in [
            ("RC:TxtMsg", r#"{"content":"\ud800 abc"}"#),
            ("app:card", r#"{"a":"\udfff"}"#),
            ("app:card", &format!(r#"{{"a":{deep}}}"#)),
            ("app:card", "[]"),
            ("app:card", "5"),
        ] {
            let mut s = send();
            (s.object_name, s.content) = (object_name.into(), content.into());
            assert_eq!(check_send(&s), Err(codes::INVALID_PARAMETER), "{content}");
        }
    }

    #[test]
    fn rejects_built_in_types_without_their_fields_with_33003() {
        for (object_name, content) in [
            ("RC:TxtMsg", r#"{"content":null}"#),
            ("RC:TxtMsg", r#"{"content":5}"#),
            ("RC:TxtMsg", r#"{"content":"hi","user":"ann"}"#),
            ("RC:ImgMsg", r#"{"content":5,"imageUri":"u"}"#),
            ("RC:InfoNtf", r#"{}"#),
        ] {
            let mut s = send();
            (s.object_name, s.content) = (object_name.into(), content.into());
            assert_eq!(check_send(&s), Err(codes::INVALID_PARAMETER), "{content}");
        }
        let mut s = send();
        (s.object_name, s.content) = ("app:card".into(), r#"{"content":5}"#.into());
        assert!(
            check_send(&s).is_ok(),
            "custom types keep only the generic rules"
        );
    }
}
