//! When the server answers `doc-unavailable`, and what happens after: a
//! request racing the creator's upload waits for it, and "unavailable" is
//! not final once the document arrives.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::{Automerge, ReadDoc};
use common::*;
use mitra_protocol::{DocumentId, Message};
use tokio::time::Instant;

/// Syncs `doc` with whatever the server sends until `doc` holds `want`.
async fn sync_until_heads(
    client: &mut RawClient,
    id: DocumentId,
    doc: &mut Automerge,
    state: &mut SyncState,
    want: &[automerge::ChangeHash],
) -> Vec<Message> {
    let deadline = Instant::now() + TIMEOUT;
    let mut others = Vec::new();
    while !want.iter().all(|h| doc.get_change_by_hash(h).is_some()) {
        let left = deadline.saturating_duration_since(Instant::now());
        match client.next_event(left).await {
            Event::Message(Message::Sync(m)) if m.document_id == id => {
                doc.receive_sync_message(state, SyncMessage::decode(&m.data).unwrap())
                    .unwrap();
                if let Some(reply) = doc.generate_sync_message(state) {
                    client.send_sync(id, reply.encode()).await.unwrap();
                }
            }
            Event::Message(m) => others.push(m),
            other => panic!("waiting for the document: {other:?} (after {others:?})"),
        }
    }
    others
}

#[tokio::test]
async fn request_racing_the_creators_upload_gets_the_document_not_unavailable() {
    let server = TestServer::start().await;
    let id = random_document_id();
    let mut creator = RawClient::joined(&server).await.unwrap();
    let mut finder = RawClient::joined(&server).await.unwrap();

    // The finder asks first, before the creator said anything.
    let mut found = Automerge::new();
    let mut found_state = SyncState::new();
    let first = found.generate_sync_message(&mut found_state).unwrap();
    finder.send_request(id, first.encode()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;

    let mut doc = document_with("k", "just created");
    creator
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();

    let others = sync_until_heads(
        &mut finder,
        id,
        &mut found,
        &mut found_state,
        &doc.get_heads(),
    )
    .await;
    assert!(
        !others
            .iter()
            .any(|m| matches!(m, Message::DocUnavailable { .. })),
        "the finder was told unavailable: {others:?}"
    );
    assert_eq!(get_str(&found, "k").as_deref(), Some("just created"));
}

#[tokio::test]
async fn unavailable_is_not_final_the_document_follows_when_it_arrives() {
    let server = TestServer::start().await;
    let id = random_document_id();
    let mut finder = RawClient::joined(&server).await.unwrap();
    let mut found = Automerge::new();
    let mut found_state = SyncState::new();
    let first = found.generate_sync_message(&mut found_state).unwrap();
    finder.send_request(id, first.encode()).await.unwrap();
    let started = Instant::now();
    loop {
        match finder.recv(TIMEOUT).await.unwrap() {
            Message::DocUnavailable { document_id, .. } => {
                assert_eq!(document_id, id);
                break;
            }
            Message::RemoteHeadsChanged { .. } => {}
            other => panic!("expected doc-unavailable, got {other:?}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "doc-unavailable took {:?}",
        started.elapsed()
    );

    // Later somebody uploads it: the finder gets it without asking again.
    let mut creator = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "arrived later");
    creator
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    sync_until_heads(
        &mut finder,
        id,
        &mut found,
        &mut found_state,
        &doc.get_heads(),
    )
    .await;
    assert_eq!(get_str(&found, "k").as_deref(), Some("arrived later"));
    assert_eq!(found.keys(automerge::ROOT).count(), 1);
}
