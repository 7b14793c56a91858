//! `mitra backup`, `restore`, `migrate-storage` and `export-partnership`,
//! run as the real binary against real stores: a backup taken while a samod
//! client keeps editing through a running `mitra serve`, restored and served
//! again; refusals (a non-empty target, a damaged backup, a store in use);
//! migrations SQLite to SQLite and, with `MITRA_TEST_POSTGRES_URL`, through
//! PostgreSQL; and the whole-partnership export.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ReadDoc};
use mitra_access::{
    AccessStore, Actor, InvitationStatus, NewUser, PartnershipId, Principal, Role, Secret,
};
use mitra_protocol::{AutomergeEngine, DocumentId, StorageId};
use mitra_storage::{SqliteStorage, Storage, StorageUrl};
use samod::{BackoffConfig, DocHandle, Repo};

/// Patience for anything a test waits on.
const TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------

use common::{arg, fails, fails_saying, lines, succeeds, succeeds_saying};

/// `mitra` with `args`, in `cwd`, with no MITRA_* setting from outside.
fn command(cwd: &Path, args: &[&str]) -> Command {
    let mut command = common::command(args);
    command.current_dir(cwd);
    command
}

fn mitra(cwd: &Path, args: &[&str]) -> Output {
    common::mitra_in(cwd, args)
}

/// A running `mitra serve`, killed on drop.
struct Served {
    child: Child,
    /// `ws://127.0.0.1:PORT/sync`.
    ws_url: String,
    /// The charters of the demo it created (empty when it created none).
    charters: Vec<String>,
}

