//! Measures what the automerge engine costs per relayed change with many
//! readers: `cargo run --release -p mitra-protocol --example engine_costs --
//! ../shared/data/monday-meeting-notes.automerge 100`.
//!
//! Readers acknowledge like cheap automerge-repo peers: their heads, and a
//! `have` with an empty bloom filter at those heads.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use automerge::sync::{self, BloomFilter, Have, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};
use mitra_protocol::{AutomergeEngine, DocumentEngine};

fn ack(heads: Vec<automerge::ChangeHash>) -> Vec<u8> {
    sync::Message {
        heads: heads.clone(),
        need: vec![],
        have: vec![Have {
            last_sync: heads,
            bloom: BloomFilter::default(),
        }],
        changes: sync::ChunkList::from(Vec::<Vec<u8>>::new()),
        flags: None,
        version: sync::MessageVersion::V1,
    }
    .encode()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("path to an automerge document");
    let readers: usize = args
        .next()
        .map_or(100, |n| n.parse().expect("reader count"));
    let bytes = std::fs::read(&path).expect("read document");

    let t = Instant::now();
    let mut server = AutomergeEngine::load(Some(&bytes), std::iter::empty()).unwrap();
    println!("load: {:?}", t.elapsed());
    let mut writer = AutoCommit::load(&bytes).unwrap();
    let text = writer
        .map_range(ROOT, ..)
        .find_map(|item| match writer.object_type(item.id()) {
            Ok(ObjType::Text) => Some(item.id()),
            _ => None,
        })
        .unwrap_or_else(|| writer.put_object(ROOT, "text", ObjType::Text).unwrap());

    // Writer session, synced to quiet.
    let mut writer_state = sync::State::new();
    let mut server_writer = server.new_peer_state();
    for _ in 0..10 {
        let mut quiet = true;
        if let Some(m) = writer.sync().generate_sync_message(&mut writer_state) {
            server.receive(&mut server_writer, &m.encode()).unwrap();
            quiet = false;
        }
        if let Some(m) = server.generate(&mut server_writer) {
            writer
                .sync()
                .receive_sync_message(&mut writer_state, sync::Message::decode(&m).unwrap())
                .unwrap();
            quiet = false;
        }
        if quiet {
            break;
        }
    }
    // Readers: request from nothing, receive everything, acknowledge.
    let t = Instant::now();
    let mut reader_states: Vec<_> = (0..readers).map(|_| server.new_peer_state()).collect();
    for state in &mut reader_states {
        server.receive(state, &ack(vec![])).unwrap();
        let _ = server.generate(state);
        server.receive(state, &ack(server.heads())).unwrap();
        let _ = server.generate(state);
    }
    println!("{readers} readers' initial sync: {:?}", t.elapsed());

    let (mut apply, mut generate, mut acks, mut settle) = (vec![], vec![], vec![], vec![]);
    for i in 0..40 {
        writer
            .splice_text(&text, 0, 0, if i % 2 == 0 { "a" } else { "b" })
            .unwrap();
        let m = writer
            .sync()
            .generate_sync_message(&mut writer_state)
            .unwrap();
        let t = Instant::now();
        server.receive(&mut server_writer, &m.encode()).unwrap();
        let bytes = server.take_unpersisted();
        server.mark_persisted();
        apply.push(t.elapsed());
        assert!(bytes.is_some());

        let t = Instant::now();
        let to_writer = server.generate(&mut server_writer);
        let mut sent = 0;
        for state in &mut reader_states {
            sent += usize::from(server.generate(state).is_some());
        }
        generate.push(t.elapsed());
        assert_eq!(sent, readers);

        let heads = server.heads();
        let t = Instant::now();
        for state in &mut reader_states {
            server.receive(state, &ack(heads.clone())).unwrap();
        }
        if let Some(m) = to_writer {
            writer
                .sync()
                .receive_sync_message(&mut writer_state, sync::Message::decode(&m).unwrap())
                .unwrap();
        }
        acks.push(t.elapsed());

        let t = Instant::now();
        for state in &mut reader_states {
            let _ = server.generate(state);
        }
        settle.push(t.elapsed());
    }
    println!(
        "per change, medians over 40: apply+take {:?} | generate for {readers} readers {:?} | \
         receive {readers} acks {:?} | generate after acks {:?}",
        median(apply),
        median(generate),
        median(acks),
        median(settle)
    );
}
