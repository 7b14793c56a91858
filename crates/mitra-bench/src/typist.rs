//! A typist that never materialises the document.
//!
//! Applying a remote change to an automerge 0.12 document costs milliseconds
//! on a real document (`shared/data/README.md`), so two hundred typists each
//! holding the meeting notes could not keep up with a thousand changes a
//! second on a 2-core machine: the load generator, not the server, would be
//! measured. A typist therefore follows the document like a reader (it
//! tracks change hashes and heads only, see [`ReaderSync`]) and builds its
//! own changes directly: one operation inserting a character into the edited
//! text, after the character it typed last, with the typist's own actor, its
//! next sequence number, `startOp` one above the largest operation counter
//! it has seen and, as dependencies, its current heads: exactly the change
//! automerge would make on a document holding what the typist holds. Servers
//! receive real, causally ordered changes (a few heads, not one per typist).

use std::num::NonZeroU64;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use automerge::legacy::{ElementId, Key, ObjectId, Op, OpId, OpType, SortedVec};
use automerge::sync::{BloomFilter, ChunkList, Have, Message, MessageVersion};
use automerge::{ActorId, Automerge, Change, ChangeHash, ExpandedChange, ReadDoc, ScalarValue};
use rand::Rng;

use crate::reader_sync::{ReaderSync, Received};
use crate::tracker::Baseline;
use crate::writer::EditTarget;

/// Where typists type, worked out once from the seed document.
#[derive(Debug, Clone)]
pub struct TypingPlan {
    /// The edited object.
    obj: ObjectId,
    /// For text: element ids to start typing after (a sample of the text's
    /// characters); empty means "at the start".
    starts: Arc<Vec<ElementId>>,
    /// True for a text, false for the root-map fallback.
    text: bool,
    /// The largest operation counter of the seed document.
    pub seed_max_op: u64,
}

impl TypingPlan {
    /// Works out the plan from the seed document and its edit target.
    pub fn new(doc: &Automerge, target: &EditTarget) -> Result<TypingPlan> {
        let seed_max_op = doc
            .get_changes_meta(&[])
            .iter()
            .map(|m| m.max_op)
            .max()
            .unwrap_or(0);
        match target {
            EditTarget::Text { obj, .. } => {
                let obj_id = ObjectId::from_str(&obj.to_string())
                    .map_err(|e| anyhow!("the edited text's id: {e}"))?;
                let len = doc.length(obj);
                let mut starts = Vec::new();
                let step = (len / 256).max(1);
                for i in (0..len).step_by(step) {
                    if let Ok(Some((_, id))) = doc.get(obj, i)
                        && let Ok(op) = OpId::from_str(&id.to_string())
                    {
                        starts.push(ElementId::Id(op));
                    }
                }
                Ok(TypingPlan {
                    obj: obj_id,
                    starts: Arc::new(starts),
                    text: true,
                    seed_max_op,
                })
            }
            EditTarget::RootKey(_) => Ok(TypingPlan {
                obj: ObjectId::Root,
                starts: Arc::new(Vec::new()),
                text: false,
                seed_max_op,
            }),
        }
    }
}

/// One typist's side of the document.
#[derive(Debug)]
pub struct Typist {
    sync: ReaderSync,
    plan: TypingPlan,
    actor: ActorId,
    key: String,
    seq: u64,
    max_op: u64,
    /// Text: the element to type after. Map: the op that set our key last.
    last: Option<OpId>,
    start: ElementId,
}

impl Typist {
    /// A typist that holds nothing yet. `reader_only`: it will never type,
    /// so it may take the document whole (v2) when fetching it.
    pub fn new(
        baseline: Arc<Baseline>,
        plan: TypingPlan,
        reader_only: bool,
        rng: &mut impl Rng,
    ) -> Typist {
        let actor = ActorId::from(rng.random::<[u8; 16]>());
        let start = if plan.starts.is_empty() {
            ElementId::Head
        } else {
            plan.starts[rng.random_range(0..plan.starts.len())].clone()
        };
        Typist {
            sync: if reader_only {
                ReaderSync::new_v2(baseline)
            } else {
                ReaderSync::new(baseline)
            },
            max_op: plan.seed_max_op,
            key: format!("mitra-bench-{actor}"),
            plan,
            actor,
            seq: 0,
            last: None,
            start,
        }
    }

    /// The reader side (fetching, acknowledging, heads).
    pub fn sync(&self) -> &ReaderSync {
        &self.sync
    }

    /// Starts from the seed document, held already (like a browser that has
    /// it in its local storage): heads `heads`, every seed change known.
    pub fn hold_seed(&mut self, heads: &[ChangeHash]) {
        self.sync.hold_baseline(heads);
    }

    /// Takes in one encoded sync message from the server.
    pub fn receive(&mut self, data: &[u8]) -> Result<Received> {
        let got = self.sync.receive(data)?;
        self.max_op = self.max_op.max(got.max_op);
        Ok(got)
    }

