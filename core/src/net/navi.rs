//! Navigation: asks the `navi` server which WebSocket servers to use.

use crate::error::{ImError, ImResult, code};
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize)]
struct NaviAnswer {
    code: i32,
    #[serde(default)]
    servers: Vec<String>,
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
    let answer: NaviAnswer = response.json().await.map_err(|e| {
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
