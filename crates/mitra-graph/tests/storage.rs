//! Loading from storage and handing out what must become durable: the same
//! inputs and contract as `AutomergeEngine`, and a log automerge loads as
//! the same document.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ROOT};
use mitra_graph::{ChunkError, GraphEngine, GraphError, StoredPart};
use mitra_protocol::{AutomergeEngine, DocumentEngine};

fn edit(doc: &mut Automerge, i: i64) {
    let mut tx = doc.transaction();
    tx.put(ROOT, format!("k{}", i % 5), i).unwrap();
    tx.commit_with(CommitOptions::default().with_time(i));
}

/// A document by two actors with concurrent branches.
fn sample() -> Automerge {
    let mut a = Automerge::new().with_actor(ActorId::from([1; 16]));
    let mut tx = a.transaction();
    let text = tx.put_object(ROOT, "notes", ObjType::Text).unwrap();
    tx.splice_text(&text, 0, 0, "Agenda").unwrap();
    tx.commit_with(CommitOptions::default().with_time(0));
    let mut b = a.fork().with_actor(ActorId::from([2; 16]));
    for i in 0..10 {
        edit(&mut a, i);
        edit(&mut b, 100 + i);
    }
    a.merge(&mut b).unwrap();
    edit(&mut a, 1000);
    a
}

/// Syncs an automerge peer with the engine until quiet.
fn sync_peer(engine: &mut GraphEngine, peer: &mut Automerge) {
    let mut ours = engine.new_peer_state();
    let mut theirs = sync::State::new();
    for _ in 0..50 {
        let mut quiet = true;
        if let Some(m) = peer.generate_sync_message(&mut theirs) {
            engine.receive(&mut ours, &m.encode()).unwrap();
            quiet = false;
        }
        if let Some(m) = engine.generate(&mut ours) {
            peer.receive_sync_message(&mut theirs, sync::Message::decode(&m).unwrap())
                .unwrap();
            quiet = false;
        }
        if quiet {
            return;
        }
    }
    panic!("sync did not go quiet");
}

#[test]
fn loads_what_automerge_engine_loads() {
    let doc = sample();
    let changes = doc.get_changes(&[]);
    let (early, late) = changes.split_at(8);
    let early_doc = {
        let mut d = Automerge::new();
        d.apply_changes(early.iter().cloned()).unwrap();
        d
    };
    let snapshot = early_doc.save();
    // The rest as appended chunks: several changes per chunk, one per chunk.
    let mut chunks: Vec<Vec<u8>> = vec![
        late[..5]
            .iter()
            .flat_map(|c| c.raw_bytes().to_vec())
            .collect(),
    ];
    chunks.extend(late[5..].iter().map(|c| c.raw_bytes().to_vec()));

    for snapshot in [None, Some(snapshot.as_slice())] {
        let chunks: Vec<Vec<u8>> = match snapshot {
            Some(_) => chunks.clone(),
            None => vec![
                changes
                    .iter()
                    .flat_map(|c| c.raw_bytes().to_vec())
                    .collect(),
            ],
        };
        let ours = GraphEngine::load(snapshot, chunks.iter().map(Vec::as_slice)).unwrap();
        let reference = AutomergeEngine::load(snapshot, chunks.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(ours.heads(), reference.heads());
        assert_eq!(ours.change_count(), changes.len());
        assert!(ours.is_durable());
        assert_eq!(
            ours.materialise().unwrap().hydrate(None),
            reference.document().hydrate(None)
        );
    }
}

#[test]
fn unpersisted_changes_are_handed_out_until_marked_durable() {
    let mut peer = sample();
    let mut engine = GraphEngine::new();
    assert!(engine.is_empty());
    assert_eq!(engine.take_unpersisted(), None);
    sync_peer(&mut engine, &mut peer);
    assert_eq!(engine.heads(), peer.get_heads());
    assert!(!engine.is_durable());

    let first = engine.take_unpersisted().unwrap();
    assert!(!engine.is_durable(), "handed out is not durable yet");
    // More arrives before the write completes.
    edit(&mut peer, 2000);
    sync_peer(&mut engine, &mut peer);
    let again = engine.take_unpersisted().unwrap();
    assert!(
        again.starts_with(&first),
        "taken again: everything since the last durable point"
    );
    engine.mark_persisted();
    assert!(engine.is_durable());
    assert_eq!(engine.take_unpersisted(), None);

    edit(&mut peer, 3000);
    sync_peer(&mut engine, &mut peer);
    let tail = engine.take_unpersisted().unwrap();
    engine.mark_persisted();

    // The log, appended in order, loads in automerge as the same document,
    // and in both engines.
    let log = [again, tail];
    let loaded = Automerge::load(&log.concat()).unwrap();
    assert_eq!(loaded.get_heads(), peer.get_heads());
    assert_eq!(loaded.hydrate(None), peer.hydrate(None));
    let reloaded = GraphEngine::load(None, log.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(reloaded.heads(), peer.get_heads());
    let reference = AutomergeEngine::load(None, log.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(reference.heads(), peer.get_heads());
}

#[test]
fn damaged_storage_is_an_error_naming_the_piece() {
    let doc = sample();
    let changes = doc.get_changes(&[]);
    let mut chunks: Vec<Vec<u8>> = changes.iter().map(|c| c.raw_bytes().to_vec()).collect();
    chunks[3][6] ^= 0x10;
    let error = GraphEngine::load(None, chunks.iter().map(Vec::as_slice))
        .err()
        .unwrap();
    assert!(
        matches!(
            error,
            GraphError::Stored {
                part: StoredPart::Chunk(3),
                source: ChunkError::ChecksumMismatch { index: 0, .. }
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("stored chunk 3"), "{error}");

    let mut snapshot = doc.save();
    let middle = snapshot.len() / 2;
    snapshot[middle] ^= 0xff;
    let error = GraphEngine::load(Some(&snapshot), std::iter::empty())
        .err()
        .unwrap();
    assert!(
        matches!(
            error,
            GraphError::Materialise {
                part: StoredPart::Snapshot,
                ..
            } | GraphError::Stored {
                part: StoredPart::Snapshot,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_stored_change_without_its_dependencies_waits_in_the_queue() {
    let doc = sample();
    let changes = doc.get_changes(&[]);
    let last = changes.last().unwrap();
    let engine = GraphEngine::load(None, [last.raw_bytes()]).unwrap();
    assert!(engine.is_empty());
    assert_eq!(engine.queued_count(), 1);
    assert!(!engine.has_change(&last.hash()));
}

#[test]
fn a_reloaded_engine_syncs_a_peer_that_lost_everything() {
    let doc = sample();
    let mut engine = GraphEngine::load(Some(&doc.save()), std::iter::empty()).unwrap();
    // A peer with nothing (as after losing its data) gets everything.
    let mut peer = Automerge::new();
    sync_peer(&mut engine, &mut peer);
    assert_eq!(peer.get_heads(), doc.get_heads());
    assert_eq!(peer.hydrate(None), doc.hydrate(None));
    assert_eq!(engine.take_unpersisted(), None, "nothing new to store");
}
