//! What the data commands (`backup`, `restore`, `migrate-storage`,
//! `export-partnership`) share: naming a store on the command line, opening
//! it without creating one by mistake, loading documents strictly, and
//! reading Mitra's SQLite files (a live `mitra.sqlite3` or a backup file)
//! directly.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::{Context, bail};
use automerge::{Automerge, ChangeHash, LoadOptions, OnPartialLoad, ReadDoc, VerificationMode};
use mitra_protocol::{DocumentId, StorageId};
use mitra_storage::sqlite::DATABASE_FILE;
use mitra_storage::{Storage, StorageUrl, StoredDocument};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

/// How long a direct SQLite connection waits for a lock the server holds
/// for a moment (a commit).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema version of `mitra.sqlite3` this code reads directly
/// (`PRAGMA user_version`; see `mitra_storage::sqlite` for the layout).
const READABLE_SCHEMA_VERSION: i64 = 1;

/// Where a command finds (or puts) documents: `--data-dir DIR` for the
/// embedded SQLite database, or `--storage URL` for any backend.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct StorageArgs {
    /// Data directory of the embedded SQLite database (the same as
    /// `--storage sqlite://DIR`).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The storage URL, as `mitra serve` takes it (`sqlite://DATA_DIR`, or
    /// another backend's URL).
    #[arg(long, value_name = "URL")]
    storage: Option<StorageUrl>,
}

impl StorageArgs {
    /// The storage these arguments name.
    pub fn url(&self) -> anyhow::Result<StorageUrl> {
        match (&self.data_dir, &self.storage) {
            (Some(dir), None) => Ok(StorageUrl::sqlite(dir)),
            (None, Some(url)) => Ok(url.clone()),
            _ => bail!("give exactly one of --data-dir and --storage"),
        }
    }
}

/// The SQLite database file behind `url`, when it is the SQLite backend.
pub fn sqlite_file(url: &StorageUrl) -> Option<PathBuf> {
    match url {
        StorageUrl::Sqlite(dir) => Some(dir.join(DATABASE_FILE)),
        _ => None,
    }
}

/// The data directory behind `url`, when it is the SQLite backend.
pub fn sqlite_dir(url: &StorageUrl) -> Option<PathBuf> {
    match url {
        StorageUrl::Sqlite(dir) => Some(dir.clone()),
        _ => None,
    }
}

/// `url` for messages: `StorageUrl`'s `Display`, which never shows a
/// password (`postgres://user:***@host/db`).
pub fn redacted(url: &StorageUrl) -> String {
    url.to_string()
}

/// Opens the store at `url`, which must already exist: a SQLite data
/// directory without `mitra.sqlite3` is refused rather than created.
pub async fn open_existing(url: &StorageUrl) -> anyhow::Result<Arc<dyn Storage>> {
    if let Some(file) = sqlite_file(url)
        && !file.is_file()
    {
        bail!(
            "there is no Mitra database at {} (no {DATABASE_FILE}); check --data-dir",
            file.parent().unwrap_or(&file).display()
        );
    }
    open(url).await
}

/// Opens (creating if needed) the store at `url`.
pub async fn open(url: &StorageUrl) -> anyhow::Result<Arc<dyn Storage>> {
    mitra_storage::open(url)
        .await
        .with_context(|| format!("opening {}", redacted(url)))
}

/// Refuses when another process (a running `mitra serve`) has the SQLite
/// database `file` open: such a process holds a shared lock on the file for
/// as long as it has it open, so an exclusive lock is granted only when
/// nobody else has.
pub fn ensure_not_in_use(file: &Path) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", file.display()))?;
    let locked = conn
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .and_then(|()| conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;"));
    match locked {
        Ok(()) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            bail!(
                "{} is in use by another process (is `mitra serve` running on it?); stop it first",
                file.display()
            )
        }
        Err(e) => Err(e).with_context(|| format!("locking {}", file.display())),
    }
}

/// A document's heads, sorted (so two documents' heads compare with `==`).
pub type Heads = Vec<ChangeHash>;

