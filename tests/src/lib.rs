//! Test and benchmark harness: a real `imserver` child process on loopback with its own
//! SQLite data dir, Server API tokens, and real `imcore` clients with temporary databases.

mod clients;
mod server;

pub use clients::{Client, Listener};
pub use server::{ServerProcess, imserver_binary};
