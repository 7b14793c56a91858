//! `mitra-bench`: a fan-out load generator for any automerge-repo WebSocket
//! sync server.
//!
//! One writer uploads a seed document, then makes one small change every
//! 1/rate seconds; N readers follow that document. The bench reports, per
//! change, the time from the writer sending it to the last reader holding
//! it, the arrivals per second, lost changes, and (given the server's pid)
//! the server's CPU time and memory. Readers never materialise the document:
//! they track change hashes and heads only, so the load generator stays cheap.

mod conn;
mod procstat;
mod reader;
mod reader_sync;
mod report;
mod tracker;
mod writer;

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ROOT};
use clap::Parser;
use mitra_protocol::DocumentId;
use tokio::sync::{oneshot, watch};
use tokio_tungstenite::tungstenite::http::Uri;

use crate::reader::{ReaderConfig, ReaderLog};
use crate::report::{Json, Percentiles};
use crate::tracker::Baseline;
use crate::writer::{Phase, Writer, WriterLog};

/// Fan-out benchmark: one writer, N readers of one document, against any
/// automerge-repo WebSocket sync server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// WebSocket URL of the server's sync endpoint.
    #[arg(long, default_value = "ws://127.0.0.1:3030/sync")]
    url: String,
    /// Number of readers following the document.
    #[arg(long, default_value_t = 100)]
    readers: usize,
    /// Changes the writer makes per second.
    #[arg(long, default_value_t = 20.0)]
    rate: f64,
    /// Length of the measured window, in seconds.
    #[arg(long, default_value_t = 30.0)]
    duration: f64,
    /// Writing time before the measured window, excluded from the figures, in seconds.
    #[arg(long, default_value_t = 5.0)]
    warmup: f64,
    /// The document to upload and edit (an automerge file); without it, a
    /// small synthetic document with one text field.
    #[arg(long)]
    seed_doc: Option<PathBuf>,
    /// The server's process id: report its CPU time and memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// A name for this run in the report.
    #[arg(long, default_value = "server")]
    label: String,
    /// Also print the figures as one JSON line (the last line of stdout).
    #[arg(long)]
    json: bool,
    /// Readers connecting at once; the next batch starts when this one has the document.
    #[arg(long, default_value_t = 50)]
    connect_batch: usize,
    /// Budget for uploading the seed document, and for each reader to connect
    /// and fetch it, in seconds.
    #[arg(long, default_value_t = 120.0)]
    setup_timeout: f64,
    /// A change that has not reached every reader this many seconds after it
    /// was sent counts as lost; also how long to wait for stragglers.
    #[arg(long, default_value_t = 10.0)]
    loss_timeout: f64,
    /// Allow a server that is not on this machine (loopback only by default).
    #[arg(long)]
    allow_remote: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mitra-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn secs(name: &str, value: f64, min: f64) -> Result<Duration> {
    if !value.is_finite() || value < min || value > 86_400.0 {
        bail!("--{name} must be between {min} and 86400 seconds");
    }
    Ok(Duration::from_secs_f64(value))
}

/// Refuses URLs that leave this machine unless `allow_remote`.
fn check_url(url: &str, allow_remote: bool) -> Result<()> {
    let uri: Uri = url
        .parse()
        .with_context(|| format!("invalid --url {url:?}"))?;
    match uri.scheme_str() {
        Some("ws") | Some("wss") => {}
        _ => bail!("--url must start with ws:// or wss://"),
    }
    let host = uri.host().context("--url has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let local = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !local && !allow_remote {
        bail!(
            "--url {url} is not a loopback address; pass --allow-remote to benchmark a remote server"
        );
    }
    Ok(())
}

/// A small document with one text field, for runs without --seed-doc.
fn synthetic_doc() -> Result<Automerge> {
    let mut doc = Automerge::new();
    let mut tx = doc.transaction();
    let text = tx.put_object(ROOT, "text", ObjType::Text)?;
    tx.put(ROOT, "title", "mitra-bench synthetic document")?;
    tx.commit();
    for i in 0..50 {
        let mut tx = doc.transaction();
        tx.splice_text(&text, i * 20, 0, "lorem ipsum dolor s\n")?;
        tx.commit();
    }
    Ok(doc)
}

