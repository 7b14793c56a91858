//! `mitra-bench`: a load generator for any automerge-repo WebSocket sync
//! server (Mitra, the JavaScript server, samod, a raw relay).
//!
//! Workloads (subcommands; `bench/README.md` describes each):
//! - `live`: T typists and R readers on one document; every client follows
//!   it, typists type at a rate. W1 is `--typists 50 --rate 5`, W2 is
//!   `--typists 1 --readers 100`. Reports change-to-all latency (a typist's
//!   send to the last other client holding the change), deliveries/s, losses.
//! - `idle`: many documents, many idle connections (W3): server memory and
//!   idle CPU.
//! - `seed` then `cold`: upload a document, restart the server (the caller
//!   does), and time a fresh client's fetch (W4).
//! - `storm`: many clients drop and reconnect at once (W5).
//!
//! Given the server's pid, every workload reports its CPU seconds and memory
//! from /proc. Readers and typists never materialise the document: they track
//! change hashes and heads only, so the load generator stays cheap.

mod client;
mod cold;
mod conn;
mod idle;
mod live;
mod procstat;
mod reader_sync;
mod report;
mod storm;
mod tracker;
mod typist;
mod writer;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ROOT};
use clap::{Args, Parser, Subcommand};

use crate::conn::{Target, redact};
use crate::report::{Json, Percentiles};

/// Load generator for automerge-repo WebSocket sync servers.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    workload: Workload,
}

#[derive(Debug, Subcommand)]
enum Workload {
    /// Typists and readers on one document (W1, W2).
    Live(live::LiveArgs),
    /// Many documents, many idle connections (W3).
    Idle(idle::IdleArgs),
    /// Upload a document and print its id (the first half of W4).
    Seed(cold::SeedArgs),
    /// A fresh client fetches a stored document from a restarted server (W4).
    Cold(cold::ColdArgs),
    /// Many clients drop and reconnect at once (W5).
    Storm(storm::StormArgs),
}

/// Options every workload takes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// WebSocket URL of the server's sync endpoint. A token for servers that
    /// require one comes from the environment variable BENCH_SYNC_TOKEN
    /// (appended as `?token=`; never printed).
    #[arg(long, default_value = "ws://127.0.0.1:3030/sync")]
    url: String,
    /// The server's process id: report its CPU time and memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// A name for this run in the report.
    #[arg(long, default_value = "server")]
    label: String,
    /// Also print the figures as one JSON line (the last line of stdout).
    #[arg(long)]
    json: bool,
    /// Allow a server that is not on this machine (loopback only by default).
    #[arg(long)]
    allow_remote: bool,
    /// Budget for each setup step (an upload, a client's fetch), in seconds.
    #[arg(long, default_value_t = 120.0)]
    setup_timeout: f64,
}

impl Common {
    /// The server to connect to, with the token from the environment.
    fn target(&self) -> Result<Target> {
        check_url(&self.url, self.allow_remote)?;
        let mut url = self.url.clone();
        if let Ok(token) = std::env::var("BENCH_SYNC_TOKEN")
            && !token.is_empty()
        {
            if token
                .bytes()
                .any(|b| !b.is_ascii_alphanumeric() && b != b'_' && b != b'-')
            {
                bail!("BENCH_SYNC_TOKEN holds characters a token never has");
            }
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("token=");
            url.push_str(&token);
        }
        Target::parse(&url)
    }

    fn setup_timeout(&self) -> Result<Duration> {
        secs("setup-timeout", self.setup_timeout, 0.1)
    }

    fn pid(&self) -> Result<Option<String>> {
        let pid = self.server_pid.map(|p| p.to_string());
        if let Some(p) = &pid {
            procstat::memory(p).with_context(|| format!("--server-pid {p}: no such process?"))?;
        }
        Ok(pid)
    }

    /// A JSON object with the fields every workload reports first.
    fn json(&self, workload: &str) -> Json {
        let mut j = Json::default();
        j.str("workload", workload)
            .str("label", &self.label)
            .str("url", redact(&self.url));
        j
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    raise_fd_limit();
    let result = match cli.workload {
        Workload::Live(a) => live::run(a).await,
        Workload::Idle(a) => idle::run(a).await,
        Workload::Seed(a) => cold::seed(a).await,
        Workload::Cold(a) => cold::cold(a).await,
        Workload::Storm(a) => storm::run(a).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mitra-bench: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Raises the soft limit on open files to the hard limit: thousands of
/// connections need thousands of descriptors.
fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let mut raised = limit;
        raised.current = limit.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            eprintln!("mitra-bench: warning: could not raise the open-files limit: {e}");
        }
    }
}