    /// Types one character: returns the new change's hash and the encoded
    /// sync message carrying it.
    pub fn type_one(&mut self, letter: char) -> Result<(ChangeHash, Vec<u8>)> {
        if self.sync.takes_documents() {
            bail!("a reader-only typist cannot type (it may not know every operation counter)");
        }
        self.seq += 1;
        let start_op = self.max_op + 1;
        let op = if self.plan.text {
            let after = match &self.last {
                Some(id) => ElementId::Id(id.clone()),
                None => self.start.clone(),
            };
            Op {
                action: OpType::Put(ScalarValue::Str(letter.to_string().into())),
                obj: self.plan.obj.clone(),
                key: Key::Seq(after),
                pred: SortedVec::new(),
                insert: true,
            }
        } else {
            Op {
                action: OpType::Put(ScalarValue::Int(self.seq as i64)),
                obj: ObjectId::Root,
                key: Key::Map(self.key.as_str().into()),
                pred: self.last.iter().cloned().collect(),
                insert: false,
            }
        };
        let deps = self.sync.heads();
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let expanded = ExpandedChange {
            operations: vec![op],
            actor_id: self.actor.clone(),
            hash: None,
            seq: self.seq,
            start_op: NonZeroU64::new(start_op).context("operation counter overflow")?,
            time,
            message: None,
            deps: deps.clone(),
            extra_bytes: Vec::new(),
            author: None,
        };
        let mut change = Change::from(expanded);
        let hash = change.hash();
        self.sync.add_own(hash, &deps);
        self.max_op = start_op;
        self.last = Some(OpId(start_op, self.actor.clone()));
        let heads = self.sync.heads();
        self.sync.announced(heads.clone());
        let msg = Message {
            heads: heads.clone(),
            need: Vec::new(),
            have: vec![Have {
                last_sync: heads,
                bloom: BloomFilter::default(),
            }],
            changes: ChunkList::from(change.bytes().into_owned()),
            flags: None,
            version: MessageVersion::V1,
        };
        Ok((hash, msg.encode()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::sync::{State, SyncDoc};
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT};
    use rand::SeedableRng;

    fn seed() -> Automerge {
        let mut doc = Automerge::new();
        let mut tx = doc.transaction();
        let text = tx.put_object(ROOT, "notes", ObjType::Text).unwrap();
        tx.splice_text(&text, 0, 0, "hello world").unwrap();
        tx.commit();
        doc
    }

    #[test]
    fn crafted_changes_apply_as_typing_by_several_typists() {
        let mut server = seed();
        let target = crate::writer::find_edit_target(&server);
        let plan = TypingPlan::new(&server, &target).unwrap();
        let baseline = Arc::new(Baseline::new(
            server.get_changes_meta(&[]).into_iter().map(|m| m.hash),
        ));
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut typists: Vec<Typist> = (0..3)
            .map(|_| Typist::new(baseline.clone(), plan.clone(), false, &mut rng))
            .collect();
        let mut states: Vec<State> = (0..3).map(|_| State::new()).collect();
        // Each typist fetches the document.
        for (t, st) in typists.iter_mut().zip(states.iter_mut()) {
            let req = t.sync.request();
            server
                .receive_sync_message(st, Message::decode(&req).unwrap())
                .unwrap();
            while let Some(m) = server.generate_sync_message(st) {
                match t.receive(&m.encode()).unwrap().reply {
                    Some(r) => server
                        .receive_sync_message(st, Message::decode(&r).unwrap())
                        .unwrap(),
                    None => break,
                }
            }
            assert_eq!(t.sync.heads(), server.get_heads());
        }
        // They type in turns; the server relays every change to the others.
        let before = server
            .text(server.get(ROOT, "notes").unwrap().unwrap().1)
            .unwrap();
        for round in 0..4 {
            for i in 0..3 {
                let (hash, msg) = typists[i].type_one('x').unwrap();
                server
                    .receive_sync_message(&mut states[i], Message::decode(&msg).unwrap())
                    .unwrap();
                assert_eq!(server.get_heads(), vec![hash], "round {round} typist {i}");
                for j in 0..3 {
                    while let Some(m) = server.generate_sync_message(&mut states[j]) {
                        match typists[j].receive(&m.encode()).unwrap().reply {
                            Some(r) => server
                                .receive_sync_message(&mut states[j], Message::decode(&r).unwrap())
                                .unwrap(),
                            None => break,
                        }
                    }
                }
            }
        }
        let text = server.get(ROOT, "notes").unwrap().unwrap().1;
        let after = server.text(&text).unwrap();
        assert_eq!(after.len(), before.len() + 12);
        assert_eq!(after.chars().filter(|c| *c == 'x').count(), 12);
        for t in &typists {
            assert_eq!(t.sync.heads(), server.get_heads());
        }
        // The document saves and loads: the crafted changes are sound.
        let reloaded = Automerge::load(&server.save()).unwrap();
        assert_eq!(reloaded.get_heads(), server.get_heads());
    }
}
