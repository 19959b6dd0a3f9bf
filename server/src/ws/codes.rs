//! Seed status codes the WebSocket protocol uses (in `ConnectAck`, `SendAck`, `Response` and
//! `Close`): the wire contract's, shared with the client engine.

pub use improto::codes::*;
