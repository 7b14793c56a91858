//! A peer whose saved sync state names changes the server does not have, as
//! after a server restored from an old backup (`mitra restore` keeps the
//! backup's storage id, so clients' saved sync states still apply).
//!
//! Automerge answers such a peer with a reset (no `have`, no changes) and
//! the peer drops the unknown heads from its shared heads only once it
//! knows every head of the server. When the server has changes the peer
//! lacks and cannot learn the unknown changes from the peer (the peer does
//! not have them, or its session is read-only), the two would exchange
//! "need + unknown have" and "reset" for ever. These tests drive real
//! automerge peers against a [`GraphEngine`] with a budget of round trips
//! and require convergence within a few.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fmt::Write as _;

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ROOT, ReadDoc};
use mitra_graph::GraphEngine;
use mitra_protocol::DocumentEngine;

/// Most round trips a test allows before calling it a loop.
const BUDGET: usize = 50;

/// Round trips within which every case here must go quiet.
const SMALL: usize = 5;

fn edit(doc: &mut Automerge, key: &str, value: i64) {
    let mut tx = doc.transaction();
    tx.put(ROOT, key, value).unwrap();
    tx.commit_with(CommitOptions::default().with_time(value));
}

fn peer(actor: u8) -> Automerge {
    Automerge::new().with_actor(ActorId::from([actor; 16]))
}

/// One line per message: who sent it and what it says.
fn describe(from: &str, bytes: &[u8], known: impl Fn(&ChangeHash) -> bool) -> String {
    let m = sync::Message::decode(bytes).unwrap();
    let have: Vec<String> = m
        .have
        .iter()
        .map(|h| {
            let unknown = h.last_sync.iter().filter(|x| !known(x)).count();
            format!(
                "last_sync {} ({unknown} unknown to the receiver), bloom {} bytes",
                h.last_sync.len(),
                h.bloom.to_bytes().len()
            )
        })
        .collect();
    format!(
        "{from}: heads {}, need {}, have [{}], changes {}",
        m.heads.len(),
        m.need.len(),
        have.join("; "),
        m.changes.len()
    )
}

/// What one exchange did.
struct Outcome {
    /// Round trips in which at least one side sent something.
    round_trips: usize,
    /// Messages sent by either side.
    messages: usize,
    /// True when both sides went quiet within the budget.
    quiet: bool,
    /// Every message, in order.
    transcript: String,
}

/// Runs a session between `doc` (with its sync state) and the server:
/// each round the peer sends its next message, if any, then the server.
fn drive(
    server: &mut GraphEngine,
    ours: &mut sync::State,
    doc: &mut Automerge,
    theirs: &mut sync::State,
) -> Outcome {
    let mut outcome = Outcome {
        round_trips: 0,
        messages: 0,
        quiet: false,
        transcript: String::new(),
    };
    for _ in 0..BUDGET {
        let mut busy = false;
        if let Some(m) = doc.generate_sync_message(theirs) {
            let bytes = m.encode();
            let line = describe("peer", &bytes, |h| server.has_change(h));
            let _ = writeln!(outcome.transcript, "{line}");
            server.receive(ours, &bytes).unwrap();
            outcome.messages += 1;
            busy = true;
        }
        if let Some(bytes) = server.generate(ours) {
            let line = describe("server", &bytes, |h| doc.get_change_by_hash(h).is_some());
            let _ = writeln!(outcome.transcript, "{line}");
            doc.receive_sync_message(theirs, sync::Message::decode(&bytes).unwrap())
                .unwrap();
            outcome.messages += 1;
            busy = true;
        }
        if !busy {
            outcome.quiet = true;
            return outcome;
        }
        outcome.round_trips += 1;
    }
    outcome
}

/// Syncs a peer with a server from fresh states until quiet; returns the
/// peer's state, saved and reloaded as a client does between sessions.
fn sync_fresh(server: &mut GraphEngine, doc: &mut Automerge) -> sync::State {
    let mut ours = server.new_peer_state();
    let mut theirs = sync::State::new();
    let outcome = drive(server, &mut ours, doc, &mut theirs);
    assert!(outcome.quiet, "{}", outcome.transcript);
    assert_eq!(doc.get_heads(), server.heads());
    sync::State::decode(&theirs.encode()).unwrap()
}

/// The world after a restore: a server restored from a backup taken before
/// the peer's changes `x` reached it, which meanwhile got `s` changes from
/// another client; the peer has `x` and a saved state naming it.
struct Restored {
    server: GraphEngine,
    peer: Automerge,
    saved: sync::State,
    /// The changes only the peer has (`x`).
    peer_only: Vec<ChangeHash>,
}

