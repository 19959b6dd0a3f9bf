//! Group stream cursors: one per group, deciding which group frames continue what is stored
//! and when to pull a group.
//!
//! Pure logic with no I/O, like [`super::inbox`]. A live group frame covers one group sequence
//! (`through_seq`): applied when it is the cursor's next one, ignored at or below the cursor,
//! and past a gap it asks for a pull of the group after the cursor. A pull answer is
//! authoritative (the server leaves out what the member may not see): its messages after the
//! cursor are applied across gaps and the cursor moves to its `through_seq`. A group head read
//! after (re)connecting asks for a pull when it is beyond the cursor. At most
//! [`PULLS_IN_FLIGHT`] group pulls are on the wire at once; the others wait their turn.

use improto::InboxMessage;
use std::collections::{HashMap, VecDeque};

/// Group pulls on the wire at once (a reconnect may find thousands of groups with news).
pub(crate) const PULLS_IN_FLIGHT: usize = 8;

/// Sync positions of the user's groups on one connection.
#[derive(Debug, Default)]
pub(crate) struct GroupCursors {
    streams: HashMap<String, Stream>,
    /// Groups waiting for a pull slot, in the order they needed one.
    waiting: VecDeque<String>,
    in_flight: usize,
}

/// One group's position.
#[derive(Debug, Default)]
struct Stream {
    /// Highest group sequence stored, or being stored by the plan last returned.
    cursor: u64,
    /// Highest group sequence known to exist for this member.
    known: u64,
    pull: PullState,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum PullState {
    #[default]
    Idle,
    Waiting,
    InFlight,
}

/// What to do with a group frame.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct GroupPlan {
    /// Messages to store now, in sequence order, continuing what is stored.
    pub store: Vec<InboxMessage>,
    /// The group's cursor once `store` is committed (with it), when it moves.
    pub through: Option<u64>,
    /// Pulls to send: each group with the sequence to pull after.
    pub pulls: Vec<(String, u64)>,
}

impl GroupCursors {
    /// Cursors at the stored positions (a group not listed is at 0).
    pub(crate) fn new(stored: HashMap<String, u64>) -> Self {
        let streams = stored
            .into_iter()
            .map(|(group, cursor)| {
                let stream = Stream {
                    cursor,
                    known: cursor,
                    pull: PullState::Idle,
                };
                (group, stream)
            })
            .collect();
        GroupCursors {
            streams,
            ..Default::default()
        }
    }

    /// Whether no group pull is on the wire or waiting (every known sequence is stored).
    pub(crate) fn caught_up(&self) -> bool {
        self.in_flight == 0 && self.waiting.is_empty()
    }

    /// Plans a live frame of `group_id` covering `through_seq`.
    pub(crate) fn on_push(
        &mut self,
        group_id: &str,
        through_seq: u64,
        messages: Vec<InboxMessage>,
    ) -> GroupPlan {
        let stream = self.stream(group_id);
        stream.known = stream.known.max(through_seq);
        let mut plan = GroupPlan::default();
        if through_seq == stream.cursor + 1 {
            stream.cursor = through_seq;
            plan.store = messages
                .into_iter()
                .filter(|m| m.seq == through_seq)
                .take(1)
                .collect();
            plan.through = Some(through_seq);
        } else if through_seq > stream.cursor {
            self.want(group_id);
        }
        plan.pulls = self.next_pulls();
        plan
    }

