//! The PostgreSQL backend, for operators who already run PostgreSQL (or want
//! the database on another machine than Mitra). PostgreSQL 11 or later;
//! connections are plain TCP or a unix socket (no TLS yet).
//!
//! It keeps exactly the semantics of the SQLite backend: a document is an
//! optional snapshot plus change chunks with increasing sequence numbers,
//! compaction swaps atomically, sync states are keyed by (document, peer
//! storage id), the storage id is created on first open, and every method
//! is durable when it returns `Ok`: each write is one transaction, and its
//! `COMMIT` is answered only once PostgreSQL has flushed it
//! (`synchronous_commit` is never turned off; a connection whose database
//! default is `off` is switched back `on`).
//!
//! # Layout
//!
//! Tables carry a `mitra_` prefix so the database may be shared:
//!
//! - `mitra_schema_version(version, applied_at)`: one row per applied
//!   migration.
//! - `mitra_meta(key, value)`: the storage id (a UUID v4).
//! - `mitra_chunks(document, seq, bytes)`: appended chunks; `seq` comes from
//!   one identity sequence, so it increases per document and is never
//!   reused, even after compaction deleted every chunk of a document.
//! - `mitra_snapshots(document, bytes)` and
//!   `mitra_sync_states(document, peer, bytes)`.
//!
//! # Migrations
//!
//! [`PostgresStorage::open`] runs the missing migrations in one transaction
//! that first takes a transaction-scoped advisory lock, so two servers
//! starting at once neither race nor create two storage ids: the second
//! waits, then finds everything done. A database whose schema is newer than
//! [`SCHEMA_VERSION`] is refused.
//!
//! # Concurrency and connections
//!
//! A pool (`deadpool-postgres`, at most [`POOL_SIZE`] connections) runs
//! calls concurrently; PostgreSQL group-commits concurrent transactions by
//! itself. Appends and compactions of one document take a per-document
//! advisory lock inside their transaction, so one document's chunks commit
//! in sequence order and a reader never sees a later chunk before an earlier
//! one (which compaction could otherwise delete unseen). `load` is one
//! statement, hence one consistent view of snapshot and chunks.
//!
//! Every pooled connection is verified before use and dropped if the
//! database closed it, so after an outage the pool reconnects by itself.
//! Connection failures are [`StorageError::Unavailable`]; every call is
//! bounded by [`OPERATION_TIMEOUT`] ([`CHECK_TIMEOUT`] for `check`).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{
    Hook, HookError, Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use mitra_protocol::{DocumentId, StorageId};
use tokio::sync::Semaphore;
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use crate::url::redact_url;
use crate::{ChunkSeq, Storage, StorageError, StoredDocument};

/// The schema version this code writes (the highest row of
/// `mitra_schema_version`).
pub const SCHEMA_VERSION: i32 = 1;

/// Most connections the pool opens.
pub const POOL_SIZE: usize = 16;

/// How long opening one connection may take (unless the URL sets
/// `connect_timeout`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest any call (waiting for a connection included) may take
/// before it fails with [`StorageError::Unavailable`].
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest [`Storage::check`] may take (it answers readiness probes).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// The advisory lock (two-key form, a key space apart from the per-document
/// locks) that serialises migrations: "mitr", 1.
const MIGRATION_LOCK: (i32, i32) = (0x6d69_7472, 1);

/// Permits of the gate every call passes; `close` takes them all.
const GATE_PERMITS: u32 = 1 << 24;

/// Migrations in order: entry `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the initial schema.
    "CREATE TABLE mitra_meta (
         key   TEXT PRIMARY KEY,
         value TEXT NOT NULL
     );
     CREATE TABLE mitra_chunks (
         document TEXT NOT NULL,
         seq      BIGINT GENERATED ALWAYS AS IDENTITY,
         bytes    BYTEA NOT NULL,
         PRIMARY KEY (document, seq)
     );
     CREATE TABLE mitra_snapshots (
         document TEXT PRIMARY KEY,
         bytes    BYTEA NOT NULL
     );
     CREATE TABLE mitra_sync_states (
         document TEXT NOT NULL,
         peer     TEXT NOT NULL,
         bytes    BYTEA NOT NULL,
         PRIMARY KEY (document, peer)
     );",
];

