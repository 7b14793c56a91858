//! The live workloads (W1, W2): typists and readers on one document.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use clap::Args;
use mitra_protocol::DocumentId;
use tokio::sync::{oneshot, watch};

use crate::client::{self, ClientConfig, ClientLog, Phase};
use crate::report::{self, Percentiles};
use crate::tracker::Baseline;
use crate::typist::TypingPlan;
use crate::writer::{self, Upload};
use crate::{Common, SeedDoc, fmt_ms, mib, pct, procstat, secs};

/// `mitra-bench live`.
#[derive(Debug, Args)]
pub struct LiveArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    seed: SeedDoc,
    /// Clients that type (each also follows the document).
    #[arg(long, default_value_t = 1)]
    typists: usize,
    /// Clients that only follow the document.
    #[arg(long, default_value_t = 0)]
    readers: usize,
    /// Characters each typist types per second (one change each).
    #[arg(long, default_value_t = 5.0)]
    rate: f64,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 30.0)]
    duration: f64,
    /// Typing time before the measured window, excluded from the figures, in seconds.
    #[arg(long, default_value_t = 5.0)]
    warmup: f64,
    /// Clients connecting at once; the next batch starts when this one has the document.
    #[arg(long, default_value_t = 50)]
    connect_batch: usize,
    /// A change that has not reached every other client this many seconds
    /// after it was sent counts as lost; also how long to wait for stragglers.
    #[arg(long, default_value_t = 10.0)]
    loss_timeout: f64,
    /// Loopback source addresses to spread the connections over.
    #[arg(long, default_value_t = 1)]
    sources: usize,
}

