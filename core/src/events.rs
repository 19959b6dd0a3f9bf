//! The one event stream through which listeners are fed, as a bounded queue.
//!
//! The engine never blocks on a slow host: when the queue is full, events are counted as
//! dropped and an [`Event::EventsDropped`] tells the host how many it missed (messages are
//! already in the local database, so history can recover them).

use crate::conversation::ConversationStatus;
use crate::enums::{ConnectionStatus, LogLevel};
use crate::message::Message;
use crossbeam_channel::{Receiver, Sender};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use ts_rs::TS;

/// Default capacity of the event queue.
pub const DEFAULT_CAPACITY: usize = 65_536;

/// Something a listener hears about.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(rename = "ImEvent")]
pub enum Event {
    /// The connection status changed (seed: connection status listener); `code` is the reason.
    #[serde(rename_all = "camelCase")]
    ConnectionStatus {
        /// New status.
        status: ConnectionStatus,
        /// Seed status code explaining the change (0 when none).
        code: i32,
    },
    /// A message arrived and is committed to the local database (seed: message listener).
    #[serde(rename_all = "camelCase")]
    Message {
        /// The message as stored.
        message: Message,
    },
    /// Every message missed while offline has been pulled (seed: setPullOfflineFinished).
    PullOfflineFinished,
    /// Another device of the user pinned, unpinned, muted or unmuted conversations (seed:
    /// conversation status listener); the local list already shows it.
    #[serde(rename_all = "camelCase")]
    ConversationStatus {
        /// The new statuses.
        statuses: Vec<ConversationStatus>,
    },
    /// A log line for the host's log callback (seed: `logStdout`).
    #[serde(rename_all = "camelCase")]
    Log {
        /// Severity.
        level: LogLevel,
        /// Text.
        content: String,
    },
    /// The user's database file was corrupted: it was moved aside to `movedTo` and a new one
    /// is being rebuilt from the server.
    #[serde(rename_all = "camelCase")]
    DatabaseRecovered {
        /// Where the corrupted file now is.
        moved_to: String,
    },
    /// The host did not keep up; `count` events were discarded.
    #[serde(rename_all = "camelCase")]
    EventsDropped {
        /// How many.
        count: u64,
    },
}

impl Event {
    /// The event as a JSON object, e.g. `{"type":"pullOfflineFinished"}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("events serialise")
    }
}

/// Producer side, held by the engine.
#[derive(Clone)]
pub(crate) struct EventSender {
    tx: Sender<Event>,
    capacity: usize,
    dropped: Arc<AtomicU64>,
}

impl EventSender {
    /// Queues an event without blocking, first reporting any earlier drops.
    pub(crate) fn emit(&self, event: Event) {
        let dropped = self.dropped.swap(0, Ordering::AcqRel);
        if dropped > 0 && !self.offer(Event::EventsDropped { count: dropped }) {
            self.dropped.fetch_add(dropped, Ordering::AcqRel);
        }
        if !self.offer(event) {
            self.dropped.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Queues `event` unless `capacity` events are waiting (false then). Senders on other
    /// threads may pass the check at the same moment, so the queue can briefly hold one more
    /// event per sending thread. A queue nobody drains any more takes the event silently.
    fn offer(&self, event: Event) -> bool {
        if self.tx.len() >= self.capacity {
            return false;
        }
        // Unbounded: never blocks; fails only once the queue is gone.
        let _ = self.tx.send(event);
        true
    }
}

/// Consumer side: what shells drain, on their own thread.
#[derive(Clone)]
pub struct EventQueue {
    rx: Receiver<Event>,
}

impl EventQueue {
    /// Waits up to `timeout` for the next event.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Event> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// The underlying channel, for `select!` with other sources.
    pub fn receiver(&self) -> &Receiver<Event> {
        &self.rx
    }
}

/// A connected sender/queue pair holding at most `capacity` undelivered events.
///
/// The channel itself is unbounded, and the bound is checked on each send: its memory follows
/// the events waiting. A bounded crossbeam channel allocates and writes every slot up front,
/// about 12 MB per client at [`DEFAULT_CAPACITY`].
pub(crate) fn channel(capacity: usize) -> (EventSender, EventQueue) {
    let (tx, rx) = crossbeam_channel::unbounded();
    (
        EventSender {
            tx,
            capacity,
            dropped: Arc::new(AtomicU64::new(0)),
        },
        EventQueue { rx },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_is_reported_not_blocking() {
        let (tx, rx) = channel(2);
        for _ in 0..5 {
            tx.emit(Event::PullOfflineFinished);
        }
        let zero = Duration::ZERO;
        assert_eq!(rx.recv_timeout(zero), Some(Event::PullOfflineFinished));
        assert_eq!(rx.recv_timeout(zero), Some(Event::PullOfflineFinished));
        assert_eq!(rx.recv_timeout(zero), None);
        tx.emit(Event::PullOfflineFinished);
        assert_eq!(
            rx.recv_timeout(zero),
            Some(Event::EventsDropped { count: 3 })
        );
        assert_eq!(rx.recv_timeout(zero), Some(Event::PullOfflineFinished));
    }

    #[test]
    fn events_serialise_with_seed_numbers() {
        let e = Event::ConnectionStatus {
            status: ConnectionStatus::Connected,
            code: 0,
        };
        assert_eq!(
            e.to_json(),
            r#"{"type":"connectionStatus","status":0,"code":0}"#
        );
        let e = Event::ConversationStatus {
            statuses: vec![ConversationStatus {
                conversation_type: crate::enums::ConversationType::Private,
                target_id: "bob".into(),
                is_top: true,
                notification_status: crate::enums::NotificationStatus::DoNotDisturb,
            }],
        };
        assert_eq!(
            e.to_json(),
            r#"{"type":"conversationStatus","statuses":[{"conversationType":1,"targetId":"bob","isTop":true,"notificationStatus":1}]}"#
        );
    }
}
