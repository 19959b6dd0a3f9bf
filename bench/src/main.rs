//! `imbench`: one subcommand per scenario; each prints one JSON line with its figures, its
//! same-run baseline and the ratio.

#![warn(missing_docs)]
mod backlog;
mod broadcast;
mod echo;
mod fleet_process;
mod group_fanout;
mod group_members;
mod idle_conns;
mod import;
mod process_usage;
mod reconnect_storm;
mod rtt;
mod soak;
mod stats;
mod store;
mod throughput;

use clap::{Parser, Subcommand};
use imcore_harness::Peer;

#[derive(Parser)]
#[command(about = "imcore benchmarks")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// A sends B a text through imserver; latency until B's listener fires (committed), vs a raw
    /// WebSocket echo round trip between two processes.
    Rtt {
        /// Measured messages.
        #[arg(long, default_value_t = 10_000)]
        messages: usize,
    },
    /// Reads of a large local database (conversation list, history page, search hit/miss,
    /// total unread) through the API, vs the same SQL on a plain rusqlite connection.
    Store {
        /// Conversations in the database.
        #[arg(long, default_value_t = 10_000)]
        conversations: usize,
        /// Messages in the database.
        #[arg(long, default_value_t = 1_000_000)]
        messages: usize,
        /// Timed calls per operation (a tenth for the search hit).
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
    /// An offline backlog pulled on connect until stored with conversations, unread counts and
    /// the search index, vs bare rusqlite inserts of the same rows in one transaction.
    Backlog {
        /// Conversations (one sender each).
        #[arg(long, default_value_t = 100)]
        conversations: usize,
        /// Messages per conversation.
        #[arg(long, default_value_t = 1000)]
        per_conversation: usize,
    },
    /// A history import through `insertMessages`, batches of up to 500 (seed desktop
    /// `insertMessage`, in bulk), vs bare rusqlite inserts of the same rows, as many a
    /// transaction.
    Import {
        /// Conversations the messages are spread over.
        #[arg(long, default_value_t = 100)]
        conversations: usize,
        /// Messages imported.
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// Messages a call (1–500).
        #[arg(long, default_value_t = 500)]
        batch: usize,
    },
    /// Internal: prepares the `backlog` scenario for the Node benchmark, prints how to connect
    /// and serves until stdin closes.
    #[command(hide = true)]
    BacklogServer {
        /// Conversations (one sender each).
        #[arg(long, default_value_t = 100)]
        conversations: usize,
        /// Messages per conversation.
        #[arg(long, default_value_t = 1000)]
        per_conversation: usize,
    },
    /// imserver is killed and restarted under connected imcore clients with a backlog each;
    /// time until all are connected and have committed it, vs as many raw WebSocket connects
    /// and handshakes to a bare tokio-tungstenite server.
    ReconnectStorm {
        /// Connected clients.
        #[arg(long, default_value_t = 1_000)]
        clients: usize,
        /// Messages stored for each client while imserver is down.
        #[arg(long, default_value_t = 10)]
        backlog: usize,
    },
    /// imserver's memory growth per idle authenticated connection (held by other processes),
    /// vs a bare tokio-tungstenite server with a 4 KiB read buffer.
    IdleConns {
        /// Connections held.
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
    },
    /// Connections sending through imserver for a bounded time with zero loss checked; memory
    /// per idle connection and CPU per 1,000 messages, vs a bare echo server.
    Soak {
        /// Connections, each sending to the next.
        #[arg(long, default_value_t = 1_000)]
        connections: usize,
        /// Seconds of sending (at most 60).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=60))]
        seconds: u64,
        /// Messages per second, all connections together.
        #[arg(long, default_value_t = 2_000.0)]
        rate: f64,
    },
    /// Persisted 1:1 messages per second through imserver with N sender→receiver pairs, each
    /// sender keeping a window of sends unacknowledged, counted when the receiver committed
    /// them; imserver's CPU per 1,000 messages; vs a raw WebSocket echo at the same window.
    Throughput {
        /// Pair counts, one run (and one JSON line) each.
        #[arg(long, value_delimiter = ',', default_value = "1,10,50")]
        pairs: Vec<usize>,
        /// Sends each sender keeps unacknowledged.
        #[arg(long, default_value_t = 100)]
        window: usize,
        /// Measured seconds per run (after a 1 s warm-up).
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// One message into a large group with many members online (in several client processes)
    /// until every online member committed it, one at a time; messages per second into a
    /// smaller group with all members online; imserver's disk bytes per group message at 30
    /// members and at the large group's size; vs a bare tokio-tungstenite relay sending a frame
    /// of the same size to as many connections.
    GroupFanout(group_fanout::Options),
    /// Internal: holds `group-fanout`'s members (`user_id token` lines on stdin); prints
    /// `ready`, then a line per message received.
    #[command(hide = true)]
    GroupMembers {
        /// What each member is.
        #[arg(long, value_enum)]
        kind: group_members::Kind,
        /// Navigation URL (imcore members) or WebSocket URL.
        #[arg(long)]
        url: String,
        /// App key.
        #[arg(long, default_value = "")]
        app_key: String,
    },
    /// Internal: the bare relay used as `group-fanout`'s baseline.
    #[command(hide = true)]
    BroadcastServer,
    /// Internal: the raw tokio-tungstenite echo server used as a baseline.
    #[command(hide = true)]
    EchoServer {
        /// tungstenite's read buffer per connection (default 128 KiB).
        #[arg(long)]
        read_buffer_bytes: Option<usize>,
    },
    /// Internal: holds authenticated connections for `idle-conns` (`user_id token` lines on
    /// stdin); prints `ready` once all are connected.
    #[command(hide = true)]
    HoldConnections {
        /// WebSocket URL of the server.
        #[arg(long)]
        url: String,
        /// App key for `Connect`.
        #[arg(long)]
        app_key: String,
        /// The server is the bare echo server.
        #[arg(long)]
        echo: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    process_usage::raise_open_files_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match cli.scenario {
        Scenario::Rtt { messages } => runtime.block_on(rtt::run(messages)),
        Scenario::Store {
            conversations,
            messages,
            iterations,
        } => runtime.block_on(store::run(conversations, messages, iterations)),
        Scenario::Backlog {
            conversations,
            per_conversation,
        } => runtime.block_on(backlog::run(conversations, per_conversation)),
        Scenario::Import {
            conversations,
            messages,
            batch,
        } => runtime.block_on(import::run(conversations, messages, batch)),
        Scenario::BacklogServer {
            conversations,
            per_conversation,
        } => runtime.block_on(backlog::serve(conversations, per_conversation)),
        Scenario::ReconnectStorm { clients, backlog } => {
            runtime.block_on(reconnect_storm::run(clients, backlog))
        }
        Scenario::IdleConns { connections } => runtime.block_on(idle_conns::run(connections)),
        Scenario::Soak {
            connections,
            seconds,
            rate,
        } => runtime.block_on(soak::run(connections, seconds, rate)),
        Scenario::Throughput {
            pairs,
            window,
            seconds,
        } => runtime.block_on(throughput::run(&pairs, window, seconds)),
        Scenario::GroupFanout(options) => runtime.block_on(group_fanout::run(options)),
        Scenario::GroupMembers { kind, url, app_key } => {
            runtime.block_on(group_members::hold(kind, url, app_key))
        }
        Scenario::BroadcastServer => runtime.block_on(broadcast::serve()),
        Scenario::EchoServer { read_buffer_bytes } => {
            runtime.block_on(echo::serve(read_buffer_bytes))
        }
        Scenario::HoldConnections { url, app_key, echo } => {
            let peer = if echo { Peer::Echo } else { Peer::ImServer };
            runtime.block_on(fleet_process::hold(url, app_key, peer))
        }
    }
}
