//! `GraphEngine` in the server's document state machine, in place of
//! `AutomergeEngine`: the durability gate, relaying to readers, viewers
//! whose changes are ignored, and a peer that comes back with nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use automerge::sync::{self, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ROOT, ReadDoc};
use mitra_graph::GraphEngine;
use mitra_protocol::{
    ConnectionId, DocumentEngine, DocumentId, DocumentMessage, DocumentOutput, DocumentSync,
    Message, PeerId, PeerRef,
};

const ID: [u8; 16] = [4; 16];

struct Client {
    peer: PeerRef,
    doc: Automerge,
    state: sync::State,
}

impl Client {
    fn new(name: &str, connection: u64, actor: u8) -> Self {
        Self {
            peer: PeerRef {
                peer: PeerId::new(name),
                connection: ConnectionId(connection),
                storage_id: None,
            },
            doc: Automerge::new().with_actor(ActorId::from([actor; 16])),
            state: sync::State::new(),
        }
    }

    fn edit(&mut self, key: &str, value: i64) {
        let mut tx = self.doc.transaction();
        tx.put(ROOT, key, value).unwrap();
        tx.commit_with(CommitOptions::default().with_time(value));
    }

    /// Sends the client's next sync message, if any.
    fn send(&mut self, server: &mut DocumentSync<GraphEngine>, read_only: bool) -> bool {
        let Some(m) = self.doc.generate_sync_message(&mut self.state) else {
            return false;
        };
        let out = server.receive_sync_as(
            &self.peer,
            &DocumentMessage {
                sender_id: self.peer.peer.clone(),
                target_id: PeerId::new("server"),
                document_id: DocumentId::from_bytes(ID),
                data: m.encode(),
            },
            false,
            None,
            read_only,
        );
        assert!(
            out.iter()
                .all(|o| !matches!(o, DocumentOutput::Reject { .. })),
            "{out:?}"
        );
        true
    }
}

/// Persists what the server hands out (as the document actor does).
fn persist(server: &mut DocumentSync<GraphEngine>, log: &mut Vec<Vec<u8>>) {
    if let Some(bytes) = server.take_unpersisted() {
        log.push(bytes);
        server.mark_persisted();
    }
}

/// Delivers the server's flushed sync messages to the clients.
fn deliver(server: &mut DocumentSync<GraphEngine>, clients: &mut [&mut Client]) -> usize {
    let mut delivered = 0;
    for output in server.flush() {
        if let DocumentOutput::Send {
            to,
            message: Message::Sync(m),
        } = output
        {
            let client = clients.iter_mut().find(|c| c.peer == to).unwrap();
            client
                .doc
                .receive_sync_message(&mut client.state, sync::Message::decode(&m.data).unwrap())
                .unwrap();
            delivered += 1;
        }
    }
    delivered
}

fn settle(
    server: &mut DocumentSync<GraphEngine>,
    clients: &mut [&mut Client],
    read_only: &[bool],
    log: &mut Vec<Vec<u8>>,
) {
    for _ in 0..50 {
        let mut busy = false;
        for (client, ro) in clients.iter_mut().zip(read_only) {
            busy |= client.send(server, *ro);
        }
        persist(server, log);
        busy |= deliver(server, clients) > 0;
        if !busy {
            return;
        }
    }
    panic!("sync did not go quiet");
}

#[test]
fn nothing_is_relayed_before_it_is_durable() {
    let mut server = DocumentSync::new(
        DocumentId::from_bytes(ID),
        PeerId::new("server"),
        GraphEngine::new(),
    );
    let mut writer = Client::new("writer", 1, 1);
    let mut reader = Client::new("reader", 2, 2);
    let mut log = Vec::new();
    writer.edit("agenda", 1);
    settle(
        &mut server,
        &mut [&mut writer, &mut reader],
        &[false, false],
        &mut log,
    );
    assert_eq!(reader.doc.get_heads(), writer.doc.get_heads());

    writer.edit("agenda", 2);
    assert!(writer.send(&mut server, false));
    assert!(server.awaiting_persist());
    assert!(server.flush().is_empty(), "silent until durable");
    let bytes = server.take_unpersisted().unwrap();
    assert!(server.flush().is_empty(), "handed out is not durable yet");
    server.mark_persisted();
    log.push(bytes);
    assert!(deliver(&mut server, &mut [&mut writer, &mut reader]) > 0);
    settle(
        &mut server,
        &mut [&mut writer, &mut reader],
        &[false, false],
        &mut log,
    );
    assert_eq!(reader.doc.get_heads(), writer.doc.get_heads());

    // What was persisted reloads as the same document.
    let reloaded = GraphEngine::load(None, log.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(reloaded.heads(), writer.doc.get_heads());
}

#[test]
fn a_viewer_reads_but_its_changes_are_ignored() {
    let mut server = DocumentSync::new(
        DocumentId::from_bytes(ID),
        PeerId::new("server"),
        GraphEngine::new(),
    );
    let mut editor = Client::new("editor", 1, 1);
    let mut viewer = Client::new("viewer", 2, 2);
    let mut log = Vec::new();
    editor.edit("budget", 10);
    viewer.edit("budget", 999);
    let forged = viewer.doc.get_heads();
    let (editors, viewers) = (&mut editor, &mut viewer);
    settle(
        &mut server,
        &mut [editors, viewers],
        &[false, true],
        &mut log,
    );
    let heads = server.engine().heads();
    assert_eq!(heads, editor.doc.get_heads());
    assert!(!server.engine().has_change(&forged[0]));
    // The viewer has the editor's changes (and its own, which nobody else has).
    assert!(
        heads
            .iter()
            .all(|h| viewer.doc.get_change_by_hash(h).is_some())
    );
    assert!(editor.doc.get_change_by_hash(&forged[0]).is_none());
    assert_eq!(log.concat(), server.engine().changes_bytes());
}

#[test]
fn a_peer_that_lost_its_data_gets_everything_again() {
    let mut server = DocumentSync::new(
        DocumentId::from_bytes(ID),
        PeerId::new("server"),
        GraphEngine::new(),
    );
    let mut writer = Client::new("writer", 1, 1);
    let mut log = Vec::new();
    for i in 0..20 {
        writer.edit("minutes", i);
    }
    settle(&mut server, &mut [&mut writer], &[false], &mut log);
    // Same peer id, new connection, empty document (its storage was wiped).
    let mut wiped = Client::new("writer", 2, 3);
    settle(&mut server, &mut [&mut wiped], &[false], &mut log);
    assert_eq!(wiped.doc.get_heads(), writer.doc.get_heads());
    assert_eq!(server.engine().change_count(), 20);
}
