//! W5, reconnect storm: N clients follow one document; all drop their
//! connections at once (no close handshake, like a network failure), a
//! typist makes a few changes meanwhile, and all reconnect at once. Measures
//! the time until every client holds the typist's heads again, and the
//! connection attempts that failed (a failed client retries after 100-200 ms,
//! like a browser would).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use automerge::ChangeHash;
use automerge::sync::Message as SyncMessage;
use clap::Args;
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};
use rand::{Rng, SeedableRng};
use tokio::sync::{oneshot, watch};

use crate::conn::{Conn, Target};
use crate::reader_sync::ReaderSync;
use crate::tracker::Baseline;
use crate::typist::{TypingPlan, Typist};
use crate::writer::{self, Upload};
use crate::{Common, SeedDoc, mib, pct, procstat, secs};

/// `mitra-bench storm`.
#[derive(Debug, Args)]
pub struct StormArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    seed: SeedDoc,
    /// Clients that drop and reconnect.
    #[arg(long, default_value_t = 500)]
    clients: usize,
    /// Changes the typist makes while they are away.
    #[arg(long, default_value_t = 10)]
    offline_changes: usize,
    /// Seconds the clients stay away.
    #[arg(long, default_value_t = 1.0)]
    away: f64,
    /// Seconds for every client to be back in sync before the run fails.
    #[arg(long, default_value_t = 60.0)]
    timeout: f64,
    /// Clients connecting at once during setup (the storm itself is all at once).
    #[arg(long, default_value_t = 100)]
    connect_batch: usize,
    /// Loopback source addresses to spread the connections over.
    #[arg(long, default_value_t = 1)]
    sources: usize,
}

/// Commands to the clients.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Storm {
    Follow,
    Drop,
    /// Reconnect and get to these heads.
    Reconnect(Vec<ChangeHash>),
    Shutdown,
}

#[derive(Debug, Default)]
struct StormLog {
    back_in_sync: Option<Instant>,
    failed_attempts: u64,
    error: Option<String>,
}