fn pct(values: Vec<Duration>) -> Option<Percentiles> {
    Percentiles::of(values.iter().map(|d| d.as_secs_f64() * 1000.0).collect())
}

fn fmt_ms(p: Option<Percentiles>, with_max: bool) -> String {
    match p {
        Some(p) if with_max => format!(
            "p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            p.p50, p.p99, p.max
        ),
        Some(p) => format!("p50 {:.2} ms  p99 {:.2} ms", p.p50, p.p99),
        None => "n/a".to_owned(),
    }
}

async fn run(args: Args) -> Result<()> {
    check_url(&args.url, args.allow_remote)?;
    if args.readers == 0 || args.readers > 100_000 {
        bail!("--readers must be between 1 and 100000");
    }
    if !args.rate.is_finite() || args.rate <= 0.0 || args.rate > 10_000.0 {
        bail!("--rate must be above 0 and at most 10000 changes per second");
    }
    let duration = secs("duration", args.duration, 0.1)?;
    let warmup = secs("warmup", args.warmup, 0.0)?;
    let setup_timeout = secs("setup-timeout", args.setup_timeout, 0.1)?;
    let loss_timeout = secs("loss-timeout", args.loss_timeout, 0.1)?;
    let batch = args.connect_batch.max(1);
    let pid = args.server_pid.map(|p| p.to_string());
    if let Some(p) = &pid {
        procstat::memory(p).with_context(|| format!("--server-pid {p}: no such process?"))?;
    }

    // The seed document.
    let loading = Instant::now();
    let (doc, doc_name) = match &args.seed_doc {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let doc = Automerge::load(&bytes)
                .map_err(|e| anyhow!("{} is not an automerge document: {e}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            (doc, name)
        }
        None => (synthetic_doc()?, "synthetic".to_owned()),
    };
    let baseline = Arc::new(Baseline::new(
        doc.get_changes_meta(&[]).into_iter().map(|m| m.hash),
    ));
    let target = writer::find_edit_target(&doc);
    let doc_line = format!(
        "{doc_name}: {} changes, loaded in {:.2} s; edits go to {}",
        baseline.len(),
        loading.elapsed().as_secs_f64(),
        target.describe(&doc)
    );
    eprintln!("mitra-bench: {doc_line}");

    // Upload it.
    let doc_id = DocumentId::from_bytes(rand::random());
    let seeding = Instant::now();
    let writer = Writer::seed(&args.url, doc, doc_id, target, setup_timeout).await?;
    let seed_time = seeding.elapsed();
    let seed_heads = writer.heads();
    eprintln!(
        "mitra-bench: uploaded {} as {} in {:.2} s",
        doc_name,
        doc_id.url(),
        seed_time.as_secs_f64()
    );
    let (phase_tx, phase_rx) = watch::channel(Phase::Idle);
    let sent = Arc::new(AtomicU64::new(0));
    let writer_task = tokio::spawn(writer.run(args.rate, phase_rx, sent.clone()));

    // Readers, in batches.
    let delivered = Arc::new(AtomicU64::new(0));
    let cfg = ReaderConfig {
        url: args.url.clone(),
        doc: doc_id,
        seed_heads,
        baseline: baseline.clone(),
        setup_timeout,
        delivered: delivered.clone(),
    };
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut readers = Vec::with_capacity(args.readers);
    let mut fetch_times = Vec::with_capacity(args.readers);
    let connecting = Instant::now();
    for first in (0..args.readers).step_by(batch) {
        let mut pending = Vec::new();
        for id in first..(first + batch).min(args.readers) {
            let (tx, rx) = oneshot::channel();
            readers.push(tokio::spawn(reader::run(
                id,
                cfg.clone(),
                tx,
                shutdown_rx.clone(),
            )));
            pending.push((id, rx));
        }
        for (id, rx) in pending {
            let outcome = tokio::time::timeout(setup_timeout + Duration::from_secs(5), rx)
                .await
                .map_err(|_| anyhow!("reader {id}: no word within {setup_timeout:?}"))?;
            match outcome {
                Ok(Ok(took)) => fetch_times.push(took),
                Ok(Err(e)) => bail!("setting up readers: {e}"),
                Err(_) => bail!("reader {id} stopped before fetching the document"),
            }
        }
        eprintln!(
            "mitra-bench: {} of {} readers hold the document",
            readers.len(),
            args.readers
        );
    }
    let readers_time = connecting.elapsed();

    // Write: warm-up, then the measured window.
    let ticks = procstat::clock_ticks();
    phase_tx.send_replace(Phase::Writing);
    eprintln!(
        "mitra-bench: writing {} changes/s: {:.0} s warm-up, then {:.0} s measured",
        args.rate,
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
    let drain_deadline = end + loss_timeout;
    while Instant::now() < drain_deadline
        && delivered.load(Ordering::Relaxed) < sent.load(Ordering::Relaxed) * args.readers as u64
        && !writer_task.is_finished()
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let memory = pid.as_deref().map(procstat::memory).transpose()?;
    shutdown_tx.send_replace(true);
    phase_tx.send_replace(Phase::Shutdown);
    let writer_log: WriterLog = tokio::time::timeout(Duration::from_secs(10), writer_task)
        .await
        .map_err(|_| anyhow!("the writer did not stop"))?
        .context("the writer task")?;
    let mut logs: Vec<ReaderLog> = Vec::with_capacity(readers.len());
    for r in readers {
        match tokio::time::timeout(Duration::from_secs(10), r).await {
            Ok(Ok(log)) => logs.push(log),
            Ok(Err(e)) => logs.push(ReaderLog {
                error: Some(format!("reader task failed: {e}")),
                ..ReaderLog::default()
            }),
            Err(_) => logs.push(ReaderLog {
                error: Some("reader did not stop".to_owned()),
                ..ReaderLog::default()
            }),
        }
    }
    if let Some(e) = &writer_log.error {
        bail!("the writer failed during the run: {e}");
    }
    let reader_errors: Vec<String> = logs.iter().filter_map(|l| l.error.clone()).collect();
    for e in reader_errors.iter().take(5) {
        eprintln!("mitra-bench: warning: {e}");
    }

    // Figures.
    let messages_in: u64 = logs.iter().map(|l| l.messages).sum();
    let messages_out: u64 = logs.iter().map(|l| l.replies).sum();
    let arrivals: Vec<Vec<_>> = logs.into_iter().map(|l| l.arrivals).collect();
    let f = report::compute(&writer_log.sent, &arrivals, start, end, loss_timeout);
    let window = end.duration_since(start).as_secs_f64();
    let server_cpu = match (server_cpu0, server_cpu1) {
        (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
        _ => None,
    };
    let self_cpu = self_cpu1.cpu_seconds - self_cpu0.cpu_seconds;
    let edit_cost = pct(writer_log.edit_cost.clone());
    let fetch = pct(fetch_times);
    let mib = |kib: u64| kib as f64 / 1024.0;

    println!("mitra-bench  {}  {}", args.label, args.url);
    println!("  document    {doc_line}");
    println!(
        "  setup       seed upload {:.2} s; {} readers fetched it in {:.2} s (each: {})",
        seed_time.as_secs_f64(),
        args.readers,
        readers_time.as_secs_f64(),
        fmt_ms(fetch, true)
    );
    println!(
        "  workload    {} readers, {} changes/s, warm-up {:.1} s, measured {:.1} s",
        args.readers,
        args.rate,
        warmup.as_secs_f64(),
        window
    );
    println!(
        "  changes     {} measured, {} lost, {} deliveries missing; writer edit+encode {}",
        f.changes_measured,
        f.changes_lost,
        f.deliveries_missing,
        fmt_ms(edit_cost, false)
    );
    println!("  to all      {}", fmt_ms(f.all_readers, true));
    println!("  per reader  {}", fmt_ms(f.per_delivery, true));
    println!("  throughput  {:.1} deliveries/s", f.deliveries_per_s);
    println!(
        "  messages    readers received {messages_in} sync messages and sent {messages_out} in all \
         (writer sent {} changes)",
        writer_log.sent.len()
    );
    match (server_cpu, memory) {
        (Some(cpu), Some(m)) => println!(
            "  server      pid {}: CPU {:.2} s = {:.1} % of a core; peak RSS {:.1} MiB, RSS at end {:.1} MiB",
            pid.as_deref().unwrap_or("?"),
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
    if !reader_errors.is_empty() {
        println!(
            "  WARNING     {} readers failed during the run",
            reader_errors.len()
        );
    }
    if f.changes_lost > 0 {
        println!(
            "  WARNING     {} of {} changes did not reach every reader within {:.0} s",
            f.changes_lost,
            f.changes_measured,
            loss_timeout.as_secs_f64()
        );
    }

    if args.json {
        let mut j = Json::default();
        let p = |x: Option<Percentiles>, g: fn(&Percentiles) -> f64| x.as_ref().map(g);
        j.str("label", &args.label)
            .str("url", &args.url)
            .str("seed_doc", &doc_name)
            .int("seed_changes", baseline.len() as u64)
            .int("readers", args.readers as u64)
            .num("rate", Some(args.rate))
            .num("warmup_s", Some(warmup.as_secs_f64()))
            .num("measured_s", Some(window))
            .num("seed_upload_s", Some(seed_time.as_secs_f64()))
            .num("readers_fetch_s", Some(readers_time.as_secs_f64()))
            .int("changes_measured", f.changes_measured as u64)
            .int("changes_lost", f.changes_lost as u64)
            .int("deliveries_missing", f.deliveries_missing as u64)
            .int("reader_errors", reader_errors.len() as u64)
            .int("changes_sent", writer_log.sent.len() as u64)
            .int("reader_messages_in", messages_in)
            .int("reader_messages_out", messages_out)
            .num("all_p50_ms", p(f.all_readers, |x| x.p50))
            .num("all_p99_ms", p(f.all_readers, |x| x.p99))
            .num("all_max_ms", p(f.all_readers, |x| x.max))
            .num("delivery_p50_ms", p(f.per_delivery, |x| x.p50))
            .num("delivery_p99_ms", p(f.per_delivery, |x| x.p99))
            .num("deliveries_per_s", Some(f.deliveries_per_s))
            .num("server_cpu_s", server_cpu)
            .num("server_cpu_pct", server_cpu.map(|c| c / window * 100.0))
            .num("server_peak_rss_mib", memory.map(|m| mib(m.peak_rss_kib)))
            .num("server_rss_end_mib", memory.map(|m| mib(m.rss_kib)))
            .num("bench_cpu_s", Some(self_cpu))
            .num("bench_cpu_pct", Some(self_cpu / window * 100.0))
            .num("writer_edit_p50_ms", p(edit_cost, |x| x.p50));
        println!("{}", j.finish());
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_by_default() {
        assert!(check_url("ws://127.0.0.1:3030/sync", false).is_ok());
        assert!(check_url("ws://localhost:3030/sync", false).is_ok());
        assert!(check_url("ws://[::1]:3030/sync", false).is_ok());
        assert!(check_url("ws://10.0.0.1:3030/sync", false).is_err());
        assert!(check_url("ws://example.org/sync", false).is_err());
        assert!(check_url("ws://example.org/sync", true).is_ok());
        assert!(check_url("http://127.0.0.1/sync", false).is_err());
    }

    #[test]
    fn synthetic_doc_has_a_text_to_edit() {
        let doc = synthetic_doc().unwrap();
        assert!(matches!(
            writer::find_edit_target(&doc),
            writer::EditTarget::Text { .. }
        ));
    }
}
