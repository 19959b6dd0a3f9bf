//! Deliveries from the inbox: applied strictly in sequence through the [`InboxCursor`]
//! (duplicates skipped, a gap asks for a pull), committed before they are announced or
//! acknowledged, acknowledged in batches.
//!
//! [`InboxCursor`]: crate::net::inbox::InboxCursor

use super::jobs::Job;
use super::machine::{Action, Actions, Machine, lost, violation};
use crate::enums::ConversationType;
use crate::error::ImResult;
use crate::events::Event;
use crate::message::Message;
use crate::store::IncomingMessage;
use crate::time::now_ms;
use improto::{Body, Delivery, InboxMessage, Pull};
use std::time::Duration;

/// Acknowledgements are batched: at most one `Ack` per this interval…
pub(super) const ACK_INTERVAL: Duration = Duration::from_millis(200);
/// …unless this many stored entries are still unacknowledged.
const ACK_BATCH: u64 = 256;
/// Entries asked for per pull (of the inbox or a group).
pub(super) const PULL_PAGE: u32 = 500;

impl Machine {
    /// A delivery: a live push, or a page answering a pull, of the inbox or of a group.
    pub(super) fn on_delivery(&mut self, delivery: Delivery) -> Actions {
        if delivery.pull_request_id == 0 && delivery.messages.iter().any(|m| m.is_status) {
            // Status messages (of a group too) come outside every stream: no cursor moves.
            return on_status_push(delivery.messages);
        }
        if !delivery.group_id.is_empty() {
            return self.on_group_delivery(delivery);
        }
        if let Some(bad) = delivery
            .messages
            .iter()
            .find(|m| m.seq == 0 || m.seq > improto::limits::MAX_INBOX_SEQ)
        {
            return violation(format!("inbox sequence {}", bad.seq));
        }
        let offline = delivery.pull_request_id != 0;
        let plan = if offline {
            self.cursor
                .on_pull_answer(delivery.messages, delivery.has_more)
        } else {
            self.cursor.on_push(delivery.messages)
        };
        let mut actions = Vec::new();
        // The next page is asked for before this one is stored, so that the server reads it
        // while this thread writes (the cursor already points past this page).
        if let Some(after) = plan.pull_after {
            actions.push(self.pull(after));
        }
        match plan.up_to {
            Some(last) => {
                let batch = plan
                    .store
                    .into_iter()
                    .filter_map(|m| self.incoming(m))
                    .collect();
                actions.push(Action::Run(Job::Deliveries {
                    batch,
                    last,
                    offline,
                }));
            }
            None => actions.extend(self.after_delivery()),
        }
        actions
    }

    /// Entries through `last` are committed (or failed to be): listeners hear of each stored
    /// message, then the server gets its acknowledgement.
    pub(super) fn on_deliveries_stored(
        &mut self,
        last: u64,
        stored: ImResult<Vec<Message>>,
    ) -> Actions {
        let messages = match stored {
            Ok(messages) => messages,
            Err(e) => return lost("storing messages", e),
        };
        let mut actions: Actions = messages
            .into_iter()
            .map(|message| Action::Emit(Event::Message { message }))
            .collect();
        self.cursor.committed(last);
        self.stored = last;
        actions.extend(self.acknowledge(ACK_BATCH));
        actions.extend(self.after_delivery());
        actions
    }

    /// Goes on with the catch-up once the inbox misses nothing known.
    fn after_delivery(&mut self) -> Actions {
        if self.cursor.caught_up() {
            self.catch_up()
        } else {
            Vec::new()
        }
    }

    /// Acknowledges what is stored once more than `threshold` entries wait for it.
    pub(super) fn acknowledge(&mut self, threshold: u64) -> Option<Action> {
        (self.stored > self.acked + threshold).then(|| {
            self.acked = self.stored;
            Action::Write(Body::Ack(improto::Ack { seq: self.stored }))
        })
    }

    /// Asks for a page of the inbox after `after_seq`.
    pub(super) fn pull(&mut self, after_seq: u64) -> Action {
        let request_id = self.next_request_id();
        self.log
            .debug(format!("pulling inbox after seq {after_seq}"));
        Action::Write(Body::Pull(Pull {
            request_id,
            after_seq,
            limit: PULL_PAGE,
            ..Default::default()
        }))
    }

    /// The entry to store, or `None` for an unknown conversation type or the echo of an
    /// unpersisted message sent from here.
    pub(super) fn incoming(&self, m: InboxMessage) -> Option<IncomingMessage> {
        if self.is_own_transient(&m) {
            return None;
        }
        let seq = m.seq;
        let incoming = incoming_from_wire(m);
        if incoming.is_none() {
            self.log.warn(format!(
                "skipping inbox entry {seq} of unknown conversation type"
            ));
        }
        incoming
    }
}

/// A live push of status messages (sequence 0: outside the inbox): announced as received, not
/// stored, and the inbox cursor untouched (seed 2.7.3: they must not move the sync position).
fn on_status_push(messages: Vec<InboxMessage>) -> Actions {
    if let Some(bad) = messages.iter().find(|m| !m.is_status || m.seq != 0) {
        return violation(format!("inbox entry {} among status messages", bad.seq));
    }
    let received_time = now_ms();
    messages
        .into_iter()
        .filter_map(incoming_from_wire)
        .map(|m| {
            let mut message = m.to_message(0, false, received_time);
            message.is_status_message = true;
            Action::Emit(Event::Message { message })
        })
        .collect()
}

