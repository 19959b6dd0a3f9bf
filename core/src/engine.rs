//! The running engine of an initialised client: connection supervisor and shared state.
//!
//! The supervisor task owns the connection: it resolves navigation, authenticates, opens the
//! user's database, runs a [`Session`] and, when the connection breaks, reconnects with
//! jittered exponential backoff until the app disconnects or the server refuses for good.

use crate::enums::ConnectionStatus;
use crate::error::{ImError, ImResult, code};
use crate::events::{Event, EventSender};
use crate::log::Logger;
use crate::net::{navi, transport};
use crate::options::InitOptions;
use crate::session::{self, Command, Session, SessionContext};
use crate::store::{self, Store};
use rand::Rng;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Connection-related state, guarded by one mutex that is never held across an await.
#[derive(Default)]
pub(crate) struct State {
    pub status: Option<ConnectionStatus>,
    pub user_id: Option<String>,
    /// The token of the current identity, kept for `reconnect`.
    pub token: Option<String>,
    pub store: Option<Store>,
    pub session: Option<mpsc::Sender<Command>>,
    pub supervisor: Option<JoinHandle<()>>,
    pub connecting: bool,
    /// Which `connect` the supervisor serves: every start and stop moves it on, so that a
    /// supervisor already stopped (an abort lands at its next await) reports nothing more.
    pub run: u64,
}

/// A connection that authenticated, before the supervisor adopts it.
struct Established {
    session: Session,
    commands: mpsc::Sender<Command>,
    store: Store,
    user_id: String,
}

/// Everything the engine's tasks share.
pub(crate) struct Engine {
    pub app_key: String,
    pub options: InitOptions,
    pub device_id: String,
    pub runtime: Handle,
    pub events: EventSender,
    pub log: Logger,
    state: Mutex<State>,
    /// The last navigation answer, reused until every server in it fails.
    navi_cache: Mutex<Option<Vec<String>>>,
}

impl Engine {
    /// A fresh engine, not connected.
    pub(crate) fn new(
        app_key: String,
        options: InitOptions,
        runtime: Handle,
        events: EventSender,
        log: Logger,
    ) -> Self {
        let device_id = format!("{:032x}", rand::rng().random::<u128>());
        Engine {
            app_key,
            options,
            device_id,
            runtime,
            events,
            log,
            state: Mutex::new(State::default()),
            navi_cache: Mutex::new(None),
        }
    }

    /// Locks the state (a panic elsewhere never makes it unusable).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records and reports a status change.
    pub(crate) fn set_status(&self, status: ConnectionStatus, code: i32) {
        self.announce(&mut self.state(), status, code);
    }

    /// Records a status change and emits it under the state lock, so that the order of the
    /// events is the order of the changes whichever thread makes them.
    fn announce(&self, state: &mut State, status: ConnectionStatus, code: i32) {
        state.status = Some(status);
        self.events.emit(Event::ConnectionStatus { status, code });
    }

    /// Reports a status change of supervisor `run`; false (nothing reported) once that run
    /// was stopped or superseded.
    fn report(&self, run: u64, status: ConnectionStatus, code: i32) -> bool {
        let mut state = self.state();
        let current = state.run == run;
        if current {
            self.announce(&mut state, status, code);
        }
        current
    }

    /// Starts connecting with `token`; the answer is the user id, or why the first attempt failed.
    pub(crate) fn start(
        self: &Arc<Self>,
        token: String,
    ) -> ImResult<oneshot::Receiver<ImResult<String>>> {
        let (first_tx, first_rx) = oneshot::channel();
        let mut state = self.state();
        if state.connecting {
            return Err(ImError::new(
                code::ALREADY_CONNECTING,
                "connect is already running",
            ));
        }
        if let Some(old) = state.supervisor.take() {
            old.abort();
        }
        state.session = None;
        state.connecting = true;
        state.token = Some(token.clone());
        state.run += 1;
        let run = state.run;
        // Before the supervisor exists: none of its reports can come first.
        self.announce(&mut state, ConnectionStatus::Connecting, 0);
        let engine = Arc::clone(self);
        state.supervisor = Some(
            self.runtime
                .spawn(async move { engine.supervise(run, token, first_tx).await }),
        );
        Ok(first_rx)
    }

