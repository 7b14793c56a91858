//! Bad input from one client: the server answers clearly (an `error`
//! message and/or a close code) and keeps serving everyone else. Every test
//! proves the server healthy before and after the bad input.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::State as SyncState;
use common::*;
use mitra_protocol::{DocumentMessage, EphemeralMessage, Message, PeerId, PeerMetadata};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Asserts an `error` message arrived (containing `needle`) and then a close with `code`.
fn assert_error_then_close(closed: &Closed, needle: &str, code: u16) {
    let errors = closed.errors();
    assert!(
        errors.iter().any(|e| e.contains(needle)),
        "expected an error message containing {needle:?}, got {closed:?}"
    );
    assert_eq!(closed.code, Some(code), "close code; got {closed:?}");
}

#[tokio::test]
async fn malformed_cbor_after_join_gets_error_and_close_1007() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::joined(&server).await.unwrap();
    bad.send_bytes(b"\xff\x00garbage".to_vec()).await.unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, "malformed", 1007);
    assert_serving(&server).await;
}

#[tokio::test]
async fn non_map_cbor_gets_error_and_close_1007() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::joined(&server).await.unwrap();
    let array = Cbor::Array(vec![Cbor::Uint(1), Cbor::text("sync")]).encode();
    bad.send_bytes(array).await.unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, "not a CBOR map", 1007);
    assert_serving(&server).await;
}

#[tokio::test]
async fn unknown_message_type_is_ignored_and_the_connection_keeps_working() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut client = RawClient::joined(&server).await.unwrap();
    let future = Cbor::map([
        ("type", Cbor::text("from-the-future")),
        ("senderId", Cbor::text(client.peer_id.as_str())),
        ("targetId", Cbor::text(client.server_id.as_str())),
        ("payload", Cbor::Bytes(vec![1, 2, 3])),
    ])
    .encode();
    client.send_bytes(future).await.unwrap();
    client
        .expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
    // The same connection still syncs.
    let id = random_document_id();
    let mut doc = document_with("k", "after-unknown");
    client
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    assert!(matches!(
        client.fetch(random_document_id()).await.unwrap(),
        Fetched::Unavailable
    ));
    let mut reader = RawClient::joined(&server).await.unwrap();
    let fetched = reader.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("after-unknown"));
    assert_serving(&server).await;
}

#[tokio::test]
async fn invalid_document_id_in_sync_gets_error_and_close() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    for bad_id in ["not-base58!!", "3vQB7B6MrGQZaxCuFg4oh", ""] {
        let mut bad = RawClient::joined(&server).await.unwrap();
        let message = Cbor::map([
            ("type", Cbor::text("sync")),
            ("senderId", Cbor::text(bad.peer_id.as_str())),
            ("targetId", Cbor::text(bad.server_id.as_str())),
            ("documentId", Cbor::text(bad_id)),
            ("data", Cbor::Bytes(vec![0x42, 0, 0, 0])),
        ])
        .encode();
        bad.send_bytes(message).await.unwrap();
        let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
        assert_error_then_close(&closed, "documentId", 1007);
    }
    assert_serving(&server).await;
}

#[tokio::test]
async fn garbage_sync_data_gets_error_naming_the_document_and_close_1007() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::joined(&server).await.unwrap();
    let id = random_document_id();
    bad.send_sync(id, b"this is not an automerge sync message".to_vec())
        .await
        .unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, &id.to_string(), 1007);
    // A good peer can still use that very document.
    let mut good = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "fine");
    good.upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    let mut reader = RawClient::joined(&server).await.unwrap();
    let fetched = reader.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("fine"));
    assert_serving(&server).await;
}

#[tokio::test]
async fn spoofed_sender_on_sync_gets_error_and_close_1002() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::joined(&server).await.unwrap();
    let spoofed = Message::Sync(DocumentMessage {
        sender_id: PeerId::new("somebody-else"),
        target_id: bad.server_id.clone(),
        document_id: random_document_id(),
        data: vec![],
    });
    bad.send(&spoofed).await.unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, "does not match", 1002);
    assert_serving(&server).await;
}

