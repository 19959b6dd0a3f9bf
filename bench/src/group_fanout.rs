//! `imbench group-fanout`: one message into a large group with many members online, until
//! every online member has it (imcore clients: committed to their databases; raw connections:
//! received), one message at a time; messages per second into a smaller group with every member
//! online, keeping a window of messages in flight; and the bytes imserver writes to disk per
//! group message at 30 and at the large group's size (members offline, one send at a time, so
//! that both see the same commit and checkpoint cadence). Baseline in the same run: a bare
//! tokio-tungstenite relay forwarding a frame of the same size to as many connections.

use crate::broadcast::BroadcastProcess;
use crate::group_members::{Kind, MemberProcesses, now_ns};
use crate::process_usage::written_bytes;
use crate::stats::percentile_us;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use imcore_harness::wire::{self, Socket};
use imcore_harness::{Member, ServerProcess};
use improto::{Body, Delivery, InboxMessage};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Longest wait for the next receipt before the benchmark gives up.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(60);
/// Members a Server API call adds at once (`/group/join.json` takes at most 1,000).
const JOIN_CHUNK: usize = 1000;
/// The group whose size the disk figure is compared with.
const SMALL_DISK_GROUP: usize = 30;
/// Messages sent into each group for the disk figure.
const DISK_MESSAGES: u64 = 100;
/// The text every benchmark message carries besides its id.
const TEXT: &str = "group fan-out benchmark message";

/// The scenario's parameters.
#[derive(clap::Args)]
pub struct Options {
    /// Members of the large group.
    #[arg(long, default_value_t = 3_000)]
    pub members: usize,
    /// Of them online (imcore clients), spread over `processes` client processes.
    #[arg(long, default_value_t = 1_000)]
    pub online: usize,
    /// Client processes holding the online members.
    #[arg(long, default_value_t = 4)]
    pub processes: usize,
    /// Measured messages into the large group.
    #[arg(long, default_value_t = 200)]
    pub messages: usize,
    /// Members of the sustained-rate group (all online).
    #[arg(long, default_value_t = 200)]
    pub sustained_members: usize,
    /// Messages kept in flight in the sustained run.
    #[arg(long, default_value_t = 50)]
    pub window: usize,
    /// Seconds of the sustained run.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
}

