//! The inbox cursor: decides which delivered entries continue what is stored, and when to pull.
//!
//! Pure logic with no I/O, so every ordering case is unit-tested. Entries are applied strictly
//! in sequence order: an entry already stored is a duplicate and is skipped, an entry past a
//! gap is not applied and a pull of everything after the cursor is requested instead.

use improto::InboxMessage;

/// Sync position of one connection.
#[derive(Debug, Default)]
pub(crate) struct InboxCursor {
    /// Highest sequence stored locally (after the last commit).
    stored: u64,
    /// Highest sequence the server is known to have.
    known: u64,
    /// A pull is on the wire.
    pulling: bool,
}

/// What to do with a delivery.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Plan {
    /// Entries to store now, contiguous from the cursor.
    pub store: Vec<InboxMessage>,
    /// Pull everything after this sequence.
    pub pull_after: Option<u64>,
}

impl InboxCursor {
    /// A cursor at the locally stored sequence, knowing the server holds up to `server_seq`.
    pub(crate) fn new(stored: u64, server_seq: u64) -> Self {
        InboxCursor {
            stored,
            known: server_seq.max(stored),
            pulling: false,
        }
    }

    /// The first pull of a session, if the server holds anything not yet stored.
    pub(crate) fn start(&mut self) -> Option<u64> {
        self.next_pull()
    }

    /// Whether nothing known is missing and no pull is pending.
    pub(crate) fn caught_up(&self) -> bool {
        !self.pulling && self.stored >= self.known
    }

    /// Plans a live push.
    pub(crate) fn on_push(&mut self, messages: Vec<InboxMessage>) -> Plan {
        let store = self.contiguous(messages);
        let pull_after = if self.pulling { None } else { self.next_pull() };
        Plan { store, pull_after }
    }

    /// Plans the answer to our pull.
    pub(crate) fn on_pull_answer(&mut self, messages: Vec<InboxMessage>, has_more: bool) -> Plan {
        self.pulling = false;
        let store = self.contiguous(messages);
        if has_more {
            self.known = self.known.max(self.stored + 1);
        }
        Plan {
            store,
            pull_after: self.next_pull(),
        }
    }

    /// Records that everything up to `seq` is committed.
    pub(crate) fn committed(&mut self, seq: u64) {
        self.stored = self.stored.max(seq);
    }

    fn contiguous(&mut self, mut messages: Vec<InboxMessage>) -> Vec<InboxMessage> {
        messages.sort_by_key(|m| m.seq);
        let mut next = self.stored + 1;
        let mut accepted = Vec::with_capacity(messages.len());
        for m in messages {
            self.known = self.known.max(m.seq);
            if m.seq == next {
                next += 1;
                accepted.push(m);
            }
        }
        // Pretend the accepted entries are stored so a following pull starts after them;
        // `committed` confirms it once the database transaction returns.
        if let Some(last) = accepted.last() {
            self.stored = last.seq;
        }
        accepted
    }

    fn next_pull(&mut self) -> Option<u64> {
        if self.stored < self.known && !self.pulling {
            self.pulling = true;
            Some(self.stored)
        } else {
            None
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

    fn seqs(plan: &Plan) -> Vec<u64> {
        plan.store.iter().map(|m| m.seq).collect()
    }

    #[test]
    fn in_order_pushes_are_stored_without_pulls() {
        let mut c = InboxCursor::new(3, 3);
        assert_eq!(c.start(), None);
        let p = c.on_push(entries(&[4, 5]));
        assert_eq!((seqs(&p), p.pull_after), (vec![4, 5], None));
        assert!(c.caught_up());
    }

    #[test]
    fn duplicates_are_skipped() {
        let mut c = InboxCursor::new(5, 5);
        let p = c.on_push(entries(&[4, 5, 6]));
        assert_eq!(seqs(&p), vec![6]);
    }

    #[test]
    fn a_gap_triggers_one_pull_and_the_answer_fills_it() {
        let mut c = InboxCursor::new(2, 2);
        let p = c.on_push(entries(&[5]));
        assert_eq!((seqs(&p), p.pull_after), (vec![], Some(2)));
        let p = c.on_push(entries(&[6]));
        assert_eq!(
            (seqs(&p), p.pull_after),
            (vec![], None),
            "pull already in flight"
        );
        let p = c.on_pull_answer(entries(&[3, 4, 5]), false);
        assert_eq!(seqs(&p), vec![3, 4, 5]);
        assert_eq!(
            p.pull_after,
            Some(5),
            "6 was seen during the pull, so pull again"
        );
        let p = c.on_pull_answer(entries(&[6]), false);
        assert_eq!((seqs(&p), p.pull_after), (vec![6], None));
        assert!(c.caught_up());
    }

    #[test]
    fn offline_backlog_is_pulled_page_by_page() {
        let mut c = InboxCursor::new(0, 3);
        assert_eq!(c.start(), Some(0));
        assert!(!c.caught_up());
        let p = c.on_pull_answer(entries(&[1, 2]), true);
        assert_eq!((seqs(&p), p.pull_after), (vec![1, 2], Some(2)));
        let p = c.on_pull_answer(entries(&[3]), false);
        assert_eq!((seqs(&p), p.pull_after), (vec![3], None));
        c.committed(3);
        assert!(c.caught_up());
        assert_eq!(c.on_push(entries(&[4])).store.len(), 1);
    }
}
