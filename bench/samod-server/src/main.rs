//! samod 0.16 as an automerge-repo sync server, set up like the official
//! JavaScript `automerge-repo-sync-server`: a repo with filesystem storage
//! (the layout of automerge-repo-storage-nodefs), a WebSocket listener at
//! `/sync`, and a share policy that gives every peer read-write access but
//! announces no document (peers ask for the documents they know by id).
//!
//! Usage: mitra-bench-samod-server [--port N] [--data-dir DIR] [--memory]
//!
//! Listens on 127.0.0.1 only and prints one line
//!   samod sync server listening on ws://127.0.0.1:PORT/sync (pid PID, data DIR)
//! once it accepts connections. `--memory` keeps documents in memory.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use samod::{AcceptorHandle, Repo, ShareConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

struct Args {
    port: u16,
    data_dir: Option<PathBuf>,
    memory: bool,
}

fn parse_args() -> Result<Args> {
    let mut out = Args {
        port: 0,
        data_dir: None,
        memory: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().with_context(|| format!("{name} needs a value"));
        match a.as_str() {
            "--port" => out.port = value("--port")?.parse().context("--port: not a port")?,
            "--data-dir" => out.data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "--memory" => out.memory = true,
            other => bail!(
                "unknown argument {other} (usage: mitra-bench-samod-server [--port N] [--data-dir DIR] [--memory])"
            ),
        }
    }
    if out.memory == out.data_dir.is_some() {
        bail!("give either --data-dir DIR or --memory");
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = parse_args()?;
    let policy = ShareConfig::read_write().with_announce(false);
    let (repo, where_) = match &args.data_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let repo = Repo::build_tokio()
                .with_storage(samod::storage::TokioFilesystemStorage::new(dir))
                .with_share_policy(policy)
                .load()
                .await;
            (repo, dir.display().to_string())
        }
        None => {
            let repo = Repo::build_tokio().with_share_policy(policy).load().await;
            (repo, "memory".to_owned())
        }
    };
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], args.port)))
        .await
        .context("binding 127.0.0.1")?;
    let addr = listener.local_addr()?;
    let url = samod::Url::parse(&format!("ws://{addr}/sync"))?;
    let acceptor = repo.make_acceptor(url).context("making the acceptor")?;
    println!(
        "samod sync server listening on ws://{addr}/sync (pid {}, data {where_})",
        std::process::id()
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("listening for SIGTERM")?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        if let Err(e) = accept(acceptor, stream).await {
                            eprintln!("samod-server: {e:#}");
                        }
                    });
                }
                Err(e) => {
                    eprintln!("samod-server: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
        }
    }
    eprintln!("samod-server: stopping");
    acceptor.close();
    if tokio::time::timeout(std::time::Duration::from_secs(5), repo.stop())
        .await
        .is_err()
    {
        eprintln!("samod-server: the repo did not stop within 5 s");
    }
    Ok(())
}

async fn accept(acceptor: AcceptorHandle, stream: TcpStream) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(256 << 20);
    config.max_frame_size = Some(256 << 20);
    #[allow(clippy::result_large_err)]
    let only_sync = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if req.uri().path() == "/sync" {
            Ok(resp)
        } else {
            let mut err = ErrorResponse::new(Some("not found".to_owned()));
            *err.status_mut() = StatusCode::NOT_FOUND;
            Err(err)
        }
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(stream, only_sync, Some(config))
        .await
        .context("WebSocket handshake")?;
    acceptor
        .accept_tungstenite(ws)
        .map_err(|_| anyhow::anyhow!("the repo has stopped"))?;
    Ok(())
}
