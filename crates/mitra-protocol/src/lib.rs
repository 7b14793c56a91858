//! Sans-IO core of the Mitra sync server.
//!
//! This crate knows nothing of sockets, tasks, clocks or randomness: time and
//! random bytes are passed in, and every effect (sending bytes, persisting
//! changes, closing a connection) is returned as data for the caller to carry
//! out. That makes everything here testable deterministically.
//!
//! - [`ids`]: document, peer and storage ids.
//! - [`wire`]: the automerge-repo WebSocket messages and their CBOR codec.

pub mod ids;
pub mod wire;

pub use ids::{DocumentId, DocumentIdError, PeerId, StorageId};
