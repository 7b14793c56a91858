//! One client of the live workloads: connects, fetches the document, then
//! follows it (a reader) or follows it and types (a typist), logging when
//! each change arrived and when each of its own left.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use automerge::ChangeHash;
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};
use rand::{Rng, SeedableRng};
use tokio::sync::{oneshot, watch};

use crate::conn::{Conn, Target};
use crate::tracker::Baseline;
use crate::typist::{TypingPlan, Typist};

/// What the main task tells the clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connected, following, not typing (others are still connecting).
    Idle,
    /// Typists type at their rate.
    Writing,
    /// No more typing; still following.
    Stopped,
    /// Close the connection and hand back the log.
    Shutdown,
}

/// What every client needs to know.
#[derive(Clone)]
pub struct ClientConfig {
    /// The server.
    pub target: Target,
    /// The document to follow.
    pub doc: DocumentId,
    /// The heads that mean "fetched the whole seed document".
    pub seed_heads: Vec<ChangeHash>,
    /// The seed document's change hashes.
    pub baseline: Arc<Baseline>,
    /// Where typists type.
    pub plan: TypingPlan,
    /// Budget for connecting and fetching the document.
    pub setup_timeout: Duration,
    /// Counts, across clients, arrivals of typed changes.
    pub delivered: Arc<AtomicU64>,
    /// Counts, across typists, changes sent.
    pub sent: Arc<AtomicU64>,
}

/// What a client saw, handed back when it stops.
#[derive(Debug, Default)]
pub struct ClientLog {
    /// Each typed change that arrived, with the instant its frame arrived.
    pub arrivals: Vec<(ChangeHash, Instant)>,
    /// Each change this client typed, with the instant just before it was sent.
    pub sent: Vec<(ChangeHash, Instant)>,
    /// Time spent building and encoding each typed change.
    pub edit_cost: Vec<Duration>,
    /// Sync messages received.
    pub messages: u64,
    /// Sync messages sent (acknowledgements and typed changes).
    pub replies: u64,
    /// Why the client stopped early, if it did.
    pub error: Option<String>,
}

/// Runs client `id` until the phase turns `Shutdown`. `rate` is its typing
/// rate in characters per second (`None`: a reader). Sends the time the
/// initial fetch took on `ready` (or the error that stopped it before).
pub async fn run(
    id: usize,
    cfg: ClientConfig,
    rate: Option<f64>,
    source: Option<IpAddr>,
    ready: oneshot::Sender<Result<Duration, String>>,
    mut phase: watch::Receiver<Phase>,
) -> ClientLog {
    let mut log = ClientLog::default();
    let mut ready = Some(ready);
    if let Err(e) = follow(id, &cfg, rate, source, &mut ready, &mut phase, &mut log).await {
        let role = if rate.is_some() { "typist" } else { "reader" };
        let msg = format!("{role} {id}: {e:#}");
        if let Some(tx) = ready.take() {
            let _ = tx.send(Err(msg.clone()));
        }
        log.error = Some(msg);
    }
    log
}

async fn follow(
    id: usize,
    cfg: &ClientConfig,
    rate: Option<f64>,
    source: Option<IpAddr>,
    ready: &mut Option<oneshot::Sender<Result<Duration, String>>>,
    phase: &mut watch::Receiver<Phase>,
    log: &mut ClientLog,
) -> Result<()> {
    let started = Instant::now();
    let setup_deadline = tokio::time::Instant::now() + cfg.setup_timeout;
    let role = if rate.is_some() { "typist" } else { "reader" };
    let me = PeerId::new(format!(
        "mitra-bench-{role}-{id}-{:08x}",
        rand::random::<u32>()
    ));
    let mut rng = rand::rngs::StdRng::from_os_rng();
    let mut conn = Conn::open_from(&cfg.target, source, me, cfg.setup_timeout).await?;
    let mut typist = Typist::new(
        cfg.baseline.clone(),
        cfg.plan.clone(),
        rate.is_none(),
        &mut rng,
    );
    if rate.is_some() {
        // A typist has the document already (a browser with it in its local
        // storage; it must know every operation counter, which a whole-document
        // answer would hide): it says what it has and syncs only what is new.
        typist.hold_seed(&cfg.seed_heads);
        conn.send_sync(cfg.doc, typist.sync().hello(), false)
            .await?;
    } else {
        conn.send_sync(cfg.doc, typist.sync().request(), true)
            .await?;
    }
    let setup_expired = tokio::time::sleep_until(setup_deadline);
    tokio::pin!(setup_expired);
    let period = Duration::from_secs_f64(1.0 / rate.unwrap_or(1.0));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut current = *phase.borrow();
    loop {
        tokio::select! {
            changed = phase.changed() => {
                if changed.is_err() {
                    break;
                }
                current = *phase.borrow();
                match current {
                    Phase::Shutdown => break,
                    Phase::Writing => {
                        // Typists start at random offsets within one period, not in lockstep.
                        let offset = period.mul_f64(rng.random::<f64>());
                        tick.reset_at(tokio::time::Instant::now() + offset);
                    }
                    Phase::Idle | Phase::Stopped => {}
                }
            }
            _ = &mut setup_expired, if ready.is_some() => bail!(
                "did not fetch the document within {:?} (holds {} of {} seed changes)",
                cfg.setup_timeout, typist.sync().len(), cfg.baseline.len()
            ),
            _ = tick.tick(), if rate.is_some() && current == Phase::Writing => {
                let building = Instant::now();
                let letter = char::from(b'a' + rng.random_range(0..26u8));
                let (hash, data) = typist.type_one(letter)?;
                let at = Instant::now();
                log.edit_cost.push(at - building);
                log.sent.push((hash, at));
                log.replies += 1;
                cfg.sent.fetch_add(1, Ordering::Relaxed);
                conn.send_sync(cfg.doc, data, false).await?;
            }
            next = conn.recv() => {
                let (msg, at) = match next? {
                    Some(m) => m,
                    None => bail!("the server closed the connection{}", conn.reason()),
                };
                match msg {
                    Message::Sync(m) | Message::Request(m) if m.document_id == cfg.doc => {
                        log.messages += 1;
                        let got = typist.receive(&m.data)?;
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
                        // Ready once it holds the seed document and has heard
                        // from the server about it.
                        if ready.is_some()
                            && typist.sync().heads() == cfg.seed_heads
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
        }
    }
    conn.close().await;
    Ok(())
}