/// Snapshot (with a NULL seq, first) and chunks in one statement, so one
/// consistent view even while a compaction commits.
const LOAD: &str = "SELECT seq, bytes FROM ( \
         SELECT NULL::BIGINT AS seq, bytes FROM mitra_snapshots WHERE document = $1 \
         UNION ALL \
         SELECT seq, bytes FROM mitra_chunks WHERE document = $1 \
     ) AS stored ORDER BY seq NULLS FIRST";

/// Serialises writes of one document (until the transaction ends).
const LOCK_DOCUMENT: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

/// The PostgreSQL implementation of [`Storage`].
///
/// Cheap to share behind an `Arc`; all methods take `&self`.
pub struct PostgresStorage {
    storage_id: StorageId,
    /// The URL without its password.
    url: String,
    pool: Pool,
    /// Every call holds one permit; `close` takes them all, then closes it.
    gate: Semaphore,
    /// Writes accepted and not answered yet.
    writes: AtomicUsize,
}

/// Counts one write as pending for as long as it lives.
struct Pending<'a>(&'a AtomicUsize);

impl<'a> Pending<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Pending(counter)
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PostgresStorage {
    /// Connects to the database `url` names
    /// (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAMS]`, as
    /// `tokio-postgres` reads it), runs the missing migrations and makes sure
    /// a storage id exists.
    ///
    /// Fails with [`StorageError::Unavailable`] when the database cannot be
    /// reached (starting later may succeed), and with
    /// [`StorageError::Open`] when the URL is invalid, a migration fails or
    /// the schema is newer than this code knows. No message contains the
    /// password.
    pub async fn open(url: &str) -> Result<PostgresStorage, StorageError> {
        let shown = redact_url(url);
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StorageError::Open(format!("{shown}: {}", describe(&e))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("mitra");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(OPERATION_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .post_create(Hook::async_fn(|client, _| {
                Box::pin(async move {
                    // Never weaker than a local flush at commit, whatever
                    // the database's default says.
                    client
                        .batch_execute(
                            "SELECT set_config('synchronous_commit', 'on', false) \
                             WHERE current_setting('synchronous_commit') = 'off'",
                        )
                        .await
                        .map_err(HookError::Backend)
                })
            }))
            .build()
            .map_err(|e| StorageError::Open(format!("{shown}: creating the pool: {e}")))?;

        let opening = async {
            let client = pool
                .get()
                .await
                .map_err(|e| at_open(&shown, pool_error("connecting", e)))?;
            migrate(client, &shown).await
        };
        let storage_id = match tokio::time::timeout(OPERATION_TIMEOUT, opening).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(StorageError::Unavailable(format!(
                    "{shown}: opening took longer than {OPERATION_TIMEOUT:?}"
                )));
            }
        };

        tracing::info!(url = %shown, storage_id = %storage_id, "opened postgres storage");
        Ok(PostgresStorage {
            storage_id: StorageId::new(storage_id),
            url: shown,
            pool,
            gate: Semaphore::new(GATE_PERMITS as usize),
            writes: AtomicUsize::new(0),
        })
    }

    /// The URL this storage was opened with, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Writes accepted but not answered yet (waiting for a connection or
    /// being committed). A gauge for metrics.
    pub fn pending_writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    /// Stops accepting calls, waits for every call already accepted to
    /// finish (each is bounded by [`OPERATION_TIMEOUT`]), then closes the
    /// pool's connections. Afterwards every call returns
    /// [`StorageError::Closed`]. Calling it again does nothing.
    pub async fn close(&self) {
        // The semaphore is fair: calls arriving after this queue behind it
        // and fail once the gate is closed.
        if let Ok(all) = self.gate.acquire_many(GATE_PERMITS).await {
            self.gate.close();
            drop(all);
            self.pool.close();
            tracing::info!(url = %self.url, "closed postgres storage");
        }
    }

    /// Runs `work` on a pooled connection within `limit`, behind the gate.
    async fn run<T, F, Fut>(
        &self,
        what: &str,
        limit: Duration,
        write: bool,
        work: F,
    ) -> Result<T, StorageError>
    where
        F: FnOnce(Object) -> Fut,
        Fut: Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let _pending = write.then(|| Pending::new(&self.writes));
        let _permit = self
            .gate
            .acquire()
            .await
            .map_err(|_| StorageError::Closed)?;
        let call = async {
            let client = self.pool.get().await.map_err(|e| pool_error(what, e))?;
            work(client).await.map_err(|e| pg_error(what, &e))
        };
        match tokio::time::timeout(limit, call).await {
            Ok(result) => result,
            Err(_) => Err(StorageError::Unavailable(format!(
                "{what}: no answer from the database within {limit:?}"
            ))),
        }
    }
}

