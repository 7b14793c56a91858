//! The change graph of one document, kept from raw change bytes.
//!
//! Nodes are numbered in the order automerge itself would add them to its
//! graph (a batch is applied in the order of automerge's topological sort
//! of its queue), so a node's dependencies always have smaller numbers, and
//! "graph order" means the same as in automerge: sync messages list changes
//! in this order. Each node keeps its hash, actor, sequence number, parents,
//! children and the range of its bytes in one arena; the arena is therefore
//! the concatenation of every change in graph order, a valid input for
//! `Automerge::load`, and what is not yet durable is one tail of it.
//!
//! Walks over the graph are bounded by what differs: they start from the
//! heads and stop as soon as the rest is known to be covered. Their scratch
//! marks are stamped with a generation number, so no walk clears or
//! allocates a buffer the size of the graph.

use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

use automerge::{ActorId, ChangeHash};

use crate::chunk::ParsedChange;
use crate::error::ChunkError;

/// No child edge.
const NO_EDGE: u32 = u32::MAX;

/// One change in the graph.
struct Node {
    /// The change's hash.
    hash: ChangeHash,
    /// Where its parents start in [`Graph::parents`].
    parents_start: usize,
    /// How many parents it has.
    parents_len: u32,
    /// Its first edge in [`Graph::child_edges`], or [`NO_EDGE`].
    first_child: u32,
    /// Where its bytes start in [`Graph::arena`] (they end where the next
    /// node's start, or at the end of the arena).
    bytes_start: usize,
}

/// A link in a node's list of children.
#[derive(Clone, Copy)]
struct ChildEdge {
    /// The child.
    child: u32,
    /// The next edge of the same parent, or [`NO_EDGE`].
    next: u32,
}

/// Marks for one walk at a time: a value per node, valid only when its
/// stamp is the current generation, so starting a walk costs nothing.
#[derive(Default)]
struct Marks {
    stamp: Vec<u32>,
    value: Vec<u8>,
    generation: u32,
}

impl Marks {
    /// Starts a walk over a graph of `len` nodes: every mark reads 0.
    fn begin(&mut self, len: usize) {
        if self.stamp.len() < len {
            let grown = len.max(self.stamp.len() * 2);
            self.stamp.resize(grown, 0);
            self.value.resize(grown, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
    }

    fn get(&self, node: u32) -> u8 {
        let i = node as usize;
        if self.stamp[i] == self.generation {
            self.value[i]
        } else {
            0
        }
    }

    fn set(&mut self, node: u32, value: u8) {
        let i = node as usize;
        self.stamp[i] = self.generation;
        self.value[i] = value;
    }
}

/// Reused buffers of the walks.
#[derive(Default)]
struct Scratch {
    marks: Marks,
    heap: BinaryHeap<u32>,
    stack: Vec<u32>,
}

/// The change graph, its hash index, heads and queue.
#[derive(Default)]
pub(crate) struct Graph {
    /// Every applied change, in graph order.
    nodes: Vec<Node>,
    /// Parent node numbers, each node's contiguous.
    parents: Vec<u32>,
    /// Child lists, linked per parent.
    child_edges: Vec<ChildEdge>,
    /// Node number by hash.
    index: HashMap<ChangeHash, u32>,
    /// Applied changes per actor (an actor's changes are numbered 1..=n).
    actor_seq: HashMap<ActorId, u64>,
    /// The changes no other change depends on.
    heads: BTreeSet<ChangeHash>,
    /// Every applied change's bytes, in graph order.
    arena: Vec<u8>,
    /// Changes received before their dependencies, in arrival order.
    queue: Vec<ParsedChange>,
    /// Position in `queue` by hash.
    queue_index: HashMap<ChangeHash, usize>,
    scratch: Scratch,
}

/// Bounds on the queue of changes waiting for their dependencies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QueueBounds {
    /// Most changes.
    pub(crate) changes: usize,
    /// Most bytes.
    pub(crate) bytes: usize,
}

impl Graph {
    /// Number of applied changes.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Number of changes waiting for their dependencies.
    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// True when the change is applied (queued changes do not count).
    pub(crate) fn contains(&self, hash: &ChangeHash) -> bool {
        self.index.contains_key(hash)
    }

