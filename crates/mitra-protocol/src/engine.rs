//! The per-document sync engine: the narrow seam the server's hot path goes through.
//!
//! [`DocumentEngine`] is everything the server needs from a document: apply a
//! peer's sync message, produce the next sync message for a peer, and hand
//! over the change bytes that still have to be made durable. The first
//! implementation, [`AutomergeEngine`], keeps a full automerge document; an
//! engine that works on the change graph alone can replace it without the
//! rest of the server noticing.

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash};

/// Why an engine refused input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The bytes are not a valid automerge sync message.
    #[error("invalid sync message: {0}")]
    InvalidSyncMessage(String),
    /// The sync message decoded but its changes could not be applied.
    #[error("cannot apply changes: {0}")]
    Apply(String),
    /// Stored data for the document does not load.
    #[error("stored document does not load: {0}")]
    Load(String),
    /// A peer's saved sync state does not decode.
    #[error("invalid saved sync state: {0}")]
    SyncState(String),
}

/// A document as the sync server sees it.
pub trait DocumentEngine: Send + 'static {
    /// What the engine remembers about one peer's sync session.
    type PeerState: Send + 'static;

    /// A fresh sync session with a peer we know nothing about.
    fn new_peer_state(&self) -> Self::PeerState;

    /// A session resumed from bytes saved by [`DocumentEngine::encode_peer_state`].
    fn decode_peer_state(&self, bytes: &[u8]) -> Result<Self::PeerState, EngineError>;

    /// The part of a session worth saving across connections (the shared heads).
    fn encode_peer_state(&self, state: &Self::PeerState) -> Vec<u8>;

    /// Applies a sync message from a peer. Changes become part of the
    /// document in memory but must not be revealed before they are durable:
    /// see [`DocumentEngine::take_unpersisted`].
    fn receive(&mut self, peer: &mut Self::PeerState, message: &[u8]) -> Result<(), EngineError>;

    /// The next sync message for a peer, if there is anything to say.
    fn generate(&mut self, peer: &mut Self::PeerState) -> Option<Vec<u8>>;

    /// The heads the peer last told us it has, if it said anything yet.
    fn peer_heads(&self, peer: &Self::PeerState) -> Option<Vec<ChangeHash>>;

    /// Our current heads (including changes not yet durable).
    fn heads(&self) -> Vec<ChangeHash>;

    /// True when the document has no changes at all.
    fn is_empty(&self) -> bool;

    /// The change bytes received since the last durable point, if any. The
    /// caller persists them and then calls [`DocumentEngine::mark_persisted`].
    fn take_unpersisted(&mut self) -> Option<Vec<u8>>;

    /// Everything handed out by the last [`DocumentEngine::take_unpersisted`] is durable.
    fn mark_persisted(&mut self);

    /// True when every change in the document is durable.
    fn is_durable(&self) -> bool;
}

/// A [`DocumentEngine`] backed by a full in-memory automerge document.
pub struct AutomergeEngine {
    /// The document, including changes not yet durable.
    doc: Automerge,
    /// Heads as of the last durable point.
    persisted_heads: Vec<ChangeHash>,
    /// Heads handed out by `take_unpersisted`, durable once `mark_persisted` is called.
    pending_heads: Option<Vec<ChangeHash>>,
}

impl AutomergeEngine {
    /// An empty document.
    pub fn new() -> Self {
        Self {
            doc: Automerge::new(),
            persisted_heads: Vec::new(),
            pending_heads: None,
        }
    }

    /// Loads a document from stored bytes: an optional snapshot and the chunks
    /// appended after it, in order. Everything loaded counts as durable.
    pub fn load<'a>(
        snapshot: Option<&[u8]>,
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, EngineError> {
        let mut doc = match snapshot {
            Some(bytes) => Automerge::load(bytes).map_err(|e| EngineError::Load(e.to_string()))?,
            None => Automerge::new(),
        };
        for chunk in chunks {
            doc.load_incremental(chunk)
                .map_err(|e| EngineError::Load(e.to_string()))?;
        }
        let persisted_heads = doc.get_heads();
        Ok(Self {
            doc,
            persisted_heads,
            pending_heads: None,
        })
    }

    /// The whole document, compressed (what compaction stores as a snapshot).
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }

    /// Read access to the document, for tests and tools.
    pub fn document(&self) -> &Automerge {
        &self.doc
    }
}

impl Default for AutomergeEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl DocumentEngine for AutomergeEngine {
    type PeerState = sync::State;

    fn new_peer_state(&self) -> sync::State {
        sync::State::new()
    }

    fn decode_peer_state(&self, bytes: &[u8]) -> Result<sync::State, EngineError> {
        sync::State::decode(bytes).map_err(|e| EngineError::SyncState(e.to_string()))
    }

    fn encode_peer_state(&self, state: &sync::State) -> Vec<u8> {
        state.encode()
    }

    fn receive(&mut self, peer: &mut sync::State, message: &[u8]) -> Result<(), EngineError> {
        let message = sync::Message::decode(message)
            .map_err(|e| EngineError::InvalidSyncMessage(e.to_string()))?;
        self.doc
            .receive_sync_message(peer, message)
            .map_err(|e| EngineError::Apply(e.to_string()))
    }

    fn generate(&mut self, peer: &mut sync::State) -> Option<Vec<u8>> {
        self.doc.generate_sync_message(peer).map(|m| m.encode())
    }

    fn peer_heads(&self, peer: &sync::State) -> Option<Vec<ChangeHash>> {
        peer.their_heads.clone()
    }

    fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn is_empty(&self) -> bool {
        self.doc.get_heads().is_empty()
    }

    fn take_unpersisted(&mut self) -> Option<Vec<u8>> {
        let heads = self.doc.get_heads();
        if heads == self.persisted_heads {
            return None;
        }
        let bytes = self.doc.save_after(&self.persisted_heads);
        self.pending_heads = Some(heads);
        if bytes.is_empty() { None } else { Some(bytes) }
    }

    fn mark_persisted(&mut self) {
        if let Some(heads) = self.pending_heads.take() {
            self.persisted_heads = heads;
        }
    }

    fn is_durable(&self) -> bool {
        self.doc.get_heads() == self.persisted_heads
    }
}
