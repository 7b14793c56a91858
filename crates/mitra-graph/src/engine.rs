//! [`GraphEngine`]: automerge's sync protocol answered from the change graph.
//!
//! Generating and receiving follow automerge 0.12's `generate_sync_message`
//! and `receive_sync_message` (`src/sync.rs`) step by step, on the same
//! public [`sync::State`], so a peer cannot tell the difference, with three
//! deliberate exceptions:
//!
//! - **No flags section.** Automerge appends a flags section to every
//!   message; a peer that receives one marks the sender as able to take V2
//!   messages and may then send it a whole document in one chunk, which only
//!   a materialised document could read. This engine never sends flags, so
//!   peers always send it change chunks (a document chunk in a message is
//!   refused: [`crate::ChunkError::DocumentChunk`]). The price: it cannot
//!   tell a peer through flags that the session is read-only or reset. A
//!   read-only session's changes are simply not applied; a session
//!   switching from read-only to read-write sends empty heads once,
//!   automerge's own fallback for peers without flags, which makes the peer
//!   resend what it had sent. Like automerge, it records the capabilities a
//!   peer's flags advertise (`their_capabilities`).
//! - **Whole documents from the snapshot.** A fresh peer (empty heads) that
//!   takes V2 messages gets, like automerge's, one V2 message whose single
//!   chunk is the whole document; but instead of automerge's `save()` of
//!   the current document it is the stored snapshot the document was loaded
//!   from followed by the change chunks the snapshot does not hold (the
//!   peer's `load_incremental` reads both). Without a snapshot such a peer
//!   gets every change as its own chunk. Automerge also sends the whole
//!   document to a V2 peer lacking over a third of the changes; this engine
//!   only does for fresh peers. Every other message is V1.
//! - **Refusals are whole.** Every chunk of a message is parsed and checked
//!   (structure, checksum, kind, sequence numbers, queue bounds) before
//!   anything is applied or the session changes; automerge applies what it
//!   could parse and checks no checksum of a change chunk after the first.
//! - **No endless resets.** A peer whose saved sync state names changes
//!   this document lacks (a server restored from an old backup) gets
//!   automerge's reset message; if it then asks for changes we have while
//!   still naming the unknown ones (it cannot give them to us), automerge
//!   would reset again for ever. This engine then drops the unknown hashes
//!   from the peer's `last_sync` and answers normally, sending what the
//!   known part does not cover (`GraphEngine::answers_despite_unknown_sync`).
//!
//! Automerge decides which changes a peer lacks with a per-actor clock;
//! this engine walks the ancestors exactly, which gives the same answer for
//! every history automerge makes (an actor's change n is always an ancestor
//! of its change n + 1) and costs what differs.

use std::collections::{BTreeSet, HashSet};

use automerge::sync::{self, Capability};
use automerge::{Automerge, ChangeHash};
use mitra_protocol::engine::apply_peer_flags;
use mitra_protocol::{DocumentEngine, EngineError};

use crate::bloom;
use crate::chunk::{Chunk, ChunkKind, Chunks, ParsedChange, parse_change, parse_message_changes};
use crate::error::{GraphError, StoredPart};
use crate::graph::{Graph, QueueBounds};
use crate::wire::{HaveBytes, encode_document_message, encode_message};

/// Most changes that may wait for missing dependencies. A peer whose
/// message would queue more is refused (automerge's own queue is unbounded).
pub const MAX_QUEUED_CHANGES: usize = 4096;

/// Most bytes of changes that may wait for missing dependencies.
pub const MAX_QUEUED_BYTES: usize = 32 * 1024 * 1024;

/// Most bytes the deflated change chunks of one message may inflate to
/// (automerge peers send changes uncompressed; the server's messages are at
/// most a few megabytes).
pub const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;

/// A [`DocumentEngine`] that keeps raw change bytes and the change graph
/// instead of a materialised automerge document. Its peer state is
/// automerge's own [`sync::State`].
#[derive(Default)]
pub struct GraphEngine {
    /// The change graph, with every applied change's bytes.
    graph: Graph,
    /// Changes (from the start of the graph) that are durable.
    persisted: usize,
    /// Changes handed out by `take_unpersisted`, durable once `mark_persisted` is called.
    pending: Option<usize>,
    /// Reused: uncovered nodes of the walk in progress.
    nodes: Vec<u32>,
    /// Reused: the changes chosen for a message.
    chosen: Vec<u32>,
    /// The compacted snapshot the document was loaded from, if any: sent,
    /// with the changes it does not hold, to a fresh peer that takes V2
    /// messages.
    snapshot: Option<Snapshot>,
}