    /// Plans the answer to a pull of `group_id`: `messages` after the cursor, the stream read
    /// through `through_seq`, `has_more` when the next page follows.
    pub(crate) fn on_pull_answer(
        &mut self,
        group_id: &str,
        mut messages: Vec<InboxMessage>,
        through_seq: u64,
        has_more: bool,
    ) -> GroupPlan {
        let stream = self.stream(group_id);
        let was_in_flight = stream.pull == PullState::InFlight;
        if was_in_flight {
            stream.pull = PullState::Idle;
        }
        let before = stream.cursor;
        messages.sort_by_key(|m| m.seq);
        let mut next = before;
        let store: Vec<_> = messages
            .into_iter()
            .filter(|m| {
                let continues = m.seq > next;
                next = next.max(m.seq);
                continues
            })
            .collect();
        stream.cursor = next.max(through_seq);
        stream.known = stream.known.max(stream.cursor + u64::from(has_more));
        let behind = stream.cursor < stream.known;
        let through = (stream.cursor > before).then_some(stream.cursor);
        if was_in_flight {
            self.in_flight -= 1;
        }
        if behind {
            self.want(group_id);
        }
        GroupPlan {
            store,
            through,
            pulls: self.next_pulls(),
        }
    }

    /// Takes the server's refusal of a pull of `group_id` (the user never was a member): the
    /// group has nothing more to catch up. Returns the pulls that may go on the wire now.
    pub(crate) fn on_pull_refused(&mut self, group_id: &str) -> Vec<(String, u64)> {
        let stream = self.stream(group_id);
        stream.known = stream.cursor;
        if stream.pull == PullState::InFlight {
            stream.pull = PullState::Idle;
            self.in_flight -= 1;
        }
        self.next_pulls()
    }

    /// Takes a group's head read after (re)connecting: a pull when it is beyond the cursor.
    /// Call [`GroupCursors::next_pulls`] once a page of heads is taken.
    pub(crate) fn on_head(&mut self, group_id: &str, head_seq: u64) {
        let stream = self.stream(group_id);
        stream.known = stream.known.max(head_seq);
        if stream.cursor < stream.known {
            self.want(group_id);
        }
    }

    /// The pulls that may go on the wire now, each group with the sequence to pull after.
    pub(crate) fn next_pulls(&mut self) -> Vec<(String, u64)> {
        let mut pulls = Vec::new();
        while self.in_flight < PULLS_IN_FLIGHT {
            let Some(group_id) = self.waiting.pop_front() else {
                break;
            };
            let stream = self.stream(&group_id);
            stream.pull = PullState::InFlight;
            let after = stream.cursor;
            self.in_flight += 1;
            pulls.push((group_id, after));
        }
        pulls
    }

    fn stream(&mut self, group_id: &str) -> &mut Stream {
        if !self.streams.contains_key(group_id) {
            self.streams.insert(group_id.to_owned(), Stream::default());
        }
        self.streams.get_mut(group_id).expect("inserted above")
    }

