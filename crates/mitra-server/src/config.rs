//! Server configuration: where to listen, where data lives, and every limit.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use mitra_access::AccessOptions;
use mitra_storage::StorageUrl;

/// Everything the server needs to start. Every field has a sensible default.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Where documents are stored (default: SQLite in the data directory).
    pub storage: StorageUrl,
    /// Limits that keep one client from hurting the others.
    pub limits: Limits,
    /// How long a document with no peers stays in memory before it is evicted.
    pub document_idle_timeout: Duration,
    /// Compact a document when its appended chunks exceed both this many bytes
    /// and the size of its snapshot.
    pub compaction_threshold_bytes: usize,
    /// How long shutdown waits for connections and documents to finish.
    pub shutdown_deadline: Duration,
    /// How long a request for a document nobody has waits before it is
    /// answered `doc-unavailable` (covers a creator's upload racing a finder's request).
    pub unavailable_grace: Duration,
    /// The browser client's built files; `None` looks in the usual places
    /// (see [`crate::web`]).
    pub web_dir: Option<PathBuf>,
    /// The address people open (an absolute http or https URL such as
    /// `https://mitra.example.org`, checked by the `mitra` command), when
    /// configured; for checks of the browser's `Origin`.
    pub public_url: Option<String>,
    /// Whether `/sync` requires credentials (see [`AuthMode`]).
    pub auth: AuthMode,
    /// The data directory: where `access.sqlite3` lives when
    /// [`AuthMode::Required`] (also with PostgreSQL storage).
    pub data_dir: PathBuf,
    /// How the access store is opened: session lifetime, and its clock
    /// (tests move a manual clock to expire invitations).
    pub access_options: AccessOptions,
}

/// Whether connections must authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// No authentication: anyone who can reach the server reads and changes
    /// every document. For local trials only (the default until the browser
    /// client can sign in).
    #[default]
    Open,
    /// Every WebSocket upgrade must carry an API token (`?token=`) or a
    /// session cookie, and every document message is checked against the
    /// access store (`access.sqlite3` in the data directory).
    Required,
}

/// Limits on connections and messages.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest protocol message accepted; a bigger one closes the connection with 1009.
    pub max_message_bytes: usize,
    /// Largest single WebSocket frame accepted.
    pub max_frame_bytes: usize,
    /// Most simultaneous connections; more are refused with HTTP 503.
    pub max_connections: usize,
    /// Messages queued for one connection before it counts as too slow and is disconnected.
    pub outbound_queue: usize,
    /// Commands queued for one document before senders wait (backpressure).
    pub document_queue: usize,
    /// Documents one connection may have open; more closes it (1008).
    pub max_documents_per_connection: usize,
    /// Time a new connection has to send `join`.
    pub handshake_timeout: Duration,
    /// Interval between pings to each connection.
    pub ping_interval: Duration,
    /// A connection that sends nothing at all (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
    /// A single write to a socket that takes longer than this disconnects the peer.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 4 * 1024 * 1024,
            max_frame_bytes: 4 * 1024 * 1024,
            max_connections: 10_000,
            outbound_queue: 1024,
            document_queue: 1024,
            max_documents_per_connection: 10_000,
            handshake_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(10),
        }
    }
}

impl ServerConfig {
    /// The defaults, listening on `listen` with SQLite in `data_dir`.
    pub fn new(listen: SocketAddr, data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            listen,
            storage: StorageUrl::sqlite(data_dir.clone()),
            limits: Limits::default(),
            document_idle_timeout: Duration::from_secs(300),
            compaction_threshold_bytes: 256 * 1024,
            shutdown_deadline: Duration::from_secs(10),
            unavailable_grace: Duration::from_millis(250),
            web_dir: None,
            public_url: None,
            auth: AuthMode::Open,
            data_dir,
            access_options: AccessOptions::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::new(SocketAddr::from(([127, 0, 0, 1], 8080)), "mitra-data")
    }
}
