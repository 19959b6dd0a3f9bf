//! The Server API signature: `Signature = hex(SHA1(appSecret + Nonce + Timestamp))`.
//!
//! Header names are matched case-insensitively, with or without an `RC-` prefix
//! (server-api.md §1.2). Nonces and timestamps are opaque here; [`super::freshness`] holds the
//! opt-in checks of their freshness.

use axum::http::HeaderMap;
use sha1::{Digest, Sha1};

use super::constant_time_eq;

/// The four signature headers of one Server API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `App-Key` / `RC-App-Key`.
    pub app_key: Option<String>,
    /// `Nonce` / `RC-Nonce`.
    pub nonce: String,
    /// `Timestamp` / `RC-Timestamp`.
    pub timestamp: String,
    /// `Signature` / `RC-Signature`.
    pub signature: String,
}

impl SignedHeaders {
    /// Reads the signature headers; absent ones become empty (and fail verification).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        SignedHeaders {
            app_key: header(headers, "app-key"),
            nonce: header(headers, "nonce").unwrap_or_default(),
            timestamp: header(headers, "timestamp").unwrap_or_default(),
            signature: header(headers, "signature").unwrap_or_default(),
        }
    }

    /// Whether the signature matches `app_secret` (hex compared case-insensitively).
    pub fn is_signed_by(&self, app_secret: &str) -> bool {
        self.verified_digest(app_secret).is_some()
    }

    /// The signature's SHA-1 digest if it matches `app_secret`, compared in constant time
    /// (hex read case-insensitively); it identifies the request's nonce and timestamp.
    pub fn verified_digest(&self, app_secret: &str) -> Option<[u8; 20]> {
        let expected = digest(app_secret, &self.nonce, &self.timestamp);
        let mut given = [0u8; 20];
        hex::decode_to_slice(self.signature.trim(), &mut given).ok()?;
        constant_time_eq(&expected, &given).then_some(expected)
    }
}

/// Computes the lowercase hex signature for `app_secret`, `nonce` and `timestamp`.
pub fn sign(app_secret: &str, nonce: &str, timestamp: &str) -> String {
    hex::encode(digest(app_secret, nonce, timestamp))
}

/// `SHA1(appSecret + Nonce + Timestamp)`.
fn digest(app_secret: &str, nonce: &str, timestamp: &str) -> [u8; 20] {
    let mut hasher = Sha1::new();
    hasher.update(app_secret.as_bytes());
    hasher.update(nonce.as_bytes());
    hasher.update(timestamp.as_bytes());
    hasher.finalize().into()
}

/// Looks `name` up case-insensitively, then `RC-<name>`; non-UTF-8 values count as absent.
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefixed = format!("rc-{name}");
    [name, prefixed.as_str()].iter().find_map(|n| {
        headers
            .get(*n)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn matches_the_captured_node_request() {
        let h = headers(&[
            ("App-Key", "appkey123"),
            ("Nonce", "11073896"),
            ("Timestamp", "1795642435"),
            ("Signature", "a5773d1173bd50d208b0810863cb15847d226b7d"),
        ]);
        let signed = SignedHeaders::from_headers(&h);
        assert_eq!(signed.app_key.as_deref(), Some("appkey123"));
        assert!(signed.is_signed_by("secret"));
        assert!(!signed.is_signed_by("other"));
    }

    #[test]
    fn accepts_lowercase_rc_prefixed_headers_with_millisecond_timestamps() {
        let h = headers(&[
            ("rc-app-key", "appkey123"),
            ("rc-nonce", "0.8427968487070429"),
            ("rc-timestamp", "1795642422000"),
            ("rc-signature", "ca244876671c4877b9ac6bd8fb6e407912bf00d2"),
        ]);
        let signed = SignedHeaders::from_headers(&h);
        assert_eq!(signed.app_key.as_deref(), Some("appkey123"));
        assert!(signed.is_signed_by("secret"));
    }

    #[test]
    fn compares_hex_case_insensitively() {
        let sig = sign("secret", "1.2E-4", "1795642435").to_uppercase();
        let h = headers(&[
            ("APP-KEY", "k"),
            ("NONCE", "1.2E-4"),
            ("TIMESTAMP", "1795642435"),
            ("SIGNATURE", &sig),
        ]);
        assert!(SignedHeaders::from_headers(&h).is_signed_by("secret"));
    }

    #[test]
    fn rejects_missing_or_tampered_headers() {
        assert!(!SignedHeaders::from_headers(&HeaderMap::new()).is_signed_by("secret"));
        let sig = sign("secret", "1", "2");
        let h = headers(&[("Nonce", "1"), ("Timestamp", "3"), ("Signature", &sig)]);
        assert!(!SignedHeaders::from_headers(&h).is_signed_by("secret"));
    }
}
