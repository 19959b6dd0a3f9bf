//! Options given to `init` (seed §2.1), as JSON-friendly types.

use crate::enums::LogLevel;
use crate::error::{ImError, ImResult};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use ts_rs::TS;

/// `init` options. JSON form: `{"navi":"http://127.0.0.1:8700","dbPath":"/data","logLevel":2}`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields)]
pub struct InitOptions {
    /// Navigation server base URL (trailing `/` ignored).
    pub navi: String,
    /// Directory that holds one database per app key and user.
    #[ts(type = "string")]
    pub db_path: PathBuf,
    /// Log verbosity; default WARN.
    #[ts(as = "Option<_>", optional)]
    #[serde(default = "default_log_level")]
    pub log_level: LogLevel,
    /// Send log lines to the host's log callback instead of stderr.
    #[ts(as = "Option<_>", optional)]
    #[serde(default)]
    pub log_to_host: bool,
    /// Milliseconds to wait for the server's acknowledgement of a send (default 10,000).
    #[ts(as = "Option<_>", optional)]
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Milliseconds of silence after which a ping is sent (default 15,000, the seed's 15 s).
    #[ts(as = "Option<_>", optional)]
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_interval_ms: u64,
    /// Milliseconds a ping may go unanswered before the connection is declared dead and the
    /// engine reconnects (default 15,000).
    #[ts(as = "Option<_>", optional)]
    #[serde(default = "default_heartbeat_ms")]
    pub heartbeat_timeout_ms: u64,
    /// Device class announced to the server: 1 desktop, 2 mobile, 3 web (default 1).
    #[ts(as = "Option<_>", optional)]
    #[serde(default = "default_platform")]
    pub platform: i32,
}

/// Longest timeout or interval accepted (one day), so deadlines never overflow.
const MAX_TIMEOUT_MS: u64 = 86_400_000;

fn default_log_level() -> LogLevel {
    LogLevel::Warn
}

fn default_request_timeout_ms() -> u64 {
    10_000
}

fn default_heartbeat_ms() -> u64 {
    15_000
}

fn default_platform() -> i32 {
    improto::kinds::platform::DESKTOP
}

impl InitOptions {
    /// Options with defaults for everything but the navigation URL and database directory.
    pub fn new(navi: impl Into<String>, db_path: impl Into<PathBuf>) -> Self {
        InitOptions {
            navi: navi.into(),
            db_path: db_path.into(),
            log_level: default_log_level(),
            log_to_host: false,
            request_timeout_ms: default_request_timeout_ms(),
            heartbeat_interval_ms: default_heartbeat_ms(),
            heartbeat_timeout_ms: default_heartbeat_ms(),
            platform: default_platform(),
        }
    }

    /// Parses the JSON form, reporting 33003 on anything malformed.
    pub fn from_json(json: &str) -> ImResult<Self> {
        let options: InitOptions = serde_json::from_str(json)
            .map_err(|e| ImError::invalid(format!("init options: {e}")))?;
        options.validate()?;
        Ok(options)
    }

    /// Checks values that the types alone do not.
    pub(crate) fn validate(&self) -> ImResult<()> {
        let navi = self.navi.trim_end_matches('/');
        if !(navi.starts_with("http://") || navi.starts_with("https://")) {
            return Err(ImError::invalid("navi must be an http(s) URL"));
        }
        if self.db_path.as_os_str().is_empty() {
            return Err(ImError::invalid("dbPath must not be empty"));
        }
        if !improto::kinds::platform::ALL.contains(&self.platform) {
            return Err(ImError::invalid("platform must be 1, 2 or 3"));
        }
        for (name, ms) in [
            ("requestTimeoutMs", self.request_timeout_ms),
            ("heartbeatIntervalMs", self.heartbeat_interval_ms),
            ("heartbeatTimeoutMs", self.heartbeat_timeout_ms),
        ] {
            if !(1..=MAX_TIMEOUT_MS).contains(&ms) {
                return Err(ImError::invalid(format!(
                    "{name} must be 1–{MAX_TIMEOUT_MS}"
                )));
            }
        }
        Ok(())
    }

    /// Navigation base without trailing slashes.
    pub(crate) fn navi_base(&self) -> &str {
        self.navi.trim_end_matches('/')
    }

    /// Heartbeat interval and timeout.
    pub(crate) fn keepalive(&self) -> (Duration, Duration) {
        (
            Duration::from_millis(self.heartbeat_interval_ms),
            Duration::from_millis(self.heartbeat_timeout_ms),
        )
    }

    /// Send acknowledgement timeout.
    pub(crate) fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let o = InitOptions::from_json(
            r#"{"navi":"http://127.0.0.1:1/","dbPath":"/tmp/x","logLevel":0}"#,
        )
        .unwrap();
        assert_eq!(o.navi_base(), "http://127.0.0.1:1");
        assert_eq!(o.log_level, LogLevel::Debug);
        for bad in [
            "{}",
            "nope",
            r#"{"navi":"ftp://x","dbPath":"/tmp"}"#,
            r#"{"navi":"http://x","dbPath":"/tmp","logLevel":9}"#,
            r#"{"navi":"http://x","dbPath":"/tmp","bogus":1}"#,
            r#"{"navi":"http://x","dbPath":"/tmp","heartbeatTimeoutMs":0}"#,
            r#"{"navi":"http://x","dbPath":"/tmp","heartbeatIntervalMs":100000000}"#,
        ] {
            assert_eq!(
                InitOptions::from_json(bad).unwrap_err().code,
                33003,
                "{bad}"
            );
        }
    }
}