fn restored(peer_new: usize, server_new: usize) -> Restored {
    let mut old = GraphEngine::new();
    let mut p = peer(1);
    for i in 0..3 {
        edit(&mut p, "base", i);
    }
    sync_fresh(&mut old, &mut p);
    let backup = old.changes_bytes().to_vec();
    let before = p.get_heads();
    for i in 0..peer_new {
        edit(&mut p, "offline", 10 + i as i64);
    }
    let saved = sync_fresh(&mut old, &mut p);
    let peer_only = p.get_changes(&before).iter().map(|c| c.hash()).collect();

    let mut server = GraphEngine::load(None, [backup.as_slice()]).unwrap();
    let mut other = peer(2);
    sync_fresh(&mut server, &mut other);
    for i in 0..server_new {
        edit(&mut other, "after_restore", 20 + i as i64);
    }
    sync_fresh(&mut server, &mut other);
    Restored {
        server,
        peer: p,
        saved,
        peer_only,
    }
}

fn report(name: &str, outcome: &Outcome) {
    println!(
        "{name}: {} round trips, {} messages, quiet {}\n{}",
        outcome.round_trips, outcome.messages, outcome.quiet, outcome.transcript
    );
}

#[test]
fn a_restored_server_with_news_and_a_peer_with_news_converge() {
    let Restored {
        mut server,
        peer: mut p,
        saved: mut theirs,
        peer_only,
    } = restored(2, 2);
    assert!(!peer_only.is_empty());
    assert!(theirs.shared_heads.iter().any(|h| !server.has_change(h)));
    let mut ours = server.new_peer_state();
    let outcome = drive(&mut server, &mut ours, &mut p, &mut theirs);
    report("writable peer with news, server with news", &outcome);
    assert!(outcome.quiet, "{}", outcome.transcript);
    assert!(outcome.round_trips <= SMALL, "{}", outcome.transcript);
    assert_eq!(p.get_heads(), server.heads());
    assert!(peer_only.iter().all(|h| server.has_change(h)));
}

#[test]
fn a_viewer_after_a_restore_gets_the_servers_news() {
    let Restored {
        mut server,
        peer: mut p,
        saved: mut theirs,
        peer_only,
    } = restored(2, 2);
    let mut ours = server.new_peer_state();
    server.set_read_only(&mut ours, true);
    let outcome = drive(&mut server, &mut ours, &mut p, &mut theirs);
    report("read-only peer with news, server with news", &outcome);
    assert!(outcome.quiet, "{}", outcome.transcript);
    assert!(outcome.round_trips <= SMALL, "{}", outcome.transcript);
    // The viewer has everything the server has; its own changes stay its own.
    assert!(
        server
            .heads()
            .iter()
            .all(|h| p.get_change_by_hash(h).is_some())
    );
    assert!(peer_only.iter().all(|h| !server.has_change(h)));
}

#[test]
fn a_peer_naming_changes_it_lacks_gets_the_servers_news() {
    // The peer's document is older than its saved sync state (its storage
    // kept the sync state but lost its last changes): it names changes
    // neither side has, and has nothing the server lacks.
    let Restored {
        mut server,
        peer: p,
        saved: mut theirs,
        peer_only,
    } = restored(2, 2);
    let mut older = peer(1);
    for change in p.get_changes(&[]) {
        if !peer_only.contains(&change.hash()) {
            older.apply_changes([change.clone()]).unwrap();
        }
    }
    let mut p = older;
    assert!(theirs.shared_heads.iter().all(|h| !server.has_change(h)));
    assert!(
        theirs
            .shared_heads
            .iter()
            .all(|h| p.get_change_by_hash(h).is_none())
    );
    let mut ours = server.new_peer_state();
    let outcome = drive(&mut server, &mut ours, &mut p, &mut theirs);
    report("peer naming changes it lacks, server with news", &outcome);
    assert!(outcome.quiet, "{}", outcome.transcript);
    assert!(outcome.round_trips <= SMALL, "{}", outcome.transcript);
    assert_eq!(p.get_heads(), server.heads());
}

#[test]
fn a_restored_server_without_news_gets_the_peers() {
    let Restored {
        mut server,
        peer: mut p,
        saved: mut theirs,
        peer_only,
    } = restored(3, 0);
    let mut ours = server.new_peer_state();
    let outcome = drive(&mut server, &mut ours, &mut p, &mut theirs);
    report("writable peer with news, server without", &outcome);
    assert!(outcome.quiet, "{}", outcome.transcript);
    assert!(outcome.round_trips <= SMALL, "{}", outcome.transcript);
    assert_eq!(p.get_heads(), server.heads());
    assert!(peer_only.iter().all(|h| server.has_change(h)));
}
