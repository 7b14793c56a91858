//! The per-document sync engine: the narrow seam the server's hot path goes through.
//!
//! [`DocumentEngine`] is everything the server needs from a document: apply a
//! peer's sync message, produce the next sync message for a peer, and hand
//! over the change bytes that still have to be made durable. The first
//! implementation, [`AutomergeEngine`], keeps a full automerge document; an
//! engine that works on the change graph alone can replace it without the
//! rest of the server noticing.

use automerge::sync::{self, Capability, MessageFlags, SyncDoc};
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

    /// Marks a peer's session read-only (or not): its changes are ignored.
    /// An engine that speaks sync-message flags also tells the peer (the
    /// automerge engine); one that never sends flags (the change-graph
    /// engine, to keep peers from sending whole-document chunks) cannot, and
    /// the server says so with an `error` message instead. The default does
    /// nothing.
    fn set_read_only(&self, peer: &mut Self::PeerState, read_only: bool) {
        let _ = (peer, read_only);
    }

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

/// Applies a sync message that carries no changes and whose heads we all
/// know: the acknowledgement every reader sends after every change.
///
/// This is automerge 0.12's `receive_sync_message` for that case, step by
/// step, but for its one costly step: trimming `sent_hashes` to what the peer
/// still lacks walks every ancestor of the peer's heads, the whole history
/// (about 2 ms per message on a 15k-change document, whatever the message).
/// Here the hashes the peer lacks come from automerge's per-actor clock of
/// its heads, which costs what is newer than those heads; when `sent_hashes`
/// is empty nothing is computed at all. The resulting state is the same (see
/// the tests).
/// What a received flags section tells a sync state, by automerge 0.12's
/// rule: a peer that sends flags takes V2 messages (and sync resets if it
/// says so); a reset flag clears what we sent; the read-only flag marks the
/// peer read-only. Shared by every engine that follows automerge's receive.
pub fn apply_peer_flags(state: &mut sync::State, flags: MessageFlags) {
    let mut capabilities = vec![Capability::MessageV2];
    if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
        capabilities.push(Capability::SyncReset);
    }
    state.their_capabilities = Some(capabilities);
    if flags.contains(MessageFlags::SYNC_RESET) {
        state.sent_hashes.clear();
    }
    state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
}