    /// The node number of an applied change.
    pub(crate) fn node(&self, hash: &ChangeHash) -> Option<u32> {
        self.index.get(hash).copied()
    }

    /// The hash of a node.
    pub(crate) fn hash(&self, node: u32) -> ChangeHash {
        self.nodes[node as usize].hash
    }

    /// The bytes of a node's change chunk.
    pub(crate) fn bytes(&self, node: u32) -> &[u8] {
        let i = node as usize;
        let end = self
            .nodes
            .get(i + 1)
            .map_or(self.arena.len(), |n| n.bytes_start);
        &self.arena[self.nodes[i].bytes_start..end]
    }

    /// The bytes of every change from node `from` on, concatenated.
    pub(crate) fn bytes_from(&self, from: usize) -> &[u8] {
        let start = self
            .nodes
            .get(from)
            .map_or(self.arena.len(), |n| n.bytes_start);
        &self.arena[start..]
    }

    /// The current heads, sorted.
    pub(crate) fn heads(&self) -> Vec<ChangeHash> {
        self.heads.iter().copied().collect()
    }

    fn parents_of(&self, node: u32) -> &[u32] {
        let n = &self.nodes[node as usize];
        &self.parents[n.parents_start..n.parents_start + n.parents_len as usize]
    }

    fn applied_seq(&self, actor: &ActorId) -> u64 {
        self.actor_seq.get(actor).copied().unwrap_or(0)
    }

