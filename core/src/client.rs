//! `ImClient`: the public API of the engine, one method per seed API.
//!
//! Every asynchronous method runs on the client's own runtime whatever executor awaits it, so
//! shells may drive it from any thread. Methods on a client that was not initialised fail with
//! 33001, methods that need a connection with 30001.

mod ask;
pub(crate) mod connection;
pub(crate) mod conversation_sync;
pub(crate) mod conversations;
pub(crate) mod deletions;
pub(crate) mod drafts;
pub(crate) mod history;
pub(crate) mod local_messages;
pub(crate) mod messages;
pub(crate) mod search;

pub use deletions::MAX_DELETE_COUNT;
pub use history::{HistoryPage, MAX_HISTORY_COUNT, MAX_REMOTE_HISTORY_COUNT};
pub use search::{MAX_KEYWORD_CHARS, MAX_SEARCH_COUNT};

use crate::engine::Engine;
use crate::enums::{ConnectionStatus, ConversationType};
use crate::error::{ImError, ImResult, code};
use crate::events::{self, EventQueue};
use crate::log::Logger;
use crate::message::{Message, MessageContent, validate_send_type, validate_target_id};
use crate::message_types::{MessageTag, MessageTypeInfo};
use crate::options::InitOptions;
use crate::send_options::Sending;
use crate::session::Command;
use crate::store::{self, OutgoingMessage};
use crate::time::{now_ms, unique_local_ms};
use rand::Rng;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

struct Running {
    /// The network runtime (connection, session, delivery commits, heartbeats). Taken by
    /// `destroy`; otherwise shut down in the background on drop, like `calls`.
    runtime: Option<Runtime>,
    /// Where the shells' calls run ([`ImClient::spawn`]) and with them the database reads, so
    /// that a slow read never delays delivery or heartbeats on the network thread.
    calls: Option<Runtime>,
    engine: Arc<Engine>,
    events: EventQueue,
}

/// An IM client: create it, `init` it once, then connect. Cloning shares the same client.
#[derive(Clone, Default)]
pub struct ImClient {
    running: Arc<Mutex<Option<Running>>>,
}

impl ImClient {
    /// A client that is not initialised yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Initialises the client for `app_key` (seed `init`); allowed once per client.
    pub fn init(&self, app_key: &str, options: InitOptions) -> ImResult<()> {
        if app_key.is_empty() || app_key.len() > improto::limits::MAX_APP_KEY_BYTES {
            return Err(ImError::invalid("appKey must be 1–64 bytes"));
        }
        options.validate()?;
        let mut running = self.lock();
        if running.is_some() {
            return Err(ImError::invalid("init was already called on this client"));
        }
        let runtime = single_worker_runtime(NETWORK_THREAD)?;
        let calls = single_worker_runtime("imcore-calls")?;
        let (sender, events) = events::channel(events::DEFAULT_CAPACITY);
        let log = Logger::new(
            options.log_level,
            options.log_to_host.then(|| sender.clone()),
        );
        let engine = Engine::new(
            app_key.to_owned(),
            options,
            runtime.handle().clone(),
            sender,
            log,
        );
        engine.log.info(format!("initialised for app {app_key}"));
        *running = Some(Running {
            runtime: Some(runtime),
            calls: Some(calls),
            engine: Arc::new(engine),
            events,
        });
        Ok(())
    }

    /// Registers a custom message type for every client of the process (seed's static
    /// `registerMessageType`; call it before connecting): `message_type` is its class name,
    /// `object_name` its wire name (not `RC:`…), `tag` says whether it is counted as unread and
    /// stored, `search_fields` which content fields are searchable. Registering an ObjectName
    /// again changes its tag and fields. 33003 for a bad name or field list.
    pub fn register_message_type(
        message_type: &str,
        object_name: &str,
        tag: MessageTag,
        search_fields: &[String],
    ) -> ImResult<()> {
        crate::message_types::register(message_type, object_name, tag, search_fields)
    }

    /// Ok once `init` succeeded, else 33001; lets shells check before accepting a call.
    pub fn ensure_initialized(&self) -> ImResult<()> {
        self.engine().map(drop)
    }

    /// The event stream of this client (33001 before `init`).
    pub fn events(&self) -> ImResult<EventQueue> {
        self.lock()
            .as_ref()
            .map(|r| r.events.clone())
            .ok_or_else(ImError::not_initialized)
    }

