//! The `mitra` command: runs the sync server and manages its data.

mod access;
mod access_backup;
mod backup;
mod demo;
mod export;
mod partnership_export;
mod settings;
mod store;
mod transfer;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches, Subcommand};
use mitra_model::Language;
use mitra_server::Server;
use mitra_storage::{Storage, StorageError, StorageUrl};
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// Mitra: live co-editing of a partnership's shared record.
#[derive(clap::Parser)]
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
    ///
    /// Sign-in is required by default (auth = required): while nobody has
    /// an account, it prints a one-time setup link on standard output that
    /// creates the first owner. --insecure-no-auth runs it open, for local
    /// trials only.
    ///
    /// Every setting comes from a flag, a MITRA_* environment variable, the
    /// configuration file (--config, MITRA_CONFIG, or ./mitra.toml) or its
    /// default, in that order of precedence (`mitra config check` shows them).
    Serve(settings::ServeArgs),
    /// Create the demo partnership (a multi-sector clean-air partnership with
    /// its charter and two meetings) in the database and print its URLs.
    ///
    /// Each demo partnership also becomes a partnership of access control
    /// (access.sqlite3), named like it, with no member: the first owner's
    /// setup adopts it, and `mitra token create` gives scripts a token.
    /// Best run while the server is stopped; `mitra serve` creates the demo by
    /// itself on its first start in an empty data directory.
    Demo(DemoArgs),
    /// Export a partnership charter or a meeting as Markdown or JSON.
    ///
    /// Reads the database directly and changes none of its documents, so it
    /// works while `mitra serve` is running (SQLite's WAL mode lets readers
    /// run next to the server).
    Export(ExportArgs),
    /// Write a consistent backup of the documents and of access control to
    /// one file, while the server runs (see `mitra restore`).
    ///
    /// The file is a SQLite database in Mitra's storage schema; from SQLite
    /// it is a point-in-time copy (SQLite's VACUUM INTO). Access control
    /// (access.sqlite3: users, partnerships, members, invitations, API
    /// tokens, document owners, attribution, audit log) is copied after the
    /// documents, without sessions, into the same file, which is then
    /// readable by its owner only. It is checked (every document loads, the
    /// access copy is sound) before it takes its name.
    Backup(backup::BackupArgs),
    /// Bring a backup back: verify it, then restore it into an empty store
    /// (or replace one with --force). Stop the server first.
    ///
    /// Restored into SQLite, the store keeps the backup's storage id
    /// (disaster recovery: browsers resynchronise what the backup lacks);
    /// --new-storage-id gives a copy an id of its own.
    ///
    /// Access control in the backup goes to access.sqlite3 in the data
    /// directory (--access-dir with --storage). An existing one holding
    /// users, partnerships or tokens is replaced only with --force. Users
    /// (with their passwords), partnerships, members, invitations and API
    /// tokens come back as they were when the backup was made: tokens
    /// created before it work again, and a token revoked or a member removed
    /// since is back (revoke or remove them again). Sessions are never
    /// restored: everyone signs in again. A backup without access control
    /// leaves access.sqlite3 as it is.
    Restore(backup::RestoreArgs),
    /// Copy every document and peer sync state from one storage backend to
    /// another (e.g. sqlite:// to postgres://), verify the copy and print a
    /// summary. Stop the server first.
    ///
    /// Documents only: access control stays in access.sqlite3 in the data
    /// directory, which `mitra serve` keeps using whatever the storage.
    MigrateStorage(transfer::MigrateArgs),
    /// Export a whole partnership to a directory: the charter and every
    /// meeting it links, as .automerge files with their whole history plus
    /// Markdown and JSON renderings, with a README.md and manifest.json.
    ///
    /// Only reads the store, so it works while the server runs.
    ExportPartnership(partnership_export::ExportPartnershipArgs),
    /// Manage partnerships (access control): `mitra partnership create`.
    Partnership(access::PartnershipArgs),
    /// Manage API tokens: `mitra token create|revoke|list`.
    Token(access::TokenArgs),
    /// Give existing documents to a partnership: `mitra document assign`.
    Document(access::DocumentArgs),
    /// Check the configuration of `mitra serve` (`mitra config check`), or
    /// print an example configuration file (`mitra config example`).
    Config(settings::ConfigArgs),
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
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // `--log-json` typed on the command line (rather than MITRA_LOG_JSON):
    // a flag in the precedence of `mitra serve`'s settings.
    let log_json_flag =
        matches.value_source("log_json") == Some(clap::parser::ValueSource::CommandLine);
    // `mitra serve`'s settings are loaded and checked before anything starts.
    let loaded = match &cli.command {
        Command::Serve(args) => match settings::load(args, log_json_flag) {
            Ok(loaded) => Some(loaded),
            Err(problems) => {
                eprint!(
                    "mitra serve: {problems}\nNothing was started. `mitra config check` shows the effective configuration.\n"
                );
                std::process::exit(2);
            }
        },
        Command::Config(args) => std::process::exit(settings::config_command(args, log_json_flag)),
        _ => None,
    };
    // The one-shot commands log warnings only, unless MITRA_LOG says more.
    let default_level = match cli.command {
        Command::Serve(_) => "info",
        Command::Demo(_) | Command::Export(_) | Command::Config(_) => "warn",
        Command::Backup(_)
        | Command::Restore(_)
        | Command::MigrateStorage(_)
        | Command::ExportPartnership(_) => "warn",
        Command::Partnership(_) | Command::Token(_) | Command::Document(_) => "warn",
    };
    let (log, log_json) = match &loaded {
        Some(loaded) => (Some(loaded.settings.log.clone()), loaded.settings.log_json),
        None => (std::env::var("MITRA_LOG").ok(), cli.log_json),
    };
    let filter = log_filter(log.as_deref(), default_level);
    if log_json {
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
        Command::Serve(_) => runtime.block_on(serve(loaded.context("loading the settings")?)),
        Command::Demo(args) => runtime.block_on(demo(args)),
        Command::Export(args) => runtime.block_on(export(args)),
        Command::Backup(args) => runtime.block_on(backup::backup(args)),
        Command::Restore(args) => runtime.block_on(backup::restore(args)),
        Command::MigrateStorage(args) => runtime.block_on(transfer::migrate_storage(args)),
        Command::ExportPartnership(args) => {
            runtime.block_on(partnership_export::export_partnership(args))
        }
        Command::Partnership(args) => runtime.block_on(access::partnership(args)),
        Command::Token(args) => runtime.block_on(access::token(args)),
        Command::Document(args) => runtime.block_on(access::document(args)),
        Command::Config(_) => Ok(()), // done above
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

async fn serve(loaded: settings::Loaded) -> anyhow::Result<()> {
    let settings = &loaded.settings;
    if let Some(file) = &loaded.file {
        tracing::info!(file = %file.display(), "read the configuration file");
    }
    // A database started next to Mitra (docker compose) may not accept
    // connections yet: wait for it before anything opens it.
    let storage = wait_for_storage(&settings.storage, settings.storage_wait).await?;
    let seeded = if settings.demo {
        demo::maybe_seed_demo(storage.as_ref())
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %format!("{e:#}"), "could not create the demo partnership");
                None
            })
    } else {
        None
    };
    let server = Server::bind_with(settings.server_config(), storage)
        .await
        .with_context(|| format!("starting Mitra with storage {}", settings.storage))?;
    let addr = server.local_addr();
    say(&format!(
        "Mitra is serving on http://{addr}/ (sync endpoint ws://{addr}/sync)\n"
    ));
    match (server.web_root(), &settings.web_dir) {
        (Some(root), _) => tracing::info!(dir = %root.display(), "serving the browser client"),
        (None, Some(dir)) => tracing::warn!(
            dir = %dir.display(),
            "--web-dir has no index.html: the browser client is not served (build it with `npm --prefix web ci && npm --prefix web run build`)"
        ),
        (None, None) => tracing::warn!(
            "the browser client was not found (build it with `npm --prefix web ci && npm --prefix web run build`, or pass --web-dir); serving the sync endpoint only"
        ),
    }
    let access = server.shared().access.clone();
    let base = format!("http://{addr}/");
    if let Some(seeded) = seeded {
        say(&demo::serve_message(&seeded, &base, access.is_some()));
        if let Some(store) = &access {
            let setup_pending = !store.has_users().await.unwrap_or(true);
            match access::assign_demo(store, &seeded).await {
                Ok(assigned) => {
                    say(&access::demo_access_message(
                        &assigned,
                        &settings.data_dir,
                        &format!("ws://{addr}/sync"),
                        setup_pending,
                    ));
                }
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "could not give the demo documents to partnerships")
                }
            }
        }
    }
    // First run: while nobody can sign in, the one-time setup link, on
    // standard output only (never in the log).
    if let Some(store) = &access {
        match store.setup_token().await {
            Ok(Some(secret)) => {
                let base = access::link_base(settings.public_url.as_deref(), addr);
                if !say(&access::setup_message(&base, &secret)) {
                    tracing::error!(
                        "could not print the one-time setup link: standard output is closed; restart Mitra with its standard output on a console or in a file"
                    );
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(
                error = %e,
                "could not create the one-time setup link; restart Mitra to try again"
            ),
        }
    }
    server.run(shutdown_signal()).await?;
    Ok(())
}

/// Writes `text` to standard output, for the operator; whether it got
/// there. A closed or failing standard output (`mitra serve | head`) never
/// stops the server (`print!` would panic).
fn say(text: &str) -> bool {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// The first pause between attempts to reach the storage at startup.
const STORAGE_RETRY_FIRST: Duration = Duration::from_millis(500);
/// The longest pause between attempts to reach the storage at startup.
const STORAGE_RETRY_MAX: Duration = Duration::from_secs(5);

/// Waits until the storage at `url` can be opened, retrying while it is
/// unreachable ([`StorageError::Unavailable`]: a database still starting or
/// restarting) with pauses doubling from 0.5 s to 5 s, for up to `patience`
/// (`storage_wait_secs`; no new attempt starts after that, and one attempt
/// takes at most the driver's own time limit). Then fails with a clear
/// error, so that `mitra serve` exits non-zero (and a supervisor such as
/// Compose's `restart: unless-stopped` starts it again). Any other error is
/// left to the code that opens the storage next, which reports it as before.
async fn wait_for_storage(
    url: &StorageUrl,
    patience: Duration,
) -> anyhow::Result<Arc<dyn Storage>> {
    let started = Instant::now();
    let mut pause = STORAGE_RETRY_FIRST;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let reason = match mitra_storage::open(url).await {
            Ok(storage) => {
                if attempts > 1 {
                    tracing::info!(
                        storage = %url,
                        waited_secs = started.elapsed().as_secs(),
                        "storage is reachable"
                    );
                }
                return Ok(storage);
            }
            Err(StorageError::Unavailable(reason)) => reason,
            Err(e) => return Err(e).with_context(|| format!("opening the storage {url}")),
        };
        let waited = started.elapsed();
        if waited >= patience {
            anyhow::bail!(
                "gave up waiting for the storage {url}: still unreachable after {} s \
                 (storage_wait_secs = {}): {reason}\n\
                 Is the database running and reachable at that address? With docker compose, \
                 the postgres profile must be on; `docker compose logs postgres` says why it is not up.",
                waited.as_secs(),
                patience.as_secs()
            );
        }
        let next = pause.min(patience - waited);
        tracing::warn!(
            storage = %url,
            attempt = attempts,
            waited_secs = waited.as_secs(),
            retry_in_secs = next.as_secs_f64(),
            reason = %reason,
            "storage is unreachable; waiting for it before serving"
        );
        tokio::time::sleep(next).await;
        pause = (pause * 2).min(STORAGE_RETRY_MAX);
    }
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
    let seeded = seeded?;
    print!("{}", demo::demo_message(&seeded, &args.data_dir));
    // Sign-in is required by default: each demo partnership becomes a
    // partnership of access control, which the setup's first owner adopts.
    let store = mitra_access::AccessStore::open(&args.data_dir)
        .await
        .with_context(|| format!("opening the access store in {}", args.data_dir.display()))?;
    let setup_pending = store.has_users().await.map(|has| !has);
    let assigned = access::assign_demo(&store, &seeded).await;
    store.close().await;
    print!(
        "{}",
        access::demo_access_message(
            &assigned.context("giving the demo to partnerships")?,
            &args.data_dir,
            "ws://HOST:PORT/sync",
            setup_pending.context("reading the access store")?,
        )
    );
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