/// The soft limit on open files.
pub fn fd_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// A duration option in seconds, checked.
pub fn secs(name: &str, value: f64, min: f64) -> Result<Duration> {
    if !value.is_finite() || value < min || value > 86_400.0 {
        bail!("--{name} must be between {min} and 86400 seconds");
    }
    Ok(Duration::from_secs_f64(value))
}

/// Refuses URLs that leave this machine unless `allow_remote`.
fn check_url(url: &str, allow_remote: bool) -> Result<()> {
    let target = Target::parse(url)?;
    if !target.addr.ip().is_loopback() && !allow_remote {
        bail!(
            "--url {} is not a loopback address; pass --allow-remote to benchmark a remote server",
            redact(url)
        );
    }
    Ok(())
}

/// `count` loopback source addresses 127.0.0.1, 127.0.0.2, ...; `None` for
/// one (the system picks).
pub fn sources(count: usize) -> Result<Vec<Option<IpAddr>>> {
    if count == 0 || count > 250 {
        bail!("--sources must be between 1 and 250");
    }
    if count == 1 {
        return Ok(vec![None]);
    }
    Ok((1..=count as u8)
        .map(|i| Some(IpAddr::from([127, 0, 0, i])))
        .collect())
}

/// A small document with one text field, for runs without a seed document.
pub fn synthetic_doc() -> Result<Automerge> {
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

/// Loads the seed document (or makes the synthetic one); returns it, its
/// name for the report and how long loading took.
pub fn load_seed(path: Option<&Path>) -> Result<(Automerge, String, Duration)> {
    let loading = Instant::now();
    match path {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let doc = Automerge::load(&bytes)
                .map_err(|e| anyhow!("{} is not an automerge document: {e}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Ok((doc, name, loading.elapsed()))
        }
        None => Ok((synthetic_doc()?, "synthetic".to_owned(), loading.elapsed())),
    }
}

/// The seed document option shared by several workloads.
#[derive(Debug, Clone, Args)]
pub struct SeedDoc {
    /// The document to upload and edit (an automerge file); without it, a
    /// small synthetic document with one text field.
    #[arg(long)]
    seed_doc: Option<PathBuf>,
    /// Largest batch of changes per upload message, in bytes (servers limit
    /// message sizes; Mitra's default limit is 4 MiB).
    #[arg(long, default_value_t = 1 << 20)]
    seed_batch_bytes: usize,
}

/// Percentiles of durations, in milliseconds.
pub fn pct(values: &[Duration]) -> Option<Percentiles> {
    Percentiles::of(values.iter().map(|d| d.as_secs_f64() * 1000.0).collect())
}

/// "p50 … p99 … [max …]" for the report.
pub fn fmt_ms(p: Option<Percentiles>, with_max: bool) -> String {
    match p {
        Some(p) if with_max => format!(
            "p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            p.p50, p.p99, p.max
        ),
        Some(p) => format!("p50 {:.2} ms  p99 {:.2} ms", p.p50, p.p99),
        None => "n/a".to_owned(),
    }
}

/// KiB to MiB.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
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
        assert!(check_url("ws://10.0.0.1:3030/sync", true).is_ok());
        assert!(check_url("http://127.0.0.1/sync", false).is_err());
    }

    #[test]
    fn tokens_never_show_in_reports() {
        assert_eq!(
            redact("ws://127.0.0.1:1/sync?token=secret"),
            "ws://127.0.0.1:1/sync"
        );
        let common = Common {
            url: "ws://127.0.0.1:1/sync?token=secret".to_owned(),
            server_pid: None,
            label: "x".to_owned(),
            json: true,
            allow_remote: false,
            setup_timeout: 1.0,
        };
        assert!(!common.json("live").finish().contains("secret"));
    }

    #[test]
    fn synthetic_doc_has_a_text_to_edit() {
        let doc = synthetic_doc().unwrap();
        assert!(matches!(
            writer::find_edit_target(&doc),
            writer::EditTarget::Text { .. }
        ));
    }

    #[test]
    fn source_addresses() {
        assert_eq!(sources(1).unwrap(), vec![None]);
        let s = sources(3).unwrap();
        assert_eq!(s[2], Some(IpAddr::from([127, 0, 0, 3])));
        assert!(sources(0).is_err());
    }
}
