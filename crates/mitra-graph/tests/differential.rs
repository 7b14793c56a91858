//! Differential tests: the graph engine against automerge's own sync.
//!
//! Every case builds a seeded world: 2-4 automerge peers editing one
//! document concurrently, each with a session to a server, over a network
//! that delays, reorders, duplicates and drops messages, and peers that go
//! offline, edit, come back with or without their saved sync state, lose
//! all their data, or are made read-only. The server is run twice in lock
//! step on the same inputs: a [`GraphEngine`] and automerge's own
//! `Automerge` with `sync::State`, `generate_sync_message` and
//! `receive_sync_message`. After every step the two must agree exactly:
//!
//! - every outgoing message, byte for byte, once automerge's flags section
//!   is removed (the engine never sends it; to keep automerge's server on
//!   the same V1 path, the capabilities a peer advertised are cleared from
//!   both servers' states after every message, as if the peer had sent no
//!   flags; the whole-document path, where the engine deliberately sends a
//!   different chunk than automerge, is covered by `tests/snapshot.rs`);
//! - the whole sync state of the session, heads, and the bytes to persist
//!   (automerge's `save_after` of the last durable heads).
//!
//! The server also restarts from what it persisted (the engine with
//! `GraphEngine::load`, automerge as `AutomergeEngine::load` does), and
//! compacts its storage into a snapshot. At the end every session restarts
//! and messages flow reliably until quiet: every writable peer must have
//! the server's heads, and the persisted log must load in automerge as the
//! same document. The engine deviates from automerge in one place, answering
//! a peer that names unknown changes and asks for ours
//! (`answer_despite_unknown_sync`); automerge's state gets the same rule.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::VecDeque;
use std::fmt::Write as _;

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ObjType, ROOT, ReadDoc, Value};
use mitra_graph::GraphEngine;
use mitra_protocol::DocumentEngine;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// What a family of cases stresses.
#[derive(Debug, Clone, Copy)]
enum Family {
    /// Concurrent editing over a lossy, reordering network.
    Concurrent,
    /// Going offline, editing, reconnecting with or without saved state,
    /// losing all data, foreign saved states.
    Reconnect,
    /// Read-only sessions switched on and off.
    ReadOnly,
    /// Changes whose dependencies arrive later, duplicate delivery, server
    /// restarts and compaction.
    QueueAndRestart,
}

/// Counts of what was compared.
#[derive(Default)]
struct Counts {
    cases: usize,
    generated: usize,
    messages: usize,
    received: usize,
    persisted: usize,
    restarts: usize,
    /// Answers to a peer naming unknown changes that were not resets.
    deviations: usize,
}

/// The engine's one deviation from automerge's generate, applied to
/// automerge's own state before it generates (see
/// `GraphEngine::generate_message`): a peer whose first `have` names changes
/// the server does not have gets a reset, unless it asks for a change the
/// server has; then the unknown hashes are dropped from its `last_sync` and
/// it is answered normally. Returns true when the rule applied.
fn answer_despite_unknown_sync(server: &Automerge, state: &mut sync::State) -> bool {
    let known = |h: &ChangeHash| server.get_change_meta_by_hash(h).is_some();
    let Some(have) = state.their_have.as_mut() else {
        return false;
    };
    let unknown = have.first().is_some_and(|h| !h.last_sync.iter().all(known));
    if !unknown || !state.their_need.iter().flatten().any(known) {
        return false;
    }
    for h in have.iter_mut() {
        h.last_sync.retain(known);
    }
    true
}

/// One peer and its session with the server (as both servers see it).
struct Peer {
    doc: Automerge,
    /// The peer's sync state with the server.
    state: sync::State,
    /// The graph engine's session with the peer.
    ours: sync::State,
    /// Automerge's session with the peer.
    theirs: sync::State,
    connected: bool,
    read_only: bool,
    to_server: VecDeque<Vec<u8>>,
    to_peer: VecDeque<Vec<u8>>,
    /// Timestamp of the peer's next change (deterministic bytes).
    clock: i64,
}

struct World<'a> {
    rng: StdRng,
    family: Family,
    peers: Vec<Peer>,
    ours: GraphEngine,
    reference: Automerge,
    /// Automerge's heads at the last durable point.
    ref_persisted: Vec<ChangeHash>,
    snapshot: Option<Vec<u8>>,
    chunks: Vec<Vec<u8>>,
    counts: &'a mut Counts,
    /// What happened, printed when an assertion fails.
    log: String,
}

