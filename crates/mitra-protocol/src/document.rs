//! One document's sync sessions with every peer that has it open.
//!
//! [`DocumentSync`] is the per-document state machine. It applies incoming
//! sync messages through a [`DocumentEngine`], decides who gets
//! `doc-unavailable`, relays ephemeral messages, and produces outgoing sync
//! messages, but only through [`DocumentSync::flush`], which refuses to
//! speak while received changes are not yet durable. That is the durability
//! rule: no peer is shown heads or changes the server could still lose.
//!
//! The caller drives it in rounds: feed every queued input, persist what
//! [`DocumentSync::take_unpersisted`] hands out, call
//! [`DocumentSync::mark_persisted`], then [`DocumentSync::flush`] and send.

use std::collections::BTreeMap;
use std::time::Duration;

use automerge::ChangeHash;

use crate::engine::{DocumentEngine, EngineError};
use crate::ids::{DocumentId, PeerId, StorageId};
use crate::wire::{DocumentMessage, EphemeralMessage, Message};

/// Identifies one connection; a peer that reconnects gets a new, larger one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub u64);

/// A peer on a particular connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PeerRef {
    /// The peer's id.
    pub peer: PeerId,
    /// The connection it speaks on.
    pub connection: ConnectionId,
    /// The peer's storage id, if it persists documents.
    pub storage_id: Option<StorageId>,
}

/// An effect for the caller to carry out.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentOutput {
    /// Send this message to the peer (on that connection only).
    Send {
        /// The recipient.
        to: PeerRef,
        /// The message.
        message: Message,
    },
    /// The peer sent something unusable: send it `error` and close its connection.
    Reject {
        /// The offending peer.
        to: PeerRef,
        /// A clear reason, for the peer and the log.
        reason: String,
    },
    /// A peer with a storage id now has these heads (for heads gossip);
    /// emitted from `flush`, so never ahead of what is durable here.
    PeerHeadsChanged {
        /// The peer's storage id.
        storage_id: StorageId,
        /// Its heads.
        heads: Vec<ChangeHash>,
    },
    /// The server's own durable heads changed (for heads gossip).
    HeadsChanged {
        /// The new heads.
        heads: Vec<ChangeHash>,
    },
    /// Save this peer's sync state under its storage id (it left).
    SaveSyncState {
        /// The peer's storage id.
        storage_id: StorageId,
        /// The encoded state.
        state: Vec<u8>,
    },
}

/// One peer's session with this document.
struct PeerSession<S> {
    peer: PeerRef,
    /// The engine's sync state with this peer.
    state: S,
    /// The peer has sent `sync` or `request` on this connection (a peer
    /// that only sent ephemeral messages is relayed to, not synced with).
    syncing: bool,
    /// The peer asked with `request`: it does not have the document.
    requested: bool,
    /// We already answered `doc-unavailable` and owe it the document when it arrives.
    told_unavailable: bool,
    /// When the peer's `request` arrived (clock of [`DocumentSync::tick`]).
    requested_at: Duration,
    /// Heads last reported for gossip, so unchanged heads are not gossiped again.
    gossiped_heads: Option<Vec<ChangeHash>>,
}

/// The sync state machine of one document.
pub struct DocumentSync<E: DocumentEngine> {
    id: DocumentId,
    our_peer_id: PeerId,
    engine: E,
    /// Sessions by peer id; ordered so that output order is deterministic.
    peers: BTreeMap<PeerId, PeerSession<E::PeerState>>,
    /// Changes were handed out for persisting and are not yet durable.
    awaiting_persist: bool,
    /// Our heads as last gossiped.
    gossiped_heads: Vec<ChangeHash>,
    /// The current time, as last given to [`DocumentSync::tick`].
    now: Duration,
    /// How long a request for a document nobody has waits before `doc-unavailable`.
    unavailable_grace: Duration,
    /// Sync states of departed peers, saved once what they name is durable.
    deferred_saves: Vec<(StorageId, Vec<u8>)>,
}

impl<E: DocumentEngine> DocumentSync<E> {
    /// A document loaded (or found empty) in storage, ready to sync.
    pub fn new(id: DocumentId, our_peer_id: PeerId, engine: E) -> Self {
        let gossiped_heads = engine.heads();
        Self {
            id,
            our_peer_id,
            engine,
            peers: BTreeMap::new(),
            awaiting_persist: false,
            gossiped_heads,
            now: Duration::ZERO,
            unavailable_grace: Duration::ZERO,
            deferred_saves: Vec::new(),
        }
    }

