//! Helpers shared by the in-process server tests: a server on a temporary directory, WebSocket
//! frames and signed Server API calls.

#![allow(dead_code)] // each test file uses a different subset

pub mod process;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use improto::{Body, Connect, ConnectAck, Platform, decode, encode};
use imserver::auth::signature::sign;
use imserver::{Config, Ready, run};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// A client WebSocket to the server under test.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Sends one frame.
pub async fn send(ws: &mut Ws, body: Body) {
    ws.send(Message::Binary(encode(body).into())).await.unwrap();
}

/// The next frame, skipping control messages; panics after 5 s or on close.
pub async fn recv(ws: &mut Ws) -> Body {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Binary(bytes))) => return decode(&bytes).unwrap(),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("expected a frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("no frame within 5 s")
}

/// Pings over the connection and expects the matching `Pong` as the next frame: the connection
/// is still served, and nothing else was queued on it before.
pub async fn expect_alive(ws: &mut Ws, nonce: u64) {
    send(ws, Body::Ping(improto::Ping { nonce })).await;
    match recv(ws).await {
        Body::Pong(pong) => assert_eq!(pong.nonce, nonce),
        other => panic!("expected Pong, got {other:?}"),
    }
}

/// Pulls up to `limit` inbox entries after `after_seq` and returns the answer.
pub async fn pull(ws: &mut Ws, request_id: u64, after_seq: u64, limit: u32) -> improto::Delivery {
    let request = improto::Pull {
        request_id,
        after_seq,
        limit,
        ..Default::default()
    };
    send(ws, Body::Pull(request)).await;
    match recv(ws).await {
        Body::Delivery(page) if page.pull_request_id == request_id => page,
        other => panic!("expected the answer to pull {request_id}, got {other:?}"),
    }
}

/// The next frame, which must be a `SendAck`.
pub async fn recv_send_ack(ws: &mut Ws) -> improto::SendAck {
    match recv(ws).await {
        Body::SendAck(ack) => ack,
        other => panic!("expected SendAck, got {other:?}"),
    }
}

/// The next frame, which must be a push (not a pull answer) of one inbox entry.
pub async fn recv_pushed(ws: &mut Ws) -> improto::InboxMessage {
    match recv(ws).await {
        Body::Delivery(mut d) if d.pull_request_id == 0 && d.messages.len() == 1 => {
            d.messages.remove(0)
        }
        other => panic!("expected a push of one entry, got {other:?}"),
    }
}

/// The `SendAck` of a newly stored message and, right after it on the sending connection, the
/// push of the sender's own entry of that message.
pub async fn recv_ack_and_own_entry(ws: &mut Ws) -> (improto::SendAck, improto::InboxMessage) {
    let ack = recv_send_ack(ws).await;
    assert_eq!(ack.code, 0, "{ack:?}");
    let own = recv_pushed(ws).await;
    assert_eq!(own.message_uid, ack.message_uid);
    (ack, own)
}

/// Sends `text_message(request_id, to, key)` and reads its `SendAck` and the push of the
/// sender's own entry that follows; returns the sender's entry.
pub async fn send_text(ws: &mut Ws, request_id: u64, to: &str, key: &str) -> improto::InboxMessage {
    send(ws, text_message(request_id, to, key)).await;
    recv_ack_and_own_entry(ws).await.1
}

/// Sends a `Request` with `body` and returns its `Response`, skipping pushes that arrive first.
pub async fn request(
    ws: &mut Ws,
    request_id: u64,
    body: improto::request::Body,
) -> improto::Response {
    let request = improto::Request {
        request_id,
        body: Some(body),
    };
    send(ws, Body::Request(request)).await;
    loop {
        match recv(ws).await {
            Body::Response(response) => {
                assert_eq!(response.request_id, request_id);
                return response;
            }
            Body::Delivery(push) if push.pull_request_id == 0 => continue,
            other => panic!("expected Response {request_id}, got {other:?}"),
        }
    }
}

/// A successful `Response`'s body.
pub async fn request_ok(
    ws: &mut Ws,
    request_id: u64,
    body: improto::request::Body,
) -> Option<improto::response::Body> {
    let response = request(ws, request_id, body).await;
    assert_eq!(response.code, 0, "{response:?}");
    response.body
}

/// A page of the private chat with `target_id` (order 0: before `timestamp`, newest first; 1:
/// after it, oldest first).
pub async fn history(
    ws: &mut Ws,
    request_id: u64,
    target_id: &str,
    timestamp: i64,
    count: u32,
    order: i32,
) -> improto::HistoryPage {
    let query = improto::HistoryQuery {
        conversation_type: 1,
        target_id: target_id.into(),
        timestamp,
        count,
        order,
    };
    match request_ok(ws, request_id, improto::request::Body::History(query)).await {
        Some(improto::response::Body::History(page)) => page,
        other => panic!("expected a history page, got {other:?}"),
    }
}

