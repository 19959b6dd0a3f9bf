//! The built-in message types (seed §4), how each is treated (stored in history, counted as
//! unread, kept for offline recipients, pushed) and the fields its content carries. The server
//! decides a built-in type's handling from this table; a custom type's comes from its
//! registration (sent with each message). Both sides check a built-in type's content fields
//! with [`crate::content::check`].

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
    /// The content fields of a built-in type besides [`SHARED_FIELDS`], with their JSON types;
    /// empty for a custom type (only the generic content rules apply to it).
    pub fields: &'static [Field],
}

/// The JSON type of a content field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    String,
    /// A number.
    Number,
    /// An object.
    Object,
    /// An array.
    Array,
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FieldType::String => "a string",
            FieldType::Number => "a number",
            FieldType::Object => "an object",
            FieldType::Array => "an array",
        })
    }
}

/// A content field of a built-in type. A required field must be present and not `null`; an
/// optional one may be absent or `null`; either, when present, has its JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's name in the content object.
    pub name: &'static str,
    /// Its JSON type.
    pub field_type: FieldType,
    /// Whether it must be present.
    pub required: bool,
}

const fn required(name: &'static str, field_type: FieldType) -> Field {
    Field {
        name,
        field_type,
        required: true,
    }
}

const fn optional(name: &'static str, field_type: FieldType) -> Field {
    Field {
        name,
        field_type,
        required: false,
    }
}

/// Optional fields the content of every built-in type may carry (seed §4, shared fields):
/// `extra` (a string) and `user` (`{id, name, portrait, extra}`).
pub const SHARED_FIELDS: &[Field] = &[
    optional("extra", FieldType::String),
    optional("user", FieldType::Object),
];

/// Each built-in type's own content fields (seed §4; `[outside-seed]` where the seed names
/// none and RongCloud's SDK does).
#[rustfmt::skip]
mod fields {
    use super::{optional, required, Field, FieldType::{Array, Number, Object, String}};

    pub(super) const TEXT: &[Field] = &[
        required("content", String), optional("mentionedInfo", Object),
        optional("burnDuration", Number),
    ];
    pub(super) const IMAGE: &[Field] = &[
        required("content", String), required("imageUri", String),
        optional("mentionedInfo", Object), optional("burnDuration", Number),
    ];
    pub(super) const GIF: &[Field] = &[
        required("gifDataSize", Number), required("remoteUrl", String),
        required("width", Number), required("height", Number),
    ];
    /// `[outside-seed]`: the audio in `content` (Base64), its length in `duration`.
    pub(super) const VOICE: &[Field] = &[
        required("content", String), required("duration", Number),
        optional("mentionedInfo", Object), optional("burnDuration", Number),
    ];
    pub(super) const HQ_VOICE: &[Field] = &[
        required("remoteUrl", String), optional("duration", Number),
        optional("type", String), optional("localPath", String),
        optional("burnDuration", Number),
    ];
    pub(super) const RICH_CONTENT: &[Field] = &[
        required("title", String), required("content", String),
        required("imageUri", String), required("url", String),
    ];
    pub(super) const FILE: &[Field] = &[
        required("name", String), required("size", Number),
        required("type", String), required("fileUrl", String),
    ];
    pub(super) const SIGHT: &[Field] = &[
        required("sightUrl", String), required("content", String),
        required("duration", Number), required("size", Number), required("name", String),
    ];
    pub(super) const LOCATION: &[Field] = &[
        required("latitude", Number), required("longitude", Number),
        required("poi", String), required("content", String),
        optional("mentionedInfo", Object),
    ];
    /// Seed 2.5.9: the content must hold `conversationType`.
    pub(super) const COMBINE: &[Field] = &[
        required("conversationType", Number), optional("summaryList", Array),
        optional("nameList", Array), optional("remoteUrl", String),
    ];
    pub(super) const INFORMATION: &[Field] = &[required("message", String)];
    pub(super) const CONTACT: &[Field] = &[
        required("operation", String), required("sourceUserId", String),
        required("targetUserId", String), required("message", String),
    ];
    pub(super) const PROFILE: &[Field] = &[
        required("operation", String), required("data", String),
    ];
    /// `[outside-seed]`: the recalled message.
    pub(super) const RECALL: &[Field] = &[
        required("messageUId", String), optional("conversationType", Number),
        optional("targetId", String), optional("sentTime", Number),
    ];
    pub(super) const SYNC_READ_STATUS: &[Field] = &[optional("lastMessageSendTime", Number)];
    pub(super) const TYPING: &[Field] = &[
        required("typingContentType", String), optional("data", String),
    ];
    pub(super) const READ_RECEIPT_REQUEST: &[Field] = &[required("messageUId", String)];
    pub(super) const READ_RECEIPT_RESPONSE: &[Field] = &[required("receiptMessageDic", Object)];
    pub(super) const READ_RECEIPT: &[Field] = &[
        required("messageUId", String), required("lastMessageSendTime", Number),
        required("type", String),
    ];
    /// Arbitrary content: only the generic rules and the shared fields.
    pub(super) const ANY: &[Field] = &[];
}

/// ObjectName prefix reserved for built-in types.
pub const RESERVED_PREFIX: &str = "RC:";

