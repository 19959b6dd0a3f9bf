//! Starting, running and stopping the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};

use crate::apps::{App, Apps};
use crate::auth::freshness::Freshness;
use crate::clock::now_ms;
use crate::config::Config;
use crate::conn::{self, Limits};
use crate::http::body::BodyLimits;
use crate::hub::Hub;
use crate::public_url::PublicUrls;
use crate::restrictions::Restrictions;
use crate::state::ServerState;
use crate::store::sqlite::{OpenOptions, SqliteStore};
use crate::store::{Storage, StoreError};
use crate::{http, ws};

/// How often old inbox entries are purged (also once at start).
const PURGE_INTERVAL: Duration = Duration::from_secs(3600);
/// How long shutdown waits for open WebSocket sessions to close.
const SESSION_DRAIN: Duration = Duration::from_secs(5);
/// Milliseconds per day.
const DAY_MS: i64 = 86_400_000;

/// What a started server tells its caller.
#[derive(Debug, Clone)]
pub struct Ready {
    /// Address actually bound (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// The app served (configured, or the development app).
    pub app: App,
}

impl Ready {
    /// The line printed on stdout once listening, which tests parse.
    pub fn banner(&self) -> String {
        format!(
            "imserver listening on {} app_key={} app_secret={}",
            self.addr, self.app.key, self.app.secret
        )
    }
}

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database could not be opened or used.
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// Binding or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the server until `shutdown` completes. `ready` receives the bound address and app as
/// soon as the server accepts connections.
pub async fn run(
    config: Config,
    ready: oneshot::Sender<Ready>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let data_dir = config.data_dir.clone();
    let options = OpenOptions {
        durability: config.durability,
        new_epoch: config.new_epoch,
    };
    let store = tokio::task::spawn_blocking(move || SqliteStore::open_with(&data_dir, options))
        .await
        .map_err(|_| StoreError::Closed)??;
    let store: Arc<dyn Storage> = Arc::new(store);
    let configured = config
        .app_key
        .clone()
        .zip(config.app_secret.clone())
        .map(|(key, secret)| App { key, secret });
    let app = store.resolve_app(configured).await?;
    let restrictions = Restrictions::from_stored(store.load_restrictions(now_ms()).await?);

    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (stop_sessions, shutdown_seen) = watch::channel(false);
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let state = Arc::new(ServerState {
        apps: Apps::new([app.clone()]),
        store: store.clone(),
        hub: Arc::new(Hub::default()),
        freshness: Freshness::new(config.signature_max_skew_secs, config.reject_replayed_nonce),
        groups: Arc::default(),
        max_group_members: config.max_group_members,
        restrictions,
        multi_device: config.multi_device,
        session: ws::limits::SessionLimits::from_config(&config),
        token_ttl_ms: i64::from(config.token_ttl_days) * DAY_MS,
        body_limits: BodyLimits {
            max_bytes: config.max_body_bytes,
            timeout: config.body_timeout,
        },
        public_urls: PublicUrls::new(&config.public_urls, addr),
        connections: connections.clone(),
        shutdown: shutdown_seen,
    });
    let purger = tokio::spawn(purge_periodically(
        store.clone(),
        i64::from(config.offline_retention_days) * DAY_MS,
    ));
    let router = Router::new()
        .route("/ws", get(ws::upgrade))
        .fallback(http::dispatch)
        .with_state(state);

    tracing::info!(%addr, app_key = %app.key, "listening");
    // The caller may not care to be told.
    let _ = ready.send(Ready { addr, app });
    let limits = Limits {
        header_timeout: config.header_timeout,
        idle_timeout: config.idle_timeout,
        max_unauthenticated_per_ip: config.max_unauthenticated_per_ip,
    };
    conn::serve(listener, router, limits, async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop_sessions.send(true);
    })
    .await;

    let all = u32::try_from(config.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(SESSION_DRAIN, connections.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("some WebSocket sessions did not close in time");
    }
    purger.abort();
    tokio::task::spawn_blocking(move || store.shutdown())
        .await
        .map_err(|_| StoreError::Closed)?;
    tracing::info!("stopped");
    Ok(())
}

/// Purges inbox entries older than `retention_ms`, now and every [`PURGE_INTERVAL`].
async fn purge_periodically(store: Arc<dyn Storage>, retention_ms: i64) {
    let mut ticks = tokio::time::interval(PURGE_INTERVAL);
    loop {
        ticks.tick().await;
        match store.purge_before(now_ms() - retention_ms).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged old inbox entries"),
            Err(e) => tracing::warn!(error = %e, "purging old inbox entries failed"),
        }
    }
}