/// A saved document (one whole-document chunk) and the heads it holds.
struct Snapshot {
    /// The chunk, as stored.
    bytes: Vec<u8>,
    /// Its heads: every change it holds is one of them or an ancestor.
    heads: Vec<ChangeHash>,
}

impl GraphEngine {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a document from stored bytes: an optional snapshot and the
    /// chunks appended after it, in order (the inputs of
    /// [`mitra_protocol::AutomergeEngine::load`]). Everything loaded counts
    /// as durable. A snapshot that is one whole-document chunk is kept (with
    /// its heads) to answer fresh peers: see `sends_whole_document`.
    ///
    /// Change chunks are parsed directly. A whole-document chunk (a
    /// compacted snapshot) is materialised once with automerge to get its
    /// changes' bytes: on the paper-trace document (259,779 changes) that
    /// costs seconds, the price of a snapshot at load. Loading is strict: a
    /// damaged chunk is an error, never skipped.
    pub fn load<'a>(
        snapshot: Option<&[u8]>,
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, GraphError> {
        let mut engine = Self::new();
        if let Some(bytes) = snapshot {
            let heads = engine.load_piece(bytes, StoredPart::Snapshot)?;
            engine.snapshot = heads.map(|heads| Snapshot {
                bytes: bytes.to_vec(),
                heads,
            });
        }
        for (i, bytes) in chunks.into_iter().enumerate() {
            engine.load_piece(bytes, StoredPart::Chunk(i))?;
        }
        engine.persisted = engine.graph.len();
        Ok(engine)
    }

    /// Loads one stored piece the way `Automerge::load_incremental` would:
    /// its changes form one batch, except that a document chunk opening an
    /// empty document is taken in the document's own order. When the piece
    /// is exactly one document chunk opening the empty document, returns its
    /// heads (the piece can then be sent as it is to a fresh peer).
    fn load_piece(
        &mut self,
        bytes: &[u8],
        part: StoredPart,
    ) -> Result<Option<Vec<ChangeHash>>, GraphError> {
        let stored = |source| GraphError::Stored { part, source };
        let mut batch = Vec::new();
        let mut chunks = 0usize;
        let mut document_heads = None;
        for item in Chunks::new(bytes) {
            chunks += 1;
            let Chunk {
                index, kind, bytes, ..
            } = item.map_err(stored)?;
            match kind {
                ChunkKind::Change | ChunkKind::CompressedChange => {
                    batch.push(parse_change(index, bytes).map_err(stored)?);
                }
                ChunkKind::Document | ChunkKind::Bundle => {
                    let doc = Automerge::load(bytes).map_err(|e| GraphError::Materialise {
                        part,
                        reason: e.to_string(),
                    })?;
                    let changes = doc
                        .get_changes(&[])
                        .iter()
                        .map(ParsedChange::from_change)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(stored)?;
                    let opens_empty = index == 0
                        && kind == ChunkKind::Document
                        && self.graph.len() == 0
                        && self.graph.queued() == 0;
                    if opens_empty {
                        // Automerge rebuilds such a document in its own
                        // order, without sorting it as a batch.
                        self.graph.apply_in_order(changes).map_err(stored)?;
                        document_heads = Some(doc.get_heads());
                    } else {
                        batch.extend(changes);
                    }
                }
            }
        }
        self.graph.apply(batch, None).map_err(stored)?;
        let whole = document_heads.filter(|heads| {
            chunks == 1 && self.graph.queued() == 0 && heads.iter().all(|h| self.graph.contains(h))
        });
        Ok(whole)
    }

