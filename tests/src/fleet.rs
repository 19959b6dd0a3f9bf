//! Many raw-protocol connections in one process: a load generator that speaks `improto`
//! directly (no engine, no database), for soak and connection-count benchmarks.
//!
//! Each connection authenticates with `Connect`, then stays idle (pinging every
//! [`KEEPALIVE`]) until [`Fleet::load`] makes every connection send `Send` frames at a steady
//! rate to the next user of the fleet. Every frame is tallied, so [`Fleet::close`] can tell
//! whether each acknowledged message reached its recipient exactly once.

use crate::server::ServerProcess;
use crate::wire::{self, Socket, next_frame, write};
use improto::Body;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// How often an idle connection pings, well inside imserver's 45 s idle timeout.
pub const KEEPALIVE: Duration = Duration::from_secs(20);
/// Connection attempts in progress at once (keeps the listener's accept backlog short).
const CONNECTS_IN_FLIGHT: usize = 128;
/// How long [`Fleet::load`] waits for the last answers and deliveries after sending stops.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What answers the fleet's frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// imserver: `ConnectAck`, `SendAck`, and a `Delivery` to the recipient.
    ImServer,
    /// A bare WebSocket echo server: every frame comes back to its sender, which counts the
    /// echo of a `Send` as both its acknowledgement and its delivery.
    Echo,
}

/// One user of the fleet: its id (the recipient of the previous user's messages) and token.
#[derive(Debug, Clone)]
pub struct Member {
    /// User id.
    pub user_id: String,
    /// Token for `Connect`.
    pub token: String,
}

impl Member {
    /// `count` users named `{prefix}-{i}`, with tokens from `server`.
    pub async fn enrol(server: &ServerProcess, prefix: &str, count: usize) -> Vec<Member> {
        let user_ids: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
        let tokens = server.tokens(&user_ids).await;
        user_ids
            .into_iter()
            .zip(tokens)
            .map(|(user_id, token)| Member { user_id, token })
            .collect()
    }
}

/// Counters shared by every connection of a fleet.
#[derive(Debug, Default)]
struct Tally {
    connected: AtomicU64,
    sent: AtomicU64,
    answered: AtomicU64,
    acked: AtomicU64,
    received: AtomicU64,
    /// Sum over connections of the load rounds each has finished (stopped sending for).
    rounds_finished: AtomicU64,
}

/// What connections do, switched for all at once.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Read, and ping every [`KEEPALIVE`]; `rounds` load rounds have ended so far.
    Idle { rounds: u64 },
    /// Send one message every `period`, until `until`.
    Send { period: Duration, until: Instant },
    /// Close the connection and report.
    Close,
}

/// What one connection saw.
#[derive(Debug, Default)]
struct Log {
    /// Message ids this connection sent that were acknowledged with code 0.
    acked: Vec<u64>,
    /// Message ids delivered to this connection, in arrival order.
    received: Vec<u64>,
    /// Why the connection ended before it was told to close, if it did.
    broken: Option<String>,
}

/// The outcome of a fleet's load: counts, and what the exactly-once check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// `Send` frames written.
    pub sent: u64,
    /// Sends acknowledged with code 0.
    pub acked: u64,
    /// Deliveries of fleet messages.
    pub received: u64,
    /// Acknowledged messages that never reached their recipient.
    pub lost: u64,
    /// Deliveries beyond the first of a message.
    pub duplicated: u64,
    /// Deliveries of messages never acknowledged, or to the wrong connection.
    pub stray: u64,
    /// Sends refused, or left unanswered.
    pub unanswered: u64,
    /// Connections that ended before the fleet closed them.
    pub broken: u64,
}

impl Verdict {
    /// Whether every acknowledged message was received exactly once, by its recipient, and
    /// every send was acknowledged.
    pub fn is_lossless(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.stray == 0
            && self.unanswered == 0
            && self.broken == 0
    }
}

