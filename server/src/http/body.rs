//! Reading a Server API request's body, bounded in bytes and in time. Signed endpoints read it
//! only once the signature headers are checked (`signed.rs`), so an unauthenticated peer
//! never makes the server hold a body.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::reply::{ApiError, PARAMETER_ERROR, PARAMETER_TOO_LONG};

/// How much of a body is read, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// Largest body, in bytes.
    pub max_bytes: usize,
    /// Time allowed for the whole body once the headers are in.
    pub timeout: Duration,
}

impl BodyLimits {
    /// Reads `body` (whose request had `headers`): HTTP 413 with code 1005 if it is, or says
    /// it is, over [`BodyLimits::max_bytes`] (unread in the latter case), HTTP 408 with code
    /// 1002 if it is not in within [`BodyLimits::timeout`].
    pub async fn read(&self, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > self.max_bytes as u64) {
            return Err(self.too_large());
        }
        let collected =
            tokio::time::timeout(self.timeout, Limited::new(body, self.max_bytes).collect())
                .await
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::REQUEST_TIMEOUT,
                        PARAMETER_ERROR,
                        format!("request body not received within {:?}", self.timeout),
                    )
                })?;
        match collected {
            Ok(body) => Ok(body.to_bytes()),
            Err(e) if e.is::<LengthLimitError>() => Err(self.too_large()),
            Err(e) => Err(ApiError::parameter(format!(
                "request body could not be read: {e}"
            ))),
        }
    }

    /// 1005, HTTP 413.
    fn too_large(&self) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            PARAMETER_TOO_LONG,
            format!("request body is larger than {} bytes", self.max_bytes),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: BodyLimits = BodyLimits {
        max_bytes: 8,
        timeout: Duration::from_secs(1),
    };

    #[tokio::test]
    async fn reads_bodies_up_to_the_cap_and_refuses_larger_ones() {
        let read = LIMITS
            .read(&HeaderMap::new(), Body::from("12345678"))
            .await
            .unwrap();
        assert_eq!(&read[..], b"12345678");
        let refused = LIMITS
            .read(&HeaderMap::new(), Body::from("123456789"))
            .await
            .unwrap_err();
        assert_eq!(
            (refused.status, refused.code),
            (StatusCode::PAYLOAD_TOO_LARGE, 1005)
        );
    }

    #[tokio::test]
    async fn refuses_a_declared_length_over_the_cap_without_reading() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, "2000000".parse().unwrap());
        // A body that never ends: reading it would hang.
        let endless =
            Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
        let refused = LIMITS.read(&headers, endless).await.unwrap_err();
        assert_eq!(refused.code, 1005);
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_a_slow_body() {
        let endless =
            Body::from_stream(futures_util::stream::pending::<Result<Bytes, std::io::Error>>());
        let refused = LIMITS.read(&HeaderMap::new(), endless).await.unwrap_err();
        assert_eq!(
            (refused.status, refused.code),
            (StatusCode::REQUEST_TIMEOUT, 1002)
        );
    }
}