    /// Applies a batch of changes exactly as automerge 0.12's
    /// `apply_changes` would order them, or refuses the whole batch and
    /// changes nothing. Changes already applied or queued are skipped; a
    /// different change with an actor's sequence number already taken is
    /// refused; changes whose dependencies are missing wait in the queue,
    /// whose bounds are checked. Returns how many changes were applied.
    pub(crate) fn apply(
        &mut self,
        incoming: Vec<ParsedChange>,
        bounds: Option<QueueBounds>,
    ) -> Result<usize, ChunkError> {
        // 1. Which changes are new, refusing reused sequence numbers.
        let mut seen: HashSet<ChangeHash> = self.queue_index.keys().copied().collect();
        let mut actor_seqs: HashSet<(&ActorId, u64)> =
            self.queue.iter().map(|c| (&c.actor, c.seq)).collect();
        let mut accepted: Vec<usize> = Vec::with_capacity(incoming.len());
        for (i, change) in incoming.iter().enumerate() {
            if self.contains(&change.hash) || seen.contains(&change.hash) {
                continue;
            }
            if self.applied_seq(&change.actor) >= change.seq
                || !actor_seqs.insert((&change.actor, change.seq))
            {
                return Err(ChunkError::DuplicateSeq {
                    hash: change.hash,
                    actor: change.actor.to_hex_string(),
                    seq: change.seq,
                });
            }
            seen.insert(change.hash);
            accepted.push(i);
        }
        if accepted.is_empty() {
            // Nothing in the queue became ready: nothing changed since the
            // batch that queued it.
            return Ok(0);
        }
        // 2. Automerge's topological sort (Kahn's algorithm) of queue + new.
        let pool: Vec<&ParsedChange> = self
            .queue
            .iter()
            .chain(accepted.iter().map(|&i| &incoming[i]))
            .collect();
        let mut unsatisfied = vec![0u32; pool.len()];
        let mut waiting_on: HashMap<ChangeHash, Vec<usize>> = HashMap::new();
        for (i, change) in pool.iter().enumerate() {
            for dep in &change.deps {
                if !self.contains(dep) {
                    unsatisfied[i] += 1;
                    waiting_on.entry(*dep).or_default().push(i);
                }
            }
        }
        let mut ready: VecDeque<usize> = (0..pool.len()).filter(|&i| unsatisfied[i] == 0).collect();
        let mut order = Vec::new();
        while let Some(i) = ready.pop_front() {
            order.push(i);
            if let Some(dependents) = waiting_on.remove(&pool[i].hash) {
                for d in dependents {
                    unsatisfied[d] -= 1;
                    if unsatisfied[d] == 0 {
                        ready.push_back(d);
                    }
                }
            }
        }
        // 3. What automerge would panic on: a sequence number that is not
        //    the actor's next, or an operation naming an actor without changes.
        let mut next_seq: HashMap<&ActorId, u64> = HashMap::new();
        let mut new_actors: HashSet<&ActorId> = HashSet::new();
        for &i in &order {
            let change = pool[i];
            let last = next_seq
                .entry(&change.actor)
                .or_insert_with(|| self.applied_seq(&change.actor));
            if change.seq != *last + 1 {
                return Err(ChunkError::SeqGap {
                    hash: change.hash,
                    actor: change.actor.to_hex_string(),
                    seq: change.seq,
                    expected: *last + 1,
                });
            }
            *last = change.seq;
            if change.seq == 1 {
                new_actors.insert(&change.actor);
            }
        }
        for &i in &order {
            let change = pool[i];
            if let Some(actor) = change
                .other_actors
                .iter()
                .find(|a| self.applied_seq(a) == 0 && !new_actors.contains(a))
            {
                return Err(ChunkError::UnknownActor {
                    hash: change.hash,
                    actor: actor.to_hex_string(),
                });
            }
        }
        if let Some(bounds) = bounds {
            let waiting = pool.len() - order.len();
            let mut is_ready = vec![false; pool.len()];
            for &i in &order {
                is_ready[i] = true;
            }
            let bytes: usize = pool
                .iter()
                .zip(&is_ready)
                .filter(|(_, ready)| !**ready)
                .map(|(c, _)| c.bytes.len())
                .sum();
            if waiting > bounds.changes || bytes > bounds.bytes {
                return Err(ChunkError::QueueFull {
                    changes: waiting,
                    bytes,
                    max_changes: bounds.changes,
                    max_bytes: bounds.bytes,
                });
            }
        }
        // 4. Commit: nothing above changed the graph.
        drop(pool);
        let mut incoming: Vec<Option<ParsedChange>> = incoming.into_iter().map(Some).collect();
        let mut slots: Vec<Option<ParsedChange>> = std::mem::take(&mut self.queue)
            .into_iter()
            .map(Some)
            .chain(accepted.iter().map(|&i| incoming[i].take()))
            .collect();
        let applied = order.len();
        for i in order {
            if let Some(change) = slots[i].take() {
                self.insert(change);
            }
        }
        self.queue = slots.into_iter().flatten().collect();
        self.queue_index = self
            .queue
            .iter()
            .enumerate()
            .map(|(i, c)| (c.hash, i))
            .collect();
        Ok(applied)
    }

    /// Applies changes one by one in the order given, which must be one
    /// automerge would apply them in (a saved document's own order). Each is
    /// checked as a batch of one would be; a change with nothing queued and
    /// every dependency present skips the batch machinery.
    pub(crate) fn apply_in_order(&mut self, changes: Vec<ParsedChange>) -> Result<(), ChunkError> {
        for change in changes {
            let ready = self.queue.is_empty()
                && !self.contains(&change.hash)
                && change.deps.iter().all(|d| self.contains(d));
            if !ready {
                self.apply(vec![change], None)?;
                continue;
            }
            let applied = self.applied_seq(&change.actor);
            if applied >= change.seq {
                return Err(ChunkError::DuplicateSeq {
                    hash: change.hash,
                    actor: change.actor.to_hex_string(),
                    seq: change.seq,
                });
            }
            if change.seq != applied + 1 {
                return Err(ChunkError::SeqGap {
                    hash: change.hash,
                    actor: change.actor.to_hex_string(),
                    seq: change.seq,
                    expected: applied + 1,
                });
            }
            if let Some(actor) = change
                .other_actors
                .iter()
                .find(|a| self.applied_seq(a) == 0 && !(change.seq == 1 && **a == change.actor))
            {
                return Err(ChunkError::UnknownActor {
                    hash: change.hash,
                    actor: actor.to_hex_string(),
                });
            }
            self.insert(change);
        }
        Ok(())
    }

