//! Authentication: Server API request signatures (and their opt-in freshness checks) and
//! client connection tokens.

pub mod freshness;
pub mod signature;
pub mod token;

use subtle::ConstantTimeEq;

/// Compares two byte strings in time independent of their contents (lengths are not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
