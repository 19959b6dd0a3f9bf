//! Registry of online connections, and pushes to them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use crate::ws::codes;
use crate::ws::outbox::{Outbox, Refused};

/// Online connections of one app, by user id.
type AppPeers = HashMap<String, Vec<Peer>>;

/// One online connection as the hub sees it.
struct Peer {
    id: u64,
    /// `Connect.platform` of the connection (1 desktop, 2 mobile, 3 web).
    platform: i32,
    /// When the connection's token was issued, ms.
    issued_at_ms: i64,
    queue: Outbox,
    kick: Arc<Kick>,
}

/// Asks a session to close its connection, with the status code to close with.
#[derive(Debug, Default)]
pub struct Kick {
    notify: Notify,
    reason: Mutex<Option<(i32, String)>>,
}

impl Kick {
    /// Asks the session to close with `Close{code, reason}`; the first request wins.
    pub fn kick(&self, code: i32, reason: &str) {
        {
            let mut slot = self.reason.lock().unwrap_or_else(|p| p.into_inner());
            if slot.is_none() {
                *slot = Some((code, reason.to_owned()));
            }
        }
        self.notify.notify_one();
    }

    /// Completes once kicked, with the code and reason to close with.
    pub async fn kicked(&self) -> (i32, String) {
        self.notify.notified().await;
        let taken = self.reason.lock().unwrap_or_else(|p| p.into_inner()).take();
        taken.unwrap_or_else(|| (codes::DISCONNECTED, "closed by the server".into()))
    }
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
    /// Registers a connection of `user_id` on `platform` whose token was issued at
    /// `issued_at_ms`. Pushes go into `queue`; if it has no room (in frames or bytes) the
    /// connection is too slow and is kicked.
    pub fn register(
        self: &Arc<Self>,
        app_key: &str,
        user_id: &str,
        platform: i32,
        issued_at_ms: i64,
        queue: Outbox,
        kick: Arc<Kick>,
    ) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock()
            .entry(app_key.to_owned())
            .or_default()
            .entry(user_id.to_owned())
            // Most users have one connection; `push` alone would reserve room for four.
            .or_insert_with(|| Vec::with_capacity(1))
            .push(Peer {
                id,
                platform,
                issued_at_ms,
                queue,
                kick,
            });
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

    /// Queues `frame` on every connection of the user but `connection` (a
    /// [`Registration::connection_id`]), without waiting.
    pub fn push_to_others(
        &self,
        app_key: &str,
        user_id: &str,
        connection: u64,
        frame: &axum::body::Bytes,
    ) {
        if let Some(users) = self.lock().get(app_key) {
            push_to_peers(users, user_id, Some(connection), frame);
        }
    }

    /// Queues each user's frame on every connection of that user, without waiting, taking the
    /// registry's lock once for all of them (a message's fan-out to its recipients).
    pub fn push_each<U, S>(&self, app_key: &str, deliveries: U)
    where
        U: IntoIterator<Item = (S, axum::body::Bytes)>,
        S: AsRef<str>,
    {
        let peers = self.lock();
        let Some(users) = peers.get(app_key) else {
            return;
        };
        for (user_id, frame) in deliveries {
            push_to_peers(users, user_id.as_ref(), None, &frame);
        }
    }

    /// Closes, with `Close{code, reason}`, the user's connections whose token was issued before
    /// `issued_before_ms` (`i64::MAX`: all of them); returns how many were asked to close.
    pub fn close(
        &self,
        app_key: &str,
        user_id: &str,
        issued_before_ms: i64,
        code: i32,
        reason: &str,
    ) -> usize {
        let peers = self.lock();
        let Some(list) = peers.get(app_key).and_then(|users| users.get(user_id)) else {
            return 0;
        };
        let mut closed = 0;
        for peer in list.iter().filter(|p| p.issued_at_ms < issued_before_ms) {
            peer.kick.kick(code, reason);
            closed += 1;
        }
        closed
    }

    /// Closes, with `Close{code, reason}`, the other connections of `registration`'s user on
    /// the same platform that registered before it; returns how many were asked to close.
    /// Only earlier ones: of two connections registering at once, the later one stays.
    pub fn close_earlier_on_platform(
        &self,
        registration: &Registration,
        code: i32,
        reason: &str,
    ) -> usize {
        let peers = self.lock();
        let Some(list) = peers
            .get(&registration.app_key)
            .and_then(|users| users.get(&registration.user_id))
        else {
            return 0;
        };
        let Some(platform) = list
            .iter()
            .find(|p| p.id == registration.id)
            .map(|p| p.platform)
        else {
            return 0;
        };
        let mut closed = 0;
        for peer in list
            .iter()
            .filter(|p| p.id < registration.id && p.platform == platform)
        {
            peer.kick.kick(code, reason);
            closed += 1;
        }
        closed
    }