    /// Applies a peer's sync message: automerge's `receive_sync_message`,
    /// with the message refused as a whole (nothing applied, the session
    /// unchanged) if any of its chunks is bad.
    pub fn receive_message(
        &mut self,
        state: &mut sync::State,
        bytes: &[u8],
    ) -> Result<(), GraphError> {
        let message =
            sync::Message::decode(bytes).map_err(|e| GraphError::InvalidMessage(e.to_string()))?;
        for have in &message.have {
            bloom::check_filter(&have.bloom).map_err(GraphError::InvalidMessage)?;
        }
        let has_changes = !message.changes.is_empty();
        let apply = has_changes && !state.read_only;
        let before = self.graph.heads();
        if apply {
            let changes = parse_message_changes(message.changes.iter(), MAX_INFLATED_BYTES)?;
            self.graph.apply(
                changes,
                Some(QueueBounds {
                    changes: MAX_QUEUED_CHANGES,
                    bytes: MAX_QUEUED_BYTES,
                }),
            )?;
        }

        state.in_flight = false;
        if let Some(flags) = message.flags {
            apply_peer_flags(state, flags);
        }
        if apply {
            state.shared_heads = advance_heads(&before, &self.graph.heads(), &state.shared_heads);
        }
        self.graph
            .remove_ancestors(&mut state.sent_hashes, &message.heads);
        if !has_changes && message.heads == before {
            state.last_sent_heads.clone_from(&message.heads);
        }
        let known: Vec<ChangeHash> = message
            .heads
            .iter()
            .filter(|h| self.graph.contains(h))
            .copied()
            .collect();
        if known.len() == message.heads.len() {
            state.shared_heads.clone_from(&message.heads);
            if message.heads.is_empty() {
                // The peer lost all its data: start over.
                state.last_sent_heads = Vec::new();
                state.sent_hashes = BTreeSet::new();
            }
        } else {
            let merged: BTreeSet<ChangeHash> =
                state.shared_heads.iter().chain(&known).copied().collect();
            state.shared_heads = merged.into_iter().collect();
        }
        state.their_have = Some(message.have);
        state.their_heads = Some(message.heads);
        state.their_need = Some(message.need);
        Ok(())
    }

    /// The next sync message for a peer, if there is anything to say:
    /// automerge's `generate_sync_message`, without the flags section.
    pub fn generate_message(&mut self, state: &mut sync::State) -> Option<Vec<u8>> {
        let our_heads = self.graph.heads();

        // A peer that synced with us before from heads we do not have:
        // tell it to start over (automerge's reset message, without flags),
        // unless it already heard our heads and asks for changes we have
        // (see `answers_despite_unknown_sync`).
        if let Some(first) = state.their_have.as_ref().and_then(|have| have.first())
            && !first.last_sync.iter().all(|h| self.graph.contains(h))
        {
            if !self.answers_despite_unknown_sync(state) {
                return Some(encode_message(
                    &our_heads,
                    &[],
                    &[HaveBytes {
                        last_sync: &[],
                        bloom: &[],
                    }],
                    &[],
                ));
            }
            for have in state.their_have.iter_mut().flatten() {
                have.last_sync.retain(|h| self.graph.contains(h));
            }
        }

        let heads_unchanged = state.last_sent_heads == our_heads;
        // Still waiting for the peer's answer and nothing new to announce:
        // silence, whatever there is to send (automerge decides this after
        // choosing the changes; choosing first would cost a walk per call).
        if heads_unchanged && state.have_responded && state.in_flight {
            return None;
        }
        let whole_document = self.sends_whole_document(state);
        if whole_document {
            self.chosen.clear();
            self.chosen.extend(0..self.graph.len() as u32);
        } else {
            self.choose_changes(state);
        }
        let heads_equal = state.their_heads.as_ref() == Some(&our_heads);
        if heads_unchanged
            && state.have_responded
            && (heads_equal || state.read_only)
            && self.chosen.is_empty()
        {
            return None;
        }

        let need = if state.read_only {
            Vec::new()
        } else {
            self.graph
                .missing_deps_from(state.their_heads.iter().flatten())
        };
        let their_heads: HashSet<&ChangeHash> = state.their_heads.iter().flatten().collect();
        let mut bloom = Vec::new();
        let send_have = need.iter().all(|h| their_heads.contains(h));
        if send_have {
            self.graph.uncovered(&state.shared_heads, &mut self.nodes);
            bloom::write_filter(&mut bloom, self.nodes.iter().map(|&n| self.graph.hash(n)));
        }

        state.have_responded = true;
        state.last_sent_heads.clone_from(&our_heads);
        state
            .sent_hashes
            .extend(self.chosen.iter().map(|&n| self.graph.hash(n)));
        // Without flags, automerge's fallback for a reset: empty heads.
        let heads = if state.needs_reset {
            state.needs_reset = false;
            Vec::new()
        } else {
            our_heads
        };
        let have = if send_have {
            vec![HaveBytes {
                last_sync: &state.shared_heads,
                bloom: &bloom,
            }]
        } else {
            Vec::new()
        };
        let message = match self.snapshot.as_ref().filter(|_| whole_document) {
            Some(snapshot) => {
                // The snapshot, then every change it does not hold.
                self.graph.uncovered(&snapshot.heads, &mut self.nodes);
                let parts: Vec<&[u8]> = std::iter::once(snapshot.bytes.as_slice())
                    .chain(self.nodes.iter().map(|&n| self.graph.bytes(n)))
                    .collect();
                encode_document_message(&heads, &need, &have, &parts)
            }
            None => {
                let changes: Vec<&[u8]> =
                    self.chosen.iter().map(|&n| self.graph.bytes(n)).collect();
                encode_message(&heads, &need, &have, &changes)
            }
        };
        state.in_flight = true;
        Some(message)
    }