    /// Runs `task` on the client's calls thread (33001 before `init`), never the network
    /// thread: shells run their calls and callbacks there.
    pub fn spawn<F>(&self, task: F) -> ImResult<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let handle = self
            .lock()
            .as_ref()
            .and_then(|r| r.calls.as_ref().map(|calls| calls.handle().clone()))
            .ok_or_else(ImError::not_initialized)?;
        handle.spawn(task);
        Ok(())
    }

    /// Connects with `token` and resolves to the token's user id (seed `connect`).
    ///
    /// Fails with 31004 for an incorrect token, 31002 when the server does not know the app key,
    /// 33006 while another connect is running.
    pub async fn connect(&self, token: &str) -> ImResult<String> {
        let engine = self.engine()?;
        if token.is_empty() || token.len() > improto::limits::MAX_TOKEN_BYTES {
            return Err(ImError::invalid("token must be 1–1024 bytes"));
        }
        let first = engine.start(token.to_owned())?;
        first
            .await
            .unwrap_or_else(|_| Err(ImError::new(code::CONNECTION_LOST, "connect was cancelled")))
    }

    /// Connects again with the identity of the last `connect`, only after `disconnect` (else 35007).
    pub async fn reconnect(&self) -> ImResult<String> {
        let engine = self.engine()?;
        let token = {
            let state = engine.state();
            if state.supervisor.is_some() || state.token.is_none() {
                return Err(ImError::new(
                    code::RECONNECT_NOT_ALLOWED,
                    "reconnect needs a previous connect and disconnect",
                ));
            }
            state.token.clone().expect("checked above")
        };
        self.connect(&token).await
    }

    /// Closes the connection and stops reconnecting; messages keep arriving on the next connect.
    pub fn disconnect(&self) -> ImResult<()> {
        let engine = self.engine()?;
        if engine.stop() {
            engine.set_status(ConnectionStatus::Disconnected, 0);
        }
        Ok(())
    }

    /// Disconnects and closes the user's database (seed `logout`, used to switch users).
    pub fn logout(&self) -> ImResult<()> {
        let engine = self.engine()?;
        let was_running = engine.stop();
        {
            let mut state = engine.state();
            state.store = None;
            state.user_id = None;
            state.token = None;
        }
        if was_running {
            engine.set_status(ConnectionStatus::Disconnected, 0);
        }
        Ok(())
    }

    /// The current connection status (seed `getCurrentConnectionStatus`).
    pub fn connection_status(&self) -> ImResult<ConnectionStatus> {
        Ok(self
            .engine()?
            .state()
            .status
            .unwrap_or(ConnectionStatus::Disconnected))
    }

    /// Whether the engine is connected or trying to be (from `connect` until `disconnect`,
    /// `logout`, `destroy`, or a refusal it will not retry); shells keep their host alive
    /// meanwhile.
    pub fn connection_wanted(&self) -> bool {
        self.engine().is_ok_and(|engine| {
            let state = engine.state();
            state.supervisor.is_some() || state.connecting
        })
    }

    /// The connected user's id, if any (seed `getCurrentUserId`).
    pub fn current_user_id(&self) -> ImResult<Option<String>> {
        Ok(self.engine()?.state().user_id.clone())
    }

    /// Sends a message and resolves once the server stored it (seed `sendMessage`).
    ///
    /// Once the outcome is known the message is stored locally, SENT with the server's
    /// `messageUId` and `sentTime`, or FAILED with the error: 30001 not connected, 30003 no
    /// answer in time, 30016 body over 128 KB, 33003 bad parameter or a SYSTEM conversation;
    /// 22406 (not in the group) and 22408 (muted) come from the server. Calls refused before
    /// anything was sent (not connected, bad parameters) store nothing. Types that are not
    /// persisted (typing status, commands…) are never stored and resolve with `messageId` 0.
    pub async fn send_message(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        content: MessageContent,
    ) -> ImResult<Message> {
        self.send_message_with(conversation_type, target_id, content, Sending::default())
            .await
    }

    /// [`ImClient::send_message`] with sending options (checked by [`Sending::new`]); a status
    /// message is never stored, like the types that are not persisted.
    pub(crate) async fn send_message_with(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        content: MessageContent,
        sending: Sending,
    ) -> ImResult<Message> {
        let engine = self.engine()?;
        validate_send_type(conversation_type)?;
        validate_target_id(target_id)?;
        let body = content.encoded()?;
        let target_id = target_id.to_owned();
        run(&engine.runtime.clone(), async move {
            let (session, store, user_id) = connected(&engine)?;
            let outgoing = OutgoingMessage {
                conversation_type,
                target_id,
                sender_user_id: user_id,
                object_name: content.kind.object_name.to_owned(),
                content: body,
                client_message_id: format!("{:032x}", rand::rng().random::<u128>()),
                local_time: unique_local_ms(),
                sending,
            };
            send_outgoing(&engine, session, store, outgoing, content.kind).await
        })
        .await
    }

    /// Sends a FAILED message again under its original idempotency key, so that the receiver
    /// gets it once even if the first attempt did reach the server; resolves to the message,
    /// now SENT. 33003 when `message_id` is not a failed outgoing message.
    pub async fn resend_message(&self, message_id: i64) -> ImResult<Message> {
        let engine = self.engine()?;
        run(&engine.runtime.clone(), async move {
            let (session, store, _) = connected(&engine)?;
            let outgoing = store
                .call(move |conn| store::sent::failed_outgoing(conn, message_id))
                .await?
                .ok_or_else(|| {
                    ImError::invalid(format!(
                        "message {message_id} is not a failed outgoing message"
                    ))
                })?;
            let kind = crate::message_types::by_object_name(&outgoing.object_name)
                .ok_or_else(|| ImError::invalid("unknown message type"))?;
            send_outgoing(&engine, session, store, outgoing, kind).await
        })
        .await
    }

    /// Saves the text draft of a conversation (seed `saveTextMessageDraft`); drafts live in the
    /// user's database and survive restarts. 33003 for a draft over 128 KB.
    pub async fn save_text_message_draft(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
        draft: &str,
    ) -> ImResult<()> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        if draft.len() > crate::message::MAX_CONTENT_BYTES {
            return Err(ImError::invalid("draft is over 128 KB"));
        }
        let (target_id, draft) = (target_id.to_owned(), draft.to_owned());
        self.on_store(move |conn| {
            store::drafts::save(conn, conversation_type, &target_id, &draft, now_ms())
        })
        .await
    }

    /// The text draft of a conversation, empty when none (seed `getTextMessageDraft`).
    pub async fn get_text_message_draft(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<String> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        self.read_store(|conn| store::drafts::get(conn, conversation_type, target_id))
    }

    /// Removes the text draft of a conversation (seed `clearTextMessageDraft`).
    pub async fn clear_text_message_draft(
        &self,
        conversation_type: ConversationType,
        target_id: &str,
    ) -> ImResult<()> {
        self.ensure_initialized()?;
        validate_target_id(target_id)?;
        let target_id = target_id.to_owned();
        self.on_store(move |conn| store::drafts::clear(conn, conversation_type, &target_id))
            .await
    }

    /// Disconnects, stops the runtime and the database thread; the client may be `init`ed again.
    /// Returns once the user's database is closed (waiting at most about 2 s for running
    /// tasks), so its files may then be moved or deleted.
    pub fn destroy(&self) {
        let running = self.lock().take();
        if let Some(mut running) = running {
            running.engine.stop();
            running.engine.state().store = None;
            // Calls first (their completions report 33001), then the network. On a thread of
            // its own: a runtime may not be shut down from an async context, and the caller is
            // owed a closed database when this returns.
            let runtimes = [running.calls.take(), running.runtime.take()];
            let stopping = std::thread::spawn(move || {
                // Both within the 2 s that `destroy` promises.
                let deadline = std::time::Instant::now() + Duration::from_secs(2);
                for runtime in runtimes.into_iter().flatten() {
                    runtime.shutdown_timeout(
                        deadline.saturating_duration_since(std::time::Instant::now()),
                    );
                }
            });
            let _ = stopping.join();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn engine(&self) -> ImResult<Arc<Engine>> {
        self.lock()
            .as_ref()
            .map(|r| Arc::clone(&r.engine))
            .ok_or_else(ImError::not_initialized)
    }

    /// Runs the read `f` in place on the current user's database (30001 before the first
    /// connect): reads take microseconds to milliseconds, less than two thread wake-ups.
    fn read_store<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> ImResult<T>) -> ImResult<T> {
        user_store(&*self.engine()?)?.read(f)
    }

    /// Runs the write `f` on the current user's database thread (30001 before the first
    /// connect).
    async fn on_store<T, F>(&self, f: F) -> ImResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut rusqlite::Connection) -> ImResult<T> + Send + 'static,
    {
        let engine = self.engine()?;
        run(&engine.runtime.clone(), async move {
            user_store(&engine)?.call(f).await
        })
        .await
    }
}

