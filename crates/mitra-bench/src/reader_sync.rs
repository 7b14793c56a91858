//! The sans-IO sync logic of a reader: answer an automerge sync message
//! without holding the document.
//!
//! A reader decodes each change chunk only far enough to learn its hash and
//! dependencies, tracks its heads, and acknowledges with a sync message that
//! says "I have exactly these heads and need nothing": an automerge peer then
//! sets its shared heads to ours and sends only what came after them.

use std::sync::Arc;

use anyhow::{Context, Result};
use automerge::sync::{BloomFilter, ChunkList, Have, Message, MessageVersion};
use automerge::{Change, ChangeHash};

use crate::tracker::{Baseline, HeadsTracker};

/// What one incoming sync message did.
#[derive(Debug, Default)]
pub struct Received {
    /// The encoded sync message to answer with, if an answer is due.
    pub reply: Option<Vec<u8>>,
    /// Changes new to this reader that are not part of the seed document.
    pub new_changes: Vec<ChangeHash>,
    /// How many change chunks the message carried (new or not).
    pub chunks: usize,
}

/// A reader's side of the sync protocol for one document.
#[derive(Debug)]
pub struct ReaderSync {
    tracker: HeadsTracker,
    answered: bool,
    /// (their heads, our heads) of the last answer, to never answer the same twice.
    last_answer: Option<(Vec<ChangeHash>, Vec<ChangeHash>)>,
}

impl ReaderSync {
    /// A reader that holds nothing yet.
    pub fn new(baseline: Arc<Baseline>) -> ReaderSync {
        ReaderSync {
            tracker: HeadsTracker::new(baseline),
            answered: false,
            last_answer: None,
        }
    }

    /// The first message, sent with `request`: no heads, nothing held.
    pub fn request(&self) -> Vec<u8> {
        ack(Vec::new())
    }

    /// The current heads, sorted.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.tracker.heads()
    }

    /// How many changes this reader holds.
    pub fn len(&self) -> usize {
        self.tracker.len()
    }

    /// Takes in one encoded sync message from the server.
    ///
    /// Answers the first message, any message that brought something new,
    /// and messages whose heads differ from ours, but never twice with the
    /// same pair of heads unless something new arrived (so a server that keeps
    /// sending empty messages cannot start a ping-pong loop).
    pub fn receive(&mut self, data: &[u8]) -> Result<Received> {
        let msg = Message::decode(data)
            .map_err(|e| anyhow::anyhow!("undecodable automerge sync message: {e}"))?;
        let mut out = Received {
            chunks: msg.changes.len(),
            ..Received::default()
        };
        let mut added = false;
        for chunk in msg.changes.iter() {
            let change = Change::try_from(chunk).context(
                "a change chunk in a sync message is not a single change \
                 (a whole-document v2 message? this reader never asks for those)",
            )?;
            let hash = change.hash();
            if self.tracker.add(hash, change.deps()) {
                added = true;
                if !self.tracker.is_baseline(&hash) {
                    out.new_changes.push(hash);
                }
            }
        }
        let ours = self.tracker.heads();
        let mut theirs = msg.heads;
        theirs.sort_unstable();
        let pair = (theirs, ours);
        let due = !self.answered
            || added
            || ((out.chunks > 0 || pair.0 != pair.1) && self.last_answer.as_ref() != Some(&pair));
        if due {
            self.answered = true;
            out.reply = Some(ack(pair.1.clone()));
            self.last_answer = Some(pair);
        }
        Ok(out)
    }
}

