//! `mitra backup` and `mitra restore`.
//!
//! # The backup file
//!
//! A backup is one SQLite database file in Mitra's own storage schema (the
//! layout of `mitra.sqlite3`, documented in `mitra_storage::sqlite`: `meta`
//! with the storage id, `snapshots`, `chunks`, `sync_states`), in rollback
//! journal mode so it is a single self-contained file, plus one table of its
//! own:
//!
//! - `mitra_backup(key, value)`: `format` (`mitra-backup/2`), `created_at`
//!   (RFC 3339, UTC), `mitra_version`, `source` (the backend it was taken
//!   from: `sqlite`, or another URL scheme; never the URL itself, which may
//!   hold a password), `documents` (how many) and `access` (`included` or
//!   `none`, with `access_bytes`, `access_sha256` and
//!   `access_schema_version` when included);
//! - `mitra_backup_access(seq, bytes)`: the access control database
//!   (`access.sqlite3`, without sessions), in chunks, when included (see
//!   [`crate::access_backup`]).
//!
//! Format `mitra-backup/1` is the same without access control; this Mitra
//! still restores it. Any SQLite tool opens either; `mitra restore` brings
//! it back. A backup with access control holds password hashes (Argon2id)
//! and token hashes: it is written readable by its owner only.
//!
//! # Consistency
//!
//! From SQLite (`--data-dir`, `sqlite://`), the backup is SQLite's
//! `VACUUM INTO` run in one read transaction: a point-in-time copy of the
//! whole database, taken next to a running server (WAL mode lets it write
//! meanwhile). Everything the server had acknowledged to any peer before the
//! backup started is in it (the server acknowledges only what is committed).
//!
//! From any other backend, every document (snapshot and chunks) is read
//! through the `Storage` trait and written into a fresh SQLite file, one
//! document at a time: each document is consistent in itself and holds at
//! least everything acknowledged before the backup started; documents are
//! not frozen at one common instant. The source's storage id is recorded.
//!
//! Either way the finished file is checked before it takes its name: SQLite's
//! `quick_check`, and every document must load with automerge. The file is
//! written under a temporary name next to `--out`, synced, then renamed, so
//! `--out` is never a half-written backup.
//!
//! # Restoring and the storage id
//!
//! `mitra restore` first verifies the whole backup (the same checks) and
//! names every document that does not load; nothing is written before. It
//! refuses a target that holds documents unless `--force`. Into SQLite, the
//! database file is replaced by the backup (staged in the data directory and
//! renamed into place; the server must be stopped, which is checked), and
//! the restored store keeps the backup's storage id: this is disaster
//! recovery, the same server coming back. Peers (browsers) keep their saved
//! sync state under that id; automerge's sync protocol notices the changes
//! the restored server lacks and the peers send them again. `--new-storage-id`
//! gives the restored copy an id of its own, for a copy that runs next to the
//! original. Into another backend, the documents are copied through the
//! `Storage` trait and the target keeps its own storage id.
//!
//! After restoring, the target is read back: every document must be there
//! with the backup's heads.
//!
//! # Access control
//!
//! Access control lives in `access.sqlite3` in the data directory (also
//! when documents are in PostgreSQL: `--access-dir` names that directory).
//! `backup` copies it after the documents. `restore` checks it with the
//! rest before writing anything, refuses a target whose access store holds
//! users, partnerships or tokens unless `--force` (which replaces it) and
//! one a running server has open, and puts it in place after the
//! documents. Sessions are never backed up nor restored: everyone signs in
//! again. Users, partnerships, members, invitations, API tokens (which keep
//! working), document owners, attribution and the audit log come back as
//! they were when the backup was taken. A backup without access control
//! leaves the target's `access.sqlite3` as it is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use mitra_protocol::{DocumentId, StorageId};
use mitra_storage::StorageUrl;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::access_backup;
use crate::store::{self, Heads, SqliteReader, StorageArgs};
use crate::transfer::{self, Failure, Source};

/// The `format` a backup file records.
pub const FORMAT: &str = "mitra-backup/2";

