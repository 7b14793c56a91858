//! What only the PostgreSQL backend has: versioned migrations under an
//! advisory lock, refusing a newer schema, connection errors as typed
//! errors, a pool that recovers when its connections die, commit before
//! reply, and `synchronous_commit` kept on. The storage contract itself is
//! tested on both backends in `storage_suite.rs`.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{TestDatabase, doc};
use mitra_storage::postgres::SCHEMA_VERSION;
use mitra_storage::{PostgresStorage, Storage, StorageError, StorageUrl};

/// A fresh database for `test`, or return (skipped) when there is no server.
macro_rules! database {
    ($test:literal) => {
        match TestDatabase::create($test).await {
            Some(db) => db,
            None => return,
        }
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_opens_migrate_once_and_agree_on_the_storage_id() {
    let db = database!("concurrent_opens_migrate_once_and_agree_on_the_storage_id");
    let url = Arc::new(db.url.clone());
    let mut opens = Vec::new();
    for _ in 0..8 {
        let url = Arc::clone(&url);
        opens.push(tokio::spawn(
            async move { PostgresStorage::open(&url).await },
        ));
    }
    let mut ids = Vec::new();
    for open in opens {
        let storage = open.await.unwrap().unwrap_or_else(|e| panic!("{e}"));
        ids.push(storage.storage_id().clone());
        storage.close().await;
    }
    assert!(ids.iter().all(|id| id == &ids[0]), "{ids:?}");

    let client = db.client().await;
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM mitra_schema_version ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
    let stored_ids: i64 = client
        .query_one(
            "SELECT count(*) FROM mitra_meta WHERE key = 'storage_id'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored_ids, 1);
}

#[tokio::test]
async fn refuses_a_schema_newer_than_the_code() {
    let db = database!("refuses_a_schema_newer_than_the_code");
    let storage = PostgresStorage::open(&db.url).await.unwrap();
    storage.append(&doc(1), b"kept".to_vec()).await.unwrap();
    storage.close().await;
    db.client()
        .await
        .execute(
            "INSERT INTO mitra_schema_version (version) VALUES ($1)",
            &[&(SCHEMA_VERSION + 1)],
        )
        .await
        .unwrap();

    let error = PostgresStorage::open(&db.url).await.unwrap_err();
    assert!(matches!(error, StorageError::Open(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("schema version {}", SCHEMA_VERSION + 1))
            && message.contains("newer"),
        "{message}"
    );
    // Nothing was touched.
    let chunks: i64 = db
        .client()
        .await
        .query_one("SELECT count(*) FROM mitra_chunks", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(chunks, 1);
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable_and_the_password_never_shows() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let url = "postgres://mitra:s3cret-pw@127.0.0.1:1/mitra?connect_timeout=2";
    let started = std::time::Instant::now();
    let error = PostgresStorage::open(url).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(matches!(error, StorageError::Unavailable(_)), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("s3cret-pw"), "{shown}");
        assert!(shown.contains("127.0.0.1:1"), "{shown}");
    }
    // Through the URL type too.
    let parsed: StorageUrl = url.parse().unwrap();
    let error = mitra_storage::open(&parsed).await.err().unwrap();
    assert!(!error.to_string().contains("s3cret-pw"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_pool_recovers_when_the_database_drops_every_connection() {
    let db = database!("the_pool_recovers_when_the_database_drops_every_connection");
    let storage = Arc::new(PostgresStorage::open(&db.url).await.unwrap());
    // Concurrent calls, so the pool holds several connections.
    let mut warm = Vec::new();
    for i in 0..6u8 {
        let storage = Arc::clone(&storage);
        warm.push(tokio::spawn(async move {
            storage.append(&doc(i), vec![i]).await
        }));
    }
    for task in warm {
        task.await.unwrap().unwrap();
    }

    let admin = db.client().await;
    let killed: i64 = admin
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) AS k",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(killed >= 1, "the storage had connections to kill");

    // Every call works again at once: dead connections are not handed out.
    storage.check().await.unwrap();
    let seq = storage.append(&doc(1), b"after".to_vec()).await.unwrap();
    let loaded = storage.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.chunks.last(), Some(&(seq, b"after".to_vec())));
    assert_eq!(storage.list_documents().await.unwrap().len(), 6);
    storage.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_answer_only_after_commit_and_count_as_pending_meanwhile() {
    const WRITES: usize = 8;
    let db = database!("writes_answer_only_after_commit_and_count_as_pending_meanwhile");
    let storage = Arc::new(PostgresStorage::open(&db.url).await.unwrap());

    // Another session holds a lock every append needs, like a slow disk.
    let mut blocker = db.client().await;
    let blocking = blocker.transaction().await.unwrap();
    blocking
        .batch_execute("LOCK TABLE mitra_chunks IN EXCLUSIVE MODE")
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for i in 0..WRITES {
        let storage = Arc::clone(&storage);
        tasks.push(tokio::spawn(async move {
            storage.append(&doc(i as u8), vec![i as u8]).await
        }));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while storage.pending_writes() < WRITES {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        tasks.iter().all(|t| !t.is_finished()),
        "an append answered while it could not commit"
    );
    assert_eq!(storage.pending_writes(), WRITES);

    blocking.commit().await.unwrap();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(storage.pending_writes(), 0);
    assert_eq!(storage.list_documents().await.unwrap().len(), WRITES);
    storage.close().await;
}

#[tokio::test]
async fn synchronous_commit_stays_on_even_when_the_database_turns_it_off() {
    let db = database!("synchronous_commit_stays_on_even_when_the_database_turns_it_off");
    db.client()
        .await
        .batch_execute(&format!(
            "ALTER DATABASE {} SET synchronous_commit = off",
            db.name
        ))
        .await
        .unwrap();
    // New sessions on this database start with it off...
    let setting: String = db
        .client()
        .await
        .query_one("SHOW synchronous_commit", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(setting, "off");

    // ...but the storage's are switched back on (check() verifies the
    // setting on the connection it uses, and refuses "off").
    let storage = PostgresStorage::open(&db.url).await.unwrap();
    storage.append(&doc(1), vec![1]).await.unwrap();
    storage.check().await.unwrap();
    storage.close().await;
}

#[tokio::test]
async fn check_reports_a_read_only_database() {
    let db = database!("check_reports_a_read_only_database");
    let storage = PostgresStorage::open(&db.url).await.unwrap();
    storage.check().await.unwrap();
    let admin = db.client().await;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {} SET default_transaction_read_only = on",
            db.name
        ))
        .await
        .unwrap();
    // Make the pool reconnect, so its sessions pick up the new default.
    admin
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
        .unwrap();
    let error = storage.check().await.unwrap_err();
    assert!(
        matches!(&error, StorageError::Unavailable(m) if m.contains("read-only")),
        "{error:?}"
    );
    let error = storage.append(&doc(1), vec![1]).await.unwrap_err();
    assert!(matches!(error, StorageError::Database(_)), "{error:?}");
    storage.close().await;
}
