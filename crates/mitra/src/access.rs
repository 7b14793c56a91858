//! `mitra partnership`, `mitra token` and `mitra document`: the operator's
//! access-control commands, on `access.sqlite3` in the data directory. They
//! work while the server runs (a revoked token's connections close within
//! a second: the server polls the audit log).

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context;
use mitra_access::{AccessStore, Actor, PartnershipId, Role, Secret, TokenId};
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
    /// List every partnership: id, name and charter (automerge:..., or -
    /// when none is set), separated by tabs.
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
                let charter = p
                    .charter
                    .map_or_else(|| "-".to_owned(), |c| format!("automerge:{c}"));
                println!("{}\t{}\t{charter}", p.id, p.name);
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

/// One demo partnership `serve` created, as an access-control partnership.
#[derive(Debug, Clone)]
pub struct DemoPartnership {
    /// The demo's name (the access partnership has the same).
    pub name: String,
    /// The access partnership's id.
    pub id: PartnershipId,
}

/// With authentication required: gives each demo partnership `serve` just
/// created (its charter and meetings) to an access-control partnership of
/// its own, named like the demo, with the charter set. The partnerships
/// have no member yet: the first owner's setup adopts them.
pub async fn assign_demo(
    store: &AccessStore,
    seeded: &[crate::demo::Seeded],
) -> anyhow::Result<Vec<DemoPartnership>> {
    let mut assigned = Vec::with_capacity(seeded.len());
    for s in seeded {
        let partnership = store
            .create_partnership_as_system(&s.name)
            .await
            .with_context(|| format!("creating the partnership {:?}", s.name))?;
        let parse = |url: &String| {
            DocumentId::parse_url_or_id(url)
                .map_err(|e| anyhow::anyhow!("demo document {url}: {e}"))
        };
        let charter = parse(&s.charter_url)?.to_string();
        for url in &s.meeting_urls {
            store
                .assign_document(&parse(url)?.to_string(), &partnership.id)
                .await
                .with_context(|| format!("giving {url} to {:?}", s.name))?;
        }
        store
            .assign_document(&charter, &partnership.id)
            .await
            .with_context(|| format!("giving {} to {:?}", s.charter_url, s.name))?;
        store
            .set_charter(&partnership.id, &charter)
            .await
            .with_context(|| format!("making {} the charter of {:?}", s.charter_url, s.name))?;
        assigned.push(DemoPartnership {
            name: s.name.clone(),
            id: partnership.id,
        });
    }
    Ok(assigned)
}

/// What `serve` prints after giving the demo to partnerships: who will own
/// them and how a script gets a token. `setup_pending`: no user exists yet,
/// so the setup link's first owner adopts them.
pub fn demo_access_message(
    assigned: &[DemoPartnership],
    data_dir: &Path,
    sync_url: &str,
    setup_pending: bool,
) -> String {
    let mut out = String::new();
    let Some(first) = assigned.first() else {
        return out;
    };
    let names: Vec<String> = assigned
        .iter()
        .map(|p| format!("{:?} ({})", p.name, p.id))
        .collect();
    let _ = writeln!(
        out,
        "With sign-in (auth = required, the default), each demo partnership is a partnership of its own: {}.",
        names.join(", ")
    );
    if setup_pending {
        let _ = writeln!(
            out,
            "They have no members yet: whoever completes the setup (the one-time link `mitra serve` prints) becomes their owner, and invites the others."
        );
    } else {
        let _ = writeln!(
            out,
            "They have no members yet: people reach them with an API token (below) until an owner is added."
        );
    }
    let _ = writeln!(
        out,
        "For a script, create an API token (printed once) and connect with {sync_url}?token=TOKEN:\n  \
         mitra token create --data-dir {} --partnership {} --role editor --label \"my script\"",
        data_dir.display(),
        first.id
    );
    out
}

/// The base of browser links `serve` prints: `public_url` when set, else
/// `http://` and the address it listens on (an unspecified address such as
/// `0.0.0.0` becomes the loopback address: open it on this machine, or set
/// `public_url`). Ends with `/`.
pub fn link_base(public_url: Option<&str>, addr: SocketAddr) -> String {
    if let Some(url) = public_url {
        return format!("{}/", url.trim_end_matches('/'));
    }
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// The first-run block `serve` prints to standard output (never to the
/// log) while no user exists: the one-time setup link and what it does.
/// `base` comes from [`link_base`].
pub fn setup_message(base: &str, secret: &Secret) -> String {
    let rule = "=".repeat(72);
    let mut out = String::new();
    let _ = writeln!(out, "\n{rule}");
    let _ = writeln!(
        out,
        "First run: nobody can sign in yet. Open this one-time setup link in a browser:"
    );
    let _ = writeln!(out, "\n    {base}#/setup/{}\n", secret.expose());
    let _ = writeln!(
        out,
        "It creates the first owner (your account, with a password) and your first\n\
         partnership; that owner also becomes the owner of every partnership that has\n\
         no members yet (such as the demo). The link works once. Until it is used, each\n\
         restart of Mitra prints a new link and the old one stops working. The secret\n\
         is after '#', which browsers never send as part of an address, so it stays\n\
         out of server and proxy logs. Keep it to yourself."
    );
    let _ = writeln!(out, "{rule}");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn links_start_with_the_public_url_or_a_reachable_listen_address() {
        let addr = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(
            link_base(Some("https://mitra.example.org/"), addr("0.0.0.0:8080")),
            "https://mitra.example.org/"
        );
        assert_eq!(
            link_base(Some("https://example.org/mitra"), addr("0.0.0.0:8080")),
            "https://example.org/mitra/"
        );
        assert_eq!(
            link_base(None, addr("0.0.0.0:8080")),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(link_base(None, addr("[::]:8080")), "http://[::1]:8080/");
        assert_eq!(
            link_base(None, addr("192.0.2.7:9000")),
            "http://192.0.2.7:9000/"
        );
    }

    #[test]
    fn the_setup_message_holds_the_link_and_says_what_it_does() {
        let secret = Secret::from_presented("mitra_setup_abc");
        let text = setup_message("http://127.0.0.1:8080/", &secret);
        assert!(text.contains("\n    http://127.0.0.1:8080/#/setup/mitra_setup_abc\n"));
        for words in ["works once", "first owner", "restart", "no members yet"] {
            assert!(text.contains(words), "{words}: {text}");
        }
    }
}
