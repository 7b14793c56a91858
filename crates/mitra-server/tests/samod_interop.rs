//! samod 0.16 (the Rust automerge-repo) as a client of a real Mitra server:
//! finding documents, live changes, ephemeral messages, and durability
//! across a server restart.

#![allow(clippy::unwrap_used)]

mod common;

use std::future::Future;
use std::time::Duration;

use automerge::Automerge;
use automerge::transaction::Transactable;
use common::*;
use futures_util::{Stream, StreamExt};
use samod::{BackoffConfig, DialerHandle, DocHandle, Repo};

/// Awaits `f`, failing the test with `what` after [`TIMEOUT`].
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(TIMEOUT, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// A samod repo (in-memory storage) connected to the server.
async fn samod_peer(server: &TestServer) -> (Repo, DialerHandle) {
    let repo = Repo::build_tokio().load().await;
    let url = samod::Url::parse(&server.ws_url()).unwrap();
    let dialer = repo
        .dial_websocket(
            url,
            BackoffConfig {
                initial_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(500),
                max_retries: None,
            },
        )
        .unwrap();
    within("samod connects", dialer.established())
        .await
        .unwrap();
    (repo, dialer)
}

/// Alice creates a document with `content`; Bob, on another connection, finds it.
async fn two_peers_sharing(
    server: &TestServer,
    content: Automerge,
) -> (
    (Repo, DialerHandle, DocHandle),
    (Repo, DialerHandle, DocHandle),
) {
    let (alice, a_dialer) = samod_peer(server).await;
    let (bob, b_dialer) = samod_peer(server).await;
    let a_doc = within("create", alice.create(content)).await.unwrap();
    let b_doc = within("find", bob.find(a_doc.document_id().clone()))
        .await
        .unwrap()
        .unwrap();
    ((alice, a_dialer, a_doc), (bob, b_dialer, b_doc))
}

fn initial(key: &str, value: &str) -> Automerge {
    let mut doc = Automerge::new();
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        tx.put(automerge::ROOT, key, value)?;
        Ok(())
    })
    .unwrap();
    doc
}

fn read(handle: &DocHandle, key: &str) -> Option<String> {
    handle.with_document(|doc| get_str(doc, key))
}

fn write(handle: &DocHandle, key: &str, value: &str) {
    handle.with_document(|doc| {
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(automerge::ROOT, key, value)?;
            Ok(())
        })
        .unwrap();
    });
}

fn heads(handle: &DocHandle) -> Vec<automerge::ChangeHash> {
    sorted_heads(handle.with_document(|doc| doc.get_heads()))
}