impl fmt::Debug for PostgresStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.pool.status();
        f.debug_struct("PostgresStorage")
            .field("url", &self.url)
            .field("storage_id", &self.storage_id)
            .field("connections", &status.size)
            .field("idle", &status.available)
            .field("pending_writes", &self.pending_writes())
            .field("closed", &self.gate.is_closed())
            .finish()
    }
}

#[async_trait]
impl Storage for PostgresStorage {
    fn storage_id(&self) -> &StorageId {
        &self.storage_id
    }

    async fn load(&self, document: &DocumentId) -> Result<Option<StoredDocument>, StorageError> {
        let key = document.to_string();
        let what = format!("loading document {key}");
        let rows = self
            .run(&what, OPERATION_TIMEOUT, false, |client| async move {
                let statement = client.prepare_cached(LOAD).await?;
                let rows = client.query(&statement, &[&key]).await?;
                rows.iter()
                    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .collect::<Result<Vec<(Option<ChunkSeq>, Vec<u8>)>, tokio_postgres::Error>>()
            })
            .await?;
        let mut stored = StoredDocument::default();
        for (seq, bytes) in rows {
            match seq {
                None if stored.snapshot.is_none() && stored.chunks.is_empty() => {
                    stored.snapshot = Some(bytes);
                }
                None => return Err(StorageError::Corrupt(format!("{what}: two snapshots"))),
                Some(seq) => stored.chunks.push((seq, bytes)),
            }
        }
        if stored.snapshot.is_none() && stored.chunks.is_empty() {
            Ok(None)
        } else {
            Ok(Some(stored))
        }
    }

    async fn append(
        &self,
        document: &DocumentId,
        bytes: Vec<u8>,
    ) -> Result<ChunkSeq, StorageError> {
        let key = document.to_string();
        let what = format!("appending to document {key}");
        self.run(&what, OPERATION_TIMEOUT, true, |mut client| async move {
            let tx = client.transaction().await?;
            let lock = tx.prepare_cached(LOCK_DOCUMENT).await?;
            tx.execute(&lock, &[&key]).await?;
            let insert = tx
                .prepare_cached(
                    "INSERT INTO mitra_chunks (document, bytes) VALUES ($1, $2) RETURNING seq",
                )
                .await?;
            let seq: ChunkSeq = tx.query_one(&insert, &[&key, &bytes]).await?.try_get(0)?;
            tx.commit().await?;
            Ok(seq)
        })
        .await
    }

    async fn compact(
        &self,
        document: &DocumentId,
        snapshot: Vec<u8>,
        through: ChunkSeq,
    ) -> Result<(), StorageError> {
        let key = document.to_string();
        let what = format!("compacting document {key}");
        self.run(&what, OPERATION_TIMEOUT, true, |mut client| async move {
            let tx = client.transaction().await?;
            let lock = tx.prepare_cached(LOCK_DOCUMENT).await?;
            tx.execute(&lock, &[&key]).await?;
            let upsert = tx
                .prepare_cached(
                    "INSERT INTO mitra_snapshots (document, bytes) VALUES ($1, $2) \
                     ON CONFLICT (document) DO UPDATE SET bytes = excluded.bytes",
                )
                .await?;
            tx.execute(&upsert, &[&key, &snapshot]).await?;
            let delete = tx
                .prepare_cached("DELETE FROM mitra_chunks WHERE document = $1 AND seq <= $2")
                .await?;
            tx.execute(&delete, &[&key, &through]).await?;
            tx.commit().await
        })
        .await
    }

