//! Test and benchmark harness: a real `imserver` child process on loopback with its own
//! SQLite data dir, Server API tokens, real `imcore` clients with temporary databases, a
//! stand-in navigation endpoint, a fault-injecting proxy, and a fleet of raw-protocol
//! connections for load.

#![warn(missing_docs)]
mod clients;
mod fleet;
pub mod lanes;
mod local_db;
mod navi;
mod proxy;
pub mod samples;
mod server;
pub mod wire;

pub use clients::{Client, Listener, texts};
pub use fleet::{Fleet, KEEPALIVE, Member, Peer, Verdict};
pub use local_db::StoredMessage;
pub use navi::{Navigation, ws_url};
pub use proxy::{Chaos, Proxy, ProxyStats};
pub use server::{ServerProcess, imserver_binary};