#[tokio::test]
async fn ephemeral_with_another_sender_is_dropped_and_the_connection_stays_open() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let id = random_document_id();
    let mut echoer = RawClient::joined(&server).await.unwrap();
    let mut listener = RawClient::joined(&server).await.unwrap();
    // The listener opens the document so that relayed ephemera reach it.
    // Its message and the echoer's travel on different sockets, so the
    // echoer repeats until one is relayed (the server does not start
    // syncing a document with a peer that only sent ephemera).
    listener.send_ephemeral(id, 1, vec![0x60]).await.unwrap();
    let mut count = 1;
    let relayed = loop {
        echoer
            .send_ephemeral(id, count, vec![0x61, b'a'])
            .await
            .unwrap();
        count += 1;
        match listener.recv(Duration::from_millis(200)).await {
            Ok(Message::Ephemeral(m)) => break m,
            Ok(other) => panic!("expected the relayed ephemeral, got {other:?}"),
            Err(_) if count < 25 => continue,
            Err(e) => panic!("no ephemeral relayed after {count} tries: {e}"),
        }
    };
    assert_eq!(relayed.sender_id, echoer.peer_id);
    assert_eq!(relayed.target_id, listener.peer_id);
    assert_eq!(relayed.data, vec![0x61, b'a']);
    // Whatever was relayed to the echoer meanwhile (the listener's first
    // message, if the echoer's session came first) is drained here.
    while echoer.recv(Duration::from_millis(100)).await.is_ok() {}
    // The echoer passes on an ephemeral authored by someone else (what
    // automerge-repo clients do with relayed presence): silently dropped.
    let echo = Message::Ephemeral(EphemeralMessage {
        sender_id: listener.peer_id.clone(),
        target_id: echoer.server_id.clone(),
        document_id: id,
        session_id: "someone-elses-session".into(),
        count: 7,
        data: vec![0x61, b'e'],
    });
    echoer.send(&echo).await.unwrap();
    expect_no_ephemeral_or_close(&mut echoer, Duration::from_millis(300)).await;
    expect_no_ephemeral_or_close(&mut listener, Duration::from_millis(100)).await;
    // Still open and working.
    let mut doc = document_with("k", "still-here");
    echoer
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    echoer
        .send_ephemeral(id, 2, vec![0x61, b'b'])
        .await
        .unwrap();
    loop {
        match listener.recv(TIMEOUT).await.unwrap() {
            Message::Ephemeral(m) => {
                assert_eq!(m.count, 2);
                break;
            }
            Message::Sync(_) | Message::RemoteHeadsChanged { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_serving(&server).await;
}

/// Reads for `quiet`: sync traffic is fine, an ephemeral, error or close is not.
async fn expect_no_ephemeral_or_close(client: &mut RawClient, quiet: Duration) {
    let deadline = Instant::now() + quiet;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match client.next_event(left).await {
            Event::Timeout => return,
            Event::Message(Message::Sync(_) | Message::RemoteHeadsChanged { .. }) => {}
            other => panic!("expected nothing, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn unsupported_protocol_version_gets_error_mentioning_it_and_close() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::connect(&server).await.unwrap();
    bad.send(&Message::Join {
        sender_id: PeerId::new("time-traveller"),
        peer_metadata: PeerMetadata::default(),
        supported_protocol_versions: Some(vec!["7".into()]),
    })
    .await
    .unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    let errors = closed.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("version") && e.contains('7')),
        "got {closed:?}"
    );
    assert!(
        closed.code.is_some(),
        "expected a close frame, got {closed:?}"
    );
    assert_serving(&server).await;
}

#[tokio::test]
async fn first_message_not_a_join_gets_error_and_close() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut bad = RawClient::connect(&server).await.unwrap();
    bad.send(&Message::Request(DocumentMessage {
        sender_id: PeerId::new("impatient"),
        target_id: PeerId::new("server"),
        document_id: random_document_id(),
        data: vec![],
    }))
    .await
    .unwrap();
    let closed = bad.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, "join", 1002);
    assert_serving(&server).await;
}

#[tokio::test]
async fn text_frame_closes_with_1003_before_and_after_join() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut before_join = RawClient::connect(&server).await.unwrap();
    before_join
        .send_frame(WsMessage::Text("{\"type\":\"join\"}".into()))
        .await
        .unwrap();
    let closed = before_join.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1003), "{closed:?}");

    let mut after_join = RawClient::joined(&server).await.unwrap();
    after_join
        .send_frame(WsMessage::Text("hello".into()))
        .await
        .unwrap();
    let closed = after_join.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1003), "{closed:?}");
    assert_serving(&server).await;
}