/// The format of backups without access control, still restored.
pub const FORMAT_V1: &str = "mitra-backup/1";

/// Documents verified at the same time.
const CONCURRENCY: usize = 4;

/// `mitra backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    source: StorageArgs,
    /// The backup file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
    /// The directory holding access.sqlite3 (access control), when it is
    /// not the --data-dir (or sqlite://DIR): with --storage postgres://...,
    /// the data directory `mitra serve` uses. Without it, such a backup
    /// holds documents only.
    #[arg(long, value_name = "DIR")]
    access_dir: Option<PathBuf>,
}

/// `mitra restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file (made by `mitra backup`).
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    #[command(flatten)]
    target: StorageArgs,
    /// Restore into a store that holds documents: a SQLite database is
    /// replaced by the backup; into another backend, the backup's documents
    /// are merged with what is there. An access.sqlite3 holding users,
    /// partnerships or tokens is replaced by the backup's access control.
    #[arg(long)]
    force: bool,
    /// Give the restored store a new storage id instead of the backup's (for
    /// a copy that runs next to the original server).
    #[arg(long)]
    new_storage_id: bool,
    /// Where to restore access control (access.sqlite3) when the target is
    /// not a SQLite data directory (--storage postgres://...): the data
    /// directory `mitra serve` uses. Needed when the backup includes it.
    #[arg(long, value_name = "DIR")]
    access_dir: Option<PathBuf>,
}

/// Writes a consistent backup of the store to `--out` and prints a summary.
pub async fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let url = args.source.url()?;
    let out = &args.out;
    if out.is_dir() {
        bail!(
            "{} is a directory; --out names the backup file",
            out.display()
        );
    }
    if out.exists() && !args.force {
        bail!(
            "{} already exists; choose another name or pass --force to replace it",
            out.display()
        );
    }
    let parent = parent_dir(out);
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("creating directory {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".mitra-backup-")
        .tempdir_in(&parent)
        .with_context(|| format!("creating a temporary directory in {}", parent.display()))?;

    let (staged, copy_failures) = match store::sqlite_file(&url) {
        Some(database) => (
            snapshot_sqlite(&database, staging.path()).await?,
            Vec::new(),
        ),
        None => copy_to_sqlite(&url, staging.path()).await?,
    };
    // Access control, after the documents: every backed-up document has its
    // owner in it.
    let access_dir = args.access_dir.clone().or_else(|| store::sqlite_dir(&url));
    let access = match &access_dir {
        Some(dir) => match access_backup::file_in(dir) {
            Some(file) => {
                let into = staging.path().join("access");
                std::fs::create_dir(&into)
                    .with_context(|| format!("creating {}", into.display()))?;
                let copy =
                    tokio::task::spawn_blocking(move || access_backup::snapshot(&file, &into))
                        .await
                        .context("copying the access store")??;
                Some(copy)
            }
            None if args.access_dir.is_some() => bail!(
                "there is no access store in {} (no {}); check --access-dir",
                dir.display(),
                mitra_access::DATABASE_FILE
            ),
            None => None,
        },
        None => None,
    };
    // The backend's name only: the URL itself may hold a password.
    let source = url
        .to_string()
        .split_once("://")
        .map_or_else(|| "unknown".to_owned(), |(scheme, _)| scheme.to_owned());
    let finished = staged.clone();
    let embedded = access.clone();
    tokio::task::spawn_blocking(move || finish_backup_file(&finished, &source, embedded.as_ref()))
        .await
        .context("finishing the backup file")??;
    if access.is_some() {
        access_backup::restrict_permissions(&staged)?;
    }

    let reader = SqliteReader::open(&staged)?;
    let verified = verify(&reader).await?;
    if let Some(copy) = &access {
        let read_back = verified.access.as_ref().map(|a| a.copy.counts);
        if read_back != Some(copy.counts) {
            bail!(
                "the access control in the backup reads back as {read_back:?} instead of {}",
                copy.counts
            );
        }
    }
    store::sync_file_and_dir(&staged)?;
    std::fs::rename(&staged, out)
        .with_context(|| format!("moving the backup into place at {}", out.display()))?;
    store::sync_dir(&parent)?;

    let mut failures = copy_failures;
    failures.extend(verified.failures.iter().cloned());
    let mut summary = format!(
        "Backed up {} document(s) ({} byte(s) of snapshots and chunks, {} sync state(s)) from {} to {}.\n",
        verified.documents.len(),
        verified.bytes,
        verified.sync_states,
        store::redacted(&url),
        out.display()
    );
    let _ = writeln!(
        summary,
        "Verified: every document in it loads with automerge; storage id {}.",
        verified.storage_id
    );
    match (&access, &access_dir) {
        (Some(copy), _) => {
            let _ = writeln!(
                summary,
                "Access control included: {} (sessions are never backed up). The file holds password and token hashes: keep it private.",
                copy.counts
            );
        }
        (None, Some(dir)) => {
            let _ = writeln!(
                summary,
                "Access control: none in {} (no {}; the server ran without sign-in).",
                dir.display(),
                mitra_access::DATABASE_FILE
            );
        }
        (None, None) => {
            eprintln!(
                "warning: access control (access.sqlite3) is not in this backup: with --storage, give --access-dir DIR (the data directory `mitra serve` uses) to include it"
            );
            let _ = writeln!(
                summary,
                "Access control: not included (give --access-dir DIR to include access.sqlite3)."
            );
        }
    }
    if failures.is_empty() {
        print!("{summary}");
        Ok(())
    } else {
        bail!(
            "wrote {}, but {} document(s) of the source are damaged and cannot be loaded (they are missing or damaged in the backup too):{}",
            out.display(),
            failures.len(),
            transfer::describe_failures(&failures)
        )
    }
}

