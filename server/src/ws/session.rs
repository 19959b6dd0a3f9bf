//! One WebSocket connection from handshake to close.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures_util::StreamExt;
use futures_util::stream::SplitStream;
use improto::Body;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;

use super::acks::{self, Acks};
use super::handshake::{self, Identity};
use super::limits::{Budgets, Verdict};
use super::outbox::{self, Outbox};
use super::{codes, requests};
use crate::clock::now_ms;
use crate::conn::admission::Admitted;
use crate::hub::Kick;
use crate::state::ServerState;

/// Longest silence (no frame at all) before an authenticated connection is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
/// How long the writer gets to flush the final frames.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// Requests of one connection being processed at the same time; the session reads no further
/// frame until one is done (backpressure), while its timers and kicks keep running.
const MAX_IN_FLIGHT: usize = 64;
/// Answers of one connection being prepared at the same time (pull pages, request answers,
/// each up to a frame): bounds the bytes they hold besides the outbox's.
const MAX_ANSWERS_IN_FLIGHT: usize = 4;

/// The reading half of a connection.
pub type Incoming = SplitStream<WebSocket>;

/// Why a session ends.
#[derive(Debug)]
pub enum End {
    /// The client went away (closed, reset, or read error); nothing more is sent.
    PeerGone(String),
    /// The server closes: send `Close{code}` and a WebSocket close with `ws_code`.
    Close {
        /// Seed status code.
        code: i32,
        /// WebSocket close code.
        ws_code: u16,
        /// Why, for the client and the log.
        reason: String,
    },
}

impl End {
    /// A server-side close.
    pub fn close(code: i32, ws_code: u16, reason: impl Into<String>) -> Self {
        End::Close {
            code,
            ws_code,
            reason: reason.into(),
        }
    }

    /// A close for a frame that breaks the protocol.
    pub fn protocol_violation(reason: impl Into<String>) -> Self {
        End::close(codes::PROTOCOL_VIOLATION, 1002, reason)
    }
}

/// Runs a connection: handshake, then requests until it ends; then closes it.
///
/// The socket is split and its writer task started before the session future is built, so
/// that the future, which an idle connection keeps for its whole life, does not also hold the
/// unsplit socket (an `async fn` keeps room for its arguments).
pub fn serve(
    socket: WebSocket,
    state: Arc<ServerState>,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    admitted: Admitted,
) -> impl Future<Output = ()> + Send {
    let (sink, mut stream) = socket.split();
    let (queue, queued) = outbox::channel(state.session.outbox_bytes);
    let mut writer = tokio::spawn(outbox::drain(sink, queued, state.session.write_stall));
    async move {
        let mut shutdown = state.shutdown.clone();
        // Outlive the session future (which a shutdown drops), for the final ack write.
        let authenticated = OnceLock::new();
        let acks = Acks::default();
        let session = async {
            match handshake::accept(&mut stream, &state, &queue).await {
                Ok(identity) => {
                    admitted.authenticated();
                    let identity = authenticated.get_or_init(|| Arc::new(identity)).clone();
                    run(&mut stream, &state, identity, &queue, &acks).await
                }
                Err(end) => end,
            }
        };
        let end = tokio::select! {
            end = session => end,
            _ = server_stopping(&mut shutdown) => {
                End::close(codes::DISCONNECTED, 1001, "server shutting down")
            }
        };
        if let Some(identity) = authenticated.get() {
            acks.persist_now(&*state.store, identity).await;
        }
        match &end {
            End::PeerGone(why) => tracing::debug!(%peer, why, "connection ended by peer"),
            End::Close { code, reason, .. } => {
                tracing::info!(%peer, code, reason, "closing connection")
            }
        }
        let flushed = tokio::time::timeout(CLOSE_GRACE, async {
            if let End::Close {
                code,
                ws_code,
                reason,
            } = end
            {
                queue.close(code, ws_code, reason).await;
            }
            drop(queue);
            let _ = (&mut writer).await;
        })
        .await;
        if flushed.is_err() {
            writer.abort();
        }
        // The connection's slot is free once it is closed.
        drop(permit);
    }
}