#[tokio::test]
async fn message_over_the_size_limit_closes_with_1009() {
    let server = TestServer::start_with(|c| c.limits.max_message_bytes = 64 * 1024).await;
    assert_serving(&server).await;
    let mut big = RawClient::joined(&server).await.unwrap();
    let huge = vec![0x42; 100 * 1024];
    big.send_sync(random_document_id(), huge).await.unwrap();
    let closed = big.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1009), "{closed:?}");
    assert_serving(&server).await;
}

#[tokio::test]
async fn message_over_the_size_limit_before_join_closes_with_1009() {
    let server = TestServer::start_with(|c| c.limits.max_message_bytes = 64 * 1024).await;
    assert_serving(&server).await;
    let mut big = RawClient::connect(&server).await.unwrap();
    big.send_bytes(vec![0x42; 100 * 1024]).await.unwrap();
    let closed = big.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1009), "{closed:?}");
    assert_serving(&server).await;
}

#[tokio::test]
async fn silent_connection_is_closed_after_the_handshake_deadline() {
    let server =
        TestServer::start_with(|c| c.limits.handshake_timeout = Duration::from_millis(500)).await;
    assert_serving(&server).await;
    let started = Instant::now();
    let mut silent = RawClient::connect(&server).await.unwrap();
    let closed = silent.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "closed after {took:?}"
    );
    assert_eq!(closed.code, Some(1008), "{closed:?}");
    assert!(closed.reason.contains("handshake"), "{closed:?}");
    assert!(server.metric("mitra_errors_total{kind=\"handshake_timeout\"}") >= 1.0);
    assert_serving(&server).await;
}

#[tokio::test]
async fn connection_cap_refuses_the_next_upgrade_with_503() {
    let server = TestServer::start_with(|c| c.limits.max_connections = 2).await;
    assert_serving(&server).await;
    // Both slots must be free again after the health check.
    server
        .wait_for("connections to close", TIMEOUT, |s| {
            s.metric("mitra_connections") == 0.0
        })
        .await;
    let id = random_document_id();
    let mut first = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("k", "capped");
    first
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    let _second = RawClient::joined(&server).await.unwrap();

    let refused = ws_connect(server.addr, "/sync", None).await;
    let err = refused.expect_err("a third connection must be refused");
    let status = match err.downcast_ref::<tokio_tungstenite::tungstenite::Error>() {
        Some(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        _ => panic!("expected an HTTP error, got {err:#}"),
    };
    assert_eq!(status, 503);
    assert!(server.metric("mitra_errors_total{kind=\"connection_limit\"}") >= 1.0);

    // Plain HTTP is not capped.
    assert_eq!(http_get(server.addr, "/healthz").await.unwrap().status, 200);

    // A slot frees up when a client leaves, and the server serves again.
    first.close().await;
    server
        .wait_for("a slot to free up", TIMEOUT, |s| {
            s.metric("mitra_connections") <= 1.0
        })
        .await;
    let mut third = RawClient::joined(&server).await.unwrap();
    let fetched = third.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("capped"));
}

#[tokio::test]
async fn same_peer_id_connecting_twice_closes_the_first_socket_with_1008() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let peer = unique_peer("twin");
    let mut first = RawClient::join_as(&server, &peer).await.unwrap();
    let id = random_document_id();
    let mut doc = document_with("k", "from-first");
    first
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();

    let mut second = RawClient::join_as(&server, &peer).await.unwrap();
    let closed = first.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1008), "{closed:?}");

    // The second connection works, with a fresh sync session.
    let fetched = second.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("from-first"));
    let other = random_document_id();
    let mut doc = document_with("k", "from-second");
    second
        .upload(other, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    let mut reader = RawClient::joined(&server).await.unwrap();
    let fetched = reader.fetch_document(other).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("from-second"));
    assert_serving(&server).await;
}

