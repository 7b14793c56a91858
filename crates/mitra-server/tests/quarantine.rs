//! A document whose stored changes fail to load is quarantined: a byte of
//! its stored change is flipped on disk (in the real SQLite file), and after
//! a restart every peer asking for it, or syncing content into it, is
//! answered `doc-unavailable`, nothing is applied or stored, the failure is
//! counted once in `mitra_documents_quarantined_total`, storage is not
//! asked again on every request, and the same connection keeps syncing the
//! other documents.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::State as SyncState;
use common::*;
use mitra_protocol::{DocumentId, Message};

/// Flips the last byte of every stored chunk of `id` in the data
/// directory's SQLite file; returns how many chunks it damaged.
fn damage_stored_chunks(server: &TestServer, id: DocumentId) -> usize {
    let path = server.dir.path().join("mitra.sqlite3");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let chunks: Vec<(i64, Vec<u8>)> = db
        .prepare("SELECT seq, bytes FROM chunks WHERE document = ?1")
        .unwrap()
        .query_map([id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (seq, mut bytes) in chunks.iter().cloned() {
        let last = bytes.last_mut().unwrap();
        *last ^= 0x5a;
        db.execute(
            "UPDATE chunks SET bytes = ?1 WHERE document = ?2 AND seq = ?3",
            rusqlite::params![bytes, id.to_string(), seq],
        )
        .unwrap();
    }
    chunks.len()
}

#[tokio::test]
async fn a_document_whose_stored_changes_fail_to_load_is_quarantined_and_never_served() {
    let mut server = TestServer::start().await;
    let good = random_document_id();
    let bad = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut good_doc = document_with("title", "intact");
    writer
        .upload(good, &mut good_doc, &mut SyncState::new())
        .await
        .unwrap();
    let mut bad_doc = document_with("title", "about to be damaged");
    writer
        .upload(bad, &mut bad_doc, &mut SyncState::new())
        .await
        .unwrap();
    writer.close().await;

    let damaged = damage_stored_chunks(&server, bad);
    assert!(damaged >= 1, "the document had stored chunks to damage");
    server.restart().await;
    assert_eq!(server.metric("mitra_documents_quarantined_total"), 0.0);

    let mut reader = RawClient::joined(&server).await.unwrap();
    assert!(
        matches!(reader.fetch(bad).await.unwrap(), Fetched::Unavailable),
        "a damaged document is answered doc-unavailable, never served half-loaded"
    );
    assert_eq!(server.metric("mitra_documents_quarantined_total"), 1.0);
    assert_eq!(
        server.metric("mitra_errors_total{kind=\"document_corrupt\"}"),
        1.0
    );
    assert!(server.shared.documents.is_quarantined(&bad));
    assert!(!server.shared.documents.is_loaded(&bad));

    // The same connection keeps working for other documents.
    let fetched = reader.fetch_document(good).await.unwrap();
    assert_eq!(get_str(&fetched, "title").as_deref(), Some("intact"));
    assert_eq!(
        sorted_heads(fetched.get_heads()),
        sorted_heads(good_doc.get_heads())
    );

    // Asking again neither reloads it from storage nor counts it again.
    let loads = server.metric("mitra_storage_latency_seconds_count{operation=\"load\"}");
    for _ in 0..5 {
        assert!(matches!(
            reader.fetch(bad).await.unwrap(),
            Fetched::Unavailable
        ));
    }
    assert_eq!(
        server.metric("mitra_storage_latency_seconds_count{operation=\"load\"}"),
        loads,
        "a quarantined document is not loaded again on every request"
    );
    assert_eq!(server.metric("mitra_documents_quarantined_total"), 1.0);

    // Content synced into it is not applied or stored: the peer is told it
    // is unavailable, and its connection stays open.
    let persisted = server.metric("mitra_change_batches_persisted_total");
    let other = document_with("title", "overwrite attempt");
    reader.offer(bad, &other).await.unwrap();
    match reader.recv(TIMEOUT).await.unwrap() {
        Message::DocUnavailable { document_id, .. } => assert_eq!(document_id, bad),
        other => panic!("expected doc-unavailable for the quarantined document, got {other:?}"),
    }
    reader
        .expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(
        server.metric("mitra_change_batches_persisted_total"),
        persisted
    );
    let again = reader.fetch_document(good).await.unwrap();
    assert_eq!(get_str(&again, "title").as_deref(), Some("intact"));

    // Still damaged after another restart: quarantined again, never served.
    reader.close().await;
    server.restart().await;
    let mut fresh = RawClient::joined(&server).await.unwrap();
    assert!(matches!(
        fresh.fetch(bad).await.unwrap(),
        Fetched::Unavailable
    ));
    assert_eq!(server.metric("mitra_documents_quarantined_total"), 1.0);
    fresh.close().await;
}
