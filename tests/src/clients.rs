//! Real imcore clients with temporary databases, and their event queues.

use crate::server::ServerProcess;
use imcore::{Event, EventQueue, ImClient, InitOptions, Message};
use std::path::Path;
use std::time::Duration;

/// An initialised and connected client plus its event listener.
pub struct Client {
    /// The engine.
    pub im: ImClient,
    /// The connected user.
    pub user_id: String,
    /// Its events.
    pub listener: Listener,
}

/// Reads the events of one client straight from its queue, on the caller's thread.
pub struct Listener {
    queue: EventQueue,
}

impl Listener {
    fn new(im: &ImClient) -> Listener {
        Listener {
            queue: im.events().expect("initialised"),
        }
    }

    /// The next event within `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Event> {
        self.queue.recv_timeout(timeout)
    }

    /// Discards every event already queued.
    pub fn drain(&self) {
        while self.queue.recv_timeout(Duration::ZERO).is_some() {}
    }

    /// Collects `count` received messages, failing after `timeout` without progress.
    pub fn messages(&self, count: usize, timeout: Duration) -> Vec<Message> {
        let mut got = Vec::with_capacity(count);
        while got.len() < count {
            match self.queue.recv_timeout(timeout) {
                Some(Event::Message { message }) => got.push(message),
                Some(_) => {}
                None => panic!("only {} of {count} messages arrived", got.len()),
            }
        }
        got
    }

    /// Waits for an event matching `want`.
    pub fn wait_for(&self, timeout: Duration, want: impl Fn(&Event) -> bool) -> Event {
        loop {
            match self.queue.recv_timeout(timeout) {
                Some(event) if want(&event) => return event,
                Some(_) => {}
                None => panic!("expected event did not arrive"),
            }
        }
    }
}

impl Client {
    /// Initialises a client for `server` with its database under `db_dir`, without connecting.
    pub fn init(server: &ServerProcess, db_dir: &Path) -> (ImClient, Listener) {
        let im = ImClient::new();
        im.init(&server.app_key, InitOptions::new(server.navi(), db_dir))
            .expect("init");
        let listener = Listener::new(&im);
        (im, listener)
    }

    /// A client for `user_id`, connected (token obtained from the Server API).
    pub async fn connect(server: &ServerProcess, db_dir: &Path, user_id: &str) -> Client {
        let (im, listener) = Client::init(server, db_dir);
        let token = server.token(user_id).await;
        let connected = im.connect(&token).await.expect("connect");
        assert_eq!(connected, user_id);
        Client {
            im,
            user_id: connected,
            listener,
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.im.destroy();
    }
}
