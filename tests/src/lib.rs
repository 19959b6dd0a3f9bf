//! Test and benchmark harness: a real `imserver` child process on loopback with its own
//! SQLite data dir, Server API tokens, real `imcore` clients with temporary databases, and a
//! stand-in navigation endpoint.

mod clients;
mod navi;
mod server;

pub use clients::{Client, Listener};
pub use navi::{Navigation, ws_url};
pub use server::{ServerProcess, imserver_binary};