/// Loads a stored document strictly: the snapshot and every chunk must
/// parse completely with valid checksums, and no change may miss a
/// dependency. (The server's own loading skips a damaged tail to keep
/// serving; a backup, restore or migration must notice it instead.)
pub fn load_document(stored: &StoredDocument) -> Result<Automerge, String> {
    let mut bytes = Vec::with_capacity(stored.total_bytes());
    if let Some(snapshot) = &stored.snapshot {
        bytes.extend_from_slice(snapshot);
    }
    for (_, chunk) in &stored.chunks {
        bytes.extend_from_slice(chunk);
    }
    let doc = Automerge::load_with_options(
        &bytes,
        LoadOptions::new()
            .on_partial_load(OnPartialLoad::Error)
            .verification_mode(VerificationMode::Check),
    )
    .map_err(|e| format!("automerge cannot load it: {e}"))?;
    let missing = doc.get_missing_deps(&[]);
    if !missing.is_empty() {
        return Err(format!(
            "{} change(s) it depends on are missing (e.g. {})",
            missing.len(),
            missing[0]
        ));
    }
    Ok(doc)
}

/// The sorted heads of a strictly loaded document.
pub fn heads(doc: &Automerge) -> Heads {
    let mut heads = doc.get_heads();
    heads.sort();
    heads
}

