//! The storage contract, written once against `Arc<dyn Storage>` and run on
//! every backend: `sqlite::*` on SQLite in a temporary directory,
//! `postgres::*` on a fresh PostgreSQL database each (see `common`).
//! Backend-specific behaviour is tested next to each backend
//! (`src/sqlite.rs`, `tests/postgres.rs`).

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use common::{Backend, doc};
use mitra_protocol::StorageId;
use mitra_storage::{ChunkSeq, StorageError};

/// Generates, for each test function, one `#[tokio::test]` per backend.
macro_rules! suite {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    super::$test(crate::common::Backend::sqlite()).await;
                }
            )+
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $test() {
                    let test = concat!("postgres::", stringify!($test));
                    if let Some(backend) = crate::common::Backend::postgres(test).await {
                        super::$test(backend).await;
                    }
                }
            )+
        }
    };
}

suite!(
    append_then_load_returns_chunks_in_order,
    storage_id_is_stable_across_reopen_and_differs_elsewhere,
    data_survives_reopen,
    data_survives_drop_without_close,
    compaction_replaces_covered_chunks_and_keeps_later_ones,
    seq_keeps_growing_after_compaction,
    sync_state_round_trips_and_overwrites,
    missing_document_loads_as_none,
    calls_after_close_fail_with_closed,
    close_finishes_queued_writes,
    list_documents_lists_every_document,
    check_succeeds_on_a_healthy_storage,
    concurrent_appends_all_land_with_unique_sequence_numbers,
    readers_never_see_a_chunk_before_an_earlier_one,
    loads_see_a_compaction_entirely_or_not_at_all,
    empty_and_large_chunks_round_trip,
);

async fn append_then_load_returns_chunks_in_order(backend: Backend) {
    let storage = backend.open().await;
    let a = storage.append(&doc(1), b"one".to_vec()).await.unwrap();
    let other = storage.append(&doc(2), b"other".to_vec()).await.unwrap();
    let b = storage.append(&doc(1), b"two".to_vec()).await.unwrap();
    let c = storage.append(&doc(1), b"three".to_vec()).await.unwrap();
    assert!(a < b && b < c);
    assert_ne!(other, a);

    let loaded = storage.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.snapshot, None);
    assert_eq!(
        loaded.chunks,
        vec![
            (a, b"one".to_vec()),
            (b, b"two".to_vec()),
            (c, b"three".to_vec())
        ]
    );
    assert_eq!(storage.pending_writes(), 0);
    storage.close().await;
}

async fn storage_id_is_stable_across_reopen_and_differs_elsewhere(backend: Backend) {
    let storage = backend.open().await;
    let id = storage.storage_id().clone();
    assert!(uuid::Uuid::parse_str(id.as_str()).is_ok(), "{id}");
    storage.close().await;

    let reopened = backend.open().await;
    assert_eq!(reopened.storage_id(), &id);
    reopened.close().await;

    let elsewhere = backend.another().await;
    let other = elsewhere.open().await;
    assert_ne!(other.storage_id(), &id);
    other.close().await;
}

async fn data_survives_reopen(backend: Backend) {
    let peer = StorageId::new("peer-storage");
    let storage = backend.open().await;
    let seq = storage.append(&doc(1), b"chunk".to_vec()).await.unwrap();
    storage.compact(&doc(2), b"snap".to_vec(), 0).await.unwrap();
    storage
        .save_sync_state(&doc(1), &peer, b"state".to_vec())
        .await
        .unwrap();
    storage.close().await;

    let reopened = backend.open().await;
    let one = reopened.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(one.chunks, vec![(seq, b"chunk".to_vec())]);
    let two = reopened.load(&doc(2)).await.unwrap().unwrap();
    assert_eq!(two.snapshot, Some(b"snap".to_vec()));
    assert!(two.chunks.is_empty());
    assert_eq!(
        reopened.load_sync_state(&doc(1), &peer).await.unwrap(),
        Some(b"state".to_vec())
    );
    reopened.close().await;
}