const fn info(
    object_name: &'static str,
    message_type: &'static str,
    (counted, persisted, offline, pushed): (bool, bool, bool, bool),
    search_fields: &'static [&'static str],
    fields: &'static [Field],
) -> MessageTypeInfo {
    MessageTypeInfo {
        object_name,
        message_type,
        counted,
        persisted,
        offline,
        pushed,
        search_fields,
        fields,
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
    info("RC:TxtMsg",        "TextMessage",                    CONTENT,      &["content"],          fields::TEXT),
    info("RC:ImgMsg",        "ImageMessage",                   CONTENT,      &[],                   fields::IMAGE),
    info("RC:GIFMsg",        "GIFMessage",                     CONTENT,      &[],                   fields::GIF),
    info("RC:VcMsg",         "VoiceMessage",                   CONTENT,      &[],                   fields::VOICE),
    info("RC:HQVCMsg",       "HQVoiceMessage",                 CONTENT,      &[],                   fields::HQ_VOICE),
    info("RC:ImgTextMsg",    "RichContentMessage",             CONTENT,      &["title", "content"], fields::RICH_CONTENT),
    info("RC:FileMsg",       "FileMessage",                    CONTENT,      &["name"],             fields::FILE),
    info("RC:SightMsg",      "SightMessage",                   CONTENT,      &[],                   fields::SIGHT),
    info("RC:LBSMsg",        "LocationMessage",                CONTENT,      &["poi"],              fields::LOCATION),
    info("RC:CombineMsg",    "RCCombineMessage",               CONTENT,      &["summaryList"],      fields::COMBINE),
    info("RC:InfoNtf",       "InformationNotificationMessage", NOTIFICATION, &["message"],          fields::INFORMATION),
    info("RC:ContactNtf",    "ContactNotificationMessage",     NOTIFICATION, &[],                   fields::CONTACT),
    info("RC:ProfileNtf",    "ProfileNotificationMessage",     NOTIFICATION, &[],                   fields::PROFILE),
    info("RC:CmdNtf",        "CommandNotificationMessage",     NOTIFICATION, &[],                   fields::ANY),
    info("RC:GrpNtf",        "GroupNotificationMessage",       NOTIFICATION, &[],                   fields::ANY),
    info("RC:RcCmd",         "RecallCommandMessage",           NOTIFICATION, &[],                   fields::RECALL),
    info("RC:CmdMsg",        "CommandMessage",                 COMMAND,      &[],                   fields::ANY),
    info("RC:SRSMsg",        "SyncReadStatusMessage",          COMMAND,      &[],                   fields::SYNC_READ_STATUS),
    info("RC:chrmKVNotiMsg", "ChrmKVNotificationMessage",      COMMAND,      &[],                   fields::ANY),
    info("RC:TypSts",        "TypingStatusMessage",            STATUS,       &[],                   fields::TYPING),
    info("RC:RRReqMsg",      "ReadReceiptRequestMessage",      STATUS,       &[],                   fields::READ_RECEIPT_REQUEST),
    info("RC:RRRspMsg",      "ReadReceiptResponseMessage",     STATUS,       &[],                   fields::READ_RECEIPT_RESPONSE),
    info("RC:ReadNtf",       "ReadReceiptMessage",             STATUS,       &[],                   fields::READ_RECEIPT),
];

/// The built-in type with this ObjectName.
pub fn built_in(object_name: &str) -> Option<&'static MessageTypeInfo> {
    BUILT_IN.iter().find(|t| t.object_name == object_name)
}

/// How a message is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    /// Stored in history.
    pub persisted: bool,
    /// Counted as unread by its recipients.
    pub counted: bool,
    /// Kept for recipients who are offline (else only delivered to those online, and stored
    /// nowhere).
    pub offline: bool,
}

impl Handling {
    /// A status message's (the seed's `isStatusMessage`): for whoever is online now only.
    pub const STATUS: Handling = Handling {
        persisted: false,
        counted: false,
        offline: false,
    };
}

/// How a message of `object_name` is handled: a built-in type by this table (whatever the
/// sender claims), a custom type by the flags its sender registered (and kept for offline
/// recipients); `None` for an `RC:` name that is not built in (reserved, refused).
pub fn handling(object_name: &str, persisted: bool, counted: bool) -> Option<Handling> {
    match built_in(object_name) {
        Some(t) => Some(Handling {
            persisted: t.persisted,
            counted: t.counted,
            offline: t.offline,
        }),
        None if object_name.starts_with(RESERVED_PREFIX) => None,
        None => Some(Handling {
            persisted,
            counted,
            offline: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_flags_win_over_what_a_sender_claims() {
        let kept = |persisted, counted, offline| {
            Some(Handling {
                persisted,
                counted,
                offline,
            })
        };
        assert_eq!(handling("RC:TxtMsg", false, false), kept(true, true, true));
        assert_eq!(handling("RC:TypSts", true, true), Some(Handling::STATUS));
        assert_eq!(handling("RC:InfoNtf", true, true), kept(true, false, true));
        assert_eq!(handling("RC:CmdMsg", true, true), kept(false, false, true));
        assert_eq!(handling("app:card", true, false), kept(true, false, true));
        assert_eq!(handling("RC:Nope", true, true), None);
        let typing = built_in("RC:TypSts").unwrap();
        assert!(!typing.offline && !typing.pushed);
    }
}