impl Served {
    fn start(data_dir: &Path, expect_demo: bool) -> Served {
        let mut child = command(
            data_dir.parent().unwrap(),
            &[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--data-dir",
                arg(data_dir),
            ],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let rx = lines(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        let wanted = if expect_demo { 3 } else { 1 };
        while lines.len() < wanted {
            match rx.recv_timeout(TIMEOUT) {
                Ok(line) => lines.push(line),
                Err(_) => panic!("mitra serve printed only {lines:?}"),
            }
        }
        let ws_url = lines[0]
            .split_whitespace()
            .find(|w| w.starts_with("ws://"))
            .unwrap_or_else(|| panic!("no sync endpoint in {lines:?}"))
            .trim_end_matches(')')
            .to_owned();
        // "Created the demo partnership ... http://HOST:PORT/#/p/<id>/charter"
        let charters = lines[1..]
            .iter()
            .filter_map(|line| {
                let link = line.split_whitespace().last()?;
                let (_, rest) = link.split_once("#/p/")?;
                Some(rest.strip_suffix("/charter")?.to_owned())
            })
            .collect();
        Served {
            child,
            ws_url,
            charters,
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// Reading stores
// ---------------------------------------------------------------------------

/// One document as a test compares it: heads, content, number of changes.
#[derive(Debug, Clone, PartialEq)]
struct Doc {
    heads: Vec<ChangeHash>,
    content: serde_json::Value,
    changes: usize,
}

impl Doc {
    fn of(doc: &Automerge) -> Doc {
        let mut heads = doc.get_heads();
        heads.sort();
        Doc {
            heads,
            content: serde_json::to_value(automerge::AutoSerde::from(doc)).unwrap(),
            changes: doc.get_changes(&[]).len(),
        }
    }
}

/// Every document in `storage`, loaded as the server loads it.
async fn contents(storage: &Arc<dyn Storage>) -> BTreeMap<DocumentId, (Doc, Automerge)> {
    let mut out = BTreeMap::new();
    for id in storage.list_documents().await.unwrap() {
        let stored = storage.load(&id).await.unwrap().unwrap();
        let engine = AutomergeEngine::load(
            stored.snapshot.as_deref(),
            stored.chunks.iter().map(|(_, c)| c.as_slice()),
        )
        .unwrap();
        let doc = engine.document().clone();
        out.insert(id, (Doc::of(&doc), doc));
    }
    out
}

/// Every document of the SQLite store in `dir` (and its storage id).
async fn sqlite_contents(dir: &Path) -> (BTreeMap<DocumentId, Doc>, StorageId) {
    let storage = open(&StorageUrl::sqlite(dir)).await;
    let docs = contents(&storage).await;
    let id = storage.storage_id().clone();
    storage.close().await;
    (docs.into_iter().map(|(k, (d, _))| (k, d)).collect(), id)
}

/// The documents of a backup file, read through a copy of it opened as a
/// data directory.
async fn backup_contents(file: &Path) -> (BTreeMap<DocumentId, (Doc, Automerge)>, StorageId) {
    let view = tempfile::tempdir().unwrap();
    std::fs::copy(file, view.path().join(mitra_storage::sqlite::DATABASE_FILE)).unwrap();
    let storage = open(&StorageUrl::sqlite(view.path())).await;
    let docs = contents(&storage).await;
    let id = storage.storage_id().clone();
    storage.close().await;
    (docs, id)
}

async fn open(url: &StorageUrl) -> Arc<dyn Storage> {
    mitra_storage::open(url)
        .await
        .unwrap_or_else(|e| panic!("opening {url}: {e}"))
}

/// `mitra restore --in FILE` into `to` (`--data-dir DIR` or `--storage
/// URL`, and any other argument), run in `cwd`.
fn restore(cwd: &Path, file: &Path, to: &[&str]) -> Output {
    mitra(cwd, &[&["restore", "--in", arg(file)], to].concat())
}

/// `mitra backup` of `from` (`--data-dir DIR` or `--storage URL`, and any
/// other argument) `--out FILE`, run in `cwd`.
fn backup(cwd: &Path, from: &[&str], file: &Path) -> Output {
    mitra(cwd, &[&["backup"], from, &["--out", arg(file)]].concat())
}

/// An editor API token (its secret) for the partnership whose charter is
/// `charter` (a URL or bare id), created with `mitra token create` in
/// `data_dir` (whose server created the demo with auth = required).
fn editor_token(data_dir: &Path, charter: &str) -> String {
    let charter = charter.strip_prefix("automerge:").unwrap_or(charter);
    let cwd = data_dir.parent().unwrap();
    let listed = succeeds(&mitra(
        cwd,
        &["partnership", "list", "--data-dir", arg(data_dir)],
    ));
    let partnership = listed
        .lines()
        .find(|l| l.ends_with(&format!("\tautomerge:{charter}")))
        .and_then(|l| l.split('\t').next())
        .unwrap_or_else(|| panic!("no partnership has the charter {charter}: {listed}"))
        .to_owned();
    cli_token(
        cwd,
        data_dir,
        &partnership,
        "editor",
        &["--label", "backup test"],
    )
}

/// Creates a token of `partnership` with `role` (and `extra` arguments)
/// with `mitra token create` in `cwd`; returns its secret.
fn cli_token(cwd: &Path, dir: &Path, partnership: &str, role: &str, extra: &[&str]) -> String {
    let args = [
        "token",
        "create",
        "--data-dir",
        arg(dir),
        "--partnership",
        partnership,
        "--role",
        role,
    ];
    succeeds(&mitra(cwd, &[&args[..], extra].concat()))
        .trim()
        .to_owned()
}

/// What `mitra token list` says about `partnership`'s tokens.
fn token_list(cwd: &Path, dir: &Path, partnership: &PartnershipId) -> String {
    succeeds(&mitra(
        cwd,
        &[
            "token",
            "list",
            "--data-dir",
            arg(dir),
            "--partnership",
            partnership.as_str(),
        ],
    ))
}

/// `ws_url` with an API token.
fn with_token(ws_url: &str, token: &str) -> String {
    format!("{ws_url}?token={token}")
}

/// Creates the demo partnership in `dir`; returns the printed charter URLs.
fn demo(dir: &Path, language: &str) -> Vec<String> {
    let out = succeeds(&mitra(
        dir.parent().unwrap(),
        &["demo", "--data-dir", arg(dir), "--language", language],
    ));
    // "  NAME (LANGUAGE): automerge:..." per partnership.
    out.lines()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with("meetings:"))
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.starts_with("automerge:"))
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------
// A samod client editing through the server
// ---------------------------------------------------------------------------

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(TIMEOUT, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

async fn samod_client(ws_url: &str) -> Repo {
    let repo = Repo::build_tokio().load().await;
    let dialer = repo
        .dial_websocket(
            samod::Url::parse(ws_url).unwrap(),
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
    repo
}

async fn find(repo: &Repo, id: &str) -> DocHandle {
    let id: samod::DocumentId = id.strip_prefix("automerge:").unwrap_or(id).parse().unwrap();
    within("find", repo.find(id))
        .await
        .unwrap()
        .expect("the server has the document")
}

/// The heads the server last told this client it has: the server reveals
/// only what is durable, so this is what it has acknowledged.
fn acknowledged(handle: &DocHandle) -> Vec<ChangeHash> {
    let (peers, _) = handle.peers();
    let mut heads: Vec<ChangeHash> = peers
        .values()
        .filter_map(|state| state.their_heads.clone())
        .flatten()
        .collect();
    heads.sort();
    heads
}

fn heads(handle: &DocHandle) -> Vec<ChangeHash> {
    let mut heads = handle.with_document(|doc| doc.get_heads());
    heads.sort();
    heads
}

fn document_id(handle: &DocHandle) -> DocumentId {
    DocumentId::parse_url_or_id(&handle.document_id().to_string()).unwrap()
}

/// One edit: a counter at the root, and a character typed into the
/// charter's purpose or the meeting's notes (collaborative text).
fn edit(handle: &DocHandle, n: u64) {
    handle.with_document(|doc| {
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            tx.put(automerge::ROOT, "backupProbe", n)?;
            for key in ["purpose", "notes"] {
                if let Some((automerge::Value::Object(automerge::ObjType::Text), text)) =
                    tx.get(automerge::ROOT, key)?
                {
                    let end = tx.length(&text);
                    tx.splice_text(&text, end, 0, if n.is_multiple_of(7) { " " } else { "x" })?;
                }
            }
            Ok(())
        })
        .unwrap();
    });
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_mid_editing_restores_every_document_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live");
    let served = Served::start(&live, true);
    assert_eq!(served.charters.len(), 2, "the demo in two languages");

    // A client opens both partnerships: each charter and the meetings it
    // links, through an editor token of each partnership (auth = required,
    // the default: the demo partnerships are two access partnerships).
    let tokens: Vec<String> = served
        .charters
        .iter()
        .map(|c| editor_token(&live, c))
        .collect();
    let mut repos = Vec::new();
    for token in &tokens {
        repos.push(samod_client(&with_token(&served.ws_url, token)).await);
    }
    let mut handles = Vec::new();
    // Which token's partnership each document belongs to.
    let mut partnership_of = BTreeMap::new();
    for (i, charter) in served.charters.iter().enumerate() {
        let repo = &repos[i];
        let handle = find(repo, charter).await;
        partnership_of.insert(document_id(&handle), i);
        let meetings = handle.with_document(|doc| {
            let (charter, _) = mitra_model::charter::load(doc).unwrap();
            charter
                .meetings
                .iter()
                .map(|m| m.url.clone())
                .collect::<Vec<_>>()
        });
        assert_eq!(meetings.len(), 2);
        handles.push(handle);
        for meeting in meetings {
            let meeting = find(repo, &meeting).await;
            partnership_of.insert(document_id(&meeting), i);
            handles.push(meeting);
        }
    }
    assert_eq!(handles.len(), 6);
    let initial: Vec<_> = handles.iter().map(heads).collect();

    // It keeps editing every document, round-robin, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let edits = Arc::new(AtomicU64::new(0));
    let editor = {
        let (stop, edits, handles) = (Arc::clone(&stop), Arc::clone(&edits), handles.clone());
        tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                edit(&handles[(n % handles.len() as u64) as usize], n);
                n += 1;
                edits.store(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };

    // Wait until the server has acknowledged edits of every document.
    within("the server acknowledges edits", async {
        loop {
            let all = handles
                .iter()
                .zip(&initial)
                .all(|(h, before)| !acknowledged(h).is_empty() && &acknowledged(h) != before);
            if all {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;

    // What the server acknowledged before the backup began.
    let acknowledged_before: Vec<(DocumentId, Vec<ChangeHash>)> = handles
        .iter()
        .map(|h| (document_id(h), acknowledged(h)))
        .collect();
    let edits_before = edits.load(Ordering::SeqCst);
    let file = tmp.path().join("backups").join("mitra.backup");
    let backup = {
        let (cwd, live, file) = (tmp.path().to_path_buf(), live.clone(), file.clone());
        tokio::task::spawn_blocking(move || {
            mitra(
                &cwd,
                &["backup", "--data-dir", arg(&live), "--out", arg(&file)],
            )
        })
        .await
        .unwrap()
    };
    let edits_during = edits.load(Ordering::SeqCst) - edits_before;
    succeeds_saying(
        &backup,
        &[
            "Backed up 6 document(s)",
            "Access control included: 0 user(s), 2 partnership(s), 2 active API token(s), 6 document owner(s)",
        ],
    );
    assert!(
        edits_during > 0,
        "the client kept editing while the backup ran"
    );
    // Editing goes on after the backup too; then stop.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    editor.await.unwrap();

    let (backed_up, backup_storage_id) = backup_contents(&file).await;
    assert_eq!(backed_up.len(), 6);
    // Every change acknowledged before the backup began is in it.
    for (id, acked) in &acknowledged_before {
        let (_, doc) = &backed_up[id];
        for hash in acked {
            assert!(
                doc.get_change_by_hash(hash).is_some(),
                "{} lacks the acknowledged change {hash}",
                id.url()
            );
        }
    }
    // And the backup holds more than the demo: the edits.
    for (id, (doc, _)) in &backed_up {
        assert!(doc.changes > 1, "{} has only its demo change", id.url());
    }

    // Restore into a fresh data directory: every document identical.
    let restored = tmp.path().join("restored");
    succeeds_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&restored)]),
        &[
            "Restored 6 document(s)",
            "the backup's storage id",
            "Restored access control",
        ],
    );
    let (restored_docs, restored_id) = sqlite_contents(&restored).await;
    let backed_up_docs: BTreeMap<_, _> = backed_up
        .iter()
        .map(|(id, (doc, _))| (*id, doc.clone()))
        .collect();
    assert_eq!(restored_docs, backed_up_docs);
    assert_eq!(restored_id, backup_storage_id);

    // The live store kept its storage id in the backup (disaster recovery).
    drop(repos);
    drop(served);
    let (live_docs, live_id) = sqlite_contents(&live).await;
    assert_eq!(live_id, backup_storage_id);
    // The live store has at least what the backup has.
    for (id, doc) in &backed_up_docs {
        assert!(live_docs[id].changes >= doc.changes);
    }

    // The restored store serves: fresh clients with the tokens created
    // before the backup get the backup's documents.
    let served = Served::start(&restored, false);
    let mut repos = Vec::new();
    for token in &tokens {
        repos.push(samod_client(&with_token(&served.ws_url, token)).await);
    }
    for (id, doc) in &backed_up_docs {
        let repo = &repos[partnership_of[id]];
        let handle = find(repo, &id.to_string()).await;
        assert_eq!(heads(&handle), doc.heads, "{} as served", id.url());
    }
    drop(repos);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_non_empty_target_and_replaces_it_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    demo(&a, "en");
    demo(&b, "id");
    let file = tmp.path().join("a.backup");
    succeeds(&backup(tmp.path(), &["--data-dir", arg(&a)], &file));
    // An existing backup file is not overwritten unless --force.
    fails_saying(
        &backup(tmp.path(), &["--data-dir", arg(&a)], &file),
        &["already exists"],
    );
    succeeds(&backup(
        tmp.path(),
        &["--data-dir", arg(&a), "--force"],
        &file,
    ));

    let (a_docs, a_id) = sqlite_contents(&a).await;
    let (b_docs, b_id) = sqlite_contents(&b).await;
    assert_ne!(a_id, b_id);
    fails_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&b)]),
        &["already holds 3 document(s)", "--force"],
    );
    assert_eq!(sqlite_contents(&b).await, (b_docs, b_id));

    // Not while a server has it open, not even with --force.
    let in_use = SqliteStorage::open(&b).await.unwrap();
    fails_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&b), "--force"]),
        &["in use by another process"],
    );
    in_use.close().await;

    succeeds_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&b), "--force"]),
        &["Restored 3 document(s)"],
    );
    assert_eq!(sqlite_contents(&b).await, (a_docs.clone(), a_id.clone()));
    assert!(
        std::fs::read_dir(&b).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".mitra-restore")),
        "no staging directory is left behind"
    );

    // A copy for running next to the original gets a storage id of its own.
    let copy = tmp.path().join("copy");
    succeeds_saying(
        &restore(
            tmp.path(),
            &file,
            &["--data-dir", arg(&copy), "--new-storage-id"],
        ),
        &["a new storage id"],
    );
    let (copy_docs, copy_id) = sqlite_contents(&copy).await;
    assert_eq!(copy_docs, a_docs);
    assert_ne!(copy_id, a_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_backup_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    demo(&source, "both");
    let good = tmp.path().join("good.backup");
    succeeds(&backup(tmp.path(), &["--data-dir", arg(&source)], &good));
    let target = tmp.path().join("target");
    let nothing_restored = |what: &str| {
        assert!(
            !target.join(mitra_storage::sqlite::DATABASE_FILE).exists(),
            "{what}: nothing may be restored"
        );
    };

    // Not a database at all.
    let junk = tmp.path().join("junk.backup");
    std::fs::write(&junk, b"this is not a backup, just some text".repeat(200)).unwrap();
    let err = fails(&restore(tmp.path(), &junk, &["--data-dir", arg(&target)]));
    assert!(
        err.contains("is not a Mitra database or backup: file is not a database"),
        "{err}"
    );
    nothing_restored("junk");

    // A missing file.
    fails_saying(
        &restore(
            tmp.path(),
            &tmp.path().join("nowhere.backup"),
            &["--data-dir", arg(&target)],
        ),
        &["does not exist"],
    );
    nothing_restored("missing");

    // A backup cut short (a partial copy).
    let bytes = std::fs::read(&good).unwrap();
    let cut = tmp.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    fails_saying(
        &restore(tmp.path(), &cut, &["--data-dir", arg(&target)]),
        &["is damaged"],
    );
    nothing_restored("cut");

    // A sound file whose documents are damaged: two documents, one cut
    // short, one with a flipped byte; both are named.
    let damaged = tmp.path().join("damaged.backup");
    std::fs::copy(&good, &damaged).unwrap();
    let (cut_doc, flipped_doc) = {
        let conn = rusqlite::Connection::open(&damaged).unwrap();
        let docs: Vec<String> = conn
            .prepare("SELECT DISTINCT document FROM chunks ORDER BY document")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(docs.len(), 6);
        conn.execute(
            "UPDATE chunks SET bytes = substr(bytes, 1, length(bytes) / 2) WHERE document = ?1",
            [&docs[1]],
        )
        .unwrap();
        let mut chunk: Vec<u8> = conn
            .query_row(
                "SELECT bytes FROM chunks WHERE document = ?1",
                [&docs[4]],
                |row| row.get(0),
            )
            .unwrap();
        let middle = chunk.len() / 2;
        chunk[middle] ^= 0x5A;
        conn.execute(
            "UPDATE chunks SET bytes = ?1 WHERE document = ?2",
            rusqlite::params![chunk, docs[4]],
        )
        .unwrap();
        (docs[1].clone(), docs[4].clone())
    };
    let err = fails(&restore(
        tmp.path(),
        &damaged,
        &["--data-dir", arg(&target)],
    ));
    assert!(
        err.contains("is damaged: 2 of 6 document(s) cannot be loaded"),
        "{err}"
    );
    assert!(err.contains(&format!("automerge:{cut_doc}")), "{err}");
    assert!(err.contains(&format!("automerge:{flipped_doc}")), "{err}");
    assert!(err.contains("Nothing was restored"), "{err}");
    nothing_restored("damaged documents");

    // The good one restores.
    succeeds_saying(
        &restore(tmp.path(), &good, &["--data-dir", arg(&target)]),
        &["Restored 6 document(s)"],
    );
}

