//! The sans-IO sync logic of a reader: answer an automerge sync message
//! without holding the document.
//!
//! A reader decodes each change chunk only far enough to learn its hash and
//! dependencies, tracks its heads, and acknowledges with a sync message that
//! says "I have exactly these heads and need nothing": an automerge peer then
//! sets its shared heads to ours and sends only what came after them.

use std::sync::Arc;

use anyhow::bail;
use anyhow::{Context, Result};
use automerge::sync::{BloomFilter, ChunkList, Have, Message, MessageFlags, MessageVersion};
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
    /// The largest operation counter among the changes it carried (0 if none).
    pub max_op: u64,
}

/// A reader's side of the sync protocol for one document.
#[derive(Debug)]
pub struct ReaderSync {
    tracker: HeadsTracker,
    answered: bool,
    /// Whether it tells the server it takes whole documents (v2 messages).
    v2: bool,
    /// (their heads, our heads) of the last answer, to never answer the same twice.
    last_answer: Option<(Vec<ChangeHash>, Vec<ChangeHash>)>,
}

impl ReaderSync {
    /// A peer that holds nothing yet and asks for changes only (v1): what a
    /// typist needs, as it must see every change's operation counters.
    pub fn new(baseline: Arc<Baseline>) -> ReaderSync {
        ReaderSync {
            tracker: HeadsTracker::new(baseline),
            answered: false,
            v2: false,
            last_answer: None,
        }
    }

    /// A reader that holds nothing yet and, like current automerge peers,
    /// tells the server it takes a whole document in one (v2) message.
    pub fn new_v2(baseline: Arc<Baseline>) -> ReaderSync {
        ReaderSync {
            v2: true,
            ..ReaderSync::new(baseline)
        }
    }

    /// The first message, sent with `request`: no heads, nothing held. A v2
    /// reader advertises that it understands whole-document answers (the
    /// flags section), so a server may send the document, not its history.
    pub fn request(&self) -> Vec<u8> {
        if !self.v2 {
            return ack(Vec::new());
        }
        let mut flags = MessageFlags::new();
        flags.set(MessageFlags::SUPPORTS_SYNC_RESET);
        Message {
            heads: Vec::new(),
            need: Vec::new(),
            have: vec![Have {
                last_sync: Vec::new(),
                bloom: BloomFilter::default(),
            }],
            changes: ChunkList::empty(),
            flags: Some(flags),
            version: MessageVersion::V1,
        }
        .encode()
    }

    /// Starts from the whole seed document, held already (its heads given).
    pub fn hold_baseline(&mut self, heads: &[ChangeHash]) {
        self.tracker.hold_baseline(heads);
    }

    /// Whether it takes whole documents (v2).
    pub fn takes_documents(&self) -> bool {
        self.v2
    }

    /// The current heads, sorted.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.tracker.heads()
    }

    /// How many changes this reader holds.
    pub fn len(&self) -> usize {
        self.tracker.len()
    }

    /// Records a change this peer made itself (a typist's), so that its heads
    /// move on and the server's echo of it is not news.
    pub fn add_own(&mut self, hash: ChangeHash, deps: &[ChangeHash]) {
        self.tracker.add(hash, deps);
    }

    /// Notes that this peer told the server it has `heads`, so an identical
    /// acknowledgement is not sent again.
    pub fn announced(&mut self, heads: Vec<ChangeHash>) {
        self.answered = true;
        self.last_answer = Some((heads.clone(), heads));
    }

    /// A sync message saying: I have exactly my heads and need nothing (a
    /// reconnecting reader's first message).
    pub fn hello(&self) -> Vec<u8> {
        ack(self.tracker.heads())
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
            if chunk.get(8) == Some(&DOCUMENT_CHUNK) {
                if !self.v2 {
                    bail!("the server sent a whole document to a peer that did not ask for one");
                }
                // A whole document (a v2 message): only its heads matter here.
                for head in document_heads(chunk)? {
                    if self.tracker.add(head, &[]) {
                        added = true;
                        if !self.tracker.is_baseline(&head) {
                            out.new_changes.push(head);
                        }
                    }
                }
                continue;
            }
            let change = Change::try_from(chunk)
                .context("a change chunk in a sync message is not a single change")?;
            let hash = change.hash();
            out.max_op = out.max_op.max(change.max_op());
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

/// The chunk type byte of a whole document.
const DOCUMENT_CHUNK: u8 = 0;

/// The heads recorded in a document chunk's header (magic, checksum, type,
/// length, then the actors and the heads), read without loading the document.
fn document_heads(chunk: &[u8]) -> Result<Vec<ChangeHash>> {
    fn uleb(b: &[u8], at: &mut usize) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&byte) = b.get(*at) else {
                bail!("truncated document chunk")
            };
            *at += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        bail!("a LEB128 number too long in a document chunk")
    }
    let mut at = 9;
    uleb(chunk, &mut at)?; // body length
    for _ in 0..uleb(chunk, &mut at)? {
        let len = usize::try_from(uleb(chunk, &mut at)?)?;
        at = at.saturating_add(len);
    }
    let n = uleb(chunk, &mut at)?;
    let mut heads = Vec::new();
    for _ in 0..n {
        let bytes = chunk
            .get(at..at + 32)
            .context("truncated heads in a document chunk")?;
        heads.push(ChangeHash::try_from(bytes).context("a head in a document chunk")?);
        at += 32;
    }
    Ok(heads)
}

/// A sync message saying: my heads are `heads`, I need nothing, I have
/// nothing beyond them.
pub fn ack(heads: Vec<ChangeHash>) -> Vec<u8> {
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
    fn a_whole_document_answer_gives_its_heads() {
        let mut doc = seed();
        let mut tx = doc.transaction();
        tx.put(ROOT, "concurrent", 1).unwrap();
        tx.commit();
        let mut reader = ReaderSync::new_v2(Arc::new(Baseline::default()));
        let msg = Message {
            heads: doc.get_heads(),
            need: vec![],
            have: vec![],
            changes: ChunkList::from(doc.save()),
            flags: None,
            version: MessageVersion::V2,
        };
        let got = reader.receive(&msg.encode()).unwrap();
        assert_eq!(reader.heads(), doc.get_heads());
        assert!(got.reply.is_some());
        // And the request advertises v2: an automerge server answers a
        // fresh peer with the whole document.
        let mut state = State::new();
        doc.receive_sync_message(&mut state, Message::decode(&reader.request()).unwrap())
            .unwrap();
        let answer = doc.generate_sync_message(&mut state).unwrap();
        assert_eq!(answer.version, MessageVersion::V2);
        let answer = answer.encode();
        let mut fresh = ReaderSync::new_v2(Arc::new(Baseline::default()));
        fresh.receive(&answer).unwrap();
        assert_eq!(fresh.heads(), doc.get_heads());
        // A v1 peer is never sent one, and refuses one.
        let mut v1 = ReaderSync::new(Arc::new(Baseline::default()));
        assert!(v1.receive(&answer).is_err());
        let mut state = State::new();
        doc.receive_sync_message(&mut state, Message::decode(&v1.request()).unwrap())
            .unwrap();
        let answer = doc.generate_sync_message(&mut state).unwrap();
        assert_eq!(answer.version, MessageVersion::V1);
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