/// A point-in-time copy of the SQLite database into `staging` with
/// `VACUUM INTO` (one read transaction, so a running server goes on writing).
async fn snapshot_sqlite(database: &Path, staging: &Path) -> anyhow::Result<PathBuf> {
    if !database.is_file() {
        bail!(
            "there is no Mitra database at {} (no {}); check --data-dir",
            parent_dir(database).display(),
            mitra_storage::sqlite::DATABASE_FILE
        );
    }
    let reader = SqliteReader::open(database)?;
    let staged = staging.join("backup.sqlite3");
    let target = staged
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", staged.display()))?
        .to_owned();
    reader
        .with(move |r, conn| {
            conn.execute("VACUUM INTO ?1", [&target])
                .with_context(|| format!("copying {}", r.path().display()))
        })
        .await?;
    Ok(staged)
}

/// Any backend: every document through the `Storage` trait into a fresh
/// SQLite database in `staging`, which takes the source's storage id.
async fn copy_to_sqlite(
    url: &StorageUrl,
    staging: &Path,
) -> anyhow::Result<(PathBuf, Vec<Failure>)> {
    let source = Source::open(url).await?;
    let source_id = source.storage_id().await?;
    let target = store::open(&StorageUrl::sqlite(staging)).await?;
    let copied = transfer::copy_all(&source, &target).await;
    target.close().await;
    if let Source::Storage { storage, .. } = &source {
        storage.close().await;
    }
    let (_, failures) = copied?;
    let staged = staging.join(mitra_storage::sqlite::DATABASE_FILE);
    store::set_sqlite_storage_id(&staged, &source_id)?;
    Ok((staged, failures))
}