    /// The map, even if a panicking holder poisoned the lock (the map stays consistent).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, AppPeers>> {
        match self.peers.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// Queues `frame` on the connections of `user_id` among `users` except `skip`; a connection
/// whose outbox has no room is too slow and is kicked.
fn push_to_peers(users: &AppPeers, user_id: &str, skip: Option<u64>, frame: &axum::body::Bytes) {
    let Some(list) = users.get(user_id) else {
        return;
    };
    for peer in list.iter().filter(|p| Some(p.id) != skip) {
        if let Err(Refused::Full) = peer.queue.try_queue(frame.clone()) {
            tracing::warn!(
                user_id,
                connection = peer.id,
                "outbox full; closing slow connection"
            );
            peer.kick
                .kick(codes::DISCONNECTED, "too slow to keep up with deliveries");
        }
    }
}

impl Registration {
    /// The hub's id of the registered connection.
    pub fn connection_id(&self) -> u64 {
        self.id
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
    use crate::ws::outbox::channel;

    #[test]
    fn tracks_presence_and_pushes_to_every_connection_or_all_but_one() {
        let hub = Arc::new(Hub::default());
        let (tx1, mut rx1) = channel(1 << 20);
        let (tx2, mut rx2) = channel(1 << 20);
        let r1 = hub.register("app", "bob", 1, 0, tx1, Arc::default());
        let r2 = hub.register("app", "bob", 1, 0, tx2, Arc::default());
        assert!(hub.is_online("app", "bob"));
        assert!(!hub.is_online("other", "bob"));
        hub.push_each("app", [("bob", axum::body::Bytes::from_static(b"x"))]);
        assert!(rx1.try_take().is_some());
        assert!(rx2.try_take().is_some());
        hub.push_to_others("app", "bob", r1.connection_id(), &axum::body::Bytes::new());
        assert!(rx1.try_take().is_none());
        assert!(rx2.try_take().is_some());
        drop(r1);
        assert!(hub.is_online("app", "bob"));
        drop(r2);
        assert!(!hub.is_online("app", "bob"));
    }

    #[test]
    fn pushes_each_user_their_own_frame() {
        let hub = Arc::new(Hub::default());
        let (bob_tx, mut bob) = channel(1 << 20);
        let (carol_tx, mut carol) = channel(1 << 20);
        let _bob = hub.register("app", "bob", 1, 0, bob_tx, Arc::default());
        let _carol = hub.register("app", "carol", 1, 0, carol_tx, Arc::default());
        let frame = |b: &'static [u8]| axum::body::Bytes::from_static(b);
        hub.push_each(
            "app",
            [
                ("bob", frame(b"b")),
                ("offline", frame(b"o")),
                ("carol", frame(b"c")),
            ],
        );
        assert!(matches!(bob.try_take(), Some(f) if f == frame(b"b")));
        assert!(matches!(carol.try_take(), Some(f) if f == frame(b"c")));
        assert!(bob.try_take().is_none() && carol.try_take().is_none());
    }

    #[tokio::test]
    async fn kicks_a_connection_whose_outbox_is_full() {
        let hub = Arc::new(Hub::default());
        let (tx, _rx) = channel(improto::MAX_FRAME_BYTES);
        let kick = Arc::new(Kick::default());
        let _reg = hub.register("app", "bob", 1, 0, tx, kick.clone());
        let frame = axum::body::Bytes::from(vec![0; improto::MAX_FRAME_BYTES]);
        hub.push_each("app", [("bob", frame.clone()), ("bob", frame)]);
        let (code, _) = tokio::time::timeout(std::time::Duration::from_secs(1), kick.kicked())
            .await
            .unwrap();
        assert_eq!(code, codes::DISCONNECTED);
    }

    #[tokio::test]
    async fn closes_the_connections_whose_token_is_older_than_asked() {
        let hub = Arc::new(Hub::default());
        let (old_kick, new_kick) = (Arc::new(Kick::default()), Arc::new(Kick::default()));
        let (tx, _rx) = channel(1 << 20);
        let _old = hub.register("app", "bob", 1, 10, tx.clone(), old_kick.clone());
        let _new = hub.register("app", "bob", 1, 20, tx, new_kick.clone());
        assert_eq!(hub.close("app", "bob", 20, 31010, "token expired"), 1);
        let (code, reason) =
            tokio::time::timeout(std::time::Duration::from_secs(1), old_kick.kicked())
                .await
                .unwrap();
        assert_eq!((code, reason.as_str()), (31010, "token expired"));
        assert_eq!(hub.close("app", "bob", i64::MAX, 9, "user blocked"), 2);
        let (code, _) = tokio::time::timeout(std::time::Duration::from_secs(1), new_kick.kicked())
            .await
            .unwrap();
        assert_eq!(code, 9);
        assert_eq!(hub.close("app", "nobody", i64::MAX, 9, "user blocked"), 0);
    }

    #[tokio::test]
    async fn closes_earlier_connections_on_the_same_platform_only() {
        let hub = Arc::new(Hub::default());
        let (tx, _rx) = channel(1 << 20);
        let kicks: Vec<Arc<Kick>> = (0..4).map(|_| Arc::new(Kick::default())).collect();
        let _desktop = hub.register("app", "bob", 1, 0, tx.clone(), kicks[0].clone());
        let _web = hub.register("app", "bob", 3, 0, tx.clone(), kicks[1].clone());
        let _other_user = hub.register("app", "carol", 1, 0, tx.clone(), kicks[2].clone());
        let second_desktop = hub.register("app", "bob", 1, 0, tx, kicks[3].clone());
        assert_eq!(
            hub.close_earlier_on_platform(&second_desktop, 6, "logged in elsewhere"),
            1
        );
        let (code, reason) =
            tokio::time::timeout(std::time::Duration::from_secs(1), kicks[0].kicked())
                .await
                .unwrap();
        assert_eq!((code, reason.as_str()), (6, "logged in elsewhere"));
        for kick in &kicks[1..] {
            let waited =
                tokio::time::timeout(std::time::Duration::from_millis(50), kick.kicked()).await;
            assert!(
                waited.is_err(),
                "only the earlier desktop connection is closed"
            );
        }
    }
}