/// Whether the data directory holds an access store.
fn has_access_store(dir: &Path) -> bool {
    dir.join(mitra_access::DATABASE_FILE).exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_control_is_backed_up_and_restored_without_sessions() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live");
    let charters = demo(&live, "en");
    let charter = DocumentId::parse_url_or_id(&charters[0])
        .unwrap()
        .to_string();

    // Access control as a server leaves it: `mitra demo` gave the demo to a
    // partnership of its own; the setup made the first owner, who adopted
    // it and has a live session; an invitation; tokens.
    let store = AccessStore::open(&live).await.unwrap();
    let partnership = store
        .partnerships()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.charter.as_deref() == Some(charter.as_str()))
        .expect("the demo has a partnership with its charter");
    let setup = store.setup_token().await.unwrap().unwrap();
    let ayu = store
        .complete_setup(
            &setup,
            NewUser::with_password(
                "ayu",
                "a long enough password",
                "Ayu Lestari",
                "Yayasan Air",
            ),
            "Clean Air",
        )
        .await
        .unwrap()
        .user;
    let adopted = store.adopt_memberless_partnerships(&ayu.id).await.unwrap();
    assert_eq!(adopted.len(), 1);
    let owner = Actor::User(ayu.id.clone());
    let (_, session) = store.create_session(&ayu.id).await.unwrap();
    let (invitation, invitation_secret) = store
        .create_invitation(
            &owner,
            &partnership.id,
            Role::Viewer,
            Duration::from_secs(24 * 3600),
        )
        .await
        .unwrap();
    store.close().await;
    let editor = cli_token(tmp.path(), &live, partnership.id.as_str(), "editor", &[]);
    let viewer = cli_token(tmp.path(), &live, partnership.id.as_str(), "viewer", &[]);
    let store = AccessStore::open(&live).await.unwrap();
    let Some(Principal::Token { token_id, .. }) = store
        .token_principal(&Secret::from_presented(viewer.clone()))
        .await
        .unwrap()
    else {
        panic!("the viewer token works before the backup");
    };
    store.revoke_token(&owner, &token_id).await.unwrap();
    let audit_before = store.audit(&partnership.id, None).await.unwrap();
    store.close().await;
    let tokens_before = token_list(tmp.path(), &live, &partnership.id);

    // The backup includes it, and is private.
    let file = tmp.path().join("with-access.backup");
    succeeds_saying(
        &backup(tmp.path(), &["--data-dir", arg(&live)], &file),
        &[
            "Backed up 3 document(s)",
            "Access control included: 1 user(s), 2 partnership(s), 1 active API token(s), 3 document owner(s)",
        ],
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the backup holds password hashes");
    }
    // No session (not even its hash) is in the backup.
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        let format: String = conn
            .query_row(
                "SELECT value FROM mitra_backup WHERE key = 'format'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(format, "mitra-backup/2");
        let view = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        let mut stmt = conn
            .prepare("SELECT bytes FROM mitra_backup_access ORDER BY seq")
            .unwrap();
        for chunk in stmt.query_map([], |row| row.get::<_, Vec<u8>>(0)).unwrap() {
            bytes.extend(chunk.unwrap());
        }
        let copy = view.path().join("access.sqlite3");
        std::fs::write(&copy, bytes).unwrap();
        let access = rusqlite::Connection::open(&copy).unwrap();
        let sessions: i64 = access
            .query_row("SELECT count(*) FROM sessions", [], |row| row.get(0))
            .unwrap();
        assert_eq!(sessions, 0, "sessions are never backed up");
    }

    // A damaged copy of the access control is refused before anything is
    // written.
    let damaged = tmp.path().join("damaged-access.backup");
    std::fs::copy(&file, &damaged).unwrap();
    {
        let conn = rusqlite::Connection::open(&damaged).unwrap();
        let mut chunk: Vec<u8> = conn
            .query_row(
                "SELECT bytes FROM mitra_backup_access ORDER BY seq LIMIT 1",
                [],
                |row| row.get(0),
            )
            .unwrap();
        let middle = chunk.len() / 2;
        chunk[middle] ^= 0x5A;
        conn.execute(
            "UPDATE mitra_backup_access SET bytes = ?1 WHERE seq = 1",
            [chunk],
        )
        .unwrap();
    }
    let nowhere = tmp.path().join("nowhere");
    fails_saying(
        &restore(tmp.path(), &damaged, &["--data-dir", arg(&nowhere)]),
        &["does not match its checksum"],
    );
    assert!(!nowhere.exists(), "nothing was written");

    // Restored into an empty data directory: everything but the session.
    let restored = tmp.path().join("restored");
    succeeds_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&restored)]),
        &[
            "Restored 3 document(s)",
            "Restored access control into",
            "Sessions are not restored",
        ],
    );
    let tokens_after = token_list(tmp.path(), &restored, &partnership.id);
    assert_eq!(tokens_after, tokens_before);
    assert!(
        tokens_after.contains("\teditor\tactive\t"),
        "{tokens_after}"
    );
    assert!(
        tokens_after.contains("\tviewer\trevoked\t"),
        "{tokens_after}"
    );
    let store = AccessStore::open(&restored).await.unwrap();
    let signed_in = store
        .verify_login("ayu", "a long enough password")
        .await
        .unwrap();
    assert_eq!(signed_in.id, ayu.id);
    match store
        .token_principal(&Secret::from_presented(editor.clone()))
        .await
        .unwrap()
    {
        Some(Principal::Token {
            partnership: p,
            role,
            ..
        }) => {
            assert_eq!(p, partnership.id);
            assert_eq!(role, Role::Editor);
        }
        other => panic!("the editor token does not work after restore: {other:?}"),
    }
    assert!(
        store
            .token_principal(&Secret::from_presented(viewer))
            .await
            .unwrap()
            .is_none(),
        "a revoked token stays revoked"
    );
    assert!(
        store.session(&session).await.unwrap().is_none(),
        "a restored store does not revive sessions"
    );
    let info = store.invitation_info(&invitation_secret).await.unwrap();
    assert_eq!(info.id, invitation.id);
    assert_eq!(info.status, InvitationStatus::Pending);
    assert_eq!(
        store.document_partnership(&charter).await.unwrap(),
        Some(partnership.id.clone())
    );
    let restored_partnership = store.partnership(&partnership.id).await.unwrap().unwrap();
    assert_eq!(
        restored_partnership.charter.as_deref(),
        Some(charter.as_str())
    );
    assert_eq!(
        store.audit(&partnership.id, None).await.unwrap(),
        audit_before
    );
    store.close().await;

    // The token created before the backup reaches the documents through a
    // server on the restored data directory.
    let (restored_docs, _) = sqlite_contents(&restored).await;
    let backed_up = restored_docs
        .into_iter()
        .find(|(id, _)| id.to_string() == charter)
        .unwrap()
        .1;
    let served = Served::start(&restored, false);
    let repo = samod_client(&with_token(&served.ws_url, &editor)).await;
    let handle = find(&repo, &charter).await;
    assert_eq!(heads(&handle), backed_up.heads);
    drop(repo);
    drop(served);

    // A target whose access store holds users is refused without --force,
    // and nothing is written.
    let other = tmp.path().join("other");
    let store = AccessStore::open(&other).await.unwrap();
    store
        .create_user(NewUser::with_password(
            "budi",
            "another long password",
            "Budi",
            "Dinas Lingkungan",
        ))
        .await
        .unwrap();
    store.close().await;
    fails_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&other)]),
        &["already holds access control", "--force"],
    );
    assert!(!other.join("mitra.sqlite3").exists(), "nothing was written");
    // Not while a server has it open, not even with --force.
    let in_use = AccessStore::open(&other).await.unwrap();
    fails_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&other), "--force"]),
        &["in use by another process"],
    );
    in_use.close().await;
    // With --force it is replaced by the backup's.
    succeeds_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&other), "--force"]),
        &["Restored access control"],
    );
    let store = AccessStore::open(&other).await.unwrap();
    assert!(store.user_by_username("budi").await.unwrap().is_none());
    assert!(store.user_by_username("ayu").await.unwrap().is_some());
    store.close().await;

    // `restore --help` says what happens to users, sessions and tokens.
    let help = succeeds(&mitra(tmp.path(), &["restore", "--help"]));
    for words in ["Sessions are never restored", "API tokens", "Users"] {
        assert!(help.contains(words), "{words}: {help}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_without_access_control_and_format_1_backups_still_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    demo(&source, "id");
    // As a data directory a server ran on without sign-in.
    for suffix in ["", "-wal", "-shm"] {
        let file = source.join(format!("{}{suffix}", mitra_access::DATABASE_FILE));
        if file.exists() {
            std::fs::remove_file(file).unwrap();
        }
    }
    assert!(!has_access_store(&source));
    let file = tmp.path().join("documents-only.backup");
    succeeds_saying(
        &backup(tmp.path(), &["--data-dir", arg(&source)], &file),
        &["Access control: none"],
    );
    // As Mitra wrote backups before access control.
    {
        let conn = rusqlite::Connection::open(&file).unwrap();
        conn.execute_batch(
            "UPDATE mitra_backup SET value = 'mitra-backup/1' WHERE key = 'format';
             DELETE FROM mitra_backup WHERE key = 'access';",
        )
        .unwrap();
    }
    // Into a data directory with access control of its own, which stays.
    let target = tmp.path().join("target");
    let store = AccessStore::open(&target).await.unwrap();
    let partnership = store.create_partnership_as_system("Kept").await.unwrap();
    store.close().await;
    succeeds_saying(
        &restore(tmp.path(), &file, &["--data-dir", arg(&target)]),
        &[
            "Restored 3 document(s)",
            "The backup holds no access control",
            "was left as it was",
        ],
    );
    let store = AccessStore::open(&target).await.unwrap();
    assert_eq!(
        store
            .partnership(&partnership.id)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Kept"
    );
    store.close().await;
    assert_eq!(
        sqlite_contents(&target).await.0,
        sqlite_contents(&source).await.0
    );
}

/// A source store with more than the demo: a compacted document (snapshot
/// plus a later chunk), an edit appended as a chunk, and peers' sync states.
async fn rich_source(dir: &Path) -> Vec<(DocumentId, StorageId, Vec<u8>)> {
    demo(dir, "both");
    let storage = SqliteStorage::open(dir).await.unwrap();
    let ids = storage.list_documents().await.unwrap();
    let mut sync_states = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let stored = storage.load(id).await.unwrap().unwrap();
        let mut doc = automerge::AutoCommit::load(&stored.chunks[0].1).unwrap();
        doc.put(automerge::ROOT, "migrated", i as i64).unwrap();
        let change = doc.save_incremental();
        let seq = storage.append(id, change).await.unwrap();
        if i % 2 == 0 {
            storage.compact(id, doc.save(), seq).await.unwrap();
            doc.put(automerge::ROOT, "afterSnapshot", true).unwrap();
            storage.append(id, doc.save_incremental()).await.unwrap();
        }
        for peer in ["browser-a", "browser-b"] {
            let peer = StorageId::new(format!("{peer}-{i}"));
            let state = format!("sync state of {peer} for {id}").into_bytes();
            storage
                .save_sync_state(id, &peer, state.clone())
                .await
                .unwrap();
            sync_states.push((*id, peer, state));
        }
    }
    storage.close().await;
    sync_states
}

