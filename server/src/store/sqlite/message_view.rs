//! A stored message as one user sees it: the conversation from their side, and the sender's
//! idempotency key in the sender's own view only.

use improto::InboxMessage;
use improto::kinds::conversation_type::GROUP;
use rusqlite::Row;

/// `message`, as stored (`target_id` the recipient, `client_message_id` the sender's key), as
/// `viewer` sees it: for anyone but the sender the key is hidden, and the conversation is the
/// sender's (private chats; a group's stays the group).
pub(super) fn seen_by(viewer: &str, mut message: InboxMessage) -> InboxMessage {
    if message.sender_user_id != viewer {
        if message.conversation_type != GROUP {
            message.target_id.clone_from(&message.sender_user_id);
        }
        message.client_message_id.clear();
    }
    message
}

/// Reads the columns of [`message_columns_sql!`], starting at column `first` of `row`, as the
/// message `viewer` sees with sequence `seq` (a NULL key, as purges leave it, reads as empty).
pub(super) fn read_message(
    row: &Row<'_>,
    first: usize,
    viewer: &str,
    seq: u64,
) -> rusqlite::Result<InboxMessage> {
    let stored = InboxMessage {
        seq,
        message_uid: row.get(first)?,
        conversation_type: row.get(first + 1)?,
        sender_user_id: row.get(first + 2)?,
        target_id: row.get(first + 3)?,
        object_name: row.get(first + 4)?,
        content: row.get(first + 5)?,
        sent_time: row.get(first + 6)?,
        persisted: row.get(first + 7)?,
        counted: row.get(first + 8)?,
        client_message_id: row.get::<_, Option<String>>(first + 9)?.unwrap_or_default(),
        ..Default::default()
    };
    Ok(seen_by(viewer, stored))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> InboxMessage {
        InboxMessage {
            target_id: "bob".into(),
            sender_user_id: "alice".into(),
            client_message_id: "key".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_sender_sees_the_recipient_and_the_key() {
        assert_eq!(seen_by("alice", stored()), stored());
    }

    #[test]
    fn a_group_member_sees_the_group_and_no_key() {
        let group = InboxMessage {
            conversation_type: GROUP,
            target_id: "g1".into(),
            ..stored()
        };
        let seen = seen_by("bob", group);
        assert_eq!(seen.target_id, "g1");
        assert!(seen.client_message_id.is_empty());
    }

    #[test]
    fn the_recipient_sees_the_sender_and_no_key() {
        let seen = seen_by("bob", stored());
        assert_eq!(seen.target_id, "alice");
        assert!(seen.client_message_id.is_empty());
    }
}
