//! The seed's enumeration numbers that travel on the wire.

/// Conversation types (seed §6.1).
pub mod conversation_type {
    /// One-to-one chat.
    pub const PRIVATE: i32 = 1;
    /// Group chat.
    pub const GROUP: i32 = 3;
    /// Chatroom.
    pub const CHATROOM: i32 = 4;
    /// System conversation.
    pub const SYSTEM: i32 = 6;
    /// Every type a user may keep a conversation or status of.
    pub const ALL: [i32; 4] = [PRIVATE, GROUP, CHATROOM, SYSTEM];
}

/// A conversation's notification status (seed `setConversationStatus`).
pub mod notification_status {
    /// Do not disturb.
    pub const DO_NOT_DISTURB: i32 = 1;
    /// Notify (the default).
    pub const NOTIFY: i32 = 2;
}

/// The order of a history page relative to its cursor.
pub mod history_order {
    /// Older than the cursor (the default).
    pub const OLDER: i32 = 0;
    /// Newer than the cursor.
    pub const NEWER: i32 = 1;
}

/// Device classes a client announces in `Connect` (one login per class and user).
pub mod platform {
    /// Desktop.
    pub const DESKTOP: i32 = 1;
    /// Mobile.
    pub const MOBILE: i32 = 2;
    /// Web.
    pub const WEB: i32 = 3;
    /// Every platform.
    pub const ALL: [i32; 3] = [DESKTOP, MOBILE, WEB];
}
