//! Test and benchmark harness: a real `imserver` child process on loopback with its own
//! SQLite data dir, Server API tokens, real `imcore` clients with temporary databases, and a
//! fleet of raw-protocol connections for load.

mod clients;
mod fleet;
mod server;

pub use clients::{Client, Listener};
pub use fleet::{Fleet, KEEPALIVE, Member, Peer, Verdict};
pub use server::{ServerProcess, imserver_binary};
