//! Talking to imserver: navigation, the WebSocket transport, and the inbox sync cursor.

pub(crate) mod heartbeat;
pub(crate) mod inbox;
pub(crate) mod navi;
pub(crate) mod transport;