async fn data_survives_drop_without_close(backend: Backend) {
    let storage = backend.open().await;
    let seq = storage.append(&doc(1), b"chunk".to_vec()).await.unwrap();
    drop(storage);

    let reopened = backend.open().await;
    let loaded = reopened.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.chunks, vec![(seq, b"chunk".to_vec())]);
    reopened.close().await;
}

async fn compaction_replaces_covered_chunks_and_keeps_later_ones(backend: Backend) {
    let storage = backend.open().await;
    let _first = storage.append(&doc(1), b"a".to_vec()).await.unwrap();
    let second = storage.append(&doc(1), b"b".to_vec()).await.unwrap();
    let third = storage.append(&doc(1), b"c".to_vec()).await.unwrap();
    let untouched = storage.append(&doc(2), b"x".to_vec()).await.unwrap();

    storage
        .compact(&doc(1), b"snap-ab".to_vec(), second)
        .await
        .unwrap();
    let loaded = storage.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.snapshot, Some(b"snap-ab".to_vec()));
    assert_eq!(loaded.chunks, vec![(third, b"c".to_vec())]);

    // A second compaction replaces the snapshot.
    storage
        .compact(&doc(1), b"snap-abc".to_vec(), third)
        .await
        .unwrap();
    let loaded = storage.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.snapshot, Some(b"snap-abc".to_vec()));
    assert!(loaded.chunks.is_empty());

    // Other documents are not touched.
    let other = storage.load(&doc(2)).await.unwrap().unwrap();
    assert_eq!(other.chunks, vec![(untouched, b"x".to_vec())]);
    storage.close().await;
}

async fn seq_keeps_growing_after_compaction(backend: Backend) {
    let storage = backend.open().await;
    let mut last = 0;
    for i in 0..5u8 {
        last = storage.append(&doc(1), vec![i]).await.unwrap();
    }
    storage
        .compact(&doc(1), b"snap".to_vec(), last)
        .await
        .unwrap();
    let after = storage.append(&doc(1), b"after".to_vec()).await.unwrap();
    assert!(after > last);
    storage.close().await;

    // Still true after a reopen, when no chunk remains below the counter.
    let reopened = backend.open().await;
    reopened
        .compact(&doc(1), b"snap2".to_vec(), after)
        .await
        .unwrap();
    let later = reopened.append(&doc(1), b"later".to_vec()).await.unwrap();
    assert!(later > after);
    reopened.close().await;
}

async fn sync_state_round_trips_and_overwrites(backend: Backend) {
    let storage = backend.open().await;
    let alice = StorageId::new("alice");
    let bob = StorageId::new("bob");
    assert_eq!(
        storage.load_sync_state(&doc(1), &alice).await.unwrap(),
        None
    );

    storage
        .save_sync_state(&doc(1), &alice, b"first".to_vec())
        .await
        .unwrap();
    storage
        .save_sync_state(&doc(1), &bob, b"bob's".to_vec())
        .await
        .unwrap();
    storage
        .save_sync_state(&doc(1), &alice, b"second".to_vec())
        .await
        .unwrap();

    assert_eq!(
        storage.load_sync_state(&doc(1), &alice).await.unwrap(),
        Some(b"second".to_vec())
    );
    assert_eq!(
        storage.load_sync_state(&doc(1), &bob).await.unwrap(),
        Some(b"bob's".to_vec())
    );
    assert_eq!(
        storage.load_sync_state(&doc(2), &alice).await.unwrap(),
        None
    );
    // Listed per document, in peer order, latest state of each.
    assert_eq!(
        storage.list_sync_states(&doc(1)).await.unwrap(),
        vec![
            (alice.clone(), b"second".to_vec()),
            (bob, b"bob's".to_vec())
        ]
    );
    assert_eq!(storage.list_sync_states(&doc(2)).await.unwrap(), vec![]);
    // A sync state alone does not make a stored document.
    assert_eq!(storage.load(&doc(1)).await.unwrap(), None);
    storage.close().await;
}

async fn missing_document_loads_as_none(backend: Backend) {
    let storage = backend.open().await;
    assert_eq!(storage.load(&doc(9)).await.unwrap(), None);
    storage.append(&doc(1), b"x".to_vec()).await.unwrap();
    assert_eq!(storage.load(&doc(9)).await.unwrap(), None);
    storage.close().await;
}

