//! The server's life cycle: graceful shutdown, eviction of idle documents,
//! and compaction, each checked for data surviving intact.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::State as SyncState;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_closes_clients_with_1001_and_returns_ok_within_the_deadline() {
    let mut server = TestServer::start_with(|c| {
        c.shutdown_deadline = Duration::from_secs(3);
        c.limits.handshake_timeout = Duration::from_secs(30);
    })
    .await;
    let addr = server.addr;
    let id = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "before-shutdown");
    writer
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    let mut idle = RawClient::joined(&server).await.unwrap();
    // Connected but not yet joined.
    let mut unjoined = RawClient::connect(&server).await.unwrap();
    server
        .wait_for("three connections", TIMEOUT, |s| {
            s.metric("mitra_connections") == 3.0
        })
        .await;

    let deadline = server.config.shutdown_deadline;
    let ((result, took), writer_closed, idle_closed, unjoined_closed) = tokio::join!(
        server.stop(),
        writer.expect_closed(TIMEOUT),
        idle.expect_closed(TIMEOUT),
        unjoined.expect_closed(TIMEOUT),
    );
    result.expect("run returns Ok");
    assert!(
        took < deadline + Duration::from_secs(1),
        "shutdown took {took:?}"
    );
    for (who, closed) in [
        ("writer", writer_closed),
        ("idle", idle_closed),
        ("unjoined", unjoined_closed),
    ] {
        let closed = closed.unwrap();
        assert_eq!(closed.code, Some(1001), "{who}: {closed:?}");
    }
    // Nobody listens any more.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_with_no_clients_is_quick() {
    let mut server = TestServer::start().await;
    assert_serving(&server).await;
    let (result, took) = server.stop().await;
    result.unwrap();
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
}

#[tokio::test]
async fn idle_documents_are_evicted_and_found_again_with_the_same_content() {
    let server = TestServer::start_with(|c| {
        c.document_idle_timeout = Duration::from_millis(300);
    })
    .await;
    let id = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "evict-me");
    put(&mut doc, "n", 42_i64);
    writer
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    assert_eq!(server.shared.documents.len(), 1);

    // While a peer has it open, the document stays in memory.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        server.shared.documents.len(),
        1,
        "evicted while a peer had it open"
    );

    writer.close().await;
    server
        .wait_for("the idle document to be evicted", TIMEOUT, |s| {
            s.shared.documents.is_empty()
        })
        .await;
    server
        .wait_for("the loaded-documents gauge to drop", TIMEOUT, |s| {
            s.metric("mitra_documents_loaded") == 0.0
        })
        .await;

    let mut reader = RawClient::joined(&server).await.unwrap();
    let fetched = reader.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("evict-me"));
    assert_eq!(
        sorted_heads(fetched.get_heads()),
        sorted_heads(doc.get_heads())
    );
    assert_eq!(server.shared.documents.len(), 1);
}

fn random_text(len: usize) -> String {
    (0..len)
        .map(|_| char::from(b'a' + rand::random::<u8>() % 26))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_runs_past_the_threshold_and_the_document_survives_a_restart() {
    let mut server = TestServer::start_with(|c| c.compaction_threshold_bytes = 1024).await;
    let id = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut doc = automerge::Automerge::new();
    let mut state = SyncState::new();
    // Many small changes, each made durable (one append) before the next.
    for i in 0..30 {
        put(&mut doc, &format!("key{i}"), random_text(120));
        writer.upload(id, &mut doc, &mut state).await.unwrap();
    }
    server
        .wait_for("a compaction", TIMEOUT, |s| {
            s.metric("mitra_compactions_total") >= 1.0
        })
        .await;
    let stored = server.shared.storage.load(&id).await.unwrap().unwrap();
    assert!(stored.snapshot.is_some(), "no snapshot after compaction");

    // Changes after the compaction are kept as well.
    for i in 30..40 {
        put(&mut doc, &format!("key{i}"), random_text(120));
        writer.upload(id, &mut doc, &mut state).await.unwrap();
    }
    writer.close().await;
    let expected_heads = sorted_heads(doc.get_heads());
    let expected_value = get_str(&doc, "key35");

    server.restart().await;
    let mut reader = RawClient::joined(&server).await.unwrap();
    let fetched = reader.fetch_document(id).await.unwrap();
    assert_eq!(sorted_heads(fetched.get_heads()), expected_heads);
    assert_eq!(get_str(&fetched, "key35"), expected_value);
    assert_eq!(
        automerge::ReadDoc::keys(&fetched, automerge::ROOT).count(),
        40
    );
    assert_eq!(fetched.get_changes(&[]).len(), doc.get_changes(&[]).len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_that_never_answers_pings_is_dropped_after_the_idle_timeout() {
    let server = TestServer::start_with(|c| {
        c.limits.ping_interval = Duration::from_millis(100);
        c.limits.idle_timeout = Duration::from_millis(400);
    })
    .await;
    let deaf = RawClient::joined(&server).await.unwrap();
    let mut lively = RawClient::joined(&server).await.unwrap();
    // The lively client keeps reading (and so answers pings) for a while.
    lively
        .expect_silence(Duration::from_millis(1500))
        .await
        .unwrap();
    server
        .wait_for("the deaf peer to be dropped", TIMEOUT, |s| {
            s.metric("mitra_errors_total{kind=\"idle_timeout\"}") >= 1.0
        })
        .await;
    let (code, reason) = deaf
        .raw_close_frame(Duration::from_secs(5))
        .await
        .unwrap()
        .expect("a close frame before the end");
    assert_eq!(code, 1001, "{reason}");
    assert!(reason.contains("idle"), "{reason}");
    // The lively one is still served.
    assert!(matches!(
        lively.fetch(random_document_id()).await.unwrap(),
        Fetched::Unavailable
    ));
}
