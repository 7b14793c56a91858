//! Connected peers: who is on which connection, and the bounded queue of
//! frames waiting to be written to each.
//!
//! A peer id names one live connection. A newer join with the same peer id
//! replaces the older connection (a browser reconnecting) only when both
//! are the same principal (the same user, or the same API token; any two
//! in open mode); otherwise the newer join is refused, so nobody can kick
//! another account's connection off by joining with its peer id.
//!
//! A full queue means the peer reads slower than its documents change. The
//! decision, written down: such a peer is disconnected (close code 1008), and
//! resyncs when it reconnects. Nothing is dropped silently and memory does
//! not grow.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use mitra_access::Principal;
use mitra_protocol::{DocumentId, Message, PeerId, PeerRef, StorageId};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::auth::ConnectionAccess;
use crate::metrics::{Kind, Metrics};

/// WebSocket close codes the server uses.
pub mod close_code {
    /// The server is shutting down.
    pub const GOING_AWAY: u16 = 1001;
    /// The peer broke the protocol.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// The peer sent a text frame.
    pub const UNSUPPORTED_DATA: u16 = 1003;
    /// The peer sent data that is not what the protocol requires.
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// The peer violated a policy (too slow, replaced by a newer connection,
    /// access revoked, session expired, peer id taken).
    pub const POLICY_VIOLATION: u16 = 1008;
    /// The peer sent a message over the size limit.
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    /// The server hit an internal error for this peer's document.
    pub const INTERNAL_ERROR: u16 = 1011;
    /// Normal closure.
    pub const NORMAL: u16 = 1000;
}

/// Something for a connection's writer task to do.
#[derive(Debug)]
pub enum Outbound {
    /// Write one binary frame.
    Frame(Vec<u8>),
    /// Write a ping.
    Ping,
}

/// Why and how a connection is being closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseReason {
    /// WebSocket close code.
    pub code: u16,
    /// Human-readable reason (also logged).
    pub reason: String,
}

/// One live connection of a joined peer.
pub struct PeerHandle {
    /// The peer and this connection's id.
    pub peer: PeerRef,
    /// Frames waiting to be written (bounded).
    outbound: mpsc::Sender<Outbound>,
    /// Cancelled when this connection must close.
    closing: CancellationToken,
    /// The first reason given for closing.
    close_reason: Mutex<Option<CloseReason>>,
    /// Storage ids whose heads this peer follows.
    subscriptions: Mutex<HashSet<StorageId>>,
    /// Documents this peer has touched on this connection (told when it leaves).
    documents: Mutex<HashSet<DocumentId>>,
    /// Who the connection is and what it may reach, when authentication is
    /// required (`None` in open mode).
    pub access: Option<ConnectionAccess>,
}

impl PeerHandle {
    /// A handle for a new connection, with its outbound queue and close token.
    pub fn new(
        peer: PeerRef,
        outbound: mpsc::Sender<Outbound>,
        closing: CancellationToken,
        access: Option<ConnectionAccess>,
    ) -> Self {
        Self {
            peer,
            outbound,
            closing,
            close_reason: Mutex::new(None),
            subscriptions: Mutex::new(HashSet::new()),
            documents: Mutex::new(HashSet::new()),
            access,
        }
    }

    /// Asks the connection to close; the first reason wins.
    pub fn close(&self, code: u16, reason: impl Into<String>) {
        if let Ok(mut slot) = self.close_reason.lock()
            && slot.is_none()
        {
            *slot = Some(CloseReason {
                code,
                reason: reason.into(),
            });
        }
        self.closing.cancel();
    }