/// Makes the staged copy a backup file: a single file (rollback journal),
/// with its `mitra_backup` table.
fn finish_backup_file(
    file: &Path,
    source: &str,
    access: Option<&access_backup::AccessCopy>,
) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        bail!("could not leave WAL mode (journal_mode is {mode})");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    let documents: i64 = conn.query_row(
        "SELECT count(*) FROM (SELECT document FROM snapshots UNION SELECT document FROM chunks)",
        [],
        |row| row.get(0),
    )?;
    conn.execute_batch(
        "DROP TABLE IF EXISTS mitra_backup;
         CREATE TABLE mitra_backup (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;",
    )?;
    let mut entries = vec![
        ("format", FORMAT.to_owned()),
        ("created_at", store::now_rfc3339()),
        ("mitra_version", env!("CARGO_PKG_VERSION").to_owned()),
        ("source", source.to_owned()),
        ("documents", documents.to_string()),
    ];
    match access {
        Some(copy) => entries.extend(access_backup::embed(&conn, copy)?),
        None => {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS {}", access_backup::TABLE))?;
            entries.push(("access", "none".to_owned()));
        }
    }
    for (key, value) in &entries {
        conn.execute(
            "INSERT INTO mitra_backup (key, value) VALUES (?1, ?2)",
            [key, value.as_str()],
        )?;
    }
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// What checking a backup file found.
struct Verified {
    /// Every document that loads, with its heads.
    documents: BTreeMap<DocumentId, Heads>,
    /// Every document that does not.
    failures: Vec<Failure>,
    /// Bytes of snapshots and chunks.
    bytes: u64,
    /// Sync states in the file.
    sync_states: u64,
    /// The storage id in the file.
    storage_id: StorageId,
    /// The `mitra_backup` table, when the file has one.
    info: Option<BTreeMap<String, String>>,
    /// The access control it includes, extracted and checked.
    access: Option<ExtractedAccess>,
}

/// A backup's access control, reassembled into a temporary directory.
struct ExtractedAccess {
    /// Removed when dropped.
    _dir: tempfile::TempDir,
    /// The checked database file.
    copy: access_backup::AccessCopy,
}

/// Checks a backup file: SQLite's `quick_check`, its format, and every
/// document strictly loaded. File-level problems are errors; documents that
/// do not load are listed in `failures`.
async fn verify(reader: &SqliteReader) -> anyhow::Result<Verified> {
    let (storage_id, documents, sync_states, info, access) = reader
        .with(|r, conn| {
            r.quick_check(conn)?;
            let info = read_info(conn)
                .with_context(|| format!("reading the backup information of {}", r.path().display()))?;
            if let Some(format) = info.as_ref().and_then(|i| i.get("format"))
                && format != FORMAT
                && format != FORMAT_V1
            {
                bail!(
                    "{} is a backup in format {format:?}, which this Mitra does not read (it reads {FORMAT} and {FORMAT_V1})",
                    r.path().display()
                );
            }
            let access = match &info {
                Some(info) if access_backup::included(Some(info)) => {
                    let dir = tempfile::Builder::new()
                        .prefix("mitra-access-")
                        .tempdir()
                        .context("creating a temporary directory")?;
                    let copy = access_backup::extract(conn, info, r.path(), dir.path())?;
                    Some(ExtractedAccess { _dir: dir, copy })
                }
                _ => None,
            };
            Ok((
                r.storage_id(conn)?,
                r.documents(conn)?,
                r.count_sync_states(conn)?,
                info,
                access,
            ))
        })
        .await?;
    let mut checks = futures_util::stream::iter(documents)
        .map(|id| {
            let reader = reader.clone();
            async move {
                let loaded = reader.with(move |r, conn| r.load(conn, &id)).await;
                let result = match loaded {
                    Ok(Some(stored)) => {
                        let bytes = stored.total_bytes() as u64;
                        transfer::strict_heads(stored)
                            .await
                            .map(|(heads, _)| (heads, bytes))
                    }
                    Ok(None) => Err(anyhow::anyhow!("listed but not stored")),
                    Err(e) => Err(e),
                };
                (id, result)
            }
        })
        .buffer_unordered(CONCURRENCY);
    let mut verified = Verified {
        documents: BTreeMap::new(),
        failures: Vec::new(),
        bytes: 0,
        sync_states,
        storage_id,
        info,
        access,
    };
    while let Some((id, result)) = checks.next().await {
        match result {
            Ok((heads, bytes)) => {
                verified.bytes += bytes;
                verified.documents.insert(id, heads);
            }
            Err(e) => verified.failures.push(Failure {
                id,
                reason: format!("{e:#}"),
            }),
        }
    }
    verified.failures.sort_by_key(|f| f.id);
    Ok(verified)
}

/// The `mitra_backup` table, or `None` when the file has none (a plain
/// `mitra.sqlite3`).
fn read_info(conn: &Connection) -> rusqlite::Result<Option<BTreeMap<String, String>>> {
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'mitra_backup'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let mut stmt = conn.prepare("SELECT key, value FROM mitra_backup")?;
    let rows = stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<BTreeMap<String, String>>>()?;
    Ok(Some(rows))
}

/// Verifies the backup `--in`, then restores it into the target and checks
/// the result.
pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    let url = args.target.url()?;
    let input = &args.input;
    let reader = SqliteReader::open(input).context("cannot restore")?;
    let verified = verify(&reader).await.context("cannot restore")?;
    if !verified.failures.is_empty() {
        bail!(
            "cannot restore: the backup {} is damaged: {} of {} document(s) cannot be loaded:{}\nNothing was restored.",
            input.display(),
            verified.failures.len(),
            verified.failures.len() + verified.documents.len(),
            transfer::describe_failures(&verified.failures)
        );
    }
    let target_shown = store::redacted(&url);
    // Every check of the target comes before anything is written.
    if let Some(database) = store::sqlite_file(&url) {
        check_sqlite_target(&args, &database).await?;
    }
    let access_dir = plan_access(&args, &url, &verified).await?;

    let (storage_id_note, sync_states, merged) = match store::sqlite_file(&url) {
        Some(database) => {
            let storage_id = replace_sqlite(&args, &reader, &database).await?;
            let note = if args.new_storage_id {
                format!("a new storage id {storage_id}")
            } else {
                format!("the backup's storage id {storage_id}")
            };
            (note, verified.sync_states, false)
        }
        None => {
            let target = store::open(&url).await?;
            let result = restore_through_trait(&args, &reader, &target, &target_shown).await;
            let id = target.storage_id().clone();
            target.close().await;
            let copied = result?;
            (
                format!(
                    "its own storage id {id} (the backup's was {})",
                    verified.storage_id
                ),
                copied.sync_states as u64,
                copied.merged > 0,
            )
        }
    };

    // Read the target back: every document with the backup's heads.
    let target = store::open(&url).await?;
    let checked = check_restored(&target, &verified.documents, merged).await;
    target.close().await;
    let failures = checked?;
    if !failures.is_empty() {
        bail!(
            "restored into {target_shown}, but {} document(s) differ from the backup:{}",
            failures.len(),
            transfer::describe_failures(&failures)
        );
    }

    let mut summary = format!(
        "Restored {} document(s) and {sync_states} sync state(s) from {} into {target_shown}",
        verified.documents.len(),
        input.display(),
    );
    if let Some(info) = &verified.info {
        let _ = write!(
            summary,
            " (backup made {} by Mitra {})",
            info.get("created_at")
                .map_or("at an unknown time", String::as_str),
            info.get("mitra_version").map_or("?", String::as_str)
        );
    }
    let _ = writeln!(summary, "; the store has {storage_id_note}.");
    let _ = writeln!(
        summary,
        "Verified: every document loads in the restored store with the backup's heads."
    );
    match (&verified.access, &access_dir) {
        (Some(access), Some(dir)) => {
            let copy = access.copy.path.clone();
            let into = dir.clone();
            let placed = tokio::task::spawn_blocking(move || access_backup::place(&copy, &into))
                .await
                .context("restoring the access store")??;
            // Opened once by the access store itself: it must accept it
            // (and migrates a backup from an older Mitra).
            let opened = mitra_access::AccessStore::open(dir).await;
            match opened {
                Ok(store) => store.close().await,
                Err(e) => {
                    return Err(anyhow::Error::new(e).context(format!(
                        "restored the documents and {}, but it cannot be opened",
                        placed.display()
                    )));
                }
            }
            let _ = writeln!(
                summary,
                "Restored access control into {}: {}.",
                placed.display(),
                access.copy.counts
            );
            let _ = writeln!(
                summary,
                "Sessions are not restored: everyone signs in again. Users, members, invitations and API tokens are as they were when the backup was made: revoke again any token revoked since."
            );
        }
        (None, Some(dir)) => {
            let existing = access_backup::file_in(dir);
            let _ = writeln!(
                summary,
                "The backup holds no access control; {}.",
                match existing {
                    Some(file) => format!("{} was left as it was", file.display()),
                    None => "with auth = required the documents belong to no partnership until assigned (`mitra document assign`)".to_owned(),
                }
            );
        }
        _ => {}
    }
    print!("{summary}");
    Ok(())
}

