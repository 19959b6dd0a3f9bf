//! Message UIDs in the seed's format: `BETR-GIM7-TN05-89QU`.
//!
//! Sixteen base-32 digits (`0-9A-V`) in four dash-separated groups encode 80 bits:
//! 42 bits of milliseconds since the Unix epoch, a 14-bit per-process counter and 24 random
//! bits. UIDs minted later sort after earlier ones in the same process (same millisecond aside),
//! and a unique SQL index backs up uniqueness.

use std::sync::atomic::{AtomicU64, Ordering};

/// Digits used by the encoding, in ascending order so that string order follows numeric order.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

/// Per-process counter that separates UIDs minted within the same millisecond.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Mints a fresh message UID for a message stamped with `sent_time_ms`.
pub fn new_message_uid(sent_time_ms: i64) -> String {
    let time = (sent_time_ms.max(0) as u128) & ((1 << 42) - 1);
    let counter = (COUNTER.fetch_add(1, Ordering::Relaxed) & ((1 << 14) - 1)) as u128;
    let random = (rand::random::<u32>() & ((1 << 24) - 1)) as u128;
    encode((time << 38) | (counter << 24) | random)
}

/// The smallest UID of a message stamped `time_ms`: every UID minted for an earlier stamp sorts
/// before it, every UID for this stamp or a later one sorts at or after it.
pub fn first_uid_at(time_ms: i64) -> String {
    let time = (time_ms.max(0) as u128) & ((1 << 42) - 1);
    encode(time << 38)
}

/// Whether `uid` has the shape of a message UID.
pub fn is_message_uid(uid: &str) -> bool {
    let bytes = uid.as_bytes();
    bytes.len() == 19
        && bytes.iter().enumerate().all(|(i, b)| {
            if i % 5 == 4 {
                *b == b'-'
            } else {
                ALPHABET.contains(b)
            }
        })
}

/// Writes the low 80 bits of `value` as `XXXX-XXXX-XXXX-XXXX`.
fn encode(value: u128) -> String {
    let mut out = String::with_capacity(19);
    for digit in 0..16 {
        if digit > 0 && digit % 4 == 0 {
            out.push('-');
        }
        let shift = 5 * (15 - digit);
        out.push(ALPHABET[((value >> shift) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn has_the_seed_format() {
        let uid = new_message_uid(1_764_000_000_000);
        assert!(is_message_uid(&uid), "{uid}");
        assert!(is_message_uid("BETR-GIM7-TN05-89QU"));
        assert!(is_message_uid("5FGT-7VA9-G4DD-4V5P"));
        assert!(!is_message_uid("BETR-GIM7-TN05-89Q"));
        assert!(!is_message_uid("betr-gim7-tn05-89qu"));
        assert!(!is_message_uid("BETRXGIM7-TN05-89QU"));
    }

    #[test]
    fn is_unique_within_one_millisecond() {
        let uids: HashSet<String> = (0..10_000).map(|_| new_message_uid(42)).collect();
        assert_eq!(uids.len(), 10_000);
    }

    #[test]
    fn the_first_uid_of_a_time_separates_earlier_from_later_stamps() {
        let boundary = first_uid_at(5_000);
        assert!(is_message_uid(&boundary));
        for _ in 0..100 {
            assert!(new_message_uid(4_999) < boundary);
            assert!(new_message_uid(5_000) >= boundary);
            assert!(new_message_uid(5_001) > boundary);
        }
        assert_eq!(first_uid_at(-1), first_uid_at(0));
    }

    #[test]
    fn later_times_sort_later() {
        let earlier = new_message_uid(1_000);
        let later = new_message_uid(2_000);
        assert!(earlier < later);
    }
}
