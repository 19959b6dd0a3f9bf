//! The inbox cursor: decides which delivered entries continue what is stored, and when to pull.
//!
//! Pure logic with no I/O, so every ordering case is unit-tested. Pushed entries are applied
//! strictly in sequence order: an entry already stored is a duplicate and is skipped, an entry
//! past a gap is not applied and a pull of everything after the cursor is requested instead.
//! A pull answer is authoritative: the server leaves out entries that no longer exist (deleted
//! by the user, purged), so its entries are applied across gaps, and a last page covers every
//! sequence the server had announced when the pull was sent.

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
    /// `known` when the pull on the wire was sent: its last page covers up to there.
    known_at_pull: u64,
}

/// What to do with a delivery.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Plan {
    /// Entries to store now, in sequence order, continuing what is stored.
    pub store: Vec<InboxMessage>,
    /// The stored sequence once `store` is committed, when it moves.
    pub up_to: Option<u64>,
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
            known_at_pull: 0,
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
        let before = self.stored;
        let store = self.accept(messages, false);
        let pull_after = if self.pulling { None } else { self.next_pull() };
        Plan {
            store,
            up_to: (self.stored > before).then_some(self.stored),
            pull_after,
        }
    }

    /// Plans the answer to our pull.
    pub(crate) fn on_pull_answer(&mut self, messages: Vec<InboxMessage>, has_more: bool) -> Plan {
        self.pulling = false;
        let before = self.stored;
        let store = self.accept(messages, true);
        if has_more {
            self.known = self.known.max(self.stored + 1);
        } else {
            // Whatever the server announced before the pull and left out no longer exists.
            self.stored = self.stored.max(self.known_at_pull);
        }
        Plan {
            store,
            up_to: (self.stored > before).then_some(self.stored),
            pull_after: self.next_pull(),
        }
    }

    /// Records that everything up to `seq` is committed.
    pub(crate) fn committed(&mut self, seq: u64) {
        self.stored = self.stored.max(seq);
    }

    /// The entries that continue what is stored: the next ones in sequence, or, for a pull
    /// answer (`across_gaps`), every one after the cursor.
    fn accept(&mut self, mut messages: Vec<InboxMessage>, across_gaps: bool) -> Vec<InboxMessage> {
        messages.sort_by_key(|m| m.seq);
        let mut next = self.stored + 1;
        let mut accepted = Vec::with_capacity(messages.len());
        for m in messages {
            self.known = self.known.max(m.seq);
            if m.seq == next || (across_gaps && m.seq > next) {
                next = m.seq + 1;
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
            self.known_at_pull = self.known;
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
    fn pull_answers_skip_entries_that_no_longer_exist() {
        let mut c = InboxCursor::new(2, 9);
        assert_eq!(c.start(), Some(2));
        // 3 and 6 were deleted by the user; 8 and 9 were purged.
        let p = c.on_pull_answer(entries(&[4, 5]), true);
        assert_eq!(
            (seqs(&p), p.up_to, p.pull_after),
            (vec![4, 5], Some(5), Some(5))
        );
        let p = c.on_pull_answer(entries(&[7]), false);
        assert_eq!((seqs(&p), p.up_to, p.pull_after), (vec![7], Some(9), None));
        assert!(c.caught_up());
        // An empty last page still moves the cursor past what was announced.
        let mut c = InboxCursor::new(4, 6);
        assert_eq!(c.start(), Some(4));
        let p = c.on_pull_answer(Vec::new(), false);
        assert_eq!((p.up_to, p.pull_after), (Some(6), None));
        // A push past a gap is still not trusted.
        let p = c.on_push(entries(&[8]));
        assert_eq!((seqs(&p), p.up_to, p.pull_after), (vec![], None, Some(6)));
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