fn check(log: &str, ok: bool, what: &str) {
    assert!(ok, "{what}\n--- schedule ---\n{log}");
}

fn actor(rng: &mut StdRng) -> ActorId {
    ActorId::from(rng.random::<[u8; 16]>())
}

impl<'a> World<'a> {
    fn new(seed: u64, family: Family, counts: &'a mut Counts) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let n = rng.random_range(2..=4);
        // Sometimes the peers share a starting document the server has in
        // storage already; sometimes everything starts empty.
        let base = if rng.random_bool(0.4) {
            let mut doc = Automerge::new().with_actor(actor(&mut rng));
            for i in 0..rng.random_range(1..6) {
                let mut tx = doc.transaction();
                tx.put(ROOT, format!("base{i}"), i).unwrap();
                if i == 0 {
                    tx.put_object(ROOT, "text", ObjType::Text).unwrap();
                }
                tx.commit_with(CommitOptions::default().with_time(i));
            }
            Some(doc)
        } else {
            None
        };
        let (snapshot, chunks) = match &base {
            Some(doc) if rng.random_bool(0.5) => (Some(doc.save()), Vec::new()),
            Some(doc) => (None, vec![doc.save_after(&[])]),
            None => (None, Vec::new()),
        };
        let peers = (0..n)
            .map(|_| {
                let doc = match &base {
                    Some(doc) if rng.random_bool(0.7) => doc.fork().with_actor(actor(&mut rng)),
                    _ => Automerge::new().with_actor(actor(&mut rng)),
                };
                Peer {
                    doc,
                    state: sync::State::new(),
                    ours: sync::State::new(),
                    theirs: sync::State::new(),
                    connected: true,
                    read_only: false,
                    to_server: VecDeque::new(),
                    to_peer: VecDeque::new(),
                    clock: 100,
                }
            })
            .collect();
        let mut world = Self {
            rng,
            family,
            peers,
            ours: GraphEngine::new(),
            reference: Automerge::new(),
            ref_persisted: Vec::new(),
            snapshot,
            chunks,
            counts,
            log: format!("seed {seed} {family:?} peers {n}\n"),
        };
        world.load_servers();
        world
    }

    /// (Re)loads both servers from storage, as the server does at start.
    fn load_servers(&mut self) {
        self.ours = GraphEngine::load(
            self.snapshot.as_deref(),
            self.chunks.iter().map(Vec::as_slice),
        )
        .unwrap();
        let mut doc = match &self.snapshot {
            Some(bytes) => Automerge::load(bytes).unwrap(),
            None => Automerge::new(),
        };
        for chunk in &self.chunks {
            doc.load_incremental(chunk).unwrap();
        }
        self.reference = doc;
        self.ref_persisted = self.reference.get_heads();
        check(
            &self.log,
            self.ours.heads() == self.reference.get_heads(),
            "heads differ after loading from storage",
        );
        check(
            &self.log,
            self.ours.is_durable(),
            "a loaded document is durable",
        );
    }

    fn edit(&mut self, i: usize) {
        let ops = if self.rng.random_bool(0.8) {
            1
        } else {
            self.rng.random_range(2..6)
        };
        let p = &mut self.peers[i];
        let mut tx = p.doc.transaction();
        for _ in 0..ops {
            match self.rng.random_range(0..5) {
                0..=2 => {
                    let key = *["a", "b", "c", "d", "e", "f"]
                        .choose(&mut self.rng)
                        .unwrap();
                    tx.put(ROOT, key, self.rng.random_range(0..1000i64))
                        .unwrap();
                }
                3 => match tx.get(ROOT, "text").unwrap() {
                    Some((Value::Object(ObjType::Text), text)) => {
                        let len = tx.length(&text);
                        let pos = self.rng.random_range(0..=len);
                        let del = if len > pos && self.rng.random_bool(0.3) {
                            1
                        } else {
                            0
                        };
                        tx.splice_text(&text, pos, del, "xy").unwrap();
                    }
                    _ => {
                        tx.put_object(ROOT, "text", ObjType::Text).unwrap();
                    }
                },
                _ => {
                    let key = *["a", "b", "c"].choose(&mut self.rng).unwrap();
                    tx.delete(ROOT, key).unwrap();
                }
            }
        }
        p.clock += 1;
        tx.commit_with(CommitOptions::default().with_time(p.clock));
        let _ = writeln!(self.log, "edit {i}");
    }

