//! A fault-injecting TCP proxy on loopback, to put between clients and imserver.
//!
//! Every accepted connection is relayed to the current upstream address (which may change at
//! runtime, e.g. when imserver comes back on another port). A test can cut every live
//! connection, stall all forwarding for a while, delay every forwarded chunk, or have
//! [`Chaos`] do these at random moments ([`Proxy::under_chaos`]).

mod chaos;
mod relay;

pub use chaos::Chaos;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What the proxy has done so far, to prove that faults really happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Connections accepted from clients.
    pub accepted: u64,
    /// Accepted connections reset at once because the upstream refused them.
    pub refused: u64,
    /// Calls of [`Proxy::cut`].
    pub cuts: u64,
    /// Live connections reset by those cuts.
    pub reset: u64,
    /// Calls of [`Proxy::stall`].
    pub stalls: u64,
}

/// A running proxy; it stops, resetting its connections, when dropped.
pub struct Proxy {
    addr: SocketAddr,
    faults: Arc<Faults>,
    acceptor: JoinHandle<()>,
}

/// The fault settings shared by the proxy handle and every relay.
struct Faults {
    upstream: Mutex<String>,
    /// Bumped by each cut; every relay watches it.
    cuts: watch::Sender<u64>,
    /// Nothing is forwarded before this moment; waiting relays watch it for changes.
    stalled_until: watch::Sender<Instant>,
    /// Added before each forwarded chunk, in microseconds.
    delay_us: AtomicU64,
    stats: Mutex<ProxyStats>,
}

impl Faults {
    fn count(&self, change: impl FnOnce(&mut ProxyStats)) {
        change(&mut self.stats.lock().unwrap());
    }

    /// Waits out the per-chunk delay and any stall before a chunk may be forwarded.
    async fn hold(&self) {
        let delay = Duration::from_micros(self.delay_us.load(Ordering::Relaxed));
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mut stalled_until = self.stalled_until.subscribe();
        loop {
            let until = *stalled_until.borrow_and_update();
            if Instant::now() >= until {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep_until(until) => {}
                _ = stalled_until.changed() => {}
            }
        }
    }
}

impl Proxy {
    /// Starts a proxy on a free loopback port relaying to `upstream` (`HOST:PORT`), serving
    /// from tasks of the current tokio runtime.
    pub async fn start(upstream: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("local addr");
        let faults = Arc::new(Faults {
            upstream: Mutex::new(upstream.to_owned()),
            cuts: watch::Sender::new(0),
            stalled_until: watch::Sender::new(Instant::now()),
            delay_us: AtomicU64::new(0),
            stats: Mutex::new(ProxyStats::default()),
        });
        let shared = faults.clone();
        let acceptor = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                shared.count(|s| s.accepted += 1);
                tokio::spawn(relay::relay(client, shared.clone()));
            }
        });
        Proxy {
            addr,
            faults,
            acceptor,
        }
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Relays new connections to `upstream` (`HOST:PORT`); live ones stay where they are.
    pub fn set_upstream(&self, upstream: &str) {
        *self.faults.upstream.lock().unwrap() = upstream.to_owned();
    }

    /// Resets every live connection now, on both sides.
    pub fn cut(&self) {
        self.faults.cuts.send_modify(|generation| *generation += 1);
        self.faults.count(|s| s.cuts += 1);
    }

    /// Holds all forwarding for `duration` from now: bytes wait in the proxy, connections
    /// stay open. A stall already running is extended, never shortened.
    pub fn stall(&self, duration: Duration) {
        let until = Instant::now() + duration;
        self.faults
            .stalled_until
            .send_modify(|current| *current = (*current).max(until));
        self.faults.count(|s| s.stalls += 1);
    }

    /// Delays every forwarded chunk by `delay` (zero for none).
    pub fn set_delay(&self, delay: Duration) {
        let micros = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        self.faults.delay_us.store(micros, Ordering::Relaxed);
    }

    /// Ends any stall and delay at once.
    pub fn calm(&self) {
        self.faults.stalled_until.send_replace(Instant::now());
        self.set_delay(Duration::ZERO);
    }

    /// Runs `work` while `chaos` injects faults at random moments; when `work` is done, the
    /// faults stop (any stall or delay ends) and its output is returned.
    pub async fn under_chaos<T>(&self, chaos: Chaos, work: impl Future<Output = T>) -> T {
        let output = tokio::select! {
            output = work => output,
            never = chaos.run(self) => match never {},
        };
        self.calm();
        output
    }

    /// What the proxy has done so far.
    pub fn stats(&self) -> ProxyStats {
        *self.faults.stats.lock().unwrap()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.acceptor.abort();
        self.cut();
    }
}
