//! Group streams: live group frames and group pull pages go through the
//! [`GroupCursors`](crate::net::groups::GroupCursors) (the next sequence applied, old ones
//! ignored, a gap pulls the group), each committed with its group's cursor before it is
//! announced; group frames are never acknowledged (the server keeps no per-device group
//! positions). After the inbox catch-up the session pages through the user's group heads and
//! pulls each group with news; `pullOfflineFinished` comes once those are stored too.

use super::delivery::PULL_PAGE;
use super::jobs::Job;
use super::machine::{Action, Actions, Machine, lost, violation};
use super::requests::Waiting;
use crate::error::ImResult;
use crate::events::Event;
use crate::message::Message;
use improto::kinds::conversation_type::GROUP;
use improto::limits::{MAX_GROUP_HEADS_PAGE, MAX_ID_BYTES, MAX_INBOX_SEQ};
use improto::{Body, Delivery, Pull, Response};

/// How far the reading of the group heads after the inbox catch-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeadsSync {
    /// The inbox catch-up is not over yet.
    NotAsked,
    /// A page of heads is on the wire.
    Paging,
    /// Every page is read (or the server has none to give).
    Done,
}

impl Machine {
    /// Goes on with the catch-up once the inbox misses nothing: first the group heads, then,
    /// once every group with news is stored, the end of the offline pull.
    pub(super) fn catch_up(&mut self) -> Actions {
        if self.offline_finished || !self.cursor.caught_up() {
            return Vec::new();
        }
        match self.heads {
            HeadsSync::NotAsked => {
                self.heads = HeadsSync::Paging;
                vec![self.heads_request(String::new())]
            }
            HeadsSync::Paging => Vec::new(),
            HeadsSync::Done if self.groups.caught_up() => self.finish_offline_pull(),
            HeadsSync::Done => Vec::new(),
        }
    }

    /// A frame of a group stream: a live one covering `through_seq`, or a pull page.
    pub(super) fn on_group_delivery(&mut self, delivery: Delivery) -> Actions {
        let Delivery {
            messages,
            pull_request_id,
            has_more,
            group_id,
            through_seq,
        } = delivery;
        let live = pull_request_id == 0;
        if group_id.len() > MAX_ID_BYTES || through_seq > MAX_INBOX_SEQ {
            return violation(format!("group frame through {through_seq}"));
        }
        if live && (through_seq == 0 || messages.len() > 1) {
            return violation(format!("live group frame through {through_seq}"));
        }
        let misplaced = messages.iter().find(|m| {
            m.seq == 0
                || m.seq > through_seq
                || m.conversation_type != GROUP
                || m.target_id != group_id
                || (live && m.seq != through_seq)
        });
        if let Some(bad) = misplaced {
            return violation(format!("group message {} through {through_seq}", bad.seq));
        }
        let plan = if live {
            self.groups.on_push(&group_id, through_seq, messages)
        } else {
            self.requests.remove(&pull_request_id);
            self.groups
                .on_pull_answer(&group_id, messages, through_seq, has_more)
        };
        // Further pulls go out before this page is stored, as for the inbox.
        let mut actions = self.group_pulls(plan.pulls);
        match plan.through {
            Some(through) => {
                let batch = plan
                    .store
                    .into_iter()
                    .filter_map(|m| self.incoming(m))
                    .collect();
                actions.push(Action::Run(Job::GroupDeliveries {
                    group_id,
                    batch,
                    through,
                    offline: !live,
                }));
            }
            None => actions.extend(self.catch_up()),
        }
        actions
    }

    /// A group's messages are committed with its cursor (or failed to be): listeners hear of
    /// each stored message.
    pub(super) fn on_group_deliveries_stored(&mut self, stored: ImResult<Vec<Message>>) -> Actions {
        let messages = match stored {
            Ok(messages) => messages,
            Err(e) => return lost("storing group messages", e),
        };
        let mut actions: Actions = messages
            .into_iter()
            .map(|message| Action::Emit(Event::Message { message }))
            .collect();
        actions.extend(self.catch_up());
        actions
    }

    /// A page of group heads: each group whose head is beyond its cursor is pulled, the next
    /// page asked for while the server has more. A refusal (a server without groups) ends the
    /// heads' reading.
    pub(super) fn on_group_heads(&mut self, response: Response, after: String) -> Actions {
        let Some(improto::response::Body::GroupHeads(page)) = response.body else {
            self.log
                .warn(format!("group heads refused with {}", response.code));
            self.heads = HeadsSync::Done;
            return self.catch_up();
        };
        for head in &page.heads {
            if head.group_id.is_empty() || head.group_id.len() > MAX_ID_BYTES {
                return violation(format!("group head of {:?}", head.group_id));
            }
            self.groups.on_head(&head.group_id, head.head_seq);
        }
        let mut actions = Vec::new();
        match page.heads.last() {
            Some(last) if page.has_more => {
                if last.group_id <= after {
                    return violation("group heads page does not advance".into());
                }
                let next = last.group_id.clone();
                actions.push(self.heads_request(next));
            }
            _ => self.heads = HeadsSync::Done,
        }
        let pulls = self.groups.next_pulls();
        actions.extend(self.group_pulls(pulls));
        actions.extend(self.catch_up());
        actions
    }

