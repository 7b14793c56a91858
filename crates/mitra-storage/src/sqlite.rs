//! The embedded SQLite backend: one file, `mitra.sqlite3`, in the data directory.
//!
//! # Layout
//!
//! - `meta(key, value)`: the storage id (a UUID v4 created on first open) and
//!   `next_seq`, the next chunk sequence number to hand out.
//! - `chunks(document, seq, bytes)`: appended change chunks, primary key
//!   `(document, seq)`.
//! - `snapshots(document, bytes)`: one compacted snapshot per document.
//! - `sync_states(document, peer, bytes)`: peers' saved sync states, primary
//!   key `(document, peer)`.
//!
//! Documents are keyed by their bs58check text form, peers by their storage
//! id string. The schema is versioned with `PRAGMA user_version` and migrated
//! forward on open; a database from a newer Mitra is refused.
//!
//! # Writes: one writer thread, group commit
//!
//! Every write (`append`, `compact`, `save_sync_state`, and the probe of
//! `check`) is sent over a bounded channel to a dedicated writer thread that
//! owns the only write connection. The writer takes one request, drains every
//! request already queued (up to [`MAX_BATCH`]), runs them all in one
//! `BEGIN IMMEDIATE` transaction and commits once (`synchronous=FULL`, so one
//! fsync), and only then answers each request. If anything in the batch fails,
//! the whole transaction is rolled back and every request in it gets the
//! error, so nothing of a failed batch is visible.
//!
//! Chunk sequence numbers come from one global counter kept in `meta`, so they
//! increase per document and are never reused, even after compaction has
//! deleted every chunk of a document.
//!
//! # Reads
//!
//! Reads run on a small pool of read-only connections inside
//! [`tokio::task::spawn_blocking`]; WAL mode lets them proceed while the
//! writer commits, and each `load` reads inside one transaction so it sees a
//! consistent snapshot-plus-chunks pair even while a compaction commits.
//!
//! # Shutdown
//!
//! [`SqliteStorage::close`] (or dropping the storage) closes the channel; the
//! writer finishes the requests already queued and exits. Afterwards every
//! call returns [`StorageError::Closed`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use async_trait::async_trait;
use mitra_protocol::{DocumentId, StorageId};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use tokio::sync::{mpsc, oneshot};

use crate::{ChunkSeq, Storage, StorageError, StoredDocument};

/// Name of the database file inside the data directory.
pub const DATABASE_FILE: &str = "mitra.sqlite3";

/// Most write requests the writer folds into one transaction.
pub const MAX_BATCH: usize = 512;

/// Capacity of the queue in front of the writer; callers wait (asynchronously)
/// when it is full, which is the backpressure on writes.
pub const WRITE_QUEUE_CAPACITY: usize = 1024;

/// How long a connection waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 8;

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

/// Migrations in order: entry `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the initial schema.
    "CREATE TABLE meta (
         key   TEXT PRIMARY KEY NOT NULL,
         value ANY NOT NULL
     ) STRICT;
     CREATE TABLE chunks (
         document TEXT NOT NULL,
         seq      INTEGER NOT NULL,
         bytes    BLOB NOT NULL,
         PRIMARY KEY (document, seq)
     ) STRICT;
     CREATE TABLE snapshots (
         document TEXT PRIMARY KEY NOT NULL,
         bytes    BLOB NOT NULL
     ) STRICT;
     CREATE TABLE sync_states (
         document TEXT NOT NULL,
         peer     TEXT NOT NULL,
         bytes    BLOB NOT NULL,
         PRIMARY KEY (document, peer)
     ) STRICT;
     INSERT INTO meta (key, value) VALUES ('next_seq', 1);",
];

