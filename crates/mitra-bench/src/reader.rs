//! A reader task: one connection that fetches the document, then follows it
//! and logs when each change arrived.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use automerge::ChangeHash;
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};
use tokio::sync::{oneshot, watch};

use crate::conn::Conn;
use crate::reader_sync::ReaderSync;
use crate::tracker::Baseline;

/// What a reader needs to know.
#[derive(Clone)]
pub struct ReaderConfig {
    /// The server's WebSocket URL.
    pub url: String,
    /// The document to follow.
    pub doc: DocumentId,
    /// The heads that mean "fetched the whole seed document".
    pub seed_heads: Vec<ChangeHash>,
    /// The seed document's change hashes.
    pub baseline: Arc<Baseline>,
    /// Budget for connecting and fetching the document.
    pub setup_timeout: Duration,
    /// Counts, across readers, arrivals of changes made during the run.
    pub delivered: Arc<AtomicU64>,
}

/// What a reader saw, handed back when it stops.
#[derive(Debug, Default)]
pub struct ReaderLog {
    /// Each change made during the run, with the instant its frame arrived.
    pub arrivals: Vec<(ChangeHash, Instant)>,
    /// Sync messages received.
    pub messages: u64,
    /// Sync messages sent.
    pub replies: u64,
    /// Why the reader stopped early, if it did.
    pub error: Option<String>,
}

/// Runs reader number `id` until `shutdown` turns true. Sends the time the
/// initial fetch took on `ready` once the reader holds the seed heads (or
/// the error that stopped it before that).
pub async fn run(
    id: usize,
    cfg: ReaderConfig,
    ready: oneshot::Sender<Result<Duration, String>>,
    mut shutdown: watch::Receiver<bool>,
) -> ReaderLog {
    let mut log = ReaderLog::default();
    let mut ready = Some(ready);
    if let Err(e) = follow(id, &cfg, &mut ready, &mut shutdown, &mut log).await {
        let msg = format!("reader {id}: {e:#}");
        if let Some(tx) = ready.take() {
            let _ = tx.send(Err(msg.clone()));
        }
        log.error = Some(msg);
    }
    log
}

async fn follow(
    id: usize,
    cfg: &ReaderConfig,
    ready: &mut Option<oneshot::Sender<Result<Duration, String>>>,
    shutdown: &mut watch::Receiver<bool>,
    log: &mut ReaderLog,
) -> Result<()> {
    let started = Instant::now();
    let setup_deadline = tokio::time::Instant::now() + cfg.setup_timeout;
    let me = PeerId::new(format!(
        "mitra-bench-reader-{id}-{:08x}",
        rand::random::<u32>()
    ));
    let mut conn = Conn::open(&cfg.url, me, cfg.setup_timeout).await?;
    let mut sync = ReaderSync::new(cfg.baseline.clone());
    conn.send_sync(cfg.doc, sync.request(), true).await?;
    let setup_expired = tokio::time::sleep_until(setup_deadline);
    tokio::pin!(setup_expired);
    loop {
        let (msg, at) = tokio::select! {
            _ = shutdown.changed() => break,
            _ = &mut setup_expired, if ready.is_some() => bail!(
                "did not fetch the document within {:?} (holds {} of {} seed changes)",
                cfg.setup_timeout, sync.len(), cfg.baseline.len()
            ),
            next = conn.recv() => match next? {
                Some(m) => m,
                None => bail!("the server closed the connection{}", conn.reason()),
            },
        };
        match msg {
            Message::Sync(m) | Message::Request(m) if m.document_id == cfg.doc => {
                log.messages += 1;
                let got = sync.receive(&m.data)?;
                if !got.new_changes.is_empty() {
                    cfg.delivered
                        .fetch_add(got.new_changes.len() as u64, Ordering::Relaxed);
                    log.arrivals
                        .extend(got.new_changes.into_iter().map(|h| (h, at)));
                }
                if let Some(reply) = got.reply {
                    log.replies += 1;
                    conn.send_sync(cfg.doc, reply, false).await?;
                }
                if ready.is_some()
                    && sync.heads() == cfg.seed_heads
                    && let Some(tx) = ready.take()
                {
                    let _ = tx.send(Ok(started.elapsed()));
                }
            }
            Message::DocUnavailable { document_id, .. } if document_id == cfg.doc => {
                bail!("the server says document {document_id} is unavailable")
            }
            Message::Error { message, .. } => bail!("the server sent an error: {message}"),
            // Other documents, ephemeral messages, heads gossip: not ours to answer.
            _ => {}
        }
    }
    conn.close().await;
    Ok(())
}