/// A message from the server as the store takes it; `None` for an unknown conversation type.
pub(crate) fn incoming_from_wire(m: InboxMessage) -> Option<IncomingMessage> {
    Some(IncomingMessage {
        conversation_type: ConversationType::try_from(m.conversation_type).ok()?,
        message_uid: m.message_uid,
        target_id: m.target_id,
        sender_user_id: m.sender_user_id,
        object_name: m.object_name,
        content: m.content,
        sent_time: m.sent_time,
        persisted: m.persisted,
        counted: m.counted,
        client_message_id: m.client_message_id,
        options: m.options,
    })
}

#[cfg(test)]
mod tests {
    use super::super::groups::tests::{heads_answer, heads_request_in};
    use super::super::jobs::Done;
    use super::super::machine::tests::machine;
    use super::*;

    fn push(seqs: &[u64]) -> Delivery {
        Delivery {
            messages: seqs
                .iter()
                .map(|&seq| InboxMessage {
                    seq,
                    conversation_type: ConversationType::Private.into(),
                    message_uid: format!("U{seq}"),
                    persisted: true,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn an_impossible_sequence_ends_the_session_before_any_arithmetic() {
        for seq in [0, improto::limits::MAX_INBOX_SEQ + 1, u64::MAX] {
            let mut m = machine(2, 2);
            let actions = m.on_delivery(push(&[3, seq]));
            assert!(
                matches!(
                    actions.as_slice(),
                    [Action::End(super::super::End::Lost(_))]
                ),
                "{seq}"
            );
        }
    }

    #[test]
    fn status_messages_are_announced_without_storing_or_moving_the_cursor() {
        let mut m = machine(2, 2);
        m.offline_finished = true;
        let status = InboxMessage {
            is_status: true,
            conversation_type: ConversationType::Private.into(),
            object_name: "RC:TypSts".into(),
            options: Some(improto::MessageOptions {
                disable_notification: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let live = Delivery {
            messages: vec![status.clone()],
            ..Default::default()
        };
        let actions = m.on_delivery(live);
        let [Action::Emit(Event::Message { message })] = actions.as_slice() else {
            panic!("expected one announcement");
        };
        assert!(message.is_status_message && message.disable_notification);
        assert_eq!(message.message_id, 0);
        // The inbox goes on from where it was.
        assert!(matches!(
            m.on_delivery(push(&[3])).as_slice(),
            [Action::Run(Job::Deliveries { last: 3, .. })]
        ));
        let mut mixed = push(&[4]);
        mixed.messages.push(status);
        assert!(matches!(
            m.on_delivery(mixed).as_slice(),
            [Action::End(super::super::End::Lost(_))]
        ));
    }

    #[test]
    fn a_delivery_past_a_gap_asks_for_a_pull_and_stores_nothing() {
        let mut m = machine(2, 2);
        m.offline_finished = true;
        let actions = m.on_delivery(push(&[5]));
        assert!(matches!(
            actions.as_slice(),
            [Action::Write(Body::Pull(Pull {
                after_seq: 2,
                limit: PULL_PAGE,
                ..
            }))]
        ));
    }

    #[test]
    fn a_delivery_is_announced_and_acknowledged_only_after_its_commit() {
        let mut m = machine(2, 2);
        m.offline_finished = true;
        let actions = m.on_delivery(push(&[3]));
        let [
            Action::Run(Job::Deliveries {
                batch,
                last: 3,
                offline: false,
            }),
        ] = actions.as_slice()
        else {
            panic!("a delivery in sequence is stored first");
        };
        assert_eq!(batch.len(), 1);
        let failed = m.on_done(Done::Deliveries {
            last: 3,
            stored: Err(crate::error::ImError::invalid("disk full")),
        });
        assert!(matches!(
            failed.as_slice(),
            [Action::End(super::super::End::Lost(_))]
        ));
        assert_eq!(m.stored, 2, "nothing counts as stored before the commit");
        let stored = m.on_done(Done::Deliveries {
            last: 3,
            stored: Ok(Vec::new()),
        });
        assert!(
            stored.is_empty(),
            "one entry waits for the acknowledgement timer"
        );
        assert!(matches!(
            m.on_ack_tick().as_slice(),
            [Action::Write(Body::Ack(improto::Ack { seq: 3 }))]
        ));
        assert!(m.on_ack_tick().is_empty());
    }

    #[test]
    fn the_last_page_of_the_offline_pull_ends_it() {
        let mut m = machine(0, 1);
        assert!(matches!(
            m.start().as_slice(),
            [Action::Write(Body::Pull(Pull { after_seq: 0, .. }))]
        ));
        let mut page = push(&[1]);
        page.pull_request_id = 1;
        assert!(matches!(
            m.on_delivery(page).as_slice(),
            [Action::Run(Job::Deliveries {
                last: 1,
                offline: true,
                ..
            })]
        ));
        let actions = m.on_done(Done::Deliveries {
            last: 1,
            stored: Ok(Vec::new()),
        });
        // The groups come next; none has news.
        let heads = heads_request_in(&actions);
        assert!(matches!(
            m.on_response(heads_answer(&heads, &[], false)).as_slice(),
            [
                Action::Emit(Event::PullOfflineFinished),
                Action::Run(Job::PendingStatuses)
            ]
        ));
    }
}
