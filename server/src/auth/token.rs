//! Connection tokens: `base64url(payload) "." base64url(HMAC-SHA256(key, app_key, payload))`.
//!
//! The payload is `version (1 byte) | issued_at_ms (i64 BE) | expires_at_ms (i64 BE) | user_id`.
//! The MAC key is `HMAC-SHA256(app_secret, "imserver-token-v1")` and the MAC also covers the app
//! key, so a token only opens connections to the app that issued it. With user ids of at most
//! 64 bytes a token stays under 150 bytes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::constant_time_eq;

/// Version byte at the start of every payload.
const VERSION: u8 = 1;
/// Bytes of the payload before the user id.
const HEADER_LEN: usize = 1 + 8 + 8;
/// Context string for deriving the MAC key from the app secret.
const KEY_CONTEXT: &[u8] = b"imserver-token-v1";

/// What a valid token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// User the token authenticates.
    pub user_id: String,
    /// Issue time, ms since the Unix epoch.
    pub issued_at_ms: i64,
    /// Expiry time, ms since the Unix epoch.
    pub expires_at_ms: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not in the token format.
    #[error("token is malformed")]
    Malformed,
    /// The MAC does not match: forged, altered or issued for another app.
    #[error("token signature does not match")]
    BadMac,
    /// Well-formed and genuine, but past its expiry.
    #[error("token has expired")]
    Expired,
}

/// Issues a token for `claims` under the app `app_key` / `app_secret`.
pub fn issue(app_key: &str, app_secret: &str, claims: &Claims) -> String {
    let mut payload = Vec::with_capacity(HEADER_LEN + claims.user_id.len());
    payload.push(VERSION);
    payload.extend_from_slice(&claims.issued_at_ms.to_be_bytes());
    payload.extend_from_slice(&claims.expires_at_ms.to_be_bytes());
    payload.extend_from_slice(claims.user_id.as_bytes());
    let mac = mac(app_key, app_secret, &payload);
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(mac)
    )
}

/// Checks `token` against the app `app_key` / `app_secret` at time `now_ms`.
pub fn verify(
    app_key: &str,
    app_secret: &str,
    token: &str,
    now_ms: i64,
) -> Result<Claims, TokenError> {
    let (payload_b64, mac_b64) = token.split_once('.').ok_or(TokenError::Malformed)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| TokenError::Malformed)?;
    let given_mac = URL_SAFE_NO_PAD
        .decode(mac_b64)
        .map_err(|_| TokenError::Malformed)?;
    if payload.len() <= HEADER_LEN || payload[0] != VERSION {
        return Err(TokenError::Malformed);
    }
    if !constant_time_eq(&mac(app_key, app_secret, &payload), &given_mac) {
        return Err(TokenError::BadMac);
    }
    let issued_at_ms = read_i64(&payload[1..9]);
    let expires_at_ms = read_i64(&payload[9..17]);
    let user_id =
        String::from_utf8(payload[HEADER_LEN..].to_vec()).map_err(|_| TokenError::Malformed)?;
    if now_ms >= expires_at_ms {
        return Err(TokenError::Expired);
    }
    Ok(Claims {
        user_id,
        issued_at_ms,
        expires_at_ms,
    })
}

/// Computes the MAC of `payload` for the app.
fn mac(app_key: &str, app_secret: &str, payload: &[u8]) -> Vec<u8> {
    let mut derive = new_hmac(app_secret.as_bytes());
    derive.update(KEY_CONTEXT);
    let key = derive.finalize().into_bytes();
    let mut mac = new_hmac(&key);
    mac.update(&(app_key.len() as u32).to_be_bytes());
    mac.update(app_key.as_bytes());
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

/// An HMAC-SHA256 instance keyed with `key` (any length is valid).
fn new_hmac(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of every length"),
    }
}

/// Reads a big-endian i64 from exactly eight bytes.
fn read_i64(bytes: &[u8]) -> i64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(bytes);
    i64::from_be_bytes(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    fn claims(user_id: &str) -> Claims {
        Claims {
            user_id: user_id.into(),
            issued_at_ms: NOW,
            expires_at_ms: NOW + 30 * 86_400_000,
        }
    }

    #[test]
    fn round_trips() {
        let token = issue("k", "s", &claims("alice"));
        assert_eq!(verify("k", "s", &token, NOW + 1), Ok(claims("alice")));
    }

    #[test]
    fn stays_under_256_bytes_and_url_safe_for_64_byte_user_ids() {
        let token = issue("k", "s", &claims(&"u".repeat(64)));
        assert!(token.len() <= 256, "{}", token.len());
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        );
    }

    #[test]
    fn refuses_forged_tokens() {
        let token = issue("k", "s", &claims("alice"));
        let (_, mac) = token.split_once('.').unwrap();
        let other_payload = issue("k", "s", &claims("mallory"));
        let (payload, _) = other_payload.split_once('.').unwrap();
        assert_eq!(
            verify("k", "s", &format!("{payload}.{mac}"), NOW),
            Err(TokenError::BadMac)
        );
        assert_eq!(
            verify("k", "s", &issue("k", "guess", &claims("alice")), NOW),
            Err(TokenError::BadMac)
        );
    }

    #[test]
    fn refuses_tokens_of_another_app() {
        let token = issue("k1", "s", &claims("alice"));
        assert_eq!(verify("k2", "s", &token, NOW), Err(TokenError::BadMac));
    }

    #[test]
    fn refuses_expired_tokens() {
        let token = issue("k", "s", &claims("alice"));
        assert_eq!(
            verify("k", "s", &token, NOW + 30 * 86_400_000),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn refuses_malformed_tokens() {
        for bad in ["", ".", "abc", "!!.??", "AQ.AA", "a.b.c"] {
            assert_eq!(
                verify("k", "s", bad, NOW),
                Err(TokenError::Malformed),
                "{bad}"
            );
        }
    }
}
