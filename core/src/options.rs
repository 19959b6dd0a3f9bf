//! Options given to `init` (seed §2.1), as JSON-friendly types.

use crate::enums::LogLevel;
use crate::error::{ImError, ImResult};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

/// `init` options. JSON form: `{"navi":"http://127.0.0.1:8700","dbPath":"/data","logLevel":2}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InitOptions {
    /// Navigation server base URL (trailing `/` ignored).
    pub navi: String,
    /// Directory that holds one database per app key and user.
    pub db_path: PathBuf,
    /// Log verbosity; default WARN.
    #[serde(default = "default_log_level")]
    pub log_level: LogLevel,
    /// Send log lines to the host's log callback instead of stderr.
    #[serde(default)]
    pub log_to_host: bool,
    /// Milliseconds to wait for the server's acknowledgement of a send (default 10,000).
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// Device class announced to the server: 1 desktop, 2 mobile, 3 web (default 1).
    #[serde(default = "default_platform")]
    pub platform: i32,
}

fn default_log_level() -> LogLevel {
    LogLevel::Warn
}

fn default_request_timeout_ms() -> u64 {
    10_000
}

fn default_platform() -> i32 {
    1
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
        if !(1..=3).contains(&self.platform) {
            return Err(ImError::invalid("platform must be 1, 2 or 3"));
        }
        if self.request_timeout_ms == 0 {
            return Err(ImError::invalid("requestTimeoutMs must be positive"));
        }
        Ok(())
    }

    /// Navigation base without trailing slashes.
    pub(crate) fn navi_base(&self) -> &str {
        self.navi.trim_end_matches('/')
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
        ] {
            assert_eq!(
                InitOptions::from_json(bad).unwrap_err().code,
                33003,
                "{bad}"
            );
        }
    }
}