async fn calls_after_close_fail_with_closed(backend: Backend) {
    let storage = backend.open().await;
    storage.check().await.unwrap();
    storage.close().await;
    storage.close().await; // idempotent

    let peer = StorageId::new("peer");
    let closed = |r: Result<(), StorageError>| matches!(r, Err(StorageError::Closed));
    assert!(closed(storage.append(&doc(1), vec![1]).await.map(drop)));
    assert!(closed(storage.compact(&doc(1), vec![1], 1).await));
    assert!(closed(
        storage.save_sync_state(&doc(1), &peer, vec![1]).await
    ));
    assert!(closed(storage.load(&doc(1)).await.map(drop)));
    assert!(closed(
        storage.load_sync_state(&doc(1), &peer).await.map(drop)
    ));
    assert!(closed(storage.list_documents().await.map(drop)));
    assert!(closed(storage.check().await));
    assert_eq!(storage.pending_writes(), 0);
}

async fn close_finishes_queued_writes(backend: Backend) {
    let storage = backend.open().await;
    let mut tasks = Vec::new();
    for i in 0..50u8 {
        let storage = Arc::clone(&storage);
        tasks.push(tokio::spawn(async move {
            storage.append(&doc(i % 5), vec![i]).await
        }));
    }
    // Let the appends get going, then close while they are pending.
    tokio::task::yield_now().await;
    storage.close().await;
    let mut succeeded = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => succeeded += 1,
            Err(StorageError::Closed) => {}
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    assert_eq!(storage.pending_writes(), 0);
    // Everything that was acknowledged is durable, and nothing else was written.
    let reopened = backend.open().await;
    let mut stored = 0;
    for d in 0..5 {
        if let Some(loaded) = reopened.load(&doc(d)).await.unwrap() {
            stored += loaded.chunks.len();
        }
    }
    assert_eq!(stored, succeeded);
    reopened.close().await;
}

async fn list_documents_lists_every_document(backend: Backend) {
    let storage = backend.open().await;
    assert!(storage.list_documents().await.unwrap().is_empty());

    storage.append(&doc(1), vec![1]).await.unwrap();
    storage.append(&doc(1), vec![2]).await.unwrap();
    storage.append(&doc(2), vec![1]).await.unwrap();
    // Only a snapshot, no chunks left.
    let seq = storage.append(&doc(3), vec![1]).await.unwrap();
    storage.compact(&doc(3), vec![9], seq).await.unwrap();
    // A sync state alone is not a document.
    storage
        .save_sync_state(&doc(4), &StorageId::new("peer"), vec![1])
        .await
        .unwrap();

    let mut listed = storage.list_documents().await.unwrap();
    listed.sort();
    let mut expected = vec![doc(1), doc(2), doc(3)];
    expected.sort();
    assert_eq!(listed, expected);
    storage.close().await;
}

async fn check_succeeds_on_a_healthy_storage(backend: Backend) {
    let storage = backend.open().await;
    storage.check().await.unwrap();
    storage.append(&doc(1), vec![1]).await.unwrap();
    storage.check().await.unwrap();
    storage.close().await;
}

async fn concurrent_appends_all_land_with_unique_sequence_numbers(backend: Backend) {
    const DOCS: u8 = 8;
    const PER_DOC: usize = 25;
    let storage = backend.open().await;
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
    let mut written: Vec<Vec<(ChunkSeq, Vec<u8>)>> = vec![Vec::new(); DOCS as usize];
    for task in tasks {
        let (d, seq, bytes) = task.await.unwrap();
        written[d as usize].push((seq, bytes));
    }
    assert_eq!(storage.pending_writes(), 0);
    let mut all = BTreeSet::new();
    for d in 0..DOCS {
        let mut expected = std::mem::take(&mut written[d as usize]);
        expected.sort();
        let loaded = storage.load(&doc(d)).await.unwrap().unwrap();
        assert_eq!(loaded.chunks, expected, "document {d}");
        all.extend(loaded.chunks.iter().map(|(seq, _)| *seq));
    }
    assert_eq!(
        all.len(),
        DOCS as usize * PER_DOC,
        "sequence numbers are unique"
    );
    storage.close().await;
}