    async fn load_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        let key = document.to_string();
        let peer = peer.as_str().to_owned();
        let what = format!("loading sync state of {peer} for {key}");
        self.run(&what, OPERATION_TIMEOUT, false, |client| async move {
            let select = client
                .prepare_cached(
                    "SELECT bytes FROM mitra_sync_states WHERE document = $1 AND peer = $2",
                )
                .await?;
            match client.query_opt(&select, &[&key, &peer]).await? {
                Some(row) => Ok(Some(row.try_get(0)?)),
                None => Ok(None),
            }
        })
        .await
    }

    async fn list_sync_states(
        &self,
        document: &DocumentId,
    ) -> Result<Vec<(StorageId, Vec<u8>)>, StorageError> {
        let key = document.to_string();
        let what = format!("listing sync states for {key}");
        self.run(&what, OPERATION_TIMEOUT, false, |client| async move {
            let select = client
                .prepare_cached(
                    "SELECT peer, bytes FROM mitra_sync_states WHERE document = $1 ORDER BY peer",
                )
                .await?;
            let rows = client.query(&select, &[&key]).await?;
            rows.iter()
                .map(|row| {
                    Ok((
                        StorageId::new(row.try_get::<_, String>(0)?),
                        row.try_get(1)?,
                    ))
                })
                .collect()
        })
        .await
    }

    async fn save_sync_state(
        &self,
        document: &DocumentId,
        peer: &StorageId,
        state: Vec<u8>,
    ) -> Result<(), StorageError> {
        let key = document.to_string();
        let peer = peer.as_str().to_owned();
        let what = format!("saving sync state of {peer} for {key}");
        self.run(&what, OPERATION_TIMEOUT, true, |client| async move {
            let upsert = client
                .prepare_cached(
                    "INSERT INTO mitra_sync_states (document, peer, bytes) VALUES ($1, $2, $3) \
                     ON CONFLICT (document, peer) DO UPDATE SET bytes = excluded.bytes",
                )
                .await?;
            client.execute(&upsert, &[&key, &peer, &state]).await?;
            Ok(())
        })
        .await
    }

    async fn list_documents(&self) -> Result<Vec<DocumentId>, StorageError> {
        let keys = self
            .run(
                "listing documents",
                OPERATION_TIMEOUT,
                false,
                |client| async move {
                    let select = client
                        .prepare_cached(
                            "SELECT document FROM mitra_snapshots \
                         UNION SELECT document FROM mitra_chunks ORDER BY document",
                        )
                        .await?;
                    client
                        .query(&select, &[])
                        .await?
                        .iter()
                        .map(|row| row.try_get::<_, String>(0))
                        .collect::<Result<Vec<_>, _>>()
                },
            )
            .await?;
        keys.iter()
            .map(|key| {
                key.parse::<DocumentId>()
                    .map_err(|e| StorageError::Corrupt(format!("stored document id {key:?}: {e}")))
            })
            .collect()
    }

    async fn check(&self) -> Result<(), StorageError> {
        let (stored, read_only, synchronous_commit) = self
            .run(
                "checking storage",
                CHECK_TIMEOUT,
                false,
                |client| async move {
                    let select = client
                        .prepare_cached(
                            "SELECT (SELECT value FROM mitra_meta WHERE key = 'storage_id'), \
                         current_setting('transaction_read_only'), \
                         current_setting('synchronous_commit')",
                        )
                        .await?;
                    let row = client.query_one(&select, &[]).await?;
                    Ok((
                        row.try_get::<_, Option<String>>(0)?,
                        row.try_get::<_, String>(1)?,
                        row.try_get::<_, String>(2)?,
                    ))
                },
            )
            .await?;
        if stored.as_deref() != Some(self.storage_id.as_str()) {
            return Err(StorageError::Corrupt(format!(
                "storage id changed under us: expected {}, found {stored:?}",
                self.storage_id
            )));
        }
        if read_only != "off" {
            return Err(StorageError::Unavailable(
                "the database is read-only (a standby, or default_transaction_read_only)".into(),
            ));
        }
        if synchronous_commit == "off" {
            return Err(StorageError::Database(
                "synchronous_commit is off: commits would not be durable".into(),
            ));
        }
        Ok(())
    }

    fn pending_writes(&self) -> usize {
        PostgresStorage::pending_writes(self)
    }

    async fn close(&self) {
        PostgresStorage::close(self).await;
    }
}

