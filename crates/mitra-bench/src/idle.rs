//! W3, idle scale: many small documents, many idle connections (spread over
//! several loopback source addresses, each has its own ports), then the
//! server's memory and its CPU over an idle window.
//!
//! The first connection of each document creates it (uploads a one-change
//! document and stays connected, like a browser that made a new meeting);
//! the others fetch it. Then nobody writes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use automerge::transaction::Transactable;
use automerge::{ActorId, Automerge, ChangeHash, ROOT};
use clap::Args;
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};
use tokio::sync::{Semaphore, watch};

use crate::conn::{Conn, Target};
use crate::reader_sync::ReaderSync;
use crate::tracker::Baseline;
use crate::writer::Upload;
use crate::{Common, mib, procstat, secs};

/// `mitra-bench idle`.
#[derive(Debug, Args)]
pub struct IdleArgs {
    #[command(flatten)]
    common: Common,
    /// Documents.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// Connections (at least one per document; the rest spread evenly).
    #[arg(long, default_value_t = 20_000)]
    conns: usize,
    /// Loopback source addresses (127.0.0.1, .2, ...) to spread them over.
    #[arg(long, default_value_t = 4)]
    sources: usize,
    /// Connections being set up at once.
    #[arg(long, default_value_t = 200)]
    concurrency: usize,
    /// Seconds of idleness measured once every connection is set up.
    #[arg(long, default_value_t = 30.0)]
    window: f64,
}

struct Shared {
    target: Target,
    docs: Vec<(DocumentId, Upload)>,
    timeout: Duration,
    ready: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    first_error: std::sync::Mutex<Option<String>>,
}

impl Shared {
    fn fail(&self, e: String) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_error.lock()
            && first.is_none()
        {
            *first = Some(e);
        }
    }
}

/// A one-change document, different for each `i`.
fn tiny_doc(i: usize) -> Result<Automerge> {
    let mut doc = Automerge::new().with_actor(ActorId::from(rand::random::<[u8; 16]>()));
    let mut tx = doc.transaction();
    tx.put(ROOT, "title", format!("idle document {i}"))?;
    tx.put(ROOT, "kind", "meeting")?;
    tx.commit();
    Ok(doc)
}

