//! The cheap view of a document that a reader keeps: which changes it holds
//! and what its heads are, without ever materialising the document.
//!
//! The seed document's change hashes are shared by all readers (a
//! [`Baseline`]); each reader marks the ones it holds in two bit sets, so ten
//! thousand readers of a document with a long history cost kilobytes each, not
//! megabytes. Changes made during the run live in small per-reader hash sets.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use automerge::ChangeHash;

/// The change hashes of the seed document, numbered, shared by every reader.
#[derive(Debug, Default)]
pub struct Baseline {
    index: HashMap<ChangeHash, u32>,
}

impl Baseline {
    /// Numbers the given hashes (duplicates are ignored).
    pub fn new(hashes: impl IntoIterator<Item = ChangeHash>) -> Baseline {
        let mut index = HashMap::new();
        for hash in hashes {
            let next = u32::try_from(index.len()).unwrap_or(u32::MAX);
            index.entry(hash).or_insert(next);
        }
        Baseline { index }
    }

    /// How many changes the seed document has.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The number of a seed change, or `None` for a change made later.
    pub fn position(&self, hash: &ChangeHash) -> Option<usize> {
        self.index.get(hash).map(|&i| i as usize)
    }
}

/// A fixed-size bit set.
#[derive(Debug, Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: usize) -> Bits {
        Bits(vec![0; len.div_ceil(64)])
    }

    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Sets bit `i`; returns whether it was clear before.
    fn set(&mut self, i: usize) -> bool {
        match self.0.get_mut(i / 64) {
            Some(w) => {
                let mask = 1 << (i % 64);
                let was_clear = *w & mask == 0;
                *w |= mask;
                was_clear
            }
            None => false,
        }
    }
}

/// The set of changes one reader holds and its heads, maintained incrementally.
///
/// Heads are the held changes that no held change depends on. Changes may
/// arrive in any order: a change whose dependent arrived first never becomes
/// a head.
#[derive(Debug)]
pub struct HeadsTracker {
    baseline: Arc<Baseline>,
    base_known: Bits,
    base_referenced: Bits,
    known: HashSet<ChangeHash>,
    referenced: HashSet<ChangeHash>,
    heads: BTreeSet<ChangeHash>,
    len: usize,
}

impl HeadsTracker {
    /// A tracker that holds nothing yet.
    pub fn new(baseline: Arc<Baseline>) -> HeadsTracker {
        let n = baseline.len();
        HeadsTracker {
            baseline,
            base_known: Bits::new(n),
            base_referenced: Bits::new(n),
            known: HashSet::new(),
            referenced: HashSet::new(),
            heads: BTreeSet::new(),
            len: 0,
        }
    }

    /// Marks the whole seed document as held, with `heads` (its heads) as
    /// the heads: a client that has the document already (in its local
    /// storage) and only syncs what is new.
    pub fn hold_baseline(&mut self, heads: &[ChangeHash]) {
        let n = self.baseline.len();
        for i in 0..n {
            self.base_known.set(i);
            self.base_referenced.set(i);
        }
        self.len = n;
        self.heads = heads.iter().copied().collect();
        for h in heads {
            if let Some(i) = self.baseline.position(h)
                && let Some(w) = self.base_referenced.0.get_mut(i / 64)
            {
                *w &= !(1 << (i % 64));
            }
        }
    }

    /// Whether the hash belongs to the seed document.
    pub fn is_baseline(&self, hash: &ChangeHash) -> bool {
        self.baseline.position(hash).is_some()
    }

    /// How many changes are held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Adds a change; returns whether it was new.
    pub fn add(&mut self, hash: ChangeHash, deps: &[ChangeHash]) -> bool {
        let (new, referenced) = match self.baseline.position(&hash) {
            Some(i) => (self.base_known.set(i), self.base_referenced.get(i)),
            None => (self.known.insert(hash), self.referenced.contains(&hash)),
        };
        if !new {
            return false;
        }
        self.len += 1;
        if !referenced {
            self.heads.insert(hash);
        }
        for dep in deps {
            match self.baseline.position(dep) {
                Some(i) => {
                    self.base_referenced.set(i);
                }
                None => {
                    self.referenced.insert(*dep);
                }
            }
            self.heads.remove(dep);
        }
        true
    }

    /// The current heads, sorted (the order automerge uses).
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.heads.iter().copied().collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ROOT};
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    fn h(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    #[test]
    fn chain_fork_merge_out_of_order_and_duplicates() {
        let base = Arc::new(Baseline::new([h(1), h(2)]));
        let mut t = HeadsTracker::new(base);
        // 1 <- 2 <- {3, 4} <- 5, delivered out of order.
        assert!(t.add(h(3), &[h(2)]));
        assert_eq!(t.heads(), vec![h(3)]);
        assert!(t.add(h(1), &[]));
        assert_eq!(t.heads(), vec![h(1), h(3)]);
        assert!(t.add(h(2), &[h(1)]));
        assert_eq!(t.heads(), vec![h(3)]);
        assert!(t.add(h(4), &[h(2)]));
        assert_eq!(t.heads(), vec![h(3), h(4)]);
        assert!(!t.add(h(4), &[h(2)]));
        assert!(t.add(h(5), &[h(3), h(4)]));
        assert_eq!(t.heads(), vec![h(5)]);
        assert!(!t.add(h(2), &[h(1)]));
        assert_eq!(t.heads(), vec![h(5)]);
        assert_eq!(t.len(), 5);
        assert!(t.is_baseline(&h(2)) && !t.is_baseline(&h(5)));
    }

    #[test]
    fn holding_the_baseline_gives_its_heads_and_ignores_old_changes() {
        let base = Arc::new(Baseline::new([h(1), h(2), h(3)]));
        let mut t = HeadsTracker::new(base);
        t.hold_baseline(&[h(3)]);
        assert_eq!((t.heads(), t.len()), (vec![h(3)], 3));
        assert!(!t.add(h(2), &[h(1)]));
        assert!(t.add(h(4), &[h(3)]));
        assert_eq!(t.heads(), vec![h(4)]);
    }

    #[test]
    fn heads_match_automerge_for_a_real_concurrent_history() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut a = Automerge::new();
        let mut b = Automerge::new();
        for i in 0..40 {
            let doc = if rng.random_bool(0.5) { &mut a } else { &mut b };
            let mut tx = doc.transaction();
            tx.put(ROOT, format!("k{}", i % 5), i as i64).unwrap();
            tx.commit();
            if i % 7 == 0 {
                a.merge(&mut b).unwrap();
                b.merge(&mut a).unwrap();
            }
        }
        a.merge(&mut b).unwrap();
        let mut changes = a.get_changes(&[]);
        let half: Vec<ChangeHash> = changes.iter().take(20).map(|c| c.hash()).collect();
        let mut t = HeadsTracker::new(Arc::new(Baseline::new(half)));
        changes.shuffle(&mut rng);
        for c in &changes {
            assert!(t.add(c.hash(), c.deps()));
        }
        assert_eq!(t.heads(), a.get_heads());
        assert_eq!(t.len(), changes.len());
    }
}
