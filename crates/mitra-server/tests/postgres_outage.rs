//! The server on PostgreSQL while the database goes away and comes back.
//!
//! Needs the throwaway cluster of `scripts/with-postgres.sh` (it stops and
//! restarts it through `MITRA_TEST_POSTGRES_CTL`): run as
//! `scripts/with-postgres.sh cargo test -p mitra-server --test postgres_outage`.
//! Without it the test says it is skipped and passes, except in CI (`CI`
//! set), where it fails.
//!
//! One test only: it stops the database every other PostgreSQL test uses.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use automerge::sync::{Message as SyncMessage, State as SyncState, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use common::*;
use mitra_protocol::{DocumentId, Message};
use mitra_storage::StorageUrl;
use tokio::time::Instant;

const ERRORS_APPEND: &str = r#"mitra_errors_total{kind="storage_append"}"#;

/// True when running in CI (`CI` set to anything but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The throwaway cluster of `scripts/with-postgres.sh`.
struct Cluster {
    /// The server URL (its `mitra_test` database).
    url: String,
    /// `psql` and friends.
    bin: PathBuf,
    /// The script running `pg_ctl` on the cluster as the right user.
    ctl: PathBuf,
    /// True while this test has the cluster stopped (restarted on drop).
    stopped: bool,
}

impl Cluster {
    /// The cluster named by the environment, or `None` (after saying so)
    /// when the test is to be skipped. Panics when it is missing in CI.
    fn from_env() -> Option<Cluster> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (
            var("MITRA_TEST_POSTGRES_URL"),
            var("MITRA_TEST_POSTGRES_BIN"),
            var("MITRA_TEST_POSTGRES_CTL"),
        ) {
            (Some(url), Some(bin), Some(ctl)) => Some(Cluster {
                url,
                bin: bin.into(),
                ctl: ctl.into(),
                stopped: false,
            }),
            _ if in_ci() => panic!(
                "MITRA_TEST_POSTGRES_URL, _BIN or _CTL is not set, and CI is: the PostgreSQL \
                 outage test must run in CI. Run the tests through scripts/with-postgres.sh."
            ),
            _ => {
                // Straight to stderr, past the harness's capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped postgres_outage: MITRA_TEST_POSTGRES_URL/_BIN/_CTL are not set \
                     (run through scripts/with-postgres.sh)"
                );
                None
            }
        }
    }

    /// Runs the cluster's `pg_ctl` with `args`, panicking if it fails.
    async fn ctl(&self, args: &'static [&'static str]) {
        let ctl = self.ctl.clone();
        let output =
            tokio::task::spawn_blocking(move || Command::new("sh").arg(ctl).args(args).output())
                .await
                .unwrap()
                .unwrap();
        assert!(
            output.status.success(),
            "pg_ctl {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Stops the database server (`pg_ctl stop -m fast`: every connection
    /// is cut, as in a crash or a restart by the operator).
    async fn stop(&mut self) {
        self.stopped = true;
        self.ctl(&["stop", "-m", "fast"]).await;
    }

    /// Starts it again and waits until it accepts connections.
    async fn start(&mut self) {
        self.ctl(&["start"]).await;
        self.stopped = false;
    }

    /// Runs one SQL command with psql on the server's own database.
    async fn psql(&self, sql: String) {
        let psql = self.bin.join("psql");
        let url = self.url.clone();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(psql)
                .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &url, "-c", &sql])
                .output()
        })
        .await
        .unwrap()
        .unwrap();
        assert!(
            output.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Creates a fresh database and returns its name and URL.
    async fn create_database(&self) -> (String, String) {
        let name = format!("mitra_outage_{:016x}", rand::random::<u64>());
        self.psql(format!("CREATE DATABASE {name}")).await;
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let (base, query) = match rest.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (rest, String::new()),
        };
        let authority = base.split_once('/').map_or(base, |(a, _)| a);
        let url = format!("{scheme}://{authority}/{name}{query}");
        (name, url)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Never leave the shared cluster down for whatever runs next.
        if self.stopped {
            let _ = Command::new("sh").arg(&self.ctl).arg("start").output();
        }
    }
}