/// A sync message saying: my heads are `heads`, I need nothing, I have
/// nothing beyond them.
fn ack(heads: Vec<ChangeHash>) -> Vec<u8> {
    Message {
        heads: heads.clone(),
        need: Vec::new(),
        have: vec![Have {
            last_sync: heads,
            bloom: BloomFilter::default(),
        }],
        changes: ChunkList::empty(),
        flags: None,
        version: MessageVersion::V1,
    }
    .encode()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use automerge::sync::{State, SyncDoc};
    use automerge::transaction::Transactable;
    use automerge::{Automerge, ObjType, ROOT, ReadDoc};

    fn seed() -> Automerge {
        let mut doc = Automerge::new();
        for i in 0..30 {
            let mut tx = doc.transaction();
            tx.put(ROOT, "n", i as i64).unwrap();
            tx.commit();
        }
        let mut tx = doc.transaction();
        let text = tx.put_object(ROOT, "text", ObjType::Text).unwrap();
        tx.splice_text(&text, 0, 0, "hello").unwrap();
        tx.commit();
        doc
    }

    /// Plays the server (an automerge document with a sync state per reader)
    /// against a reader until neither has anything to say; returns the
    /// number of messages the server sent.
    fn converse(
        server: &mut Automerge,
        state: &mut State,
        reader: &mut ReaderSync,
        first: Option<Vec<u8>>,
    ) -> usize {
        let mut to_server = first;
        let mut sent = 0;
        for _ in 0..20 {
            if let Some(bytes) = to_server.take() {
                server
                    .receive_sync_message(state, Message::decode(&bytes).unwrap())
                    .unwrap();
            }
            match server.generate_sync_message(state) {
                Some(m) => {
                    sent += 1;
                    to_server = reader.receive(&m.encode()).unwrap().reply;
                }
                None if to_server.is_none() => return sent,
                None => {}
            }
        }
        panic!("the conversation did not settle");
    }

    #[test]
    fn fetches_acknowledges_and_follows_an_automerge_server() {
        let mut server = seed();
        let baseline: Vec<ChangeHash> = server.get_changes(&[]).iter().map(|c| c.hash()).collect();
        let mut reader = ReaderSync::new(Arc::new(Baseline::new(baseline)));
        let mut state = State::new();

        let request = reader.request();
        converse(&mut server, &mut state, &mut reader, Some(request));
        assert_eq!(reader.heads(), server.get_heads());
        assert_eq!(state.shared_heads, server.get_heads());
        // Nothing more to say: no ping-pong.
        assert!(server.generate_sync_message(&mut state).is_none());

        // Each new change reaches the reader once, in one message, and is acked.
        for i in 0..5 {
            let text = server.get(ROOT, "text").unwrap().unwrap().1;
            let mut tx = server.transaction();
            tx.splice_text(&text, 0, 0, "x").unwrap();
            let hash = tx.commit().0.unwrap();
            let m = server.generate_sync_message(&mut state).unwrap();
            assert_eq!(m.changes.len(), 1, "round {i}");
            let got = reader.receive(&m.encode()).unwrap();
            assert_eq!(got.new_changes, vec![hash]);
            let reply = got.reply.unwrap();
            server
                .receive_sync_message(&mut state, Message::decode(&reply).unwrap())
                .unwrap();
            assert_eq!(state.shared_heads, vec![hash]);
            assert!(server.generate_sync_message(&mut state).is_none());
        }
    }

    #[test]
    fn two_changes_before_an_ack_settle_without_a_loop() {
        let mut server = seed();
        let mut reader = ReaderSync::new(Arc::new(Baseline::default()));
        let mut state = State::new();
        let request = reader.request();
        converse(&mut server, &mut state, &mut reader, Some(request));

        let mut replies = Vec::new();
        for i in 0..2 {
            let mut tx = server.transaction();
            tx.put(ROOT, "n", 100 + i).unwrap();
            tx.commit().0.unwrap();
            let m = server.generate_sync_message(&mut state).unwrap();
            replies.push(reader.receive(&m.encode()).unwrap().reply.unwrap());
        }
        let mut extra = 0;
        for r in replies {
            server
                .receive_sync_message(&mut state, Message::decode(&r).unwrap())
                .unwrap();
            if let Some(m) = server.generate_sync_message(&mut state) {
                extra += 1;
                assert!(reader.receive(&m.encode()).unwrap().reply.is_none());
            }
        }
        assert!(extra <= 2);
        assert_eq!(reader.heads(), server.get_heads());
        assert!(server.generate_sync_message(&mut state).is_none());
    }

    #[test]
    fn repeated_empty_messages_are_answered_once() {
        let mut reader = ReaderSync::new(Arc::new(Baseline::default()));
        let empty = Message {
            heads: vec![ChangeHash([9; 32])],
            need: vec![],
            have: vec![],
            changes: ChunkList::empty(),
            flags: None,
            version: MessageVersion::V1,
        }
        .encode();
        assert!(reader.receive(&empty).unwrap().reply.is_some());
        assert!(reader.receive(&empty).unwrap().reply.is_none());
        assert!(reader.receive(&empty).unwrap().reply.is_none());
    }
}