/// Runs `mitra-bench storm`.
pub async fn run(args: StormArgs) -> Result<()> {
    let target = args.common.target()?;
    if args.clients == 0 || args.clients > 100_000 {
        bail!("--clients must be between 1 and 100000");
    }
    let timeout = secs("timeout", args.timeout, 0.1)?;
    let away = secs("away", args.away, 0.0)?;
    let setup_timeout = args.common.setup_timeout()?;
    let sources = crate::sources(args.sources)?;
    let pid = args.common.pid()?;
    let (doc, name, _) = crate::load_seed(args.seed.seed_doc.as_deref())?;
    let baseline = Arc::new(Baseline::new(
        doc.get_changes_meta(&[]).into_iter().map(|m| m.hash),
    ));
    let plan = TypingPlan::new(&doc, &writer::find_edit_target(&doc))?;
    let upload = Upload::new(&doc, args.seed.seed_batch_bytes);
    drop(doc);
    let doc_id = DocumentId::from_bytes(rand::random());
    writer::upload(&target, &upload, doc_id, setup_timeout).await?;

    // The typist.
    let mut typist_conn = Conn::open(
        &target,
        PeerId::new(format!("mitra-bench-typist-{:08x}", rand::random::<u32>())),
        setup_timeout,
    )
    .await?;
    let mut typist = Typist::new(baseline.clone(), plan, false, &mut rand::rng());
    fetch_as_typist(
        &mut typist_conn,
        &mut typist,
        doc_id,
        &upload.heads,
        setup_timeout,
    )
    .await?;

    // The clients.
    let (cmd_tx, cmd_rx) = watch::channel(Storm::Follow);
    let settled = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(args.clients);
    for first in (0..args.clients).step_by(args.connect_batch.max(1)) {
        let mut pending = Vec::new();
        for id in first..(first + args.connect_batch.max(1)).min(args.clients) {
            let (tx, rx) = oneshot::channel();
            tasks.push(tokio::spawn(client(
                id,
                target.clone(),
                doc_id,
                baseline.clone(),
                upload.heads.clone(),
                sources[id % sources.len()],
                setup_timeout,
                tx,
                cmd_rx.clone(),
                settled.clone(),
            )));
            pending.push(rx);
        }
        for rx in pending {
            match tokio::time::timeout(setup_timeout + Duration::from_secs(5), rx).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => bail!("setting up clients: {e}"),
                _ => bail!("a client did not fetch the document in time"),
            }
        }
    }
    eprintln!(
        "mitra-bench: {} clients follow {}; dropping them all",
        args.clients,
        doc_id.url()
    );

    // Drop, type, reconnect.
    let ticks = procstat::clock_ticks();
    let cpu0 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    cmd_tx.send_replace(Storm::Drop);
    let away_until = Instant::now() + away;
    for _ in 0..args.offline_changes {
        let letter = char::from(b'a' + rand::rng().random_range(0..26u8));
        let (_, data) = typist.type_one(letter)?;
        typist_conn.send_sync(doc_id, data, false).await?;
    }
    let heads = typist.sync().heads();
    // A server need not acknowledge changes to the peer that sent them (its
    // heads equal ours): wait for an answer a little, then go on (the clients
    // wait for these heads in any case).
    let ack_wait = setup_timeout.min(Duration::from_secs(2));
    if wait_for_server_heads(&mut typist_conn, &mut typist, doc_id, &heads, ack_wait)
        .await
        .is_err()
    {
        eprintln!(
            "mitra-bench: no acknowledgement of the typist's changes within {ack_wait:?}; going on"
        );
    }
    tokio::time::sleep_until(away_until.into()).await;
    let storm_start = Instant::now();
    cmd_tx.send_replace(Storm::Reconnect(heads));
    let deadline = storm_start + timeout + Duration::from_secs(1);
    // Wait until every client is back (or gave up), or the time is up.
    while settled.load(Ordering::Relaxed) < args.clients as u64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cpu1 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let memory = pid.as_deref().map(procstat::memory).transpose()?;
    cmd_tx.send_replace(Storm::Shutdown);
    let mut logs = Vec::with_capacity(tasks.len());
    for t in tasks {
        match tokio::time::timeout(Duration::from_secs(10), t).await {
            Ok(Ok(log)) => logs.push(log),
            _ => logs.push(StormLog {
                error: Some("client did not stop".to_owned()),
                ..StormLog::default()
            }),
        }
    }
    typist_conn.close().await;

    let back: Vec<Duration> = logs
        .iter()
        .filter_map(|l| {
            l.back_in_sync
                .map(|t| t.saturating_duration_since(storm_start))
        })
        .collect();
    let all_back =
        (back.len() == logs.len()).then(|| back.iter().max().copied().unwrap_or_default());
    let failed_attempts: u64 = logs.iter().map(|l| l.failed_attempts).sum();
    let errors: Vec<&String> = logs.iter().filter_map(|l| l.error.as_ref()).collect();
    let server_cpu = match (cpu0, cpu1) {
        (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
        _ => None,
    };
    let each = pct(&back);
    println!(
        "mitra-bench storm  {}  {}",
        args.common.label,
        crate::redact(&args.common.url)
    );
    println!(
        "  workload    {} clients on {name} drop, {} changes meanwhile, all reconnect at once",
        args.clients, args.offline_changes
    );
    println!(
        "  back        {} of {} in sync; all at {}; each {}",
        back.len(),
        logs.len(),
        all_back.map_or("never".to_owned(), |d| format!("{:.3} s", d.as_secs_f64())),
        crate::fmt_ms(each, true)
    );
    println!(
        "  errors      {failed_attempts} failed connection attempts (retried); {} clients gave up",
        errors.len()
    );
    for e in errors.iter().take(3) {
        println!("              {e}");
    }
    if let (Some(c), Some(m)) = (server_cpu, memory) {
        println!(
            "  server      CPU {c:.2} s from the drop to the last client back; peak RSS {:.1} MiB",
            mib(m.peak_rss_kib)
        );
    }
    if args.common.json {
        let mut j = args.common.json("storm");
        j.str("seed_doc", &name)
            .int("clients", args.clients as u64)
            .int("offline_changes", args.offline_changes as u64)
            .int("back_in_sync", back.len() as u64)
            .num("all_back_s", all_back.map(|d| d.as_secs_f64()))
            .num("each_p50_ms", each.map(|p| p.p50))
            .num("each_p99_ms", each.map(|p| p.p99))
            .int("failed_attempts", failed_attempts)
            .int("errors", failed_attempts + errors.len() as u64)
            .num("server_cpu_s", server_cpu)
            .num("server_peak_rss_mib", memory.map(|m| mib(m.peak_rss_kib)));
        println!("{}", j.finish());
    }
    Ok(())
}

/// Reads until the typist holds `heads`.
async fn fetch_as_typist(
    conn: &mut Conn,
    typist: &mut Typist,
    doc: DocumentId,
    heads: &[ChangeHash],
    timeout: Duration,
) -> Result<()> {
    // The typist has the document already (it just uploaded it).
    typist.hold_seed(heads);
    conn.send_sync(doc, typist.sync().hello(), false).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    while typist.sync().heads() != heads {
        let next = tokio::time::timeout_at(deadline, conn.recv())
            .await
            .map_err(|_| anyhow!("the typist did not fetch the document within {timeout:?}"))??;
        match next {
            Some((Message::Sync(m) | Message::Request(m), _)) if m.document_id == doc => {
                if let Some(reply) = typist.receive(&m.data)?.reply {
                    conn.send_sync(doc, reply, false).await?;
                }
            }
            Some(_) => {}
            None => bail!("the server closed the typist's connection{}", conn.reason()),
        }
    }
    Ok(())
}

