//! What relaying one change costs the server, with `GraphEngine` and with
//! `AutomergeEngine`, on real documents. A measurement, not a test:
//!
//! ```text
//! cargo run --release -p mitra-graph --example relay_cost -- \
//!     ../shared/data/monday-meeting-notes.automerge \
//!     ../shared/data/paper-trace-per-edit.automerge
//! ```
//!
//! Options: `--readers K` (default 5), `--changes N` (default 50),
//! `--only graph` or `--only automerge` (one engine, for profiling).
//!
//! For each document and engine: the server loads the saved document; a
//! writer and K readers (real automerge peers holding the document) sync
//! with it until quiet (first contact, timed separately); then, N times,
//! the writer types one character and the change is relayed: the server
//! receives it from the writer, persists it (`take_unpersisted` +
//! `mark_persisted`), generates for the writer and every reader, receives
//! their acknowledgements, and so on until everyone is quiet. Only the
//! server's own calls are timed; the peers' automerge work is not. Printed:
//! medians per relayed change and the ratio between the engines.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use automerge::sync::{self, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ObjType, ROOT, ReadDoc};
use mitra_graph::GraphEngine;
use mitra_protocol::{AutomergeEngine, DocumentEngine};

struct Peer {
    doc: Automerge,
    state: sync::State,
}

struct Run {
    load: Duration,
    first_contact: Duration,
    per_change: Vec<Duration>,
    messages: usize,
}

/// Syncs every peer with the server until quiet; returns the server's time.
fn settle<E: DocumentEngine>(
    server: &mut E,
    sessions: &mut [E::PeerState],
    peers: &mut [Peer],
    messages: &mut usize,
) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..100 {
        let mut quiet = true;
        for (peer, session) in peers.iter_mut().zip(sessions.iter_mut()) {
            if let Some(m) = peer.doc.generate_sync_message(&mut peer.state) {
                let bytes = m.encode();
                let t = Instant::now();
                server.receive(session, &bytes).unwrap();
                if server.take_unpersisted().is_some() {
                    server.mark_persisted();
                }
                spent += t.elapsed();
                quiet = false;
                *messages += 1;
            }
            let t = Instant::now();
            let reply = server.generate(session);
            spent += t.elapsed();
            if let Some(bytes) = reply {
                peer.doc
                    .receive_sync_message(&mut peer.state, sync::Message::decode(&bytes).unwrap())
                    .unwrap();
                quiet = false;
                *messages += 1;
            }
        }
        if quiet {
            return spent;
        }
    }
    panic!("sync did not go quiet");
}

fn measure<E: DocumentEngine>(
    bytes: &[u8],
    readers: usize,
    changes: usize,
    load: impl FnOnce(&[u8]) -> E,
) -> Run {
    let t = Instant::now();
    let mut server = load(bytes);
    let load = t.elapsed();

    let mut writer = Automerge::load(bytes).unwrap();
    writer.set_actor(ActorId::from([0xab; 16]));
    let text = writer
        .map_range(ROOT, ..)
        .find_map(|item| match writer.object_type(item.id()) {
            Ok(ObjType::Text) => Some(item.id()),
            _ => None,
        })
        .expect("the document has a text object at its root");
    let mut peers: Vec<Peer> = std::iter::once(writer.clone())
        .chain((0..readers).map(|_| writer.clone()))
        .map(|doc| Peer {
            doc,
            state: sync::State::new(),
        })
        .collect();
    let mut sessions: Vec<E::PeerState> = peers.iter().map(|_| server.new_peer_state()).collect();
    let mut messages = 0;
    let first_contact = settle(&mut server, &mut sessions, &mut peers, &mut messages)
        / u32::try_from(peers.len()).unwrap();

    let mut per_change = Vec::with_capacity(changes);
    messages = 0;
    for i in 0..changes {
        let writer = &mut peers[0].doc;
        let mut tx = writer.transaction();
        tx.splice_text(&text, i % 50, 0, if i % 2 == 0 { "a" } else { "b" })
            .unwrap();
        tx.commit();
        per_change.push(settle(
            &mut server,
            &mut sessions,
            &mut peers,
            &mut messages,
        ));
    }
    let heads = server.heads();
    assert!(
        peers.iter().all(|p| p.doc.get_heads() == heads),
        "everyone converged"
    );
    Run {
        load,
        first_contact,
        per_change,
        messages,
    }
}

fn percentile(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, run: &Run, changes: usize) {
    println!(
        "  {name:<16} load {:>9.3?}  first contact {:>9.3?}/peer  per relayed change: median {:>9.3?}  p90 {:>9.3?}  ({} messages per change)",
        run.load,
        run.first_contact,
        percentile(&run.per_change, 0.5),
        percentile(&run.per_change, 0.9),
        run.messages / changes.max(1),
    );
}

fn main() {
    let mut readers = 5;
    let mut changes = 50;
    let mut only = None;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--readers" => {
                readers = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--readers K")
            }
            "--changes" => {
                changes = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--changes N")
            }
            "--only" => only = args.next(),
            path => paths.push(path.to_owned()),
        }
    }
    assert!(
        !paths.is_empty(),
        "usage: relay_cost [--readers K] [--changes N] DOCUMENT..."
    );
    for path in paths {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let count = Automerge::load(&bytes).unwrap().get_changes(&[]).len();
        println!(
            "{path}: {count} changes, a writer and {readers} readers, {changes} relayed changes"
        );
        let graph = (only.as_deref() != Some("automerge")).then(|| {
            let run = measure(&bytes, readers, changes, |b| {
                GraphEngine::load(Some(b), std::iter::empty()).unwrap()
            });
            report("GraphEngine", &run, changes);
            run
        });
        let automerge = (only.as_deref() != Some("graph")).then(|| {
            let run = measure(&bytes, readers, changes, |b| {
                AutomergeEngine::load(Some(b), std::iter::empty()).unwrap()
            });
            report("AutomergeEngine", &run, changes);
            run
        });
        let (Some(graph), Some(automerge)) = (graph, automerge) else {
            continue;
        };
        let ratio = percentile(&automerge.per_change, 0.5).as_secs_f64()
            / percentile(&graph.per_change, 0.5).as_secs_f64();
        println!("  ratio of medians (AutomergeEngine / GraphEngine): {ratio:.0}x");
    }
}
