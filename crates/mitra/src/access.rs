//! `mitra partnership`, `mitra token` and `mitra document`: the operator's
//! access-control commands, on `access.sqlite3` in the data directory. They
//! work while the server runs (a revoked token's connections close within
//! a second: the server polls the audit log).

use std::path::PathBuf;

use anyhow::Context;
use mitra_access::{AccessStore, Actor, PartnershipId, Role, TokenId};
use mitra_protocol::DocumentId;

/// `mitra partnership`.
#[derive(clap::Args)]
pub struct PartnershipArgs {
    #[command(subcommand)]
    command: PartnershipCommand,
}

#[derive(clap::Subcommand)]
enum PartnershipCommand {
    /// Create a partnership; prints its id.
    Create {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
        /// The partnership's name.
        #[arg(long)]
        name: String,
    },
    /// List every partnership: id and name.
    List {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
    },
}

/// `mitra token`.
#[derive(clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

/// A token's role on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TokenRole {
    /// Reads and changes the partnership's documents.
    Editor,
    /// Reads them only.
    Viewer,
}

#[derive(clap::Subcommand)]
enum TokenCommand {
    /// Create an API token for a partnership; prints its secret (once, the
    /// only line on standard output). Connect with ws://HOST/sync?token=SECRET.
    Create {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
        /// The partnership's id.
        #[arg(long)]
        partnership: String,
        /// What the token may do.
        #[arg(long, value_enum)]
        role: TokenRole,
        /// A label (shown as the author of its changes).
        #[arg(long, default_value = "API token")]
        label: String,
    },
    /// Revoke a token by its id; its live connections close within a second.
    Revoke {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
        /// The token's id (from `mitra token list`), not its secret.
        token_id: String,
    },
    /// List a partnership's tokens (never their secrets).
    List {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
        /// The partnership's id.
        #[arg(long)]
        partnership: String,
    },
}

/// `mitra document`.
#[derive(clap::Args)]
pub struct DocumentArgs {
    #[command(subcommand)]
    command: DocumentCommand,
}

#[derive(clap::Subcommand)]
enum DocumentCommand {
    /// Give an existing document (e.g. from before access control, or the
    /// demo) to a partnership. A document already assigned keeps its
    /// partnership.
    Assign {
        /// The data directory (holds access.sqlite3).
        #[arg(long, env = "MITRA_DATA_DIR", default_value = "./mitra-data")]
        data_dir: PathBuf,
        /// The partnership's id.
        #[arg(long)]
        partnership: String,
        /// The document's URL (automerge:...) or bare id.
        document_url: String,
    },
}

async fn open(data_dir: &std::path::Path) -> anyhow::Result<AccessStore> {
    AccessStore::open(data_dir)
        .await
        .with_context(|| format!("opening the access store in {}", data_dir.display()))
}

/// Runs `mitra partnership ...`.
pub async fn partnership(args: PartnershipArgs) -> anyhow::Result<()> {
    match args.command {
        PartnershipCommand::Create { data_dir, name } => {
            let store = open(&data_dir).await?;
            let created = store.create_partnership_as_system(&name).await;
            store.close().await;
            let created = created.context("creating the partnership")?;
            println!("{}", created.id);
        }
        PartnershipCommand::List { data_dir } => {
            let store = open(&data_dir).await?;
            let all = store.partnerships().await;
            store.close().await;
            for p in all.context("listing partnerships")? {
                println!("{}\t{}", p.id, p.name);
            }
        }
    }
    Ok(())
}

/// Runs `mitra token ...`.
pub async fn token(args: TokenArgs) -> anyhow::Result<()> {
    match args.command {
        TokenCommand::Create {
            data_dir,
            partnership,
            role,
            label,
        } => {
            let partnership = PartnershipId::parse(&partnership)?;
            let role = match role {
                TokenRole::Editor => Role::Editor,
                TokenRole::Viewer => Role::Viewer,
            };
            let store = open(&data_dir).await?;
            let created = store
                .create_token(&Actor::System, &partnership, role, &label)
                .await;
            store.close().await;
            let (info, secret) = created.context("creating the token")?;
            eprintln!(
                "created {} token {} for partnership {}; it is shown once, keep it secret:",
                info.role, info.id, info.partnership
            );
            println!("{}", secret.expose());
        }
        TokenCommand::Revoke { data_dir, token_id } => {
            let id = TokenId::parse(&token_id)?;
            let store = open(&data_dir).await?;
            let revoked = store.revoke_token(&Actor::System, &id).await;
            store.close().await;
            revoked.context("revoking the token")?;
            eprintln!("revoked token {id}");
        }
        TokenCommand::List {
            data_dir,
            partnership,
        } => {
            let partnership = PartnershipId::parse(&partnership)?;
            let store = open(&data_dir).await?;
            let tokens = store.tokens(&partnership).await;
            store.close().await;
            for t in tokens.context("listing tokens")? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{}", t.id, t.role, state, t.label);
            }
        }
    }
    Ok(())
}

/// Runs `mitra document ...`.
pub async fn document(args: DocumentArgs) -> anyhow::Result<()> {
    match args.command {
        DocumentCommand::Assign {
            data_dir,
            partnership,
            document_url,
        } => {
            let partnership = PartnershipId::parse(&partnership)?;
            let id = DocumentId::parse_url_or_id(document_url.trim())
                .with_context(|| format!("{document_url:?} is not a document URL"))?;
            let store = open(&data_dir).await?;
            let assigned = store.assign_document(&id.to_string(), &partnership).await;
            store.close().await;
            let now = assigned.context("assigning the document")?;
            if now == partnership {
                eprintln!("{} belongs to partnership {now}", id.url());
            } else {
                anyhow::bail!("{} already belongs to partnership {now}", id.url());
            }
        }
    }
    Ok(())
}

/// With authentication required: gives the demo documents `serve` just
/// created to a new "Demo" partnership; returns its id.
pub async fn assign_demo(
    store: &AccessStore,
    seeded: &[crate::demo::Seeded],
) -> anyhow::Result<PartnershipId> {
    let partnership = store.create_partnership_as_system("Demo").await?;
    for s in seeded {
        for url in std::iter::once(&s.charter_url).chain(&s.meeting_urls) {
            let id = DocumentId::parse_url_or_id(url)
                .map_err(|e| anyhow::anyhow!("demo document {url}: {e}"))?;
            store
                .assign_document(&id.to_string(), &partnership.id)
                .await?;
        }
    }
    Ok(partnership.id)
}
