//! Refused `request`s with authentication required: a document refused
//! because it did not exist yet still reaches the members who asked once
//! it is created (and never anyone else), and the grace period before a
//! refusal does not hold up the rest of the connection.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use common::access::{
    Api, expect, join_with_token, partnership, partnership_of, start_required_with, token,
};
use common::*;
use mitra_access::Role;
use mitra_protocol::{DocumentId, Message};
use mitra_server::auth::MAX_REMEMBERED_MISSING;
use mitra_server::connection::MAX_DEFERRED;
use mitra_server::peers::PeerHandle;
use tokio::time::Instant;

async fn start_with_grace(grace: Duration) -> TestServer {
    start_required_with(|c| c.unavailable_grace = grace).await
}

/// The first message of a peer that has nothing of a document.
fn empty_request() -> Vec<u8> {
    Automerge::new()
        .generate_sync_message(&mut SyncState::new())
        .unwrap()
        .encode()
}

/// The server's handle of a client's connection.
fn handle_of(server: &TestServer, client: &RawClient) -> Arc<PeerHandle> {
    server
        .shared
        .peers
        .handles()
        .into_iter()
        .find(|h| h.peer.peer == client.peer_id)
        .expect("the client's connection is registered")
}

/// Whether the server remembers having refused `id` to `client` before
/// it existed.
fn remembers(server: &TestServer, client: &RawClient, id: &DocumentId) -> bool {
    handle_of(server, client)
        .access
        .as_ref()
        .unwrap()
        .remembers_missing(id)
}

/// Returns once the server handled everything `client` sent before (its
/// messages are decided in order, and a refusal is looked into before the
/// next message): a `sync` without content for a document nobody has is
/// answered `doc-unavailable` at once (and not remembered).
async fn barrier(client: &mut RawClient) {
    let id = random_document_id();
    client.send_sync(id, empty_request()).await.unwrap();
    client.expect_unavailable(id).await;
}

/// Requests `id`, which nobody has, and waits until the server refused
/// it and handled the refusal ([`barrier`]).
async fn request_refused(client: &mut RawClient, id: DocumentId) {
    client.send_request(id, empty_request()).await.unwrap();
    client.expect_unavailable(id).await;
    barrier(client).await;
}

/// Without sending anything first: receives the sync messages the server
/// sends for `id`, answering each as an automerge-repo peer does, until
/// the document holds `heads`. Fails on `doc-unavailable` for it.
async fn receive_unasked(
    client: &mut RawClient,
    id: DocumentId,
    heads: &[ChangeHash],
) -> Automerge {
    let mut doc = Automerge::new();
    let mut state = SyncState::new();
    let deadline = Instant::now() + TIMEOUT;
    while !heads.iter().all(|h| doc.get_change_by_hash(h).is_some()) {
        let left = deadline.saturating_duration_since(Instant::now());
        match client.next_event(left).await {
            Event::Message(Message::Sync(m)) if m.document_id == id => {
                doc.receive_sync_message(&mut state, SyncMessage::decode(&m.data).unwrap())
                    .unwrap();
                if let Some(reply) = doc.generate_sync_message(&mut state) {
                    client.send_sync(id, reply.encode()).await.unwrap();
                }
            }
            Event::Message(Message::RemoteHeadsChanged { .. } | Message::Ephemeral(_)) => {}
            other => panic!("waiting for {id} to arrive unasked: got {other:?}"),
        }
    }
    doc
}

