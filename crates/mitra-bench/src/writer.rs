//! The seed document: where edits go, and uploading it to a server.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use automerge::sync::{BloomFilter, ChunkList, Have, Message as SyncMessage, MessageVersion};
use automerge::{Automerge, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, Value};
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};

use crate::conn::{Conn, Target};
use crate::tracker::{Baseline, HeadsTracker};

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

/// A document's history cut into sync messages of at most about
/// `batch_bytes` of changes each, in causal order, each with the heads of
/// the history up to its last change.
pub struct Upload {
    batches: Vec<(Vec<Vec<u8>>, Vec<ChangeHash>)>,
    /// The document's heads, sorted.
    pub heads: Vec<ChangeHash>,
    /// Total bytes of changes.
    pub bytes: usize,
}

impl Upload {
    /// Cuts `doc`'s history.
    pub fn new(doc: &Automerge, batch_bytes: usize) -> Upload {
        let mut tracker = HeadsTracker::new(std::sync::Arc::new(Baseline::default()));
        let mut batches = Vec::new();
        let mut current: Vec<Vec<u8>> = Vec::new();
        let mut size = 0;
        let mut total = 0;
        for mut change in doc.get_changes(&[]) {
            tracker.add(change.hash(), change.deps());
            let bytes = change.bytes().into_owned();
            size += bytes.len();
            total += bytes.len();
            current.push(bytes);
            if size >= batch_bytes {
                batches.push((std::mem::take(&mut current), tracker.heads()));
                size = 0;
            }
        }
        if !current.is_empty() {
            batches.push((current, tracker.heads()));
        }
        Upload {
            batches,
            heads: doc.get_heads(),
            bytes: total,
        }
    }

    /// How many messages the upload takes.
    pub fn messages(&self) -> usize {
        self.batches.len()
    }

    /// Sends the history over `conn` as document `doc_id`, one batch at a
    /// time: each says "my heads are H and I have everything up to H"; the
    /// next goes once the server answers with heads H. Gives up after
    /// `timeout` in all.
    pub async fn send(&self, conn: &mut Conn, doc_id: DocumentId, timeout: Duration) -> Result<()> {
        let deadline = tokio::time::Instant::now() + timeout;
        for (i, (changes, heads)) in self.batches.iter().enumerate() {
            let msg = SyncMessage {
                heads: heads.clone(),
                need: Vec::new(),
                have: vec![Have {
                    last_sync: heads.clone(),
                    bloom: BloomFilter::default(),
                }],
                changes: ChunkList::from(changes.clone()),
                flags: None,
                version: MessageVersion::V1,
            };
            conn.send_sync(doc_id, msg.encode(), false).await?;
            loop {
                let next = tokio::time::timeout_at(deadline, conn.recv())
                    .await
                    .map_err(|_| {
                        anyhow!(
                            "uploading: the server did not take batch {} of {} within {timeout:?}",
                            i + 1,
                            self.batches.len()
                        )
                    })??;
                match next {
                    Some((Message::Sync(m) | Message::Request(m), _))
                        if m.document_id == doc_id =>
                    {
                        let reply = SyncMessage::decode(&m.data)
                            .map_err(|e| anyhow!("uploading: undecodable sync message: {e}"))?;
                        let mut theirs = reply.heads;
                        theirs.sort_unstable();
                        if &theirs == heads {
                            break;
                        }
                    }
                    Some((Message::DocUnavailable { .. }, _)) => {
                        bail!("uploading: the server answered doc-unavailable")
                    }
                    Some((Message::Error { message, .. }, _)) => {
                        bail!("uploading: the server sent an error: {message}")
                    }
                    Some(_) => {}
                    None => bail!(
                        "uploading: the server closed the connection{}",
                        conn.reason()
                    ),
                }
            }
        }
        Ok(())
    }
}

/// Connects and uploads `doc` as `doc_id`; returns the time it took.
pub async fn upload(
    target: &Target,
    upload: &Upload,
    doc_id: DocumentId,
    timeout: Duration,
) -> Result<Duration> {
    let started = std::time::Instant::now();
    let me = PeerId::new(format!("mitra-bench-seeder-{:08x}", rand::random::<u32>()));
    let mut conn = Conn::open(target, me, timeout)
        .await
        .context("uploading the seed document")?;
    upload.send(&mut conn, doc_id, timeout).await?;
    let took = started.elapsed();
    conn.close().await;
    Ok(took)
}