/// The current user's database (open from the first successful connect until logout), else 30001.
fn user_store(engine: &Engine) -> ImResult<store::Store> {
    engine
        .state()
        .store
        .clone()
        .ok_or_else(ImError::not_connected)
}

/// The live session, the user's database and user id, or 30001 when not connected.
fn connected(
    engine: &Engine,
) -> ImResult<(tokio::sync::mpsc::Sender<Command>, store::Store, String)> {
    let state = engine.state();
    match (&state.session, &state.store, &state.user_id) {
        (Some(session), Some(store), Some(user)) => {
            Ok((session.clone(), store.clone(), user.clone()))
        }
        _ => Err(ImError::not_connected()),
    }
}

/// Hands `outgoing` to the session, which stores it once acknowledged; a send that fails
/// (refused, no answer in time, connection lost) is stored FAILED here, unless it is not a
/// persisted type.
async fn send_outgoing(
    engine: &Engine,
    session: tokio::sync::mpsc::Sender<Command>,
    store: store::Store,
    outgoing: OutgoingMessage,
    kind: &'static MessageTypeInfo,
) -> ImResult<Message> {
    let send = improto::Send {
        request_id: 0,
        conversation_type: outgoing.conversation_type.into(),
        target_id: outgoing.target_id.clone(),
        object_name: outgoing.object_name.clone(),
        content: outgoing.content.clone(),
        client_message_id: outgoing.client_message_id.clone(),
        persisted: kind.persisted,
        counted: kind.counted,
        options: outgoing.sending.options.clone(),
        directed_user_ids: outgoing.sending.directed_user_ids.clone(),
        is_status: outgoing.sending.is_status,
    };
    let persisted = kind.persisted && !outgoing.sending.is_status;
    let (reply_tx, reply_rx) = oneshot::channel();
    // Kept to store the message FAILED if the session never answers.
    let kept = outgoing.clone();
    let command = Command::Send {
        send,
        outgoing: Box::new(outgoing),
        persisted,
        reply: reply_tx,
    };
    if session.send(command).await.is_err() {
        return Err(ImError::not_connected());
    }
    let outcome = await_reply(reply_rx, engine.options.request_timeout())
        .await
        .and_then(|result| result);
    match outcome {
        Err(e) if persisted => {
            let failed = store
                .call(move |conn| store::sent::store_failed(conn, &kept))
                .await?;
            Err(e.with_failed_message(failed))
        }
        other => other,
    }
}

