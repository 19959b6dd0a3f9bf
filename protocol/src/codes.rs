//! The status codes both sides use, with the seed's numbers (seed-api.md §7), one meaning each.

/// Success.
pub const OK: i32 = 0;
/// Unknown error (also: an internal failure caught at a boundary).
pub const UNKNOWN: i32 = -1;
/// Another connection of the same user and platform logged in (connection status 6).
pub const KICKED_OFFLINE_BY_OTHER_CLIENT: i32 = 6;
/// The user is blocked (`/user/block.json`): connections closed, connects refused (status 9).
pub const USER_BLOCKED: i32 = 9;
/// Sending faster than the send rate limit (seed: 5 messages per second per client); the
/// message is stored FAILED and can be resent a moment later.
pub const SEND_TOO_FREQUENT: i32 = 20604;
/// Making requests (history, conversation list, statuses, deletions) faster than the
/// connection's request budget (seed: "call frequency limit exceeded; retry later").
pub const REQUEST_TOO_FREQUENT: i32 = 20607;
/// The server keeps no more of this kind for the user (e.g. conversation statuses); remove
/// some first (outside-seed).
pub const QUOTA_EXCEEDED: i32 = 20608;
/// The sender is not a member of the group (never was, has quit, the group is dismissed or
/// unknown).
pub const NOT_IN_GROUP: i32 = 22406;
/// The sender is muted in the group (a member mute, or the whole group muted and the sender
/// not on its whitelist).
pub const MUTED_IN_GROUP: i32 = 22408;
/// Connection unavailable; the engine reconnects by itself.
pub const NOT_CONNECTED: i32 = 30001;
/// The connection was lost while a request was in flight.
pub const CONNECTION_LOST: i32 = 30002;
/// The server did not answer a request in time.
pub const REQUEST_TIMEOUT: i32 = 30003;
/// The navigation request failed.
pub const NAVI_REQUEST_FAILED: i32 = 30007;
/// The navigation answer was not understood.
pub const NAVI_RESPONSE_INVALID: i32 = 30008;
/// The navigation answer lists no usable server.
pub const NAVI_NO_SERVER: i32 = 30009;
/// The WebSocket could not be opened or broke.
pub const SOCKET_FAILED: i32 = 30010;
/// The server is closing the connection (shutdown, or the peer is too slow to keep up).
pub const DISCONNECTED: i32 = 30011;
/// No frame arrived in time (no `Connect` within 10 s, or idle for 45 s).
pub const IDLE_TIMEOUT: i32 = 30013;
/// The server could not carry out the request now (its storage failed); temporary, retry.
pub const SIGNAL_FAILED: i32 = 30014;
/// Message content over 128 KB.
pub const MESSAGE_TOO_LARGE: i32 = 30016;
/// The server did not acknowledge `Connect` in time.
pub const CONNECT_ACK_TIMEOUT: i32 = 31000;
/// A frame that breaks the protocol: undecodable, text, or out of place (outside-seed).
pub const PROTOCOL_VIOLATION: i32 = 31001;
/// The server does not know the app key (outside-seed code, RongCloud 2.x).
pub const APP_KEY_REJECTED: i32 = 31002;
/// The token is malformed, forged or issued for another app (outside-seed, RongCloud 2.x).
pub const TOKEN_INCORRECT: i32 = 31004;
/// The token has expired (outside-seed code, RongCloud 2.x).
pub const TOKEN_EXPIRED: i32 = 31010;
/// `init` has not been called (or the client was destroyed).
pub const NOT_INITIALIZED: i32 = 33001;
/// The local database could not be opened or written (outside-seed code).
pub const DATABASE_ERROR: i32 = 33002;
/// A parameter is missing or invalid.
pub const INVALID_PARAMETER: i32 = 33003;
/// `connect` was called while a connection attempt is running.
pub const ALREADY_CONNECTING: i32 = 33006;
/// `reconnect` without a previous `connect` and `disconnect`.
pub const RECONNECT_NOT_ALLOWED: i32 = 35007;
/// `Connect` named a platform that is not one of [`crate::kinds::platform::ALL`].
pub const UNSUPPORTED_PLATFORM: i32 = 35008;

/// Every code above with its meaning, for references and bindings.
pub const ALL: &[(i32, &str)] = &[
    (OK, "success"),
    (
        UNKNOWN,
        "unknown error (also: an internal failure caught at the boundary)",
    ),
    (
        KICKED_OFFLINE_BY_OTHER_CLIENT,
        "another login of the user on the same platform",
    ),
    (USER_BLOCKED, "the user is blocked"),
    (
        SEND_TOO_FREQUENT,
        "sending faster than 5 messages per second; stored FAILED, resend later",
    ),
    (
        REQUEST_TOO_FREQUENT,
        "requests faster than the connection's budget; retry later",
    ),
    (
        QUOTA_EXCEEDED,
        "the server keeps no more of these for the user; remove some first",
    ),
    (NOT_IN_GROUP, "the current user is not in the group"),
    (MUTED_IN_GROUP, "the current user is muted in the group"),
    (NOT_CONNECTED, "not connected"),
    (
        CONNECTION_LOST,
        "connection lost while the request was in flight",
    ),
    (REQUEST_TIMEOUT, "the server did not answer in time"),
    (NAVI_REQUEST_FAILED, "the navigation request failed"),
    (
        NAVI_RESPONSE_INVALID,
        "the navigation answer was not understood",
    ),
    (
        NAVI_NO_SERVER,
        "the navigation answer lists no usable server",
    ),
    (SOCKET_FAILED, "the WebSocket could not be opened or broke"),
    (
        DISCONNECTED,
        "the server closed the connection (shutdown, or too slow to keep up)",
    ),
    (IDLE_TIMEOUT, "no frame in time (ping timeout)"),
    (
        SIGNAL_FAILED,
        "the server could not carry out the request now; temporary, retry",
    ),
    (MESSAGE_TOO_LARGE, "message body over 128 KB"),
    (
        CONNECT_ACK_TIMEOUT,
        "the server did not acknowledge connect in time",
    ),
    (PROTOCOL_VIOLATION, "a frame broke the protocol"),
    (APP_KEY_REJECTED, "the server does not know the app key"),
    (
        TOKEN_INCORRECT,
        "the token is invalid or belongs to another app",
    ),
    (TOKEN_EXPIRED, "the token has expired"),
    (
        NOT_INITIALIZED,
        "init has not been called (or the client was destroyed)",
    ),
    (
        DATABASE_ERROR,
        "the local database could not be opened or written",
    ),
    (INVALID_PARAMETER, "a parameter is missing or invalid"),
    (
        ALREADY_CONNECTING,
        "connect was called while a connection attempt is running",
    ),
    (
        RECONNECT_NOT_ALLOWED,
        "reconnect needs a previous connect and disconnect",
    ),
    (
        UNSUPPORTED_PLATFORM,
        "unsupported platform (desktop 1, mobile 2 and web 3 only)",
    ),
];

#[cfg(test)]
mod tests {
    #[test]
    fn each_code_has_one_meaning() {
        let mut codes: Vec<i32> = super::ALL.iter().map(|(code, _)| *code).collect();
        codes.sort_unstable();
        let count = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), count, "a code is listed twice");
    }
}