    /// Whether the peer gets the whole document in one chunk: automerge's
    /// `send_doc` (the peer has nothing, said so in a message, takes V2
    /// messages and is not read-only), provided the document was loaded
    /// from a snapshot. Automerge sends `save()` of the current document;
    /// this engine sends the stored snapshot followed by the change chunks
    /// it does not hold, which loads as the same document without ever
    /// materialising it. Without a snapshot the peer gets every change as
    /// its own chunk, as before. (Automerge also sends the whole document to
    /// a V2 peer lacking more than a third of the changes; this engine does
    /// not.)
    fn sends_whole_document(&self, state: &sync::State) -> bool {
        self.snapshot.is_some()
            && self.graph.len() > 0
            && !state.peer_read_only
            && state.their_have.is_some()
            && state.their_need.is_some()
            && state.their_heads.as_ref().is_some_and(Vec::is_empty)
            && state
                .their_capabilities
                .as_ref()
                .is_some_and(|caps| caps.contains(&Capability::MessageV2))
    }

    /// The one deviation from automerge's answer to a peer whose last sync
    /// names changes we do not have (its saved sync state is newer than our
    /// document, as after a restore from an old backup): automerge answers
    /// with a reset every time, and the peer keeps naming those changes for
    /// as long as it lacks some of our heads, so when it cannot give them to
    /// us (it does not have them, or its changes are ignored because the
    /// session is read-only) the two exchange "need + unknown last sync" and
    /// "reset" for ever. A peer's first message in a session never needs
    /// anything (it does not know our heads yet); once it asks for a change
    /// we have, it has heard our heads and the reset did not help, so we
    /// answer normally instead: the unknown hashes are dropped from its
    /// `last_sync` (in `their_have`, so the state says what was answered)
    /// and it gets every change its known `last_sync` does not cover and its
    /// filter lacks, plus what it needs. Once it has our heads it drops the
    /// unknown ones and the session goes on as automerge's would.
    fn answers_despite_unknown_sync(&self, state: &sync::State) -> bool {
        state
            .their_need
            .iter()
            .flatten()
            .any(|h| self.graph.contains(h))
    }