    /// Adds a change whose dependencies are all applied.
    fn insert(&mut self, change: ParsedChange) {
        let node = self.nodes.len() as u32;
        let parents_start = self.parents.len();
        for dep in &change.deps {
            if let Some(&parent) = self.index.get(dep) {
                self.parents.push(parent);
                let edge = self.child_edges.len() as u32;
                let first = &mut self.nodes[parent as usize].first_child;
                self.child_edges.push(ChildEdge {
                    child: node,
                    next: *first,
                });
                *first = edge;
            }
            self.heads.remove(dep);
        }
        self.nodes.push(Node {
            hash: change.hash,
            parents_start,
            parents_len: (self.parents.len() - parents_start) as u32,
            first_child: NO_EDGE,
            bytes_start: self.arena.len(),
        });
        self.arena.extend_from_slice(&change.bytes);
        self.heads.insert(change.hash);
        self.index.insert(change.hash, node);
        *self.actor_seq.entry(change.actor).or_insert(0) = change.seq;
    }

    /// The first hash on each path back from `start` that is neither applied
    /// nor queued, going through the dependencies of queued changes (what
    /// automerge 0.12 asks a peer for), sorted.
    pub(crate) fn missing_deps_from<'a>(
        &self,
        start: impl Iterator<Item = &'a ChangeHash>,
    ) -> Vec<ChangeHash> {
        let mut missing = BTreeSet::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<ChangeHash> = start.copied().collect();
        while let Some(hash) = stack.pop() {
            if self.contains(&hash) || !seen.insert(hash) {
                continue;
            }
            match self.queue_index.get(&hash) {
                Some(&i) => stack.extend(self.queue[i].deps.iter().copied()),
                None => {
                    missing.insert(hash);
                }
            }
        }
        missing.into_iter().collect()
    }