/// Brings the schema up to [`SCHEMA_VERSION`] and makes sure a storage id
/// exists, in one transaction under the migration lock. Returns the id.
async fn migrate(mut client: Object, shown: &str) -> Result<String, StorageError> {
    let fail = |what: &str, e: tokio_postgres::Error| at_open(shown, pg_error(what, &e));
    let tx = client
        .transaction()
        .await
        .map_err(|e| fail("beginning the migration", e))?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
    )
    .await
    .map_err(|e| fail("taking the migration lock", e))?;
    let versioned: bool = tx
        .query_one(
            "SELECT to_regclass('mitra_schema_version') IS NOT NULL",
            &[],
        )
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| fail("looking for mitra_schema_version", e))?;
    if !versioned {
        tx.batch_execute(
            "CREATE TABLE mitra_schema_version (
                 version    INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(|e| fail("creating mitra_schema_version", e))?;
    }
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM mitra_schema_version",
            &[],
        )
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| fail("reading the schema version", e))?;
    if current > SCHEMA_VERSION {
        return Err(StorageError::Open(format!(
            "{shown}: schema version {current} is newer than this Mitra supports \
             ({SCHEMA_VERSION}); run a newer Mitra"
        )));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let to = from as i32 + 1;
        let what = format!("migrating the schema from version {from} to {to}");
        tx.batch_execute(sql).await.map_err(|e| fail(&what, e))?;
        tx.execute(
            "INSERT INTO mitra_schema_version (version) VALUES ($1)",
            &[&to],
        )
        .await
        .map_err(|e| fail(&what, e))?;
        tracing::info!(from, to, "migrated postgres schema");
    }
    let stored: Option<String> = tx
        .query_opt("SELECT value FROM mitra_meta WHERE key = 'storage_id'", &[])
        .await
        .and_then(|row| row.map(|row| row.try_get(0)).transpose())
        .map_err(|e| fail("reading the storage id", e))?;
    let storage_id = match stored {
        Some(id) if !id.is_empty() => id,
        Some(_) => {
            return Err(StorageError::Corrupt(format!(
                "{shown}: the stored storage id is empty"
            )));
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO mitra_meta (key, value) VALUES ('storage_id', $1)",
                &[&id],
            )
            .await
            .map_err(|e| fail("creating the storage id", e))?;
            tracing::info!(storage_id = %id, "created a new storage id");
            id
        }
    };
    let fsync: String = tx
        .query_one("SELECT current_setting('fsync')", &[])
        .await
        .and_then(|row| row.try_get(0))
        .map_err(|e| fail("reading fsync", e))?;
    tx.commit()
        .await
        .map_err(|e| fail("committing the migration", e))?;
    if fsync != "on" {
        tracing::warn!(url = %shown,
            "the PostgreSQL server runs with fsync=off: a crash of its machine can lose \
             changes Mitra already showed");
    }
    Ok(storage_id)
}

/// While opening, a failure other than an unreachable database is an open error.
fn at_open(shown: &str, error: StorageError) -> StorageError {
    match error {
        StorageError::Unavailable(msg) => StorageError::Unavailable(format!("{shown}: {msg}")),
        StorageError::Database(msg) => StorageError::Open(format!("{shown}: {msg}")),
        other => other,
    }
}

/// Maps a pool error (no connection to be had) to a storage error.
fn pool_error(what: &str, error: PoolError) -> StorageError {
    match error {
        PoolError::Backend(e) => pg_error(what, &e),
        PoolError::PostCreateHook(HookError::Backend(e)) => pg_error(what, &e),
        PoolError::Closed => StorageError::Closed,
        PoolError::Timeout(kind) => StorageError::Unavailable(format!(
            "{what}: timed out waiting for a database connection ({kind:?})"
        )),
        other => StorageError::Database(format!("{what}: {other}")),
    }
}

/// Maps a driver error: a lost or refused connection, or a database shutting
/// down or overloaded, is [`StorageError::Unavailable`]; anything else is
/// [`StorageError::Database`].
fn pg_error(what: &str, error: &tokio_postgres::Error) -> StorageError {
    let message = format!("{what}: {}", describe(error));
    if is_unavailable(error) {
        StorageError::Unavailable(message)
    } else {
        StorageError::Database(message)
    }
}

fn is_unavailable(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    if let Some(code) = error.code() {
        let code = code.code();
        return code.starts_with("08") // connection exception
            || code.starts_with("53") // insufficient resources (too many connections)
            || *code == *SqlState::ADMIN_SHUTDOWN.code()
            || *code == *SqlState::CRASH_SHUTDOWN.code()
            || *code == *SqlState::CANNOT_CONNECT_NOW.code();
    }
    // No server error: the socket failed, the connection timed out or the
    // connection ended.
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    error.to_string().contains("timeout")
}

/// The error with its causes (the driver's `Display` shows only the kind).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
