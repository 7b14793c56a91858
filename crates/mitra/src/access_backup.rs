//! Access control (`access.sqlite3`: users, partnerships, memberships,
//! tokens, invitations, which partnership owns each document, attribution
//! and the audit log) inside backup files.
//!
//! # In the backup file
//!
//! `mitra backup` takes a point-in-time copy of `access.sqlite3` with
//! SQLite's `VACUUM INTO` (one read transaction, next to a running server),
//! removes every session and any pending setup secret from the copy (a
//! restored store never revives a sign-in), compacts it so nothing removed
//! lingers in free pages, checks it, and stores the resulting database file
//! inside the backup file in the table [`TABLE`] `(seq, bytes)`, in chunks
//! of [`CHUNK_BYTES`], in order. The backup's `mitra_backup` table records
//! `access` (`included` or `none`), `access_bytes`, `access_sha256` (of
//! the whole database file) and `access_schema_version`.
//!
//! The copy is taken after the documents', so every document in the backup
//! has its owner in it (a document created in between has an owner in the
//! copy but is not in the backup, which is harmless).
//!
//! # Restoring
//!
//! `mitra restore` reassembles the file, checks its length, its SHA-256,
//! SQLite's `quick_check` and its schema version before anything is
//! written, then puts it in place as `access.sqlite3` (staged in the data
//! directory and renamed), again without sessions, and opens it once with
//! `mitra_access` (which migrates an older schema).

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use mitra_access::DATABASE_FILE;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::store;

/// The backup file's table holding the access database, in chunks.
pub const TABLE: &str = "mitra_backup_access";

/// Bytes of the access database per row of [`TABLE`].
pub const CHUNK_BYTES: usize = 4 << 20;

/// What an access database holds, for summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccessCounts {
    /// User accounts.
    pub users: u64,
    /// Partnerships.
    pub partnerships: u64,
    /// API tokens not revoked.
    pub active_tokens: u64,
    /// Documents given to a partnership.
    pub documents: u64,
}

impl AccessCounts {
    /// Whether nothing was ever set up in it (no user, partnership, token).
    pub fn is_empty(&self) -> bool {
        self.users == 0 && self.partnerships == 0 && self.active_tokens == 0
    }
}

impl fmt::Display for AccessCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} user(s), {} partnership(s), {} active API token(s), {} document owner(s)",
            self.users, self.partnerships, self.active_tokens, self.documents
        )
    }
}

/// A checked copy of an access database in a staging directory.
#[derive(Debug, Clone)]
pub struct AccessCopy {
    /// The database file.
    pub path: PathBuf,
    /// What it holds.
    pub counts: AccessCounts,
    /// Its schema version (`PRAGMA user_version`).
    pub schema_version: i64,
}

/// The access database file in `data_dir`, if there is one.
pub fn file_in(data_dir: &Path) -> Option<PathBuf> {
    let file = data_dir.join(DATABASE_FILE);
    file.is_file().then_some(file)
}

/// Takes a consistent copy of the access database `source` into `staging`
/// (blocking): `VACUUM INTO`, then without sessions or setup secret,
/// compacted and checked.
pub fn snapshot(source: &Path, staging: &Path) -> anyhow::Result<AccessCopy> {
    let shown = source.display();
    let conn = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening the access store {shown}"))?;
    conn.busy_timeout(store::BUSY_TIMEOUT)?;
    schema_version(&conn, source)?;
    let copy = staging.join(DATABASE_FILE);
    let target = copy
        .to_str()
        .with_context(|| format!("{} is not a UTF-8 path", copy.display()))?
        .to_owned();
    conn.execute("VACUUM INTO ?1", [&target])
        .with_context(|| format!("copying the access store {shown}"))?;
    drop(conn);
    let conn = Connection::open_with_flags(
        &copy,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", copy.display()))?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    forget_sign_ins(&conn).context("removing sessions from the copy of the access store")?;
    conn.execute_batch("VACUUM")
        .context("compacting the copy of the access store")?;
    let checked = check(&conn, &copy)?;
    conn.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("closing {}", copy.display()))?;
    Ok(checked)
}

