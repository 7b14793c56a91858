//! A fresh peer of a document loaded from a compacted snapshot: one V2
//! message whose single chunk is the snapshot followed by the changes it
//! does not hold, instead of every change as its own chunk.
//!
//! Automerge would send `save()` of the current document in that chunk; the
//! engine sends the stored snapshot and the raw tail (a deliberate
//! deviation, see `GraphEngine`), so these tests compare what the peer ends
//! up with (heads, convergence, the session state) rather than bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ROOT, ReadDoc};
use mitra_graph::GraphEngine;
use mitra_protocol::DocumentEngine;

/// First byte of a V1 and a V2 sync message.
const V1: u8 = 0x42;
const V2: u8 = 0x43;

fn edit(doc: &mut Automerge, key: &str, value: i64) {
    let mut tx = doc.transaction();
    tx.put(ROOT, key, value).unwrap();
    tx.commit_with(CommitOptions::default().with_time(value));
}

/// A document with a history from three actors: its snapshot after
/// `before` rounds of edits, the raw changes of `after` more rounds, and
/// the final document.
fn history(before: i64, after: i64) -> (Vec<u8>, Vec<u8>, Automerge) {
    let mut a = Automerge::new().with_actor(ActorId::from([1; 16]));
    let mut b = Automerge::new().with_actor(ActorId::from([2; 16]));
    let mut c = Automerge::new().with_actor(ActorId::from([3; 16]));
    let round = |a: &mut Automerge, b: &mut Automerge, c: &mut Automerge, i: i64| {
        edit(a, "a", i);
        edit(b, "b", i);
        edit(c, &format!("c{i}"), i);
        a.merge(b).unwrap();
        a.merge(c).unwrap();
        b.merge(a).unwrap();
        c.merge(a).unwrap();
    };
    for i in 0..before {
        round(&mut a, &mut b, &mut c, i);
    }
    let snapshot = a.save();
    let heads = a.get_heads();
    for i in before..before + after {
        round(&mut a, &mut b, &mut c, i);
    }
    let tail = a.save_after(&heads);
    (snapshot, tail, a)
}

/// Sends the peer's next message to the server; false when it has none.
fn peer_to_server(
    peer: &mut Automerge,
    peer_state: &mut sync::State,
    server: &mut GraphEngine,
    server_state: &mut sync::State,
    strip_flags: bool,
) -> bool {
    let Some(mut m) = peer.generate_sync_message(peer_state) else {
        return false;
    };
    if strip_flags {
        // An older peer: no flags section, so no V2 capability.
        m.flags = None;
    }
    server.receive(server_state, &m.encode()).unwrap();
    true
}

/// Delivers the server's next message to the peer, returning its bytes.
fn server_to_peer(
    server: &mut GraphEngine,
    server_state: &mut sync::State,
    peer: &mut Automerge,
    peer_state: &mut sync::State,
) -> Option<Vec<u8>> {
    let bytes = server.generate(server_state)?;
    peer.receive_sync_message(peer_state, sync::Message::decode(&bytes).unwrap())
        .unwrap();
    Some(bytes)
}

/// Exchanges messages until both sides are quiet; returns how many the
/// server sent.
fn settle(
    server: &mut GraphEngine,
    server_state: &mut sync::State,
    peer: &mut Automerge,
    peer_state: &mut sync::State,
    strip_flags: bool,
) -> usize {
    let mut sent = 0;
    for _ in 0..20 {
        let asked = peer_to_server(peer, peer_state, server, server_state, strip_flags);
        let answered = server_to_peer(server, server_state, peer, peer_state).is_some();
        sent += usize::from(answered);
        if !asked && !answered {
            return sent;
        }
    }
    panic!("sync did not go quiet");
}

#[test]
fn a_snapshot_followed_by_change_chunks_loads_incrementally() {
    let (snapshot, tail, full) = history(30, 4);
    let mut doc = Automerge::new();
    doc.load_incremental(&[snapshot, tail].concat()).unwrap();
    assert_eq!(doc.get_heads(), full.get_heads());
    assert_eq!(doc.get_changes(&[]).len(), full.get_changes(&[]).len());
}

