//! Command-line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::public_url::parse_public_url;
use crate::store::Durability;

/// How an `imserver` process is configured (`imserver --help` lists every option).
#[derive(Debug, Clone, Parser)]
#[command(name = "imserver", version, about = "The reference imcore IM server")]
pub struct Config {
    /// Directory holding the SQLite database (`imserver.db`); created if missing.
    #[arg(long, env = "IMSERVER_DATA_DIR", default_value = "./imserver-data")]
    pub data_dir: PathBuf,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "IMSERVER_LISTEN", default_value = "127.0.0.1:8700")]
    pub listen: SocketAddr,

    /// WebSocket URL(s) `/navi.json` hands out, in order (`ws://` or `wss://`, e.g.
    /// `wss://im.example.com/ws` behind a TLS proxy); repeat the option or separate with commas.
    /// Default: `ws://<listen address>/ws`, or with a wildcard `--listen` (`0.0.0.0`, `[::]`),
    /// `ws://<the address the request arrived on>/ws`.
    #[arg(long = "public-url", env = "IMSERVER_PUBLIC_URL", value_delimiter = ',', value_parser = parse_public_url)]
    pub public_urls: Vec<String>,

    /// App key served by this instance; without it a persisted development app is used.
    #[arg(long, env = "IMSERVER_APP_KEY", requires = "app_secret")]
    pub app_key: Option<String>,

    /// App secret belonging to `--app-key`.
    #[arg(long, env = "IMSERVER_APP_SECRET", requires = "app_key")]
    pub app_secret: Option<String>,

    /// Inbox entries older than this many days are purged.
    #[arg(long, default_value_t = 7)]
    pub offline_retention_days: u32,

    /// `full`: a commit is on disk before the send is acknowledged (survives power loss);
    /// `fast`: acknowledged once written (survives an imserver crash, not an OS crash or power
    /// loss, after which clients pull their inboxes again).
    #[arg(long, env = "IMSERVER_DURABILITY", value_enum, default_value_t = Durability::Full)]
    pub durability: Durability,

    /// Starts a new inbox epoch, so that every client pulls its inbox again: use it once after
    /// restoring the data directory from a backup.
    #[arg(long)]
    pub new_epoch: bool,

    /// Lifetime of issued tokens, in days.
    #[arg(long, default_value_t = 30)]
    pub token_ttl_days: u32,

    /// Allow several connections of one user on the same platform; without it a new login
    /// closes the user's other connection on that platform (`Close{code: 6}`).
    #[arg(long, env = "IMSERVER_MULTI_DEVICE")]
    pub multi_device: bool,

    /// Refuse Server API calls whose `Timestamp` (seconds, or milliseconds) is further than
    /// this many seconds from the server's clock, with code 1004. Off by default: the Node SDK
    /// repeats its start-up timestamp on every call.
    #[arg(long, env = "IMSERVER_SIGNATURE_MAX_SKEW_SECS")]
    pub signature_max_skew_secs: Option<u64>,

    /// Refuse, with code 1004, a Server API call whose `Nonce` and `Timestamp` were already
    /// used within the `--signature-max-skew-secs` window (needs it). Off by default: the Node
    /// SDK repeats the same nonce on every call.
    #[arg(
        long,
        env = "IMSERVER_REJECT_REPLAYED_NONCE",
        requires = "signature_max_skew_secs"
    )]
    pub reject_replayed_nonce: bool,

    /// Messages a client connection may send per second (the seed's limit: 5, all types
    /// together); faster sends are refused with 20604. 0 lifts the limit (load tests). The
    /// Server API is not limited.
    #[arg(long, env = "IMSERVER_MAX_SENDS_PER_SECOND", default_value_t = 5)]
    pub max_sends_per_second: u32,

    /// `Request` frames (history, conversation list, statuses, deletions) a client connection
    /// may make per second; more are refused with 20607. 0 lifts the limit.
    #[arg(long, env = "IMSERVER_MAX_REQUESTS_PER_SECOND", default_value_t = 20)]
    pub max_requests_per_second: u32,

    /// `Pull` and `Ping` frames a client connection may make per second; more are answered
    /// late (the connection is slowed down, not refused). 0 lifts the limit.
    #[arg(long, env = "IMSERVER_MAX_PULLS_PER_SECOND", default_value_t = 100)]
    pub max_pulls_per_second: u32,

    /// Conversation statuses (pin, do not disturb) the server keeps per user; setting one
    /// more is refused with 20608 (changing a kept one is not).
    #[arg(long, env = "IMSERVER_MAX_STATUSES_PER_USER", default_value_t = 10_000)]
    pub max_statuses_per_user: usize,

    /// Conversations a user's own messages may open in their conversation list; a stored
    /// message to one more is refused with 20608 (messages to a listed one are not).
    #[arg(
        long,
        env = "IMSERVER_MAX_CONVERSATIONS_PER_USER",
        default_value_t = 10_000
    )]
    pub max_conversations_per_user: usize,

    /// Members a group may have; a join past it is refused (Server API HTTP 405).
    #[arg(
        long,
        env = "IMSERVER_MAX_GROUP_MEMBERS",
        default_value_t = improto::limits::DEFAULT_MAX_GROUP_MEMBERS
    )]
    pub max_group_members: usize,

    /// Bytes of frames the server queues for one WebSocket connection (pushes, answers) before
    /// it counts the peer as too slow: a push finding no room closes the connection (30011),
    /// answers wait for room. At least one largest frame (256 KiB).
    #[arg(long, env = "IMSERVER_MAX_OUTBOX_BYTES", default_value_t = 8 << 20)]
    pub max_outbox_bytes: usize,

    /// Milliseconds a write to a WebSocket may make no progress (the peer does not read)
    /// before the connection is dropped.
    #[arg(
        long,
        env = "IMSERVER_WRITE_STALL_TIMEOUT_MS",
        default_value_t = 30_000
    )]
    pub write_stall_timeout_ms: u64,

    /// Largest number of simultaneous WebSocket connections.
    #[arg(long, default_value_t = 20_000)]
    pub max_connections: usize,

    /// How long a client may take to send a request's headers, from its first byte (or from
    /// connecting); slower connections are closed (`500ms`, `10s`, …).
    #[arg(long, env = "IMSERVER_HEADER_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub header_timeout: Duration,

    /// How long a client may take to send a Server API request's body once its headers are
    /// in; slower requests are answered with HTTP 408 and the connection closed.
    #[arg(long, env = "IMSERVER_BODY_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub body_timeout: Duration,

    /// How long a keep-alive connection may wait between requests before it is closed.
    #[arg(long, env = "IMSERVER_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: Duration,

    /// Largest Server API request body, in bytes (the forms are small); larger ones are
    /// refused with HTTP 413 and code 1005, unread.
    #[arg(long, env = "IMSERVER_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,

    /// Most connections one IP address may hold open before they authenticate (a signed
    /// Server API call, or a WebSocket `Connect` with a valid token); more are closed at once.
    #[arg(long, env = "IMSERVER_MAX_UNAUTHENTICATED_PER_IP", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_unauthenticated_per_ip: u32,

    /// Log filter for stderr (`info`, `debug`, or a tracing `EnvFilter` directive).
    #[arg(long, default_value = "info")]
    pub log_level: String,

    /// Threads running connections (the `imserver` binary's runtime); default: one less than
    /// the CPUs available (at least 1), leaving a core to the storage writer thread.
    #[arg(long, env = "IMSERVER_WORKER_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
    pub worker_threads: Option<u16>,
}

