//! The limits both sides enforce, counted the same way on both (bytes of UTF-8 unless named
//! otherwise).

/// Longest user, group or chatroom id, in bytes of UTF-8 (the Server API's 64).
pub const MAX_ID_BYTES: usize = 64;
/// Highest inbox sequence number: sequences are stored as SQLite's signed 64-bit integers, so
/// a frame carrying a higher one is a protocol violation (31001).
pub const MAX_INBOX_SEQ: u64 = i64::MAX as u64;
/// Largest navigation answer a client reads (a server list is a few hundred bytes).
pub const MAX_NAVI_ANSWER_BYTES: usize = 64 * 1024;
/// Largest message content, in bytes of its JSON (seed: 128 KB, code 30016).
pub const MAX_CONTENT_BYTES: usize = 128 * 1024;
/// Deepest nesting of arrays and objects in message content, the content object itself
/// counting as 1. Shells wrap content in a few more levels (a list of conversations, each with
/// its latest message), well within any JSON parser's own limit (serde_json's is 128).
pub const MAX_CONTENT_DEPTH: usize = 32;
/// Longest ObjectName, in bytes.
pub const MAX_OBJECT_NAME_BYTES: usize = 32;
/// Longest idempotency key of a send, in bytes.
pub const MAX_CLIENT_MESSAGE_ID_BYTES: usize = 128;
/// Longest message UID, in bytes.
pub const MAX_MESSAGE_UID_BYTES: usize = 64;
/// Longest token, in bytes.
pub const MAX_TOKEN_BYTES: usize = 1024;
/// Longest device id (`Connect.device_id`), in bytes.
pub const MAX_DEVICE_ID_BYTES: usize = 128;
/// Devices whose acknowledged position the server keeps per user; the least recently heard
/// from is forgotten first.
pub const MAX_DEVICES_PER_USER: usize = 64;
/// Longest app key, in bytes.
pub const MAX_APP_KEY_BYTES: usize = 64;
/// Largest page of local history (seed: 1–20).
pub const MAX_HISTORY_COUNT: usize = 20;
/// Largest page of cloud history.
pub const MAX_REMOTE_HISTORY_COUNT: usize = 100;
/// Largest conversation list.
pub const MAX_CONVERSATION_COUNT: usize = 1000;
/// Most drafts one page of `getTextMessageDrafts` holds (each up to `MAX_CONTENT_BYTES`).
pub const MAX_DRAFTS_PAGE: usize = 100;
/// Most messages one deletion names (seed: 100).
pub const MAX_DELETE_COUNT: usize = 100;
/// Most messages one `insertMessages` call stores (one transaction).
pub const MAX_INSERT_BATCH: usize = 500;
/// Most conversation statuses one status page holds.
pub const MAX_STATUS_PAGE: usize = 500;
/// Most members a directed group message names (`Send.directed_user_ids`).
pub const MAX_DIRECTED_USER_IDS: usize = 1000;
/// Most group heads one `GroupHeads` answer holds.
pub const MAX_GROUP_HEADS_PAGE: usize = 500;
/// Members a group may have unless the server is configured otherwise (seed: 3,000).
pub const DEFAULT_MAX_GROUP_MEMBERS: usize = 3000;
/// Longest `pushContent` (and each text field of a push config), in bytes.
pub const MAX_PUSH_CONTENT_BYTES: usize = 1024;
/// Longest `pushData`, in bytes.
pub const MAX_PUSH_DATA_BYTES: usize = 8 * 1024;
/// Longest push config (`MessageOptions.push_config`, its JSON text), in bytes.
pub const MAX_PUSH_CONFIG_BYTES: usize = 16 * 1024;
/// Longest `pushConfig.iOSConfig.apnsCollapseId`, in bytes (seed §2.8: 64).
pub const MAX_APNS_COLLAPSE_ID_BYTES: usize = 64;
