//! Delivery guarantees under faults. Three clients send each other a concurrent burst of
//! private messages through a chaotic proxy (connections cut, stalled and slowed at random
//! moments) while imserver is killed with SIGKILL and comes back on another port. Then, read
//! from every client's local database:
//! - each message whose send resolved Ok is at its recipient exactly once, in sender order;
//! - each failed one is stored FAILED at the sender (or, refused with 30001 before anything
//!   was sent, not stored at all), unless it had reached the server: then the sender's own
//!   inbox entry (or the late acknowledgement) made it SENT with the server's UID; resent
//!   under its idempotency key once the network is calm (a refused one is sent again), it
//!   arrives exactly once, and one that had reached the server before is not delivered a
//!   second time;
//! - no listener heard a message twice.
//!
//! The fault schedule is random; the seed is printed, and `CHAOS_SEED=<seed>` replays it.

use imcore::{
    ConnectionStatus, ConversationType, Event, InitOptions, MessageDirection, SentStatus, code,
};
use imcore_harness::lanes::{Timed, paced_lane, send_text, until_connected};
use imcore_harness::{Chaos, Client, Navigation, Proxy, ServerProcess, StoredMessage, ws_url};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const USERS: [&str; 3] = ["alice", "bob", "carol"];
/// Messages each user sends to each other user.
const PER_PEER: usize = 150;
/// Every message of the burst.
const TOTAL: usize = USERS.len() * (USERS.len() - 1) * PER_PEER;
/// Sends of one user to one peer in flight at once.
const LANES: usize = 4;
/// Pause of a lane after each send, so that the burst spans many faults: it lasts at least
/// `PER_PEER / LANES * PACE` = 1.9 s, long enough for a full round of chaos (pauses ≤ 0.4 s).
const PACE: Duration = Duration::from_millis(50);
/// imserver is killed once this many sends of the burst have resolved…
const CRASH_AFTER: usize = TOTAL * 2 / 5;
/// …and stays down this long.
const DOWNTIME: Duration = Duration::from_millis(300);
/// Clients ping after this much silence…
const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(200);
/// …and give a connection up when the ping goes unanswered this long.
const HEARTBEAT_TIMEOUT: Duration = Duration::from_millis(300);
/// Longest wait for reconnections and deliveries once the network is calm.
const SETTLE: Duration = Duration::from_secs(20);

/// One `send_message` call of the burst.
#[derive(Debug)]
struct Attempt {
    /// Sender and recipient, as indices into the clients.
    from: usize,
    to: usize,
    /// The send itself.
    sent: Timed,
}

