//! The built-in message types: ObjectName, class name and storage/count flags (seed §4).

/// How the server and the local store treat a message type (the seed's `MessageTag`).
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
}

const fn info(
    object_name: &'static str,
    message_type: &'static str,
    counted: bool,
    persisted: bool,
) -> MessageTypeInfo {
    MessageTypeInfo {
        object_name,
        message_type,
        counted,
        persisted,
    }
}

/// Every built-in message type.
pub const BUILT_IN: &[MessageTypeInfo] = &[
    info("RC:TxtMsg", "TextMessage", true, true),
    info("RC:ImgMsg", "ImageMessage", true, true),
    info("RC:GIFMsg", "GIFMessage", true, true),
    info("RC:VcMsg", "VoiceMessage", true, true),
    info("RC:HQVCMsg", "HQVoiceMessage", true, true),
    info("RC:ImgTextMsg", "RichContentMessage", true, true),
    info("RC:FileMsg", "FileMessage", true, true),
    info("RC:SightMsg", "SightMessage", true, true),
    info("RC:LBSMsg", "LocationMessage", true, true),
    info("RC:CombineMsg", "RCCombineMessage", true, true),
    info("RC:InfoNtf", "InformationNotificationMessage", false, true),
    info("RC:ContactNtf", "ContactNotificationMessage", false, true),
    info("RC:ProfileNtf", "ProfileNotificationMessage", false, true),
    info("RC:CmdNtf", "CommandNotificationMessage", false, true),
    info("RC:GrpNtf", "GroupNotificationMessage", false, true),
    info("RC:CmdMsg", "CommandMessage", false, false),
    info("RC:TypSts", "TypingStatusMessage", false, false),
    info("RC:RcCmd", "RecallCommandMessage", false, true),
    info("RC:SRSMsg", "SyncReadStatusMessage", false, false),
    info("RC:RRReqMsg", "ReadReceiptRequestMessage", false, false),
    info("RC:RRRspMsg", "ReadReceiptResponseMessage", false, false),
    info("RC:ReadNtf", "ReadReceiptMessage", false, false),
    info(
        "RC:chrmKVNotiMsg",
        "ChrmKVNotificationMessage",
        false,
        false,
    ),
];

/// Looks a type up by ObjectName.
pub fn by_object_name(object_name: &str) -> Option<&'static MessageTypeInfo> {
    BUILT_IN.iter().find(|t| t.object_name == object_name)
}

/// Looks a type up by class name (`TextMessage`).
pub fn by_message_type(message_type: &str) -> Option<&'static MessageTypeInfo> {
    BUILT_IN.iter().find(|t| t.message_type == message_type)
}

/// Class name to report for an ObjectName; unknown types keep their ObjectName.
pub fn message_type_name(object_name: &str) -> std::borrow::Cow<'static, str> {
    by_object_name(object_name).map_or_else(
        || std::borrow::Cow::Owned(object_name.to_owned()),
        |t| std::borrow::Cow::Borrowed(t.message_type),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_counted_and_persisted_typing_is_neither() {
        let text = by_object_name("RC:TxtMsg").unwrap();
        assert!(text.counted && text.persisted);
        let typing = by_message_type("TypingStatusMessage").unwrap();
        assert!(!typing.counted && !typing.persisted);
        assert_eq!(message_type_name("x:custom"), "x:custom");
    }
}