/// Reads until the server says it holds `heads`.
async fn wait_for_server_heads(
    conn: &mut Conn,
    typist: &mut Typist,
    doc: DocumentId,
    heads: &[ChangeHash],
    timeout: Duration,
) -> Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let next = tokio::time::timeout_at(deadline, conn.recv())
            .await
            .map_err(|_| {
                anyhow!("the server did not take the typist's changes within {timeout:?}")
            })??;
        match next {
            Some((Message::Sync(m) | Message::Request(m), _)) if m.document_id == doc => {
                let mut theirs = SyncMessage::decode(&m.data)
                    .map_err(|e| anyhow!("undecodable sync message: {e}"))?
                    .heads;
                theirs.sort_unstable();
                if let Some(reply) = typist.receive(&m.data)?.reply {
                    conn.send_sync(doc, reply, false).await?;
                }
                if theirs == heads {
                    return Ok(());
                }
            }
            Some(_) => {}
            None => bail!("the server closed the typist's connection{}", conn.reason()),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn client(
    id: usize,
    target: Target,
    doc: DocumentId,
    baseline: Arc<Baseline>,
    seed_heads: Vec<ChangeHash>,
    source: Option<std::net::IpAddr>,
    timeout: Duration,
    ready: oneshot::Sender<Result<(), String>>,
    mut cmd: watch::Receiver<Storm>,
    settled: Arc<AtomicU64>,
) -> StormLog {
    let mut log = StormLog::default();
    let mut sync = ReaderSync::new_v2(baseline);
    let me = PeerId::new(format!(
        "mitra-bench-storm-{id}-{:08x}",
        rand::random::<u32>()
    ));
    // Connect and fetch.
    let first = async {
        let mut conn = Conn::open_from(&target, source, me.clone(), timeout).await?;
        conn.send_sync(doc, sync.request(), true).await?;
        follow_until(&mut conn, &mut sync, doc, &seed_heads, timeout).await?;
        Ok::<_, anyhow::Error>(conn)
    };
    let conn = match first.await {
        Ok(c) => {
            let _ = ready.send(Ok(()));
            c
        }
        Err(e) => {
            let _ = ready.send(Err(format!("client {id}: {e:#}")));
            log.error = Some(format!("{e:#}"));
            return log;
        }
    };
    // Wait for the drop; the connection is dropped without a close handshake.
    let mut conn = Some(conn);
    let heads = loop {
        if cmd.changed().await.is_err() {
            return log;
        }
        let now = cmd.borrow().clone();
        match now {
            Storm::Follow => {}
            Storm::Drop => conn = None,
            Storm::Reconnect(h) => break h,
            Storm::Shutdown => return log,
        }
    };
    drop(conn);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut rng = rand::rngs::StdRng::from_os_rng();
    let conn = loop {
        let attempt = async {
            let mut conn = Conn::open_from(&target, source, me.clone(), timeout).await?;
            // A client that has the document says what it has (`sync`, not `request`).
            conn.send_sync(doc, sync.hello(), false).await?;
            follow_until(&mut conn, &mut sync, doc, &heads, timeout).await?;
            Ok::<_, anyhow::Error>(conn)
        };
        match tokio::time::timeout_at(deadline, attempt).await {
            Ok(Ok(conn)) => {
                log.back_in_sync = Some(Instant::now());
                break Some(conn);
            }
            Ok(Err(e)) => {
                log.failed_attempts += 1;
                if tokio::time::Instant::now() >= deadline {
                    log.error = Some(format!("client {id}: gave up: {e:#}"));
                    break None;
                }
                let pause = Duration::from_millis(rng.random_range(100..200));
                tokio::time::sleep(pause).await;
            }
            Err(_) => {
                log.error = Some(format!("client {id}: not back in sync within {timeout:?}"));
                break None;
            }
        }
    };
    settled.fetch_add(1, Ordering::Relaxed);
    // Stay connected until shutdown, so the storm's load is not cut short.
    if let Some(mut conn) = conn {
        loop {
            tokio::select! {
                changed = cmd.changed() => {
                    if changed.is_err() || *cmd.borrow() == Storm::Shutdown {
                        break;
                    }
                }
                next = conn.recv() => match next {
                    Ok(Some(_)) => {}
                    _ => break,
                },
            }
        }
        conn.close().await;
    }
    log
}

async fn follow_until(
    conn: &mut Conn,
    sync: &mut ReaderSync,
    doc: DocumentId,
    heads: &[ChangeHash],
    timeout: Duration,
) -> Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    while sync.heads() != heads {
        let next = tokio::time::timeout_at(deadline, conn.recv())
            .await
            .map_err(|_| anyhow!("not in sync within {timeout:?}"))??;
        match next {
            Some((Message::Sync(m) | Message::Request(m), _)) if m.document_id == doc => {
                if let Some(reply) = sync.receive(&m.data)?.reply {
                    conn.send_sync(doc, reply, false).await?;
                }
            }
            Some((Message::DocUnavailable { .. }, _)) => {
                bail!("the server says the document is unavailable")
            }
            Some((Message::Error { message, .. }, _)) => {
                bail!("the server sent an error: {message}")
            }
            Some(_) => {}
            None => bail!("the server closed the connection{}", conn.reason()),
        }
    }
    Ok(())
}
