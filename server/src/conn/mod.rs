//! Serving HTTP connections (and the WebSocket upgrades on them) with bounds on what a slow,
//! idle or unauthenticated peer can hold: header and idle deadlines ([`deadline`]), a per-IP
//! cap on unauthenticated connections ([`admission`]) and an accept loop that backs off
//! instead of spinning when the process runs out of file descriptors ([`accept`]).
//!
//! `axum::serve` offers none of these hooks, so connections are served here with hyper's own
//! HTTP/1 server; the router sees every request with [`ConnectInfo`], [`ArrivedOn`] and the
//! connection's [`admission::Admitted`] in its extensions.

pub mod accept;
pub mod admission;
pub mod deadline;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use accept::{Acceptor, ThrottledLog};
use admission::{Admission, Admitted};
use deadline::{Deadline, TimedIo};

/// The local address a request's connection was accepted on (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrivedOn(pub SocketAddr);

/// The bounds every connection is served under (see `Config` for each).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for a request's headers, from its first byte or the connection's start.
    pub header_timeout: Duration,
    /// Time a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Unauthenticated connections one IP address may hold.
    pub max_unauthenticated_per_ip: u32,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting, lets each
/// connection finish its request in progress (within its deadlines) and returns. Upgraded
/// (WebSocket) connections are not waited for here.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let admission = Admission::new(limits.max_unauthenticated_per_ip);
    let mut acceptor = Acceptor::new(listener);
    let mut refusals = ThrottledLog::default();
    // Each connection task holds a receiver: `closed` tells when the last one has ended.
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = acceptor.accept() => accepted,
            () = &mut shutdown => break,
        };
        let Some(unauthenticated) = admission.admit(peer.ip()) else {
            if let Some(refused) = refusals.record() {
                tracing::warn!(
                    ip = %peer.ip(),
                    refused,
                    "too many unauthenticated connections from one address; closing new ones"
                );
            }
            continue;
        };
        let connection = Connection {
            peer,
            admitted: Admitted::new(unauthenticated),
            deadline: Deadline::start(limits.header_timeout, limits.idle_timeout),
        };
        tokio::spawn(connection.serve(tcp, router.clone(), stopping.clone()));
    }
    drop(acceptor);
    drop(stopping);
    // Only fails without receivers, when there is nothing to wait for.
    let _ = stop.send(true);
    stop.closed().await;
}

/// One accepted connection.
struct Connection {
    peer: SocketAddr,
    admitted: Admitted,
    deadline: Deadline,
}

impl Connection {
    /// Serves the connection's requests until it closes, its deadline passes, or (after the
    /// server starts stopping) its request in progress is answered.
    async fn serve(self, tcp: TcpStream, router: Router, mut stopping: watch::Receiver<bool>) {
        // Small frames must leave at once: Nagle's algorithm would hold pushes and acks back.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY: {e}");
        }
        let Ok(local) = tcp.local_addr() else {
            return;
        };
        let Connection {
            peer,
            admitted,
            deadline,
        } = self;
        let io = TokioIo::new(TimedIo::new(tcp, deadline.clone()));
        let requests = deadline.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            requests.request_started();
            let extensions = request.extensions_mut();
            extensions.insert(ConnectInfo(peer));
            extensions.insert(ArrivedOn(local));
            extensions.insert(admitted.clone());
            let answered = requests.clone();
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(axum::body::Body::new)).await;
                answered.request_answered();
                response
            }
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        // The header timeout is the connection's deadline's; hyper's own would also cut idle
        // keep-alive connections at the header timeout.
        http.timer(TokioTimer::new()).header_read_timeout(None);
        let connection = http.serve_connection(io, service).with_upgrades();
        tokio::pin!(connection);
        let mut stop_asked = false;
        loop {
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(e) = served {
                        tracing::debug!(%peer, error = %e, "HTTP connection failed");
                    }
                    break;
                }
                () = deadline.passed() => {
                    tracing::debug!(%peer, "HTTP connection too slow or idle; closing");
                    break;
                }
                () = stop_requested(&mut stopping), if !stop_asked => {
                    stop_asked = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Completes once the server starts stopping (or is gone).
async fn stop_requested(stopping: &mut watch::Receiver<bool>) {
    // The guard returned by `wait_for` must not live across an await.
    let _ = stopping.wait_for(|stop| *stop).await.map(|_| ());
}
