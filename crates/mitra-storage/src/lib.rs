//! Durable storage for Mitra documents.
//!
//! - [`Storage`]: the fallible async trait the server writes through. Every
//!   method returns only once its effect is durable (or has failed), which is
//!   what lets the server keep its rule "nothing is revealed before it is
//!   durable".
//! - [`StorageError`]: the typed error every backend returns.
//! - [`sqlite`]: the embedded default backend, one SQLite file in WAL mode
//!   with `synchronous=FULL`, with group commit of concurrent appends.
//! - [`postgres`]: the PostgreSQL backend (`tokio-postgres` with a
//!   `deadpool-postgres` pool), with the same semantics, for operators who
//!   already run PostgreSQL.
//! - [`StorageUrl`] and [`open`]: choosing a backend by URL
//!   (`sqlite://DATA_DIR` or `postgres://USER@HOST:PORT/DATABASE`).
//!
//! A document is stored as an optional compacted snapshot (an automerge
//! `save()`) plus the change chunks appended since, in arrival order.
//! Compaction replaces the snapshot and removes the chunks it covers in one
//! transaction, so history is never lost.

pub mod postgres;
pub mod sqlite;
mod url;

use async_trait::async_trait;
use mitra_protocol::{DocumentId, StorageId};

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;
pub use url::{StorageUrl, StorageUrlError, open, redact_url};

/// Position of an appended chunk in a document's log; increases with every append.
pub type ChunkSeq = i64;

/// Everything stored for one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredDocument {
    /// The compacted snapshot, if the document was ever compacted.
    pub snapshot: Option<Vec<u8>>,
    /// Chunks appended after the snapshot, oldest first, with their sequence numbers.
    pub chunks: Vec<(ChunkSeq, Vec<u8>)>,
}

impl StoredDocument {
    /// Total bytes of the snapshot and all chunks.
    pub fn total_bytes(&self) -> usize {
        self.snapshot.as_ref().map_or(0, Vec::len)
            + self.chunks.iter().map(|(_, c)| c.len()).sum::<usize>()
    }

    /// Bytes held in appended chunks (not yet folded into the snapshot).
    pub fn chunk_bytes(&self) -> usize {
        self.chunks.iter().map(|(_, c)| c.len()).sum()
    }
}

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The backend could not be opened (path, permissions, schema).
    #[error("cannot open storage: {0}")]
    Open(String),
    /// The database reported an error while reading or writing.
    #[error("database error: {0}")]
    Database(String),
    /// An operating-system IO error (disk full, permissions).
    #[error("storage io error: {0}")]
    Io(#[from] std::io::Error),
    /// The storage worker has stopped (the server is shutting down or it crashed).
    #[error("storage is closed")]
    Closed,
    /// Stored data is not what it should be.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database cannot be reached right now (refused, lost or timed-out
    /// connection, database shutting down); the same call may succeed later.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

/// Durable storage for documents and peers' saved sync state.
///
/// Every method is durable on `Ok`: once it returns, a crash of the process
/// (or the machine, given honest disks) does not lose the effect.
///
/// A write whose future is dropped before it resolves may still take effect
/// (the request may already be with the backend); only `Ok` promises it did.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// The stable id this storage advertises to peers (created on first open).
    fn storage_id(&self) -> &StorageId;

    /// Everything stored for a document, or `None` when nothing is.
    async fn load(&self, document: &DocumentId) -> Result<Option<StoredDocument>, StorageError>;

    /// Appends change bytes to a document's log, returning its sequence number
    /// once durable. Concurrent appends (for any documents) share one commit.
    async fn append(&self, document: &DocumentId, bytes: Vec<u8>)
    -> Result<ChunkSeq, StorageError>;

    /// Atomically stores `snapshot` as the document's snapshot and removes
    /// every chunk with a sequence number `<= through`. The snapshot must
    /// contain every change of those chunks.
    async fn compact(
        &self,
        document: &DocumentId,
        snapshot: Vec<u8>,
        through: ChunkSeq,
    ) -> Result<(), StorageError>;

    /// The saved sync state of a peer (by its storage id) for a document.
    async fn load_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
    ) -> Result<Option<Vec<u8>>, StorageError>;

    /// Saves the sync state of a peer (by its storage id) for a document.
    async fn save_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
        state: Vec<u8>,
    ) -> Result<(), StorageError>;

    /// Every saved sync state of a document, by peer storage id, in peer
    /// order (for backups and moving data between backends).
    async fn list_sync_states(
        &self,
        document: &DocumentId,
    ) -> Result<Vec<(StorageId, Vec<u8>)>, StorageError>;

    /// Ids of every stored document.
    async fn list_documents(&self) -> Result<Vec<DocumentId>, StorageError>;

    /// Checks the backend is reachable and writable (for readiness probes).
    async fn check(&self) -> Result<(), StorageError>;

    /// Writes accepted but not yet answered (a gauge for metrics).
    fn pending_writes(&self) -> usize {
        0
    }

    /// Finishes every accepted write, then releases the backend. Calls after
    /// it fail with [`StorageError::Closed`].
    async fn close(&self);
}