    /// Both servers receive the same bytes from peer `i`; everything must agree.
    fn server_receive(&mut self, i: usize, bytes: &[u8]) {
        let p = &mut self.peers[i];
        let ours = self.ours.receive(&mut p.ours, bytes);
        let theirs = self
            .reference
            .receive_sync_message(&mut p.theirs, sync::Message::decode(bytes).unwrap());
        p.theirs.their_capabilities = None;
        p.ours.their_capabilities = None;
        let _ = writeln!(self.log, "server receives from {i}");
        check(
            &self.log,
            ours.is_ok(),
            &format!("the engine refused a valid message: {ours:?}"),
        );
        check(&self.log, theirs.is_ok(), "automerge refused a message");
        check(
            &self.log,
            p.ours == p.theirs,
            &format!(
                "sync states differ after receive\nours   {:?}\ntheirs {:?}",
                p.ours, p.theirs
            ),
        );
        check(
            &self.log,
            self.ours.heads() == self.reference.get_heads(),
            "heads differ after receive",
        );
        self.counts.received += 1;
        self.persist();
    }

    /// Persists what the engine hands out, checking it against automerge.
    fn persist(&mut self) {
        match self.ours.take_unpersisted() {
            Some(bytes) => {
                let expected = self.reference.save_after(&self.ref_persisted);
                check(
                    &self.log,
                    bytes == expected,
                    "the bytes to persist differ from save_after",
                );
                check(
                    &self.log,
                    !self.ours.is_durable(),
                    "unpersisted changes are not durable",
                );
                self.ours.mark_persisted();
                self.chunks.push(bytes);
                self.ref_persisted = self.reference.get_heads();
                self.counts.persisted += 1;
            }
            None => check(
                &self.log,
                self.reference.get_heads() == self.ref_persisted,
                "automerge has new changes the engine did not hand out",
            ),
        }
        check(
            &self.log,
            self.ours.is_durable(),
            "persisted changes are durable",
        );
    }

    /// Both servers generate for peer `i`; the messages must be identical.
    fn server_generate(&mut self, i: usize) -> Option<Vec<u8>> {
        let p = &mut self.peers[i];
        let ours = self.ours.generate(&mut p.ours);
        if answer_despite_unknown_sync(&self.reference, &mut p.theirs) {
            self.counts.deviations += 1;
            let _ = writeln!(self.log, "answer {i} despite an unknown last sync");
        }
        let theirs = self
            .reference
            .generate_sync_message(&mut p.theirs)
            .map(|mut m| {
                m.flags = None;
                m.encode()
            });
        self.counts.generated += 1;
        check(
            &self.log,
            ours == theirs,
            &format!(
                "messages to {i} differ\nours   {:?}\ntheirs {:?}",
                ours.as_deref().map(sync::Message::decode),
                theirs.as_deref().map(sync::Message::decode)
            ),
        );
        check(
            &self.log,
            p.ours == p.theirs,
            "sync states differ after generate",
        );
        if ours.is_some() {
            self.counts.messages += 1;
            let _ = writeln!(self.log, "server sends to {i}");
        }
        ours
    }

    fn peer_generate(&mut self, i: usize) -> Option<Vec<u8>> {
        let p = &mut self.peers[i];
        p.doc
            .generate_sync_message(&mut p.state)
            .map(sync::Message::encode)
    }

    fn peer_receive(&mut self, i: usize, bytes: &[u8]) {
        let p = &mut self.peers[i];
        p.doc
            .receive_sync_message(&mut p.state, sync::Message::decode(bytes).unwrap())
            .unwrap();
        let _ = writeln!(self.log, "peer {i} receives");
    }

    /// Takes a queued message: usually the oldest, sometimes another
    /// (reordering), sometimes leaving a copy behind (duplicate delivery).
    fn take(
        &mut self,
        queue: fn(&mut Peer) -> &mut VecDeque<Vec<u8>>,
        i: usize,
    ) -> Option<Vec<u8>> {
        let reorder = self.rng.random_bool(0.1);
        let duplicate = self.rng.random_bool(match self.family {
            Family::QueueAndRestart => 0.15,
            _ => 0.05,
        });
        let q = queue(&mut self.peers[i]);
        if q.is_empty() {
            return None;
        }
        let at = if reorder {
            self.rng.random_range(0..q.len())
        } else {
            0
        };
        if duplicate {
            let m = q[at].clone();
            let _ = writeln!(self.log, "duplicate");
            return Some(m);
        }
        q.remove(at)
    }

