//! Starting and stopping the server: bind, accept, shut down gracefully.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use dashmap::DashSet;
use mitra_protocol::{ConnectionId, DocumentId, PeerId, ServerIdentity};
use mitra_storage::Storage;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::{FailureLimiter, UsernameLimiter};
use crate::config::{AuthMode, ServerConfig};
use crate::documents::DocumentRegistry;
use crate::error::ServerError;
use crate::http;
use crate::metrics::Metrics;
use crate::peers::PeerRegistry;
use crate::web::WebClient;
use mitra_access::AccessStore;

/// State shared by every task of one server.
pub struct Shared {
    /// Who the server is on the wire.
    pub identity: ServerIdentity,
    /// The configuration it was started with.
    pub config: ServerConfig,
    /// Durable storage.
    pub storage: Arc<dyn Storage>,
    /// Joined peers.
    pub peers: PeerRegistry,
    /// Documents in memory.
    pub documents: DocumentRegistry,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// The browser client's static files.
    pub web: WebClient,
    /// Cancelled when the server starts shutting down.
    pub shutdown: CancellationToken,
    /// WebSocket connection tasks.
    pub connections: TaskTracker,
    /// Document actors and background work.
    pub tasks: TaskTracker,
    /// Documents being compacted right now.
    pub compacting: DashSet<DocumentId>,
    /// Bounds concurrent compactions (CPU and memory heavy).
    pub compaction_slots: Semaphore,
    /// Bounds simultaneous connections.
    pub connection_slots: Arc<Semaphore>,
    /// The access store, when authentication is required (`None`: open mode).
    pub access: Option<Arc<AccessStore>>,
    /// Failed authentications per client address (WebSocket upgrades,
    /// sign-ins, setup secrets, invitation secrets, API tokens).
    pub auth_failures: FailureLimiter,
    /// Every sign-in, setup, invitation and token-creating API request per
    /// client address, failed or not (see [`crate::api::MAX_ATTEMPTS`]).
    pub api_attempts: FailureLimiter,
    /// Failed sign-ins per username, from any address.
    pub sign_in_failures: UsernameLimiter,
    /// Source of connection ids.
    next_connection: AtomicU64,
    /// True once storage is open and the listener is up.
    ready: AtomicBool,
    /// When the server started: the origin of the monotonic clock given to documents.
    started: std::time::Instant,
}

impl Shared {
    /// Loads a document from storage, timing it and counting the result in
    /// the storage metrics (`load`).
    pub async fn load_stored(
        &self,
        id: &mitra_protocol::DocumentId,
    ) -> Result<Option<mitra_storage::StoredDocument>, mitra_storage::StorageError> {
        let started = std::time::Instant::now();
        let result = self.storage.load(id).await;
        self.metrics
            .storage_result("load", started.elapsed(), &result);
        result
    }

    /// Milliseconds since the Unix epoch (for heads gossip timestamps).
    pub fn now_millis(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64)
    }

    /// Time since the server started (the clock of the sans-IO document state).
    pub fn clock(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    /// A fresh connection id.
    pub fn next_connection_id(&self) -> ConnectionId {
        ConnectionId(self.next_connection.fetch_add(1, Ordering::Relaxed))
    }

    /// True once the server accepts connections and storage is open.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed) && !self.shutdown.is_cancelled()
    }
}

/// A server bound to its address, not yet serving.
pub struct Server {
    shared: Arc<Shared>,
    listener: TcpListener,
}

impl Server {
    /// Opens storage under the data directory and binds the listen address.
    pub async fn bind(config: ServerConfig) -> Result<Server, ServerError> {
        let storage = mitra_storage::open(&config.storage).await?;
        Self::bind_with(config, storage).await
    }

