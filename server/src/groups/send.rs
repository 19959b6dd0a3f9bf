//! Sending into a group, for a client's `Send` and the Server API's publish alike: checked
//! against the [`Directory`](super::directory::Directory) (no database read), stored once, then
//! pushed right after the commit to every online member: one encoded frame per distinct view —
//! the message, the empty frame (`messages: []`, same `through_seq`) for members a directed
//! message is not for, and the sender's own view (with its idempotency key).

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use improto::limits::MAX_DIRECTED_USER_IDS;
use improto::{Body, Delivery, InboxMessage};

use super::directory::Group;
use crate::state::ServerState;
use crate::store::{NewMessage, SendOutcome};
use crate::ws::codes;

/// A group message to store and fan out.
pub struct GroupSend {
    /// The message; `target_id` is the group.
    pub message: NewMessage,
    /// Addressees of a directed message (members only); empty for every member.
    pub directed: Vec<String>,
    /// Whether the sender's own connections get the message (else its empty frame).
    pub include_sender: bool,
    /// Whether the sender must be a member (a client's send; the Server API sends as anyone).
    pub sender_must_be_member: bool,
}

/// Receives the outcome after the commit (or the refusal code), with the frame for the
/// sender's own connections (none if nothing was stored now, or the sender is no member).
pub type Done = Box<dyn FnOnce(Result<SendOutcome, i32>, Option<Bytes>) + Send>;

/// Checks a send to `group` by `sender`: 22406 for an unknown or dismissed group or (with
/// `sender_must_be_member`) a non-member sender; 33003 for too many directed ids or one that
/// is not a member.
pub fn check(
    group: Option<&Group>,
    sender: &str,
    directed: &[String],
    sender_must_be_member: bool,
) -> Result<(), i32> {
    let group = group.filter(|g| !g.dismissed).ok_or(codes::NOT_IN_GROUP)?;
    if sender_must_be_member && !group.is_member(sender) {
        return Err(codes::NOT_IN_GROUP);
    }
    if directed.len() > MAX_DIRECTED_USER_IDS || directed.iter().any(|u| !group.is_member(u)) {
        return Err(codes::INVALID_PARAMETER);
    }
    Ok(())
}

/// Checks and stores `send`, fans it out right after its commit (on the writer thread, in
/// commit order), then calls `done`. Never waits; `done` must not block.
pub fn send(state: &ServerState, send: GroupSend, done: Done) {
    let GroupSend {
        message,
        directed,
        include_sender,
        sender_must_be_member,
    } = send;
    let (store, hub, directory) = (state.store.clone(), state.hub.clone(), state.groups.clone());
    let (app_key, group_id) = (message.app_key.clone(), message.target_id.clone());
    let (app, group) = (app_key.clone(), group_id.clone());
    state.groups.with_group(
        &state.store,
        &app,
        &group,
        Box::new(move |lookup| {
            let group = match lookup {
                Ok(group) => group,
                Err(()) => return done(Err(codes::SIGNAL_FAILED), None),
            };
            let sender = message.sender_id.clone();
            if let Err(code) = check(group.as_deref(), &sender, &directed, sender_must_be_member) {
                return done(Err(code), None);
            }
            let stored_for = directed.clone();
            store.send_group_message_then(
                message,
                directed,
                Box::new(move |outcome| match outcome {
                    Ok(SendOutcome::Stored(entries)) => {
                        let own = directory.cached(&app_key, &group_id).and_then(|group| {
                            let frames = Frames::of(&entries.own_entry);
                            frames.push(&hub, &app_key, &group, &stored_for, include_sender)
                        });
                        done(Ok(SendOutcome::Stored(entries)), own)
                    }
                    Ok(duplicate) => done(Ok(duplicate), None),
                    Err(e) => {
                        tracing::error!(error = %e, "storing a group message failed");
                        done(Err(codes::SIGNAL_FAILED), None)
                    }
                }),
            );
        }),
    );
}

/// The encoded views of one stored group message.
struct Frames {
    sender: Bytes,
    member: Bytes,
    empty: Bytes,
    sender_id: String,
}

impl Frames {
    /// The views of `own` (the sender's entry, with the group sequence).
    fn of(own: &InboxMessage) -> Self {
        let frame = |messages: Vec<InboxMessage>| {
            Bytes::from(improto::encode(Body::Delivery(Delivery {
                messages,
                group_id: own.target_id.clone(),
                through_seq: own.seq,
                ..Default::default()
            })))
        };
        let member_view = InboxMessage {
            client_message_id: String::new(),
            ..own.clone()
        };
        Frames {
            sender: frame(vec![own.clone()]),
            member: frame(vec![member_view]),
            empty: frame(Vec::new()),
            sender_id: own.sender_user_id.clone(),
        }
    }

    /// Pushes each member of `group` but the sender their view (the empty frame for those a
    /// directed message is not for); returns the frame for the sender's own connections, if
    /// the sender is a member.
    fn push(
        self,
        hub: &crate::hub::Hub,
        app_key: &str,
        group: &Arc<Group>,
        directed: &[String],
        include_sender: bool,
    ) -> Option<Bytes> {
        let addressees: HashSet<&str> = directed.iter().map(String::as_str).collect();
        let sender = self.sender_id.as_str();
        let deliveries = group.members.iter().filter(|m| *m != sender).map(|member| {
            let frame = if addressees.is_empty() || addressees.contains(member.as_str()) {
                &self.member
            } else {
                &self.empty
            };
            (member.as_str(), frame.clone())
        });
        hub.push_each(app_key, deliveries);
        let own = if include_sender {
            self.sender
        } else {
            self.empty
        };
        group.is_member(sender).then_some(own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(members: &[&str], dismissed: bool) -> Group {
        Group {
            dismissed,
            members: members.iter().map(|m| m.to_string()).collect(),
        }
    }

    #[test]
    fn refuses_non_members_unknown_and_dismissed_groups_and_stray_addressees() {
        let g = group(&["ann", "bob"], false);
        assert_eq!(check(Some(&g), "ann", &[], true), Ok(()));
        assert_eq!(check(Some(&g), "eve", &[], true), Err(codes::NOT_IN_GROUP));
        assert_eq!(check(Some(&g), "eve", &[], false), Ok(()));
        assert_eq!(check(None, "ann", &[], false), Err(codes::NOT_IN_GROUP));
        let dismissed = group(&["ann"], true);
        assert_eq!(
            check(Some(&dismissed), "ann", &[], true),
            Err(codes::NOT_IN_GROUP)
        );
        assert_eq!(check(Some(&g), "ann", &["bob".into()], true), Ok(()));
        let stray = ["eve".to_string()];
        assert_eq!(
            check(Some(&g), "ann", &stray, true),
            Err(codes::INVALID_PARAMETER)
        );
        let many = vec!["bob".to_string(); MAX_DIRECTED_USER_IDS + 1];
        assert_eq!(
            check(Some(&g), "ann", &many, true),
            Err(codes::INVALID_PARAMETER)
        );
    }
}
