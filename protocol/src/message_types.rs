//! The built-in message types (seed §4) and how each is treated: stored in history, counted as
//! unread, kept for offline recipients, pushed. The server decides a built-in type's handling
//! from this table; a custom type's comes from its registration (sent with each message).

/// One message type and its handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageTypeInfo {
    /// Wire name, e.g. `RC:TxtMsg`.
    pub object_name: &'static str,
    /// Class name, e.g. `TextMessage`.
    pub message_type: &'static str,
    /// Counted as unread.
    pub counted: bool,
    /// Stored in history.
    pub persisted: bool,
    /// Kept for recipients who are offline (else only delivered to those online).
    pub offline: bool,
    /// Pushed to offline devices.
    pub pushed: bool,
    /// Content fields whose strings and integers (or arrays of them) are searchable.
    pub search_fields: &'static [&'static str],
}

/// ObjectName prefix reserved for built-in types.
pub const RESERVED_PREFIX: &str = "RC:";

const fn info(
    object_name: &'static str,
    message_type: &'static str,
    (counted, persisted, offline, pushed): (bool, bool, bool, bool),
    search_fields: &'static [&'static str],
) -> MessageTypeInfo {
    MessageTypeInfo {
        object_name,
        message_type,
        counted,
        persisted,
        offline,
        pushed,
        search_fields,
    }
}

/// Content: counted, stored, kept offline, pushed.
const CONTENT: (bool, bool, bool, bool) = (true, true, true, true);
/// Notifications: stored and kept offline, neither counted nor pushed.
const NOTIFICATION: (bool, bool, bool, bool) = (false, true, true, false);
/// Commands: delivered (also offline), never stored, counted or pushed.
const COMMAND: (bool, bool, bool, bool) = (false, false, true, false);
/// Statuses: only for whoever is online now.
const STATUS: (bool, bool, bool, bool) = (false, false, false, false);

/// Every built-in message type.
#[rustfmt::skip]
pub const BUILT_IN: &[MessageTypeInfo] = &[
    info("RC:TxtMsg",        "TextMessage",                    CONTENT,      &["content"]),
    info("RC:ImgMsg",        "ImageMessage",                   CONTENT,      &[]),
    info("RC:GIFMsg",        "GIFMessage",                     CONTENT,      &[]),
    info("RC:VcMsg",         "VoiceMessage",                   CONTENT,      &[]),
    info("RC:HQVCMsg",       "HQVoiceMessage",                 CONTENT,      &[]),
    info("RC:ImgTextMsg",    "RichContentMessage",             CONTENT,      &["title", "content"]),
    info("RC:FileMsg",       "FileMessage",                    CONTENT,      &["name"]),
    info("RC:SightMsg",      "SightMessage",                   CONTENT,      &[]),
    info("RC:LBSMsg",        "LocationMessage",                CONTENT,      &["poi"]),
    info("RC:CombineMsg",    "RCCombineMessage",               CONTENT,      &["summaryList"]),
    info("RC:InfoNtf",       "InformationNotificationMessage", NOTIFICATION, &["message"]),
    info("RC:ContactNtf",    "ContactNotificationMessage",     NOTIFICATION, &[]),
    info("RC:ProfileNtf",    "ProfileNotificationMessage",     NOTIFICATION, &[]),
    info("RC:CmdNtf",        "CommandNotificationMessage",     NOTIFICATION, &[]),
    info("RC:GrpNtf",        "GroupNotificationMessage",       NOTIFICATION, &[]),
    info("RC:RcCmd",         "RecallCommandMessage",           NOTIFICATION, &[]),
    info("RC:CmdMsg",        "CommandMessage",                 COMMAND,      &[]),
    info("RC:SRSMsg",        "SyncReadStatusMessage",          COMMAND,      &[]),
    info("RC:chrmKVNotiMsg", "ChrmKVNotificationMessage",      COMMAND,      &[]),
    info("RC:TypSts",        "TypingStatusMessage",            STATUS,       &[]),
    info("RC:RRReqMsg",      "ReadReceiptRequestMessage",      STATUS,       &[]),
    info("RC:RRRspMsg",      "ReadReceiptResponseMessage",     STATUS,       &[]),
    info("RC:ReadNtf",       "ReadReceiptMessage",             STATUS,       &[]),
];

/// The built-in type with this ObjectName.
pub fn built_in(object_name: &str) -> Option<&'static MessageTypeInfo> {
    BUILT_IN.iter().find(|t| t.object_name == object_name)
}

/// How a message of `object_name` is handled: a built-in type by this table (whatever the
/// sender claims), a custom type by the flags its sender registered; `None` for an `RC:` name
/// that is not built in (reserved, refused).
pub fn handling(object_name: &str, persisted: bool, counted: bool) -> Option<(bool, bool)> {
    match built_in(object_name) {
        Some(t) => Some((t.persisted, t.counted)),
        None if object_name.starts_with(RESERVED_PREFIX) => None,
        None => Some((persisted, counted)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_flags_win_over_what_a_sender_claims() {
        assert_eq!(handling("RC:TxtMsg", false, false), Some((true, true)));
        assert_eq!(handling("RC:TypSts", true, true), Some((false, false)));
        assert_eq!(handling("RC:InfoNtf", true, true), Some((true, false)));
        assert_eq!(handling("app:card", true, false), Some((true, false)));
        assert_eq!(handling("RC:Nope", true, true), None);
        let typing = built_in("RC:TypSts").unwrap();
        assert!(!typing.offline && !typing.pushed);
    }
}