    /// Sets how long a request for a document that nobody has waits before
    /// it is answered `doc-unavailable`. A creator's first upload can reach
    /// the server just after another peer's request for the new document;
    /// a short grace turns that race into a short wait instead of a false
    /// "unavailable". Zero (the default) answers at once.
    pub fn set_unavailable_grace(&mut self, grace: Duration) {
        self.unavailable_grace = grace;
    }

    /// Advances the clock (any monotonic origin). Time only moves forward.
    pub fn tick(&mut self, now: Duration) {
        self.now = self.now.max(now);
    }

    /// When [`DocumentSync::flush`] next has something to do without new
    /// input (a pending `doc-unavailable` answer), on the clock of `tick`.
    pub fn next_wakeup(&self) -> Option<Duration> {
        if !self.engine.heads().is_empty() {
            return None;
        }
        self.peers
            .values()
            .filter(|s| s.requested && !s.told_unavailable)
            .map(|s| s.requested_at + self.unavailable_grace)
            .filter(|deadline| *deadline > self.now)
            .min()
    }

    /// Our own peer id (the sender of what this document emits).
    pub fn our_peer_id(&self) -> &PeerId {
        &self.our_peer_id
    }

    /// The document's id.
    pub fn id(&self) -> DocumentId {
        self.id
    }

    /// The engine, for reading the document.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// Number of peers with this document open.
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// The peers with this document open.
    pub fn peers(&self) -> impl Iterator<Item = &PeerRef> {
        self.peers.values().map(|s| &s.peer)
    }

    /// True when some peer has this document open.
    pub fn has_peers(&self) -> bool {
        !self.peers.is_empty()
    }

    /// The session for `from`, created if new. A message from an older
    /// connection than the session's is stale and yields `None`; a newer
    /// connection replaces the session with a fresh one.
    fn ensure_session(&mut self, from: &PeerRef, saved_state: Option<&[u8]>) -> bool {
        if let Some(existing) = self.peers.get(&from.peer)
            && existing.peer.connection > from.connection
        {
            return false;
        }
        let replace = self
            .peers
            .get(&from.peer)
            .is_none_or(|s| s.peer.connection != from.connection);
        if replace {
            let state = saved_state
                .and_then(|bytes| self.engine.decode_peer_state(bytes).ok())
                .unwrap_or_else(|| self.engine.new_peer_state());
            self.peers.insert(
                from.peer.clone(),
                PeerSession {
                    peer: from.clone(),
                    state,
                    syncing: false,
                    requested: false,
                    told_unavailable: false,
                    requested_at: self.now,
                    gossiped_heads: None,
                },
            );
        }
        true
    }

    /// True when `from` has no session here yet (the caller may then look up
    /// a saved sync state for it before calling [`DocumentSync::receive_sync`]).
    pub fn is_new_peer(&self, from: &PeerRef) -> bool {
        self.peers
            .get(&from.peer)
            .is_none_or(|s| s.peer.connection != from.connection)
    }

    /// Applies a `sync` or `request` message. `saved_state` is the peer's
    /// sync state saved from an earlier connection, used if the session is new.
    pub fn receive_sync(
        &mut self,
        from: &PeerRef,
        message: &DocumentMessage,
        request: bool,
        saved_state: Option<&[u8]>,
    ) -> Vec<DocumentOutput> {
        self.receive_sync_as(from, message, request, saved_state, false)
    }

    /// [`DocumentSync::receive_sync`] from a peer that may (or, with
    /// `read_only`, may not) change the document: a read-only peer's
    /// changes are ignored by the engine, and its session says so in every
    /// message it is sent.
    pub fn receive_sync_as(
        &mut self,
        from: &PeerRef,
        message: &DocumentMessage,
        request: bool,
        saved_state: Option<&[u8]>,
        read_only: bool,
    ) -> Vec<DocumentOutput> {
        let mut out = Vec::new();
        if !self.ensure_session(from, saved_state) {
            return out;
        }
        let Some(session) = self.peers.get_mut(&from.peer) else {
            return out;
        };
        session.syncing = true;
        self.engine.set_read_only(&mut session.state, read_only);
        if request && !session.requested {
            session.requested = true;
            session.requested_at = self.now;
        }
        let result = self.engine.receive(&mut session.state, &message.data);
        match result {
            // The peer's new heads are gossiped from the next flush, once
            // what this message brought is durable.
            Ok(()) => {}
            Err(e) => {
                self.peers.remove(&from.peer);
                out.push(DocumentOutput::Reject {
                    to: from.clone(),
                    reason: reject_reason(self.id, &e),
                });
            }
        }
        out
    }