    /// Stops the connection and any reconnection at once.
    pub(crate) fn stop(&self) -> bool {
        let mut state = self.state();
        let was_running = state.supervisor.is_some();
        state.run += 1;
        if let Some(task) = state.supervisor.take() {
            task.abort();
        }
        state.session = None;
        state.connecting = false;
        was_running
    }

    async fn supervise(
        self: Arc<Self>,
        run: u64,
        token: String,
        first: oneshot::Sender<ImResult<String>>,
    ) {
        let mut first = Some(first);
        let mut failures: u32 = 0;
        loop {
            match self.establish(&token).await {
                Ok(established) => {
                    failures = 0;
                    let Some((session, user_id)) = self.adopt(run, established) else {
                        return;
                    };
                    if let Some(first) = first.take() {
                        let _ = first.send(Ok(user_id));
                    }
                    let end = session.run().await;
                    self.state().session = None;
                    match end {
                        session::End::Stopped => return,
                        session::End::ClosedByServer(code, reason) => {
                            self.log
                                .warn(format!("server closed the connection ({code}): {reason}"));
                            if let Some(status) = fatal_status(code) {
                                self.give_up(run, status, code);
                                return;
                            }
                        }
                        session::End::Lost(reason) => {
                            self.log.info(format!("connection lost: {reason}"))
                        }
                    }
                    self.state().connecting = true;
                    if !self.report(
                        run,
                        ConnectionStatus::NetworkUnavailable,
                        code::CONNECTION_LOST,
                    ) || !self.report(run, ConnectionStatus::Connecting, 0)
                    {
                        return;
                    }
                }
                Err(e) => {
                    if let Some(first) = first.take() {
                        self.give_up(
                            run,
                            fatal_status(e.code).unwrap_or(ConnectionStatus::Disconnected),
                            e.code,
                        );
                        let _ = first.send(Err(e));
                        return;
                    }
                    if let Some(status) = fatal_status(e.code) {
                        self.give_up(run, status, e.code);
                        return;
                    }
                    self.log.info(format!("reconnect attempt failed: {e}"));
                    failures = failures.saturating_add(1);
                }
            }
            tokio::time::sleep(backoff(failures)).await;
        }
    }

    fn give_up(&self, run: u64, status: ConnectionStatus, code: i32) {
        let mut state = self.state();
        if state.run != run {
            return;
        }
        state.connecting = false;
        state.session = None;
        state.supervisor = None;
        self.announce(&mut state, status, code);
    }

    /// Makes an authenticated connection the current one and reports Connected, unless run
    /// `run` was stopped meanwhile (None then: the connection is dropped).
    fn adopt(&self, run: u64, established: Established) -> Option<(Session, String)> {
        let mut state = self.state();
        if state.run != run {
            return None;
        }
        state.connecting = false;
        state.user_id = Some(established.user_id.clone());
        state.store = Some(established.store);
        state.session = Some(established.commands);
        self.announce(&mut state, ConnectionStatus::Connected, 0);
        Some((established.session, established.user_id))
    }

    /// One connection attempt: navigation (cached), WebSocket, authentication, database.
    async fn establish(self: &Arc<Self>, token: &str) -> ImResult<Established> {
        let cached = self
            .navi_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(servers) = cached else {
            let servers = self.resolve_navi().await?;
            return self.connect_first(&servers, token).await;
        };
        match self.connect_first(&servers, token).await {
            Err(e) if e.code == code::SOCKET_FAILED => {
                self.log
                    .info("every cached server failed; asking navigation again");
                let servers = self.resolve_navi().await?;
                self.connect_first(&servers, token).await
            }
            other => other,
        }
    }

    /// Asks navigation for the servers and caches the answer.
    async fn resolve_navi(&self) -> ImResult<Vec<String>> {
        let servers = navi::resolve(self.options.navi_base(), &self.app_key).await?;
        *self.navi_cache.lock().unwrap_or_else(|p| p.into_inner()) = Some(servers.clone());
        Ok(servers)
    }