/// The embedded SQLite implementation of [`Storage`].
///
/// Cheap to share behind an `Arc`; all methods take `&self`.
pub struct SqliteStorage {
    storage_id: StorageId,
    path: PathBuf,
    shared: Arc<Shared>,
    /// The writer's queue; `None` once closed.
    sender: Mutex<Option<mpsc::Sender<Request>>>,
    /// The writer thread; taken (and joined) by `close`.
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// State shared by the handle, read tasks and the writer thread.
struct Shared {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    commits: AtomicU64,
    /// Requests the writer has taken off the queue but not answered yet.
    in_writer: AtomicUsize,
    closed: AtomicBool,
}

/// One write for the writer thread, answered once committed (or failed).
struct Request {
    op: WriteOp,
    /// Receives the chunk sequence number for appends, 0 for everything else.
    reply: oneshot::Sender<Result<ChunkSeq, StorageError>>,
}

enum WriteOp {
    Append {
        document: String,
        bytes: Vec<u8>,
    },
    Compact {
        document: String,
        snapshot: Vec<u8>,
        through: ChunkSeq,
    },
    SaveSyncState {
        document: String,
        peer: String,
        state: Vec<u8>,
    },
    /// Does nothing; proves the writer is alive and can take the write lock.
    Ping,
}

impl SqliteStorage {
    /// Opens (creating if needed) the database `mitra.sqlite3` in `data_dir`,
    /// creating the directory too, migrates its schema, and starts the writer
    /// thread.
    ///
    /// Fails with [`StorageError::Open`] when the directory or file cannot be
    /// created or opened, the schema cannot be migrated, or the database was
    /// written by a newer version; with [`StorageError::Corrupt`] when the
    /// stored metadata is malformed.
    pub async fn open(data_dir: &Path) -> Result<SqliteStorage, StorageError> {
        let data_dir = data_dir.to_path_buf();
        let opened = tokio::task::spawn_blocking(move || open_blocking(&data_dir))
            .await
            .map_err(|e| StorageError::Open(format!("opening task failed: {e}")))??;
        let Opened {
            path,
            conn,
            storage_id,
            next_seq,
        } = opened;

        let shared = Arc::new(Shared {
            path: path.clone(),
            readers: Mutex::new(Vec::new()),
            commits: AtomicU64::new(0),
            in_writer: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        });
        let (sender, receiver) = mpsc::channel(WRITE_QUEUE_CAPACITY);
        let writer_shared = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("mitra-sqlite-writer".into())
            .spawn(move || run_writer(conn, receiver, &writer_shared, next_seq))
            .map_err(|e| StorageError::Open(format!("starting the writer thread: {e}")))?;

        tracing::info!(path = %path.display(), storage_id = %storage_id, "opened sqlite storage");
        Ok(SqliteStorage {
            storage_id: StorageId::new(storage_id),
            path,
            shared,
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
        })
    }

    /// The database file (`<data_dir>/mitra.sqlite3`), for operators' tools
    /// such as backups.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many transactions the writer has committed so far. With group
    /// commit this grows more slowly than the number of writes.
    pub fn commit_count(&self) -> u64 {
        self.shared.commits.load(Ordering::Relaxed)
    }

    /// Writes accepted but not answered yet: waiting in the writer's queue
    /// or in the transaction being committed. A gauge for metrics.
    pub fn pending_writes(&self) -> usize {
        let queued = lock(&self.sender)
            .as_ref()
            .map_or(0, |s| s.max_capacity().saturating_sub(s.capacity()));
        queued + self.shared.in_writer.load(Ordering::SeqCst)
    }

    /// Stops accepting calls, lets the writer finish every request already
    /// queued, and waits for the writer thread to exit. Afterwards every call
    /// returns [`StorageError::Closed`]. Calling it again does nothing (a
    /// second, concurrent call does not wait for the first to finish).
    ///
    /// Dropping the storage has the same effect except that it does not wait.
    pub async fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        drop(lock(&self.sender).take());
        let writer = lock(&self.writer).take();
        if let Some(writer) = writer {
            match tokio::task::spawn_blocking(move || writer.join()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => tracing::error!("sqlite writer thread panicked"),
                Err(e) => tracing::error!(error = %e, "waiting for the sqlite writer failed"),
            }
            tracing::info!(path = %self.path.display(), "closed sqlite storage");
        }
        lock(&self.shared.readers).clear();
    }

    /// Sends one write to the writer and waits until it is committed.
    async fn write(&self, op: WriteOp) -> Result<ChunkSeq, StorageError> {
        let sender = lock(&self.sender).clone().ok_or(StorageError::Closed)?;
        let (reply, answer) = oneshot::channel();
        sender
            .send(Request { op, reply })
            .await
            .map_err(|_| StorageError::Closed)?;
        drop(sender);
        answer.await.map_err(|_| StorageError::Closed)?
    }