/// Runs `mitra-bench idle`.
pub async fn run(args: IdleArgs) -> Result<()> {
    let target = args.common.target()?;
    if args.docs == 0 || args.conns < args.docs || args.conns > 200_000 {
        bail!("need 1 <= --docs <= --conns <= 200000");
    }
    let window = secs("window", args.window, 0.1)?;
    let timeout = args.common.setup_timeout()?;
    let sources = crate::sources(args.sources)?;
    let pid = args.common.pid()?;
    if let Some(limit) = crate::fd_limit()
        && limit < args.conns as u64 + 100
    {
        bail!(
            "the open-files limit is {limit}: too low for {} connections (raise it with ulimit -n)",
            args.conns
        );
    }
    let mut docs = Vec::with_capacity(args.docs);
    for i in 0..args.docs {
        let doc = tiny_doc(i)?;
        docs.push((
            DocumentId::from_bytes(rand::random()),
            Upload::new(&doc, 1 << 20),
        ));
    }
    let shared = Arc::new(Shared {
        target,
        docs,
        timeout,
        ready: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        dropped: AtomicU64::new(0),
        first_error: std::sync::Mutex::new(None),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let limit = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(args.conns);
    // Creators first; followers once every document exists.
    for phase in [0..args.docs, args.docs..args.conns] {
        let before = shared.ready.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed);
        let count = phase.len() as u64;
        for i in phase {
            let permit = limit.clone().acquire_owned().await?;
            let source = sources[i % sources.len()];
            tasks.push(tokio::spawn(connection(
                i,
                shared.clone(),
                source,
                permit,
                stop_rx.clone(),
                i < args.docs,
            )));
        }
        let deadline = Instant::now() + timeout * 4;
        while shared.ready.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed)
            < before + count
        {
            if Instant::now() > deadline {
                bail!("connections were not set up within {:?}", timeout * 4);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        eprintln!(
            "mitra-bench: {} connections set up, {} failed ({:.1} s)",
            shared.ready.load(Ordering::Relaxed),
            shared.failed.load(Ordering::Relaxed),
            started.elapsed().as_secs_f64()
        );
    }
    let setup = started.elapsed();

    // Idle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ticks = procstat::clock_ticks();
    let cpu0 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let self0 = procstat::cpu("self", ticks)?;
    tokio::time::sleep(window).await;
    let cpu1 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let self1 = procstat::cpu("self", ticks)?;
    let memory = pid.as_deref().map(procstat::memory).transpose()?;
    let dropped = shared.dropped.load(Ordering::Relaxed);
    stop_tx.send_replace(true);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(5), t).await;
    }
    let ready = shared.ready.load(Ordering::Relaxed);
    let failed = shared.failed.load(Ordering::Relaxed);
    let first_error = shared.first_error.lock().ok().and_then(|e| e.clone());
    let server_cpu = match (cpu0, cpu1) {
        (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
        _ => None,
    };
    let w = window.as_secs_f64();
    let bench_cpu = self1.cpu_seconds - self0.cpu_seconds;

    println!(
        "mitra-bench idle  {}  {}",
        args.common.label,
        crate::redact(&args.common.url)
    );
    println!(
        "  setup       {} documents, {ready} of {} connections over {} source addresses in {:.1} s; \
         {failed} failed, {dropped} dropped while idle",
        args.docs,
        args.conns,
        sources.len(),
        setup.as_secs_f64()
    );
    if let Some(e) = &first_error {
        println!("  first error {e}");
    }
    match (server_cpu, memory) {
        (Some(c), Some(m)) => println!(
            "  server      idle CPU {c:.2} s over {w:.0} s = {:.2} % of a core; RSS {:.1} MiB \
             ({:.1} KiB per connection), peak {:.1} MiB",
            c / w * 100.0,
            mib(m.rss_kib),
            m.rss_kib as f64 / args.conns as f64,
            mib(m.peak_rss_kib)
        ),
        _ => println!("  server      (pass --server-pid for CPU and memory)"),
    }
    println!(
        "  bench       CPU {bench_cpu:.2} s = {:.1} % of a core",
        bench_cpu / w * 100.0
    );
    if args.common.json {
        let mut j = args.common.json("idle");
        j.int("docs", args.docs as u64)
            .int("conns", args.conns as u64)
            .int("clients", args.conns as u64)
            .int("sources", sources.len() as u64)
            .int("ready", ready)
            .int("errors", failed + dropped)
            .num("setup_s", Some(setup.as_secs_f64()))
            .num("window_s", Some(w))
            .num("server_cpu_s", server_cpu)
            .num("server_cpu_pct", server_cpu.map(|c| c / w * 100.0))
            .num("server_rss_mib", memory.map(|m| mib(m.rss_kib)))
            .num("server_peak_rss_mib", memory.map(|m| mib(m.peak_rss_kib)))
            .num("bench_cpu_s", Some(bench_cpu));
        println!("{}", j.finish());
    }
    Ok(())
}

async fn connection(
    i: usize,
    shared: Arc<Shared>,
    source: Option<std::net::IpAddr>,
    permit: tokio::sync::OwnedSemaphorePermit,
    mut stop: watch::Receiver<bool>,
    creator: bool,
) {
    let (doc_id, upload) = &shared.docs[i % shared.docs.len()];
    let me = PeerId::new(format!(
        "mitra-bench-idle-{i}-{:08x}",
        rand::random::<u32>()
    ));
    let setup = async {
        let mut conn = Conn::open_from(&shared.target, source, me, shared.timeout).await?;
        if creator {
            upload.send(&mut conn, *doc_id, shared.timeout).await?;
        } else {
            fetch(&mut conn, *doc_id, &upload.heads, shared.timeout).await?;
        }
        Ok::<_, anyhow::Error>(conn)
    };
    let mut conn = match setup.await {
        Ok(c) => c,
        Err(e) => {
            shared.fail(format!("connection {i}: {e:#}"));
            return;
        }
    };
    drop(permit);
    shared.ready.fetch_add(1, Ordering::Relaxed);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            next = conn.recv() => match next {
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => {
                    if !*stop.borrow() {
                        shared.dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    return;
                }
            },
        }
    }
    conn.close().await;
}

async fn fetch(
    conn: &mut Conn,
    doc: DocumentId,
    heads: &[ChangeHash],
    timeout: Duration,
) -> Result<()> {
    let mut sync = ReaderSync::new_v2(Arc::new(Baseline::default()));
    conn.send_sync(doc, sync.request(), true).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let next = tokio::time::timeout_at(deadline, conn.recv()).await;
        match next {
            Err(_) => bail!("did not fetch the document within {timeout:?}"),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(None)) => bail!("the server closed the connection{}", conn.reason()),
            Ok(Ok(Some((Message::Sync(m) | Message::Request(m), _)))) if m.document_id == doc => {
                let got = sync.receive(&m.data)?;
                if let Some(reply) = got.reply {
                    conn.send_sync(doc, reply, false).await?;
                }
                if sync.heads() == heads {
                    return Ok(());
                }
            }
            Ok(Ok(Some((Message::DocUnavailable { .. }, _)))) => {
                bail!("the server says the document is unavailable")
            }
            Ok(Ok(Some((Message::Error { message, .. }, _)))) => {
                bail!("the server sent an error: {message}")
            }
            Ok(Ok(Some(_))) => {}
        }
    }
}