/// Uploads `count` documents of `size` random (incompressible) bytes each.
async fn upload_big_documents(
    server: &TestServer,
    count: usize,
    size: usize,
) -> Vec<mitra_protocol::DocumentId> {
    let mut writer = RawClient::joined(server).await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..count {
        let id = random_document_id();
        let mut doc = automerge::Automerge::new();
        let blob: Vec<u8> = (0..size).map(|_| rand::random::<u8>()).collect();
        put(&mut doc, "blob", automerge::ScalarValue::Bytes(blob));
        writer
            .upload(id, &mut doc, &mut SyncState::new())
            .await
            .unwrap();
        ids.push(id);
    }
    writer.close().await;
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_reader_is_disconnected_while_others_keep_syncing() {
    let server = TestServer::start_with(|c| c.limits.outbound_queue = 4).await;
    assert_serving(&server).await;
    let ids = upload_big_documents(&server, 16, 512 * 1024).await;

    // The slow client has a tiny receive buffer, asks for everything, and never reads.
    let mut slow = RawClient::connect_to(server.addr, Some(4096))
        .await
        .unwrap();
    slow.join(&unique_peer("sloth")).await.unwrap();
    let empty = {
        let mut state = SyncState::new();
        use automerge::sync::SyncDoc;
        automerge::Automerge::new()
            .generate_sync_message(&mut state)
            .unwrap()
            .encode()
    };
    for id in &ids {
        slow.send_request(*id, empty.clone()).await.unwrap();
    }

    // Meanwhile healthy clients sync with bounded latency.
    for _ in 0..3 {
        let took = assert_serving(&server).await;
        assert!(took < Duration::from_secs(3), "healthy sync took {took:?}");
    }

    server
        .wait_for("the slow reader to be dropped", TIMEOUT, |s| {
            s.metric("mitra_errors_total{kind=\"slow_consumer\"}") >= 1.0
        })
        .await;
    // The slow client finally reads: whatever was written, then a 1008 close.
    let closed = slow.expect_closed(Duration::from_secs(20)).await.unwrap();
    assert_eq!(closed.code, Some(1008), "reason {:?}", closed.reason);
    assert!(closed.reason.contains("queue"), "{:?}", closed.reason);
    assert_serving(&server).await;
}

#[tokio::test]
async fn too_many_documents_on_one_connection_closes_with_1008() {
    let server = TestServer::start_with(|c| c.limits.max_documents_per_connection = 3).await;
    assert_serving(&server).await;
    let mut greedy = RawClient::joined(&server).await.unwrap();
    for _ in 0..3 {
        assert!(matches!(
            greedy.fetch(random_document_id()).await.unwrap(),
            Fetched::Unavailable
        ));
    }
    let empty = {
        use automerge::sync::SyncDoc;
        automerge::Automerge::new()
            .generate_sync_message(&mut SyncState::new())
            .unwrap()
            .encode()
    };
    greedy
        .send_request(random_document_id(), empty)
        .await
        .unwrap();
    let closed = greedy.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1008), "{closed:?}");
    assert!(closed.reason.contains("documents"), "{closed:?}");
    assert_serving(&server).await;
}

#[tokio::test]
async fn leave_closes_the_connection_normally_without_an_error() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut leaving = RawClient::joined(&server).await.unwrap();
    let leave = Message::Leave {
        sender_id: leaving.peer_id.clone(),
    };
    leaving.send(&leave).await.unwrap();
    let closed = leaving.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert!(closed.errors().is_empty(), "{closed:?}");
    assert_eq!(closed.code, Some(1000), "{closed:?}");
    assert_eq!(
        server.metric("mitra_errors_total{kind=\"protocol_violation\"}"),
        0.0,
        "a polite leave counted as a protocol violation"
    );
    assert_serving(&server).await;
}

#[tokio::test]
async fn join_without_a_sender_id_gets_error_and_close() {
    let server = TestServer::start().await;
    assert_serving(&server).await;
    let mut nameless = RawClient::connect(&server).await.unwrap();
    nameless
        .send(&Message::Join {
            sender_id: PeerId::new(""),
            peer_metadata: PeerMetadata::default(),
            supported_protocol_versions: Some(vec!["1".into()]),
        })
        .await
        .unwrap();
    let closed = nameless.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert_error_then_close(&closed, "senderId", 1002);
    // A join lacking the senderId field altogether.
    let mut fieldless = RawClient::connect(&server).await.unwrap();
    let join = Cbor::map([
        ("type", Cbor::text("join")),
        (
            "supportedProtocolVersions",
            Cbor::Array(vec![Cbor::text("1")]),
        ),
    ])
    .encode();
    fieldless.send_bytes(join).await.unwrap();
    let closed = fieldless.expect_closed(CLOSE_TIMEOUT).await.unwrap();
    assert!(!closed.errors().is_empty(), "{closed:?}");
    assert!(closed.code.is_some(), "{closed:?}");
    assert_serving(&server).await;
}
