//! Group delivery guarantees under faults. A group of four members on real clients — alice on
//! two devices (multi-device), four clients behind a fault proxy, dave offline for the first
//! part of the run — gets a concurrent burst of group messages from two senders (alice's first
//! device and bob) while a chaotic proxy cuts, stalls and slows connections, and in the second
//! test imserver is also killed with SIGKILL mid-burst and started again. Then, from every
//! client's local database:
//! - each message whose send resolved Ok is stored exactly once at every member and at the
//!   sender's other device, under the acknowledged UID (SENT at its sending device);
//! - a failed one is stored FAILED at its sender (or, refused with 30001 before anything was
//!   sent, not stored at all) unless it had reached the group log: then it came back SENT with
//!   the server's UID; resent under its idempotency key (a refused one sent anew), it is
//!   stored once everywhere, and one that had reached the log keeps its first UID;
//! - every client ends with the same messages (what reached the group log reached everyone),
//!   none stored twice;
//! - each client stores them in the group log's order (the server's sent times only grow
//!   along the log), which keeps each sender's order;
//! - no listener heard a message twice.
//!
//! The chaos schedule is random; the seed is printed, and `CHAOS_SEED=<seed>` replays it.

use imcore::{
    ConnectionStatus, ConversationType, Event, ImClient, InitOptions, MessageDirection, SentStatus,
    code,
};
use imcore_harness::lanes::{Timed, paced_lane, send_text, until_connected};
use imcore_harness::{Chaos, Client, Navigation, Proxy, ServerProcess, StoredMessage, ws_url};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const GROUP: &str = "crew";
const MEMBERS: [&str; 4] = ["alice", "bob", "carol", "dave"];
/// The clients: (user, platform, behind the proxy). Dave, the member offline for a part of
/// the run, connects directly.
const DEVICES: [(&str, i32, bool); 5] = [
    ("alice", 1, true),
    ("alice", 2, true),
    ("bob", 1, true),
    ("carol", 1, true),
    ("dave", 1, false),
];
/// The sending clients: alice's first device and bob.
const SENDERS: [usize; 2] = [0, 2];
/// The client that is offline until [`BACK_AFTER`] sends resolved.
const OFFLINE: usize = 4;
/// Messages each sender sends to the group.
const PER_SENDER: usize = 120;
const TOTAL: usize = SENDERS.len() * PER_SENDER;
/// Sends of one sender in flight at once.
const LANES: usize = 3;
/// Pause of a lane after each send, so that the burst spans several faults.
const PACE: Duration = Duration::from_millis(40);
/// imserver is killed once this many sends resolved (crash run)…
const CRASH_AFTER: usize = TOTAL * 2 / 5;
/// …and stays down this long.
const DOWNTIME: Duration = Duration::from_millis(300);
/// The offline member connects again once this many sends resolved (after the restart).
const BACK_AFTER: usize = TOTAL * 3 / 5;
const HEARTBEAT_INTERVAL: Duration = Duration::from_millis(200);
const HEARTBEAT_TIMEOUT: Duration = Duration::from_millis(300);
/// Longest wait for reconnections and deliveries once the faults are over.
const SETTLE: Duration = Duration::from_secs(15);