    /// Binds the listen address and serves `storage`, already opened (the
    /// caller may have waited for it or written to it first);
    /// `config.storage` only names it.
    pub async fn bind_with(
        config: ServerConfig,
        storage: Arc<dyn Storage>,
    ) -> Result<Server, ServerError> {
        let access = match config.auth {
            AuthMode::Open => None,
            AuthMode::Required => {
                match AccessStore::open_with(&config.data_dir, config.access_options.clone()).await
                {
                    Ok(store) => Some(Arc::new(store)),
                    Err(e) => {
                        storage.close().await;
                        return Err(e.into());
                    }
                }
            }
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| ServerError::Bind {
                addr: config.listen,
                source,
            });
        let listener = match listener {
            Ok(listener) => listener,
            Err(e) => {
                if let Some(access) = &access {
                    access.close().await;
                }
                storage.close().await;
                return Err(e);
            }
        };
        let storage_id = storage.storage_id().clone();
        let identity = ServerIdentity {
            peer_id: PeerId::new(format!("mitra-{}", rand::random::<u64>())),
            storage_id,
        };
        let shared = Arc::new(Shared {
            identity,
            storage,
            peers: PeerRegistry::default(),
            documents: DocumentRegistry::default(),
            metrics: Metrics::new(),
            web: WebClient::locate(config.web_dir.as_deref()),
            shutdown: CancellationToken::new(),
            connections: TaskTracker::new(),
            tasks: TaskTracker::new(),
            compacting: DashSet::new(),
            compaction_slots: Semaphore::new(1),
            connection_slots: Arc::new(Semaphore::new(config.limits.max_connections)),
            access,
            auth_failures: FailureLimiter::default(),
            api_attempts: FailureLimiter::new(crate::api::MAX_ATTEMPTS, crate::api::ATTEMPT_WINDOW),
            sign_in_failures: UsernameLimiter::default(),
            next_connection: AtomicU64::new(1),
            ready: AtomicBool::new(false),
            started: std::time::Instant::now(),
            config,
        });
        shared.metrics.watch_storage(&shared.storage);
        Ok(Server { shared, listener })
    }

    /// Where the browser client is served from (`None`: it was not found).
    pub fn web_root(&self) -> Option<&std::path::Path> {
        self.shared.web.root()
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.shared.config.listen)
    }

    /// The server's shared state (for tests and embedding).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Serves until `shutdown` completes, then stops accepting, closes every
    /// connection with 1001, lets every document finish persisting, and
    /// returns within the configured deadline.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> Result<(), ServerError> {
        let Server { shared, listener } = self;
        shared.ready.store(true, Ordering::Relaxed);
        tracing::info!(addr = %listener.local_addr()?, storage_id = %shared.identity.storage_id,
            peer_id = %shared.identity.peer_id, "serving");
        if let Some(store) = &shared.access {
            shared.tasks.spawn(crate::auth::watch_revocations(
                Arc::clone(&shared),
                Arc::clone(store),
            ));
        } else {
            tracing::warn!(
                "authentication is off (auth = open): anyone who can reach this server can read and change every document; for local trials only"
            );
        }
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = shared.shutdown.cancelled() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, remote)) => {
                        let _ = stream.set_nodelay(true);
                        let conn_shared = Arc::clone(&shared);
                        shared.connections.spawn(http::serve_connection(conn_shared, stream, remote));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        shared.metrics.error("accept");
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                }
            }
        }
        drop(listener);
        tracing::info!("shutting down: closing connections");
        shared
            .peers
            .close_all(crate::peers::close_code::GOING_AWAY, "server shutting down");
        shared.shutdown.cancel();
        let deadline = tokio::time::Instant::now() + shared.config.shutdown_deadline;
        shared.connections.close();
        if tokio::time::timeout_at(deadline, shared.connections.wait())
            .await
            .is_err()
        {
            tracing::warn!("some connections did not close before the deadline");
        }
        shared.documents.close_all();
        shared.tasks.close();
        if tokio::time::timeout_at(deadline, shared.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("some documents did not finish before the deadline");
        }
        shared.storage.close().await;
        if let Some(store) = &shared.access {
            store.close().await;
        }
        tracing::info!("stopped");
        Ok(())
    }
}