    /// Queues a pull of the group unless one is queued or on the wire.
    fn want(&mut self, group_id: &str) {
        let stream = self.stream(group_id);
        if stream.pull == PullState::Idle {
            stream.pull = PullState::Waiting;
            self.waiting.push_back(group_id.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(seqs: &[u64]) -> Vec<InboxMessage> {
        seqs.iter()
            .map(|&seq| InboxMessage {
                seq,
                ..Default::default()
            })
            .collect()
    }

    fn seqs(plan: &GroupPlan) -> Vec<u64> {
        plan.store.iter().map(|m| m.seq).collect()
    }

    fn at(pairs: &[(&str, u64)]) -> GroupCursors {
        GroupCursors::new(pairs.iter().map(|(g, s)| (g.to_string(), *s)).collect())
    }

    #[test]
    fn the_next_frame_is_applied_and_old_ones_ignored() {
        let mut c = at(&[("g", 3)]);
        let p = c.on_push("g", 4, entries(&[4]));
        assert_eq!((seqs(&p), p.through, p.pulls), (vec![4], Some(4), vec![]));
        // A frame with no message (directed to others) still moves the cursor.
        let p = c.on_push("g", 5, Vec::new());
        assert_eq!((seqs(&p), p.through), (vec![], Some(5)));
        for old in [3, 5] {
            assert_eq!(c.on_push("g", old, entries(&[old])), GroupPlan::default());
        }
        assert!(c.caught_up());
        // A group never seen starts at 0.
        let p = c.on_push("new", 1, entries(&[1]));
        assert_eq!(p.through, Some(1));
    }

    #[test]
    fn a_gap_pulls_the_group_once_and_the_answer_fills_it() {
        let mut c = at(&[("g", 2)]);
        let p = c.on_push("g", 5, entries(&[5]));
        assert_eq!((seqs(&p), p.through), (vec![], None));
        assert_eq!(p.pulls, vec![("g".to_string(), 2)]);
        assert!(!c.caught_up());
        let p = c.on_push("g", 7, entries(&[7]));
        assert!(p.pulls.is_empty(), "the pull is already on the wire");
        // 4 was directed to someone else; the answer reads through 5.
        let p = c.on_pull_answer("g", entries(&[3, 5]), 5, false);
        assert_eq!((seqs(&p), p.through), (vec![3, 5], Some(5)));
        assert_eq!(p.pulls, vec![("g".to_string(), 5)], "7 is known: again");
        let p = c.on_pull_answer("g", entries(&[6, 7]), 7, false);
        assert_eq!(
            (seqs(&p), p.through, p.pulls),
            (vec![6, 7], Some(7), vec![])
        );
        assert!(c.caught_up());
    }

    #[test]
    fn pages_follow_while_the_server_has_more() {
        let mut c = at(&[]);
        c.on_head("g", 900);
        assert_eq!(c.next_pulls(), vec![("g".to_string(), 0)]);
        let p = c.on_pull_answer("g", entries(&[1, 2]), 500, true);
        assert_eq!(
            (p.through, p.pulls),
            (Some(500), vec![("g".to_string(), 500)])
        );
        let p = c.on_pull_answer("g", entries(&[600]), 900, false);
        assert_eq!(
            (seqs(&p), p.through, p.pulls),
            (vec![600], Some(900), vec![])
        );
        assert!(c.caught_up());
        // A head not beyond the cursor asks for nothing.
        c.on_head("g", 900);
        assert!(c.next_pulls().is_empty() && c.caught_up());
    }

    #[test]
    fn a_live_frame_during_a_pull_is_applied_once() {
        let mut c = at(&[("g", 2)]);
        c.on_head("g", 3);
        assert_eq!(c.next_pulls(), vec![("g".to_string(), 2)]);
        let p = c.on_push("g", 3, entries(&[3]));
        assert_eq!(seqs(&p), vec![3]);
        let p = c.on_pull_answer("g", entries(&[3]), 3, false);
        assert_eq!((seqs(&p), p.through, p.pulls), (vec![], None, vec![]));
        assert!(c.caught_up());
    }

    #[test]
    fn at_most_a_few_pulls_are_on_the_wire() {
        let mut c = at(&[]);
        for i in 0..PULLS_IN_FLIGHT + 2 {
            c.on_head(&format!("g{i}"), 1);
        }
        let first = c.next_pulls();
        assert_eq!(first.len(), PULLS_IN_FLIGHT);
        let p = c.on_pull_answer(&first[0].0, entries(&[1]), 1, false);
        assert_eq!(p.pulls, vec![(format!("g{PULLS_IN_FLIGHT}"), 0)]);
        for (group, _) in &first[1..] {
            c.on_pull_answer(group, entries(&[1]), 1, false);
        }
        let last = format!("g{}", PULLS_IN_FLIGHT + 1);
        assert!(!c.caught_up());
        c.on_pull_answer(&format!("g{PULLS_IN_FLIGHT}"), Vec::new(), 1, false);
        c.on_pull_answer(&last, Vec::new(), 1, false);
        assert!(c.caught_up());
        assert_eq!(c.on_push(&last, 1, entries(&[1])), GroupPlan::default());
    }

    #[test]
    fn a_refused_pull_is_not_repeated() {
        let mut c = at(&[]);
        let p = c.on_push("gone", 9, entries(&[9]));
        assert_eq!(p.pulls, vec![("gone".to_string(), 0)]);
        assert!(c.on_pull_refused("gone").is_empty());
        assert!(c.caught_up());
        assert_eq!(c.on_push("gone", 1, Vec::new()).through, Some(1));
    }
}
