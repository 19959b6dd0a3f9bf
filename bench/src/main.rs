//! `imbench`: one subcommand per scenario; each prints one JSON line with its figures, its
//! same-run baseline and the ratio.

mod backlog;
mod echo;
mod rtt;
mod stats;
mod store;

use clap::{Parser, Subcommand};

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
    /// Internal: the raw tokio-tungstenite echo server used as the `rtt` baseline.
    #[command(hide = true)]
    EchoServer,
}

fn main() {
    let cli = Cli::parse();
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
        Scenario::BacklogServer {
            conversations,
            per_conversation,
        } => runtime.block_on(backlog::serve(conversations, per_conversation)),
        Scenario::EchoServer => runtime.block_on(echo::serve()),
    }
}