impl std::ops::Deref for Attempt {
    type Target = Timed;
    fn deref(&self) -> &Timed {
        &self.sent
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_arrives_exactly_once_in_order_through_chaos_and_a_server_crash() {
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let server = ServerProcess::start(&data, "app-faults", "secret-faults");
    let proxy = Proxy::start(&server.addr).await;
    let navi = Navigation::start(vec![ws_url(proxy.addr())]).await;
    let mut clients = Vec::new();
    for user in USERS {
        clients.push(connect(&server, &navi, &dir.path().join(user), user).await);
    }
    for client in &clients {
        client.listener.drain();
    }

    let resolved = Arc::new(AtomicUsize::new(0));
    let (attempts, _server) = proxy
        .under_chaos(Chaos::from_env(), async {
            tokio::join!(
                burst(&clients, resolved.clone()),
                crash_and_restart(server, &data, &proxy, &resolved),
            )
        })
        .await;
    let burst_done = began.elapsed();

    // A ping held in a stall just before the calm may still cost its connection: let that
    // happen now rather than during the resends.
    tokio::time::sleep(HEARTBEAT_INTERVAL + HEARTBEAT_TIMEOUT).await;
    for client in &clients {
        until_connected(&client.im, SETTLE).await;
    }
    let reached_before_resend = received_texts(&clients);
    let final_uids = resend_failed(&clients, &attempts).await;
    wait_until_delivered(&clients, &final_uids).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // room for a late duplicate

    let stored: Vec<Vec<StoredMessage>> = clients.iter().map(Client::stored_messages).collect();
    assert_exactly_once(&clients, &stored, &final_uids);
    assert_sender_order(&stored, &attempts, &final_uids);
    let reached_early = assert_not_delivered_twice(&attempts, &reached_before_resend, &final_uids);
    let outages = assert_listeners_heard_each_once(&clients, &stored);

    let stats = proxy.stats();
    let acknowledged = attempts.iter().filter(|a| a.outcome.is_ok()).count();
    let mut failures = BTreeMap::<i32, usize>::new();
    for code in attempts.iter().filter_map(|a| a.outcome.as_ref().err()) {
        *failures.entry(*code).or_default() += 1;
    }
    eprintln!(
        "faults: {stats:?}; {acknowledged} of {TOTAL} sends acknowledged in the burst, failed \
         by code {failures:?} ({reached_early} had reached the server); connection losses \
         per client {outages:?}; burst {burst_done:?}, total {:?}",
        began.elapsed()
    );
    assert!(
        stats.cuts > 0 && stats.stalls > 0,
        "chaos never cut or stalled"
    );
    assert!(stats.reset > 0, "no cut hit a live connection");
    assert!(
        outages.iter().all(|&n| n > 0),
        "every client lost its connection (at least to the crash): {outages:?}"
    );
    assert!(
        acknowledged >= TOTAL / 4,
        "only {acknowledged} of {TOTAL} sends were acknowledged during the burst"
    );
}

/// A client of `user_id` that finds the server through `navi`, with a heartbeat and request
/// timeout short enough to notice stalls quickly.
async fn connect(
    server: &ServerProcess,
    navi: &Navigation,
    db_dir: &Path,
    user_id: &str,
) -> Client {
    let mut options = InitOptions::new(&navi.url, db_dir);
    options.heartbeat_interval_ms = HEARTBEAT_INTERVAL.as_millis() as u64;
    options.heartbeat_timeout_ms = HEARTBEAT_TIMEOUT.as_millis() as u64;
    options.request_timeout_ms = 400;
    Client::connect_with(server, options, user_id).await
}

/// Every user sends [`PER_PEER`] messages to every other user, [`LANES`] at a time per peer;
/// `resolved` counts the sends that resolved. Like an app, a lane refused for want of a
/// connection waits for the reconnection before its next send.
async fn burst(clients: &[Client], resolved: Arc<AtomicUsize>) -> Vec<Attempt> {
    let mut lanes = JoinSet::new();
    for (from, sender) in clients.iter().enumerate() {
        for (to, peer) in clients.iter().enumerate().filter(|(to, _)| *to != from) {
            for lane in 0..LANES {
                let im = sender.im.clone();
                let texts: Vec<String> = (lane..PER_PEER)
                    .step_by(LANES)
                    .map(|i| format!("{}>{}#{i}", sender.user_id, peer.user_id))
                    .collect();
                let (target, resolved) = (peer.user_id.clone(), resolved.clone());
                lanes.spawn(async move {
                    let route = (ConversationType::Private, target.as_str());
                    paced_lane(&im, route, texts, (PACE, SETTLE), &resolved)
                        .await
                        .into_iter()
                        .map(|sent| Attempt { from, to, sent })
                        .collect::<Vec<_>>()
                });
            }
        }
    }
    lanes.join_all().await.into_iter().flatten().collect()
}

/// Kills imserver once [`CRASH_AFTER`] sends resolved, and after [`DOWNTIME`] starts it again
/// on the same data dir; it comes back on another port, which the proxy then relays to.
async fn crash_and_restart(
    mut server: ServerProcess,
    data: &Path,
    proxy: &Proxy,
    resolved: &AtomicUsize,
) -> ServerProcess {
    while resolved.load(Ordering::SeqCst) < CRASH_AFTER {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let data = data.to_owned();
    let restarted = tokio::task::spawn_blocking(move || {
        server.kill();
        eprintln!("faults: imserver killed");
        std::thread::sleep(DOWNTIME);
        ServerProcess::start(&data, &server.app_key, &server.app_secret)
    })
    .await
    .unwrap();
    proxy.set_upstream(&restarted.addr);
    restarted
}

/// The texts each client has received so far, with their UIDs.
fn received_texts(clients: &[Client]) -> HashMap<String, String> {
    clients
        .iter()
        .flat_map(Client::stored_messages)
        .filter(|m| m.direction == MessageDirection::Receive)
        .map(|m| (m.text().to_owned(), m.message_uid))
        .collect()
}

/// Checks how each failed send was stored, sends it again (resending a stored one under its
/// idempotency key, sending a refused one anew), and returns the UID of every message.
async fn resend_failed(clients: &[Client], attempts: &[Attempt]) -> HashMap<String, String> {
    let outgoing: Vec<HashMap<String, StoredMessage>> = clients
        .iter()
        .map(|c| {
            c.stored_messages()
                .into_iter()
                .filter(|m| m.direction == MessageDirection::Send)
                .map(|m| (m.text().to_owned(), m))
                .collect()
        })
        .collect();
    let mut uids = HashMap::with_capacity(attempts.len());
    for attempt in attempts {
        let stored = outgoing[attempt.from].get(&attempt.text);
        let im = &clients[attempt.from].im;
        let uid = match (&attempt.outcome, stored) {
            (Ok(uid), Some(m)) => {
                assert_eq!(m.sent_status, SentStatus::Sent, "{}", attempt.text);
                assert_eq!(&m.message_uid, uid, "{}", attempt.text);
                uid.clone()
            }
            // A failed send that did reach the server came back as SENT when the sender's own
            // inbox entry (or the late acknowledgement) arrived: it keeps the server's UID.
            (Err(_), Some(m)) if m.sent_status == SentStatus::Sent => m.message_uid.clone(),
            (Err(code), Some(m)) => {
                assert_eq!(
                    m.sent_status,
                    SentStatus::Failed,
                    "{} ({code})",
                    attempt.text
                );
                let resent = im.resend_message(m.message_id).await;
                let status = im.connection_status();
                resent
                    .unwrap_or_else(|e| panic!("resend {}: {e} ({status:?})", attempt.text))
                    .message_uid
            }
            (Err(code), None) => {
                assert_eq!(
                    *code,
                    code::NOT_CONNECTED,
                    "{} was not stored",
                    attempt.text
                );
                let to = &clients[attempt.to].user_id;
                let sent = send_text(im, ConversationType::Private, to, &attempt.text).await;
                let status = im.connection_status();
                sent.unwrap_or_else(|e| panic!("send {} again: {e} ({status:?})", attempt.text))
            }
            (Ok(_), None) => panic!("{} was acknowledged but not stored", attempt.text),
        };
        uids.insert(attempt.text.clone(), uid);
    }
    uids
}

/// Waits until every message is stored at its recipient.
async fn wait_until_delivered(clients: &[Client], uids: &HashMap<String, String>) {
    let deadline = Instant::now() + SETTLE;
    loop {
        let received = received_texts(clients);
        let missing = uids.keys().filter(|t| !received.contains_key(*t)).count();
        if missing == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{missing} messages never arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Each message is stored once at its sender, SENT, and once at its recipient, under the same
/// UID; nothing else is stored.
fn assert_exactly_once(
    clients: &[Client],
    stored: &[Vec<StoredMessage>],
    uids: &HashMap<String, String>,
) {
    for (client, rows) in clients.iter().zip(stored) {
        let mut seen = HashSet::new();
        for row in rows {
            assert!(
                seen.insert((row.direction, row.text())),
                "{} stored {:?} twice",
                client.user_id,
                row.text()
            );
            assert_eq!(Some(&row.message_uid), uids.get(row.text()), "{row:?}");
            let sender = row.text().split('>').next().unwrap();
            match row.direction {
                MessageDirection::Send => {
                    assert_eq!(sender, client.user_id, "{row:?}");
                    assert_eq!(row.sent_status, SentStatus::Sent, "{row:?}");
                }
                MessageDirection::Receive => assert_eq!(sender, row.sender_user_id, "{row:?}"),
            }
        }
        let peers = USERS.len() - 1;
        assert_eq!(seen.len(), 2 * peers * PER_PEER, "{}", client.user_id);
    }
}

/// A recipient stores messages in the server's order (sent times only grow), and that order
/// keeps the sender's: a message acknowledged before another was sent comes first.
fn assert_sender_order(
    stored: &[Vec<StoredMessage>],
    attempts: &[Attempt],
    uids: &HashMap<String, String>,
) {
    let mut position = HashMap::new();
    for rows in stored {
        let received: Vec<_> = rows
            .iter()
            .filter(|m| m.direction == MessageDirection::Receive)
            .collect();
        for pair in received.windows(2) {
            assert!(
                pair[0].sent_time < pair[1].sent_time,
                "stored out of server order: {pair:?}"
            );
        }
        position.extend(
            received
                .iter()
                .enumerate()
                .map(|(i, m)| (&m.message_uid, i)),
        );
    }
    let acknowledged: Vec<&Attempt> = attempts.iter().filter(|a| a.outcome.is_ok()).collect();
    for earlier in &acknowledged {
        for later in &acknowledged {
            if (earlier.from, earlier.to) == (later.from, later.to)
                && earlier.finished < later.started
            {
                let at = |a: &Attempt| position[&uids[&a.text]];
                assert!(
                    at(earlier) < at(later),
                    "{} overtook {}",
                    later.text,
                    earlier.text
                );
            }
        }
    }
}

/// A failed send that had reached the server before it was resent kept its first UID: the
/// recipient got it once. Returns how many failed sends had reached the server.
fn assert_not_delivered_twice(
    attempts: &[Attempt],
    reached_before_resend: &HashMap<String, String>,
    uids: &HashMap<String, String>,
) -> usize {
    let mut reached = 0;
    for attempt in attempts.iter().filter(|a| a.outcome.is_err()) {
        if let Some(first) = reached_before_resend.get(&attempt.text) {
            assert_eq!(
                &uids[&attempt.text], first,
                "{} resent as new",
                attempt.text
            );
            reached += 1;
        }
    }
    reached
}

/// Each client's listener heard of every received message exactly once. Returns how often each
/// client lost its connection.
fn assert_listeners_heard_each_once(
    clients: &[Client],
    stored: &[Vec<StoredMessage>],
) -> Vec<usize> {
    let mut outages = Vec::new();
    for (client, rows) in clients.iter().zip(stored) {
        let mut heard = HashSet::new();
        let mut lost = 0;
        for event in client.listener.queued() {
            match event {
                Event::Message { message } => assert!(
                    heard.insert(message.message_uid.clone()),
                    "{} heard {message:?} twice",
                    client.user_id
                ),
                Event::ConnectionStatus {
                    status: ConnectionStatus::NetworkUnavailable,
                    ..
                } => lost += 1,
                _ => {}
            }
        }
        let received: HashSet<String> = rows
            .iter()
            .filter(|m| m.direction == MessageDirection::Receive)
            .map(|m| m.message_uid.clone())
            .collect();
        assert_eq!(heard, received, "{} heard other messages", client.user_id);
        outages.push(lost);
    }
    outages
}