/// Polls `/readyz` until it answers `status`.
async fn wait_for_readyz(server: &TestServer, status: u16, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let answer = http_get(server.addr, "/readyz").await.unwrap().status;
        if answer == status {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz still answers {answer}, not {status}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether `doc` holds every change of `heads`.
fn holds(doc: &Automerge, heads: &[ChangeHash]) -> bool {
    heads.iter().all(|h| doc.get_change_by_hash(h).is_some())
}

/// Handles one event of a client following `id`: applies sync messages
/// (answering them), ignores pings, gossip and presence, and fails on a
/// close or anything unexpected. Returns whether a sync message came.
async fn follow(
    client: &mut RawClient,
    who: &str,
    id: DocumentId,
    doc: &mut Automerge,
    state: &mut SyncState,
    wait: Duration,
) -> bool {
    match client.next_event(wait).await {
        Event::Timeout => false,
        Event::Message(Message::Sync(m)) if m.document_id == id => {
            doc.receive_sync_message(state, SyncMessage::decode(&m.data).unwrap())
                .unwrap();
            if let Some(reply) = doc.generate_sync_message(state) {
                client.send_sync(id, reply.encode()).await.unwrap();
            }
            true
        }
        Event::Message(Message::RemoteHeadsChanged { .. } | Message::Ephemeral(_)) => false,
        other => panic!("{who}: unexpected {other:?} (the connection must stay open)"),
    }
}

/// Follows `id` on `client` until `doc` holds `heads`.
async fn follow_until(
    client: &mut RawClient,
    who: &str,
    id: DocumentId,
    doc: &mut Automerge,
    state: &mut SyncState,
    heads: &[ChangeHash],
    within: Duration,
) {
    let deadline = Instant::now() + within;
    while !holds(doc, heads) {
        assert!(
            Instant::now() < deadline,
            "{who} did not get the change within {within:?}"
        );
        follow(client, who, id, doc, state, Duration::from_millis(200)).await;
    }
}

/// Rebuilds a document from what storage holds for it.
fn rebuild(stored: &mitra_storage::StoredDocument) -> Automerge {
    let mut doc = match &stored.snapshot {
        Some(snapshot) => Automerge::load(snapshot).unwrap(),
        None => Automerge::new(),
    };
    for (_, chunk) in &stored.chunks {
        doc.load_incremental(chunk).unwrap();
    }
    doc
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_reveals_nothing_keeps_connections_and_loses_nothing() {
    let Some(mut cluster) = Cluster::from_env() else {
        return;
    };
    let (database, url) = cluster.create_database().await;
    let storage_url: StorageUrl = url.parse().unwrap();
    let mut server = {
        let storage_url = storage_url.clone();
        TestServer::start_with(move |config| config.storage = storage_url).await
    };
    wait_for_readyz(&server, 200, TIMEOUT).await;

    // A writer creates a document, a reader follows it.
    let id = random_document_id();
    let mut writer = RawClient::joined(&server).await.unwrap();
    let mut doc = document_with("status", "before the outage");
    let mut writer_state = SyncState::new();
    writer
        .upload(id, &mut doc, &mut writer_state)
        .await
        .unwrap();

    let mut reader = RawClient::joined(&server).await.unwrap();
    let mut seen = Automerge::new();
    let mut reader_state = SyncState::new();
    let first = seen.generate_sync_message(&mut reader_state).unwrap();
    reader.send_request(id, first.encode()).await.unwrap();
    follow_until(
        &mut reader,
        "reader",
        id,
        &mut seen,
        &mut reader_state,
        &doc.get_heads(),
        TIMEOUT,
    )
    .await;

    // The database goes away: the server says it is not ready.
    cluster.stop().await;
    wait_for_readyz(&server, 503, TIMEOUT).await;

    // The writer changes the document meanwhile.
    let errors_before = server.metric(ERRORS_APPEND);
    put(&mut doc, "status", "written during the outage");
    let during = doc.get_heads();
    let change = doc.generate_sync_message(&mut writer_state).unwrap();
    writer.send_sync(id, change.encode()).await.unwrap();

    // For a while: the change reaches nobody and is not acknowledged, both
    // connections stay open, and a newcomer can still connect and join.
    let watch = Instant::now() + Duration::from_secs(3);
    while Instant::now() < watch {
        follow(
            &mut reader,
            "reader",
            id,
            &mut seen,
            &mut reader_state,
            Duration::from_millis(100),
        )
        .await;
        assert!(
            !holds(&seen, &during),
            "the change was revealed while the database was down"
        );
        follow(
            &mut writer,
            "writer",
            id,
            &mut doc,
            &mut writer_state,
            Duration::from_millis(100),
        )
        .await;
        assert!(
            !writer_state
                .their_heads
                .as_deref()
                .is_some_and(|theirs| holds_all(theirs, &during)),
            "the server acknowledged a change it could not store"
        );
    }
    assert!(
        server.metric(ERRORS_APPEND) > errors_before,
        "the server never tried (and failed) to store the change"
    );
    assert_eq!(http_get(server.addr, "/readyz").await.unwrap().status, 503);
    let newcomer = RawClient::joined(&server).await.unwrap();
    assert_eq!(
        get_str(&seen, "status").as_deref(),
        Some("before the outage")
    );

    // The database returns: ready again, and the change arrives over the
    // same connections (the server's retry waits at most 5 s between tries).
    cluster.start().await;
    wait_for_readyz(&server, 200, Duration::from_secs(20)).await;
    follow_until(
        &mut reader,
        "reader",
        id,
        &mut seen,
        &mut reader_state,
        &during,
        Duration::from_secs(20),
    )
    .await;
    assert_eq!(
        get_str(&seen, "status").as_deref(),
        Some("written during the outage")
    );
    writer
        .upload(id, &mut doc, &mut writer_state)
        .await
        .unwrap();

    // Stored: in the database itself...
    let storage = mitra_storage::open(&storage_url).await.unwrap();
    let stored = storage.load(&id).await.unwrap().unwrap();
    assert_eq!(
        get_str(&rebuild(&stored), "status").as_deref(),
        Some("written during the outage")
    );
    storage.close().await;

    // ...and served by a restarted server to someone new.
    writer.close().await;
    reader.close().await;
    newcomer.close().await;
    server.restart().await;
    let mut fresh = RawClient::joined(&server).await.unwrap();
    let fetched = fresh.fetch_document(id).await.unwrap();
    assert_eq!(
        get_str(&fetched, "status").as_deref(),
        Some("written during the outage")
    );
    assert!(holds(&fetched, &during));
    fresh.close().await;
    let (stopped, _) = server.stop().await;
    stopped.unwrap();

    cluster
        .psql(format!("DROP DATABASE {database} WITH (FORCE)"))
        .await;
}

/// Whether `theirs` covers every head of `heads`.
fn holds_all(theirs: &[ChangeHash], heads: &[ChangeHash]) -> bool {
    heads.iter().all(|h| theirs.contains(h))
}
