//! One raw-protocol connection: frames written and read as `improto` bodies, for load
//! generators that speak the wire protocol without an engine.

use futures_util::{SinkExt, StreamExt};
use improto::{Body, Connect, PROTOCOL_VERSION};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A client WebSocket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens a WebSocket to `url` and authenticates as the owner of `token` from `device_id`;
/// with `echo` the peer is a bare echo server, and the echo of `Connect` stands for its answer.
pub async fn open(
    url: &str,
    app_key: &str,
    token: &str,
    device_id: &str,
    echo: bool,
) -> Result<Socket, String> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let connect = Body::Connect(Connect {
        token: token.to_owned(),
        app_key: app_key.to_owned(),
        platform: improto::Platform::Desktop as i32,
        protocol_version: PROTOCOL_VERSION,
        device_id: device_id.to_owned(),
    });
    write(&mut socket, connect).await?;
    match next_frame(&mut socket).await? {
        Body::ConnectAck(ack) if ack.code == 0 => Ok(socket),
        Body::Connect(_) if echo => Ok(socket),
        other => Err(format!("no ConnectAck: {other:?}")),
    }
}

/// Writes one frame.
pub async fn write(socket: &mut Socket, body: Body) -> Result<(), String> {
    socket
        .send(Message::Binary(improto::encode(body).into()))
        .await
        .map_err(|e| format!("write: {e}"))
}

/// The next frame, skipping WebSocket control messages.
pub async fn next_frame(socket: &mut Socket) -> Result<Body, String> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                return improto::decode(&bytes).map_err(|e| format!("decode: {e}"));
            }
            Some(Ok(Message::Close(_))) | None => return Err("connection closed".into()),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(format!("read: {e}")),
        }
    }
}
