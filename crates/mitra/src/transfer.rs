//! Copying every document (and the peers' saved sync states) from one store
//! to another, and `mitra migrate-storage`.
//!
//! The copy goes through the [`Storage`] trait on the target side, so it
//! works for any backend `mitra_storage::open` knows. For each document:
//!
//! 1. it is loaded from the source and checked strictly
//!    ([`crate::store::load_document`]);
//! 2. written to the target in the same shape: the snapshot (if any) is
//!    appended and then made the target's snapshot with `compact`, then every
//!    chunk is appended in order (into a document the target already has,
//!    the snapshot is only appended: nothing of the target's is replaced);
//! 3. its sync states are saved (listed through the storage trait, or read
//!    from a backup file);
//! 4. read back from the target and checked: the heads must equal the
//!    source's (or, merged into an existing document, contain them).
//!
//! Documents are copied a few at a time, so the target's group commit can
//! fold their writes together.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use anyhow::{Context, bail};
use automerge::ReadDoc;
use futures_util::StreamExt;
use mitra_protocol::{DocumentId, StorageId};
use mitra_storage::{Storage, StorageUrl, StoredDocument};

use crate::store::{self, Heads, SqliteReader};

/// Documents copied at the same time.
const CONCURRENCY: usize = 8;

/// Where a copy reads from.
#[derive(Clone)]
pub enum Source {
    /// A store opened through `mitra_storage`.
    Storage {
        /// The store.
        storage: Arc<dyn Storage>,
    },
    /// A backup file (or any Mitra SQLite file), read directly.
    File(SqliteReader),
}

impl Source {
    /// Opens the existing store at `url` as a source.
    pub async fn open(url: &StorageUrl) -> anyhow::Result<Source> {
        let storage = store::open_existing(url).await?;
        Ok(Source::Storage { storage })
    }

    /// The source's storage id.
    pub async fn storage_id(&self) -> anyhow::Result<StorageId> {
        match self {
            Source::Storage { storage, .. } => Ok(storage.storage_id().clone()),
            Source::File(reader) => reader.with(|r, conn| r.storage_id(conn)).await,
        }
    }

    /// Every document, in id order.
    pub async fn documents(&self) -> anyhow::Result<Vec<DocumentId>> {
        let mut documents = match self {
            Source::Storage { storage, .. } => storage
                .list_documents()
                .await
                .context("listing the documents")?,
            Source::File(reader) => reader.with(|r, conn| r.documents(conn)).await?,
        };
        documents.sort();
        Ok(documents)
    }

    /// One document's stored bytes.
    pub async fn load(&self, id: &DocumentId) -> anyhow::Result<Option<StoredDocument>> {
        match self {
            Source::Storage { storage, .. } => storage
                .load(id)
                .await
                .with_context(|| format!("loading {}", id.url())),
            Source::File(reader) => {
                let id = *id;
                reader.with(move |r, conn| r.load(conn, &id)).await
            }
        }
    }

    /// One document's saved sync states.
    pub async fn sync_states(&self, id: &DocumentId) -> anyhow::Result<Vec<(StorageId, Vec<u8>)>> {
        match self {
            Source::Storage { storage, .. } => storage
                .list_sync_states(id)
                .await
                .with_context(|| format!("listing the sync states of {}", id.url())),
            Source::File(reader) => {
                let id = *id;
                reader.with(move |r, conn| r.sync_states(conn, &id)).await
            }
        }
    }
}

/// One document that could not be copied or verified.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The document.
    pub id: DocumentId,
    /// What went wrong.
    pub reason: String,
}

/// A list of failures as the lines of an error message.
pub fn describe_failures(failures: &[Failure]) -> String {
    let mut out = String::new();
    for failure in failures {
        let _ = write!(out, "\n  {}: {}", failure.id.url(), failure.reason);
    }
    out
}

/// What a copy did.
#[derive(Debug, Clone, Default)]
pub struct Copied {
    /// Documents copied and verified.
    pub documents: usize,
    /// Of those, documents the target already had (merged, not replaced).
    pub merged: usize,
    /// Snapshots copied.
    pub snapshots: usize,
    /// Chunks copied.
    pub chunks: usize,
    /// Bytes of snapshots and chunks copied.
    pub bytes: u64,
    /// Sync states copied.
    pub sync_states: usize,
    /// Every copied document's heads (sorted), as verified on the target.
    pub heads: BTreeMap<DocumentId, Heads>,
}