/// Runs the scenario and prints its JSON line.
pub async fn run(o: Options) {
    assert!(o.online < o.members && o.sustained_members <= o.online + 1 && o.members > 30);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(&dir.path().join("server"), "bench-app", "bench-secret");
    let online = Member::enrol(&server, "fan", o.online).await;
    let sender = Member::enrol(&server, "fan-sender", 1).await.remove(0);
    let offline: Vec<String> = (0..o.members - o.online - 1)
        .map(|i| format!("off-{i}"))
        .collect();
    let ids = |members: &[Member]| {
        members
            .iter()
            .map(|m| m.user_id.clone())
            .collect::<Vec<_>>()
    };
    let with_sender = |others: Vec<String>| [vec![sender.user_id.clone()], others].concat();
    let big = with_sender([ids(&online), offline.clone()].concat());
    create_group(&server, "big", &big).await;
    let sustained = &online[..o.sustained_members - 1];
    create_group(&server, "sustained", &with_sender(ids(sustained))).await;
    let small = with_sender(offline[..SMALL_DISK_GROUP - 1].to_vec());
    create_group(&server, "small", &small).await;

    let mut ids = 1..;
    let mut to_server = Sender::imserver(&server, &sender).await;
    let size = delivery_frame_size();

    let disk_small = to_server
        .disk_bytes_per_message(&server, "small", DISK_MESSAGES, &mut ids)
        .await;
    let disk_big = to_server
        .disk_bytes_per_message(&server, "big", DISK_MESSAGES, &mut ids)
        .await;
    let mut members = MemberProcesses::spawn(
        Kind::Imcore,
        &server.navi(),
        &server.app_key,
        &online,
        o.processes,
    );
    // Their first connect pulls what the large group got meanwhile.
    for _ in 0..o.online as u64 * DISK_MESSAGES {
        members.next(RECEIPT_TIMEOUT).await.expect("the catch-up");
    }
    // Members take a while to connect: the sender's connection would have gone idle.
    let mut to_server = Sender::imserver(&server, &sender).await;
    let imcore = to_server.group("big");
    let imcore_latency = latency(imcore, &mut members, o.online, o.messages, &mut ids).await;
    let imcore = to_server.group("sustained");
    let imcore_rate = rate(imcore, &mut members, sustained.len(), &o, &mut ids).await;
    drop(members);

    let ws_url = server.ws_url();
    let mut members = MemberProcesses::spawn(Kind::Raw, &ws_url, &server.app_key, &online, 1);
    let mut to_server = Sender::imserver(&server, &sender).await;
    let raw = to_server.group("big");
    let raw_latency = latency(raw, &mut members, o.online, o.messages, &mut ids).await;
    let raw = to_server.group("sustained");
    let raw_rate = rate(raw, &mut members, sustained.len(), &o, &mut ids).await;
    drop(members);

    let relay = BroadcastProcess::start();
    let blank = |count: usize| -> Vec<Member> {
        (0..count)
            .map(|i| Member {
                user_id: format!("relay-{i}"),
                token: String::new(),
            })
            .collect()
    };
    let mut members =
        MemberProcesses::spawn(Kind::Relay, &relay.room_url("big"), "", &blank(o.online), 1);
    let mut bare = Sender::relay(&relay.room_url("big"), size).await;
    let bare_latency = latency(&mut bare, &mut members, o.online, o.messages, &mut ids).await;
    drop(members);
    let relay_room = relay.room_url("sustained");
    let mut members =
        MemberProcesses::spawn(Kind::Relay, &relay_room, "", &blank(sustained.len()), 1);
    let mut bare = Sender::relay(&relay_room, size).await;
    let bare_rate = rate(&mut bare, &mut members, sustained.len(), &o, &mut ids).await;

    let (mut imcore_latency, mut raw_latency, mut bare_latency) =
        (imcore_latency, raw_latency, bare_latency);
    let ms = |samples: &mut Vec<Duration>, p: f64| round(percentile_us(samples, p) / 1e3, 2);
    let (p50, p99) = (ms(&mut imcore_latency, 50.0), ms(&mut imcore_latency, 99.0));
    let (raw_p50, raw_p99) = (ms(&mut raw_latency, 50.0), ms(&mut raw_latency, 99.0));
    let (bare_p50, bare_p99) = (ms(&mut bare_latency, 50.0), ms(&mut bare_latency, 99.0));
    let line = serde_json::json!({
        "bench": "group-fanout",
        "members": o.members,
        "online": o.online,
        "client_processes": o.processes,
        "messages": o.messages,
        "frame_bytes": size,
        "fanout_committed_p50_ms": p50,
        "fanout_committed_p99_ms": p99,
        "fanout_received_p50_ms": raw_p50,
        "fanout_received_p99_ms": raw_p99,
        "baseline_p50_ms": bare_p50,
        "baseline_p99_ms": bare_p99,
        "ratio_p99_committed": round(p99 / bare_p99, 2),
        "ratio_p99_received": round(raw_p99 / bare_p99, 2),
        "sustained_members": o.sustained_members,
        "sustained_window": o.window,
        "sustained_committed_msgs_per_s": imcore_rate.round(),
        "sustained_received_msgs_per_s": raw_rate.round(),
        "baseline_msgs_per_s": bare_rate.round(),
        "ratio_sustained_committed": round(imcore_rate / bare_rate, 2),
        "ratio_sustained_received": round(raw_rate / bare_rate, 2),
        "disk_bytes_per_msg_30_members": disk_small,
        "disk_bytes_per_msg_large_group": disk_big,
    });
    println!("{line}");
}

/// Creates `group_id` with `members` through the Server API (create, then joins).
async fn create_group(server: &ServerProcess, group_id: &str, members: &[String]) {
    for (i, chunk) in members.chunks(JOIN_CHUNK).enumerate() {
        let users: String = chunk.iter().map(|u| format!("userId={u}&")).collect();
        let path = if i == 0 {
            "/group/create.json"
        } else {
            "/group/join.json"
        };
        let form = format!("{users}groupId={group_id}&groupName={group_id}");
        let answer = server.post(path, &form).await;
        assert_eq!(answer["code"], 200, "{path} for {group_id}: {answer}");
    }
}

/// The size of the frame a member receives for one benchmark message.
fn delivery_frame_size() -> usize {
    let message = InboxMessage {
        seq: 1000,
        message_uid: "XXXX-XXXX-XXXX-XXXX".into(),
        conversation_type: improto::kinds::conversation_type::GROUP,
        target_id: "big".into(),
        sender_user_id: "fan-sender-0".into(),
        object_name: "RC:TxtMsg".into(),
        content: content(1_000_000),
        sent_time: 1_700_000_000_000,
        persisted: true,
        counted: true,
        ..Default::default()
    };
    improto::encode(Body::Delivery(Delivery {
        messages: vec![message],
        group_id: "big".into(),
        through_seq: 1000,
        ..Default::default()
    }))
    .len()
}

/// A benchmark message's content: its id travels in `extra`.
fn content(id: u64) -> String {
    serde_json::json!({ "content": TEXT, "extra": id.to_string() }).to_string()
}

/// Where the measured messages go: an imserver group, or the relay's room.
struct Sender {
    sink: SplitSink<Socket, WsMessage>,
    /// The request ids imserver acknowledged (read off the socket as they come).
    acks: mpsc::UnboundedReceiver<u64>,
    target: Target,
}

