//! W4, cold load: `seed` uploads a document and prints its id; the caller
//! restarts the server; `cold` has one fresh client fetch it and times how
//! long until it holds the document's heads, with the restarted server's CPU
//! and peak memory.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use mitra_protocol::wire::Message;
use mitra_protocol::{DocumentId, PeerId};

use crate::conn::Conn;
use crate::reader_sync::ReaderSync;
use crate::tracker::Baseline;
use crate::writer::{self, Upload};
use crate::{Common, SeedDoc, mib, procstat, secs};

/// `mitra-bench seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    seed: SeedDoc,
    /// Also write the new document's id (automerge:...) to this file.
    #[arg(long)]
    doc_id_file: Option<PathBuf>,
}

/// `mitra-bench cold`.
#[derive(Debug, Args)]
pub struct ColdArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    seed: SeedDoc,
    /// The stored document (automerge:... or its bare id).
    #[arg(long)]
    doc_id: String,
    /// Seconds the client may take to reach the document's heads.
    #[arg(long, default_value_t = 60.0)]
    timeout: f64,
    /// Seconds to keep watching the server's CPU after the client is done
    /// (work it does after answering counts too).
    #[arg(long, default_value_t = 1.0)]
    settle: f64,
}

/// Runs `mitra-bench seed`.
pub async fn seed(args: SeedArgs) -> Result<()> {
    let target = args.common.target()?;
    let timeout = args.common.setup_timeout()?;
    let (doc, name, load_time) = crate::load_seed(args.seed.seed_doc.as_deref())?;
    let upload = Upload::new(&doc, args.seed.seed_batch_bytes);
    let changes = doc.get_changes_meta(&[]).len();
    drop(doc);
    let doc_id = DocumentId::from_bytes(rand::random());
    let took = writer::upload(&target, &upload, doc_id, timeout).await?;
    eprintln!(
        "mitra-bench: uploaded {name} ({changes} changes, loaded in {:.2} s; {:.1} MiB in {} messages) \
         as {} in {:.2} s",
        load_time.as_secs_f64(),
        upload.bytes as f64 / 1048576.0,
        upload.messages(),
        doc_id.url(),
        took.as_secs_f64()
    );
    if let Some(path) = &args.doc_id_file {
        std::fs::write(path, doc_id.url())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", doc_id.url());
    if args.common.json {
        let mut j = args.common.json("seed");
        j.str("seed_doc", &name)
            .int("seed_changes", changes as u64)
            .str("doc_id", &doc_id.url())
            .num("seed_upload_s", Some(took.as_secs_f64()));
        println!("{}", j.finish());
    }
    Ok(())
}

/// Runs `mitra-bench cold`.
pub async fn cold(args: ColdArgs) -> Result<()> {
    let target = args.common.target()?;
    let timeout = secs("timeout", args.timeout, 0.1)?;
    let settle = secs("settle", args.settle, 0.0)?;
    let doc_id = DocumentId::parse_url_or_id(&args.doc_id)
        .map_err(|e| anyhow!("--doc-id {:?}: {e}", args.doc_id))?;
    let (doc, name, _) = crate::load_seed(args.seed.seed_doc.as_deref())?;
    let expected = doc.get_heads();
    let changes = doc.get_changes_meta(&[]).len();
    drop(doc);
    let pid = args.common.pid()?;
    let ticks = procstat::clock_ticks();
    let rss_before = pid.as_deref().map(procstat::memory).transpose()?;
    let cpu0 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;

    // One fresh client: connect, ask, follow until it holds the heads.
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + timeout;
    let me = PeerId::new(format!("mitra-bench-cold-{:08x}", rand::random::<u32>()));
    let mut conn = Conn::open(&target, me, timeout).await?;
    let connected = started.elapsed();
    let mut sync = ReaderSync::new_v2(Arc::new(Baseline::default()));
    conn.send_sync(doc_id, sync.request(), true).await?;
    let mut first_data: Option<Duration> = None;
    let mut bytes_in = 0usize;
    let mut whole_document = false;
    let done = loop {
        let next = tokio::time::timeout_at(deadline, conn.recv())
            .await
            .map_err(|_| {
                anyhow!(
                    "the client did not reach the document's heads within {timeout:?} \
                     (holds {} changes)",
                    sync.len()
                )
            })??;
        let Some((msg, at)) = next else {
            bail!("the server closed the connection{}", conn.reason());
        };
        match msg {
            Message::Sync(m) | Message::Request(m) if m.document_id == doc_id => {
                bytes_in += m.data.len();
                whole_document |= m.data.first() == Some(&0x43);
                let got = sync.receive(&m.data)?;
                if got.chunks > 0 && first_data.is_none() {
                    first_data = Some(at.duration_since(started));
                }
                if sync.heads() == expected {
                    break started.elapsed();
                }
                if let Some(reply) = got.reply {
                    conn.send_sync(doc_id, reply, false).await?;
                }
            }
            Message::DocUnavailable { .. } => {
                bail!("the server says the document is unavailable (was it stored?)")
            }
            Message::Error { message, .. } => bail!("the server sent an error: {message}"),
            _ => {}
        }
    };
    let cpu_at_done = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    tokio::time::sleep(settle).await;
    let cpu1 = pid
        .as_deref()
        .map(|p| procstat::cpu(p, ticks))
        .transpose()?;
    let memory = pid.as_deref().map(procstat::memory).transpose()?;
    conn.close().await;
    let cpu = |b: Option<procstat::CpuSample>| match (cpu0, b) {
        (Some(a), Some(b)) => Some(b.cpu_seconds - a.cpu_seconds),
        _ => None,
    };
    let (cpu_done, cpu_settled) = (cpu(cpu_at_done), cpu(cpu1));

    println!(
        "mitra-bench cold  {}  {}",
        args.common.label,
        crate::redact(&args.common.url)
    );
    println!("  document    {name}: {changes} changes, {}", doc_id.url());
    println!(
        "  client      connected in {:.3} s, first data at {}, identical heads at {:.3} s; \
         received {:.1} MiB ({})",
        connected.as_secs_f64(),
        first_data.map_or("-".to_owned(), |d| format!("{:.3} s", d.as_secs_f64())),
        done.as_secs_f64(),
        bytes_in as f64 / 1048576.0,
        if whole_document {
            "the whole document"
        } else {
            "its changes"
        }
    );
    match (cpu_settled, memory) {
        (Some(c), Some(m)) => println!(
            "  server      CPU {:.3} s until identical heads, {c:.3} s with {:.1} s after; \
             RSS {:.1} MiB before, peak {:.1} MiB",
            cpu_done.unwrap_or(f64::NAN),
            settle.as_secs_f64(),
            rss_before.map_or(f64::NAN, |r| mib(r.rss_kib)),
            mib(m.peak_rss_kib)
        ),
        _ => println!("  server      (pass --server-pid for CPU and memory)"),
    }
    if args.common.json {
        let mut j = args.common.json("cold");
        j.str("seed_doc", &name)
            .int("seed_changes", changes as u64)
            .num("connect_s", Some(connected.as_secs_f64()))
            .num("first_data_s", first_data.map(|d| d.as_secs_f64()))
            .num("heads_s", Some(done.as_secs_f64()))
            .int("bytes_in", bytes_in as u64)
            .int("whole_document", u64::from(whole_document))
            .num("server_cpu_s", cpu_settled)
            .num("server_cpu_to_heads_s", cpu_done)
            .num("server_rss_before_mib", rss_before.map(|m| mib(m.rss_kib)))
            .num("server_peak_rss_mib", memory.map(|m| mib(m.peak_rss_kib)))
            .num("server_rss_end_mib", memory.map(|m| mib(m.rss_kib)))
            .int("errors", 0);
        println!("{}", j.finish());
    }
    Ok(())
}