/// Copies every document of `source` into `target` and verifies each.
/// Documents that fail are reported in the second list; the others are
/// copied regardless.
pub async fn copy_all(
    source: &Source,
    target: &Arc<dyn Storage>,
) -> anyhow::Result<(Copied, Vec<Failure>)> {
    let documents = source.documents().await?;
    let mut results = futures_util::stream::iter(documents)
        .map(|id| {
            let source = source.clone();
            let target = Arc::clone(target);
            async move {
                copy_document(&source, &target, &id)
                    .await
                    .map_err(|e| Failure {
                        id,
                        reason: format!("{e:#}"),
                    })
            }
        })
        .buffer_unordered(CONCURRENCY);
    let mut copied = Copied::default();
    let mut failures = Vec::new();
    while let Some(result) = results.next().await {
        match result {
            Ok(one) => {
                copied.documents += 1;
                copied.merged += usize::from(one.merged);
                copied.snapshots += usize::from(one.snapshot);
                copied.chunks += one.chunks;
                copied.bytes += one.bytes;
                copied.sync_states += one.sync_states;
                copied.heads.insert(one.id, one.heads);
            }
            Err(failure) => failures.push(failure),
        }
    }
    failures.sort_by_key(|f| f.id);
    Ok((copied, failures))
}

/// What copying one document did.
struct DocumentCopied {
    id: DocumentId,
    merged: bool,
    snapshot: bool,
    chunks: usize,
    bytes: u64,
    sync_states: usize,
    heads: Heads,
}

