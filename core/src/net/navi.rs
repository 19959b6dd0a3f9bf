//! Navigation: asks the `navi` server which WebSocket servers to use.

use crate::error::{ImError, ImResult, code};
use improto::limits::MAX_NAVI_ANSWER_BYTES;
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize)]
struct NaviAnswer {
    code: i32,
    #[serde(default)]
    servers: Vec<String>,
}

/// The answer's body, refused (30008) past [`MAX_NAVI_ANSWER_BYTES`] before more is read.
async fn read_bounded(mut response: reqwest::Response) -> ImResult<Vec<u8>> {
    let too_large = || {
        ImError::new(
            code::NAVI_RESPONSE_INVALID,
            format!("navi answer exceeds {MAX_NAVI_ANSWER_BYTES} bytes"),
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_NAVI_ANSWER_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ImError::new(code::NAVI_REQUEST_FAILED, format!("navi answer: {e}")))?
    {
        if body.len() + chunk.len() > MAX_NAVI_ANSWER_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The WebSocket URLs listed by `GET {navi}/navi.json?appKey=…`, in preference order.
pub(crate) async fn resolve(navi_base: &str, app_key: &str) -> ImResult<Vec<String>> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .map_err(|e| ImError::new(code::NAVI_REQUEST_FAILED, format!("navi client: {e}")))?;
    let response = http
        .get(format!("{navi_base}/navi.json"))
        .query(&[("appKey", app_key)])
        .send()
        .await
        .map_err(|e| ImError::new(code::NAVI_REQUEST_FAILED, format!("navi request: {e}")))?;
    let status = response.status();
    let body = read_bounded(response).await?;
    let answer: NaviAnswer = serde_json::from_slice(&body).map_err(|e| {
        ImError::new(
            code::NAVI_RESPONSE_INVALID,
            format!("navi answer ({status}): {e}"),
        )
    })?;
    match answer.code {
        200 => {}
        1001 => {
            return Err(ImError::new(
                code::APP_KEY_REJECTED,
                "navi: unknown app key",
            ));
        }
        other => {
            return Err(ImError::new(
                code::NAVI_RESPONSE_INVALID,
                format!("navi answered code {other}"),
            ));
        }
    }
    let servers: Vec<String> = answer
        .servers
        .into_iter()
        .filter(|s| s.starts_with("ws://") || s.starts_with("wss://"))
        .collect();
    if servers.is_empty() {
        return Err(ImError::new(
            code::NAVI_NO_SERVER,
            "navi listed no WebSocket server",
        ));
    }
    Ok(servers)
}
