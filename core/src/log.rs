//! Engine logging: filtered by the init log level, written to stderr or handed to the host.

use crate::enums::LogLevel;
use crate::events::{Event, EventSender};

/// Where log lines go.
#[derive(Clone)]
pub(crate) struct Logger {
    level: LogLevel,
    to_host: Option<EventSender>,
}

impl Logger {
    /// Logs at `level` and above; to the host's log callback when `to_host` is set, else stderr.
    pub(crate) fn new(level: LogLevel, to_host: Option<EventSender>) -> Self {
        Logger { level, to_host }
    }

    /// Writes one line if `level` passes the filter.
    pub(crate) fn log(&self, level: LogLevel, content: impl Into<String>) {
        if level < self.level || level == LogLevel::None {
            return;
        }
        let content = content.into();
        match &self.to_host {
            Some(events) => events.emit(Event::Log { level, content }),
            None => eprintln!("[imcore {level:?}] {content}"),
        }
    }

    /// Debug line.
    pub(crate) fn debug(&self, content: impl Into<String>) {
        self.log(LogLevel::Debug, content);
    }

    /// Informational line.
    pub(crate) fn info(&self, content: impl Into<String>) {
        self.log(LogLevel::Info, content);
    }

    /// Warning line.
    pub(crate) fn warn(&self, content: impl Into<String>) {
        self.log(LogLevel::Warn, content);
    }
}