impl Config {
    /// A configuration for `data_dir` with every other option at its default and port 0.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_urls: Vec::new(),
            app_key: None,
            app_secret: None,
            offline_retention_days: 7,
            durability: Durability::Full,
            new_epoch: false,
            token_ttl_days: 30,
            multi_device: false,
            signature_max_skew_secs: None,
            reject_replayed_nonce: false,
            max_sends_per_second: 5,
            max_requests_per_second: 20,
            max_pulls_per_second: 100,
            max_statuses_per_user: 10_000,
            max_conversations_per_user: 10_000,
            max_group_members: improto::limits::DEFAULT_MAX_GROUP_MEMBERS,
            max_outbox_bytes: 8 << 20,
            write_stall_timeout_ms: 30_000,
            max_connections: 20_000,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_body_bytes: 64 * 1024,
            max_unauthenticated_per_ip: 256,
            log_level: "info".into(),
            worker_threads: None,
        }
    }

    /// The number of runtime threads to use: `--worker-threads`, else one less than the CPUs
    /// available (at least 1).
    pub fn runtime_threads(&self) -> usize {
        match self.worker_threads {
            Some(threads) => usize::from(threads),
            None => std::thread::available_parallelism()
                .map_or(1, |cpus| cpus.get().saturating_sub(1))
                .max(1),
        }
    }
}