    /// The reason given for closing, if any.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.close_reason.lock().ok().and_then(|r| r.clone())
    }

    /// Queues a frame without waiting. A full queue disconnects the peer.
    pub fn send_frame(&self, frame: Vec<u8>, metrics: &Metrics) -> bool {
        match self.outbound.try_send(Outbound::Frame(frame)) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                metrics.error("slow_consumer");
                tracing::warn!(peer = %self.peer.peer, connection = self.peer.connection.0,
                    "outbound queue full: disconnecting slow peer (it will resync on reconnect)");
                self.close(
                    close_code::POLICY_VIOLATION,
                    "outbound queue full: reading too slowly",
                );
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Queues a ping; skipped when the queue is full (the peer is busy enough).
    pub fn send_ping(&self) {
        let _ = self.outbound.try_send(Outbound::Ping);
    }

    /// Records that this connection has a document open. False when that
    /// would exceed `limit` open documents.
    pub fn touch_document(&self, id: DocumentId, limit: usize) -> bool {
        let Ok(mut docs) = self.documents.lock() else {
            return false;
        };
        if docs.len() >= limit && !docs.contains(&id) {
            return false;
        }
        docs.insert(id);
        true
    }

    /// Documents this connection has open.
    pub fn documents(&self) -> Vec<DocumentId> {
        self.documents
            .lock()
            .map(|d| d.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Whether this connection and `other` are the same principal: the
    /// same user or the same API token (any two in open mode).
    pub fn same_principal(&self, other: &PeerHandle) -> bool {
        match (&self.access, &other.access) {
            (None, None) => true,
            (Some(a), Some(b)) => match (&a.authenticated.principal, &b.authenticated.principal) {
                (Principal::User { user: x, .. }, Principal::User { user: y, .. }) => x.id == y.id,
                (Principal::Token { token_id: x, .. }, Principal::Token { token_id: y, .. }) => {
                    x == y
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Changes which storage ids this peer follows.
    pub fn change_subscriptions(&self, add: Vec<StorageId>, remove: &[StorageId]) {
        if let Ok(mut subs) = self.subscriptions.lock() {
            for s in remove {
                subs.remove(s);
            }
            subs.extend(add);
        }
    }

    /// True when this peer follows `storage_id`.
    pub fn follows(&self, storage_id: &StorageId) -> bool {
        self.subscriptions
            .lock()
            .is_ok_and(|s| s.contains(storage_id))
    }
}

/// What [`PeerRegistry::register`] did with a joined connection.
pub enum Registered {
    /// Registered; no other connection had its peer id.
    New,
    /// Registered in place of the previous connection with the same peer
    /// id and the same principal, returned so the caller can close it (the
    /// newest one wins).
    Replaced(Arc<PeerHandle>),
    /// Not registered: a connection of another principal has this peer id.
    Refused,
}

/// Every joined peer, by peer id.
#[derive(Default)]
pub struct PeerRegistry {
    peers: DashMap<PeerId, Arc<PeerHandle>>,
}

impl PeerRegistry {
    /// Registers a joined connection, unless its peer id belongs to a live
    /// connection of another principal (see the module doc).
    pub fn register(&self, handle: Arc<PeerHandle>) -> Registered {
        match self.peers.entry(handle.peer.peer.clone()) {
            Entry::Vacant(vacant) => {
                vacant.insert(handle);
                Registered::New
            }
            Entry::Occupied(mut occupied) => {
                if occupied.get().same_principal(&handle) {
                    Registered::Replaced(occupied.insert(handle))
                } else {
                    Registered::Refused
                }
            }
        }
    }

    /// Forgets a connection, unless the peer has since reconnected.
    pub fn unregister(&self, peer: &PeerRef) {
        self.peers
            .remove_if(&peer.peer, |_, h| h.peer.connection == peer.connection);
    }

    /// The live connection for `peer`, if it is still that connection.
    pub fn get(&self, peer: &PeerRef) -> Option<Arc<PeerHandle>> {
        self.peers
            .get(&peer.peer)
            .filter(|h| h.peer.connection == peer.connection)
            .map(|h| Arc::clone(&h))
    }

    /// Sends a message to a peer's connection (if it is still the same one).
    pub fn send(&self, to: &PeerRef, message: &Message, metrics: &Metrics) {
        let Some(handle) = self.get(to) else { return };
        let frame = message.encode();
        let len = frame.len();
        if handle.send_frame(frame, metrics) {
            metrics
                .messages_out
                .get_or_create(&Kind {
                    kind: message.type_name(),
                })
                .inc();
            metrics.bytes_out.inc_by(len as u64);
        }
    }

    /// Every live connection (a snapshot).
    pub fn handles(&self) -> Vec<Arc<PeerHandle>> {
        self.peers.iter().map(|e| Arc::clone(e.value())).collect()
    }

    /// Closes every connection (shutdown).
    pub fn close_all(&self, code: u16, reason: &str) {
        for entry in &self.peers {
            entry.value().close(code, reason);
        }
    }
}
