//! A connection's acknowledgements, kept in memory and persisted lazily.
//!
//! Acks are bookkeeping only: a client pulls by its own cursor, so nothing waits for an ack to
//! be stored. Writing each one would cost a commit per delivered message; instead the session
//! keeps the highest acknowledged sequence here and persists it at most once per
//! [`PERSIST_INTERVAL`] (see the session loop), and once more when the connection ends, so a
//! clean close never loses the last ack. If the process crashes, at most the last
//! [`PERSIST_INTERVAL`] of ack bookkeeping is lost; `device_acks` then lags, never leads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::handshake::Identity;
use crate::store::Storage;

/// Shortest time between two writes of one connection's acks.
pub const PERSIST_INTERVAL: Duration = Duration::from_secs(1);

/// The highest sequence a connection acknowledged, and the highest already handed to the store.
#[derive(Debug, Default)]
pub struct Acks {
    highest: AtomicU64,
    persisted: AtomicU64,
}

impl Acks {
    /// Records an `Ack{seq}`; true if it is newer than what was persisted (a write is due).
    pub fn note(&self, seq: u64) -> bool {
        let highest = self.highest.fetch_max(seq, Ordering::Relaxed).max(seq);
        highest > self.persisted.load(Ordering::Relaxed)
    }

    /// The acknowledged sequence not yet persisted, if any, now counted as persisted.
    fn take_unpersisted(&self) -> Option<u64> {
        let highest = self.highest.load(Ordering::Relaxed);
        let before = self.persisted.fetch_max(highest, Ordering::Relaxed);
        (highest > before).then_some(highest)
    }

    /// Queues the write of the unpersisted ack, if any, without waiting for it.
    pub fn persist_in_background(&self, store: &dyn Storage, identity: &Identity) {
        if let Some(write) = self.write(store, identity) {
            tokio::spawn(write);
        }
    }

    /// Writes the unpersisted ack, if any, and waits for it (used when the connection ends).
    pub async fn persist_now(&self, store: &dyn Storage, identity: &Identity) {
        if let Some(write) = self.write(store, identity) {
            write.await;
        }
    }

    /// The write of the unpersisted ack, queued in the store at once.
    fn write(
        &self,
        store: &dyn Storage,
        identity: &Identity,
    ) -> Option<impl Future<Output = ()> + Send + 'static> {
        let seq = self.take_unpersisted()?;
        let recorded = store.record_ack(
            identity.app_key.clone(),
            identity.user_id.clone(),
            identity.device_id.clone(),
            seq,
        );
        Some(async move {
            if let Err(e) = recorded.await {
                tracing::warn!(error = %e, "recording an ack failed");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_each_newer_ack_once() {
        let acks = Acks::default();
        assert_eq!(acks.take_unpersisted(), None);
        assert!(acks.note(3));
        assert!(acks.note(2));
        assert_eq!(acks.take_unpersisted(), Some(3));
        assert_eq!(acks.take_unpersisted(), None);
        assert!(!acks.note(3));
        assert!(!acks.note(1));
        assert!(acks.note(5));
        assert_eq!(acks.take_unpersisted(), Some(5));
    }
}
