//! Seed status codes the WebSocket protocol uses (in `ConnectAck`, `SendAck` and `Close`).

/// Success.
pub const OK: i32 = 0;
/// Another connection of the same user and platform logged in (unless multi-device is on).
pub const KICKED_OFFLINE_BY_OTHER_CLIENT: i32 = 6;
/// The user is blocked (`/user/block.json`): live connections are closed, connects refused.
pub const USER_BLOCKED: i32 = 9;
/// The client sends faster than the send rate limit (seed: 5 messages per second).
pub const SEND_TOO_FREQUENT: i32 = 20604;
/// Temporary server failure (storage); the client may retry.
pub const SERVER_UNAVAILABLE: i32 = 30002;
/// The connection is being closed by the server (shutdown, or too slow to keep up).
pub const DISCONNECTED: i32 = 30011;
/// No frame arrived in time (no `Connect` within 10 s, or idle for 45 s).
pub const IDLE_TIMEOUT: i32 = 30013;
/// Message content over 128 KB.
pub const MESSAGE_TOO_LARGE: i32 = 30016;
/// A frame that breaks the protocol: undecodable, text, or out of place.
pub const PROTOCOL_VIOLATION: i32 = 31001;
/// Unknown app key in `Connect`.
pub const UNKNOWN_APP_KEY: i32 = 31002;
/// Token malformed, forged, or issued for another app.
pub const TOKEN_INVALID: i32 = 31004;
/// Token expired.
pub const TOKEN_EXPIRED: i32 = 31010;
/// Invalid parameters in a request (e.g. `Send` fields).
pub const INVALID_PARAMETER: i32 = 33003;
