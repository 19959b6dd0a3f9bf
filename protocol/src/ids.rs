//! What a user, group or chatroom id may be, checked the same way on both sides.

use crate::limits::MAX_ID_BYTES;

/// An id is 1 to [`MAX_ID_BYTES`] bytes of UTF-8 with no control character (NUL, tab, line
/// breaks, DEL, the C1 range): such an id would be cut short by C strings or break logs and
/// paths.
pub fn is_valid(id: &str) -> bool {
    (1..=MAX_ID_BYTES).contains(&id.len()) && !id.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_printable_text() {
        for good in [
            "bob",
            "a.b",
            "张三",
            "x612e62",
            "with space",
            &"x".repeat(MAX_ID_BYTES),
        ] {
            assert!(is_valid(good), "{good:?}");
        }
        for bad in [
            "",
            "a\0b",
            "a\tb",
            "line\n",
            "\u{7f}",
            "\u{85}",
            &"x".repeat(MAX_ID_BYTES + 1),
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
