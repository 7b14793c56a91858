//! The `mitra` command: runs the sync server and manages its data.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use mitra_server::{Server, ServerConfig};
use tracing_subscriber::EnvFilter;

/// Mitra: live co-editing of a partnership's shared record.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Log as JSON lines instead of human-readable text.
    #[arg(long, global = true, env = "MITRA_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sync server.
    Serve(ServeArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MITRA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Directory for the database (created if missing).
    #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
    data_dir: PathBuf,
    /// Largest message accepted, in bytes.
    #[arg(long, env = "MITRA_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    max_message_bytes: usize,
    /// Largest single WebSocket frame accepted, in bytes (defaults to the message limit).
    #[arg(long, env = "MITRA_MAX_FRAME_BYTES")]
    max_frame_bytes: Option<usize>,
    /// Most simultaneous connections.
    #[arg(long, env = "MITRA_MAX_CONNECTIONS", default_value_t = 10_000)]
    max_connections: usize,
    /// Seconds an unused document stays in memory.
    #[arg(long, env = "MITRA_DOCUMENT_IDLE_SECS", default_value_t = 300)]
    document_idle_secs: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter = log_filter(std::env::var("MITRA_LOG").ok().as_deref());
    if cli.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
    }
}

/// The log filter from `MITRA_LOG` (default `info`). automerge opens
/// info-level spans whose fields Debug-format its whole change graph: with
/// them enabled, formatting took 73% of the server's CPU in the fan-out
/// benchmark. So automerge logs at `warn` unless `MITRA_LOG` names it.
fn log_filter(setting: Option<&str>) -> EnvFilter {
    let setting = setting.filter(|s| !s.trim().is_empty()).unwrap_or("info");
    let directives = if setting.contains("automerge") {
        setting.to_owned()
    } else {
        format!("{setting},automerge=warn")
    };
    EnvFilter::try_new(&directives).unwrap_or_else(|e| {
        eprintln!("MITRA_LOG={setting:?} is not a valid log filter ({e}); using info");
        EnvFilter::new("info,automerge=warn")
    })
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = ServerConfig::new(args.listen, args.data_dir.clone());
    config.limits.max_message_bytes = args.max_message_bytes;
    config.limits.max_frame_bytes = args.max_frame_bytes.unwrap_or(args.max_message_bytes);
    config.limits.max_connections = args.max_connections;
    config.document_idle_timeout = std::time::Duration::from_secs(args.document_idle_secs);
    let server = Server::bind(config).await.with_context(|| {
        format!(
            "starting Mitra with data directory {}",
            args.data_dir.display()
        )
    })?;
    let addr = server.local_addr();
    println!("Mitra is serving on http://{addr}/ (sync endpoint ws://{addr}/sync)");
    server.run(shutdown_signal()).await?;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
