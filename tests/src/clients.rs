//! Real imcore clients with temporary databases, and a listener thread collecting their events.

use crate::server::ServerProcess;
use imcore::{Event, ImClient, InitOptions, Message};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// An initialised and connected client plus its event listener.
pub struct Client {
    /// The engine.
    pub im: ImClient,
    /// The connected user.
    pub user_id: String,
    /// Events drained on a listener thread.
    pub listener: Listener,
}

/// Events of one client, forwarded from its queue by a thread of the harness.
pub struct Listener {
    rx: mpsc::Receiver<Event>,
}

impl Listener {
    fn spawn(im: &ImClient) -> Listener {
        let queue = im.events().expect("initialised");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            while let Ok(event) = queue.receiver().recv() {
                if tx.send(event).is_err() {
                    return;
                }
            }
        });
        Listener { rx }
    }

    /// The next event within `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Event> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// Discards every event already queued.
    pub fn drain(&self) {
        while self.rx.try_recv().is_ok() {}
    }

    /// Collects `count` received messages, failing after `timeout` without progress.
    pub fn messages(&self, count: usize, timeout: Duration) -> Vec<Message> {
        let mut got = Vec::with_capacity(count);
        while got.len() < count {
            match self.rx.recv_timeout(timeout) {
                Ok(Event::Message { message }) => got.push(message),
                Ok(_) => {}
                Err(_) => panic!("only {} of {count} messages arrived", got.len()),
            }
        }
        got
    }

    /// Waits for an event matching `want`.
    pub fn wait_for(&self, timeout: Duration, want: impl Fn(&Event) -> bool) -> Event {
        loop {
            match self.rx.recv_timeout(timeout) {
                Ok(event) if want(&event) => return event,
                Ok(_) => {}
                Err(_) => panic!("expected event did not arrive"),
            }
        }
    }
}

impl Client {
    /// Initialises a client for `server` with its database under `db_dir`, without connecting.
    pub fn init(server: &ServerProcess, db_dir: &Path) -> (ImClient, Listener) {
        let im = ImClient::new();
        im.init(&server.app_key, InitOptions::new(server.navi(), db_dir)).expect("init");
        let listener = Listener::spawn(&im);
        (im, listener)
    }

    /// A client for `user_id`, connected (token obtained from the Server API).
    pub async fn connect(server: &ServerProcess, db_dir: &Path, user_id: &str) -> Client {
        let (im, listener) = Client::init(server, db_dir);
        let token = server.token(user_id).await;
        let connected = im.connect(&token).await.expect("connect");
        assert_eq!(connected, user_id);
        Client { im, user_id: connected, listener }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.im.destroy();
    }
}
