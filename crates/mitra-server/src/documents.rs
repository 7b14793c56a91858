//! Documents in memory: a registry of document actors, one tokio task per
//! open document.
//!
//! An actor owns its [`DocumentSync`] and works in rounds: take every queued
//! command, apply them all on a blocking thread (automerge work never runs on
//! the IO threads), persist the new changes in one append (the storage
//! group-commits appends of all documents), and only then generate and send
//! the messages peers are owed. Nothing a peer sees was not durable first.
//!
//! A document that gets its first durable content tells
//! [`crate::auth::document_appeared`] (with authentication required), so
//! that peers refused it before it existed can be sent it
//! ([`DocumentCommand::Resume`]).
//!
//! A panic inside the engine is caught: the document is reloaded from
//! storage and its peers are disconnected so they resync from scratch. A
//! document with no peers is evicted after an idle period and reloaded on
//! the next request.
//!
//! A document whose stored data does not load (a damaged chunk or snapshot:
//! every stored change is parsed and its checksum verified at load) is
//! **quarantined**: no actor serves it, every peer asking for it is answered
//! `doc-unavailable` (never a half-loaded document), the failure is logged
//! as an error naming the document and the reason, and counted in
//! `mitra_documents_quarantined_total`. The registry remembers quarantined
//! ids for [`QUARANTINE_RETRY_AFTER`] (at most [`MAX_QUARANTINED`] of them,
//! the oldest forgotten first), so requests for them never reload the
//! document in a loop; after that, the next request tries loading again
//! (e.g. once the operator restored it).

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use mitra_graph::GraphEngine;
use mitra_protocol::wire::RemoteHeads;
use mitra_protocol::{
    DocumentEngine, DocumentId, DocumentMessage, DocumentOutput, DocumentSync, EphemeralMessage,
    Message, PeerRef, encode_heads,
};
use mitra_storage::{StorageError, StoredDocument};
use tokio::sync::mpsc;

use mitra_access::{ChangeRecord, Principal};

use crate::compaction;
use crate::peers::close_code;
use crate::server::Shared;

/// Something a document actor is asked to do.
#[derive(Debug)]
pub enum DocumentCommand {
    /// A `sync` or `request` message from a peer.
    Sync {
        /// The sender.
        from: PeerRef,
        /// The message.
        message: DocumentMessage,
        /// True for `request`.
        request: bool,
        /// The sender may not change the document (a viewer): changes in
        /// the message are stripped before the engine sees them.
        read_only: bool,
        /// Who the connection is (with authentication required): the
        /// changes it delivers are attributed to it once durable.
        principal: Option<Arc<Principal>>,
    },
    /// An ephemeral message to relay.
    Ephemeral {
        /// The sender.
        from: PeerRef,
        /// The message.
        message: EphemeralMessage,
    },
    /// Start syncing a peer whose `request` for this document was refused
    /// before the document existed, and who may read it now: exactly as if
    /// it had just sent a `request` from an empty document (what it did).
    /// Nothing happens if the peer already has a session here (it synced
    /// the document meanwhile) or its connection is gone.
    Resume {
        /// The peer and connection.
        from: PeerRef,
        /// The peer may not change the document (a viewer).
        read_only: bool,
    },
    /// The peer's connection ended.
    PeerLeft {
        /// The peer and connection.
        from: PeerRef,
    },
}

/// How long a document whose stored data failed to load is answered
/// `doc-unavailable` without trying to load it again.
pub const QUARANTINE_RETRY_AFTER: Duration = Duration::from_secs(600);

/// Most quarantined documents remembered at once (the oldest is forgotten
/// first: a forgotten one is tried again on its next request).
pub const MAX_QUARANTINED: usize = 1024;

/// The senders of every document actor in memory, and the documents in
/// quarantine.
#[derive(Default)]
pub struct DocumentRegistry {
    actors: DashMap<DocumentId, mpsc::Sender<DocumentCommand>>,
    /// Quarantined documents and when they were quarantined (bounded by
    /// [`MAX_QUARANTINED`]).
    quarantined: Mutex<HashMap<DocumentId, Instant>>,
}