async fn copy_document(
    source: &Source,
    target: &Arc<dyn Storage>,
    id: &DocumentId,
) -> anyhow::Result<DocumentCopied> {
    let stored = source
        .load(id)
        .await?
        .context("listed by the source but no longer there")?;
    let (source_heads, stored) = strict_heads(stored)
        .await
        .context("the source's copy is damaged")?;

    let merged = target
        .load(id)
        .await
        .context("reading the target")?
        .is_some();
    let bytes = stored.total_bytes() as u64;
    if let Some(snapshot) = &stored.snapshot {
        let seq = target
            .append(id, snapshot.clone())
            .await
            .context("writing the snapshot")?;
        if !merged {
            target
                .compact(id, snapshot.clone(), seq)
                .await
                .context("writing the snapshot")?;
        }
    }
    for (_, chunk) in &stored.chunks {
        target
            .append(id, chunk.clone())
            .await
            .context("writing a chunk")?;
    }
    let mut sync_states = 0;
    for (peer, state) in source.sync_states(id).await? {
        target
            .save_sync_state(id, &peer, state)
            .await
            .with_context(|| format!("writing the sync state of peer {peer}"))?;
        sync_states += 1;
    }

    let written = target
        .load(id)
        .await
        .context("reading the copy back")?
        .context("the copy is not in the target")?;
    let expected = source_heads.clone();
    let (target_heads, contains) = tokio::task::spawn_blocking(move || {
        store::load_document(&written).map(|doc| {
            let contains = expected.iter().all(|h| doc.get_change_by_hash(h).is_some());
            (store::heads(&doc), contains)
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("loading task failed: {e}"))?
    .map_err(anyhow::Error::msg)
    .context("the copy in the target is damaged")?;
    if merged {
        if !contains {
            bail!("the merged copy lacks changes of the source");
        }
    } else if target_heads != source_heads {
        bail!(
            "the copy's heads {} differ from the source's {}",
            show_heads(&target_heads),
            show_heads(&source_heads)
        );
    }
    Ok(DocumentCopied {
        id: *id,
        merged,
        snapshot: stored.snapshot.is_some(),
        chunks: stored.chunks.len(),
        bytes,
        sync_states,
        heads: source_heads,
    })
}

/// Loads `stored` strictly on a blocking thread; its heads, and the bytes back.
pub async fn strict_heads(stored: StoredDocument) -> anyhow::Result<(Heads, StoredDocument)> {
    tokio::task::spawn_blocking(move || {
        let heads = store::load_document(&stored).map(|doc| store::heads(&doc));
        (heads, stored)
    })
    .await
    .map_err(|e| anyhow::anyhow!("loading task failed: {e}"))
    .and_then(|(heads, stored)| Ok((heads.map_err(anyhow::Error::msg)?, stored)))
}

/// Whether the document `id` in `storage` has every change named in
/// `heads`, and its own heads.
pub async fn contains_heads(
    storage: &Arc<dyn Storage>,
    id: &DocumentId,
    heads: &Heads,
) -> anyhow::Result<(bool, Heads)> {
    let Some(stored) = storage.load(id).await? else {
        return Ok((false, Vec::new()));
    };
    let heads = heads.clone();
    tokio::task::spawn_blocking(move || {
        let doc = store::load_document(&stored).map_err(anyhow::Error::msg)?;
        let contains = heads.iter().all(|h| doc.get_change_by_hash(h).is_some());
        Ok((contains, store::heads(&doc)))
    })
    .await
    .map_err(|e| anyhow::anyhow!("loading task failed: {e}"))?
}

/// Heads for messages (the first few hex digits of each).
pub fn show_heads(heads: &Heads) -> String {
    let short: Vec<String> = heads
        .iter()
        .map(|h| h.to_string().chars().take(12).collect())
        .collect();
    format!("[{}]", short.join(", "))
}

/// `mitra migrate-storage`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The store to copy from (`sqlite://DATA_DIR`, or another backend's URL).
    #[arg(long, value_name = "URL")]
    from: StorageUrl,
    /// The store to copy into (created if missing).
    #[arg(long, value_name = "URL")]
    to: StorageUrl,
    /// Copy into a target that already holds documents: documents with the
    /// same id are merged (automerge keeps the changes of both), nothing in
    /// the target is deleted.
    #[arg(long)]
    force: bool,
    /// Give the target a storage id of its own instead of the source's (for
    /// a copy that runs next to the original rather than replacing it).
    #[arg(long)]
    new_storage_id: bool,
}

/// Copies everything from `--from` to `--to`, verifies it and prints a summary.
pub async fn migrate_storage(args: MigrateArgs) -> anyhow::Result<()> {
    if args.from == args.to {
        bail!("--from and --to name the same storage");
    }
    if let Some(file) = store::sqlite_file(&args.from)
        && file.is_file()
        && store::ensure_not_in_use(&file).is_err()
    {
        eprintln!(
            "warning: {} is in use (is `mitra serve` running on it?); changes made after a document is copied are not in the target",
            file.display()
        );
    }
    let source = Source::open(&args.from).await?;
    let target_file = store::sqlite_file(&args.to);
    if let Some(file) = &target_file
        && file.exists()
    {
        store::ensure_not_in_use(file)?;
    }
    let target = store::open(&args.to).await?;
    let result = migrate(&args, &source, &target).await;
    target.close().await;
    if let Source::Storage { storage, .. } = &source {
        storage.close().await;
    }
    let (summary, adopt) = result?;
    if let (Some(file), Some(id)) = (&target_file, adopt) {
        store::set_sqlite_storage_id(file, &id)?;
    }
    print!("{summary}");
    Ok(())
}

/// The copy of `migrate-storage`: its summary, and the storage id a SQLite
/// target is to take once closed.
async fn migrate(
    args: &MigrateArgs,
    source: &Source,
    target: &Arc<dyn Storage>,
) -> anyhow::Result<(String, Option<StorageId>)> {
    let from = store::redacted(&args.from);
    let to = store::redacted(&args.to);
    let existing = target
        .list_documents()
        .await
        .with_context(|| format!("listing the documents in {to}"))?;
    if !existing.is_empty() && !args.force {
        bail!(
            "{to} already holds {} document(s); migrate into an empty store, or pass --force to merge into it",
            existing.len()
        );
    }
    let (copied, failures) = copy_all(source, target).await?;
    if !failures.is_empty() {
        bail!(
            "{} of {} document(s) could not be copied from {from} to {to}:{}",
            failures.len(),
            failures.len() + copied.documents,
            describe_failures(&failures)
        );
    }
    let source_id = source.storage_id().await?;
    let mut summary = summary(&copied, &from, &to);
    let adopt = if args.new_storage_id || !existing.is_empty() {
        let _ = writeln!(
            summary,
            "The target keeps its own storage id {}.",
            target.storage_id()
        );
        None
    } else if store::sqlite_file(&args.to).is_some() {
        let _ = writeln!(
            summary,
            "The target takes over the source's storage id {source_id}: run the server on one of them only."
        );
        Some(source_id)
    } else {
        let _ = writeln!(
            summary,
            "The target has its own storage id {} (this backend cannot take over {source_id}); peers resynchronise in full once.",
            target.storage_id()
        );
        None
    };
    Ok((summary, adopt))
}

/// The lines printed after a copy.
pub fn summary(copied: &Copied, from: &str, to: &str) -> String {
    let mut out = format!(
        "Copied {} document(s) from {from} to {to}: {} snapshot(s), {} chunk(s), {} byte(s), {} sync state(s).\n",
        copied.documents, copied.snapshots, copied.chunks, copied.bytes, copied.sync_states
    );
    if copied.merged > 0 {
        let _ = writeln!(
            out,
            "{} of them were already in the target and were merged.",
            copied.merged
        );
    }
    let _ = writeln!(
        out,
        "Verified: every document loads in the target with {} heads as in the source.",
        if copied.merged > 0 {
            "the same (or, merged, newer)"
        } else {
            "the same"
        }
    );
    out
}
