//! Real imcore clients with temporary databases, and their event queues.

use crate::local_db::{self, StoredMessage};
use crate::server::ServerProcess;
use imcore::{Event, EventQueue, ImClient, InitOptions, Message};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An initialised and connected client plus its event listener.
pub struct Client {
    /// The engine.
    pub im: ImClient,
    /// The connected user.
    pub user_id: String,
    /// Its events.
    pub listener: Listener,
    /// Its database directory.
    db_dir: PathBuf,
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

    /// Takes every event already queued, oldest first.
    pub fn queued(&self) -> Vec<Event> {
        std::iter::from_fn(|| self.queue.recv_timeout(Duration::ZERO)).collect()
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
        Client::init_with(server, InitOptions::new(server.navi(), db_dir))
    }

    /// Initialises a client for `server`'s app with `options`, without connecting.
    pub fn init_with(server: &ServerProcess, options: InitOptions) -> (ImClient, Listener) {
        let im = ImClient::new();
        im.init(&server.app_key, options).expect("init");
        let listener = Listener::new(&im);
        (im, listener)
    }

    /// A client for `user_id`, connected (token obtained from the Server API).
    pub async fn connect(server: &ServerProcess, db_dir: &Path, user_id: &str) -> Client {
        Client::connect_with(server, InitOptions::new(server.navi(), db_dir), user_id).await
    }

    /// A client for `user_id` initialised with `options` (e.g. a custom navigation URL or
    /// heartbeat), connected.
    pub async fn connect_with(
        server: &ServerProcess,
        options: InitOptions,
        user_id: &str,
    ) -> Client {
        let db_dir = options.db_path.clone();
        let (im, listener) = Client::init_with(server, options);
        let token = server.token(user_id).await;
        let connected = im.connect(&token).await.expect("connect");
        assert_eq!(connected, user_id);
        Client {
            im,
            user_id: connected,
            listener,
            db_dir,
        }
    }

    /// Every message in this client's local database, in storage order.
    pub fn stored_messages(&self) -> Vec<StoredMessage> {
        local_db::stored_messages(&self.db_dir)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.im.destroy();
    }
}

/// The text (`content` field) of each message, empty for one without a text.
pub fn texts(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|m| {
            m.content.value()["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}