impl DocumentRegistry {
    /// Number of documents in memory.
    pub fn len(&self) -> usize {
        self.actors.len()
    }

    /// True when no document is in memory.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    /// True when the document's actor is in memory.
    pub fn is_loaded(&self, id: &DocumentId) -> bool {
        self.actors.contains_key(id)
    }

    /// Drops every actor's sender: each actor finishes its queue and exits.
    pub fn close_all(&self) {
        self.actors.clear();
    }

    /// True while the document is quarantined: its stored data failed to
    /// load less than [`QUARANTINE_RETRY_AFTER`] ago.
    pub fn is_quarantined(&self, id: &DocumentId) -> bool {
        let mut quarantined = self
            .quarantined
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match quarantined.get(id) {
            Some(since) if since.elapsed() < QUARANTINE_RETRY_AFTER => true,
            Some(_) => {
                quarantined.remove(id);
                false
            }
            None => false,
        }
    }

    /// Number of documents currently remembered as quarantined.
    pub fn quarantined_count(&self) -> usize {
        self.quarantined
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Remembers a document as quarantined from now on, forgetting the
    /// oldest one when [`MAX_QUARANTINED`] are remembered already.
    fn quarantine(&self, id: DocumentId) {
        let mut quarantined = self
            .quarantined
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        quarantined.retain(|_, since| since.elapsed() < QUARANTINE_RETRY_AFTER);
        if quarantined.len() >= MAX_QUARANTINED
            && !quarantined.contains_key(&id)
            && let Some(oldest) = quarantined
                .iter()
                .min_by_key(|(_, since)| **since)
                .map(|(id, _)| *id)
        {
            quarantined.remove(&oldest);
        }
        quarantined.insert(id, Instant::now());
    }

    /// Delivers a command to a document's actor, starting the actor (which
    /// loads the document from storage first) if needed. Waits while the
    /// actor's queue is full.
    pub async fn send(shared: &Arc<Shared>, id: DocumentId, command: DocumentCommand) {
        let mut command = command;
        for _ in 0..3 {
            if shared.documents.is_quarantined(&id) {
                answer_quarantined(shared, id, command);
                return;
            }
            let sender = shared
                .documents
                .actors
                .entry(id)
                .or_insert_with(|| spawn_actor(shared, id))
                .clone();
            match sender.send(command).await {
                Ok(()) => return,
                Err(mpsc::error::SendError(returned)) => {
                    // The actor was evicted between lookup and send: start a new one.
                    shared
                        .documents
                        .actors
                        .remove_if(&id, |_, s| s.same_channel(&sender));
                    command = returned;
                }
            }
        }
        tracing::error!(document = %id, "could not deliver a command to the document actor");
        shared.metrics.error("document_unreachable");
    }
}

fn spawn_actor(shared: &Arc<Shared>, id: DocumentId) -> mpsc::Sender<DocumentCommand> {
    let (tx, rx) = mpsc::channel(shared.config.limits.document_queue);
    let actor_shared = Arc::clone(shared);
    // Weak, so that dropping the registry's sender ends the actor.
    let own = tx.downgrade();
    shared.tasks.spawn(async move {
        actor_shared.metrics.documents_loaded.inc();
        run_actor(&actor_shared, id, rx, own).await;
        actor_shared.metrics.documents_loaded.dec();
    });
    tx
}

/// Most commands applied in one round.
const MAX_BATCH: usize = 256;

/// The hot path runs on the change graph: sync messages are answered from
/// raw change bytes, never from a materialised document (compaction, off
/// the message path, still builds snapshots with automerge).
type Sync = DocumentSync<GraphEngine>;

/// What happened to a document while applying a batch.
enum Applied {
    Ok,
    /// The engine panicked; the document must be rebuilt from storage.
    Panicked(Vec<PeerRef>),
}

async fn run_actor(
    shared: &Arc<Shared>,
    id: DocumentId,
    mut rx: mpsc::Receiver<DocumentCommand>,
    own: mpsc::WeakSender<DocumentCommand>,
) {
    let (mut sync, mut stored_sizes) = match load_document(shared, id).await {
        Ok(loaded) => loaded,
        Err(LoadFailure::ShuttingDown) => return,
        Err(LoadFailure::Damaged) => {
            quarantine(shared, id, rx, &own);
            return;
        }
    };
    let idle = shared.config.document_idle_timeout;
    // Whether the document has content (then it "exists" for everyone who
    // may read it); the first durable content is announced.
    let mut exists = !sync.engine().heads().is_empty();
    loop {
        sync.tick(shared.clock());
        let timer = sync.next_wakeup();
        let wait = timer.map_or(idle, |at| at.saturating_sub(shared.clock()).min(idle));
        let first = match tokio::time::timeout(wait, rx.recv()).await {
            Ok(Some(command)) => Some(command),
            Ok(None) => break,
            Err(_) if timer.is_some() => None,
            Err(_) if sync.has_peers() => continue,
            Err(_) => {
                evict(shared, id, &mut rx, &own).await;
                return;
            }
        };
        let Some(first) = first else {
            // A timer is due (a pending doc-unavailable answer): flush only.
            sync.tick(shared.clock());
            let outputs = sync.flush();
            dispatch(shared, &sync, outputs).await;
            continue;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(command) => batch.push(command),
                Err(_) => break,
            }
        }
        // A peer to resume whose connection has gone (its `PeerLeft` may
        // have been handled already) must not get a session that nobody
        // would ever end.
        batch.retain(|command| match command {
            DocumentCommand::Resume { from, .. } => shared.peers.get(from).is_some(),
            _ => true,
        });
        if batch.is_empty() {
            continue;
        }
        // Saved sync states of peers that start a session here.
        let saved = load_saved_states(shared, &sync, &batch).await;
        let round = tokio::task::spawn_blocking(move || {
            let mut outputs = Vec::new();
            let mut records = Vec::new();
            let result = catch_unwind(AssertUnwindSafe(|| {
                let applied = apply_batch(&mut sync, batch, &saved, &mut outputs, &mut records);
                let unpersisted = match applied {
                    Applied::Ok => sync.take_unpersisted(),
                    Applied::Panicked(_) => None,
                };
                (applied, unpersisted)
            }));
            let (applied, unpersisted) = result
                .unwrap_or_else(|_| (Applied::Panicked(sync.peers().cloned().collect()), None));
            (sync, outputs, applied, unpersisted, records)
        })
        .await;
        // A join error here means the runtime is shutting down.
        let Ok((back, outputs, applied, unpersisted, records)) = round else {
            break;
        };
        sync = back;
        dispatch(shared, &sync, outputs).await;
        if let Applied::Panicked(peers) = applied {
            sync = rebuild_after_panic(shared, id, sync, peers).await;
            continue;
        }
        if let Some(bytes) = unpersisted {
            let len = bytes.len();
            if !persist(shared, id, bytes).await {
                // Shutting down and storage never came back: reveal nothing.
                break;
            }
            sync.mark_persisted();
            attribute(shared, id, &records).await;
            if !exists && !sync.engine().heads().is_empty() {
                exists = true;
                if let Some(store) = &shared.access {
                    // Spawned: it may route commands to this very actor.
                    shared.tasks.spawn(crate::auth::document_appeared(
                        Arc::clone(shared),
                        Arc::clone(store),
                        id,
                    ));
                }
            }
            shared.metrics.changes_persisted.inc();
            shared.metrics.persisted_bytes.inc_by(len as u64);
            stored_sizes.chunk_bytes += len;
            if stored_sizes.wants_compaction(shared.config.compaction_threshold_bytes) {
                stored_sizes.chunk_bytes = 0;
                compaction::schedule(shared, id);
            }
        }
        sync.tick(shared.clock());
        let sender = Arc::clone(shared);
        let round = tokio::task::spawn_blocking(move || {
            // Sync messages go out as soon as each is generated: a round
            // that answers a hundred fresh peers never holds all their
            // (possibly megabyte-sized) messages at once.
            let mut deferred = Vec::new();
            let outputs = catch_unwind(AssertUnwindSafe(|| {
                sync.flush_into(&mut |output| match output {
                    DocumentOutput::Send { to, message } => {
                        sender.peers.send(&to, &message, &sender.metrics);
                    }
                    other => deferred.push(other),
                });
            }))
            .map(|()| deferred);
            (sync, outputs)
        })
        .await;
        let Ok((back, outputs)) = round else { break };
        sync = back;
        match outputs {
            Ok(outputs) => dispatch(shared, &sync, outputs).await,
            Err(_) => {
                let peers = sync.peers().cloned().collect();
                sync = rebuild_after_panic(shared, id, sync, peers).await;
            }
        }
    }
}

