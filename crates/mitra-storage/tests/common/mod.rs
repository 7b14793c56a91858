//! Shared by the storage tests: the backends to run each test against, and
//! a fresh PostgreSQL database per test.
//!
//! PostgreSQL tests use the server named by `MITRA_TEST_POSTGRES_URL`
//! (`scripts/with-postgres.sh` starts a throwaway one and sets it). Each test
//! creates its own database there, so tests run in parallel, and drops it at
//! the end. Without the variable the PostgreSQL tests say they are skipped
//! and pass, except when `CI` is set: then they fail, so CI can never skip
//! them silently.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::Arc;

use mitra_protocol::DocumentId;
use mitra_storage::{Storage, StorageUrl};
use tokio_postgres::NoTls;

/// The variable naming the PostgreSQL server the tests may use.
pub const POSTGRES_URL_VAR: &str = "MITRA_TEST_POSTGRES_URL";

/// A document id for tests.
pub fn doc(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

/// True when running in CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The PostgreSQL server URL for `test`, or `None` (after saying so) when the
/// test is to be skipped. Panics when the variable is missing in CI.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if in_ci() => panic!(
            "{POSTGRES_URL_VAR} is not set, and CI is: the PostgreSQL tests must run in CI. \
             Run the tests through scripts/with-postgres.sh."
        ),
        _ => {
            // Straight to stderr, past the test harness's capture, so a
            // skip is always visible.
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: {POSTGRES_URL_VAR} is not set \
                 (run through scripts/with-postgres.sh to include PostgreSQL)"
            );
            None
        }
    }
}

/// `url` naming the database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (base, query) = match rest.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (rest, None),
    };
    let authority = base
        .split_once('/')
        .map_or(base, |(authority, _)| authority);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

/// Connects a plain client (its connection driven by a spawned task).
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test server: {e}"));
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A fresh, empty database on the test server, dropped with this value.
pub struct TestDatabase {
    /// The server URL the tests were given (for creating and dropping).
    pub server_url: String,
    /// The database's name.
    pub name: String,
    /// The URL of this database.
    pub url: String,
}

impl TestDatabase {
    /// Creates a database for `test`, or `None` when PostgreSQL tests are skipped.
    pub async fn create(test: &str) -> Option<TestDatabase> {
        let server_url = postgres_url(test)?;
        let name = format!("mitra_test_{:016x}", rand_u64());
        connect(&server_url)
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("creating database {name}: {e:?}"));
        let url = with_database(&server_url, &name);
        Some(TestDatabase {
            server_url,
            name,
            url,
        })
    }

    /// A plain client on this database (for looking behind the storage's back).
    pub async fn client(&self) -> tokio_postgres::Client {
        connect(&self.url).await
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server_url = self.server_url.clone();
        let name = self.name.clone();
        // Drop may run inside a runtime: do the async work on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&server_url, NoTls)
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .map_err(|e| e.to_string())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

fn rand_u64() -> u64 {
    // A v4 UUID's random bits, to avoid another dependency.
    uuid::Uuid::new_v4().as_u64_pair().0
}

/// One store of one backend: a test opens (and reopens) it through
/// `mitra_storage::open`, as the server does.
pub enum Backend {
    /// SQLite in a temporary data directory.
    Sqlite(tempfile::TempDir),
    /// A fresh PostgreSQL database.
    Postgres(TestDatabase),
}

impl Backend {
    /// A fresh SQLite store.
    pub fn sqlite() -> Backend {
        Backend::Sqlite(tempfile::tempdir().expect("temporary directory"))
    }

    /// A fresh PostgreSQL store, or `None` when PostgreSQL tests are skipped.
    pub async fn postgres(test: &str) -> Option<Backend> {
        TestDatabase::create(test).await.map(Backend::Postgres)
    }

    /// Another fresh, empty store of the same backend.
    pub async fn another(&self) -> Backend {
        match self {
            Backend::Sqlite(_) => Backend::sqlite(),
            Backend::Postgres(_) => Backend::postgres("another store")
                .await
                .expect("PostgreSQL is available"),
        }
    }

    /// The storage URL of this store.
    pub fn url(&self) -> StorageUrl {
        match self {
            Backend::Sqlite(dir) => StorageUrl::sqlite(dir.path()),
            Backend::Postgres(db) => db.url.parse().expect("a valid postgres URL"),
        }
    }

    /// Opens the store (again).
    pub async fn open(&self) -> Arc<dyn Storage> {
        mitra_storage::open(&self.url())
            .await
            .unwrap_or_else(|e| panic!("opening {}: {e}", self.url()))
    }
}
