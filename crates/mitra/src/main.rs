//! The `mitra` command: runs the sync server and manages its data.

mod demo;
mod export;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use mitra_model::Language;
use mitra_server::{Server, ServerConfig};
use tracing_subscriber::EnvFilter;

/// Mitra: live co-editing of a partnership's shared record.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Log as JSON lines instead of human-readable text (MITRA_LOG_JSON
    /// takes 1/0, true/false, yes/no, on/off).
    #[arg(long, global = true, env = "MITRA_LOG_JSON", value_parser = clap::builder::BoolishValueParser::new())]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sync server. On its first start in an empty data directory it
    /// creates the demo partnership (see `mitra demo`) unless --no-demo.
    Serve(ServeArgs),
    /// Create the demo partnership (a multi-sector clean-air partnership with
    /// its charter and two meetings) in the database and print its URLs.
    ///
    /// Best run while the server is stopped; `mitra serve` creates the demo by
    /// itself on its first start in an empty data directory.
    Demo(DemoArgs),
    /// Export a partnership charter or a meeting as Markdown or JSON.
    ///
    /// Reads the database directly and changes none of its documents, so it
    /// works while `mitra serve` is running (SQLite's WAL mode lets readers
    /// run next to the server).
    Export(ExportArgs),
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
    /// Do not create the demo partnership when the data directory is empty
    /// (MITRA_NO_DEMO takes 1/0, true/false, yes/no, on/off).
    #[arg(long, env = "MITRA_NO_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
    no_demo: bool,
    /// Directory of the built browser client (`npm run build` in web/). By
    /// default Mitra looks next to its binary (../share/mitra/web), then in
    /// ./web/dist, then in the repository the binary was built in.
    #[arg(long, env = "MITRA_WEB_DIR")]
    web_dir: Option<PathBuf>,
}

#[derive(clap::Args)]
struct DemoArgs {
    /// Directory of the database (created if missing).
    #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
    data_dir: PathBuf,
    /// The language(s) to create the demo in.
    #[arg(long, value_enum, default_value_t = DemoLanguage::Both)]
    language: DemoLanguage,
}

/// `--language` of `mitra demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DemoLanguage {
    /// English.
    En,
    /// Bahasa Indonesia.
    Id,
    /// One partnership in each.
    Both,
}

#[derive(clap::Args)]
struct ExportArgs {
    /// Directory of the database.
    #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
    data_dir: PathBuf,
    /// The document's URL (automerge:...), or its bare id.
    document_url: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = export::Format::Markdown)]
    format: export::Format,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Language of the Markdown headings and labels (default: the
    /// partnership's own).
    #[arg(long, value_enum)]
    language: Option<LabelLanguage>,
}

/// `--language` of `mitra export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LabelLanguage {
    /// English.
    En,
    /// Bahasa Indonesia.
    Id,
}

impl From<LabelLanguage> for Language {
    fn from(l: LabelLanguage) -> Self {
        match l {
            LabelLanguage::En => Language::English,
            LabelLanguage::Id => Language::Indonesian,
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The one-shot commands log warnings only, unless MITRA_LOG says more.
    let default_level = match cli.command {
        Command::Serve(_) => "info",
        Command::Demo(_) | Command::Export(_) => "warn",
    };
    let filter = log_filter(std::env::var("MITRA_LOG").ok().as_deref(), default_level);
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
        Command::Demo(args) => runtime.block_on(demo(args)),
        Command::Export(args) => runtime.block_on(export(args)),
    }
}

/// The log filter from `MITRA_LOG` (default `default`: `info` for the
/// server, `warn` for one-shot commands). automerge opens
/// info-level spans whose fields Debug-format its whole change graph: with
/// them enabled, formatting took 73% of the server's CPU in the fan-out
/// benchmark. So automerge logs at `warn` unless `MITRA_LOG` names it.
fn log_filter(setting: Option<&str>, default: &str) -> EnvFilter {
    let setting = setting.filter(|s| !s.trim().is_empty()).unwrap_or(default);
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
    config.web_dir = args.web_dir.clone();
    let seeded = if args.no_demo {
        None
    } else {
        // A storage that cannot be opened is reported by `Server::bind`.
        demo::maybe_seed_demo(&args.data_dir)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %format!("{e:#}"), "could not create the demo partnership");
                None
            })
    };
    let server = Server::bind(config).await.with_context(|| {
        format!(
            "starting Mitra with data directory {}",
            args.data_dir.display()
        )
    })?;
    let addr = server.local_addr();
    println!("Mitra is serving on http://{addr}/ (sync endpoint ws://{addr}/sync)");
    match (server.web_root(), &args.web_dir) {
        (Some(root), _) => tracing::info!(dir = %root.display(), "serving the browser client"),
        (None, Some(dir)) => tracing::warn!(
            dir = %dir.display(),
            "--web-dir has no index.html: the browser client is not served (build it with `npm --prefix web ci && npm --prefix web run build`)"
        ),
        (None, None) => tracing::warn!(
            "the browser client was not found (build it with `npm --prefix web ci && npm --prefix web run build`, or pass --web-dir); serving the sync endpoint only"
        ),
    }
    if let Some(seeded) = seeded {
        print!(
            "{}",
            demo::serve_message(&seeded, &format!("http://{addr}/"))
        );
    }
    server.run(shutdown_signal()).await?;
    Ok(())
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let languages = match args.language {
        DemoLanguage::En => vec![Language::English],
        DemoLanguage::Id => vec![Language::Indonesian],
        DemoLanguage::Both => vec![Language::English, Language::Indonesian],
    };
    let storage = mitra_storage::SqliteStorage::open(&args.data_dir)
        .await
        .with_context(|| format!("opening the database in {}", args.data_dir.display()))?;
    let seeded = demo::seed(&storage, &languages).await;
    storage.close().await;
    print!("{}", demo::demo_message(&seeded?, &args.data_dir));
    Ok(())
}

async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let text = export::export(
        &args.data_dir,
        &args.document_url,
        args.format,
        args.language.map(Language::from),
    )
    .await?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .context("writing to standard output")?;
        }
    }
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