    /// Relays an ephemeral message to every other peer with the document open.
    pub fn receive_ephemeral(
        &mut self,
        from: &PeerRef,
        message: &EphemeralMessage,
    ) -> Vec<DocumentOutput> {
        if !self.ensure_session(from, None) {
            return Vec::new();
        }
        self.peers
            .values()
            .filter(|s| s.peer.peer != from.peer)
            .map(|s| DocumentOutput::Send {
                to: s.peer.clone(),
                message: Message::Ephemeral(EphemeralMessage {
                    target_id: s.peer.peer.clone(),
                    ..message.clone()
                }),
            })
            .collect()
    }

    /// The peer's connection ended: forget its session. A peer with a
    /// storage id gets its sync state saved, but only from the next
    /// [`DocumentSync::flush`], once every change that state may name is durable.
    pub fn peer_left(&mut self, from: &PeerRef) -> Vec<DocumentOutput> {
        if self
            .peers
            .get(&from.peer)
            .is_some_and(|s| s.peer.connection == from.connection)
            && let Some(session) = self.peers.remove(&from.peer)
            && let Some(storage_id) = session.peer.storage_id
        {
            let state = self.engine.encode_peer_state(&session.state);
            self.deferred_saves.push((storage_id, state));
        }
        Vec::new()
    }

    /// Forgets every peer's sync state, so each resyncs from scratch (after
    /// the engine was rebuilt, for example).
    pub fn reset_sessions(&mut self) {
        for session in self.peers.values_mut() {
            session.state = self.engine.new_peer_state();
            session.told_unavailable = false;
        }
    }

    /// Change bytes received since the last durable point. While they are
    /// out, [`DocumentSync::flush`] stays silent.
    pub fn take_unpersisted(&mut self) -> Option<Vec<u8>> {
        let bytes = self.engine.take_unpersisted();
        if bytes.is_some() {
            self.awaiting_persist = true;
        }
        bytes
    }

    /// What [`DocumentSync::take_unpersisted`] handed out is durable now.
    pub fn mark_persisted(&mut self) {
        self.engine.mark_persisted();
        self.awaiting_persist = false;
    }

    /// True while changes are waiting to become durable (handed out or not).
    pub fn awaiting_persist(&self) -> bool {
        self.awaiting_persist || !self.engine.is_durable()
    }

    /// Some peer other than `except` told us it holds changes of this document.
    fn another_peer_holds_it(&self, except: &PeerId) -> bool {
        self.peers.iter().any(|(id, s)| {
            id != except
                && self
                    .engine
                    .peer_heads(&s.state)
                    .is_some_and(|h| !h.is_empty())
        })
    }

    /// Produces every message owed to peers. Says nothing while any change
    /// is not yet durable, whether or not it was handed out by
    /// [`DocumentSync::take_unpersisted`] (the durability rule, failing closed).
    pub fn flush(&mut self) -> Vec<DocumentOutput> {
        let mut out = Vec::new();
        self.flush_into(&mut |output| out.push(output));
        out
    }

    /// [`DocumentSync::flush`], handing each output to `emit` as soon as it
    /// is made, so a caller can send (and free) large messages one by one.
    pub fn flush_into(&mut self, emit: &mut dyn FnMut(DocumentOutput)) {
        if self.awaiting_persist() {
            return;
        }
        for (storage_id, state) in self.deferred_saves.drain(..) {
            emit(DocumentOutput::SaveSyncState { storage_id, state });
        }
        let heads = self.engine.heads();
        if heads != self.gossiped_heads {
            self.gossiped_heads.clone_from(&heads);
            emit(DocumentOutput::HeadsChanged {
                heads: heads.clone(),
            });
        }
        for session in self.peers.values_mut() {
            let Some(storage_id) = &session.peer.storage_id else {
                continue;
            };
            let their_heads = self.engine.peer_heads(&session.state);
            if their_heads.is_some() && their_heads != session.gossiped_heads {
                session.gossiped_heads.clone_from(&their_heads);
                emit(DocumentOutput::PeerHeadsChanged {
                    storage_id: storage_id.clone(),
                    heads: their_heads.unwrap_or_default(),
                });
            }
        }
        let empty = heads.is_empty();
        let peer_ids: Vec<PeerId> = self.peers.keys().cloned().collect();
        for peer_id in peer_ids {
            let holder_elsewhere = empty && self.another_peer_holds_it(&peer_id);
            let Some(session) = self.peers.get_mut(&peer_id) else {
                continue;
            };
            if !session.syncing {
                continue;
            }
            if empty && session.requested {
                // The peer lacks the document and so do we: either someone
                // is about to upload it (wait), or nobody has it.
                let waited_enough = self.now >= session.requested_at + self.unavailable_grace;
                if !holder_elsewhere && !session.told_unavailable && waited_enough {
                    session.told_unavailable = true;
                    emit(DocumentOutput::Send {
                        to: session.peer.clone(),
                        message: Message::DocUnavailable {
                            sender_id: self.our_peer_id.clone(),
                            target_id: peer_id.clone(),
                            document_id: self.id,
                        },
                    });
                }
                continue;
            }
            if let Some(data) = self.engine.generate(&mut session.state) {
                emit(DocumentOutput::Send {
                    to: session.peer.clone(),
                    message: Message::Sync(DocumentMessage {
                        sender_id: self.our_peer_id.clone(),
                        target_id: peer_id.clone(),
                        document_id: self.id,
                        data,
                    }),
                });
            }
        }
    }
}

