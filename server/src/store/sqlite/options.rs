//! A message's sending options as stored in `messages.options`: the protobuf encoding of
//! [`MessageOptions`], NULL for none (the common case costs no bytes).

use improto::MessageOptions;
use prost::Message as _;

/// The column value for `options`: `None` when there are none or all are defaults.
pub(super) fn encode(options: Option<&MessageOptions>) -> Option<Vec<u8>> {
    options
        .filter(|o| **o != MessageOptions::default())
        .map(MessageOptions::encode_to_vec)
}

/// The options of a stored column value (`None` for NULL, or bytes no build of the server
/// wrote, which are ignored rather than failing the read).
pub(super) fn decode(column: Option<&[u8]>) -> Option<MessageOptions> {
    column.and_then(|bytes| MessageOptions::decode(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_not_stored_and_others_round_trip() {
        assert_eq!(encode(None), None);
        assert_eq!(encode(Some(&MessageOptions::default())), None);
        let options = MessageOptions {
            disable_notification: true,
            push_config: r#"{"pushTitle":"t"}"#.into(),
            ..Default::default()
        };
        let stored = encode(Some(&options)).unwrap();
        assert_eq!(decode(Some(&stored)), Some(options));
        assert_eq!(decode(None), None);
    }
}