/// Removes every session and a pending setup secret: neither a backup nor
/// a restored store may carry a way to act as someone without signing in
/// again.
fn forget_sign_ins(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM sessions;
         DELETE FROM meta WHERE key = 'setup_token_hash';",
    )
}

/// `quick_check`, the schema version and the counts of an access database.
fn check(conn: &Connection, path: &Path) -> anyhow::Result<AccessCopy> {
    let findings: Vec<String> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut stmt| {
            stmt.query_map([], |row| row.get(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .with_context(|| format!("checking {}", path.display()))?;
    if findings.len() != 1 || findings[0] != "ok" {
        bail!(
            "the access store copy {} is damaged: {}",
            path.display(),
            findings.join("; ")
        );
    }
    let schema_version = schema_version(conn, path)?;
    let counts = counts(conn).with_context(|| format!("reading {}", path.display()))?;
    Ok(AccessCopy {
        path: path.to_path_buf(),
        counts,
        schema_version,
    })
}

/// The schema version of an access database, which this Mitra must be able
/// to read.
fn schema_version(conn: &Connection, path: &Path) -> anyhow::Result<i64> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .with_context(|| format!("reading {}", path.display()))?;
    if version > mitra_access::SCHEMA_VERSION {
        bail!(
            "{} was written by a newer Mitra (access schema version {version}; this one reads up to {})",
            path.display(),
            mitra_access::SCHEMA_VERSION
        );
    }
    if version < 1 {
        bail!("{} is not a Mitra access store", path.display());
    }
    Ok(version)
}

fn counts(conn: &Connection) -> rusqlite::Result<AccessCounts> {
    let count = |sql: &str| {
        conn.query_row(sql, [], |row| row.get::<_, i64>(0))
            .map(|n| n.max(0).unsigned_abs())
    };
    Ok(AccessCounts {
        users: count("SELECT count(*) FROM users")?,
        partnerships: count("SELECT count(*) FROM partnerships")?,
        active_tokens: count("SELECT count(*) FROM tokens WHERE revoked_at IS NULL")?,
        documents: count("SELECT count(*) FROM documents")?,
    })
}

/// Stores `copy` in the backup file open on `conn` (blocking): the
/// [`TABLE`] rows and the `mitra_backup` entries describing them, which
/// are returned as `(key, value)`.
pub fn embed(conn: &Connection, copy: &AccessCopy) -> anyhow::Result<Vec<(&'static str, String)>> {
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS {TABLE};
         CREATE TABLE {TABLE} (seq INTEGER PRIMARY KEY, bytes BLOB NOT NULL) STRICT;"
    ))?;
    let mut file = std::fs::File::open(&copy.path)
        .with_context(|| format!("reading {}", copy.path.display()))?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut buffer = vec![0u8; CHUNK_BYTES];
    let mut insert = conn.prepare(&format!("INSERT INTO {TABLE} (seq, bytes) VALUES (?1, ?2)"))?;
    for seq in 1i64.. {
        let filled = read_full(&mut file, &mut buffer)
            .with_context(|| format!("reading {}", copy.path.display()))?;
        if filled == 0 {
            break;
        }
        let chunk = &buffer[..filled];
        hasher.update(chunk);
        total += filled as u64;
        insert.execute(rusqlite::params![seq, chunk])?;
        if filled < buffer.len() {
            break;
        }
    }
    Ok(vec![
        ("access", "included".to_owned()),
        ("access_bytes", total.to_string()),
        ("access_sha256", hex(&hasher.finalize())),
        ("access_schema_version", copy.schema_version.to_string()),
    ])
}

/// Reads until `buffer` is full or the end of the file; how much was read.
fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a backup's `mitra_backup` entries say it includes access
/// control.
pub fn included(info: Option<&std::collections::BTreeMap<String, String>>) -> bool {
    info.and_then(|i| i.get("access"))
        .is_some_and(|v| v == "included")
}

