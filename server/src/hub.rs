//! Registry of online connections, and pushes to them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{Notify, mpsc};

use crate::ws::outbox::Outgoing;

/// Online connections of one app, by user id.
type AppPeers = HashMap<String, Vec<Peer>>;

/// One online connection as the hub sees it.
struct Peer {
    id: u64,
    queue: mpsc::Sender<Outgoing>,
    kick: Arc<Notify>,
}

/// Online connections by app key, then user id (two levels, so that lookups borrow `&str`s
/// and a push allocates nothing).
#[derive(Default)]
pub struct Hub {
    peers: Mutex<HashMap<String, AppPeers>>,
    next_id: AtomicU64,
}

/// Keeps a connection registered; dropping it unregisters the connection.
pub struct Registration {
    hub: Arc<Hub>,
    app_key: String,
    user_id: String,
    id: u64,
}

impl Hub {
    /// Registers a connection of `user_id`. Pushes go into `queue`; if the queue is full the
    /// connection is too slow and `kick` is notified so the session closes it.
    pub fn register(
        self: &Arc<Self>,
        app_key: &str,
        user_id: &str,
        queue: mpsc::Sender<Outgoing>,
        kick: Arc<Notify>,
    ) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock()
            .entry(app_key.to_owned())
            .or_default()
            .entry(user_id.to_owned())
            .or_default()
            .push(Peer { id, queue, kick });
        Registration {
            hub: self.clone(),
            app_key: app_key.to_owned(),
            user_id: user_id.to_owned(),
            id,
        }
    }

    /// Whether the user has at least one online connection.
    pub fn is_online(&self, app_key: &str, user_id: &str) -> bool {
        self.lock()
            .get(app_key)
            .is_some_and(|users| users.contains_key(user_id))
    }

    /// Queues `frame` on every connection of the user, without waiting.
    pub fn push(&self, app_key: &str, user_id: &str, frame: &axum::body::Bytes) {
        let peers = self.lock();
        let Some(list) = peers.get(app_key).and_then(|users| users.get(user_id)) else {
            return;
        };
        for peer in list {
            if let Err(mpsc::error::TrySendError::Full(_)) =
                peer.queue.try_send(Outgoing::Frame(frame.clone()))
            {
                tracing::warn!(
                    user_id,
                    connection = peer.id,
                    "outbox full; closing slow connection"
                );
                peer.kick.notify_one();
            }
        }
    }

    /// The map, even if a panicking holder poisoned the lock (the map stays consistent).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, AppPeers>> {
        match self.peers.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut peers = self.hub.lock();
        let Some(users) = peers.get_mut(&self.app_key) else {
            return;
        };
        if let Some(list) = users.get_mut(&self.user_id) {
            list.retain(|p| p.id != self.id);
            if list.is_empty() {
                users.remove(&self.user_id);
            }
        }
        if users.is_empty() {
            peers.remove(&self.app_key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_presence_and_pushes_to_every_connection() {
        let hub = Arc::new(Hub::default());
        let (tx1, mut rx1) = mpsc::channel(4);
        let (tx2, mut rx2) = mpsc::channel(4);
        let r1 = hub.register("app", "bob", tx1, Arc::new(Notify::new()));
        let r2 = hub.register("app", "bob", tx2, Arc::new(Notify::new()));
        assert!(hub.is_online("app", "bob"));
        assert!(!hub.is_online("other", "bob"));
        hub.push("app", "bob", &axum::body::Bytes::from_static(b"x"));
        assert!(matches!(rx1.try_recv(), Ok(Outgoing::Frame(_))));
        assert!(matches!(rx2.try_recv(), Ok(Outgoing::Frame(_))));
        drop(r1);
        assert!(hub.is_online("app", "bob"));
        drop(r2);
        assert!(!hub.is_online("app", "bob"));
    }

    #[tokio::test]
    async fn kicks_a_connection_whose_outbox_is_full() {
        let hub = Arc::new(Hub::default());
        let (tx, _rx) = mpsc::channel(1);
        let kick = Arc::new(Notify::new());
        let _reg = hub.register("app", "bob", tx, kick.clone());
        let frame = axum::body::Bytes::from_static(b"x");
        hub.push("app", "bob", &frame);
        hub.push("app", "bob", &frame);
        tokio::time::timeout(std::time::Duration::from_secs(1), kick.notified())
            .await
            .unwrap();
    }
}