/// A page of the conversation list: `count` conversations before `before_time`.
pub async fn conversation_list(
    ws: &mut Ws,
    request_id: u64,
    count: u32,
    before_time: i64,
) -> improto::ConversationList {
    let query = improto::ConversationListQuery { count, before_time };
    match request_ok(
        ws,
        request_id,
        improto::request::Body::ConversationList(query),
    )
    .await
    {
        Some(improto::response::Body::ConversationList(list)) => list,
        other => panic!("expected a conversation list, got {other:?}"),
    }
}

/// A persisted, counted text message with content `{"content":"message <request_id>"}`.
pub fn text_message(request_id: u64, to: &str, client_message_id: &str) -> Body {
    Body::Send(improto::Send {
        request_id,
        conversation_type: 1,
        target_id: to.into(),
        object_name: "RC:TxtMsg".into(),
        content: format!(r#"{{"content":"message {request_id}"}}"#),
        client_message_id: client_message_id.into(),
        persisted: true,
        counted: true,
        ..Default::default()
    })
}

/// Reads until the server closes the connection; returns the `Close` frame it sent first.
pub async fn expect_closed(ws: &mut Ws) -> Option<improto::Close> {
    let mut close = None;
    tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Binary(bytes) = message
                && let Ok(Body::Close(c)) = decode(&bytes)
            {
                close = Some(c);
            }
        }
    })
    .await
    .expect("connection not closed within 5 s");
    close
}

/// POSTs `form` to the Server API at `addr`, signed with `key` / `secret`; returns
/// (HTTP status, JSON).
pub async fn post_signed(
    addr: SocketAddr,
    key: &str,
    secret: &str,
    path: &str,
    form: &str,
) -> (u16, serde_json::Value) {
    post_signed_at(addr, (key, secret), path, form, ("12345", "1795642435")).await
}

/// [`post_signed`] with the given `(nonce, timestamp)` headers.
pub async fn post_signed_at(
    addr: SocketAddr,
    (key, secret): (&str, &str),
    path: &str,
    form: &str,
    (nonce, timestamp): (&str, &str),
) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .header("App-Key", key)
        .header("Nonce", nonce)
        .header("Timestamp", timestamp)
        .header("Signature", sign(secret, nonce, timestamp))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A server running in-process on a temporary data directory; stops when dropped or `stop`ped.