    /// The peer's connection ends: both sides keep what they would save.
    fn disconnect(&mut self, i: usize) {
        let p = &mut self.peers[i];
        if !p.connected {
            return;
        }
        let ours = self.ours.encode_peer_state(&p.ours);
        check(
            &self.log,
            ours == p.theirs.encode(),
            "saved sync states differ",
        );
        p.connected = false;
        p.to_server.clear();
        p.to_peer.clear();
        let _ = writeln!(self.log, "disconnect {i}");
    }

    /// A new connection: each side starts from a fresh state, its saved
    /// state, or a state naming heads the other side may not have.
    fn connect(&mut self, i: usize) {
        self.connect_with(i, false);
    }

    /// A new connection where each side starts fresh or from a saved state
    /// that is true (naming only heads the other side has).
    ///
    /// A saved state naming heads the other side never had (as after a
    /// server restored from an old backup) makes automerge's sync loop for
    /// ever when the server has changes the peer lacks and cannot learn the
    /// unknown ones from it: the server answers with a reset, but the peer
    /// keeps naming them as long as it lacks some of the server's heads.
    /// The engine breaks that loop (`answer_despite_unknown_sync`), so the
    /// final phase of every family but `ReadOnly` reconnects with any saved
    /// state. In `ReadOnly`, a peer that goes quiet after a reset (it has
    /// nothing the server would take) leaves its unknown `last_sync` in the
    /// server's state, and every later generate call repeats the reset, as
    /// automerge's does: that phase would not go quiet.
    fn connect_truthfully(&mut self, i: usize) {
        self.connect_with(i, true);
    }

    fn connect_with(&mut self, i: usize, truthful: bool) {
        let server_hashes: Vec<ChangeHash> = self
            .ours
            .hashes_since(0)
            .into_iter()
            .filter(|_| self.rng.random_bool(0.2))
            .collect();
        let mut server_choice = self.rng.random_range(0..10);
        let mut peer_choice = self.rng.random_range(0..10);
        if truthful {
            let p = &self.peers[i];
            let true_to_peer =
                |heads: &[ChangeHash]| heads.iter().all(|h| p.doc.get_change_by_hash(h).is_some());
            if server_choice > 8 || !true_to_peer(&p.ours.shared_heads) {
                server_choice = 0;
            }
            if peer_choice > 8 || !p.state.shared_heads.iter().all(|h| self.ours.has_change(h)) {
                peer_choice = 0;
            }
        }
        let foreign = ChangeHash(self.rng.random());
        let p = &mut self.peers[i];
        let saved = match server_choice {
            0..=3 => None,
            4..=8 => Some(p.ours.encode()),
            _ => {
                // A saved state claiming the peer has random changes.
                let mut s = sync::State::new();
                s.shared_heads = server_hashes;
                s.shared_heads.sort();
                Some(s.encode())
            }
        };
        match saved {
            None => {
                p.ours = self.ours.new_peer_state();
                p.theirs = sync::State::new();
            }
            Some(bytes) => {
                p.ours = self.ours.decode_peer_state(&bytes).unwrap();
                p.theirs = sync::State::decode(&bytes).unwrap();
            }
        }
        check(&self.log, p.ours == p.theirs, "new sync states differ");
        if p.read_only {
            self.ours.set_read_only(&mut p.ours, true);
            p.theirs.set_read_only(true);
        }
        p.state = match peer_choice {
            0..=3 => sync::State::new(),
            4..=8 => sync::State::decode(&p.state.encode()).unwrap(),
            _ => {
                // Shared heads the server never had: it must answer with a reset.
                let mut s = sync::State::new();
                s.shared_heads = vec![foreign];
                s
            }
        };
        p.connected = true;
        let _ = writeln!(
            self.log,
            "connect {i} server {server_choice} peer {peer_choice}"
        );
    }

    /// Peer `i` gets everything peer `j` has another way (another sync
    /// channel between them), so its next messages carry changes of several
    /// actors on concurrent branches.
    fn merge_from(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        let mut other = self.peers[j].doc.clone();
        self.peers[i].doc.merge(&mut other).unwrap();
        let _ = writeln!(self.log, "peer {i} merges peer {j}");
    }