    /// The server answered a group pull with a refusal (the user never was a member): the
    /// group has nothing to catch up.
    pub(super) fn on_group_pull_refused(&mut self, group_id: String, code: i32) -> Actions {
        self.log
            .warn(format!("pulling group {group_id} refused with {code}"));
        let pulls = self.groups.on_pull_refused(&group_id);
        let mut actions = self.group_pulls(pulls);
        actions.extend(self.catch_up());
        actions
    }

    /// Asks for the page of group heads after `after_group_id`.
    fn heads_request(&mut self, after_group_id: String) -> Action {
        let query = improto::GroupHeadsQuery {
            after_group_id: after_group_id.clone(),
            limit: MAX_GROUP_HEADS_PAGE as u32,
        };
        let body = improto::request::Body::GroupHeads(query);
        self.request(body, Waiting::GroupHeads(after_group_id))
    }

    /// Writes the pulls of groups, each after its cursor.
    fn group_pulls(&mut self, pulls: Vec<(String, u64)>) -> Actions {
        pulls
            .into_iter()
            .map(|(group_id, after_seq)| {
                self.log
                    .debug(format!("pulling group {group_id} after seq {after_seq}"));
                let request_id = self.next_request_id();
                self.requests
                    .insert(request_id, Waiting::GroupPull(group_id.clone()));
                Action::Write(Body::Pull(Pull {
                    request_id,
                    after_seq,
                    limit: PULL_PAGE,
                    group_id,
                }))
            })
            .collect()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::jobs::Done;
    use super::super::machine::tests::machine;
    use super::*;
    use crate::enums::ConversationType;
    use improto::{GroupHead, GroupHeads, InboxMessage};
    use std::collections::HashMap;

    /// A group frame of `group` through `through` with messages at `seqs`.
    fn frame(group: &str, through: u64, seqs: &[u64], pull_request_id: u64) -> Delivery {
        Delivery {
            messages: seqs
                .iter()
                .map(|&seq| InboxMessage {
                    seq,
                    conversation_type: GROUP,
                    target_id: group.into(),
                    sender_user_id: "ann".into(),
                    message_uid: format!("{group}-{seq}"),
                    persisted: true,
                    ..Default::default()
                })
                .collect(),
            pull_request_id,
            has_more: false,
            group_id: group.into(),
            through_seq: through,
        }
    }

    /// Answers the heads request `request` with `heads`.
    pub(in crate::session) fn heads_answer(
        request: &improto::Request,
        heads: &[(&str, u64)],
        has_more: bool,
    ) -> Response {
        let heads = heads
            .iter()
            .map(|(g, s)| GroupHead {
                group_id: g.to_string(),
                head_seq: *s,
            })
            .collect();
        Response {
            request_id: request.request_id,
            body: Some(improto::response::Body::GroupHeads(GroupHeads {
                heads,
                has_more,
            })),
            ..Default::default()
        }
    }

    /// The heads request among `actions`.
    pub(in crate::session) fn heads_request_in(actions: &[Action]) -> improto::Request {
        actions
            .iter()
            .find_map(|a| match a {
                Action::Write(Body::Request(r))
                    if matches!(r.body, Some(improto::request::Body::GroupHeads(_))) =>
                {
                    Some(r.clone())
                }
                _ => None,
            })
            .expect("the group heads are asked for")
    }

    /// The group pulls among `actions`, as (group, after, request id).
    fn pulls_in(actions: &[Action]) -> Vec<(String, u64, u64)> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Write(Body::Pull(p)) if !p.group_id.is_empty() => {
                    Some((p.group_id.clone(), p.after_seq, p.request_id))
                }
                _ => None,
            })
            .collect()
    }

    /// A caught-up machine with group `g` at `cursor`.
    fn live_machine(cursor: u64) -> Machine {
        let mut m = machine(0, 0);
        m.groups = crate::net::groups::GroupCursors::new(HashMap::from([("g".into(), cursor)]));
        m.heads = HeadsSync::Done;
        m.offline_finished = true;
        m
    }

    #[test]
    fn the_next_group_frame_is_stored_with_its_cursor_and_never_acknowledged() {
        let mut m = live_machine(4);
        let actions = m.on_delivery(frame("g", 5, &[5], 0));
        let [
            Action::Run(Job::GroupDeliveries {
                group_id,
                batch,
                through: 5,
                offline: false,
            }),
        ] = actions.as_slice()
        else {
            panic!("the frame is stored first");
        };
        assert_eq!((group_id.as_str(), batch.len()), ("g", 1));
        assert_eq!(batch[0].conversation_type, ConversationType::Group);
        assert!(m.on_done(Done::GroupDeliveries(Ok(Vec::new()))).is_empty());
        assert!(
            m.on_ack_tick().is_empty(),
            "group frames are not acknowledged"
        );
        // The same frame again, or an older one, is ignored.
        assert!(m.on_delivery(frame("g", 5, &[5], 0)).is_empty());
        assert!(m.on_delivery(frame("g", 2, &[2], 0)).is_empty());
        // A failed commit ends the session.
        assert!(matches!(
            m.on_done(Done::GroupDeliveries(Err(crate::error::ImError::invalid(
                "disk full"
            ))))
            .as_slice(),
            [Action::End(_)]
        ));
    }

    #[test]
    fn a_group_gap_pulls_the_group_and_the_answer_is_stored() {
        let mut m = live_machine(4);
        let actions = m.on_delivery(frame("g", 7, &[7], 0));
        let pulls = pulls_in(&actions);
        assert_eq!(actions.len(), 1);
        let [(group, 4, request_id)] = pulls.as_slice() else {
            panic!("the group is pulled after its cursor: {pulls:?}");
        };
        assert_eq!(group, "g");
        let mut page = frame("g", 7, &[5, 7], *request_id);
        page.has_more = false;
        let actions = m.on_delivery(page);
        assert!(matches!(
            actions.as_slice(),
            [Action::Run(Job::GroupDeliveries {
                through: 7,
                offline: true,
                ..
            })]
        ));
        assert!(!m.requests.contains_key(request_id), "the pull is answered");
    }

    #[test]
    fn the_offline_pull_ends_after_the_group_heads_and_their_pulls() {
        let mut m = machine(0, 0);
        let actions = m.start();
        let request = heads_request_in(&actions);
        assert_eq!(actions.len(), 1, "nothing is finished before the groups");
        // First page: g1 has news, g2 is caught up; more follow.
        m.groups = crate::net::groups::GroupCursors::new(HashMap::from([("g2".into(), 3)]));
        let actions = m.on_response(heads_answer(&request, &[("g1", 2), ("g2", 3)], true));
        let next = heads_request_in(&actions);
        let Some(improto::request::Body::GroupHeads(query)) = &next.body else {
            unreachable!()
        };
        assert_eq!(query.after_group_id, "g2");
        let pulls = pulls_in(&actions);
        assert_eq!(pulls.len(), 1);
        assert_eq!((pulls[0].0.as_str(), pulls[0].1), ("g1", 0));
        // Last page: nothing more.
        let actions = m.on_response(heads_answer(&next, &[("g3", 0)], false));
        assert!(actions.is_empty(), "g1 is still being pulled");
        let actions = m.on_delivery(frame("g1", 2, &[1, 2], pulls[0].2));
        assert!(matches!(
            actions.as_slice(),
            [Action::Run(Job::GroupDeliveries { through: 2, .. })]
        ));
        let actions = m.on_done(Done::GroupDeliveries(Ok(Vec::new())));
        assert!(matches!(
            actions.as_slice(),
            [
                Action::Emit(Event::PullOfflineFinished),
                Action::Run(Job::PendingStatuses)
            ]
        ));
    }

    #[test]
    fn a_server_without_groups_or_a_refused_pull_does_not_stall_the_catch_up() {
        let mut m = machine(0, 0);
        let request = heads_request_in(&m.start());
        let refused = Response {
            request_id: request.request_id,
            code: 33003,
            ..Default::default()
        };
        assert!(matches!(
            m.on_response(refused).as_slice(),
            [Action::Emit(Event::PullOfflineFinished), _]
        ));
        // A live frame of a group the server will not let us pull.
        let actions = m.on_delivery(frame("gone", 9, &[9], 0));
        let pulls = pulls_in(&actions);
        let refused = Response {
            request_id: pulls[0].2,
            code: improto::codes::NOT_IN_GROUP,
            ..Default::default()
        };
        assert!(m.on_response(refused).is_empty());
        assert!(m.groups.caught_up());
    }

    #[test]
    fn frames_no_honest_server_sends_end_the_session() {
        let mut live_with_two = frame("g", 5, &[5, 5], 0);
        let mut foreign = frame("g", 5, &[5], 0);
        foreign.messages[0].target_id = "other".into();
        let mut private = frame("g", 5, &[5], 0);
        private.messages[0].conversation_type = ConversationType::Private.into();
        live_with_two.has_more = false;
        for bad in [
            frame("g", 0, &[], 0),
            frame("g", 5, &[4], 0),
            frame("g", 5, &[6], 3),
            frame("g", MAX_INBOX_SEQ + 1, &[], 0),
            live_with_two,
            foreign,
            private,
        ] {
            let mut m = live_machine(4);
            assert!(
                matches!(
                    m.on_delivery(bad.clone()).as_slice(),
                    [Action::End(super::super::End::Lost(_))]
                ),
                "{bad:?}"
            );
        }
    }
}
