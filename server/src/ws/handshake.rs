//! The first frame: `Connect`, checked and answered with `ConnectAck`.

use std::time::Duration;

use improto::kinds::platform;
use improto::{Body, Connect, ConnectAck};

use super::codes;
use super::outbox::Outbox;
use super::session::{End, Incoming, read};
use crate::auth::token::{self, TokenError};
use crate::clock::now_ms;
use crate::state::ServerState;

/// How long a new connection may take to send `Connect`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Who an authenticated connection belongs to.
#[derive(Debug, Clone)]
pub struct Identity {
    /// App the user belongs to.
    pub app_key: String,
    /// Authenticated user.
    pub user_id: String,
    /// Client installation id from `Connect` (may be empty).
    pub device_id: String,
    /// `Connect.platform`: one of [`platform::ALL`] (1 desktop, 2 mobile, 3 web).
    pub platform: i32,
    /// When the connection's token was issued, ms.
    pub issued_at_ms: i64,
}

/// Waits for `Connect`, authenticates it and queues the `ConnectAck`.
pub async fn accept(
    stream: &mut Incoming,
    state: &ServerState,
    queue: &Outbox,
) -> Result<Identity, End> {
    let connect = tokio::time::timeout(CONNECT_TIMEOUT, async {
        loop {
            match read(stream).await? {
                None => continue,
                Some(Body::Connect(connect)) => return Ok(connect),
                Some(_) => return Err(End::protocol_violation("the first frame must be Connect")),
            }
        }
    })
    .await
    .map_err(|_| End::close(codes::IDLE_TIMEOUT, 1008, "no Connect within 10 s"))??;

    let identity = match authenticate(state, connect) {
        Ok(identity) => identity,
        Err((code, reason)) => {
            send_ack(queue, code, String::new(), (0, 0)).await;
            return Err(End::close(code, 1008, reason));
        }
    };
    let inbox_seq = state
        .store
        .inbox_seq(identity.app_key.clone(), identity.user_id.clone())
        .await;
    match inbox_seq {
        Ok(seq) => {
            let inbox = (seq, state.store.inbox_epoch());
            send_ack(queue, codes::OK, identity.user_id.clone(), inbox).await;
            Ok(identity)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read inbox sequence");
            send_ack(queue, codes::SIGNAL_FAILED, String::new(), (0, 0)).await;
            Err(End::close(
                codes::SIGNAL_FAILED,
                1011,
                "storage unavailable",
            ))
        }
    }
}

/// Checks the app key, platform, device id and token of `connect`; on failure, the code and reason to
/// reject with.
fn authenticate(state: &ServerState, connect: Connect) -> Result<Identity, (i32, &'static str)> {
    let Some(app) = state.apps.get(&connect.app_key) else {
        return Err((codes::APP_KEY_REJECTED, "unknown app key"));
    };
    // One login per user and platform: a made-up platform would be a login of its own.
    if !platform::ALL.contains(&connect.platform) {
        return Err((codes::UNSUPPORTED_PLATFORM, "unsupported platform"));
    }
    // Each device id is a row of the user's acknowledged positions.
    if connect.device_id.len() > improto::limits::MAX_DEVICE_ID_BYTES {
        return Err((codes::INVALID_PARAMETER, "device id too long"));
    }
    let now = now_ms();
    match token::verify(&app.key, &app.secret, &connect.token, now) {
        Ok(claims) => {
            let refused =
                state
                    .restrictions
                    .refusal(&app.key, &claims.user_id, claims.issued_at_ms, now);
            if let Some(refusal) = refused {
                return Err(refusal);
            }
            Ok(Identity {
                app_key: app.key.clone(),
                user_id: claims.user_id,
                device_id: connect.device_id,
                platform: connect.platform,
                issued_at_ms: claims.issued_at_ms,
            })
        }
        Err(TokenError::Expired) => Err((codes::TOKEN_EXPIRED, "token expired")),
        Err(TokenError::Malformed | TokenError::BadMac) => {
            Err((codes::TOKEN_INCORRECT, "token invalid"))
        }
    }
}

/// Queues a `ConnectAck` with the user's inbox sequence and the store's epoch.
async fn send_ack(
    queue: &Outbox,
    code: i32,
    user_id: String,
    (inbox_seq, inbox_epoch): (u64, u64),
) {
    let ack = ConnectAck {
        code,
        user_id,
        server_time: now_ms(),
        inbox_seq,
        inbox_epoch,
    };
    // A failed send means the socket writer is gone; the session ends anyway.
    queue.reply(Body::ConnectAck(ack)).await;
}