fn reject_reason(id: DocumentId, e: &EngineError) -> String {
    format!("sync message for document {id} rejected: {e}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::engine::AutomergeEngine;
    use automerge::sync::SyncDoc;

    fn peer(name: &str, connection: u64) -> PeerRef {
        PeerRef {
            peer: PeerId::new(name),
            connection: ConnectionId(connection),
            storage_id: None,
        }
    }

    fn request_from_empty_peer(id: DocumentId, from: &PeerRef) -> DocumentMessage {
        let doc = automerge::Automerge::new();
        let mut state = automerge::sync::State::new();
        let data = doc.generate_sync_message(&mut state).unwrap().encode();
        DocumentMessage {
            sender_id: from.peer.clone(),
            target_id: PeerId::new("server"),
            document_id: id,
            data,
        }
    }

    fn unavailable_sent(outputs: &[DocumentOutput]) -> bool {
        outputs.iter().any(|o| {
            matches!(
                o,
                DocumentOutput::Send {
                    message: Message::DocUnavailable { .. },
                    ..
                }
            )
        })
    }

    #[test]
    fn unavailable_waits_for_the_grace_period_then_answers_once() {
        let id = DocumentId::from_bytes([5; 16]);
        let mut sync = DocumentSync::new(id, PeerId::new("server"), AutomergeEngine::new());
        sync.set_unavailable_grace(Duration::from_millis(250));
        sync.tick(Duration::from_secs(10));
        let bob = peer("bob", 1);
        sync.receive_sync(&bob, &request_from_empty_peer(id, &bob), true, None);
        assert!(!unavailable_sent(&sync.flush()));
        assert_eq!(sync.next_wakeup(), Some(Duration::from_millis(10_250)));
        sync.tick(Duration::from_millis(10_249));
        assert!(!unavailable_sent(&sync.flush()));
        sync.tick(Duration::from_millis(10_250));
        assert!(unavailable_sent(&sync.flush()));
        assert_eq!(sync.next_wakeup(), None);
        assert!(!unavailable_sent(&sync.flush()));
    }

    #[test]
    fn request_without_grace_is_answered_at_once() {
        let id = DocumentId::from_bytes([6; 16]);
        let mut sync = DocumentSync::new(id, PeerId::new("server"), AutomergeEngine::new());
        let bob = peer("bob", 1);
        sync.receive_sync(&bob, &request_from_empty_peer(id, &bob), true, None);
        assert!(unavailable_sent(&sync.flush()));
    }

    #[test]
    fn messages_from_an_older_connection_are_ignored() {
        let id = DocumentId::from_bytes([7; 16]);
        let mut sync = DocumentSync::new(id, PeerId::new("server"), AutomergeEngine::new());
        let new = peer("bob", 2);
        let old = peer("bob", 1);
        sync.receive_sync(&new, &request_from_empty_peer(id, &new), true, None);
        assert!(
            sync.receive_sync(&old, &request_from_empty_peer(id, &old), false, None)
                .is_empty()
        );
        assert_eq!(sync.peers().next().unwrap().connection, ConnectionId(2));
        // The old connection leaving does not remove the new session.
        sync.peer_left(&old);
        assert_eq!(sync.peer_count(), 1);
    }

    #[test]
    fn garbage_sync_data_rejects_the_peer_with_a_reason() {
        let id = DocumentId::from_bytes([8; 16]);
        let mut sync = DocumentSync::new(id, PeerId::new("server"), AutomergeEngine::new());
        let bob = peer("bob", 1);
        let mut message = request_from_empty_peer(id, &bob);
        message.data = b"not a sync message".to_vec();
        let out = sync.receive_sync(&bob, &message, false, None);
        match out.as_slice() {
            [DocumentOutput::Reject { to, reason }] => {
                assert_eq!(to, &bob);
                assert!(reason.contains(&id.to_string()), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sync.peer_count(), 0);
    }
}