/// Reassembles the access database of the backup file open on `conn` into
/// `dir` (blocking) and checks it: its length and SHA-256 as recorded in
/// `info`, `quick_check`, a schema version this Mitra reads.
pub fn extract(
    conn: &Connection,
    info: &std::collections::BTreeMap<String, String>,
    backup: &Path,
    dir: &Path,
) -> anyhow::Result<AccessCopy> {
    let damaged = |what: String| anyhow::anyhow!("{} is damaged: {what}", backup.display());
    let expected_bytes: u64 = info
        .get("access_bytes")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| damaged("its access control has no recorded size".into()))?;
    let expected_sha = info
        .get("access_sha256")
        .ok_or_else(|| damaged("its access control has no recorded checksum".into()))?;
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [TABLE],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Err(damaged(format!(
            "it says it includes access control, but has no {TABLE} table"
        )));
    }
    let path = dir.join(DATABASE_FILE);
    let mut file =
        std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    restrict_permissions(&path)?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut stmt = conn.prepare(&format!("SELECT bytes FROM {TABLE} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows
        .next()
        .map_err(|e| damaged(format!("reading its access control: {e}")))?
    {
        let bytes: Vec<u8> = row
            .get(0)
            .map_err(|e| damaged(format!("reading its access control: {e}")))?;
        hasher.update(&bytes);
        total += bytes.len() as u64;
        file.write_all(&bytes)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    file.sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    drop(file);
    if total != expected_bytes || hex(&hasher.finalize()) != *expected_sha {
        return Err(damaged(format!(
            "its access control ({total} bytes) does not match its checksum"
        )));
    }
    let copy = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", path.display()))?;
    let checked = check(&copy, &path).map_err(|e| damaged(format!("its access control: {e:#}")))?;
    drop(copy);
    Ok(checked)
}

/// What an existing access database `file` holds (blocking). Refuses when
/// another process (a running `mitra serve`) has it open.
pub fn existing(file: &Path) -> anyhow::Result<AccessCounts> {
    store::ensure_not_in_use(file)?;
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", file.display()))?;
    conn.busy_timeout(store::BUSY_TIMEOUT)?;
    counts(&conn).with_context(|| format!("reading {}", file.display()))
}

/// Puts the checked copy `copy` in place as `dir/access.sqlite3`
/// (blocking): staged in `dir`, without sessions, synced, renamed over any
/// existing file (whose write-ahead log is removed first).
pub fn place(copy: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating data directory {}", dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".mitra-restore-access-")
        .tempdir_in(dir)
        .with_context(|| format!("creating a temporary directory in {}", dir.display()))?;
    let staged = staging.path().join(DATABASE_FILE);
    std::fs::copy(copy, &staged)
        .with_context(|| format!("copying {} to {}", copy.display(), staged.display()))?;
    restrict_permissions(&staged)?;
    let conn = Connection::open_with_flags(
        &staged,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {}", staged.display()))?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    forget_sign_ins(&conn).context("removing sessions from the restored access store")?;
    conn.close()
        .map_err(|(_, e)| e)
        .with_context(|| format!("closing {}", staged.display()))?;
    store::sync_file_and_dir(&staged)?;
    let target = dir.join(DATABASE_FILE);
    for suffix in ["-wal", "-shm"] {
        let mut leftover = target.as_os_str().to_owned();
        leftover.push(suffix);
        let leftover = PathBuf::from(leftover);
        if leftover.exists() {
            std::fs::remove_file(&leftover)
                .with_context(|| format!("removing {}", leftover.display()))?;
        }
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("moving the restored access store to {}", target.display()))?;
    store::sync_dir(dir)?;
    Ok(target)
}

/// Makes `path` readable by its owner only (it holds password hashes).
pub fn restrict_permissions(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("restricting the permissions of {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