/// Waits on a handle's change stream until `key` reads `value`.
async fn wait_for_value<T>(
    handle: &DocHandle,
    changes: &mut (impl Stream<Item = T> + Unpin),
    key: &str,
    value: &str,
) {
    within(&format!("{key} = {value} arrives"), async {
        while read(handle, key).as_deref() != Some(value) {
            // Either a change event or a periodic re-check.
            let _ = tokio::time::timeout(Duration::from_millis(200), changes.next()).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samod_creates_and_another_samod_finds() {
    let server = TestServer::start().await;
    let (alice, _a) = samod_peer(&server).await;
    let (bob, _b) = samod_peer(&server).await;

    let created = within("create", alice.create(initial("title", "hello from alice")))
        .await
        .unwrap();
    // Right away: the server must not answer "unavailable" while Alice's
    // upload is still on its way.
    let found = within("find", bob.find(created.document_id().clone()))
        .await
        .unwrap()
        .expect("bob finds the document alice just created");
    assert_eq!(read(&found, "title").as_deref(), Some("hello from alice"));
    assert_eq!(heads(&found), heads(&created));

    // The server itself holds it too.
    let id: mitra_protocol::DocumentId = created.document_id().to_string().parse().unwrap();
    let mut raw = RawClient::joined(&server).await.unwrap();
    let fetched = raw.fetch_document(id).await.unwrap();
    assert_eq!(
        get_str(&fetched, "title").as_deref(),
        Some("hello from alice")
    );

    within("alice stops", alice.stop()).await;
    within("bob stops", bob.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samod_finding_a_document_nobody_has_gets_none() {
    let server = TestServer::start().await;
    let (carol, _c) = samod_peer(&server).await;
    let missing: samod::DocumentId = random_document_id().to_string().parse().unwrap();
    let found = within("find of a missing document", carol.find(missing))
        .await
        .unwrap();
    assert!(found.is_none());
    within("carol stops", carol.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_changes_flow_both_ways_between_two_samod_peers() {
    let server = TestServer::start().await;
    let ((alice, _a, a_doc), (bob, _b, b_doc)) =
        two_peers_sharing(&server, initial("count", "0")).await;
    let mut a_changes = Box::pin(a_doc.changes());
    let mut b_changes = Box::pin(b_doc.changes());

    for round in 1..=5 {
        let from_alice = format!("alice-{round}");
        write(&a_doc, "alice", &from_alice);
        wait_for_value(&b_doc, &mut b_changes, "alice", &from_alice).await;

        let from_bob = format!("bob-{round}");
        write(&b_doc, "bob", &from_bob);
        wait_for_value(&a_doc, &mut a_changes, "bob", &from_bob).await;
    }
    // Concurrent edits to the same key converge.
    write(&a_doc, "both", "a");
    write(&b_doc, "both", "b");
    within("heads converge", async {
        while heads(&a_doc) != heads(&b_doc) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(read(&a_doc, "both"), read(&b_doc, "both"));

    within("alice stops", alice.stop()).await;
    within("bob stops", bob.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_messages_are_relayed_between_two_samod_peers() {
    let server = TestServer::start().await;
    let ((alice, _a, a_doc), (bob, _b, b_doc)) =
        two_peers_sharing(&server, initial("k", "v")).await;
    let mut a_ephemera = Box::pin(a_doc.ephemera());
    let mut b_ephemera = Box::pin(b_doc.ephemera());

    // CBOR text strings, as the JavaScript client expects CBOR payloads.
    let hello_bob = b"\x69hello bob".to_vec();
    let hello_alice = b"\x6bhello alice".to_vec();

    // Broadcast until heard (the other side's session may still be starting).
    let heard = within("bob hears alice", async {
        loop {
            a_doc.broadcast(hello_bob.clone());
            if let Ok(Some(m)) =
                tokio::time::timeout(Duration::from_millis(200), b_ephemera.next()).await
            {
                return m;
            }
        }
    })
    .await;
    assert_eq!(heard, hello_bob);
    let heard = within("alice hears bob", async {
        loop {
            b_doc.broadcast(hello_alice.clone());
            if let Ok(Some(m)) =
                tokio::time::timeout(Duration::from_millis(200), a_ephemera.next()).await
            {
                return m;
            }
        }
    })
    .await;
    assert_eq!(heard, hello_alice);

    // Nobody was disconnected for passing presence on; sync still works.
    let mut b_changes = Box::pin(b_doc.changes());
    write(&a_doc, "k", "after-ephemera");
    wait_for_value(&b_doc, &mut b_changes, "k", "after-ephemera").await;
    assert_eq!(
        server.metric("mitra_errors_total{kind=\"protocol_violation\"}"),
        0.0
    );

    within("alice stops", alice.stop()).await;
    within("bob stops", bob.stop()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_created_through_samod_survives_a_server_restart() {
    let mut server = TestServer::start().await;
    let (alice, dialer) = samod_peer(&server).await;
    let doc = within("create", alice.create(initial("title", "durable")))
        .await
        .unwrap();
    for i in 0..5 {
        write(&doc, &format!("line{i}"), &format!("text {i}"));
    }
    let conn = dialer.connection_id().expect("alice is connected");
    within(
        "the server acknowledges alice's changes",
        doc.they_have_our_changes(conn),
    )
    .await;
    let expected = heads(&doc);
    let doc_id = doc.document_id().clone();
    within("alice stops", alice.stop()).await;

    server.restart().await;

    let (dave, _d) = samod_peer(&server).await;
    let found = within("find after restart", dave.find(doc_id))
        .await
        .unwrap()
        .expect("the document survives the restart");
    assert_eq!(heads(&found), expected);
    assert_eq!(read(&found, "title").as_deref(), Some("durable"));
    assert_eq!(read(&found, "line4").as_deref(), Some("text 4"));
    within("dave stops", dave.stop()).await;
}