    /// Runs `f` on a pooled read connection on the blocking thread pool.
    async fn read<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
    {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(StorageError::Closed);
        }
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let mut conn = match lock(&shared.readers).pop() {
                Some(conn) => conn,
                None => open_reader(&shared.path)?,
            };
            let result = f(&mut conn);
            // A connection left inside a transaction (it should not happen)
            // is not reused.
            if conn.is_autocommit() && !shared.closed.load(Ordering::SeqCst) {
                let mut readers = lock(&shared.readers);
                if readers.len() < MAX_IDLE_READERS {
                    readers.push(conn);
                }
            }
            result
        })
        .await
        .map_err(|e| {
            if e.is_cancelled() {
                StorageError::Closed
            } else {
                StorageError::Database(format!("read task failed: {e}"))
            }
        })?
    }
}

impl fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("path", &self.path)
            .field("storage_id", &self.storage_id)
            .field("commits", &self.commit_count())
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .finish()
    }
}

#[async_trait]
impl Storage for SqliteStorage {
    fn storage_id(&self) -> &StorageId {
        &self.storage_id
    }

    async fn load(&self, document: &DocumentId) -> Result<Option<StoredDocument>, StorageError> {
        let key = document.to_string();
        self.read(move |conn| {
            let context = |e| db_error(&format!("loading document {key}"), e);
            // One read transaction, so a concurrent compaction is seen either
            // entirely or not at all.
            let tx = conn.transaction().map_err(context)?;
            let snapshot: Option<Vec<u8>> = tx
                .prepare_cached("SELECT bytes FROM snapshots WHERE document = ?1")
                .and_then(|mut stmt| stmt.query_row([&key], |row| row.get(0)).optional())
                .map_err(context)?;
            let chunks = tx
                .prepare_cached("SELECT seq, bytes FROM chunks WHERE document = ?1 ORDER BY seq")
                .and_then(|mut stmt| {
                    stmt.query_map([&key], |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect::<Result<Vec<(ChunkSeq, Vec<u8>)>, _>>()
                })
                .map_err(context)?;
            tx.finish().map_err(context)?;
            if snapshot.is_none() && chunks.is_empty() {
                Ok(None)
            } else {
                Ok(Some(StoredDocument { snapshot, chunks }))
            }
        })
        .await
    }

    async fn append(
        &self,
        document: &DocumentId,
        bytes: Vec<u8>,
    ) -> Result<ChunkSeq, StorageError> {
        self.write(WriteOp::Append {
            document: document.to_string(),
            bytes,
        })
        .await
    }

    async fn compact(
        &self,
        document: &DocumentId,
        snapshot: Vec<u8>,
        through: ChunkSeq,
    ) -> Result<(), StorageError> {
        self.write(WriteOp::Compact {
            document: document.to_string(),
            snapshot,
            through,
        })
        .await
        .map(drop)
    }

    async fn load_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        let key = document.to_string();
        let peer = peer.as_str().to_owned();
        self.read(move |conn| {
            conn.prepare_cached("SELECT bytes FROM sync_states WHERE document = ?1 AND peer = ?2")
                .and_then(|mut stmt| {
                    stmt.query_row(params![key, peer], |row| row.get(0))
                        .optional()
                })
                .map_err(|e| db_error(&format!("loading sync state of {peer} for {key}"), e))
        })
        .await
    }

    async fn list_sync_states(
        &self,
        document: &DocumentId,
    ) -> Result<Vec<(StorageId, Vec<u8>)>, StorageError> {
        let key = document.to_string();
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT peer, bytes FROM sync_states WHERE document = ?1 ORDER BY peer",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![key], |row| {
                    Ok((StorageId::new(row.get::<_, String>(0)?), row.get(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| db_error(&format!("listing sync states for {key}"), e))
        })
        .await
    }