/// Compaction deletes every chunk up to the last one it saw; if a reader
/// could see chunk 7 before chunk 6 committed, compacting through 7 would
/// delete 6 unseen. So every load must see a prefix of the final log.
async fn readers_never_see_a_chunk_before_an_earlier_one(backend: Backend) {
    const WRITERS: usize = 8;
    const PER_WRITER: usize = 15;
    let storage = backend.open().await;
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let storage = Arc::clone(&storage);
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut views = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                if let Some(loaded) = storage.load(&doc(1)).await.unwrap() {
                    views.push(loaded.chunks.iter().map(|(s, _)| *s).collect::<Vec<_>>());
                }
                tokio::task::yield_now().await;
            }
            views
        })
    };
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let storage = Arc::clone(&storage);
        writers.push(tokio::spawn(async move {
            for i in 0..PER_WRITER {
                storage
                    .append(&doc(1), format!("{w}/{i}").into_bytes())
                    .await
                    .unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let views = reader.await.unwrap();
    let last: Vec<ChunkSeq> = storage
        .load(&doc(1))
        .await
        .unwrap()
        .unwrap()
        .chunks
        .iter()
        .map(|(s, _)| *s)
        .collect();
    assert_eq!(last.len(), WRITERS * PER_WRITER);
    assert!(last.windows(2).all(|w| w[0] < w[1]), "loaded in seq order");
    assert!(!views.is_empty());
    for view in &views {
        assert_eq!(
            view.as_slice(),
            &last[..view.len()],
            "a load saw a later chunk before an earlier one"
        );
    }
    storage.close().await;
}

async fn loads_see_a_compaction_entirely_or_not_at_all(backend: Backend) {
    let storage = backend.open().await;
    let mut seqs = Vec::new();
    for i in 0..20u8 {
        seqs.push(storage.append(&doc(1), vec![i]).await.unwrap());
    }
    let through = seqs[14];
    let before: Vec<ChunkSeq> = seqs.clone();
    let after: Vec<ChunkSeq> = seqs[15..].to_vec();

    let mut loads = Vec::new();
    for _ in 0..40 {
        let storage = Arc::clone(&storage);
        loads.push(tokio::spawn(async move {
            storage.load(&doc(1)).await.unwrap().unwrap()
        }));
    }
    storage
        .compact(&doc(1), b"snapshot of 0..15".to_vec(), through)
        .await
        .unwrap();
    for load in loads {
        let loaded = load.await.unwrap();
        let chunk_seqs: Vec<ChunkSeq> = loaded.chunks.iter().map(|(s, _)| *s).collect();
        match loaded.snapshot {
            None => assert_eq!(chunk_seqs, before, "no snapshot yet, so every chunk"),
            Some(snapshot) => {
                assert_eq!(snapshot, b"snapshot of 0..15");
                assert_eq!(chunk_seqs, after, "the snapshot, so only later chunks");
            }
        }
    }
    storage.close().await;
}

async fn empty_and_large_chunks_round_trip(backend: Backend) {
    let storage = backend.open().await;
    let large: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let empty = storage.append(&doc(1), Vec::new()).await.unwrap();
    let big = storage.append(&doc(1), large.clone()).await.unwrap();
    storage
        .save_sync_state(&doc(1), &StorageId::new("p"), Vec::new())
        .await
        .unwrap();
    let loaded = tokio::time::timeout(Duration::from_secs(30), storage.load(&doc(1)))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        loaded.chunks,
        vec![(empty, Vec::new()), (big, large.clone())]
    );
    assert_eq!(
        storage
            .load_sync_state(&doc(1), &StorageId::new("p"))
            .await
            .unwrap(),
        Some(Vec::new())
    );
    storage.compact(&doc(1), large.clone(), big).await.unwrap();
    let loaded = storage.load(&doc(1)).await.unwrap().unwrap();
    assert_eq!(loaded.snapshot.as_deref(), Some(large.as_slice()));
    storage.close().await;
}