async fn assert_sync_states(url: &StorageUrl, expected: &[(DocumentId, StorageId, Vec<u8>)]) {
    let storage = open(url).await;
    for (id, peer, state) in expected {
        assert_eq!(
            storage.load_sync_state(id, peer).await.unwrap().as_ref(),
            Some(state),
            "sync state of {peer} for {}",
            id.url()
        );
    }
    storage.close().await;
}

async fn docs_at(url: &StorageUrl) -> BTreeMap<DocumentId, Doc> {
    let storage = open(url).await;
    let docs = contents(&storage).await;
    storage.close().await;
    docs.into_iter().map(|(k, (d, _))| (k, d)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_storage_sqlite_to_sqlite_keeps_every_document_and_sync_state() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, dst) = (tmp.path().join("src"), tmp.path().join("dst"));
    let sync_states = rich_source(&src).await;
    let (src_docs, src_id) = sqlite_contents(&src).await;
    assert_eq!(src_docs.len(), 6);
    let from = format!("sqlite://{}", arg(&src));
    let to = format!("sqlite://{}", arg(&dst));

    let out = succeeds(&mitra(
        tmp.path(),
        &["migrate-storage", "--from", &from, "--to", &to],
    ));
    assert!(
        out.contains("Copied 6 document(s)")
            && out.contains("3 snapshot(s)")
            && out.contains("12 sync state(s)"),
        "{out}"
    );
    assert!(out.contains("Verified"), "{out}");
    assert!(out.contains("takes over the source's storage id"), "{out}");
    let (dst_docs, dst_id) = sqlite_contents(&dst).await;
    assert_eq!(dst_docs, src_docs);
    assert_eq!(dst_id, src_id);
    assert_sync_states(&StorageUrl::sqlite(&dst), &sync_states).await;
    // The compacted documents are compacted in the target too.
    let storage = SqliteStorage::open(&dst).await.unwrap();
    let mut snapshots = 0;
    for id in src_docs.keys() {
        snapshots += usize::from(storage.load(id).await.unwrap().unwrap().snapshot.is_some());
    }
    assert_eq!(snapshots, 3);
    storage.close().await;

    // A second run finds the target full.
    let err = fails(&mitra(
        tmp.path(),
        &["migrate-storage", "--from", &from, "--to", &to],
    ));
    assert!(err.contains("already holds 6 document(s)"), "{err}");
    // --force merges: the same documents, nothing lost or doubled.
    let out = succeeds(&mitra(
        tmp.path(),
        &["migrate-storage", "--from", &from, "--to", &to, "--force"],
    ));
    assert!(
        out.contains("6 of them were already in the target"),
        "{out}"
    );
    assert_eq!(sqlite_contents(&dst).await.0, src_docs);

    // Not into a store a server has open.
    let busy = tmp.path().join("busy");
    let in_use = SqliteStorage::open(&busy).await.unwrap();
    let err = fails(&mitra(
        tmp.path(),
        &[
            "migrate-storage",
            "--from",
            &from,
            "--to",
            &format!("sqlite://{}", arg(&busy)),
        ],
    ));
    assert!(err.contains("in use by another process"), "{err}");
    in_use.close().await;

    // From nowhere: nothing is created.
    let nowhere = tmp.path().join("nowhere");
    let err = fails(&mitra(
        tmp.path(),
        &[
            "migrate-storage",
            "--from",
            &format!("sqlite://{}", arg(&nowhere)),
            "--to",
            &format!("sqlite://{}", arg(&tmp.path().join("x"))),
        ],
    ));
    assert!(err.contains("no Mitra database"), "{err}");
    assert!(!nowhere.exists());
}