    async fn save_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
        state: Vec<u8>,
    ) -> Result<(), StorageError> {
        self.write(WriteOp::SaveSyncState {
            document: document.to_string(),
            peer: peer.as_str().to_owned(),
            state,
        })
        .await
        .map(drop)
    }

    async fn list_documents(&self) -> Result<Vec<DocumentId>, StorageError> {
        self.read(|conn| {
            let keys = conn
                .prepare_cached(
                    "SELECT document FROM snapshots UNION SELECT document FROM chunks \
                     ORDER BY document",
                )
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| row.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(|e| db_error("listing documents", e))?;
            keys.iter()
                .map(|key| {
                    key.parse::<DocumentId>().map_err(|e| {
                        StorageError::Corrupt(format!("stored document id {key:?}: {e}"))
                    })
                })
                .collect()
        })
        .await
    }

    async fn check(&self) -> Result<(), StorageError> {
        let expected = self.storage_id.as_str().to_owned();
        self.read(move |conn| {
            let stored = read_storage_id(conn).map_err(|e| db_error("checking storage", e))?;
            if stored.as_deref() == Some(expected.as_str()) {
                Ok(())
            } else {
                Err(StorageError::Corrupt(format!(
                    "storage id changed under us: expected {expected}, found {stored:?}"
                )))
            }
        })
        .await?;
        self.write(WriteOp::Ping).await.map(drop)
    }

    fn pending_writes(&self) -> usize {
        SqliteStorage::pending_writes(self)
    }

    async fn close(&self) {
        SqliteStorage::close(self).await;
    }
}

/// What the blocking part of `open` hands back.
struct Opened {
    path: PathBuf,
    conn: Connection,
    storage_id: String,
    next_seq: ChunkSeq,
}

fn open_blocking(data_dir: &Path) -> Result<Opened, StorageError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        StorageError::Open(format!(
            "creating data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    let path = data_dir.join(DATABASE_FILE);
    let open_error = |what: &str, e: rusqlite::Error| {
        StorageError::Open(format!("{}: {what}: {e}", path.display()))
    };

    let mut conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error("opening database", e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| open_error("setting busy_timeout", e))?;
    let journal_mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(|e| open_error("setting journal_mode=WAL", e))?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(StorageError::Open(format!(
            "{}: journal_mode is {journal_mode}, WAL is required",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(|e| open_error("setting synchronous=FULL", e))?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(|e| open_error("enabling foreign_keys", e))?;

    migrate(&mut conn).map_err(|e| match e {
        MigrateError::Sqlite(what, e) => open_error(&what, e),
        MigrateError::TooNew(found) => StorageError::Open(format!(
            "{}: schema version {found} is newer than this Mitra supports ({SCHEMA_VERSION})",
            path.display()
        )),
    })?;

    let storage_id = ensure_storage_id(&mut conn).map_err(|e| match e {
        StorageError::Database(msg) => StorageError::Open(format!("{}: {msg}", path.display())),
        other => other,
    })?;
    let next_seq = load_next_seq(&conn)?;

    Ok(Opened {
        path,
        conn,
        storage_id,
        next_seq,
    })
}

enum MigrateError {
    Sqlite(String, rusqlite::Error),
    TooNew(i64),
}

/// Brings the schema up to [`SCHEMA_VERSION`], one transaction per step.
fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let sqlite = |what: &str| {
        let what = what.to_owned();
        move |e| MigrateError::Sqlite(what, e)
    };
    let current: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(sqlite("reading user_version"))?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::TooNew(current));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let to = from as i64 + 1;
        let what = format!("migrating schema from version {from} to {to}");
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite(&what))?;
        tx.execute_batch(sql).map_err(sqlite(&what))?;
        tx.pragma_update(None, "user_version", to)
            .map_err(sqlite(&what))?;
        tx.commit().map_err(sqlite(&what))?;
        tracing::info!(from, to, "migrated sqlite schema");
    }
    Ok(())
}

fn read_storage_id(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM meta WHERE key = 'storage_id'",
        [],
        |row| row.get::<_, rusqlite::types::Value>(0),
    )
    .optional()
    .map(|value| match value {
        Some(rusqlite::types::Value::Text(id)) => Some(id),
        // Anything else is reported as a mismatch / corruption by callers.
        Some(_) => Some(String::new()),
        None => None,
    })
}

/// Returns the storage id, creating it (a UUID v4) if this is the first open.
fn ensure_storage_id(conn: &mut Connection) -> Result<String, StorageError> {
    let context = |e| db_error("reading the storage id", e);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(context)?;
    let id = match read_storage_id(&tx).map_err(context)? {
        Some(id) if !id.is_empty() => id,
        Some(_) => {
            return Err(StorageError::Corrupt(
                "the stored storage id is not a non-empty text".into(),
            ));
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('storage_id', ?1)",
                [&id],
            )
            .map_err(context)?;
            tracing::info!(storage_id = %id, "created a new storage id");
            id
        }
    };
    tx.commit().map_err(context)?;
    Ok(id)
}