    fn lose_data(&mut self, i: usize) {
        self.disconnect(i);
        let a = actor(&mut self.rng);
        self.peers[i].doc = Automerge::new().with_actor(a);
        self.peers[i].state = sync::State::new();
        let _ = writeln!(self.log, "peer {i} loses its data");
        self.connect(i);
    }

    fn toggle_read_only(&mut self, i: usize) {
        let p = &mut self.peers[i];
        p.read_only = !p.read_only;
        self.ours.set_read_only(&mut p.ours, p.read_only);
        p.theirs.set_read_only(p.read_only);
        let _ = writeln!(self.log, "peer {i} read-only {}", p.read_only);
        let p = &self.peers[i];
        check(
            &self.log,
            p.ours == p.theirs,
            "sync states differ after set_read_only",
        );
    }

    /// The peer's own session becomes read-only (or not): it says so in the
    /// flags of its messages, and the server stops sending it changes.
    fn toggle_peer_read_only(&mut self, i: usize) {
        let p = &mut self.peers[i];
        let read_only = !p.state.read_only;
        p.state.set_read_only(read_only);
        let _ = writeln!(self.log, "peer {i} itself read-only {read_only}");
    }

    /// The peer makes two changes and the server gets only the second, in a
    /// message of its own: it waits in the queue until the first arrives.
    fn orphan(&mut self, i: usize) {
        self.edit(i);
        let first = self.peers[i].doc.get_heads();
        self.edit(i);
        let p = &self.peers[i];
        let heads = p.doc.get_heads();
        let Some(&second) = heads.iter().find(|h| !first.contains(h)) else {
            // The second edit changed nothing (deleting a missing key).
            return;
        };
        let change = p.doc.get_change_by_hash(&second).unwrap();
        let deps = change.deps().to_vec();
        let message = sync::Message {
            heads,
            need: vec![],
            have: vec![],
            changes: sync::ChunkList::from(vec![change.raw_bytes().to_vec()]),
            flags: None,
            version: sync::MessageVersion::V1,
        }
        .encode();
        let _ = writeln!(self.log, "orphan from {i}");
        let queued_before = self.ours.queued_count();
        let ready = deps.iter().all(|d| self.ours.has_change(d));
        self.server_receive(i, &message);
        if !self.peers[i].read_only {
            if ready {
                check(
                    &self.log,
                    self.ours.has_change(&second),
                    "a ready change is applied",
                );
            } else {
                check(
                    &self.log,
                    !self.ours.has_change(&second) && self.ours.queued_count() == queued_before + 1,
                    "a change with a missing dependency waits in the queue",
                );
            }
        }
    }

    fn restart_server(&mut self) {
        for i in 0..self.peers.len() {
            self.disconnect(i);
        }
        if self.rng.random_bool(0.4) {
            // Compaction: the snapshot replaces the log.
            self.snapshot = Some(self.reference.save());
            self.chunks.clear();
            let _ = writeln!(self.log, "compact");
        }
        let _ = writeln!(self.log, "restart server");
        self.load_servers();
        self.counts.restarts += 1;
    }

