//! Sans-IO core of the Mitra sync server.
//!
//! This crate knows nothing of sockets, tasks, clocks or randomness: time and
//! random bytes are passed in, and every effect (sending a message, persisting
//! changes, closing a connection) is returned as data for the caller to carry
//! out. That makes everything here testable deterministically, including the
//! many-peer simulation in `tests/simulation.rs`.
//!
//! - [`ids`]: document, peer and storage ids.
//! - [`wire`]: the automerge-repo WebSocket messages and their CBOR codec.
//! - [`session`]: one connection: the `join`/`peer` handshake and the checks
//!   on every later message.
//! - [`engine`]: the per-document sync engine seam ([`DocumentEngine`]) and
//!   its automerge implementation.
//! - [`document`]: one document's sessions with its peers ([`DocumentSync`]):
//!   requests, `doc-unavailable`, ephemeral relay, heads gossip, and the
//!   durability gate on everything sent.

pub mod document;
pub mod engine;
pub mod ids;
pub mod session;
pub mod wire;

pub use document::{ConnectionId, DocumentOutput, DocumentSync, PeerRef};
pub use engine::{AutomergeEngine, DocumentEngine, EngineError};
pub use ids::{DocumentId, DocumentIdError, PeerId, StorageId};
pub use session::{Joined, Routed, ServerIdentity, Session, Step};
pub use wire::{DecodeError, DocumentMessage, EphemeralMessage, Message, PeerMetadata};

/// Encodes change hashes the way automerge-repo writes heads: bs58check of the 32 bytes.
pub fn encode_heads(heads: &[automerge::ChangeHash]) -> Vec<String> {
    heads
        .iter()
        .map(|h| bs58::encode(h.0).with_check().into_string())
        .collect()
}