/// A duration written as a whole number of milliseconds or seconds: `500ms`, `10s`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let number = |digits: &str| {
        digits
            .parse::<u64>()
            .map_err(|_| format!("{text:?} is not a duration such as 500ms or 10s"))
    };
    match text.strip_suffix("ms") {
        Some(ms) => number(ms).map(Duration::from_millis),
        None => number(text.strip_suffix('s').unwrap_or("?")).map(Duration::from_secs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_command_line() {
        let config = Config::try_parse_from([
            "imserver",
            "--data-dir",
            "/tmp/x",
            "--listen",
            "127.0.0.1:0",
            "--app-key",
            "k",
            "--app-secret",
            "s",
            "--offline-retention-days",
            "3",
        ])
        .unwrap();
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.app_key.as_deref(), Some("k"));
        assert_eq!(config.offline_retention_days, 3);
        assert!(config.runtime_threads() >= 1);
        let config = Config::try_parse_from(["imserver", "--worker-threads", "3"]).unwrap();
        assert_eq!(config.runtime_threads(), 3);
        assert!(Config::try_parse_from(["imserver", "--worker-threads", "0"]).is_err());
        assert!(!config.multi_device);
        let config = Config::try_parse_from(["imserver", "--multi-device"]).unwrap();
        assert!(config.multi_device);
    }

    #[test]
    fn freshness_checks_are_opt_in_and_replays_need_a_skew() {
        let config = Config::try_parse_from(["imserver"]).unwrap();
        assert_eq!(config.signature_max_skew_secs, None);
        assert!(!config.reject_replayed_nonce);
        let config = Config::try_parse_from([
            "imserver",
            "--signature-max-skew-secs",
            "300",
            "--reject-replayed-nonce",
        ])
        .unwrap();
        assert_eq!(config.signature_max_skew_secs, Some(300));
        assert!(config.reject_replayed_nonce);
        assert!(Config::try_parse_from(["imserver", "--reject-replayed-nonce"]).is_err());
    }

    #[test]
    fn reads_timeouts_in_seconds_or_milliseconds() {
        let config = Config::try_parse_from(["imserver"]).unwrap();
        assert_eq!(config.header_timeout, Duration::from_secs(10));
        assert_eq!(config.idle_timeout, Duration::from_secs(60));
        assert_eq!(config.max_body_bytes, 65_536);
        let config = Config::try_parse_from([
            "imserver",
            "--header-timeout",
            "500ms",
            "--idle-timeout",
            "2s",
        ])
        .unwrap();
        assert_eq!(config.header_timeout, Duration::from_millis(500));
        assert_eq!(config.idle_timeout, Duration::from_secs(2));
        for bad in ["10", "s", "1.5s", "-1s", "10m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn takes_public_urls_repeated_or_comma_separated_and_only_websocket_ones() {
        let config = Config::try_parse_from([
            "imserver",
            "--public-url",
            "wss://im.example.com/ws, ws://10.0.0.1:8700/ws",
            "--public-url",
            "ws://backup/ws",
        ])
        .unwrap();
        assert_eq!(
            config.public_urls,
            [
                "wss://im.example.com/ws",
                "ws://10.0.0.1:8700/ws",
                "ws://backup/ws"
            ]
        );
        assert!(
            Config::try_parse_from(["imserver"])
                .unwrap()
                .public_urls
                .is_empty()
        );
        for bad in ["http://x/ws", "ws://a:0/ws"] {
            assert!(
                Config::try_parse_from(["imserver", "--public-url", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn for_data_dir_matches_the_command_line_defaults() {
        let mut parsed = Config::try_parse_from(["imserver", "--data-dir", "d"]).unwrap();
        let built = Config::for_data_dir("d");
        // The one intended difference: tests listen on a free port.
        parsed.listen = built.listen;
        assert_eq!(format!("{parsed:?}"), format!("{built:?}"));
    }

    #[test]
    fn needs_key_and_secret_together() {
        assert!(Config::try_parse_from(["imserver", "--app-key", "k"]).is_err());
    }
}
