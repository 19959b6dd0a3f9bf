//! Connection requests: connect, reconnect, disconnect, logout and the connection's state
//! (seed §2.2).

use super::ImClient;
use crate::api::{Operation, SyncOperation};
use crate::enums::ConnectionStatus;
use crate::error::ImResult;
use serde::Deserialize;
use ts_rs::TS;

/// Connects with `token` (seed `connect`) and resolves to the token's user id: 31004 for an
/// incorrect token, 31002 when the server does not know the app key, 33006 while another
/// connect is running, 33003 for an empty or over-long token.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connect {
    /// The token the app server obtained from `/user/getToken.json`.
    pub token: String,
}

impl Operation for Connect {
    const METHOD: &'static str = "connect";
    type Output = String;

    async fn run(self, client: ImClient) -> ImResult<String> {
        client.connect(&self.token).await
    }
}

/// Connects again with the identity of the last `connect`, only after `disconnect` (else
/// 35007); resolves to the user id.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Reconnect {}

impl Operation for Reconnect {
    const METHOD: &'static str = "reconnect";
    type Output = String;

    async fn run(self, client: ImClient) -> ImResult<String> {
        client.reconnect().await
    }
}

/// Closes the connection and stops reconnecting (seed `disconnect`); messages sent meanwhile
/// arrive on the next connect.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Disconnect {}

impl SyncOperation for Disconnect {
    const METHOD: &'static str = "disconnect";
    type Output = ();

    fn run(self, client: &ImClient) -> ImResult<()> {
        client.disconnect()
    }
}

/// Disconnects and closes the user's database (seed `logout`, used to switch users).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Logout {}

impl SyncOperation for Logout {
    const METHOD: &'static str = "logout";
    type Output = ();

    fn run(self, client: &ImClient) -> ImResult<()> {
        client.logout()
    }
}

/// The connection status: 0 connected, 1 connecting, 2 disconnected, 3 network unavailable,
/// 6 kicked by another login, 9 blocked, 20 app key incorrect, 31004 token incorrect or
/// expired (get a new token and connect).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetConnectionStatus {}

impl SyncOperation for GetConnectionStatus {
    const METHOD: &'static str = "getConnectionStatus";
    type Output = ConnectionStatus;

    fn run(self, client: &ImClient) -> ImResult<ConnectionStatus> {
        client.connection_status()
    }
}

/// The connection status now, as `getConnectionStatus` reports it (seed
/// `getCurrentConnectionStatus`, synchronous since 2.2.9).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetCurrentConnectionStatus {}

impl SyncOperation for GetCurrentConnectionStatus {
    const METHOD: &'static str = "getCurrentConnectionStatus";
    type Output = ConnectionStatus;

    fn run(self, client: &ImClient) -> ImResult<ConnectionStatus> {
        client.connection_status()
    }
}

/// The connected user's id, `null` when none (seed `getCurrentUserId`).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetCurrentUserId {}

impl SyncOperation for GetCurrentUserId {
    const METHOD: &'static str = "getCurrentUserId";
    type Output = Option<String>;

    fn run(self, client: &ImClient) -> ImResult<Option<String>> {
        client.current_user_id()
    }
}
