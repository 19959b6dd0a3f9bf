//! Test and benchmark harness: a real `imserver` child process on loopback with its own
//! SQLite data dir, Server API tokens, and real `imcore` clients with temporary databases.

mod server;
mod clients;

pub use clients::{Client, Listener};
pub use server::{imserver_binary, ServerProcess};
