//! Incoming chunks are checked before anything is accepted: a damaged,
//! forged or misplaced chunk refuses the peer's whole message, with a typed
//! error, and nothing of it is applied, queued or stored.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use automerge::sync;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, Change, ChangeHash, ExpandedChange, ROOT, ReadDoc};
use mitra_graph::{ChunkError, GraphEngine, GraphError, MAX_QUEUED_CHANGES};
use mitra_protocol::{
    ConnectionId, DocumentEngine, DocumentId, DocumentMessage, DocumentOutput, DocumentSync,
    EngineError, PeerId, PeerRef,
};

fn actor(byte: u8) -> ActorId {
    ActorId::from([byte; 16])
}

/// A change putting `key` = `value`, on top of `doc`.
fn change(doc: &mut Automerge, key: &str, value: &str) -> Change {
    let mut tx = doc.transaction();
    tx.put(ROOT, key, value).unwrap();
    let (hash, _) = tx.commit_with(CommitOptions::default().with_time(1));
    doc.get_change_by_hash(&hash.unwrap()).unwrap()
}

/// A V1 sync message from a peer at `heads` carrying `chunks`.
fn message(heads: Vec<ChangeHash>, chunks: Vec<Vec<u8>>) -> Vec<u8> {
    sync::Message {
        heads,
        need: vec![],
        have: vec![],
        changes: sync::ChunkList::from(chunks),
        flags: None,
        version: sync::MessageVersion::V1,
    }
    .encode()
}

/// The engine refuses `bytes` and is left exactly as it was.
fn assert_refused(engine: &mut GraphEngine, bytes: &[u8]) -> GraphError {
    if engine.take_unpersisted().is_some() {
        engine.mark_persisted();
    }
    let mut state = sync::State::new();
    let heads = engine.heads();
    let count = engine.change_count();
    let queued = engine.queued_count();
    let before = state.clone();
    let error = engine.receive_message(&mut state, bytes).unwrap_err();
    assert_eq!(state, before, "the session is unchanged");
    assert_eq!(engine.heads(), heads);
    assert_eq!(engine.change_count(), count);
    assert_eq!(engine.queued_count(), queued);
    assert_eq!(engine.take_unpersisted(), None, "nothing to store");
    error
}

