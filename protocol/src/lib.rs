//! The imcore wire contract, shared by the client engine (`imcore`) and the server
//! (`imserver`): the protocol's frames, and the status codes, limits, enumeration numbers and
//! built-in message types both sides must agree on.
//!
//! Frames are protobuf messages (see `proto/imcore.proto`) carried one per WebSocket binary
//! message. [`encode`] and [`decode`] are the only ways either side turns frames into bytes.

#![warn(missing_docs)]

pub mod codes;
pub mod content;
pub mod ids;
pub mod kinds;
pub mod limits;
pub mod message_types;
pub mod options;

/// Generated protobuf types.
#[allow(missing_docs)] // generated code
pub mod wire {
    include!(concat!(env!("OUT_DIR"), "/imcore.wire.rs"));
}

pub use prost::Message as _;
use prost::Message;
pub use wire::frame::Body;
pub use wire::*;

/// Version spoken by this build, sent in `Connect.protocol_version`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest frame either side accepts (a 128 KB message body plus envelope).
pub const MAX_FRAME_BYTES: usize = 256 * 1024;

/// Serialises one frame body.
pub fn encode(body: Body) -> Vec<u8> {
    Frame { body: Some(body) }.encode_to_vec()
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Larger than [`MAX_FRAME_BYTES`].
    TooLarge(usize),
    /// Not a valid protobuf `Frame`.
    Malformed(String),
    /// A valid frame with no body.
    Empty,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::TooLarge(n) => write!(f, "frame of {n} bytes exceeds {MAX_FRAME_BYTES}"),
            DecodeError::Malformed(e) => write!(f, "malformed frame: {e}"),
            DecodeError::Empty => write!(f, "frame has no body"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Parses one frame, refusing oversized or bodiless input.
pub fn decode(bytes: &[u8]) -> Result<Body, DecodeError> {
    if bytes.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::TooLarge(bytes.len()));
    }
    let frame = Frame::decode(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))?;
    frame.body.ok_or(DecodeError::Empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_send() {
        let body = Body::Send(Send {
            request_id: 7,
            conversation_type: 1,
            target_id: "bob".into(),
            object_name: "RC:TxtMsg".into(),
            content: r#"{"content":"hi"}"#.into(),
            client_message_id: "c1".into(),
            persisted: true,
            counted: true,
            directed_user_ids: vec!["carol".into()],
            options: Some(MessageOptions {
                push_content: "hi".into(),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(decode(&encode(body.clone())).unwrap(), body);
    }

    #[test]
    fn refuses_garbage_empty_and_oversized() {
        assert!(matches!(
            decode(&[0xff, 0xff, 0xff]),
            Err(DecodeError::Malformed(_))
        ));
        assert_eq!(decode(&[]), Err(DecodeError::Empty));
        let big = vec![0u8; MAX_FRAME_BYTES + 1];
        assert_eq!(decode(&big), Err(DecodeError::TooLarge(big.len())));
    }
}