/// Where the backup's access control goes, checked before anything is
/// written: `--access-dir`, else the SQLite data directory. Refuses a
/// backup with access control and nowhere to put it, an access store a
/// server has open, and one that holds users, partnerships or tokens
/// unless `--force`.
async fn plan_access(
    args: &RestoreArgs,
    url: &StorageUrl,
    verified: &Verified,
) -> anyhow::Result<Option<PathBuf>> {
    let dir = args.access_dir.clone().or_else(|| store::sqlite_dir(url));
    if verified.access.is_none() {
        return Ok(dir);
    }
    let Some(dir) = dir else {
        bail!(
            "cannot restore: the backup includes access control (users, partnerships, tokens); give --access-dir DIR, the data directory `mitra serve` uses with {}. Nothing was restored.",
            store::redacted(url)
        );
    };
    if let Some(file) = access_backup::file_in(&dir) {
        let checked = file.clone();
        let counts = tokio::task::spawn_blocking(move || access_backup::existing(&checked))
            .await
            .context("reading the existing access store")?
            .context("cannot restore")?;
        if !counts.is_empty() && !args.force {
            bail!(
                "cannot restore: {} already holds access control ({counts}); restore into an empty data directory, or pass --force to replace it with the backup's. Nothing was restored.",
                file.display()
            );
        }
    }
    Ok(Some(dir))
}