/// Runs `mitra-bench live`.
pub async fn run(args: LiveArgs) -> Result<()> {
    let target = args.common.target()?;
    let clients = args.typists + args.readers;
    if args.typists == 0 || clients > 100_000 {
        bail!("--typists must be at least 1 and typists + readers at most 100000");
    }
    if !args.rate.is_finite() || args.rate <= 0.0 || args.rate > 1_000.0 {
        bail!("--rate must be above 0 and at most 1000 characters per second");
    }
    let duration = secs("duration", args.duration, 0.1)?;
    let warmup = secs("warmup", args.warmup, 0.0)?;
    let setup_timeout = args.common.setup_timeout()?;
    let loss_timeout = secs("loss-timeout", args.loss_timeout, 0.1)?;
    let batch = args.connect_batch.max(1);
    let sources = crate::sources(args.sources)?;
    let pid = args.common.pid()?;

    // The seed document.
    let (doc, doc_name, load_time) = crate::load_seed(args.seed.seed_doc.as_deref())?;
    let baseline = Arc::new(Baseline::new(
        doc.get_changes_meta(&[]).into_iter().map(|m| m.hash),
    ));
    let target_obj = writer::find_edit_target(&doc);
    let plan = TypingPlan::new(&doc, &target_obj)?;
    let doc_line = format!(
        "{doc_name}: {} changes, loaded in {:.2} s; typing goes to {}",
        baseline.len(),
        load_time.as_secs_f64(),
        target_obj.describe(&doc)
    );
    eprintln!("mitra-bench: {doc_line}");

    // Upload it.
    let doc_id = DocumentId::from_bytes(rand::random());
    let upload = Upload::new(&doc, args.seed.seed_batch_bytes);
    let seed_heads = upload.heads.clone();
    drop(doc);
    let seed_time = writer::upload(&target, &upload, doc_id, setup_timeout).await?;
    eprintln!(
        "mitra-bench: uploaded {doc_name} ({:.1} MiB of changes in {} messages) as {} in {:.2} s",
        upload.bytes as f64 / 1048576.0,
        upload.messages(),
        doc_id.url(),
        seed_time.as_secs_f64()
    );
    drop(upload);

    // Clients, in batches: typists first.
    let delivered = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let cfg = ClientConfig {
        target: target.clone(),
        doc: doc_id,
        seed_heads,
        baseline: baseline.clone(),
        plan,
        setup_timeout,
        delivered: delivered.clone(),
        sent: sent.clone(),
    };
    let (phase_tx, phase_rx) = watch::channel(Phase::Idle);
    let mut tasks = Vec::with_capacity(clients);
    let mut fetch_times = Vec::with_capacity(clients);
    let connecting = Instant::now();
    for first in (0..clients).step_by(batch) {
        let mut pending = Vec::new();
        for id in first..(first + batch).min(clients) {
            let (tx, rx) = oneshot::channel();
            let rate = (id < args.typists).then_some(args.rate);
            let source = sources[id % sources.len()];
            tasks.push(tokio::spawn(client::run(
                id,
                cfg.clone(),
                rate,
                source,
                tx,
                phase_rx.clone(),
            )));
            pending.push((id, rx));
        }
        for (id, rx) in pending {
            let outcome = tokio::time::timeout(setup_timeout + Duration::from_secs(5), rx)
                .await
                .map_err(|_| anyhow!("client {id}: no word within {setup_timeout:?}"))?;
            match outcome {
                Ok(Ok(took)) => fetch_times.push(took),
                Ok(Err(e)) => bail!("setting up clients: {e}"),
                Err(_) => bail!("client {id} stopped before fetching the document"),
            }
        }
        eprintln!(
            "mitra-bench: {} of {clients} clients hold the document",
            tasks.len()
        );
    }
    let clients_time = connecting.elapsed();

    // Type: warm-up, then the measured window.
    let ticks = procstat::clock_ticks();
    phase_tx.send_replace(Phase::Writing);
    eprintln!(
        "mitra-bench: {} typists at {} chars/s, {} readers: {:.0} s warm-up, then {:.0} s measured",
        args.typists,
        args.rate,
        args.readers,
        warmup.as_secs_f64(),
        duration.as_secs_f64()
    );
    tokio::time::sleep(warmup).await;
    let start = Instant::now();
    let server_cpu0 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let self_cpu0 = procstat::cpu("self", ticks)?;
    tokio::time::sleep(duration).await;
    let end = Instant::now();
    let server_cpu1 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let self_cpu1 = procstat::cpu("self", ticks)?;
    phase_tx.send_replace(Phase::Stopped);

    // Wait for stragglers, then stop everyone.
    let expected = |sent: u64| sent * (clients as u64 - 1);
    let drain_deadline = end + loss_timeout;
    while Instant::now() < drain_deadline
        && delivered.load(Ordering::Relaxed) < expected(sent.load(Ordering::Relaxed))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let memory = pid.as_deref().map(procstat::memory).transpose()?;
    phase_tx.send_replace(Phase::Shutdown);
    let mut logs: Vec<ClientLog> = Vec::with_capacity(tasks.len());
    for t in tasks {
        match tokio::time::timeout(Duration::from_secs(10), t).await {
            Ok(Ok(log)) => logs.push(log),
            Ok(Err(e)) => logs.push(ClientLog {
                error: Some(format!("client task failed: {e}")),
                ..ClientLog::default()
            }),
            Err(_) => logs.push(ClientLog {
                error: Some("client did not stop".to_owned()),
                ..ClientLog::default()
            }),
        }
    }
    let errors: Vec<String> = logs.iter().filter_map(|l| l.error.clone()).collect();
    for e in errors.iter().take(5) {
        eprintln!("mitra-bench: warning: {e}");
    }

    // Figures.
    let messages_in: u64 = logs.iter().map(|l| l.messages).sum();
    let messages_out: u64 = logs.iter().map(|l| l.replies).sum();
    let edit_cost: Vec<Duration> = logs.iter().flat_map(|l| l.edit_cost.clone()).collect();
    let mut sent_log = Vec::new();
    for (i, l) in logs.iter().enumerate() {
        sent_log.extend(l.sent.iter().map(|(h, at)| (*h, *at, i)));
    }
    let arrivals: Vec<Vec<_>> = logs.into_iter().map(|l| l.arrivals).collect();
    let f = report::compute(&sent_log, &arrivals, start, end, loss_timeout);
    let window = end.duration_since(start).as_secs_f64();
    let server_cpu = match (server_cpu0, server_cpu1) {
        (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
        _ => None,
    };
    let self_cpu = self_cpu1.cpu_seconds - self_cpu0.cpu_seconds;
    let edit_cost = pct(&edit_cost);
    let fetch = pct(&fetch_times);
    let offered = args.typists as f64 * args.rate * (clients as f64 - 1.0);

    println!(
        "mitra-bench live  {}  {}",
        args.common.label,
        crate::redact(&args.common.url)
    );
    println!("  document    {doc_line}");
    println!(
        "  setup       upload {:.2} s; {clients} clients fetched it in {:.2} s (each: {})",
        seed_time.as_secs_f64(),
        clients_time.as_secs_f64(),
        fmt_ms(fetch, true)
    );
    println!(
        "  workload    {} typists at {} chars/s, {} readers; warm-up {:.1} s, measured {:.1} s",
        args.typists,
        args.rate,
        args.readers,
        warmup.as_secs_f64(),
        window
    );
    println!(
        "  changes     {} measured, {} lost, {} deliveries missing; building one {}",
        f.changes_measured,
        f.changes_lost,
        f.deliveries_missing,
        fmt_ms(edit_cost, false)
    );
    println!("  to all      {}", fmt_ms(f.all_readers, true));
    println!("  per client  {}", fmt_ms(f.per_delivery, true));
    println!(
        "  throughput  {:.1} deliveries/s (offered {offered:.0}/s)",
        f.deliveries_per_s
    );
    println!(
        "  messages    clients received {messages_in} sync messages and sent {messages_out} \
         ({} typed changes)",
        sent_log.len()
    );
    match (server_cpu, memory) {
        (Some(cpu), Some(m)) => println!(
            "  server      CPU {:.2} s = {:.1} % of a core; peak RSS {:.1} MiB, RSS at end {:.1} MiB",
            cpu,
            cpu / window * 100.0,
            mib(m.peak_rss_kib),
            mib(m.rss_kib)
        ),
        _ => println!("  server      (pass --server-pid for CPU and memory)"),
    }
    println!(
        "  bench       CPU {:.2} s = {:.1} % of a core",
        self_cpu,
        self_cpu / window * 100.0
    );
    if !errors.is_empty() {
        println!(
            "  WARNING     {} clients failed during the run",
            errors.len()
        );
    }
    if f.changes_lost > 0 {
        println!(
            "  WARNING     {} of {} changes did not reach every other client within {:.0} s",
            f.changes_lost,
            f.changes_measured,
            loss_timeout.as_secs_f64()
        );
    }

    if args.common.json {
        let mut j = args.common.json("live");
        let p = |x: Option<Percentiles>, g: fn(&Percentiles) -> f64| x.as_ref().map(g);
        j.str("seed_doc", &doc_name)
            .int("seed_changes", baseline.len() as u64)
            .int("typists", args.typists as u64)
            .int("readers", args.readers as u64)
            .int("clients", clients as u64)
            .num("rate", Some(args.rate))
            .num("warmup_s", Some(warmup.as_secs_f64()))
            .num("measured_s", Some(window))
            .num("seed_upload_s", Some(seed_time.as_secs_f64()))
            .num("clients_fetch_s", Some(clients_time.as_secs_f64()))
            .int("changes_measured", f.changes_measured as u64)
            .int("changes_lost", f.changes_lost as u64)
            .int("deliveries_missing", f.deliveries_missing as u64)
            .int("errors", errors.len() as u64)
            .int("changes_sent", sent_log.len() as u64)
            .int("client_messages_in", messages_in)
            .int("client_messages_out", messages_out)
            .num("all_p50_ms", p(f.all_readers, |x| x.p50))
            .num("all_p99_ms", p(f.all_readers, |x| x.p99))
            .num("all_max_ms", p(f.all_readers, |x| x.max))
            .num("delivery_p50_ms", p(f.per_delivery, |x| x.p50))
            .num("delivery_p99_ms", p(f.per_delivery, |x| x.p99))
            .num("deliveries_per_s", Some(f.deliveries_per_s))
            .num("offered_deliveries_per_s", Some(offered))
            .num("server_cpu_s", server_cpu)
            .num("server_cpu_pct", server_cpu.map(|c| c / window * 100.0))
            .num("server_peak_rss_mib", memory.map(|m| mib(m.peak_rss_kib)))
            .num("server_rss_end_mib", memory.map(|m| mib(m.rss_kib)))
            .num("bench_cpu_s", Some(self_cpu))
            .num("bench_cpu_pct", Some(self_cpu / window * 100.0))
            .num("build_change_p50_ms", p(edit_cost, |x| x.p50))
            .nums("all_distribution_ms", &f.all_distribution)
            .nums("distribution_at", &report::DISTRIBUTION_AT);
        println!("{}", j.finish());
    }
    Ok(())
}
