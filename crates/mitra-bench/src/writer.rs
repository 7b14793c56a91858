//! The writer: uploads the seed document, then makes one small change every
//! 1/rate seconds and sends it, logging when each change left.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use automerge::sync::{Message as SyncMessage, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::watch;

use crate::conn::Conn;

/// Where the writer's edits go.
#[derive(Debug, Clone)]
pub enum EditTarget {
    /// A text object: one character is inserted per change.
    Text {
        /// The object.
        obj: ObjId,
        /// Its path from the root, for the report.
        path: String,
    },
    /// No text object: a counter under this key of the root map.
    RootKey(String),
}

impl EditTarget {
    /// A short description for the report.
    pub fn describe(&self, doc: &Automerge) -> String {
        match self {
            EditTarget::Text { obj, path } => {
                format!("text {path} ({} chars)", doc.length(obj))
            }
            EditTarget::RootKey(k) => format!("root key {k:?} (no text object)"),
        }
    }
}

/// Finds the longest text object within a few levels of the root.
pub fn find_edit_target(doc: &Automerge) -> EditTarget {
    let mut best: Option<(usize, ObjId, String)> = None;
    let mut stack = vec![(ROOT, String::new(), 0usize)];
    while let Some((obj, path, depth)) = stack.pop() {
        let children: Vec<(String, Value<'_>, ObjId)> = match doc.object_type(&obj) {
            Ok(ObjType::Map) | Ok(ObjType::Table) => doc
                .keys(&obj)
                .filter_map(|k| {
                    let (v, id) = doc.get(&obj, k.as_str()).ok()??;
                    Some((format!("{path}/{k}"), v, id))
                })
                .collect(),
            Ok(ObjType::List) => (0..doc.length(&obj).min(64))
                .filter_map(|i| {
                    let (v, id) = doc.get(&obj, i).ok()??;
                    Some((format!("{path}/{i}"), v, id))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (child_path, value, id) in children {
            match value {
                Value::Object(ObjType::Text) => {
                    let len = doc.length(&id);
                    if best.as_ref().is_none_or(|(l, _, _)| len > *l) {
                        best = Some((len, id, child_path));
                    }
                }
                Value::Object(_) if depth < 4 => stack.push((id, child_path, depth + 1)),
                _ => {}
            }
        }
    }
    match best {
        Some((_, obj, path)) => EditTarget::Text { obj, path },
        None => EditTarget::RootKey("mitra-bench".to_owned()),
    }
}

/// What the main task tells the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connected, answering the server, not writing (readers are connecting).
    Idle,
    /// Writing at the configured rate.
    Writing,
    /// No more changes; still answering the server.
    Stopped,
    /// Close the connection and hand back the log.
    Shutdown,
}

/// What the writer did, handed back when it stops.
#[derive(Debug, Default)]
pub struct WriterLog {
    /// Each change, with the instant just before its frame was sent.
    pub sent: Vec<(ChangeHash, Instant)>,
    /// Time spent making, committing and encoding each change.
    pub edit_cost: Vec<Duration>,
    /// Why the writer stopped early, if it did.
    pub error: Option<String>,
}

/// The writer's connection, document and sync state.
pub struct Writer {
    conn: Conn,
    doc: Automerge,
    state: State,
    doc_id: DocumentId,
    target: EditTarget,
    rng: StdRng,
    seq: u64,
}

impl Writer {
    /// Connects and uploads `doc` as document `doc_id`, until the server's
    /// heads equal ours. Gives up after `timeout`.
    pub async fn seed(
        url: &str,
        doc: Automerge,
        doc_id: DocumentId,
        target: EditTarget,
        timeout: Duration,
    ) -> Result<Writer> {
        let deadline = tokio::time::Instant::now() + timeout;
        let me = PeerId::new(format!("mitra-bench-writer-{:08x}", rand::random::<u32>()));
        let conn = tokio::time::timeout_at(deadline, Conn::open(url, me, timeout))
            .await
            .map_err(|_| anyhow!("writer: connecting timed out after {timeout:?}"))?
            .context("writer")?;
        let mut w = Writer {
            conn,
            doc,
            state: State::new(),
            doc_id,
            target,
            rng: StdRng::from_os_rng(),
            seq: 0,
        };
        w.send_pending().await?;
        while !w.server_in_sync() {
            let next = tokio::time::timeout_at(deadline, w.conn.recv())
                .await
                .map_err(|_| {
                    anyhow!(
                        "writer: the server did not reach the seed document's heads within {timeout:?} \
                         (server heads: {:?})",
                        w.state.their_heads.as_ref().map(Vec::len)
                    )
                })??;
            match next {
                Some((msg, _)) => w.handle(msg).await?,
                None => bail!(
                    "writer: the server closed the connection while seeding{}",
                    w.conn.reason()
                ),
            }
        }
        Ok(w)
    }

    /// The document's heads.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    fn server_in_sync(&self) -> bool {
        let Some(theirs) = &self.state.their_heads else {
            return false;
        };
        let mut theirs = theirs.clone();
        theirs.sort_unstable();
        theirs == self.doc.get_heads()
    }

    /// Generates and sends a sync message if there is one to send.
    async fn send_pending(&mut self) -> Result<()> {
        if let Some(m) = self.doc.generate_sync_message(&mut self.state) {
            self.conn.send_sync(self.doc_id, m.encode(), false).await?;
        }
        Ok(())
    }

    /// Takes in one message from the server and answers it if due.
    async fn handle(&mut self, msg: Message) -> Result<()> {
        match msg {
            Message::Sync(m) | Message::Request(m) if m.document_id == self.doc_id => {
                let sync = SyncMessage::decode(&m.data)
                    .map_err(|e| anyhow!("writer: undecodable sync message: {e}"))?;
                self.doc
                    .receive_sync_message(&mut self.state, sync)
                    .context("writer: applying the server's sync message")?;
                self.send_pending().await
            }
            Message::DocUnavailable { document_id, .. } if document_id == self.doc_id => {
                bail!("writer: the server says the document it is being sent is unavailable")
            }
            Message::Error { message, .. } => bail!("writer: the server sent an error: {message}"),
            _ => Ok(()),
        }
    }

    /// Makes one small change and commits it.
    fn edit(&mut self) -> Result<ChangeHash> {
        self.seq += 1;
        let letter = char::from(b'a' + self.rng.random_range(0..26u8)).to_string();
        let mut tx = self.doc.transaction();
        match &self.target {
            EditTarget::Text { obj, .. } => {
                let len = tx.length(obj);
                let pos = self.rng.random_range(0..=len);
                // A position inside a multi-unit character is refused: append instead.
                if tx.splice_text(obj, pos, 0, &letter).is_err() {
                    tx.splice_text(obj, len, 0, &letter)
                        .context("writer: inserting a character")?;
                }
            }
            EditTarget::RootKey(key) => {
                tx.put(ROOT, key.as_str(), self.seq as i64)
                    .context("writer: setting a key")?;
            }
        }
        tx.commit().0.context("writer: the change was empty")
    }

    /// Writes while the phase is `Writing`, one change per `1/rate` seconds,
    /// answers the server throughout, and stops at `Shutdown`.
    pub async fn run(
        mut self,
        rate: f64,
        mut phase: watch::Receiver<Phase>,
        sent_count: Arc<AtomicU64>,
    ) -> WriterLog {
        let mut log = WriterLog::default();
        if let Err(e) = self
            .run_inner(rate, &mut phase, &sent_count, &mut log)
            .await
        {
            log.error = Some(format!("{e:#}"));
        }
        self.conn.close().await;
        log
    }

    async fn run_inner(
        &mut self,
        rate: f64,
        phase: &mut watch::Receiver<Phase>,
        sent_count: &AtomicU64,
        log: &mut WriterLog,
    ) -> Result<()> {
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut current = *phase.borrow();
        loop {
            tokio::select! {
                changed = phase.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    current = *phase.borrow();
                    match current {
                        Phase::Shutdown => return Ok(()),
                        Phase::Writing => tick.reset_immediately(),
                        Phase::Idle | Phase::Stopped => {}
                    }
                }
                _ = tick.tick(), if current == Phase::Writing => {
                    let started = Instant::now();
                    let hash = self.edit()?;
                    let msg = self.doc.generate_sync_message(&mut self.state);
                    let Some(msg) = msg else {
                        bail!("writer: automerge produced no sync message for a new change");
                    };
                    let data = msg.encode();
                    let at = Instant::now();
                    log.edit_cost.push(at - started);
                    log.sent.push((hash, at));
                    sent_count.fetch_add(1, Ordering::Relaxed);
                    self.conn.send_sync(self.doc_id, data, false).await?;
                }
                next = self.conn.recv() => match next? {
                    Some((msg, _)) => self.handle(msg).await?,
                    None => bail!("writer: the server closed the connection{}", self.conn.reason()),
                },
            }
        }
    }
}