#[test]
fn a_fresh_v2_peer_gets_the_snapshot_and_tail_in_one_chunk() {
    let (snapshot, tail, full) = history(40, 5);
    let total = full.get_changes(&[]).len();
    let mut server = GraphEngine::load(Some(&snapshot), [tail.as_slice()]).unwrap();
    assert_eq!(server.heads(), full.get_heads());
    let mut server_state = server.new_peer_state();
    let mut peer = Automerge::new().with_actor(ActorId::from([9; 16]));
    let mut peer_state = sync::State::new();

    assert!(peer_to_server(
        &mut peer,
        &mut peer_state,
        &mut server,
        &mut server_state,
        false
    ));
    let bytes = server_to_peer(&mut server, &mut server_state, &mut peer, &mut peer_state)
        .expect("the server answers a fresh peer");
    assert_eq!(bytes[0], V2, "a whole-document message is V2");
    let message = sync::Message::decode(&bytes).unwrap();
    assert_eq!(message.changes.len(), 1, "one chunk, not {total} changes");
    let chunk = message.changes.iter().next().unwrap();
    assert!(
        chunk.starts_with(&snapshot),
        "the chunk opens with the snapshot"
    );
    assert!(chunk.len() < snapshot.len() + server.changes_bytes().len());
    assert!(message.flags.is_none(), "the engine never sends flags");
    // One message and the peer has everything.
    assert_eq!(peer.get_heads(), full.get_heads());
    assert_eq!(peer.get_changes(&[]).len(), total);
    assert_eq!(
        peer.get(ROOT, "c44").unwrap().map(|(v, _)| v.to_string()),
        full.get(ROOT, "c44").unwrap().map(|(v, _)| v.to_string())
    );
    assert!(full.get(ROOT, "c44").unwrap().is_some());
    // Everything counts as sent until the peer confirms it.
    assert_eq!(server_state.sent_hashes.len(), total);

    // The peer confirms; nothing more is sent and nothing is pending.
    assert_eq!(
        settle(
            &mut server,
            &mut server_state,
            &mut peer,
            &mut peer_state,
            false
        ),
        0
    );
    assert_eq!(
        server_state.their_heads.as_deref(),
        Some(&full.get_heads()[..])
    );
    assert_eq!(server_state.shared_heads, full.get_heads());
    assert!(server_state.sent_hashes.is_empty());

    // The next edit, from another peer, is relayed as one raw change.
    let mut other = full.fork().with_actor(ActorId::from([8; 16]));
    edit(&mut other, "next", 1);
    let next: ChangeHash = other.get_heads()[0];
    let mut other_state = server.new_peer_state();
    settle(
        &mut server,
        &mut other_state,
        &mut other,
        &mut sync::State::new(),
        false,
    );
    assert!(server.has_change(&next));
    let bytes = server_to_peer(&mut server, &mut server_state, &mut peer, &mut peer_state)
        .expect("the new change is relayed");
    assert_eq!(bytes[0], V1, "a normal relay is V1");
    let message = sync::Message::decode(&bytes).unwrap();
    assert_eq!(message.changes.len(), 1);
    settle(
        &mut server,
        &mut server_state,
        &mut peer,
        &mut peer_state,
        false,
    );
    assert_eq!(peer.get_heads(), vec![next]);
    assert_eq!(server.heads(), vec![next]);
}

#[test]
fn a_fresh_peer_without_v2_gets_every_change() {
    let (snapshot, tail, full) = history(20, 3);
    let total = full.get_changes(&[]).len();
    let mut server = GraphEngine::load(Some(&snapshot), [tail.as_slice()]).unwrap();
    let mut server_state = server.new_peer_state();
    let mut peer = Automerge::new().with_actor(ActorId::from([9; 16]));
    let mut peer_state = sync::State::new();

    assert!(peer_to_server(
        &mut peer,
        &mut peer_state,
        &mut server,
        &mut server_state,
        true
    ));
    assert_eq!(server_state.their_capabilities, None);
    let bytes = server_to_peer(&mut server, &mut server_state, &mut peer, &mut peer_state)
        .expect("the server answers a fresh peer");
    assert_eq!(bytes[0], V1);
    assert_eq!(sync::Message::decode(&bytes).unwrap().changes.len(), total);
    assert_eq!(peer.get_heads(), full.get_heads());
    settle(
        &mut server,
        &mut server_state,
        &mut peer,
        &mut peer_state,
        true,
    );
    assert!(server_state.sent_hashes.is_empty());
}

#[test]
fn without_a_snapshot_a_fresh_v2_peer_gets_every_change() {
    let (snapshot, tail, full) = history(20, 3);
    let total = full.get_changes(&[]).len();
    // The same history stored as change chunks only.
    let mut changes = Automerge::new();
    changes.load_incremental(&snapshot).unwrap();
    let all = changes.save_after(&[]);
    let mut server = GraphEngine::load(None, [all.as_slice(), tail.as_slice()]).unwrap();
    let mut server_state = server.new_peer_state();
    let mut peer = Automerge::new();
    let mut peer_state = sync::State::new();

    assert!(peer_to_server(
        &mut peer,
        &mut peer_state,
        &mut server,
        &mut server_state,
        false
    ));
    let bytes = server_to_peer(&mut server, &mut server_state, &mut peer, &mut peer_state)
        .expect("the server answers a fresh peer");
    assert_eq!(bytes[0], V1);
    assert_eq!(sync::Message::decode(&bytes).unwrap().changes.len(), total);
    assert_eq!(peer.get_heads(), full.get_heads());
}

#[test]
fn a_peer_with_history_gets_only_what_it_lacks() {
    let (snapshot, tail, full) = history(20, 3);
    let mut server = GraphEngine::load(Some(&snapshot), [tail.as_slice()]).unwrap();
    let mut server_state = server.new_peer_state();
    // A peer that has the snapshot's history: not fresh, so no whole document.
    let mut peer = Automerge::load(&snapshot).unwrap();
    peer.set_actor(ActorId::from([9; 16]));
    let mut peer_state = sync::State::new();
    let mut chunks = Vec::new();
    for _ in 0..10 {
        let asked = peer_to_server(
            &mut peer,
            &mut peer_state,
            &mut server,
            &mut server_state,
            false,
        );
        let answer = server_to_peer(&mut server, &mut server_state, &mut peer, &mut peer_state);
        if let Some(bytes) = &answer {
            assert_eq!(bytes[0], V1);
            chunks.push(sync::Message::decode(bytes).unwrap().changes.len());
        }
        if !asked && answer.is_none() {
            break;
        }
    }
    assert_eq!(peer.get_heads(), full.get_heads());
    assert_eq!(chunks.iter().sum::<usize>(), 9, "the 9 tail changes, raw");
}