/// Sizes of what storage holds for a document, to decide when to compact.
struct StoredSizes {
    snapshot_bytes: usize,
    chunk_bytes: usize,
}

impl StoredSizes {
    fn wants_compaction(&self, threshold: usize) -> bool {
        self.chunk_bytes > threshold && self.chunk_bytes > self.snapshot_bytes
    }
}

/// Why a document could not be loaded.
enum LoadFailure {
    /// The server is shutting down (storage never answered, or the blocking
    /// pool is gone).
    ShuttingDown,
    /// The stored data does not load (logged and counted already): the
    /// document is to be quarantined.
    Damaged,
}

/// Loads a document from storage (retrying while storage is unavailable)
/// and validates every stored chunk.
async fn load_document(
    shared: &Arc<Shared>,
    id: DocumentId,
) -> Result<(Sync, StoredSizes), LoadFailure> {
    let stored = loop {
        match shared.load_stored(&id).await {
            Ok(stored) => break stored.unwrap_or_default(),
            Err(e) => {
                shared.metrics.error("storage_load");
                tracing::error!(document = %id, error = %e, "loading document failed; retrying");
                if shared.shutdown.is_cancelled() {
                    return Err(LoadFailure::ShuttingDown);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    };
    let sizes = StoredSizes {
        snapshot_bytes: stored.snapshot.as_ref().map_or(0, Vec::len),
        chunk_bytes: stored.chunk_bytes(),
    };
    let engine = tokio::task::spawn_blocking(move || build_engine(&stored))
        .await
        .map_err(|_| LoadFailure::ShuttingDown)?;
    match engine {
        Ok(engine) => {
            let mut sync = DocumentSync::new(id, shared.identity.peer_id.clone(), engine);
            sync.set_unavailable_grace(shared.config.unavailable_grace);
            Ok((sync, sizes))
        }
        Err(e) => {
            shared.metrics.error("document_corrupt");
            shared.metrics.documents_quarantined.inc();
            tracing::error!(document = %id, error = %e,
                retry_after_secs = QUARANTINE_RETRY_AFTER.as_secs(),
                "stored document does not load: quarantined, peers are told it is unavailable");
            Err(LoadFailure::Damaged)
        }
    }
}

fn build_engine(stored: &StoredDocument) -> Result<GraphEngine, String> {
    catch_unwind(AssertUnwindSafe(|| {
        GraphEngine::load(
            stored.snapshot.as_deref(),
            stored.chunks.iter().map(|(_, c)| c.as_slice()),
        )
        .map_err(|e| e.to_string())
    }))
    .unwrap_or_else(|_| Err("automerge panicked while loading".into()))
}

/// A document whose stored data does not load: remember it as quarantined
/// (so that later commands are answered by [`DocumentRegistry::send`]
/// without a new actor), leave the registry, and answer every command that
/// was already queued. Nothing is served half-broken, and the peers' other
/// documents are not disturbed.
fn quarantine(
    shared: &Arc<Shared>,
    id: DocumentId,
    mut rx: mpsc::Receiver<DocumentCommand>,
    own: &mpsc::WeakSender<DocumentCommand>,
) {
    // First quarantined, then unregistered: a sender that finds no actor
    // finds the quarantine.
    shared.documents.quarantine(id);
    if let Some(own) = own.upgrade() {
        shared
            .documents
            .actors
            .remove_if(&id, |_, s| s.same_channel(&own));
    }
    rx.close();
    while let Ok(command) = rx.try_recv() {
        answer_quarantined(shared, id, command);
    }
}

/// Answers a command for a quarantined document: a peer that asks for it or
/// syncs it is told `doc-unavailable`; nothing it sent is applied.
fn answer_quarantined(shared: &Arc<Shared>, id: DocumentId, command: DocumentCommand) {
    let from = match command {
        DocumentCommand::Sync { from, .. } | DocumentCommand::Resume { from, .. } => from,
        DocumentCommand::Ephemeral { .. } | DocumentCommand::PeerLeft { .. } => return,
    };
    tracing::debug!(document = %id, peer = %from.peer, "answering doc-unavailable for a quarantined document");
    let message = Message::DocUnavailable {
        sender_id: shared.identity.peer_id.clone(),
        target_id: from.peer.clone(),
        document_id: id,
    };
    shared.peers.send(&from, &message, &shared.metrics);
}

async fn load_saved_states(
    shared: &Arc<Shared>,
    sync: &Sync,
    batch: &[DocumentCommand],
) -> Vec<(PeerRef, Vec<u8>)> {
    let mut saved = Vec::new();
    for command in batch {
        if let DocumentCommand::Sync { from, .. } | DocumentCommand::Resume { from, .. } = command
            && let Some(storage_id) = &from.storage_id
            && sync.is_new_peer(from)
            && !saved.iter().any(|(p, _): &(PeerRef, Vec<u8>)| p == from)
        {
            let started = Instant::now();
            let result = shared.storage.load_sync_state(&sync.id(), storage_id).await;
            shared
                .metrics
                .storage_result("load_sync_state", started.elapsed(), &result);
            match result {
                Ok(Some(state)) => saved.push((from.clone(), state)),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "loading a saved sync state failed"),
            }
        }
    }
    saved
}

fn apply_batch(
    sync: &mut Sync,
    batch: Vec<DocumentCommand>,
    saved: &[(PeerRef, Vec<u8>)],
    outputs: &mut Vec<DocumentOutput>,
    records: &mut Vec<ChangeRecord>,
) -> Applied {
    for command in batch {
        let result = catch_unwind(AssertUnwindSafe(|| match &command {
            DocumentCommand::Sync {
                from,
                message,
                request,
                read_only,
                principal,
            } => {
                let before = principal.as_ref().map(|_| sync.engine().change_count());
                let saved_state = saved
                    .iter()
                    .find(|(p, _)| p == from)
                    .map(|(_, s)| s.as_slice());
                let out = if *read_only && let Some(stripped) = strip_changes(sync, message) {
                    let mut out =
                        sync.receive_sync_as(from, &stripped, *request, saved_state, true);
                    out.push(DocumentOutput::Send {
                        to: from.clone(),
                        message: Message::Error {
                            sender_id: sync.our_peer_id().clone(),
                            message: format!(
                                "document {} is read-only for this connection: its changes were not accepted",
                                sync.id()
                            ),
                            target_id: Some(from.peer.clone()),
                        },
                    });
                    out
                } else {
                    sync.receive_sync_as(from, message, *request, saved_state, *read_only)
                };
                if let (Some(principal), Some(before)) = (principal, before)
                    && sync.engine().change_count() != before
                {
                    for hash in sync.engine().hashes_since(before) {
                        records.push(principal.change_record(hash.to_string()));
                    }
                }
                out
            }
            DocumentCommand::Resume { from, read_only } => {
                if sync.is_new_peer(from)
                    && let Some(data) = empty_request()
                {
                    let saved_state = saved
                        .iter()
                        .find(|(p, _)| p == from)
                        .map(|(_, s)| s.as_slice());
                    let request = DocumentMessage {
                        sender_id: from.peer.clone(),
                        target_id: sync.our_peer_id().clone(),
                        document_id: sync.id(),
                        data,
                    };
                    sync.receive_sync_as(from, &request, true, saved_state, *read_only)
                } else {
                    Vec::new()
                }
            }
            DocumentCommand::Ephemeral { from, message } => sync.receive_ephemeral(from, message),
            DocumentCommand::PeerLeft { from } => sync.peer_left(from),
        }));
        match result {
            Ok(mut out) => outputs.append(&mut out),
            Err(_) => {
                let culprit = match command {
                    DocumentCommand::Sync { from, .. }
                    | DocumentCommand::Resume { from, .. }
                    | DocumentCommand::Ephemeral { from, .. }
                    | DocumentCommand::PeerLeft { from } => from,
                };
                let mut peers: Vec<PeerRef> = sync.peers().cloned().collect();
                if !peers.contains(&culprit) {
                    peers.push(culprit);
                }
                return Applied::Panicked(peers);
            }
        }
    }
    Applied::Ok
}

/// The first sync message of a peer that has nothing of a document: what
/// an automerge-repo peer sends with `request`.
fn empty_request() -> Option<Vec<u8>> {
    use automerge::sync::SyncDoc;
    automerge::Automerge::new()
        .generate_sync_message(&mut automerge::sync::State::new())
        .map(|m| m.encode())
}

/// Records who delivered the changes just made durable (server-attested
/// attribution). A failure is logged; the changes stand.
async fn attribute(shared: &Arc<Shared>, id: DocumentId, records: &[ChangeRecord]) {
    let Some(store) = &shared.access else {
        return;
    };
    if records.is_empty() {
        return;
    }
    let at = time::OffsetDateTime::now_utc();
    if let Err(e) = store.record_changes(&id.to_string(), records, at).await {
        shared.metrics.error("attribution");
        tracing::error!(document = %id, error = %e, changes = records.len(), "recording who delivered changes failed");
    }
}

/// A read-only peer's sync message without its changes, and with only the
/// heads this document already has (so the engine neither applies its
/// changes nor asks for them again). `None` when it carries no changes (or
/// does not decode; the engine then rejects it as usual).
fn strip_changes(sync: &Sync, message: &DocumentMessage) -> Option<DocumentMessage> {
    let mut decoded = automerge::sync::Message::decode(&message.data).ok()?;
    if decoded.changes.is_empty() {
        return None;
    }
    let engine = sync.engine();
    decoded.changes = Vec::<Vec<u8>>::new().into();
    decoded.heads.retain(|h| engine.has_change(h));
    decoded.need.clear();
    Some(DocumentMessage {
        data: decoded.encode(),
        ..message.clone()
    })
}

/// After a panic the in-memory document cannot be trusted: reload it from
/// storage (the durable truth) and disconnect its peers so each resyncs from
/// a clean session. Their unpersisted changes are still on their side.
async fn rebuild_after_panic(
    shared: &Arc<Shared>,
    id: DocumentId,
    mut sync: Sync,
    peers: Vec<PeerRef>,
) -> Sync {
    shared.metrics.error("engine_panic");
    tracing::error!(document = %id, peers = peers.len(),
        "automerge panicked while applying a message: reloading the document and resetting its peers");
    for peer in &peers {
        reject(
            shared,
            peer,
            &format!("the server hit an internal error on document {id}; reconnect to resync"),
            close_code::INTERNAL_ERROR,
        );
    }
    if let Ok((fresh, _)) = load_document(shared, id).await {
        return fresh;
    }
    sync.reset_sessions();
    sync
}

/// Appends change bytes, retrying until durable. Returns false only if the
/// server is shutting down and storage still fails.
async fn persist(shared: &Arc<Shared>, id: DocumentId, bytes: Vec<u8>) -> bool {
    let mut delay = Duration::from_millis(50);
    loop {
        let started = Instant::now();
        let result = shared.storage.append(&id, bytes.clone()).await;
        shared
            .metrics
            .storage_result("append", started.elapsed(), &result);
        match result {
            Ok(_) => return true,
            Err(e) => {
                shared.metrics.error("storage_append");
                tracing::error!(document = %id, error = %e,
                    "persisting changes failed; holding them back from peers and retrying");
                if shared.shutdown.is_cancelled() && matches!(e, StorageError::Closed) {
                    return false;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn dispatch(shared: &Arc<Shared>, sync: &Sync, outputs: Vec<DocumentOutput>) {
    for output in outputs {
        match output {
            DocumentOutput::Send { to, message } => {
                shared.peers.send(&to, &message, &shared.metrics);
            }
            DocumentOutput::Reject { to, reason } => {
                shared.metrics.error("bad_sync_message");
                reject(shared, &to, &reason, close_code::INVALID_PAYLOAD);
            }
            DocumentOutput::PeerHeadsChanged { storage_id, heads } => {
                gossip_heads(shared, sync, &storage_id, &heads);
            }
            DocumentOutput::HeadsChanged { heads } => {
                gossip_heads(shared, sync, &shared.identity.storage_id, &heads);
            }
            DocumentOutput::SaveSyncState { storage_id, state } => {
                let started = Instant::now();
                let result = shared
                    .storage
                    .save_sync_state(&sync.id(), &storage_id, state)
                    .await;
                shared
                    .metrics
                    .storage_result("save_sync_state", started.elapsed(), &result);
                if let Err(e) = result {
                    tracing::warn!(document = %sync.id(), error = %e, "saving a peer's sync state failed");
                }
            }
        }
    }
}

/// Sends `remote-heads-changed` to the document's peers that follow `storage_id`.
fn gossip_heads(
    shared: &Arc<Shared>,
    sync: &Sync,
    storage_id: &mitra_protocol::StorageId,
    heads: &[automerge::ChangeHash],
) {
    let timestamp = shared.now_millis();
    for peer in sync.peers() {
        if peer.storage_id.as_ref() == Some(storage_id) {
            continue;
        }
        let Some(handle) = shared.peers.get(peer) else {
            continue;
        };
        if !handle.follows(storage_id) {
            continue;
        }
        let message = Message::RemoteHeadsChanged {
            sender_id: shared.identity.peer_id.clone(),
            target_id: peer.peer.clone(),
            document_id: sync.id(),
            new_heads: [(
                storage_id.clone(),
                RemoteHeads {
                    heads: encode_heads(heads),
                    timestamp,
                },
            )]
            .into(),
        };
        shared.peers.send(peer, &message, &shared.metrics);
    }
}

/// Sends `error` to a peer and closes its connection.
pub fn reject(shared: &Arc<Shared>, to: &PeerRef, reason: &str, code: u16) {
    tracing::warn!(peer = %to.peer, connection = to.connection.0, reason, "rejecting peer");
    let message = Message::Error {
        sender_id: shared.identity.peer_id.clone(),
        message: reason.to_owned(),
        target_id: Some(to.peer.clone()),
    };
    if let Some(handle) = shared.peers.get(to) {
        handle.send_frame(message.encode(), &shared.metrics);
        handle.close(code, reason);
    }
}

/// Leaves memory: unregister first, then hand any command that raced in to a
/// fresh actor, so nothing sent to this document is lost.
async fn evict(
    shared: &Arc<Shared>,
    id: DocumentId,
    rx: &mut mpsc::Receiver<DocumentCommand>,
    own: &mpsc::WeakSender<DocumentCommand>,
) {
    if let Some(own) = own.upgrade() {
        shared
            .documents
            .actors
            .remove_if(&id, |_, s| s.same_channel(&own));
    }
    rx.close();
    tracing::debug!(document = %id, "evicting idle document");
    while let Ok(command) = rx.try_recv() {
        DocumentRegistry::send(shared, id, command).await;
    }
}
