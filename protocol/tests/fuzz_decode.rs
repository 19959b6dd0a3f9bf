//! Hostile input for the frame decoder that client and server share: any bytes decode to a
//! frame or an error, never a panic, and never allocate beyond the bounded input.
//!
//! CI runs the default number of cases; `scripts/fuzz-decoders.sh` runs a million.

use improto::{Body, DecodeError, MAX_FRAME_BYTES, decode, encode};
use proptest::prelude::*;

fn valid_frame() -> impl Strategy<Value = Vec<u8>> {
    (any::<u64>(), any::<i32>(), ".{0,40}", ".{0,200}").prop_map(|(id, kind, target, content)| {
        encode(Body::Send(improto::Send {
            request_id: id,
            conversation_type: kind,
            target_id: target,
            object_name: "RC:TxtMsg".into(),
            content,
            client_message_id: id.to_string(),
            persisted: true,
            counted: true,
            ..Default::default()
        }))
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn mutated_valid_frames_never_panic(
        frame in valid_frame(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = frame;
        for (at, value) in flips {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = value;
            }
        }
        bytes.truncate(cut % (bytes.len() + 1));
        let _ = decode(&bytes);
    }

    #[test]
    fn huge_declared_lengths_are_refused_cheaply(len in (MAX_FRAME_BYTES as u64)..u64::MAX) {
        // Field 3 (send), length-delimited, claiming `len` bytes that are not there.
        let mut bytes = vec![0x1a];
        let mut v = len;
        while v >= 0x80 {
            bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        bytes.push(v as u8);
        prop_assert!(matches!(decode(&bytes), Err(DecodeError::Malformed(_))));
    }
}