#[test]
fn a_flipped_checksum_byte_is_a_checksum_mismatch() {
    let mut doc = Automerge::new().with_actor(actor(1));
    let c = change(&mut doc, "title", "Rapat mitra");
    let mut bytes = c.raw_bytes().to_vec();
    bytes[5] ^= 0x01;
    let mut engine = GraphEngine::new();
    let error = assert_refused(&mut engine, &message(doc.get_heads(), vec![bytes]));
    match error {
        GraphError::Chunk(ChunkError::ChecksumMismatch { index, hash, .. }) => {
            assert_eq!(index, 0);
            assert_eq!(hash, c.hash());
        }
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
}

#[test]
fn a_flipped_content_byte_is_a_checksum_mismatch() {
    let mut doc = Automerge::new().with_actor(actor(1));
    let c = change(&mut doc, "title", "Rapat mitra tahunan");
    let mut bytes = c.raw_bytes().to_vec();
    // A letter of the value: the change still parses, its hash changes.
    let at = bytes.windows(5).position(|w| w == b"Rapat").unwrap();
    bytes[at] = b'r';
    let error = assert_refused(
        &mut GraphEngine::new(),
        &message(doc.get_heads(), vec![bytes]),
    );
    assert!(
        matches!(
            error,
            GraphError::Chunk(ChunkError::ChecksumMismatch { index: 0, .. })
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("checksum"), "{error}");
}

#[test]
fn a_bad_chunk_refuses_the_whole_message() {
    let mut doc = Automerge::new().with_actor(actor(1));
    let good = change(&mut doc, "a", "1");
    let bad = change(&mut doc, "b", "2");
    let mut damaged = bad.raw_bytes().to_vec();
    damaged[4] ^= 0xff;
    let mut engine = GraphEngine::new();
    // The good change comes first: it must not be applied either.
    let error = assert_refused(
        &mut engine,
        &message(
            doc.get_heads(),
            vec![good.raw_bytes().to_vec(), damaged.clone()],
        ),
    );
    assert!(
        matches!(
            error,
            GraphError::Chunk(ChunkError::ChecksumMismatch { index: 1, .. })
        ),
        "{error:?}"
    );
    // The same two chunks as one list element (automerge joins them).
    let mut joined = good.raw_bytes().to_vec();
    joined.extend(&damaged);
    assert_refused(&mut engine, &message(doc.get_heads(), vec![joined]));
    // Truncated bytes and foreign bytes are unparsable.
    let truncated = good.raw_bytes()[..good.raw_bytes().len() - 3].to_vec();
    for chunk in [truncated, b"not a change".to_vec()] {
        let error = assert_refused(&mut engine, &message(vec![], vec![chunk]));
        assert!(
            matches!(
                error,
                GraphError::Chunk(ChunkError::Unparsable { index: 0, .. })
            ),
            "{error:?}"
        );
    }
    // Bytes that are not a sync message at all.
    assert!(matches!(
        assert_refused(&mut engine, b"\x42garbage"),
        GraphError::InvalidMessage(_)
    ));
    // Intact, the same message is accepted.
    let mut state = sync::State::new();
    engine
        .receive_message(
            &mut state,
            &message(
                doc.get_heads(),
                vec![good.raw_bytes().to_vec(), bad.raw_bytes().to_vec()],
            ),
        )
        .unwrap();
    assert_eq!(engine.heads(), doc.get_heads());
}

#[test]
fn the_same_actor_and_seq_with_other_content_is_refused() {
    let mut original = Automerge::new().with_actor(actor(7));
    let first = change(&mut original, "status", "draft");
    // Another document reusing the actor id: its first change differs.
    let mut impostor = Automerge::new().with_actor(actor(7));
    let forged = change(&mut impostor, "status", "approved");
    assert_eq!(first.seq(), forged.seq());
    assert_ne!(first.hash(), forged.hash());

    let mut engine = GraphEngine::new();
    let mut state = sync::State::new();
    engine
        .receive_message(
            &mut state,
            &message(original.get_heads(), vec![first.raw_bytes().to_vec()]),
        )
        .unwrap();
    let error = assert_refused(
        &mut engine,
        &message(impostor.get_heads(), vec![forged.raw_bytes().to_vec()]),
    );
    match &error {
        GraphError::Chunk(ChunkError::DuplicateSeq { hash, seq, actor }) => {
            assert_eq!(*hash, forged.hash());
            assert_eq!(*seq, 1);
            assert_eq!(*actor, self::actor(7).to_hex_string());
        }
        other => panic!("expected a duplicate sequence number, got {other:?}"),
    }
    assert_eq!(engine.heads(), vec![first.hash()]);

    // Both in one message, and in the queue: refused just the same.
    let mut fresh = GraphEngine::new();
    assert!(matches!(
        assert_refused(
            &mut fresh,
            &message(
                vec![],
                vec![first.raw_bytes().to_vec(), forged.raw_bytes().to_vec()]
            )
        ),
        GraphError::Chunk(ChunkError::DuplicateSeq { .. })
    ));
    let second = change(&mut original, "status", "final");
    let mut queued = GraphEngine::new();
    queued
        .receive_message(
            &mut sync::State::new(),
            &message(vec![], vec![second.raw_bytes().to_vec()]),
        )
        .unwrap();
    assert_eq!(queued.queued_count(), 1);
    let mut other = Automerge::new().with_actor(actor(7));
    change(&mut other, "x", "1");
    let forged_second = change(&mut other, "status", "final!");
    assert_eq!(forged_second.seq(), 2);
    assert!(matches!(
        assert_refused(
            &mut queued,
            &message(vec![], vec![forged_second.raw_bytes().to_vec()])
        ),
        GraphError::Chunk(ChunkError::DuplicateSeq { .. })
    ));
}

/// `change` rebuilt with other fields: a well-formed change automerge
/// itself would refuse to apply.
fn rebuilt(change: &Change, edit: impl FnOnce(&mut ExpandedChange)) -> Change {
    let mut expanded = change.decode();
    edit(&mut expanded);
    Change::from(expanded)
}

#[test]
fn changes_automerge_cannot_apply_are_refused() {
    let mut doc = Automerge::new().with_actor(actor(1));
    let first = change(&mut doc, "a", "1");
    let mut engine = GraphEngine::new();
    engine
        .receive_message(
            &mut sync::State::new(),
            &message(doc.get_heads(), vec![first.raw_bytes().to_vec()]),
        )
        .unwrap();
    // Change 3 of the actor, on top of change 1: change 2 never existed.
    let second = change(&mut doc, "a", "2");
    let gap = rebuilt(&second, |c| c.seq = 3);
    let error = assert_refused(
        &mut engine,
        &message(vec![gap.hash()], vec![gap.raw_bytes().to_vec()]),
    );
    assert!(
        matches!(
            error,
            GraphError::Chunk(ChunkError::SeqGap {
                seq: 3,
                expected: 2,
                ..
            })
        ),
        "{error:?}"
    );
    // Another actor overwriting actor 1's value names actor 1 in its
    // operations; without its dependencies it reaches a server that has
    // never seen actor 1.
    let mut other = doc.fork().with_actor(actor(2));
    let overwrite = change(&mut other, "a", "3");
    assert!(!overwrite.other_actor_ids().is_empty());
    let orphaned = rebuilt(&overwrite, |c| c.deps.clear());
    let error = assert_refused(
        &mut GraphEngine::new(),
        &message(vec![orphaned.hash()], vec![orphaned.raw_bytes().to_vec()]),
    );
    assert!(
        matches!(error, GraphError::Chunk(ChunkError::UnknownActor { .. })),
        "{error:?}"
    );
}

#[test]
fn a_document_chunk_in_a_message_is_refused() {
    let mut doc = Automerge::new().with_actor(actor(1));
    change(&mut doc, "a", "1");
    let error = assert_refused(
        &mut GraphEngine::new(),
        &message(doc.get_heads(), vec![doc.save()]),
    );
    assert!(
        matches!(
            error,
            GraphError::Chunk(ChunkError::DocumentChunk { index: 0 })
        ),
        "{error:?}"
    );
    let bundle = doc.bundle(doc.get_heads()).unwrap();
    let error = assert_refused(
        &mut GraphEngine::new(),
        &message(doc.get_heads(), vec![bundle.bytes().to_vec()]),
    );
    assert!(
        matches!(
            error,
            GraphError::Chunk(ChunkError::UnexpectedChunk { kind: "bundle", .. })
        ),
        "{error:?}"
    );
}

#[test]
fn a_read_only_session_ignores_even_bad_chunks() {
    // Automerge does not look at a read-only session's changes at all.
    let mut doc = Automerge::new().with_actor(actor(1));
    let c = change(&mut doc, "a", "1");
    let mut damaged = c.raw_bytes().to_vec();
    damaged[5] ^= 1;
    let mut engine = GraphEngine::new();
    let mut state = sync::State::new_read_only();
    engine
        .receive_message(&mut state, &message(doc.get_heads(), vec![damaged]))
        .unwrap();
    assert_eq!(engine.change_count(), 0);
}

#[test]
fn the_queue_of_changes_waiting_for_dependencies_is_bounded() {
    let mut doc = Automerge::new().with_actor(actor(3));
    let withheld = change(&mut doc, "k", "0");
    let waiting: Vec<Vec<u8>> = (0..=MAX_QUEUED_CHANGES)
        .map(|i| change(&mut doc, "k", &format!("v{i}")).raw_bytes().to_vec())
        .collect();
    let mut engine = GraphEngine::new();
    // One short of the bound: queued.
    engine
        .receive_message(
            &mut sync::State::new(),
            &message(doc.get_heads(), waiting[..MAX_QUEUED_CHANGES - 1].to_vec()),
        )
        .unwrap();
    assert_eq!(engine.queued_count(), MAX_QUEUED_CHANGES - 1);
    assert_eq!(engine.change_count(), 0);
    // Two more would pass it: refused.
    let error = assert_refused(
        &mut engine,
        &message(doc.get_heads(), waiting[MAX_QUEUED_CHANGES - 1..].to_vec()),
    );
    assert!(
        matches!(error, GraphError::Chunk(ChunkError::QueueFull { .. })),
        "{error:?}"
    );
    // The missing change arrives: everything applies in order.
    let mut state = sync::State::new();
    engine
        .receive_message(
            &mut state,
            &message(
                doc.get_heads(),
                std::iter::once(withheld.raw_bytes().to_vec())
                    .chain(waiting[MAX_QUEUED_CHANGES - 1..].iter().cloned())
                    .collect(),
            ),
        )
        .unwrap();
    assert_eq!(engine.queued_count(), 0);
    assert_eq!(engine.heads(), doc.get_heads());
    let stored = engine.take_unpersisted().unwrap();
    assert_eq!(
        Automerge::load(&stored).unwrap().get_heads(),
        doc.get_heads()
    );
}

#[test]
fn the_peer_with_a_bad_chunk_is_refused_through_document_sync() {
    let id = DocumentId::from_bytes([9; 16]);
    let mut sync = DocumentSync::new(id, PeerId::new("server"), GraphEngine::new());
    let peer = PeerRef {
        peer: PeerId::new("peer"),
        connection: ConnectionId(1),
        storage_id: None,
    };
    let mut doc = Automerge::new().with_actor(actor(1));
    let c = change(&mut doc, "a", "1");
    let mut chunk = c.raw_bytes().to_vec();
    let last = chunk.len() - 1;
    chunk[last] ^= 0x40;
    let bytes = message(doc.get_heads(), vec![chunk]);
    let out = sync.receive_sync(
        &peer,
        &DocumentMessage {
            sender_id: peer.peer.clone(),
            target_id: PeerId::new("server"),
            document_id: id,
            data: bytes.clone(),
        },
        false,
        None,
    );
    match out.as_slice() {
        [DocumentOutput::Reject { to, reason }] => {
            assert_eq!(to, &peer);
            assert!(reason.contains("rejected"), "{reason}");
        }
        other => panic!("expected the peer to be rejected, got {other:?}"),
    }
    assert_eq!(sync.take_unpersisted(), None);
    assert!(sync.engine().heads().is_empty());
    // Through the trait, the typed error becomes the engine's `Apply` or
    // `InvalidSyncMessage`, with the reason in its text.
    let mut engine = GraphEngine::new();
    let mut state = engine.new_peer_state();
    let error = engine.receive(&mut state, &bytes).unwrap_err();
    assert!(
        matches!(
            &error,
            EngineError::Apply(_) | EngineError::InvalidSyncMessage(_)
        ),
        "{error:?}"
    );
}
