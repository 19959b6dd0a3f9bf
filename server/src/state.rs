//! State shared by every HTTP request and WebSocket session.

use std::sync::Arc;

use tokio::sync::{Semaphore, watch};

use crate::apps::Apps;
use crate::auth::freshness::Freshness;
use crate::groups::directory::Directory;
use crate::http::body::BodyLimits;
use crate::hub::Hub;
use crate::public_url::PublicUrls;
use crate::restrictions::Restrictions;
use crate::store::Storage;
use crate::ws::limits::SessionLimits;

/// Everything a request handler or session needs; shared behind an `Arc`.
pub struct ServerState {
    /// Apps served.
    pub apps: Apps,
    /// The database, behind the storage boundary.
    pub store: Arc<dyn Storage>,
    /// Online connections.
    pub hub: Arc<Hub>,
    /// Opt-in timestamp and nonce checks on signed Server API calls.
    pub freshness: Freshness,
    /// Groups' members, cached for the send path.
    pub groups: Arc<Directory>,
    /// Members a group may have (`--max-group-members`).
    pub max_group_members: usize,
    /// Blocks and token cutoffs, cached for the connect path.
    pub restrictions: Restrictions,
    /// Several connections per user and platform allowed (`--multi-device`).
    pub multi_device: bool,
    /// What one WebSocket connection may make the server hold or do.
    pub session: SessionLimits,
    /// Lifetime of issued tokens, in ms.
    pub token_ttl_ms: i64,
    /// How much of a Server API request's body is read, and for how long.
    pub body_limits: BodyLimits,
    /// WebSocket URLs handed out by navigation.
    pub public_urls: PublicUrls,
    /// One permit per allowed simultaneous WebSocket connection.
    pub connections: Arc<Semaphore>,
    /// Turns `true` when the server shuts down; sessions then close.
    pub shutdown: watch::Receiver<bool>,
}
