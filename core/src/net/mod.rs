//! Talking to imserver: navigation, the WebSocket transport, and the sync cursors (the inbox's
//! and one per group).

pub(crate) mod groups;
pub(crate) mod heartbeat;
pub(crate) mod inbox;
pub(crate) mod navi;
pub(crate) mod transport;