/// Waits for the session's answer to a command: 30003 when none comes in time, 30002 when the
/// connection was lost before.
async fn await_reply<T>(answer: oneshot::Receiver<T>, timeout: Duration) -> ImResult<T> {
    match tokio::time::timeout(timeout, answer).await {
        Err(_) => Err(ImError::new(
            code::REQUEST_TIMEOUT,
            "the server did not answer in time",
        )),
        Ok(Err(_)) => Err(ImError::new(
            code::CONNECTION_LOST,
            "connection lost before the server answered",
        )),
        Ok(Ok(answer)) => Ok(answer),
    }
}

/// The name of the network thread, which never runs a database read.
pub(crate) const NETWORK_THREAD: &str = "imcore-io";

/// A runtime of one worker thread named `name`.
fn single_worker_runtime(name: &str) -> ImResult<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(name)
        .enable_all()
        .build()
        .map_err(|e| ImError::new(code::UNKNOWN, format!("runtime {name}: {e}")))
}

/// Runs `task` on the engine's runtime and awaits it from any executor.
async fn run<T, F>(runtime: &tokio::runtime::Handle, task: F) -> ImResult<T>
where
    T: Send + 'static,
    F: Future<Output = ImResult<T>> + Send + 'static,
{
    runtime
        .spawn(task)
        .await
        .unwrap_or_else(|e| Err(ImError::new(code::UNKNOWN, format!("task failed: {e}"))))
}

impl Drop for Running {
    fn drop(&mut self) {
        self.engine.stop();
        for runtime in [self.calls.take(), self.runtime.take()]
            .into_iter()
            .flatten()
        {
            runtime.shutdown_background();
        }
    }
}
