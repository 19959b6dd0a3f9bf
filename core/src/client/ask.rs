//! Asking the server: one request, one answer, through the live session.

use super::{await_reply, connected};
use crate::engine::Engine;
use crate::error::{ImError, ImResult};
use crate::session::Command;
use improto::request::Body as Ask;
use improto::response::Body as Answer;
use tokio::sync::oneshot;

/// Sends `body` to the server and awaits its answer (30001 when not connected, 30003 without
/// an answer in time, the server's code when refused).
pub(super) async fn ask(engine: &Engine, body: Ask) -> ImResult<Option<Answer>> {
    let (session, _, _) = connected(engine)?;
    let (reply, answer) = oneshot::channel();
    session
        .send(Command::Request { body, reply })
        .await
        .map_err(|_| ImError::not_connected())?;
    let response = await_reply(answer, engine.options.request_timeout()).await?;
    if response.code != 0 {
        return Err(ImError::new(
            response.code,
            "the server refused the request",
        ));
    }
    Ok(response.body)
}

/// The error for a server answer of the wrong kind.
pub(super) fn unexpected_answer(to: &str) -> ImError {
    ImError::new(
        crate::error::code::UNKNOWN,
        format!("unexpected answer to a {to}"),
    )
}