/// The next chunk sequence number: the stored counter, but never at or below
/// a sequence number already present.
fn load_next_seq(conn: &Connection) -> Result<ChunkSeq, StorageError> {
    let stored: Option<ChunkSeq> = conn
        .query_row("SELECT value FROM meta WHERE key = 'next_seq'", [], |row| {
            row.get(0)
        })
        .optional()
        .map_err(|e| db_error("reading next_seq", e))?;
    let stored = stored.ok_or_else(|| StorageError::Corrupt("next_seq is missing".into()))?;
    let max: Option<ChunkSeq> = conn
        .query_row("SELECT max(seq) FROM chunks", [], |row| row.get(0))
        .map_err(|e| db_error("reading the largest chunk seq", e))?;
    Ok(match max {
        Some(max) => stored.max(max.saturating_add(1)),
        None => stored,
    })
}

fn open_reader(path: &Path) -> Result<Connection, StorageError> {
    let context = |e| db_error(&format!("opening read connection to {}", path.display()), e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(context)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(context)?;
    conn.pragma_update(None, "query_only", true)
        .map_err(context)?;
    Ok(conn)
}

/// The writer thread: batches queued requests into one transaction each.
fn run_writer(
    mut conn: Connection,
    mut receiver: mpsc::Receiver<Request>,
    shared: &Shared,
    mut next_seq: ChunkSeq,
) {
    let mut batch: Vec<Request> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = receiver.blocking_recv() {
        shared.in_writer.fetch_add(1, Ordering::SeqCst);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(request) => {
                    shared.in_writer.fetch_add(1, Ordering::SeqCst);
                    batch.push(request);
                }
                Err(_) => break,
            }
        }
        let taken = batch.len();
        let before = next_seq;
        let outcome = commit_batch(&mut conn, &batch, &mut next_seq);
        // No longer pending once committed (or failed): counted down before
        // anyone is answered, so a caller never sees its own write pending.
        shared.in_writer.fetch_sub(taken, Ordering::SeqCst);
        match outcome {
            Ok(results) => {
                shared.commits.fetch_add(1, Ordering::Relaxed);
                tracing::trace!(writes = batch.len(), "sqlite batch committed");
                for (request, result) in batch.drain(..).zip(results) {
                    // The caller may have given up waiting; the write stands.
                    let _ = request.reply.send(Ok(result));
                }
            }
            Err(error) => {
                next_seq = before;
                tracing::error!(writes = batch.len(), error = %error, "sqlite batch failed; rolled back");
                for request in batch.drain(..) {
                    let _ = request.reply.send(Err(duplicate(&error)));
                }
            }
        }
    }
    tracing::debug!("sqlite writer queue closed; writer exiting");
    if let Err((_, e)) = conn.close() {
        tracing::warn!(error = %e, "closing the sqlite write connection");
    }
}

/// Runs every request of `batch` in one transaction and commits it.
fn commit_batch(
    conn: &mut Connection,
    batch: &[Request],
    next_seq: &mut ChunkSeq,
) -> Result<Vec<ChunkSeq>, StorageError> {
    let first_seq = *next_seq;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| db_error("beginning a write transaction", e))?;
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        results.push(apply(&tx, &request.op, next_seq)?);
    }
    if *next_seq != first_seq {
        tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'next_seq'")
            .and_then(|mut stmt| stmt.execute([*next_seq]))
            .map_err(|e| db_error("advancing next_seq", e))?;
    }
    tx.commit()
        .map_err(|e| db_error(&format!("committing {} writes", batch.len()), e))?;
    Ok(results)
}

