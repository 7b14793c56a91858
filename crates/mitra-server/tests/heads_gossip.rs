//! Heads gossip: a peer that subscribes to a storage id with
//! `remote-subscription-change` hears `remote-heads-changed` for the
//! documents it has open.

#![allow(clippy::unwrap_used)]

mod common;

use automerge::Automerge;
use automerge::sync::State as SyncState;
use common::*;
use mitra_protocol::{DocumentId, Message, PeerMetadata, StorageId, encode_heads};
use tokio::time::Instant;

/// Reads until a `remote-heads-changed` for `id` names `storage` with `heads`.
async fn wait_for_gossip(
    client: &mut RawClient,
    id: DocumentId,
    storage: &StorageId,
    heads: &[String],
) {
    let deadline = Instant::now() + TIMEOUT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match client.next_event(left).await {
            Event::Message(Message::RemoteHeadsChanged {
                document_id,
                new_heads,
                ..
            }) if document_id == id => {
                if let Some(h) = new_heads.get(storage) {
                    let mut got = h.heads.clone();
                    got.sort();
                    let mut want = heads.to_vec();
                    want.sort();
                    if got == want {
                        assert!(h.timestamp > 0.0);
                        return;
                    }
                }
                seen.push(format!("{new_heads:?}"));
            }
            Event::Message(_) => {}
            other => panic!("waiting for gossip: {other:?}; heads seen {seen:?}"),
        }
    }
}

#[tokio::test]
async fn subscriber_hears_the_servers_new_heads_for_an_open_document() {
    let server = TestServer::start().await;
    let id = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "v1");
    let mut state = SyncState::new();
    writer.upload(id, &mut doc, &mut state).await.unwrap();

    let mut follower = RawClient::joined(&server).await.unwrap();
    let server_storage = follower
        .server_storage_id
        .clone()
        .expect("the server announces its storage id");
    follow_then_expect_gossip(
        &mut follower,
        &server_storage,
        (&mut writer, id, &mut doc, &mut state),
    )
    .await;
}

#[tokio::test]
async fn subscriber_hears_another_peers_heads_by_its_storage_id() {
    let server = TestServer::start().await;
    let id = random_document_id();
    let writer_storage = StorageId::new(format!("store-{:x}", rand::random::<u64>()));
    let mut writer = RawClient::connect(&server).await.unwrap();
    writer
        .join_with(
            &unique_peer("persisting"),
            PeerMetadata {
                storage_id: Some(writer_storage.clone()),
                is_ephemeral: false,
            },
        )
        .await
        .unwrap();
    let mut doc = document_with("k", "v1");
    let mut state = SyncState::new();
    writer.upload(id, &mut doc, &mut state).await.unwrap();

    let mut follower = RawClient::joined(&server).await.unwrap();
    follow_then_expect_gossip(
        &mut follower,
        &writer_storage,
        (&mut writer, id, &mut doc, &mut state),
    )
    .await;
}

/// The follower subscribes to `storage_id` and opens the document; the
/// writer then changes it, and the follower must hear the new heads gossiped
/// under `storage_id`.
async fn follow_then_expect_gossip(
    follower: &mut RawClient,
    storage_id: &StorageId,
    (writer, id, doc, state): (&mut RawClient, DocumentId, &mut Automerge, &mut SyncState),
) {
    follower
        .send(&Message::RemoteSubscriptionChange {
            sender_id: follower.peer_id.clone(),
            target_id: follower.server_id.clone(),
            add: vec![storage_id.clone()],
            remove: vec![],
        })
        .await
        .unwrap();
    follower.fetch_document(id).await.unwrap();

    put(doc, "k", "v2");
    writer.upload(id, doc, state).await.unwrap();
    wait_for_gossip(follower, id, storage_id, &encode_heads(&doc.get_heads())).await;
}