/// Refuses to restore into the SQLite database `database` when a server
/// has it open, or when it holds documents (or cannot be read) and
/// `--force` was not given.
async fn check_sqlite_target(args: &RestoreArgs, database: &Path) -> anyhow::Result<()> {
    let dir = parent_dir(database);
    if database.exists() {
        store::ensure_not_in_use(database)?;
        let url = StorageUrl::sqlite(&dir);
        let existing = match store::open(&url).await {
            Ok(storage) => {
                let listed = storage.list_documents().await;
                storage.close().await;
                listed.map(|d| d.len()).map_err(anyhow::Error::from)
            }
            Err(e) => Err(e),
        };
        match existing {
            Ok(0) => {}
            Ok(n) if !args.force => bail!(
                "{} already holds {n} document(s); restore into an empty data directory, or pass --force to replace them",
                dir.display()
            ),
            Ok(_) => {}
            Err(e) if !args.force => {
                return Err(e.context(format!(
                    "{} holds a database that cannot be read; pass --force to replace it",
                    database.display()
                )));
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Replaces (or creates) the SQLite database `database` with the backup,
/// once [`check_sqlite_target`] allowed it; returns the restored store's
/// storage id.
async fn replace_sqlite(
    args: &RestoreArgs,
    reader: &SqliteReader,
    database: &Path,
) -> anyhow::Result<StorageId> {
    let dir = parent_dir(database);
    if database.exists() {
        // Checked again right before it is replaced.
        store::ensure_not_in_use(database)?;
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("creating data directory {}", dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".mitra-restore-")
        .tempdir_in(&dir)
        .with_context(|| format!("creating a temporary directory in {}", dir.display()))?;
    let staged = staging.path().join(mitra_storage::sqlite::DATABASE_FILE);
    let source = reader.path().to_path_buf();
    let new_id = args
        .new_storage_id
        .then(|| StorageId::new(uuid::Uuid::new_v4().to_string()));
    let prepared = staged.clone();
    let storage_id = tokio::task::spawn_blocking(move || {
        prepare_restored_file(&source, &prepared, new_id.as_ref())
    })
    .await
    .context("preparing the restored database")??;
    store::sync_file_and_dir(&staged)?;
    // A write-ahead log or its index left next to the new file would be
    // replayed into it: remove them first.
    for suffix in ["-wal", "-shm"] {
        let mut leftover = database.as_os_str().to_owned();
        leftover.push(suffix);
        let leftover = PathBuf::from(leftover);
        if leftover.exists() {
            std::fs::remove_file(&leftover)
                .with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    std::fs::rename(&staged, database)
        .with_context(|| format!("moving the restored database to {}", database.display()))?;
    store::sync_dir(&dir)?;
    Ok(storage_id)
}

/// Copies the backup to `staged` and makes it a plain `mitra.sqlite3`:
/// without the backup table, with a new storage id if asked.
fn prepare_restored_file(
    backup: &Path,
    staged: &Path,
    new_id: Option<&StorageId>,
) -> anyhow::Result<StorageId> {
    std::fs::copy(backup, staged)
        .with_context(|| format!("copying {} to {}", backup.display(), staged.display()))?;
    let conn = Connection::open_with_flags(
        staged,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // A plain mitra.sqlite3 given as the backup may be in WAL mode.
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.execute_batch("DROP TABLE IF EXISTS mitra_backup")?;
    // The access control goes to its own file; compact so that its password
    // and token hashes do not linger in free pages of the documents' file.
    let had_access: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [access_backup::TABLE],
            |row| row.get(0),
        )
        .optional()?;
    if had_access.is_some() {
        conn.execute_batch(&format!("DROP TABLE {}; VACUUM;", access_backup::TABLE))?;
    }
    if let Some(id) = new_id {
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'storage_id'",
            [id.as_str()],
        )?;
    }
    let id: String = conn.query_row(
        "SELECT value FROM meta WHERE key = 'storage_id'",
        [],
        |row| row.get(0),
    )?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(StorageId::new(id))
}

/// Restores into a non-SQLite backend through the `Storage` trait.
async fn restore_through_trait(
    args: &RestoreArgs,
    reader: &SqliteReader,
    target: &std::sync::Arc<dyn mitra_storage::Storage>,
    shown: &str,
) -> anyhow::Result<transfer::Copied> {
    let existing = target
        .list_documents()
        .await
        .with_context(|| format!("listing the documents in {shown}"))?;
    if !existing.is_empty() && !args.force {
        bail!(
            "{shown} already holds {} document(s); restore into an empty store, or pass --force to merge the backup into it",
            existing.len()
        );
    }
    let (copied, failures) = transfer::copy_all(&Source::File(reader.clone()), target).await?;
    if !failures.is_empty() {
        bail!(
            "{} document(s) could not be restored into {shown}:{}",
            failures.len(),
            transfer::describe_failures(&failures)
        );
    }
    Ok(copied)
}

/// Every document of the backup in `target` with the same heads, and no
/// other (or, `merged` into a target with documents of its own, every
/// document with at least the backup's changes).
async fn check_restored(
    target: &std::sync::Arc<dyn mitra_storage::Storage>,
    expected: &BTreeMap<DocumentId, Heads>,
    merged: bool,
) -> anyhow::Result<Vec<Failure>> {
    let mut failures = Vec::new();
    if !merged {
        let stored = target
            .list_documents()
            .await
            .context("listing the restored documents")?;
        for id in stored.iter().filter(|id| !expected.contains_key(id)) {
            failures.push(Failure {
                id: *id,
                reason: "in the restored store but not in the backup".into(),
            });
        }
    }
    let mut checks = futures_util::stream::iter(expected)
        .map(|(id, heads)| async move {
            let checked = transfer::contains_heads(target, id, heads)
                .await
                .with_context(|| format!("reading {} back", id.url()));
            (id, heads, checked)
        })
        .buffer_unordered(CONCURRENCY);
    while let Some((id, heads, checked)) = checks.next().await {
        let (contains, found) = checked?;
        let same = if merged { contains } else { &found == heads };
        if !same {
            failures.push(Failure {
                id: *id,
                reason: format!(
                    "heads {} instead of {}",
                    transfer::show_heads(&found),
                    transfer::show_heads(heads)
                ),
            });
        }
    }
    failures.sort_by_key(|f| f.id);
    Ok(failures)
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