/// One `send_message` call of the burst.
#[derive(Debug)]
struct Attempt {
    /// The sending client.
    from: usize,
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
async fn group_messages_reach_every_member_and_device_once_in_order_through_chaos() {
    run(false, "app-group-chaos").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_messages_reach_every_member_and_device_once_in_order_through_chaos_and_a_server_crash()
 {
    run(true, "app-group-crash").await;
}

/// One run: the burst under chaos, and with `crash` imserver killed (SIGKILL) mid-burst and
/// started again on the same data and port.
async fn run(crash: bool, app_key: &str) {
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start_with_args(
        &dir.path().join("server"),
        app_key,
        "secret",
        &["--multi-device"],
    );
    let mut form: Vec<_> = MEMBERS.iter().map(|u| format!("userId={u}")).collect();
    form.push(format!("groupId={GROUP}&groupName={GROUP}"));
    let answer = server.post("/group/create.json", &form.join("&")).await;
    assert_eq!(answer["code"], 200, "{answer}");
    let proxy = Proxy::start(&server.addr).await;
    let navi = Navigation::start(vec![ws_url(proxy.addr())]).await;
    let mut clients = Vec::new();
    for (i, (user, platform, proxied)) in DEVICES.into_iter().enumerate() {
        let navi = if proxied {
            navi.url.clone()
        } else {
            server.navi()
        };
        let mut options = InitOptions::new(navi, dir.path().join(i.to_string()));
        options.platform = platform;
        options.heartbeat_interval_ms = HEARTBEAT_INTERVAL.as_millis() as u64;
        options.heartbeat_timeout_ms = HEARTBEAT_TIMEOUT.as_millis() as u64;
        options.request_timeout_ms = 400;
        clients.push(Client::connect_with(&server, options, user).await);
    }
    clients[OFFLINE].im.disconnect().unwrap();
    for client in &clients {
        client.listener.drain();
    }

    let resolved = Arc::new(AtomicUsize::new(0));
    let faults = async {
        if crash {
            crash_and_restart(&mut server, &resolved).await;
        }
        back_online(&clients[OFFLINE].im, &resolved).await;
    };
    let work = async { tokio::join!(burst(&clients, resolved.clone()), faults).0 };
    let attempts = proxy.under_chaos(Chaos::from_env(), work).await;
    let burst_done = began.elapsed();

    // A ping held in a stall just before the calm may still cost its connection.
    tokio::time::sleep(HEARTBEAT_INTERVAL + HEARTBEAT_TIMEOUT).await;
    for client in &clients {
        until_connected(&client.im, SETTLE).await;
    }
    let reached_before_resend: HashMap<String, String> = clients
        .iter()
        .flat_map(group_rows)
        .filter(|m| m.sent_status == SentStatus::Sent)
        .map(|m| (m.text().to_owned(), m.message_uid))
        .collect();
    let uids = resend_failed(&clients, &attempts).await;
    wait_until_converged(&clients, &uids).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // room for a late duplicate

    let stored: Vec<Vec<StoredMessage>> = clients.iter().map(group_rows).collect();
    assert_once_everywhere(&clients, &stored, &attempts, &uids);
    let reached = assert_first_uid_kept(&attempts, &reached_before_resend, &uids);
    assert_log_order(&stored, &attempts);
    let outages = assert_listeners_heard_each_once(&clients, &stored, &attempts);

    let stats = proxy.stats();
    let acknowledged = attempts.iter().filter(|a| a.outcome.is_ok()).count();
    eprintln!(
        "group faults (crash: {crash}): {stats:?}; {acknowledged} of {TOTAL} sends acknowledged in \
         the burst, {reached} failed ones had reached the log; connection losses per client \
         {outages:?}; burst {burst_done:?}, total {:?}",
        began.elapsed()
    );
    assert!(
        acknowledged >= TOTAL / 4,
        "only {acknowledged} of {TOTAL} sends were acknowledged"
    );
    assert!(
        stats.cuts > 0 && stats.stalls > 0 && stats.reset > 0,
        "chaos never cut a live connection or stalled: {stats:?}"
    );
    assert!(
        outages
            .iter()
            .enumerate()
            .all(|(i, &n)| i == OFFLINE || n > 0),
        "every client behind the proxy lost its connection: {outages:?}"
    );
}

/// Every sender sends [`PER_SENDER`] messages to the group, [`LANES`] at a time; `resolved`
/// counts the sends that resolved. A lane refused for want of a connection waits for the
/// reconnection before its next send.
async fn burst(clients: &[Client], resolved: Arc<AtomicUsize>) -> Vec<Attempt> {
    let mut lanes = JoinSet::new();
    for from in SENDERS {
        for lane in 0..LANES {
            let im = clients[from].im.clone();
            let texts: Vec<String> = (lane..PER_SENDER)
                .step_by(LANES)
                .map(|i| format!("{}>{GROUP}#{i}", clients[from].user_id))
                .collect();
            let resolved = resolved.clone();
            lanes.spawn(async move {
                let route = (ConversationType::Group, GROUP);
                paced_lane(&im, route, texts, (PACE, SETTLE), &resolved)
                    .await
                    .into_iter()
                    .map(|sent| Attempt { from, sent })
                    .collect::<Vec<_>>()
            });
        }
    }
    lanes.join_all().await.into_iter().flatten().collect()
}

/// Checks how each failed send was stored at its sender, sends it again (resending a stored
/// one under its idempotency key, sending a refused one anew), and returns the UID of every
/// message of the burst.
async fn resend_failed(clients: &[Client], attempts: &[Attempt]) -> HashMap<String, String> {
    let outgoing: Vec<HashMap<String, StoredMessage>> = clients
        .iter()
        .map(|c| {
            group_rows(c)
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
            (Ok(uid), _) => uid.clone(),
            // It reached the log: the sender's own view of it made it SENT.
            (Err(_), Some(m)) if m.sent_status == SentStatus::Sent => m.message_uid.clone(),
            (Err(code), Some(m)) => {
                assert_eq!(m.sent_status, SentStatus::Failed, "{m:?} ({code})");
                let resent = im.resend_message(m.message_id).await;
                resent
                    .unwrap_or_else(|e| panic!("resend {}: {e}", attempt.text))
                    .message_uid
            }
            (Err(code), None) => {
                assert_eq!(*code, code::NOT_CONNECTED, "{} not stored", attempt.text);
                send_text(im, ConversationType::Group, GROUP, &attempt.text)
                    .await
                    .unwrap_or_else(|e| panic!("send {} again: {e}", attempt.text))
            }
        };
        uids.insert(attempt.text.clone(), uid);
    }
    uids
}

/// A failed send that had reached the log before it was resent kept its first UID. Returns
/// how many had.
fn assert_first_uid_kept(
    attempts: &[Attempt],
    reached_before_resend: &HashMap<String, String>,
    uids: &HashMap<String, String>,
) -> usize {
    let failed = attempts.iter().filter(|a| a.outcome.is_err());
    let reached: Vec<_> = failed
        .filter_map(|a| Some((a, reached_before_resend.get(&a.text)?)))
        .collect();
    for (attempt, first) in &reached {
        assert_eq!(
            &uids[&attempt.text], *first,
            "{} resent as new",
            attempt.text
        );
    }
    reached.len()
}

/// Waits until `count` sends resolved.
async fn resolved_at_least(resolved: &AtomicUsize, count: usize) {
    while resolved.load(Ordering::SeqCst) < count {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Kills imserver (SIGKILL) once [`CRASH_AFTER`] sends resolved, and after [`DOWNTIME`]
/// starts it again on the same data dir and port.
async fn crash_and_restart(server: &mut ServerProcess, resolved: &AtomicUsize) {
    resolved_at_least(resolved, CRASH_AFTER).await;
    tokio::task::block_in_place(|| {
        server.kill();
        eprintln!("group faults: imserver killed");
        std::thread::sleep(DOWNTIME);
        server.start_again();
    });
}

/// Connects the offline member again once [`BACK_AFTER`] sends resolved.
async fn back_online(im: &ImClient, resolved: &AtomicUsize) {
    resolved_at_least(resolved, BACK_AFTER).await;
    im.reconnect().await.expect("the offline member reconnects");
}

/// The group's messages in `client`'s database, in storage order.
fn group_rows(client: &Client) -> Vec<StoredMessage> {
    client
        .stored_messages()
        .into_iter()
        .filter(|m| m.target_id == GROUP)
        .collect()
}

/// The UIDs of the group's messages `client` stored with one.
fn stored_uids(client: &Client) -> HashSet<String> {
    group_rows(client)
        .into_iter()
        .map(|m| m.message_uid)
        .filter(|uid| !uid.is_empty())
        .collect()
}

/// Waits until every client stored every message of `uids` and all stored the same ones.
async fn wait_until_converged(clients: &[Client], uids: &HashMap<String, String>) {
    let deadline = Instant::now() + SETTLE;
    loop {
        let sets: Vec<HashSet<String>> = clients.iter().map(stored_uids).collect();
        let missing = sets
            .iter()
            .map(|set| uids.values().filter(|u| !set.contains(*u)).count())
            .collect::<Vec<_>>();
        if missing.iter().all(|&n| n == 0) && sets.iter().all(|set| *set == sets[0]) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "messages missing per client {missing:?}; stored per client {:?}",
            sets.iter().map(HashSet::len).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Nothing is stored twice anywhere; each message is stored once at every client under its
/// UID (SENT; sent at the sender's devices, from the sender at the others), and nothing else.
fn assert_once_everywhere(
    clients: &[Client],
    stored: &[Vec<StoredMessage>],
    attempts: &[Attempt],
    uids: &HashMap<String, String>,
) {
    for (client, rows) in clients.iter().zip(stored) {
        let mut seen = HashSet::new();
        for row in rows {
            assert!(
                seen.insert(row.text()),
                "{} stored {:?} twice: {:?}",
                client.user_id,
                row.text(),
                rows.iter()
                    .filter(|r| r.text() == row.text())
                    .collect::<Vec<_>>()
            );
        }
        assert_eq!(
            rows.len(),
            TOTAL,
            "{} stored other messages",
            client.user_id
        );
    }
    for attempt in attempts {
        let uid = &uids[&attempt.text];
        let sender = &clients[attempt.from].user_id;
        for (at, (client, rows)) in clients.iter().zip(stored).enumerate() {
            let row = rows
                .iter()
                .find(|r| r.text() == attempt.text)
                .unwrap_or_else(|| panic!("{} missing at client {at}", attempt.text));
            assert_eq!(&row.message_uid, uid, "{row:?} at client {at}");
            assert_eq!(&row.sender_user_id, sender, "{row:?}");
            assert_eq!(row.sent_status, SentStatus::Sent, "{row:?} at client {at}");
            let own = client.user_id == *sender;
            assert_eq!(
                row.direction == MessageDirection::Send,
                own,
                "{row:?} at client {at}"
            );
        }
    }
}

/// The rows a client stored as they came from the server: all but its own sends.
fn from_server<'a>(
    rows: &'a [StoredMessage],
    own: &HashSet<&str>,
) -> impl Iterator<Item = &'a StoredMessage> {
    rows.iter().filter(move |r| !own.contains(r.text()))
}

/// The texts client `at` sent itself.
fn own_texts(attempts: &[Attempt], at: usize) -> HashSet<&str> {
    attempts
        .iter()
        .filter(|a| a.from == at)
        .map(|a| a.text.as_str())
        .collect()
}

/// Every client stores what comes from the server in the log's order (sent times only grow),
/// and that order keeps each sender's: a message acknowledged before another was sent by the
/// same device comes first.
fn assert_log_order(stored: &[Vec<StoredMessage>], attempts: &[Attempt]) {
    for (at, rows) in stored.iter().enumerate() {
        let own = own_texts(attempts, at);
        let received: Vec<_> = from_server(rows, &own).collect();
        for pair in received.windows(2) {
            assert!(
                pair[0].sent_time < pair[1].sent_time,
                "client {at} stored out of log order: {pair:?}"
            );
        }
        let position: HashMap<&str, usize> = received
            .iter()
            .enumerate()
            .map(|(i, m)| (m.text(), i))
            .collect();
        let acknowledged: Vec<&Attempt> = attempts
            .iter()
            .filter(|a| a.outcome.is_ok() && a.from != at)
            .collect();
        for earlier in &acknowledged {
            for later in &acknowledged {
                if earlier.from == later.from && earlier.finished < later.started {
                    assert!(
                        position[earlier.text.as_str()] < position[later.text.as_str()],
                        "{} overtook {} at client {at}",
                        later.text,
                        earlier.text
                    );
                }
            }
        }
    }
}

/// Each client's listener heard every message that came from the server exactly once.
/// Returns how often each client lost its connection.
fn assert_listeners_heard_each_once(
    clients: &[Client],
    stored: &[Vec<StoredMessage>],
    attempts: &[Attempt],
) -> Vec<usize> {
    let mut outages = Vec::new();
    for (at, (client, rows)) in clients.iter().zip(stored).enumerate() {
        let mut heard = HashSet::new();
        let mut lost = 0;
        for event in client.listener.queued() {
            match event {
                Event::Message { message } => assert!(
                    heard.insert(message.message_uid.clone()),
                    "client {at} heard {message:?} twice"
                ),
                Event::ConnectionStatus {
                    status: ConnectionStatus::NetworkUnavailable,
                    ..
                } => lost += 1,
                _ => {}
            }
        }
        let own = own_texts(attempts, at);
        let received: HashSet<String> = from_server(rows, &own)
            .map(|m| m.message_uid.clone())
            .collect();
        assert_eq!(heard, received, "client {at} heard other messages");
        outages.push(lost);
    }
    outages
}