/// Reads a Mitra SQLite file directly, read-only: a live `mitra.sqlite3`
/// (next to a running server, thanks to WAL) or a backup file. The layout
/// is the one documented in `mitra_storage::sqlite`.
#[derive(Clone)]
pub struct SqliteReader {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl SqliteReader {
    /// Opens `path` read-only and checks it is a Mitra database this version
    /// can read. Errors say what the file is instead.
    pub fn open(path: &Path) -> anyhow::Result<SqliteReader> {
        let shown = path.display();
        if !path.is_file() {
            bail!("{shown} does not exist or is not a file");
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("opening {shown}"))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .with_context(|| format!("opening {shown}"))?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| unreadable(path, &e))?;
        if version > READABLE_SCHEMA_VERSION {
            bail!(
                "{shown} was written by a newer Mitra (schema version {version}; this one reads {READABLE_SCHEMA_VERSION})"
            );
        }
        if version < 1 {
            return Err(not_mitra(path, "it has no Mitra schema"));
        }
        let storage_id: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'storage_id'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| unreadable(path, &e))?;
        if storage_id.is_none_or(|id| id.is_empty()) {
            return Err(not_mitra(path, "it has no storage id"));
        }
        Ok(SqliteReader {
            path: path.to_path_buf(),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with the connection on the blocking thread pool.
    pub async fn with<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&SqliteReader, &mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = Arc::clone(&this.conn);
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&this, &mut conn)
        })
        .await
        .context("a database read task failed")?
    }

    /// Runs SQLite's `quick_check` (the file's pages and b-trees are sound).
    pub fn quick_check(&self, conn: &Connection) -> anyhow::Result<()> {
        let mut stmt = conn
            .prepare("PRAGMA quick_check")
            .map_err(|e| self.damaged(&e.to_string()))?;
        let findings = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.damaged(&e.to_string()))?;
        if findings.len() == 1 && findings[0] == "ok" {
            Ok(())
        } else {
            Err(self.damaged(&findings.join("; ")))
        }
    }

    /// The storage id recorded in the file.
    pub fn storage_id(&self, conn: &Connection) -> anyhow::Result<StorageId> {
        let id: String = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'storage_id'",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.damaged(&e.to_string()))?;
        Ok(StorageId::new(id))
    }

    /// Every stored document, in id order.
    pub fn documents(&self, conn: &Connection) -> anyhow::Result<Vec<DocumentId>> {
        let keys: Vec<String> = conn
            .prepare_cached(
                "SELECT document FROM snapshots UNION SELECT document FROM chunks ORDER BY document",
            )
            .and_then(|mut stmt| {
                stmt.query_map([], |row| row.get(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| self.damaged(&e.to_string()))?;
        keys.iter()
            .map(|key| {
                key.parse::<DocumentId>()
                    .map_err(|e| self.damaged(&format!("stored document id {key:?}: {e}")))
            })
            .collect()
    }

    /// A document's snapshot and chunks, read in one transaction.
    pub fn load(
        &self,
        conn: &mut Connection,
        id: &DocumentId,
    ) -> anyhow::Result<Option<StoredDocument>> {
        let key = id.to_string();
        let damaged = |e: rusqlite::Error| self.damaged(&format!("reading {}: {e}", id.url()));
        let tx = conn.transaction().map_err(damaged)?;
        let snapshot: Option<Vec<u8>> = tx
            .prepare_cached("SELECT bytes FROM snapshots WHERE document = ?1")
            .and_then(|mut stmt| stmt.query_row([&key], |row| row.get(0)).optional())
            .map_err(damaged)?;
        let chunks = tx
            .prepare_cached("SELECT seq, bytes FROM chunks WHERE document = ?1 ORDER BY seq")
            .and_then(|mut stmt| {
                stmt.query_map([&key], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(damaged)?;
        tx.finish().map_err(damaged)?;
        Ok(if snapshot.is_none() && chunks.is_empty() {
            None
        } else {
            Some(StoredDocument { snapshot, chunks })
        })
    }

    /// Peers' saved sync states for a document, by peer storage id.
    pub fn sync_states(
        &self,
        conn: &Connection,
        id: &DocumentId,
    ) -> anyhow::Result<Vec<(StorageId, Vec<u8>)>> {
        conn.prepare_cached("SELECT peer, bytes FROM sync_states WHERE document = ?1 ORDER BY peer")
            .and_then(|mut stmt| {
                stmt.query_map([id.to_string()], |row| {
                    Ok((StorageId::new(row.get::<_, String>(0)?), row.get(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| self.damaged(&format!("reading sync states of {}: {e}", id.url())))
    }

    /// How many sync states the file holds in all.
    pub fn count_sync_states(&self, conn: &Connection) -> anyhow::Result<u64> {
        conn.query_row("SELECT count(*) FROM sync_states", [], |row| {
            row.get::<_, i64>(0)
        })
        .map(|n| n.max(0).unsigned_abs())
        .map_err(|e| self.damaged(&e.to_string()))
    }

    fn damaged(&self, what: &str) -> anyhow::Error {
        anyhow::anyhow!("{} is damaged: {what}", self.path.display())
    }
}

/// Why `path` could not be read as a Mitra database: damaged, or not one.
fn unreadable(path: &Path, error: &rusqlite::Error) -> anyhow::Error {
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) {
        anyhow::anyhow!("{} is damaged: {error}", path.display())
    } else {
        not_mitra(path, &error.to_string())
    }
}

fn not_mitra(path: &Path, why: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is not a Mitra database or backup: {why}",
        path.display()
    )
}

/// Replaces the storage id recorded in the SQLite database `file` (which
/// nobody may have open).
pub fn set_sqlite_storage_id(file: &Path, id: &StorageId) -> anyhow::Result<()> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", file.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let updated = conn
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'storage_id'",
            [id.as_str()],
        )
        .with_context(|| format!("setting the storage id in {}", file.display()))?;
    if updated != 1 {
        bail!("{} has no storage id to replace", file.display());
    }
    conn.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("closing {}", file.display()))
}

/// Makes a file's contents and its directory entry durable.
pub fn sync_file_and_dir(file: &Path) -> anyhow::Result<()> {
    std::fs::File::open(file)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", file.display()))?;
    sync_dir(file.parent().unwrap_or(Path::new(".")))
}

/// Makes a directory's entries durable (a rename into it, say).
pub fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing directory {}", dir.display()))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The current time as RFC 3339 UTC (`2025-01-31T09:30:00Z`).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        let url: StorageUrl = "postgres://mitra:s3cret@127.0.0.1:5432/mitra"
            .parse()
            .unwrap();
        assert_eq!(redacted(&url), "postgres://mitra:***@127.0.0.1:5432/mitra");
    }

    #[test]
    fn strict_loading_refuses_damaged_or_incomplete_documents() {
        use automerge::transaction::Transactable;
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "k", "v").unwrap();
        let first = doc.save();
        doc.put(automerge::ROOT, "k", "w").unwrap();
        let second = doc.save_incremental();
        doc.put(automerge::ROOT, "k", "x").unwrap();
        let third = doc.save_incremental();
        let stored = |snapshot: Option<&Vec<u8>>, chunks: &[&Vec<u8>]| StoredDocument {
            snapshot: snapshot.cloned(),
            chunks: chunks
                .iter()
                .enumerate()
                .map(|(i, c)| (i as i64 + 1, (*c).clone()))
                .collect(),
        };

        let good = load_document(&stored(Some(&first), &[&second, &third])).unwrap();
        let mut expected = doc.get_heads();
        expected.sort();
        assert_eq!(heads(&good), expected);

        // A flipped byte: the checksum fails.
        let mut flipped = third.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xFF;
        let err = load_document(&stored(Some(&first), &[&second, &flipped])).unwrap_err();
        assert!(err.contains("cannot load"), "{err}");

        // A chunk cut short.
        let cut = third[..third.len() / 2].to_vec();
        assert!(load_document(&stored(Some(&first), &[&second, &cut])).is_err());

        // A change whose predecessor is not stored.
        let err = load_document(&stored(Some(&first), &[&third])).unwrap_err();
        assert!(err.contains("missing"), "{err}");
        assert!(load_document(&stored(None, &[&second])).is_err());
    }
}
