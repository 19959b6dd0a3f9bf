//! The WebSocket carrying protobuf frames, and the authentication handshake on it.

use crate::error::{ImError, ImResult, code};
use futures_util::{SinkExt, StreamExt};
use improto::{Body, Connect, ConnectAck};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open WebSocket to imserver.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long the server has to acknowledge `Connect` (seed: 10 s).
const CONNECT_ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Read buffer of the socket; frames are small, and larger ones simply take several reads.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Opens a WebSocket to `url`.
pub(crate) async fn open(url: &str) -> ImResult<Socket> {
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(improto::MAX_FRAME_BYTES);
    config.max_frame_size = Some(improto::MAX_FRAME_BYTES);
    // tungstenite zero-fills its whole read buffer before each read: keep it small.
    config.read_buffer_size = READ_BUFFER_BYTES;
    let connecting = tokio_tungstenite::connect_async_with_config(url, Some(config), true);
    let (socket, _) = tokio::time::timeout(CONNECT_ACK_TIMEOUT, connecting)
        .await
        .map_err(|_| ImError::new(code::SOCKET_FAILED, format!("{url}: timed out")))?
        .map_err(|e| ImError::new(code::SOCKET_FAILED, format!("{url}: {e}")))?;
    Ok(socket)
}

/// Sends one frame.
pub(crate) async fn send(socket: &mut Socket, body: Body) -> ImResult<()> {
    socket
        .send(WsMessage::Binary(improto::encode(body).into()))
        .await
        .map_err(|e| ImError::new(code::CONNECTION_LOST, format!("send: {e}")))
}

/// Outcome of reading the socket.
pub(crate) enum Incoming {
    /// A decoded frame.
    Frame(Body),
    /// Nothing useful (ping/pong control frames).
    Nothing,
    /// The connection is over, with the reason.
    Closed(String),
}

/// Interprets one WebSocket read.
pub(crate) fn interpret(
    read: Option<Result<WsMessage, tokio_tungstenite::tungstenite::Error>>,
) -> Incoming {
    match read {
        None => Incoming::Closed("socket closed".into()),
        Some(Err(e)) => Incoming::Closed(format!("socket error: {e}")),
        Some(Ok(WsMessage::Binary(bytes))) => match improto::decode(&bytes) {
            Ok(body) => Incoming::Frame(body),
            Err(e) => Incoming::Closed(format!("bad frame from server: {e}")),
        },
        Some(Ok(WsMessage::Close(frame))) => {
            Incoming::Closed(format!("closed by server: {frame:?}"))
        }
        Some(Ok(WsMessage::Text(_))) => Incoming::Closed("unexpected text frame".into()),
        Some(Ok(_)) => Incoming::Nothing,
    }
}

/// Authenticates with `token`; the server's refusal codes become errors.
pub(crate) async fn authenticate(socket: &mut Socket, connect: Connect) -> ImResult<ConnectAck> {
    send(socket, Body::Connect(connect)).await?;
    let wait = async {
        loop {
            match interpret(socket.next().await) {
                Incoming::Frame(Body::ConnectAck(ack)) => return Ok(ack),
                Incoming::Frame(Body::Close(close)) => {
                    return Err(ImError::new(
                        close.code,
                        format!("refused: {}", close.reason),
                    ));
                }
                Incoming::Frame(_) | Incoming::Nothing => continue,
                Incoming::Closed(reason) => return Err(ImError::new(code::SOCKET_FAILED, reason)),
            }
        }
    };
    let ack = tokio::time::timeout(CONNECT_ACK_TIMEOUT, wait)
        .await
        .map_err(|_| ImError::new(code::CONNECT_ACK_TIMEOUT, "no answer to connect"))??;
    if ack.code != 0 {
        return Err(ImError::new(ack.code, "server refused the connection"));
    }
    if ack.inbox_seq > improto::limits::MAX_INBOX_SEQ || !improto::ids::is_valid(&ack.user_id) {
        return Err(ImError::new(
            code::PROTOCOL_VIOLATION,
            "the server's ConnectAck holds an impossible user id or inbox sequence",
        ));
    }
    Ok(ack)
}