/// A fresh PostgreSQL database on the server `MITRA_TEST_POSTGRES_URL`
/// names, dropped at the end; `None` (the test skipped) without it, except
/// in CI, where the PostgreSQL runs are required.
struct PostgresDatabase {
    server: String,
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create(test: &str) -> Option<PostgresDatabase> {
        let server = match std::env::var("MITRA_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") => {
                panic!(
                    "MITRA_TEST_POSTGRES_URL is not set, and CI is: run through scripts/with-postgres.sh"
                )
            }
            _ => {
                eprintln!("skipped {test}: MITRA_TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let name = format!("mitra_backup_test_{}", uuid::Uuid::new_v4().simple());
        Self::execute(&server, &format!("CREATE DATABASE {name}")).await;
        let (scheme, rest) = server.split_once("://").unwrap();
        let (base, query) = rest
            .split_once('?')
            .map_or((rest, None), |(b, q)| (b, Some(q)));
        let authority = base.split_once('/').map_or(base, |(a, _)| a);
        let url = match query {
            Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
            None => format!("{scheme}://{authority}/{name}"),
        };
        Some(PostgresDatabase { server, name, url })
    }

    async fn execute(server: &str, sql: &str) {
        let (client, connection) = tokio_postgres::connect(server, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("connecting to the test server: {e}"));
        tokio::spawn(connection);
        client
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    fn url(&self) -> StorageUrl {
        self.url.parse().unwrap()
    }

    async fn drop_database(self) {
        Self::execute(
            &self.server,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_backup_and_restore_through_postgres_keep_every_document() {
    let Some(first) = PostgresDatabase::create("the PostgreSQL migration").await else {
        return;
    };
    let second = PostgresDatabase::create("the PostgreSQL restore")
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let sync_states = rich_source(&src).await;
    let (src_docs, src_id) = sqlite_contents(&src).await;
    let pg = first.url.clone();

    // SQLite -> PostgreSQL.
    let out = succeeds(&mitra(
        tmp.path(),
        &[
            "migrate-storage",
            "--from",
            &format!("sqlite://{}", arg(&src)),
            "--to",
            &pg,
        ],
    ));
    assert!(
        out.contains("Copied 6 document(s)") && out.contains("12 sync state(s)"),
        "{out}"
    );
    assert_eq!(docs_at(&first.url()).await, src_docs);
    assert_sync_states(&first.url(), &sync_states).await;

    // A backup of PostgreSQL (through the Storage trait) ...
    let file = tmp.path().join("pg.backup");
    let backed_up_pg = backup(tmp.path(), &["--storage", &pg], &file);
    // Without --access-dir, it says access control is not in it.
    succeeds_saying(
        &backed_up_pg,
        &["Backed up 6 document(s)", "Access control: not included"],
    );
    assert!(
        String::from_utf8_lossy(&backed_up_pg.stderr).contains("--access-dir"),
        "a warning names --access-dir"
    );
    let (backed_up, backup_id) = backup_contents(&file).await;
    let backed_up: BTreeMap<_, _> = backed_up.into_iter().map(|(k, (d, _))| (k, d)).collect();
    assert_eq!(backed_up, src_docs);
    let pg_id = {
        let storage = open(&first.url()).await;
        let id = storage.storage_id().clone();
        storage.close().await;
        id
    };
    assert_eq!(
        backup_id, pg_id,
        "the backup records the source's storage id"
    );

    // ... restored into another PostgreSQL database, and into SQLite.
    succeeds_saying(
        &restore(tmp.path(), &file, &["--storage", &second.url]),
        &["Restored 6 document(s)"],
    );
    assert_eq!(docs_at(&second.url()).await, src_docs);
    fails_saying(
        &restore(tmp.path(), &file, &["--storage", &second.url]),
        &["already holds 6 document(s)"],
    );

    let restored = tmp.path().join("restored");
    succeeds(&restore(tmp.path(), &file, &["--data-dir", arg(&restored)]));
    let (restored_docs, restored_id) = sqlite_contents(&restored).await;
    assert_eq!(restored_docs, src_docs);
    assert_eq!(restored_id, pg_id);

    // With documents in PostgreSQL, access control is in the server's data
    // directory: --access-dir takes it into the backup and back out.
    let server_dir = tmp.path().join("server-dir");
    let store = AccessStore::open(&server_dir).await.unwrap();
    let partnership = store
        .create_partnership_as_system("On PostgreSQL")
        .await
        .unwrap();
    store.close().await;
    let with_access = tmp.path().join("pg-with-access.backup");
    succeeds_saying(
        &backup(
            tmp.path(),
            &["--storage", &pg, "--access-dir", arg(&server_dir)],
            &with_access,
        ),
        &["Access control included: 0 user(s), 1 partnership(s)"],
    );
    fails_saying(
        &restore(
            tmp.path(),
            &with_access,
            &["--storage", &second.url, "--force"],
        ),
        &["give --access-dir"],
    );
    let restored_dir = tmp.path().join("restored-server-dir");
    succeeds_saying(
        &restore(
            tmp.path(),
            &with_access,
            &[
                "--storage",
                &second.url,
                "--access-dir",
                arg(&restored_dir),
                "--force",
            ],
        ),
        &["Restored access control"],
    );
    let store = AccessStore::open(&restored_dir).await.unwrap();
    assert!(store.partnership(&partnership.id).await.unwrap().is_some());
    store.close().await;

    // PostgreSQL -> SQLite: everything comes back, sync states included.
    let back = tmp.path().join("back");
    let out = succeeds(&mitra(
        tmp.path(),
        &[
            "migrate-storage",
            "--from",
            &pg,
            "--to",
            &format!("sqlite://{}", arg(&back)),
        ],
    ));
    assert!(
        out.contains("Copied 6 document(s)") && out.contains("12 sync state(s)"),
        "{out}"
    );
    let (back_docs, back_id) = sqlite_contents(&back).await;
    assert_eq!(back_docs, src_docs);
    assert_eq!(back_id, pg_id);
    assert_ne!(back_id, src_id);

    first.drop_database().await;
    second.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_partnership_writes_loadable_documents_and_renderings() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let charters = demo(&data, "both");
    assert_eq!(charters.len(), 2);
    let (before, _) = sqlite_contents(&data).await;
    let out_dir = tmp.path().join("export");

    let out = succeeds(&mitra(
        tmp.path(),
        &[
            "export-partnership",
            "--data-dir",
            arg(&data),
            &charters[0],
            "--out",
            arg(&out_dir),
        ],
    ));
    assert!(
        out.contains("Exported the partnership \"Clean Air Sukamaju Partnership\": 3 document(s)"),
        "{out}"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["format"], "mitra-partnership-export/1");
    assert_eq!(
        manifest["partnership"]["name"],
        "Clean Air Sukamaju Partnership"
    );
    assert_eq!(manifest["partnership"]["language"], "en");
    let documents = manifest["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 3);
    assert_eq!(manifest["missing"].as_array().unwrap().len(), 0);
    let readme = std::fs::read_to_string(out_dir.join("README.md")).unwrap();
    assert!(readme.starts_with("# Clean Air Sukamaju Partnership: exported data"));

    let mut meetings = 0;
    for entry in documents {
        let url = entry["url"].as_str().unwrap();
        let id = DocumentId::parse_url_or_id(url).unwrap();
        let file = |kind: &str| -> PathBuf { out_dir.join(entry["files"][kind].as_str().unwrap()) };
        // The .automerge file is the whole document as stored.
        let doc = Automerge::load(&std::fs::read(file("automerge")).unwrap()).unwrap();
        assert_eq!(Doc::of(&doc), before[&id], "{url}");
        let markdown = std::fs::read_to_string(file("markdown")).unwrap();
        let json = std::fs::read_to_string(file("json")).unwrap();
        for kind in ["automerge", "markdown", "json"] {
            let name = entry["files"][kind].as_str().unwrap();
            assert!(readme.contains(name), "the README lists {name}");
        }
        match entry["role"].as_str().unwrap() {
            "charter" => {
                assert_eq!(url, charters[0]);
                assert!(markdown.starts_with("# Clean Air Sukamaju Partnership\n"));
                let charter = mitra_export::charter_from_json(&json).unwrap();
                assert_eq!(charter.name, "Clean Air Sukamaju Partnership");
                assert_eq!(charter.meetings.len(), 2);
            }
            "meeting" => {
                meetings += 1;
                assert!(
                    markdown.contains("*Meeting minutes · Clean Air Sukamaju Partnership*"),
                    "{markdown}"
                );
                let meeting = mitra_export::meeting_from_json(&json).unwrap();
                assert_eq!(entry["title"].as_str().unwrap(), meeting.title);
                assert!(file("automerge").starts_with(out_dir.join("meetings")));
            }
            other => panic!("unexpected role {other}"),
        }
    }
    assert_eq!(meetings, 2);
    // Read-only: the store is as it was.
    assert_eq!(sqlite_contents(&data).await.0, before);

    // A directory with files in it is not written into without --force.
    let err = fails(&mitra(
        tmp.path(),
        &[
            "export-partnership",
            "--data-dir",
            arg(&data),
            &charters[1],
            "--out",
            arg(&out_dir),
        ],
    ));
    assert!(err.contains("is not empty"), "{err}");
    // A meeting is not a partnership.
    let meeting = documents[1]["url"].as_str().unwrap();
    let err = fails(&mitra(
        tmp.path(),
        &[
            "export-partnership",
            "--data-dir",
            arg(&data),
            meeting,
            "--out",
            arg(&tmp.path().join("other")),
        ],
    ));
    assert!(
        err.contains("is a meeting, not a partnership charter"),
        "{err}"
    );
    // The Indonesian partnership, in its own labels.
    let id_dir = tmp.path().join("export-id");
    succeeds(&mitra(
        tmp.path(),
        &[
            "export-partnership",
            "--data-dir",
            arg(&data),
            &charters[1],
            "--out",
            arg(&id_dir),
        ],
    ));
    let markdown = std::fs::read_to_string(id_dir.join("charter.md")).unwrap();
    assert!(markdown.starts_with("# Kemitraan Udara Bersih Sukamaju\n"));
    assert!(markdown.contains("## Peran dan tanggung jawab"));
}