    /// Connects to the first of `servers` whose WebSocket opens, in order.
    async fn connect_first(
        self: &Arc<Self>,
        servers: &[String],
        token: &str,
    ) -> ImResult<Established> {
        let mut last_error = ImError::new(code::SOCKET_FAILED, "no server reachable");
        for url in servers {
            let mut socket = match transport::open(url).await {
                Ok(socket) => socket,
                Err(e) => {
                    self.log.info(format!("{url} unreachable: {e}"));
                    last_error = e;
                    continue;
                }
            };
            let connect = improto::Connect {
                token: token.to_owned(),
                app_key: self.app_key.clone(),
                platform: self.options.platform,
                protocol_version: improto::PROTOCOL_VERSION,
                device_id: self.device_id.clone(),
            };
            let ack = transport::authenticate(&mut socket, connect).await?;
            let store = self.open_store(&ack.user_id).await?;
            let epoch = ack.inbox_epoch;
            if store
                .call(move |conn| store::received::follow_epoch(conn, epoch))
                .await?
            {
                self.log.warn(
                    "the server's inbox epoch changed (its store went back in time): \
                     pulling the inbox again from the start",
                );
            }
            let (commands_tx, commands_rx) = mpsc::channel(1024);
            let context = SessionContext {
                store: store.clone(),
                events: self.events.clone(),
                log: self.log.clone(),
                keepalive: self.options.keepalive(),
                user_id: ack.user_id.clone(),
            };
            let session = Session::new(socket, commands_rx, ack.inbox_seq, context).await?;
            return Ok(Established {
                session,
                commands: commands_tx,
                store,
                user_id: ack.user_id,
            });
        }
        Err(last_error)
    }

    /// The user's database, reusing the open one when the user is unchanged.
    async fn open_store(&self, user_id: &str) -> ImResult<Store> {
        {
            let state = self.state();
            if let (Some(store), Some(current)) = (&state.store, &state.user_id)
                && current == user_id
            {
                return Ok(store.clone());
            }
        }
        // Finding (and moving) the user's directory is file-system work: not on this thread.
        let (db_path, app_key, owner) = (
            self.options.db_path.clone(),
            self.app_key.clone(),
            user_id.to_owned(),
        );
        let file = tokio::task::spawn_blocking(move || store::locate(&db_path, &app_key, &owner))
            .await
            .unwrap_or_else(|e| Err(ImError::new(code::UNKNOWN, format!("locate: {e}"))))?;
        let (store, moved_aside) = Store::open(&file, user_id).await?;
        if let Some(aside) = moved_aside {
            let moved_to = aside.display().to_string();
            self.log.warn(format!(
                "database {} was corrupted: moved to {moved_to}, rebuilding from the server",
                file.display()
            ));
            self.events.emit(Event::DatabaseRecovered { moved_to });
        }
        Ok(store)
    }
}

/// The status to end in when the server refuses for good (no retry makes sense).
fn fatal_status(code: i32) -> Option<ConnectionStatus> {
    match code {
        code::APP_KEY_REJECTED => Some(ConnectionStatus::AppKeyIncorrect),
        code::TOKEN_INCORRECT | code::TOKEN_EXPIRED => Some(ConnectionStatus::TokenIncorrect),
        code::KICKED_OFFLINE_BY_OTHER_CLIENT => Some(ConnectionStatus::KickedOfflineByOtherClient),
        code::USER_BLOCKED => Some(ConnectionStatus::UserBlocked),
        _ => None,
    }
}

/// Jittered exponential backoff: 100 ms doubling up to 5 s, ±50 %.
fn backoff(failures: u32) -> Duration {
    let base = 100u64.saturating_mul(1 << failures.min(6)).min(5_000);
    let jitter = rand::rng().random_range(base / 2..=base + base / 2);
    Duration::from_millis(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(0) <= Duration::from_millis(150));
        assert!(backoff(20) <= Duration::from_millis(7_500));
        assert!(backoff(20) >= Duration::from_millis(2_500));
    }
}