pub struct TestServer {
    /// Address and app of the running server.
    pub ready: Ready,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), imserver::ServerError>>>,
    dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server allowing several connections per user and platform (`--multi-device`).
    pub async fn start_multi_device() -> Self {
        Self::start_with(|config| config.multi_device = true).await
    }

    /// A server whose default configuration `adjust` changes.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), adjust).await
    }

    /// A server on the data directory `dir` (e.g. one an earlier server left).
    pub async fn start_in(dir: tempfile::TempDir, adjust: impl FnOnce(&mut Config)) -> Self {
        let (ready_tx, ready_rx) = oneshot::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let mut config = Config::for_data_dir(dir.path());
        // Tests send and ask in bursts; the ones about those rate limits set them again.
        config.max_sends_per_second = 0;
        config.max_requests_per_second = 0;
        adjust(&mut config);
        let task = tokio::spawn(run(config, ready_tx, async {
            let _ = stopped.await;
        }));
        let ready = ready_rx.await.expect("server did not start");
        TestServer {
            ready,
            stop: Some(stop),
            task: Some(task),
            dir: Some(dir),
        }
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.ready.addr
    }

    /// The app served.
    pub fn app_key(&self) -> &str {
        &self.ready.app.key
    }

    /// A connection to the server's database file, for inspection.
    pub fn database(&self) -> rusqlite::Connection {
        let dir = self.dir.as_ref().expect("server running");
        rusqlite::Connection::open(dir.path().join(imserver::store::sqlite::DATABASE_FILE)).unwrap()
    }

    /// Stops the server (waiting for it) and returns its data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.dir.take().unwrap()
    }

    /// POSTs `form` to the Server API, signed with the app's secret; returns (HTTP status, JSON).
    pub async fn api(&self, path: &str, form: &str) -> (u16, serde_json::Value) {
        let app = &self.ready.app;
        self.api_as(&app.key, &app.secret, path, form).await
    }

    /// POSTs `form` to the Server API, expecting `{"code":200}`; returns the reply.
    pub async fn api_ok(&self, path: &str, form: &str) -> serde_json::Value {
        let (status, json) = self.api(path, form).await;
        assert_eq!(
            (status, json["code"].as_i64()),
            (200, Some(200)),
            "{path} {form}: {json}"
        );
        json
    }

    /// POSTs `form` to the Server API, expecting a refusal; returns its code.
    pub async fn api_refused(&self, path: &str, form: &str) -> i64 {
        let (status, json) = self.api(path, form).await;
        assert_eq!(status, 400, "{path} {form}: {json}");
        json["code"].as_i64().expect("a code")
    }

    /// POSTs `form` to the Server API signed with `key` / `secret`.
    pub async fn api_as(
        &self,
        key: &str,
        secret: &str,
        path: &str,
        form: &str,
    ) -> (u16, serde_json::Value) {
        post_signed(self.addr(), key, secret, path, form).await
    }

    /// A token for `user_id` from `/user/getToken.json`.
    pub async fn token(&self, user_id: &str) -> String {
        let (status, json) = self
            .api("/user/getToken.json", &format!("userId={user_id}&name="))
            .await;
        assert_eq!((status, json["code"].as_i64()), (200, Some(200)), "{json}");
        assert_eq!(json["userId"], user_id);
        json["token"].as_str().unwrap().to_owned()
    }

    /// Opens a WebSocket without sending anything.
    pub async fn open(&self) -> Ws {
        let (ws, _) = connect_async(format!("ws://{}/ws", self.addr()))
            .await
            .unwrap();
        ws
    }

    /// Opens a desktop connection of `device-1` and sends `Connect`; returns the connection with
    /// the `ConnectAck`.
    pub async fn connect(&self, token: &str) -> (Ws, ConnectAck) {
        self.connect_as(token, Platform::Desktop as i32, "device-1")
            .await
    }

    /// Opens a connection of `device_id` on `platform` and sends `Connect`; returns the
    /// connection with the `ConnectAck`.
    pub async fn connect_as(
        &self,
        token: &str,
        platform: i32,
        device_id: &str,
    ) -> (Ws, ConnectAck) {
        let mut ws = self.open().await;
        let connect = Connect {
            token: token.into(),
            app_key: self.app_key().into(),
            platform,
            protocol_version: improto::PROTOCOL_VERSION,
            device_id: device_id.into(),
        };
        send(&mut ws, Body::Connect(connect)).await;
        match recv(&mut ws).await {
            Body::ConnectAck(ack) => (ws, ack),
            other => panic!("expected ConnectAck, got {other:?}"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The `imserver` binary as a child process serving app `app` (secret `secret`); killed on
/// drop.
pub struct ServerBinary {
    child: Child,
    /// `127.0.0.1:PORT` it listens on.
    pub addr: String,
}

impl ServerBinary {
    /// Starts it on `data_dir` with the extra arguments `args` and `stderr` as its stderr.
    pub fn start(data_dir: &std::path::Path, args: &[&str], stderr: Stdio) -> ServerBinary {
        Self::spawn(
            Command::new(env!("CARGO_BIN_EXE_imserver")),
            data_dir,
            args,
            stderr,
        )
    }

    /// Starts it like [`ServerBinary::start`] with stderr discarded, unable to grow any file
    /// past `max_file_bytes` (`ulimit -f`; a write beyond it fails with EFBIG, as on a full
    /// disk, instead of raising SIGXFSZ).
    pub fn start_with_file_limit(
        data_dir: &std::path::Path,
        args: &[&str],
        max_file_bytes: u64,
    ) -> ServerBinary {
        let mut limited = Command::new("sh");
        limited.args([
            "-c",
            r#"trap '' XFSZ; ulimit -f "$0"; exec "$@""#,
            &(max_file_bytes / 512).to_string(),
            env!("CARGO_BIN_EXE_imserver"),
        ]);
        Self::spawn(limited, data_dir, args, Stdio::null())
    }

    fn spawn(
        mut command: Command,
        data_dir: &std::path::Path,
        args: &[&str],
        stderr: Stdio,
    ) -> ServerBinary {
        let mut child = command
            .args(["--data-dir", &data_dir.to_string_lossy()])
            .args(["--listen", "127.0.0.1:0"])
            .args(["--app-key", "app", "--app-secret", "secret"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn imserver");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split_whitespace()
            .skip_while(|w| *w != "on")
            .nth(1)
            .unwrap_or_else(|| panic!("no ready line from imserver: {line:?}"))
            .to_owned();
        ServerBinary { child, addr }
    }

    /// A token for `user_id` from `/user/getToken.json`.
    pub async fn token(&self, user_id: &str) -> String {
        let addr = self.addr.parse().unwrap();
        let form = format!("userId={user_id}&name={user_id}");
        let (status, json) = post_signed(addr, "app", "secret", "/user/getToken.json", &form).await;
        assert_eq!((status, json["code"].as_i64()), (200, Some(200)), "{json}");
        json["token"].as_str().unwrap().to_owned()
    }

    /// A desktop connection of `device-1` with a successful `ConnectAck`.
    pub async fn connect(&self, token: &str) -> Ws {
        let url = format!("ws://{}/ws", self.addr);
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let connect = improto::Connect {
            token: token.into(),
            app_key: "app".into(),
            platform: improto::Platform::Desktop as i32,
            protocol_version: improto::PROTOCOL_VERSION,
            device_id: "device-1".into(),
        };
        send(&mut ws, improto::Body::Connect(connect)).await;
        match recv(&mut ws).await {
            improto::Body::ConnectAck(ack) => assert_eq!(ack.code, 0, "{ack:?}"),
            other => panic!("expected ConnectAck, got {other:?}"),
        }
        ws
    }

    /// The process id, to read its memory use from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for ServerBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