    fn step(&mut self) {
        let i = self.rng.random_range(0..self.peers.len());
        let roll = self.rng.random_range(0..100);
        let (disconnect, lose, read_only, orphan, restart) = match self.family {
            Family::Concurrent => (2, 0, 0, 0, 0),
            Family::Reconnect => (8, 2, 0, 0, 0),
            Family::ReadOnly => (3, 0, 5, 0, 0),
            Family::QueueAndRestart => (2, 0, 0, 5, 2),
        };
        let mut at = 30;
        if roll < at {
            self.edit(i);
            return;
        }
        for (weight, action) in [
            (disconnect, 0),
            (lose, 1),
            (read_only, 2),
            (orphan, 3),
            (restart, 4),
            (3, 5),
            (4, 6),
        ] {
            at += weight;
            if roll < at {
                match action {
                    0 => {
                        if self.peers[i].connected {
                            self.disconnect(i);
                        } else {
                            self.connect(i);
                        }
                    }
                    1 => self.lose_data(i),
                    2 => {
                        if self.rng.random_bool(0.5) {
                            self.toggle_read_only(i);
                        } else {
                            self.toggle_peer_read_only(i);
                        }
                    }
                    3 => self.orphan(i),
                    4 => self.restart_server(),
                    6 => {
                        let j = self.rng.random_range(0..self.peers.len());
                        self.merge_from(i, j);
                    }
                    _ => {
                        // A message lost in transit.
                        let p = &mut self.peers[i];
                        let q = if self.rng.random_bool(0.5) {
                            &mut p.to_server
                        } else {
                            &mut p.to_peer
                        };
                        if !q.is_empty() {
                            let at = self.rng.random_range(0..q.len());
                            q.remove(at);
                            let _ = writeln!(self.log, "drop");
                        }
                    }
                }
                return;
            }
        }
        if !self.peers[i].connected {
            return;
        }
        match self.rng.random_range(0..4) {
            0 => {
                if let Some(m) = self.peer_generate(i) {
                    self.peers[i].to_server.push_back(m);
                }
            }
            1 => {
                if let Some(m) = self.server_generate(i) {
                    self.peers[i].to_peer.push_back(m);
                }
            }
            2 => {
                if let Some(mut m) = self.take(|p| &mut p.to_server, i) {
                    if self.rng.random_bool(0.05) {
                        // Flags automerge peers of this server never send
                        // (they would only after seeing the server's own).
                        let mut message = sync::Message::decode(&m).unwrap();
                        let mut flags = sync::MessageFlags::new();
                        for flag in [
                            sync::MessageFlags::SYNC_RESET,
                            sync::MessageFlags::READ_ONLY,
                            sync::MessageFlags::SUPPORTS_SYNC_RESET,
                        ] {
                            if self.rng.random_bool(0.5) {
                                flags.set(flag);
                            }
                        }
                        message.flags = Some(flags);
                        m = message.encode();
                        let _ = writeln!(self.log, "flags {flags:?}");
                    }
                    self.server_receive(i, &m);
                }
            }
            _ => {
                if let Some(m) = self.take(|p| &mut p.to_peer, i) {
                    self.peer_receive(i, &m);
                }
            }
        }
    }

    /// Every session restarts and messages flow reliably until quiet.
    fn settle(&mut self) {
        for i in 0..self.peers.len() {
            self.disconnect(i);
            match self.family {
                Family::ReadOnly => self.connect_truthfully(i),
                _ => self.connect(i),
            }
            self.peers[i].state.set_read_only(false);
        }
        let mut rounds = 0;
        loop {
            let mut progress = false;
            for i in 0..self.peers.len() {
                if let Some(m) = self.peer_generate(i) {
                    self.server_receive(i, &m);
                    progress = true;
                }
                if let Some(m) = self.server_generate(i) {
                    self.peer_receive(i, &m);
                    progress = true;
                }
            }
            if !progress {
                break;
            }
            rounds += 1;
            check(&self.log, rounds < 200, "sync does not go quiet");
        }
        let heads = self.ours.heads();
        for (i, p) in self.peers.iter().enumerate() {
            if p.read_only {
                check(
                    &self.log,
                    heads.iter().all(|h| p.doc.get_change_by_hash(h).is_some()),
                    &format!("read-only peer {i} lacks the server's changes"),
                );
            } else {
                check(
                    &self.log,
                    p.doc.get_heads() == heads,
                    &format!("peer {i} did not converge"),
                );
            }
        }
        // The persisted log (and snapshot) load as the same document.
        let stored = GraphEngine::load(
            self.snapshot.as_deref(),
            self.chunks.iter().map(Vec::as_slice),
        )
        .unwrap();
        check(
            &self.log,
            stored.heads() == heads,
            "storage does not reload to the same heads",
        );
        let materialised = self.ours.materialise().unwrap();
        check(
            &self.log,
            materialised.get_heads() == heads,
            "materialised heads differ",
        );
        check(
            &self.log,
            materialised.hydrate(None) == self.reference.hydrate(None),
            "the materialised document differs from automerge's",
        );
        if self.snapshot.is_none() {
            let log: Vec<u8> = self.chunks.concat();
            let loaded = Automerge::load(&log).unwrap();
            check(
                &self.log,
                loaded.get_heads() == heads,
                "the persisted log loads to other heads",
            );
            check(
                &self.log,
                loaded.hydrate(None) == self.reference.hydrate(None),
                "the persisted log loads to another document",
            );
        }
    }
}