enum Target {
    Group(String),
    Relay { size: usize },
}

impl Sender {
    /// `sender`'s raw connection to imserver.
    async fn imserver(server: &ServerProcess, sender: &Member) -> Sender {
        let socket = wire::open(
            &server.ws_url(),
            &server.app_key,
            &sender.token,
            "fanout",
            false,
        )
        .await
        .expect("sender connects");
        Sender::reading(socket, Target::Group(String::new()))
    }

    /// A connection to the relay's room at `url`, sending frames of `size` bytes.
    async fn relay(url: &str, size: usize) -> Sender {
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("relay");
        Sender::reading(socket, Target::Relay { size })
    }

    fn reading(socket: Socket, target: Target) -> Sender {
        let (sink, mut stream) = socket.split();
        let (tx, acks) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(Ok(WsMessage::Binary(bytes))) = stream.next().await {
                if let Ok(Body::SendAck(ack)) = improto::decode(&bytes) {
                    assert_eq!(ack.code, 0, "send refused: {ack:?}");
                    let _ = tx.send(ack.request_id);
                }
            }
        });
        Sender { sink, acks, target }
    }

    /// This connection aimed at imserver group `group_id`.
    fn group(&mut self, group_id: &str) -> &mut Sender {
        self.target = Target::Group(group_id.to_owned());
        self
    }

    /// Sends message `id`.
    async fn send(&mut self, id: u64) {
        let frame = match &self.target {
            Target::Group(group_id) => improto::encode(Body::Send(improto::Send {
                request_id: id,
                conversation_type: improto::kinds::conversation_type::GROUP,
                target_id: group_id.clone(),
                object_name: "RC:TxtMsg".into(),
                content: content(id),
                client_message_id: format!("fanout-{id}"),
                persisted: true,
                counted: true,
                ..Default::default()
            })),
            Target::Relay { size } => {
                let mut frame = id.to_le_bytes().to_vec();
                frame.resize(*size, b' ');
                frame
            }
        };
        self.sink
            .send(WsMessage::Binary(frame.into()))
            .await
            .expect("send");
    }

    /// Bytes imserver wrote to disk per message for `count` messages into `group_id`, each
    /// sent once the previous one was acknowledged.
    async fn disk_bytes_per_message(
        &mut self,
        server: &ServerProcess,
        group_id: &str,
        count: u64,
        ids: &mut impl Iterator<Item = u64>,
    ) -> u64 {
        self.group(group_id);
        let before = written_bytes(server.pid());
        for id in ids.take(count as usize) {
            self.send(id).await;
            while self.acks.recv().await.expect("sender connection") != id {}
        }
        (written_bytes(server.pid()) - before) / count
    }
}

/// Times `count` messages, one at a time, from the send until all `expected` members have it.
async fn latency(
    sender: &mut Sender,
    members: &mut MemberProcesses,
    expected: usize,
    count: usize,
    ids: &mut impl Iterator<Item = u64>,
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(count);
    for id in ids.take(count) {
        let sent = now_ns();
        sender.send(id).await;
        let (mut got, mut last) = (0, sent);
        while got < expected {
            let receipt = members
                .next(RECEIPT_TIMEOUT)
                .await
                .unwrap_or_else(|| panic!("message {id}: {got} of {expected} members have it"));
            assert_eq!(
                receipt.id, id,
                "a member got a message twice or out of order"
            );
            got += 1;
            last = last.max(receipt.at_ns);
        }
        samples.push(Duration::from_nanos((last - sent) as u64));
    }
    samples
}

/// Messages per second completed (all `expected` members have them) with `o.window` in
/// flight for `o.seconds`.
async fn rate(
    sender: &mut Sender,
    members: &mut MemberProcesses,
    expected: usize,
    o: &Options,
    ids: &mut impl Iterator<Item = u64>,
) -> f64 {
    let start = Instant::now();
    let until = start + Duration::from_secs(o.seconds);
    let mut in_flight: HashMap<u64, usize> = HashMap::new();
    for id in ids.by_ref().take(o.window) {
        in_flight.insert(id, 0);
        sender.send(id).await;
    }
    let mut completed = 0u64;
    while !in_flight.is_empty() {
        let receipt = members
            .next(RECEIPT_TIMEOUT)
            .await
            .expect("receipts stopped in the sustained run");
        let got = in_flight
            .get_mut(&receipt.id)
            .expect("a receipt for a message already complete (a duplicate)");
        *got += 1;
        if *got == expected {
            in_flight.remove(&receipt.id);
            completed += 1;
            if Instant::now() < until {
                let id = ids.next().expect("ids");
                in_flight.insert(id, 0);
                sender.send(id).await;
            }
        }
    }
    completed as f64 / start.elapsed().as_secs_f64()
}

fn round(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}