/// Executes one write inside the batch transaction.
fn apply(
    tx: &rusqlite::Transaction<'_>,
    op: &WriteOp,
    next_seq: &mut ChunkSeq,
) -> Result<ChunkSeq, StorageError> {
    match op {
        WriteOp::Append { document, bytes } => {
            let seq = *next_seq;
            *next_seq = seq
                .checked_add(1)
                .ok_or_else(|| StorageError::Corrupt("chunk sequence numbers exhausted".into()))?;
            tx.prepare_cached("INSERT INTO chunks (document, seq, bytes) VALUES (?1, ?2, ?3)")
                .and_then(|mut stmt| stmt.execute(params![document, seq, bytes]))
                .map_err(|e| db_error(&format!("appending to document {document}"), e))?;
            Ok(seq)
        }
        WriteOp::Compact {
            document,
            snapshot,
            through,
        } => {
            let context = |e| db_error(&format!("compacting document {document}"), e);
            tx.prepare_cached(
                "INSERT INTO snapshots (document, bytes) VALUES (?1, ?2) \
                 ON CONFLICT (document) DO UPDATE SET bytes = excluded.bytes",
            )
            .and_then(|mut stmt| stmt.execute(params![document, snapshot]))
            .map_err(context)?;
            tx.prepare_cached("DELETE FROM chunks WHERE document = ?1 AND seq <= ?2")
                .and_then(|mut stmt| stmt.execute(params![document, through]))
                .map_err(context)?;
            Ok(0)
        }
        WriteOp::SaveSyncState {
            document,
            peer,
            state,
        } => {
            tx.prepare_cached(
                "INSERT INTO sync_states (document, peer, bytes) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (document, peer) DO UPDATE SET bytes = excluded.bytes",
            )
            .and_then(|mut stmt| stmt.execute(params![document, peer, state]))
            .map_err(|e| db_error(&format!("saving sync state of {peer} for {document}"), e))?;
            Ok(0)
        }
        WriteOp::Ping => Ok(0),
    }
}

fn db_error(context: &str, error: rusqlite::Error) -> StorageError {
    StorageError::Database(format!("{context}: {error}"))
}

/// A copy of `error` for each request of a failed batch (the type is not `Clone`).
fn duplicate(error: &StorageError) -> StorageError {
    match error {
        StorageError::Open(msg) => StorageError::Open(msg.clone()),
        StorageError::Database(msg) => StorageError::Database(msg.clone()),
        StorageError::Io(e) => StorageError::Io(std::io::Error::new(e.kind(), e.to_string())),
        StorageError::Closed => StorageError::Closed,
        StorageError::Corrupt(msg) => StorageError::Corrupt(msg.clone()),
        StorageError::Unavailable(msg) => StorageError::Unavailable(msg.clone()),
    }
}

