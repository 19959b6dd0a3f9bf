//! The seed's enumerations, with the seed's numbers.

use crate::error::{ImError, ImResult, code};
use improto::kinds::{conversation_type, history_order, notification_status};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares an enum whose values are seed numbers: `i32` conversions both ways (an unknown
/// number is a 33003 parameter error) and serde as that number.
macro_rules! seed_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $value:expr,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(into = "i32", try_from = "i32")]
        #[ts(type = "number")]
        #[repr(i32)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)+
        }

        impl TryFrom<i32> for $name {
            type Error = ImError;

            fn try_from(value: i32) -> ImResult<Self> {
                $(if value == $value {
                    return Ok(Self::$variant);
                })+
                Err(ImError::invalid(format!(concat!("unknown ", $what, " {}"), value)))
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                value as i32
            }
        }
    };
}

seed_enum! {
    /// Kind of conversation (seed §6.1).
    ConversationType, "conversation type" {
        /// One-to-one chat.
        Private = conversation_type::PRIVATE,
        /// Group chat.
        Group = conversation_type::GROUP,
        /// Chatroom.
        Chatroom = conversation_type::CHATROOM,
        /// System conversation.
        System = conversation_type::SYSTEM,
    }
}

seed_enum! {
    /// Connection status reported to the status listener (seed §6.4).
    ConnectionStatus, "connection status" {
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
        KickedOfflineByOtherClient = code::KICKED_OFFLINE_BY_OTHER_CLIENT,
        /// The WebSocket could not be opened.
        WebsocketUnavailable = 7,
        /// The user is banned.
        UserBlocked = code::USER_BLOCKED,
        /// The app key is not known to the server.
        AppKeyIncorrect = 20,
        /// The token is incorrect (`code` 31004) or expired (`code` 31010): the seed's
        /// `onTokenIncorrect`. The engine stops retrying; get a new token and connect.
        TokenIncorrect = code::TOKEN_INCORRECT,
    }
}

seed_enum! {
    /// Whether a message was sent or received by this user (seed §6.2).
    MessageDirection, "message direction" {
        /// Sent by the current user.
        Send = 1,
        /// Received from someone else.
        Receive = 2,
    }
}

seed_enum! {
    /// Delivery state of an outgoing message (RongCloud 2.x values).
    SentStatus, "sent status" {
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
}

seed_enum! {
    /// Whether a conversation notifies of new messages (seed §6.3, `setConversationStatus`).
    NotificationStatus, "notification status" {
        /// Do not disturb: excluded from the total unread count unless asked.
        DoNotDisturb = notification_status::DO_NOT_DISTURB,
        /// Notify (the default).
        Notify = notification_status::NOTIFY,
    }
}

seed_enum! {
    /// Log verbosity (seed §6.6).
    LogLevel, "log level" {
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
}

impl PartialOrd for LogLevel {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LogLevel {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        i32::from(*self).cmp(&i32::from(*other))
    }
}

seed_enum! {
    /// Order of a history page relative to its timestamp cursor (seed §2.10).
    HistoryOrder, "history order" {
        /// Messages older than the cursor (the default).
        Older = history_order::OLDER,
        /// Messages newer than the cursor.
        Newer = history_order::NEWER,
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
        assert!(LogLevel::Debug < LogLevel::Warn && LogLevel::Error < LogLevel::None);
    }
}