/// Asserts that nothing about `id` reaches `client` for `quiet`.
async fn expect_nothing_about(client: &mut RawClient, id: DocumentId, quiet: Duration) {
    loop {
        match client.next_event(quiet).await {
            Event::Timeout => return,
            Event::Message(Message::Sync(m)) if m.document_id == id => {
                panic!("a stranger was sent the document: {m:?}")
            }
            Event::Message(Message::DocUnavailable { document_id, .. }) if document_id == id => {
                panic!("a second doc-unavailable for {id}")
            }
            Event::Message(Message::Ephemeral(m)) if m.document_id == id => {
                panic!("a stranger was sent presence of the document: {m:?}")
            }
            Event::Message(_) => {}
            other => panic!("expected the connection to stay quiet and open, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_document_created_after_its_request_was_refused_reaches_the_members_who_asked() {
    let server = start_with_grace(Duration::from_millis(250)).await;
    let p = partnership(&server, "Clean air").await;
    let q = partnership(&server, "Elsewhere").await;
    let (_, creator) = token(&server, &p, Role::Editor).await;
    let (_, member) = token(&server, &p, Role::Editor).await;
    let (_, reader) = token(&server, &p, Role::Viewer).await;
    let (_, stranger) = token(&server, &q, Role::Editor).await;
    let id = random_document_id();

    // The stranger asks first, then a member and a viewer of the
    // partnership the document will belong to: all are told, alike, that
    // it is unavailable.
    let mut c = join_with_token(&server, &stranger).await;
    let mut a = join_with_token(&server, &member).await;
    let mut v = join_with_token(&server, &reader).await;
    for client in [&mut c, &mut a, &mut v] {
        let started = Instant::now();
        client.send_request(id, empty_request()).await.unwrap();
        client.expect_unavailable(id).await;
        assert!(
            started.elapsed() >= Duration::from_millis(240),
            "answered after the grace period, not {:?}",
            started.elapsed()
        );
    }
    for client in [&mut c, &mut a, &mut v] {
        barrier(client).await;
        assert!(remembers(&server, client, &id));
    }

    // A member creates it a moment later.
    let mut b = join_with_token(&server, &creator).await;
    let mut doc = document_with("title", "Late arrival");
    b.upload(id, &mut doc, &mut SyncState::new()).await.unwrap();
    assert_eq!(partnership_of(&server, id).await, Some(p.clone()));

    // The member who asked receives it without asking again, and so does
    // the viewer.
    let heads = doc.get_heads();
    let got = receive_unasked(&mut a, id, &heads).await;
    assert_eq!(get_str(&got, "title").as_deref(), Some("Late arrival"));
    let seen = receive_unasked(&mut v, id, &heads).await;
    assert_eq!(get_str(&seen, "title").as_deref(), Some("Late arrival"));

    // Live edits follow; the viewer's own changes are still refused.
    put(&mut doc, "title", "Edited");
    let mut state = SyncState::new();
    b.upload(id, &mut doc, &mut state).await.unwrap();
    let mut a2 = join_with_token(&server, &member).await;
    let fetched = a2.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "title").as_deref(), Some("Edited"));
    let mut defaced = seen;
    put(&mut defaced, "title", "Defaced");
    v.push_refused_as_read_only(id, &defaced, Duration::from_millis(800))
        .await;
    let fetched = a2.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "title").as_deref(), Some("Edited"));

    // The stranger, who asked first, receives nothing, and is forgotten.
    expect_nothing_about(&mut c, id, Duration::from_millis(800)).await;
    eventually("the stranger's refusal is forgotten", || {
        !remembers(&server, &c, &id)
    })
    .await;
    assert!(!handle_of(&server, &c).documents().contains(&id));
    assert!(!remembers(&server, &a, &id));
    // And it still cannot have it.
    assert!(matches!(c.fetch(id).await.unwrap(), Fetched::Unavailable));
}

#[tokio::test]
async fn a_document_claimed_through_the_api_reaches_the_member_who_asked_once_it_has_content() {
    let server = start_with_grace(Duration::from_millis(250)).await;
    let p = partnership(&server, "Schools").await;
    let q = partnership(&server, "Agencies").await;
    let (_, creator) = token(&server, &p, Role::Editor).await;
    let (_, member) = token(&server, &p, Role::Editor).await;
    let (_, stranger) = token(&server, &q, Role::Editor).await;
    let id = random_document_id();

    let mut a = join_with_token(&server, &member).await;
    request_refused(&mut a, id).await;
    assert!(remembers(&server, &a, &id));

    // The creator claims the id first (as the browser does), and syncs
    // only later: nothing is sent while the document has no content.
    let api = Api::script(&server, creator.expose());
    let claimed = api.claim(&p, id.to_string()).await;
    expect(&claimed, 201);
    expect_nothing_about(&mut a, id, Duration::from_millis(400)).await;
    assert!(remembers(&server, &a, &id));
    // A stranger who asks now (the document belongs to a partnership) is
    // refused alike and not remembered.
    let mut c = join_with_token(&server, &stranger).await;
    request_refused(&mut c, id).await;
    assert!(!remembers(&server, &c, &id));

    let mut b = join_with_token(&server, &creator).await;
    let mut doc = document_with("name", "Claimed first");
    b.upload(id, &mut doc, &mut SyncState::new()).await.unwrap();
    let got = receive_unasked(&mut a, id, &doc.get_heads()).await;
    assert_eq!(get_str(&got, "name").as_deref(), Some("Claimed first"));
    expect_nothing_about(&mut c, id, Duration::from_millis(500)).await;
}