fn run(family: Family, seeds: std::ops::Range<u64>, steps: std::ops::Range<usize>) {
    let mut counts = Counts::default();
    let started = std::time::Instant::now();
    for seed in seeds {
        let mut world = World::new(seed, family, &mut counts);
        let n = world.rng.random_range(steps.clone());
        for _ in 0..n {
            world.step();
        }
        world.settle();
        counts.cases += 1;
    }
    println!(
        "{family:?}: {} cases, {} generate calls compared ({} messages), {} received, {} persisted, {} restarts, {} answers despite an unknown last sync, {:?}",
        counts.cases,
        counts.generated,
        counts.messages,
        counts.received,
        counts.persisted,
        counts.restarts,
        counts.deviations,
        started.elapsed()
    );
}

#[test]
fn concurrent_editing_over_a_lossy_network() {
    run(Family::Concurrent, 0..1000, 20..120);
}

#[test]
fn reconnecting_peers_saved_states_and_lost_data() {
    run(Family::Reconnect, 10_000..11_000, 20..120);
}

#[test]
fn read_only_sessions() {
    run(Family::ReadOnly, 20_000..20_800, 20..120);
}

#[test]
fn late_dependencies_duplicates_and_restarts() {
    run(Family::QueueAndRestart, 30_000..30_800, 20..120);
}

/// The real meeting-notes document (15,529 changes), if the shared data is
/// beside the repository (it is in CI: `../shared/data`).
fn meeting_notes() -> Option<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/monday-meeting-notes.automerge"
    );
    match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            eprintln!("skipped: {path}: {e}");
            None
        }
    }
}

/// Syncs `peer` with both servers in lock step until quiet, comparing
/// every message and state; returns the number of messages compared.
fn lockstep(ours: &mut GraphEngine, reference: &mut Automerge, peer: &mut Automerge) -> usize {
    let mut peer_state = sync::State::new();
    let mut our_state = ours.new_peer_state();
    let mut their_state = sync::State::new();
    let mut compared = 0;
    for _ in 0..50 {
        let mut quiet = true;
        if let Some(m) = peer.generate_sync_message(&mut peer_state) {
            let bytes = m.encode();
            ours.receive(&mut our_state, &bytes).unwrap();
            reference
                .receive_sync_message(&mut their_state, sync::Message::decode(&bytes).unwrap())
                .unwrap();
            their_state.their_capabilities = None;
            our_state.their_capabilities = None;
            assert_eq!(our_state, their_state);
            assert_eq!(ours.heads(), reference.get_heads());
            quiet = false;
        }
        let mine = ours.generate(&mut our_state);
        let theirs = reference
            .generate_sync_message(&mut their_state)
            .map(|mut m| {
                m.flags = None;
                m.encode()
            });
        assert!(mine == theirs, "messages differ");
        assert_eq!(our_state, their_state);
        compared += 1;
        if let Some(bytes) = mine {
            peer.receive_sync_message(&mut peer_state, sync::Message::decode(&bytes).unwrap())
                .unwrap();
            quiet = false;
        }
        if quiet {
            assert_eq!(peer.get_heads(), ours.heads());
            return compared;
        }
    }
    panic!("sync did not go quiet");
}

#[test]
fn a_real_document_with_fresh_stale_and_empty_peers() {
    let Some(bytes) = meeting_notes() else {
        return;
    };
    let mut ours = GraphEngine::load(Some(&bytes), std::iter::empty()).unwrap();
    let mut reference = Automerge::load(&bytes).unwrap();
    assert_eq!(ours.heads(), reference.get_heads());
    assert_eq!(ours.change_count(), reference.get_changes(&[]).len());
    let mut compared = 0;
    // Up to date, first contact: a bloom filter of the whole history.
    let mut current = reference.fork().with_actor(ActorId::from([1; 16]));
    compared += lockstep(&mut ours, &mut reference, &mut current);
    // Stale by 300 changes, with offline edits of its own.
    let hashes = ours.hashes_since(0);
    let old = hashes[hashes.len() - 300];
    let mut stale = reference.fork_at(&[old]).unwrap();
    stale.set_actor(ActorId::from([2; 16]));
    for i in 0..3 {
        let mut tx = stale.transaction();
        tx.put(ROOT, format!("offline{i}"), i).unwrap();
        tx.commit_with(CommitOptions::default().with_time(i));
    }
    compared += lockstep(&mut ours, &mut reference, &mut stale);
    // Nothing at all: the whole history in one message.
    let mut empty = Automerge::new().with_actor(ActorId::from([3; 16]));
    compared += lockstep(&mut ours, &mut reference, &mut empty);
    assert_eq!(empty.get_heads(), reference.get_heads());
    println!("real document: {compared} generate calls compared");
}