    /// Every applied change that is not `cover` or an ancestor of it (hashes
    /// not applied here are ignored), in graph order: automerge's
    /// `get_hashes(cover)`.
    ///
    /// Automerge computes this with a per-actor clock of `cover`, which
    /// assumes an actor's change n is an ancestor of its change n + 1 (true
    /// of every change automerge makes). This walks the ancestors exactly:
    /// downwards from the heads in node order, marking what `cover` reaches,
    /// and stops once nothing uncovered is left to visit, so it costs about
    /// what is not covered.
    pub(crate) fn uncovered(&mut self, cover: &[ChangeHash], out: &mut Vec<u32>) {
        const COVERED: u8 = 1;
        const OPEN: u8 = 2;
        const DONE: u8 = 3;
        out.clear();
        let len = self.nodes.len();
        let known: Vec<u32> = cover.iter().filter_map(|h| self.node(h)).collect();
        if known.is_empty() {
            out.extend(0..len as u32);
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch { marks, heap, .. } = &mut scratch;
        marks.begin(len);
        heap.clear();
        for node in known {
            if marks.get(node) != COVERED {
                marks.set(node, COVERED);
                heap.push(node);
            }
        }
        let mut open = 0usize;
        for head in &self.heads {
            if let Some(node) = self.node(head)
                && marks.get(node) == 0
            {
                marks.set(node, OPEN);
                heap.push(node);
                open += 1;
            }
        }
        while open > 0 {
            let Some(node) = heap.pop() else { break };
            match marks.get(node) {
                COVERED => {
                    for &parent in self.parents_of(node) {
                        match marks.get(parent) {
                            COVERED => {}
                            OPEN => {
                                // Already in the heap; now reached from the cover.
                                marks.set(parent, COVERED);
                                open -= 1;
                            }
                            _ => {
                                marks.set(parent, COVERED);
                                heap.push(parent);
                            }
                        }
                    }
                }
                OPEN => {
                    open -= 1;
                    marks.set(node, DONE);
                    out.push(node);
                    for &parent in self.parents_of(node) {
                        if marks.get(parent) == 0 {
                            marks.set(parent, OPEN);
                            heap.push(parent);
                            open += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        heap.clear();
        self.scratch = scratch;
        out.reverse();
    }

    /// Removes from `hashes` every change that is one of `heads` or an
    /// ancestor of one (automerge's `filter_changes`). The walk only visits
    /// nodes numbered at least as high as the oldest change in `hashes`, so
    /// it costs about what was sent since then.
    pub(crate) fn remove_ancestors(
        &mut self,
        hashes: &mut BTreeSet<ChangeHash>,
        heads: &[ChangeHash],
    ) {
        const LISTED: u8 = 1;
        const VISITED: u8 = 2;
        if hashes.is_empty() {
            return;
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch { marks, stack, .. } = &mut scratch;
        marks.begin(self.nodes.len());
        let mut lowest = u32::MAX;
        let mut pending = 0usize;
        for hash in hashes.iter() {
            if let Some(node) = self.node(hash) {
                marks.set(node, LISTED);
                lowest = lowest.min(node);
                pending += 1;
            }
        }
        stack.clear();
        if pending > 0 {
            stack.extend(
                heads
                    .iter()
                    .filter_map(|h| self.node(h))
                    .filter(|&n| n >= lowest),
            );
        }
        while let Some(node) = stack.pop() {
            match marks.get(node) {
                VISITED => continue,
                LISTED => {
                    hashes.remove(&self.nodes[node as usize].hash);
                    pending -= 1;
                    if pending == 0 {
                        break;
                    }
                }
                _ => {}
            }
            marks.set(node, VISITED);
            for &parent in self.parents_of(node) {
                if parent >= lowest && marks.get(parent) != VISITED {
                    stack.push(parent);
                }
            }
        }
        stack.clear();
        self.scratch = scratch;
    }

    /// Of `candidates` (uncovered nodes in graph order), marks those `pick`
    /// selects and every descendant of them, then calls `emit` for the
    /// nodes of `first` (in their order) that are not marked, followed by
    /// the marked candidates in graph order. This is the second half of
    /// automerge's `get_hashes_to_send`: every change the peer's filters do
    /// not contain, plus its descendants (which may be false positives).
    pub(crate) fn select_with_descendants(
        &mut self,
        candidates: &[u32],
        mut pick: impl FnMut(ChangeHash) -> bool,
        first: &[u32],
        mut emit: impl FnMut(u32),
    ) {
        const PICKED: u8 = 1;
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch { marks, stack, .. } = &mut scratch;
        marks.begin(self.nodes.len());
        stack.clear();
        for &node in candidates {
            if pick(self.nodes[node as usize].hash) {
                marks.set(node, PICKED);
                stack.push(node);
            }
        }
        while let Some(node) = stack.pop() {
            let mut edge = self.nodes[node as usize].first_child;
            while edge != NO_EDGE {
                let ChildEdge { child, next } = self.child_edges[edge as usize];
                if marks.get(child) != PICKED {
                    marks.set(child, PICKED);
                    stack.push(child);
                }
                edge = next;
            }
        }
        for &node in first {
            if marks.get(node) != PICKED {
                emit(node);
            }
        }
        for &node in candidates {
            if marks.get(node) == PICKED {
                emit(node);
            }
        }
        self.scratch = scratch;
    }
}