fn acknowledge(doc: &Automerge, state: &mut sync::State, message: sync::Message) {
    state.in_flight = false;
    if let Some(flags) = message.flags {
        apply_peer_flags(state, flags);
    }
    if !state.sent_hashes.is_empty() {
        let lacking: std::collections::HashSet<ChangeHash> = doc
            .get_changes_meta(&message.heads)
            .into_iter()
            .map(|meta| meta.hash)
            .collect();
        state.sent_hashes.retain(|hash| lacking.contains(hash));
    }
    if message.heads == doc.get_heads() {
        state.last_sent_heads.clone_from(&message.heads);
    }
    // Every head is known (checked by the caller).
    state.shared_heads.clone_from(&message.heads);
    if message.heads.is_empty() {
        state.last_sent_heads = Vec::new();
        state.sent_hashes.clear();
    }
    state.their_have = Some(message.have);
    state.their_heads = Some(message.heads);
    state.their_need = Some(message.need);
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

    fn set_read_only(&self, peer: &mut sync::State, read_only: bool) {
        peer.set_read_only(read_only);
    }

    fn receive(&mut self, peer: &mut sync::State, message: &[u8]) -> Result<(), EngineError> {
        let message = sync::Message::decode(message)
            .map_err(|e| EngineError::InvalidSyncMessage(e.to_string()))?;
        if message.changes.is_empty()
            && message
                .heads
                .iter()
                .all(|h| self.doc.get_change_meta_by_hash(h).is_some())
        {
            acknowledge(&self.doc, peer, message);
            return Ok(());
        }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::sync::{BloomFilter, Have};
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    /// Runs the fast acknowledgement and automerge's own receive on clones of
    /// the same state and checks the states end up identical.
    fn assert_same_as_automerge(doc: &Automerge, state: &sync::State, message: &sync::Message) {
        let mut ours = state.clone();
        let mut engine = AutomergeEngine {
            doc: doc.clone(),
            persisted_heads: doc.get_heads(),
            pending_heads: None,
        };
        engine
            .receive(&mut ours, &message.clone().encode())
            .unwrap();
        let mut theirs = state.clone();
        let mut reference = doc.clone();
        reference
            .receive_sync_message(
                &mut theirs,
                sync::Message::decode(&message.clone().encode()).unwrap(),
            )
            .unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(
            engine.generate(&mut ours),
            reference
                .generate_sync_message(&mut theirs)
                .map(|m| m.encode())
        );
        assert_eq!(ours, theirs);
    }

    #[test]
    fn fast_acknowledgement_matches_automerge_receive() {
        let mut writer = AutoCommit::new();
        let mut reader = AutoCommit::new();
        let mut server = Automerge::new();
        let mut server_writer = sync::State::new();
        let mut server_reader = sync::State::new();
        let mut writer_state = sync::State::new();
        let mut reader_state = sync::State::new();
        // Empty document, empty heads.
        let hello = reader
            .sync()
            .generate_sync_message(&mut reader_state)
            .unwrap();
        assert_same_as_automerge(&server, &server_reader, &hello);
        for round in 0..30 {
            writer.put(ROOT, format!("k{}", round % 7), round).unwrap();
            // writer -> server until quiet, server -> reader until quiet; at
            // every reader message that acknowledges our heads, compare.
            for _ in 0..10 {
                let mut quiet = true;
                if let Some(m) = writer.sync().generate_sync_message(&mut writer_state) {
                    server.receive_sync_message(&mut server_writer, m).unwrap();
                    quiet = false;
                }
                if let Some(m) = server.generate_sync_message(&mut server_writer) {
                    writer
                        .sync()
                        .receive_sync_message(&mut writer_state, m)
                        .unwrap();
                    quiet = false;
                }
                if let Some(m) = server.generate_sync_message(&mut server_reader) {
                    reader
                        .sync()
                        .receive_sync_message(&mut reader_state, m)
                        .unwrap();
                    quiet = false;
                }
                if let Some(m) = reader.sync().generate_sync_message(&mut reader_state) {
                    if m.changes.is_empty() && m.heads == server.get_heads() {
                        assert_same_as_automerge(&server, &server_reader, &m);
                    }
                    server.receive_sync_message(&mut server_reader, m).unwrap();
                    quiet = false;
                }
                if quiet {
                    break;
                }
            }
            assert_eq!(reader.get_heads(), writer.get_heads());
            // A stale acknowledgement: the reader's heads from before the
            // server moved on, while the server still has changes in flight.
            let stale_heads = server.get_heads();
            writer.put(ROOT, "extra", round).unwrap();
            let m = writer
                .sync()
                .generate_sync_message(&mut writer_state)
                .unwrap();
            server.receive_sync_message(&mut server_writer, m).unwrap();
            if let Some(m) = server.generate_sync_message(&mut server_reader) {
                let stale = sync::Message {
                    heads: stale_heads.clone(),
                    need: vec![],
                    have: vec![Have {
                        last_sync: stale_heads.clone(),
                        bloom: BloomFilter::default(),
                    }],
                    changes: sync::ChunkList::from(Vec::<Vec<u8>>::new()),
                    flags: None,
                    version: sync::MessageVersion::V1,
                };
                assert!(!server_reader.sent_hashes.is_empty());
                assert_same_as_automerge(&server, &server_reader, &stale);
                reader
                    .sync()
                    .receive_sync_message(&mut reader_state, m)
                    .unwrap();
            }
            // A reader that lost its session state and says only its heads.
            let bare = sync::Message {
                heads: server.get_heads(),
                need: vec![],
                have: vec![],
                changes: sync::ChunkList::from(Vec::<Vec<u8>>::new()),
                flags: None,
                version: sync::MessageVersion::V1,
            };
            assert_same_as_automerge(&server, &server_reader, &bare);
            assert_same_as_automerge(&server, &sync::State::new(), &bare);
        }
    }
}