    /// Fills `self.chosen` with the changes to send the peer (automerge's
    /// `get_hashes_to_send`, minus what this session already sent): what it
    /// asked for, then every change its filters do not contain since its
    /// last sync, with their descendants, in graph order.
    fn choose_changes(&mut self, state: &sync::State) {
        self.chosen.clear();
        if state.peer_read_only {
            return;
        }
        let (Some(have), Some(need)) = (&state.their_have, &state.their_need) else {
            return;
        };
        let need: Vec<u32> = need.iter().filter_map(|h| self.graph.node(h)).collect();
        let chosen = &mut self.chosen;
        let sent = &state.sent_hashes;
        if have.is_empty() {
            chosen.extend(
                need.into_iter()
                    .filter(|&n| !sent.contains(&self.graph.hash(n))),
            );
            return;
        }
        let last_sync: Vec<ChangeHash> = have
            .iter()
            .flat_map(|h| h.last_sync.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        self.graph.uncovered(&last_sync, &mut self.nodes);
        let graph = &mut self.graph;
        let mut picked = Vec::new();
        graph.select_with_descendants(
            &self.nodes,
            |hash| have.iter().all(|h| !h.bloom.contains_hash(&hash)),
            &need,
            |node| picked.push(node),
        );
        chosen.extend(
            picked
                .into_iter()
                .filter(|&n| !sent.contains(&graph.hash(n))),
        );
    }

    /// True when the change is part of the document (changes waiting for
    /// their dependencies are not).
    pub fn has_change(&self, hash: &ChangeHash) -> bool {
        self.graph.contains(hash)
    }

    /// Number of changes in the document. Changes are only ever added, in
    /// graph order: see [`GraphEngine::hashes_since`].
    pub fn change_count(&self) -> usize {
        self.graph.len()
    }

    /// The hashes of the changes added after the first `count`, in the
    /// order they were added (for attributing what one message brought:
    /// note [`GraphEngine::change_count`] before, ask after).
    pub fn hashes_since(&self, count: usize) -> Vec<ChangeHash> {
        (count..self.graph.len())
            .map(|n| self.graph.hash(n as u32))
            .collect()
    }

    /// Number of changes waiting for dependencies that have not arrived.
    pub fn queued_count(&self) -> usize {
        self.graph.queued()
    }

    /// Every change of the document, concatenated in graph order (a valid
    /// input for `Automerge::load`).
    pub fn changes_bytes(&self) -> &[u8] {
        self.graph.bytes_from(0)
    }

    /// The document as automerge sees it, loaded from every change: for
    /// work off the hot path (snapshots, checks, export). Costs a full load.
    pub fn materialise(&self) -> Result<Automerge, GraphError> {
        Automerge::load(self.changes_bytes()).map_err(|e| GraphError::Automerge(e.to_string()))
    }
}

/// Automerge's `advance_heads`: heads that are new since `before`, and old
/// shared heads that are still heads, sorted.
fn advance_heads(
    before: &[ChangeHash],
    after: &[ChangeHash],
    shared: &[ChangeHash],
) -> Vec<ChangeHash> {
    let new = after.iter().filter(|h| !before.contains(h));
    let common = shared.iter().filter(|h| after.contains(h));
    let merged: BTreeSet<ChangeHash> = new.chain(common).copied().collect();
    merged.into_iter().collect()
}

impl DocumentEngine for GraphEngine {
    type PeerState = sync::State;

    fn new_peer_state(&self) -> sync::State {
        sync::State::new()
    }

    fn decode_peer_state(&self, bytes: &[u8]) -> Result<sync::State, EngineError> {
        sync::State::decode(bytes).map_err(|e| GraphError::SyncState(e.to_string()).into())
    }

    fn encode_peer_state(&self, state: &sync::State) -> Vec<u8> {
        state.encode()
    }

    fn set_read_only(&self, peer: &mut sync::State, read_only: bool) {
        peer.set_read_only(read_only);
    }

    fn receive(&mut self, peer: &mut sync::State, message: &[u8]) -> Result<(), EngineError> {
        self.receive_message(peer, message).map_err(|e| {
            tracing::warn!(error = %e, "refused a sync message");
            e.into()
        })
    }

    fn generate(&mut self, peer: &mut sync::State) -> Option<Vec<u8>> {
        self.generate_message(peer)
    }

    fn peer_heads(&self, peer: &sync::State) -> Option<Vec<ChangeHash>> {
        peer.their_heads.clone()
    }

    fn heads(&self) -> Vec<ChangeHash> {
        self.graph.heads()
    }

    fn is_empty(&self) -> bool {
        self.graph.len() == 0
    }

    fn take_unpersisted(&mut self) -> Option<Vec<u8>> {
        let len = self.graph.len();
        if len == self.persisted {
            return None;
        }
        self.pending = Some(len);
        Some(self.graph.bytes_from(self.persisted).to_vec())
    }

    fn mark_persisted(&mut self) {
        if let Some(len) = self.pending.take() {
            self.persisted = len;
        }
    }

    fn is_durable(&self) -> bool {
        self.graph.len() == self.persisted
    }
}