#[tokio::test]
async fn a_requester_that_created_the_document_itself_is_not_sent_it_twice() {
    let server = start_with_grace(Duration::from_millis(100)).await;
    let p = partnership(&server, "Self made").await;
    let (_, editor) = token(&server, &p, Role::Editor).await;
    let id = random_document_id();
    let mut a = join_with_token(&server, &editor).await;
    request_refused(&mut a, id).await;
    assert!(remembers(&server, &a, &id));
    // The same connection then creates it: it syncs as usual, and the
    // memory of the refusal is spent without a second session.
    let mut doc = document_with("k", "v");
    let mut state = SyncState::new();
    a.upload(id, &mut doc, &mut state).await.unwrap();
    eventually("the refusal is spent", || !remembers(&server, &a, &id)).await;
    put(&mut doc, "k", "w");
    a.upload(id, &mut doc, &mut state).await.unwrap();
    // Nothing more arrives: no second copy of the document.
    for m in a.drain(Duration::from_millis(400)).await {
        if let Message::Sync(m) = m {
            let decoded = SyncMessage::decode(&m.data).unwrap();
            assert!(
                decoded.changes.is_empty(),
                "changes sent again: {decoded:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_refused_request_waits_its_grace_without_holding_up_the_connection() {
    let grace = Duration::from_millis(250);
    let server = start_with_grace(grace).await;
    let p = partnership(&server, "Busy").await;
    let (_, editor) = token(&server, &p, Role::Editor).await;
    let mut a = join_with_token(&server, &editor).await;
    let existing = random_document_id();
    let mut doc = document_with("k", "v");
    let mut state = SyncState::new();
    a.upload(existing, &mut doc, &mut state).await.unwrap();

    // A request for a document nobody has, then at once an edit of an
    // existing document on the same connection.
    let missing = random_document_id();
    let started = Instant::now();
    a.send_request(missing, empty_request()).await.unwrap();
    put(&mut doc, "k", "w");
    let edit = doc.generate_sync_message(&mut state).unwrap();
    a.send_sync(existing, edit.encode()).await.unwrap();

    let mut acknowledged = None;
    let mut unavailable = None;
    while unavailable.is_none() {
        match a.recv(TIMEOUT).await.unwrap() {
            Message::Sync(m) if m.document_id == existing => {
                doc.receive_sync_message(&mut state, SyncMessage::decode(&m.data).unwrap())
                    .unwrap();
                if acknowledged.is_none() && state.shared_heads == doc.get_heads() {
                    acknowledged = Some(started.elapsed());
                }
            }
            Message::DocUnavailable { document_id, .. } => {
                assert_eq!(document_id, missing);
                unavailable = Some(started.elapsed());
            }
            Message::RemoteHeadsChanged { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let unavailable = unavailable.unwrap();
    let acknowledged = acknowledged.expect("the edit was acknowledged before the refusal");
    assert!(
        acknowledged < unavailable,
        "edit acknowledged after {acknowledged:?}, refusal after {unavailable:?}"
    );
    assert!(
        unavailable >= grace - Duration::from_millis(10),
        "the refusal still waits the grace period: {unavailable:?}"
    );
}

#[tokio::test]
async fn a_later_sync_for_the_same_document_settles_its_request_first() {
    // A long grace, so that settling early is unmistakable.
    let server = start_with_grace(Duration::from_secs(3)).await;
    let p = partnership(&server, "Order").await;
    let (_, editor) = token(&server, &p, Role::Editor).await;
    let mut a = join_with_token(&server, &editor).await;
    let id = random_document_id();
    let started = Instant::now();
    a.send_request(id, empty_request()).await.unwrap();
    // The same peer then brings the document itself (another tab gave it).
    let mut doc = document_with("from", "another tab");
    let mut state = SyncState::new();
    let first = doc.generate_sync_message(&mut state).unwrap();
    a.send_sync(id, first.encode()).await.unwrap();
    // The request is answered first, at once, then the sync is handled:
    // it creates the document.
    a.expect_unavailable(id).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "settled without the rest of the grace: {:?}",
        started.elapsed()
    );
    a.upload(id, &mut doc, &mut state).await.unwrap();
    assert_eq!(partnership_of(&server, id).await, Some(p));
    let mut other = join_with_token(&server, &editor).await;
    let fetched = other.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "from").as_deref(), Some("another tab"));
}

#[tokio::test]
async fn set_aside_requests_and_remembered_refusals_are_bounded() {
    let grace = Duration::from_millis(300);
    let server = start_with_grace(grace).await;
    let p = partnership(&server, "Flood").await;
    let (_, editor) = token(&server, &p, Role::Editor).await;
    let mut a = join_with_token(&server, &editor).await;
    let mut existing = Vec::new();
    for _ in 0..2 {
        let id = random_document_id();
        let mut doc = document_with("k", "v");
        let mut state = SyncState::new();
        a.upload(id, &mut doc, &mut state).await.unwrap();
        existing.push((id, doc, state));
    }
    let ids: Vec<DocumentId> = (0..MAX_REMEMBERED_MISSING + 2)
        .map(|_| random_document_id())
        .collect();

    // As many refused requests as may be set aside, an edit, one request
    // more, another edit, and the rest of the requests, all at once.
    let started = Instant::now();
    let mut edits = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if i == MAX_DEFERRED || i == MAX_DEFERRED + 1 {
            let (doc_id, doc, state) = &mut existing[i - MAX_DEFERRED];
            put(doc, "k", "edited");
            edits.push((*doc_id, doc.get_heads()));
            let message = doc.generate_sync_message(state).unwrap();
            a.send_sync(*doc_id, message.encode()).await.unwrap();
        }
        a.send_request(*id, empty_request()).await.unwrap();
    }
    let mut refused = Vec::new();
    let mut acknowledged = Vec::new();
    while refused.len() < ids.len() || acknowledged.len() < edits.len() {
        match a.recv(TIMEOUT).await.unwrap() {
            Message::DocUnavailable { document_id, .. } => {
                refused.push((document_id, started.elapsed()));
            }
            Message::Sync(m) => {
                let heads = SyncMessage::decode(&m.data).unwrap().heads;
                for (i, (id, edited)) in edits.iter().enumerate() {
                    if m.document_id == *id
                        && edited.iter().all(|h| heads.contains(h))
                        && !acknowledged.iter().any(|(j, _)| *j == i)
                    {
                        acknowledged.push((i, refused.len()));
                    }
                }
            }
            Message::RemoteHeadsChanged { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    // Every refusal waited its grace period, in order.
    let order: Vec<DocumentId> = refused.iter().map(|(id, _)| *id).collect();
    assert_eq!(order, ids, "each answered once, in order");
    for (id, at) in &refused {
        assert!(*at >= grace, "{id} answered after {at:?}");
    }
    acknowledged.sort();
    // The first edit, behind a full set of requests set aside, was not
    // held up; the second, behind one request more, waited for the oldest
    // to be settled.
    assert_eq!(
        acknowledged[0],
        (0, 0),
        "the first edit is acknowledged before any refusal"
    );
    assert!(
        acknowledged[1].1 >= 1,
        "the second edit waited for room: {acknowledged:?}"
    );

    // Only the most recent refusals are remembered.
    barrier(&mut a).await;
    let remembered: Vec<bool> = ids.iter().map(|id| remembers(&server, &a, id)).collect();
    let expected: Vec<bool> = (0..ids.len())
        .map(|i| i >= ids.len() - MAX_REMEMBERED_MISSING)
        .collect();
    assert_eq!(remembered, expected);
}