/// Connected raw-protocol clients; see the module docs.
pub struct Fleet {
    peer: Peer,
    tasks: Vec<JoinHandle<Log>>,
    phase: watch::Sender<Phase>,
    tally: Arc<Tally>,
}

impl Fleet {
    /// Opens one connection per member to `ws_url` and authenticates each (for [`Peer::Echo`],
    /// waits for the echo of `Connect` instead). Panics if any connection fails.
    pub async fn connect(ws_url: &str, app_key: &str, members: &[Member], peer: Peer) -> Fleet {
        let (phase, _) = watch::channel(Phase::Idle { rounds: 0 });
        let tally = Arc::new(Tally::default());
        let connects = Arc::new(Semaphore::new(CONNECTS_IN_FLIGHT));
        let count = members.len();
        let tasks = members
            .iter()
            .enumerate()
            .map(|(index, member)| {
                let connection = Connection {
                    index: index as u64,
                    peer,
                    recipient: members[(index + 1) % count].user_id.clone(),
                    tally: tally.clone(),
                    log: Log::default(),
                };
                let (url, app_key, token) =
                    (ws_url.to_owned(), app_key.to_owned(), member.token.clone());
                let (connects, phase) = (connects.clone(), phase.subscribe());
                tokio::spawn(async move {
                    let permit = connects.acquire_owned().await.expect("semaphore open");
                    let socket = connection.open(&url, &app_key, &token).await;
                    drop(permit);
                    connection.tally.connected.fetch_add(1, Ordering::Relaxed);
                    connection.run(socket, phase).await
                })
            })
            .collect();
        let fleet = Fleet {
            peer,
            tasks,
            phase,
            tally,
        };
        while fleet.tally.connected.load(Ordering::Relaxed) < count as u64 {
            if let Some(task) = fleet.tasks.iter().find(|t| t.is_finished()) {
                panic!("a fleet connection failed early: {task:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        fleet
    }

    /// Number of connections.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the fleet has no connection.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Makes every connection send `rate` messages per second in all (spread evenly over the
    /// connections) for `duration`, then waits until every send is answered and every
    /// acknowledged message delivered (at most 30 s more). Returns the messages acknowledged.
    pub async fn load(&self, rate: f64, duration: Duration) -> u64 {
        let round = match *self.phase.borrow() {
            Phase::Idle { rounds } => rounds + 1,
            other => panic!("load called while the fleet is {other:?}"),
        };
        let period = Duration::from_secs_f64(self.len() as f64 / rate);
        let until = Instant::now() + duration;
        self.phase.send_replace(Phase::Send { period, until });
        tokio::time::sleep_until(until).await;
        self.phase.send_replace(Phase::Idle { rounds: round });
        let settled = Instant::now() + SETTLE_TIMEOUT;
        let t = &self.tally;
        // Every connection must have seen the round end (so none is still writing a send)
        // before the counts can be compared.
        let everyone = round * self.len() as u64;
        while Instant::now() < settled
            && (t.rounds_finished.load(Ordering::Acquire) < everyone
                || t.answered.load(Ordering::Relaxed) < t.sent.load(Ordering::Relaxed)
                || t.received.load(Ordering::Relaxed) < t.acked.load(Ordering::Relaxed))
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        t.acked.load(Ordering::Relaxed)
    }

    /// Closes every connection and checks that each acknowledged message was delivered
    /// exactly once, to the next connection of the fleet (to its sender, for an echo peer).
    pub async fn close(self) -> Verdict {
        self.phase.send_replace(Phase::Close);
        let count = self.tasks.len() as u64;
        let mut logs = Vec::with_capacity(self.tasks.len());
        for task in self.tasks {
            logs.push(task.await.expect("fleet connection task"));
        }
        let peer = self.peer;
        let recipient_of = move |sender: u64| match peer {
            Peer::ImServer => (sender + 1) % count,
            Peer::Echo => sender,
        };
        judge(self.tally.sent.load(Ordering::Relaxed), &logs, recipient_of)
    }
}

/// Checks that every message acknowledged to a connection of `logs` (indexed as the fleet)
/// was received exactly once, by `recipient_of` its sender, and that all `sent` were acked.
fn judge(sent: u64, logs: &[Log], recipient_of: impl Fn(u64) -> u64) -> Verdict {
    let mut expected: HashMap<u64, u64> = HashMap::new();
    let mut verdict = Verdict {
        sent,
        ..Verdict::default()
    };
    for (index, log) in logs.iter().enumerate() {
        for &id in &log.acked {
            expected.insert(id, recipient_of(index as u64));
        }
        verdict.acked += log.acked.len() as u64;
        verdict.broken += u64::from(log.broken.is_some());
    }
    verdict.unanswered = verdict.sent - verdict.acked;
    let mut seen: HashSet<u64> = HashSet::with_capacity(expected.len());
    let mut delivered = 0;
    for (index, log) in logs.iter().enumerate() {
        for &id in &log.received {
            verdict.received += 1;
            if !seen.insert(id) {
                verdict.duplicated += 1;
            } else if expected.get(&id) == Some(&(index as u64)) {
                delivered += 1;
            } else {
                verdict.stray += 1;
            }
        }
    }
    verdict.lost = expected.len() as u64 - delivered;
    verdict
}

/// One connection's identity and bookkeeping.
struct Connection {
    index: u64,
    peer: Peer,
    recipient: String,
    tally: Arc<Tally>,
    log: Log,
}

impl Connection {
    /// Opens the WebSocket and authenticates.
    async fn open(&self, url: &str, app_key: &str, token: &str) -> Socket {
        let device_id = format!("fleet-{}", self.index);
        let echo = self.peer == Peer::Echo;
        wire::open(url, app_key, token, &device_id, echo)
            .await
            .unwrap_or_else(|e| panic!("fleet connection {}: {e}", self.index))
    }

    /// Follows the fleet's phases until told to close; returns what it saw.
    async fn run(mut self, mut socket: Socket, mut phase: watch::Receiver<Phase>) -> Log {
        // Connections start sending at different offsets (golden-ratio steps keep neighbours
        // apart whatever the fleet size), so sends are spread evenly over each period.
        let offset = (self.index as f64 * 0.618_033_988_75).fract();
        let mut next_send = None;
        let mut keepalive = tokio::time::interval_at(Instant::now() + KEEPALIVE, KEEPALIVE);
        keepalive.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut sequence = 0u64;
        let mut rounds_finished = 0;
        loop {
            let current = *phase.borrow_and_update();
            let due = match current {
                Phase::Close => break,
                Phase::Idle { rounds } => {
                    next_send = None;
                    // Sends written before this point are already in `tally.sent`.
                    self.tally
                        .rounds_finished
                        .fetch_add(rounds - rounds_finished, Ordering::Release);
                    rounds_finished = rounds;
                    None
                }
                Phase::Send { period, until } => {
                    let due =
                        *next_send.get_or_insert_with(|| Instant::now() + period.mul_f64(offset));
                    (due < until).then_some((due, period))
                }
            };
            let send_timer = tokio::time::sleep_until(due.map_or_else(Instant::now, |(at, _)| at));
            tokio::select! {
                changed = phase.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                () = send_timer, if due.is_some() => {
                    let (at, period) = due.expect("guarded");
                    next_send = Some(at + period);
                    sequence += 1;
                    let id = self.index << 32 | sequence;
                    if let Err(e) = write(&mut socket, self.message(id)).await {
                        self.log.broken = Some(e);
                        break;
                    }
                    self.tally.sent.fetch_add(1, Ordering::Relaxed);
                }
                _ = keepalive.tick() => {
                    if let Err(e) = write(&mut socket, Body::Ping(improto::Ping { nonce: 0 })).await {
                        self.log.broken = Some(e);
                        break;
                    }
                }
                frame = next_frame(&mut socket) => match frame {
                    Ok(body) => {
                        if let Err(e) = self.take(&mut socket, body).await {
                            self.log.broken = Some(e);
                            break;
                        }
                    }
                    Err(e) => {
                        self.log.broken = Some(e);
                        break;
                    }
                },
            }
        }
        let _ = socket.close(None).await;
        self.log
    }

    /// The `Send` frame for message `id`; its id travels in the content, so a delivery names
    /// the message it carries.
    fn message(&self, id: u64) -> Body {
        Body::Send(improto::Send {
            request_id: id,
            conversation_type: 1,
            target_id: self.recipient.clone(),
            object_name: "RC:TxtMsg".into(),
            content: format!(r#"{{"content":"fleet","extra":"{id}"}}"#),
            client_message_id: format!("fleet-{id}"),
            persisted: true,
            counted: true,
            ..Default::default()
        })
    }

    /// Books one incoming frame; acknowledges deliveries as a client does.
    async fn take(&mut self, socket: &mut Socket, body: Body) -> Result<(), String> {
        match body {
            Body::SendAck(ack) => {
                self.tally.answered.fetch_add(1, Ordering::Relaxed);
                // A refusal (non-zero code) counts as unanswered in the verdict.
                if ack.code == 0 {
                    self.tally.acked.fetch_add(1, Ordering::Relaxed);
                    self.log.acked.push(ack.request_id);
                }
            }
            Body::Delivery(delivery) => {
                // The server also delivers each sent message to its sender's own inbox
                // (multi-device sync), recognisable by the sender's idempotency key.
                let received = delivery
                    .messages
                    .iter()
                    .filter(|m| m.client_message_id.is_empty());
                for message in received {
                    self.log.received.push(message_id(&message.content)?);
                    self.tally.received.fetch_add(1, Ordering::Relaxed);
                }
                if let Some(last) = delivery.messages.last() {
                    write(socket, Body::Ack(improto::Ack { seq: last.seq })).await?;
                }
            }
            Body::Send(echoed) if self.peer == Peer::Echo => {
                for counter in [
                    &self.tally.answered,
                    &self.tally.acked,
                    &self.tally.received,
                ] {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                self.log.acked.push(echoed.request_id);
                self.log.received.push(echoed.request_id);
            }
            Body::Close(close) => return Err(format!("closed by the server: {close:?}")),
            _ => {}
        }
        Ok(())
    }
}

/// The message id carried in a fleet message's content.
fn message_id(content: &str) -> Result<u64, String> {
    let value: serde_json::Value =
        serde_json::from_str(content).map_err(|e| format!("delivery content: {e}"))?;
    value["extra"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("not a fleet message: {content}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(acked: &[u64], received: &[u64]) -> Log {
        Log {
            acked: acked.to_vec(),
            received: received.to_vec(),
            ..Log::default()
        }
    }

    #[test]
    fn a_clean_exchange_is_lossless() {
        let logs = [log(&[1, 2], &[3]), log(&[3], &[1, 2])];
        let verdict = judge(3, &logs, |sender| (sender + 1) % 2);
        assert!(verdict.is_lossless(), "{verdict:?}");
        assert_eq!((verdict.acked, verdict.received), (3, 3));
    }

    #[test]
    fn finds_lost_duplicated_stray_and_unanswered_messages() {
        // 1 is delivered twice, 2 never, 9 was never acknowledged, 4 reached its own sender.
        let logs = [log(&[1, 2, 4], &[3, 4]), log(&[3], &[1, 1, 9])];
        let verdict = judge(5, &logs, |sender| (sender + 1) % 2);
        assert_eq!(
            (
                verdict.lost,
                verdict.duplicated,
                verdict.stray,
                verdict.unanswered
            ),
            (2, 1, 2, 1),
            "{verdict:?}"
        );
        assert!(!verdict.is_lossless());
    }
}