/// Serves an authenticated connection until it ends.
async fn run(
    stream: &mut Incoming,
    state: &Arc<ServerState>,
    identity: Arc<Identity>,
    queue: &Outbox,
    acks: &Acks,
) -> End {
    let kick = Arc::new(Kick::default());
    let registration = state.hub.register(
        &identity.app_key,
        &identity.user_id,
        identity.platform,
        identity.issued_at_ms,
        queue.clone(),
        kick.clone(),
    );
    // A block or token expiry that came between the handshake's check and the registration
    // found no connection to close: check again now that it would be found.
    let refused = state.restrictions.refusal(
        &identity.app_key,
        &identity.user_id,
        identity.issued_at_ms,
        now_ms(),
    );
    if let Some((code, reason)) = refused {
        return End::close(code, 1008, reason);
    }
    // The ConnectAck is queued: one login per user and platform, unless multi-device is on.
    if !state.multi_device {
        let kicked = state.hub.close_earlier_on_platform(
            &registration,
            codes::KICKED_OFFLINE_BY_OTHER_CLIENT,
            "logged in elsewhere",
        );
        if kicked > 0 {
            tracing::info!(
                user_id = identity.user_id,
                platform = identity.platform,
                kicked,
                "closing the user's earlier connections on this platform"
            );
        }
    }
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let answers = Arc::new(Semaphore::new(MAX_ANSWERS_IN_FLIGHT));
    // The request slot the next frame will use; frames are read only with one in hand, so
    // that the loop never waits for a slot (its timers and kicks would wait with it).
    let mut slot: Option<OwnedSemaphorePermit> = None;
    let mut budgets = Budgets::new(&state.session, std::time::Instant::now());
    // Both timers are re-armed lazily rather than on every frame: the idle one only when it
    // fires early, the ack one only when an ack arrives with no write scheduled.
    let mut last_frame = Instant::now();
    let idle = tokio::time::sleep_until(last_frame + IDLE_TIMEOUT);
    tokio::pin!(idle);
    let mut ack_write_due = false;
    let mut ack_written_at: Option<Instant> = None;
    let ack_timer = tokio::time::sleep_until(last_frame);
    tokio::pin!(ack_timer);
    loop {
        tokio::select! {
            permit = in_flight.clone().acquire_owned(), if slot.is_none() => {
                let Ok(permit) = permit else {
                    return End::PeerGone("request limiter closed".into());
                };
                slot = Some(permit);
            }
            incoming = read(stream), if slot.is_some() => {
                last_frame = Instant::now();
                let body = match incoming {
                    Err(end) => return end,
                    Ok(None) => continue,
                    Ok(Some(Body::Ack(ack))) => {
                        // Bookkeeping only: no slot, no task, no commit per ack.
                        if acks.note(ack.seq) && !ack_write_due {
                            ack_write_due = true;
                            let due = ack_written_at.map_or(last_frame, |at| at + acks::PERSIST_INTERVAL);
                            ack_timer.as_mut().reset(due);
                        }
                        continue;
                    }
                    Ok(Some(body)) => body,
                };
                let Some(permit) = slot.take() else {
                    return End::PeerGone("read without a request slot".into());
                };
                let delay = match budgets.take(&body, last_frame.into_std()) {
                    Verdict::Now => Duration::ZERO,
                    Verdict::After(delay) => delay,
                    Verdict::Refuse(code) => {
                        requests::refuse(queue, &body, code, permit);
                        continue;
                    }
                };
                let request = requests::Request {
                    state: state.clone(),
                    identity: identity.clone(),
                    queue: queue.clone(),
                    connection: registration.connection_id(),
                    answers: answers.clone(),
                };
                if let Err(end) = request.handle(body, delay, permit) {
                    return end;
                }
            }
            () = &mut ack_timer, if ack_write_due => {
                ack_write_due = false;
                ack_written_at = Some(Instant::now());
                acks.persist_in_background(&*state.store, &identity);
            }
            () = &mut idle => {
                let silent_until = last_frame + IDLE_TIMEOUT;
                if Instant::now() >= silent_until {
                    return End::close(codes::IDLE_TIMEOUT, 1000, "idle for 45 s");
                }
                idle.as_mut().reset(silent_until);
            }
            (code, reason) = kick.kicked() => return End::close(code, 1008, reason),
            () = queue.closed() => return End::PeerGone("socket writer stopped".into()),
        }
    }
}

/// Completes once the server starts shutting down (or is gone).
async fn server_stopping(shutdown: &mut watch::Receiver<bool>) {
    // The guard returned by `wait_for` must not live across an await.
    let _ = shutdown.wait_for(|stopping| *stopping).await.map(|_| ());
}

/// Reads the next message: `Some(body)` for a frame, `None` for a control message.
pub async fn read(stream: &mut Incoming) -> Result<Option<Body>, End> {
    match stream.next().await {
        None => Err(End::PeerGone("connection closed".into())),
        Some(Err(e)) => Err(End::PeerGone(format!("read failed: {e}"))),
        Some(Ok(Message::Close(_))) => Err(End::PeerGone("client closed".into())),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(None),
        Some(Ok(Message::Text(_))) => Err(End::protocol_violation("text frames are not accepted")),
        Some(Ok(Message::Binary(bytes))) => improto::decode(&bytes)
            .map(Some)
            .map_err(|e| End::protocol_violation(format!("undecodable frame: {e}"))),
    }
}
