//! The seed's enumerations, with the seed's numbers.

use crate::error::{ImError, ImResult};
use serde::{Deserialize, Serialize};

/// Kind of conversation (seed §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum ConversationType {
    /// One-to-one chat.
    Private = 1,
    /// Group chat.
    Group = 3,
    /// Chatroom.
    Chatroom = 4,
    /// System conversation.
    System = 6,
}

impl TryFrom<i32> for ConversationType {
    type Error = ImError;

    fn try_from(value: i32) -> ImResult<Self> {
        match value {
            1 => Ok(Self::Private),
            3 => Ok(Self::Group),
            4 => Ok(Self::Chatroom),
            6 => Ok(Self::System),
            other => Err(ImError::invalid(format!(
                "unknown conversation type {other}"
            ))),
        }
    }
}

impl From<ConversationType> for i32 {
    fn from(value: ConversationType) -> i32 {
        value as i32
    }
}

/// Connection status reported to the status listener (seed §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "i32")]
pub enum ConnectionStatus {
    /// Connected and authenticated.
    Connected = 0,
    /// A connection attempt is under way.
    Connecting = 1,
    /// Disconnected by the app (or never connected).
    Disconnected = 2,
    /// The network is down; the engine keeps retrying.
    NetworkUnavailable = 3,
    /// The connection was closed.
    ConnectionClosed = 4,
    /// Another client of the same user and platform logged in.
    KickedOfflineByOtherClient = 6,
    /// The WebSocket could not be opened.
    WebsocketUnavailable = 7,
    /// The user is banned.
    UserBlocked = 9,
    /// The app key is not known to the server.
    AppKeyIncorrect = 20,
}

impl From<ConnectionStatus> for i32 {
    fn from(value: ConnectionStatus) -> i32 {
        value as i32
    }
}

/// Whether a message was sent or received by this user (seed §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum MessageDirection {
    /// Sent by the current user.
    Send = 1,
    /// Received from someone else.
    Receive = 2,
}

impl TryFrom<i32> for MessageDirection {
    type Error = ImError;

    fn try_from(value: i32) -> ImResult<Self> {
        match value {
            1 => Ok(Self::Send),
            2 => Ok(Self::Receive),
            other => Err(ImError::invalid(format!(
                "unknown message direction {other}"
            ))),
        }
    }
}

impl From<MessageDirection> for i32 {
    fn from(value: MessageDirection) -> i32 {
        value as i32
    }
}

/// Delivery state of an outgoing message (RongCloud 2.x values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum SentStatus {
    /// Waiting for the server's acknowledgement.
    Sending = 10,
    /// The server refused it or did not answer.
    Failed = 20,
    /// Stored by the server.
    Sent = 30,
    /// Received by the peer.
    Received = 40,
    /// Read by the peer.
    Read = 50,
    /// Destroyed (burn after reading).
    Destroyed = 60,
}

impl TryFrom<i32> for SentStatus {
    type Error = ImError;

    fn try_from(value: i32) -> ImResult<Self> {
        Ok(match value {
            10 => Self::Sending,
            20 => Self::Failed,
            30 => Self::Sent,
            40 => Self::Received,
            50 => Self::Read,
            60 => Self::Destroyed,
            other => return Err(ImError::invalid(format!("unknown sent status {other}"))),
        })
    }
}

impl From<SentStatus> for i32 {
    fn from(value: SentStatus) -> i32 {
        value as i32
    }
}

/// Log verbosity (seed §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum LogLevel {
    /// Everything.
    Debug = 0,
    /// Informational and above.
    Info = 1,
    /// Warnings and errors.
    Warn = 2,
    /// Errors only.
    Error = 3,
    /// Nothing.
    None = 1000,
}

impl TryFrom<i32> for LogLevel {
    type Error = ImError;

    fn try_from(value: i32) -> ImResult<Self> {
        Ok(match value {
            0 => Self::Debug,
            1 => Self::Info,
            2 => Self::Warn,
            3 => Self::Error,
            1000 => Self::None,
            other => return Err(ImError::invalid(format!("unknown log level {other}"))),
        })
    }
}

impl From<LogLevel> for i32 {
    fn from(value: LogLevel) -> i32 {
        value as i32
    }
}

/// Order of a history page relative to its timestamp cursor (seed §2.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "i32", try_from = "i32")]
pub enum HistoryOrder {
    /// Messages older than the cursor (the default).
    Older = 0,
    /// Messages newer than the cursor.
    Newer = 1,
}

impl TryFrom<i32> for HistoryOrder {
    type Error = ImError;

    fn try_from(value: i32) -> ImResult<Self> {
        match value {
            0 => Ok(Self::Older),
            1 => Ok(Self::Newer),
            other => Err(ImError::invalid(format!("unknown history order {other}"))),
        }
    }
}

impl From<HistoryOrder> for i32 {
    fn from(value: HistoryOrder) -> i32 {
        value as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_are_parameter_errors() {
        assert_eq!(ConversationType::try_from(2).unwrap_err().code, 33003);
        assert_eq!(LogLevel::try_from(7).unwrap_err().code, 33003);
        assert_eq!(
            ConversationType::try_from(3).unwrap(),
            ConversationType::Group
        );
        assert_eq!(
            serde_json::to_string(&ConnectionStatus::KickedOfflineByOtherClient).unwrap(),
            "6"
        );
    }
}
