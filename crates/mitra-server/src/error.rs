//! The server's typed errors.

use mitra_storage::StorageError;

/// Why the server could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Storage could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The access store (`access.sqlite3`) could not be opened.
    #[error("opening the access store: {0}")]
    Access(#[from] mitra_access::AccessError),
    /// Any other IO error.
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}