/// Locks a mutex, ignoring poisoning (the guarded data stays consistent:
/// every critical section here is a single take/push/clone).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn doc(n: u8) -> DocumentId {
        DocumentId::from_bytes([n; 16])
    }

    async fn open(dir: &tempfile::TempDir) -> SqliteStorage {
        SqliteStorage::open(dir.path()).await.unwrap()
    }

    #[tokio::test]
    async fn the_database_file_lives_in_the_data_directory() {
        // The backend-agnostic storage tests are in tests/storage_suite.rs;
        // these are SQLite's own.
        let dir = tempfile::tempdir().unwrap();
        let storage = open(&dir).await;
        assert_eq!(storage.path(), dir.path().join(DATABASE_FILE));
        assert!(storage.path().exists());
        storage.close().await;
    }

    #[tokio::test]
    async fn open_creates_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        let storage = SqliteStorage::open(&nested).await.unwrap();
        assert!(nested.join(DATABASE_FILE).exists());
        storage.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_appends_are_group_committed() {
        const DOCS: u8 = 20;
        const PER_DOC: usize = 10;
        const TOTAL: usize = DOCS as usize * PER_DOC;

        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(open(&dir).await);
        let commits_before = storage.commit_count();

        // Stand in for a slow disk: another connection holds the write lock
        // until every append is queued, so the outcome does not depend on
        // how fast this machine's fsync is.
        let blocker = Connection::open(storage.path()).unwrap();
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();

        let mut tasks = Vec::new();
        for d in 0..DOCS {
            for i in 0..PER_DOC {
                let storage = Arc::clone(&storage);
                tasks.push(tokio::spawn(async move {
                    let bytes = format!("doc {d} chunk {i}").into_bytes();
                    let seq = storage.append(&doc(d), bytes.clone()).await.unwrap();
                    (d, seq, bytes)
                }));
            }
        }
        // The writer has taken the first append(s) and waits for the lock;
        // wait until every append is either queued or in its batch.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while storage.pending_writes() < TOTAL {
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {TOTAL} appends reached the writer",
                storage.pending_writes()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        blocker.execute_batch("COMMIT").unwrap();

        let mut written: Vec<Vec<(ChunkSeq, Vec<u8>)>> = vec![Vec::new(); DOCS as usize];
        for task in tasks {
            let (d, seq, bytes) = task.await.unwrap();
            written[d as usize].push((seq, bytes));
        }
        let commits = storage.commit_count() - commits_before;
        assert!(
            commits < TOTAL as u64,
            "{TOTAL} appends took {commits} commits"
        );
        // The batch already taken when the lock was held, then the rest.
        assert!(commits <= 2, "{TOTAL} appends took {commits} commits");

        for d in 0..DOCS {
            let mut expected = std::mem::take(&mut written[d as usize]);
            expected.sort();
            let loaded = storage.load(&doc(d)).await.unwrap().unwrap();
            assert_eq!(loaded.chunks, expected);
        }
        let mut all: Vec<ChunkSeq> = Vec::new();
        for d in 0..DOCS {
            let loaded = storage.load(&doc(d)).await.unwrap().unwrap();
            all.extend(loaded.chunks.iter().map(|(seq, _)| *seq));
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), TOTAL, "sequence numbers are unique");
        storage.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn failed_batch_fails_every_request_and_leaves_nothing() {
        const TOTAL: usize = 20;
        let dir = tempfile::tempdir().unwrap();
        let storage = Arc::new(open(&dir).await);
        let before = storage.append(&doc(0), b"before".to_vec()).await.unwrap();

        // A trigger makes one poisoned append fail inside the batch.
        let blocker = Connection::open(storage.path()).unwrap();
        blocker
            .execute_batch(
                "CREATE TRIGGER poison BEFORE INSERT ON chunks WHEN NEW.bytes = x'FF' \
                 BEGIN SELECT RAISE(ABORT, 'poisoned'); END;",
            )
            .unwrap();
        // Hold the write lock so all requests end up in one batch.
        blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut tasks = Vec::new();
        for i in 0..TOTAL {
            let storage = Arc::clone(&storage);
            let bytes = if i == TOTAL / 2 { vec![0xFF] } else { vec![1] };
            tasks.push(tokio::spawn(async move {
                let d = doc(1 + (i % 4) as u8);
                storage.append(&d, bytes).await
            }));
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while storage.pending_writes() < TOTAL {
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let commits_before = storage.commit_count();
        blocker.execute_batch("COMMIT").unwrap();

        let mut failed = 0;
        for task in tasks {
            match task.await.unwrap() {
                Err(StorageError::Database(msg)) => {
                    assert!(msg.contains("poisoned"), "{msg}");
                    failed += 1;
                }
                Ok(seq) => assert!(seq > before, "succeeded in an earlier batch"),
                Err(other) => panic!("unexpected error {other}"),
            }
        }
        // The poisoned append's whole batch failed (it may have been split
        // into the batch taken before the lock was released and the rest).
        assert!(failed >= 1);
        let mut stored = 0;
        for d in 1..=4 {
            if let Some(loaded) = storage.load(&doc(d)).await.unwrap() {
                stored += loaded.chunks.len();
            }
        }
        assert_eq!(
            stored,
            TOTAL - failed,
            "nothing of a failed batch is visible"
        );
        assert!(storage.commit_count() - commits_before <= 1);

        // The writer carries on, and sequence numbers still grow.
        blocker.execute_batch("DROP TRIGGER poison").unwrap();
        let after = storage.append(&doc(0), b"after".to_vec()).await.unwrap();
        assert!(after > before);
        let loaded = storage.load(&doc(0)).await.unwrap().unwrap();
        assert_eq!(
            loaded.chunks,
            vec![(before, b"before".to_vec()), (after, b"after".to_vec())]
        );
        storage.close().await;
    }

    #[tokio::test]
    async fn refuses_a_database_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let storage = open(&dir).await;
        let path = storage.path().to_path_buf();
        storage.close().await;
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        drop(conn);

        let err = SqliteStorage::open(dir.path()).await.unwrap_err();
        assert!(matches!(err, StorageError::Open(_)), "{err}");
    }

    #[tokio::test]
    async fn sets_the_durability_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let storage = open(&dir).await;
        let conn = Connection::open(storage.path()).unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        storage.close().await;
    }
}
