//! The `mitra` binary's `demo` and `export` commands, and the demo that
//! `mitra serve` creates in an empty data directory.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Stdio;

use std::time::Duration;

use mitra_protocol::DocumentId;
use mitra_storage::{SqliteStorage, Storage};

use common::{fails as failure, lines as stdout_lines, mitra, succeeds as stdout};

/// Every `automerge:` URL in `text`, in order.
fn urls(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.starts_with("automerge:"))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_owned()
        })
        .collect()
}

fn dir_arg(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn demo_then_export_as_markdown_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = dir_arg(tmp.path());
    let out = stdout(&mitra(&["demo", "--data-dir", dir]));
    assert!(out.contains("Clean Air Sukamaju Partnership"), "{out}");
    assert!(out.contains("Kemitraan Udara Bersih Sukamaju"), "{out}");
    let printed = urls(&out);
    // English charter, its two meetings, Indonesian charter, its meetings.
    assert!(printed.len() >= 6, "{out}");
    let (charter, meeting, charter_id) = (&printed[0], &printed[1], &printed[3]);

    let md = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        charter,
        "--format",
        "markdown",
    ]));
    assert!(md.starts_with("# Clean Air Sukamaju Partnership\n"), "{md}");
    assert!(md.contains("## Roles and responsibilities"), "{md}");
    assert!(
        md.contains(meeting.as_str()),
        "the charter lists its meetings"
    );

    let md = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        charter_id,
        "--format",
        "markdown",
    ]));
    assert!(
        md.starts_with("# Kemitraan Udara Bersih Sukamaju\n"),
        "{md}"
    );
    assert!(md.contains("## Peran dan tanggung jawab"), "{md}");

    // Minutes name the partnership, and show partners and goals by name.
    let minutes = stdout(&mitra(&["export", "--data-dir", dir, meeting]));
    assert!(
        minutes.contains("*Meeting minutes · Clean Air Sukamaju Partnership*"),
        "{minutes}"
    );
    assert!(
        minutes.contains("| Cut PM2.5 pollution by a quarter |"),
        "{minutes}"
    );
    let minutes_id = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        meeting,
        "--language",
        "id",
    ]));
    assert!(minutes_id.contains("## Tindak lanjut"), "{minutes_id}");

    let json = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        charter,
        "--format",
        "json",
    ]));
    let parsed = mitra_export::charter_from_json(&json).unwrap();
    assert_eq!(parsed.name, "Clean Air Sukamaju Partnership");
    let json = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        meeting,
        "--format",
        "json",
    ]));
    assert_eq!(
        mitra_export::meeting_from_json(&json)
            .unwrap()
            .attendees
            .len(),
        7
    );

    let file = tmp.path().join("charter.md");
    let out = stdout(&mitra(&[
        "export",
        "--data-dir",
        dir,
        charter,
        "--out",
        file.to_str().unwrap(),
    ]));
    assert!(out.is_empty());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("## Goals (SMART)")
    );
}

#[test]
fn export_errors_are_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = dir_arg(tmp.path());

    // No database at all: nothing is created.
    let unknown = DocumentId::from_bytes([42; 16]).url();
    let err = failure(&mitra(&["export", "--data-dir", dir, &unknown]));
    assert!(err.contains("no Mitra database"), "{err}");
    assert!(
        !tmp.path()
            .join(mitra_storage::sqlite::DATABASE_FILE)
            .exists()
    );

    stdout(&mitra(&["demo", "--data-dir", dir, "--language", "en"]));
    let err = failure(&mitra(&[
        "export",
        "--data-dir",
        dir,
        &unknown,
        "--format",
        "markdown",
    ]));
    assert!(
        err.contains(&format!("unknown document {unknown}")),
        "{err}"
    );

    let err = failure(&mitra(&[
        "export",
        "--data-dir",
        dir,
        "automerge:not-a-document",
    ]));
    assert!(err.contains("is not a document URL"), "{err}");

    // An automerge document that is neither a charter nor a meeting.
    let other = DocumentId::from_bytes([7; 16]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let storage = SqliteStorage::open(tmp.path()).await.unwrap();
        let mut doc = automerge::AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "todos", "buy milk")
            .unwrap();
        storage.append(&other, doc.save()).await.unwrap();
        storage.close().await;
    });
    let err = failure(&mitra(&["export", "--data-dir", dir, &other.url()]));
    assert!(err.contains("is not a Mitra document"), "{err}");
}

/// Starts `mitra serve` on `dir` and returns the child and its first stdout
/// lines (up to `lines`, waiting at most 20 s).
fn serve(dir: &str, no_demo: bool, lines: usize) -> (std::process::Child, Vec<String>) {
    let mut command = common::command(&["serve", "--listen", "127.0.0.1:0", "--data-dir", dir]);
    command.stdout(Stdio::piped()).stderr(Stdio::null());
    if no_demo {
        command.env("MITRA_NO_DEMO", "1");
    }
    let mut child = command.spawn().unwrap();
    let rx = stdout_lines(child.stdout.take().unwrap());
    let mut got = Vec::new();
    while got.len() < lines {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => got.push(line),
            Err(_) => break,
        }
    }
    (child, got)
}

fn stop(mut child: std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn documents(dir: &Path) -> Vec<DocumentId> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let storage = SqliteStorage::open(dir).await.unwrap();
        let docs = storage.list_documents().await.unwrap();
        storage.close().await;
        docs
    })
}

#[test]
fn serve_creates_the_demo_in_an_empty_data_directory_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = dir_arg(tmp.path());
    let (child, lines) = serve(dir, false, 4);
    stop(child);
    assert!(
        lines[0].starts_with("Mitra is serving on http://127.0.0.1:"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("Created the demo partnership \"Clean Air Sukamaju Partnership\""),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("Kemitraan Udara Bersih Sukamaju"),
        "{lines:?}"
    );
    assert!(lines[3].contains("--no-demo"), "{lines:?}");
    // The demo line ends with the browser link to the charter.
    let base = lines[0]
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let link = lines[1].split_whitespace().last().unwrap();
    let charter = link
        .strip_prefix(&format!("{base}#/p/"))
        .and_then(|rest| rest.strip_suffix("/charter"))
        .unwrap_or_else(|| panic!("not a browser link on {base}: {link}"));
    assert!(
        urls(&lines[3]).iter().any(|u| u.ends_with(charter)),
        "{lines:?}"
    );
    assert_eq!(documents(tmp.path()).len(), 6);
    let md = stdout(&mitra(&["export", "--data-dir", dir, charter]));
    assert!(md.starts_with("# Clean Air Sukamaju Partnership\n"));

    // The second start finds documents and adds none.
    let (child, lines) = serve(dir, false, 1);
    std::thread::sleep(Duration::from_millis(200));
    stop(child);
    assert!(
        lines[0].starts_with("Mitra is serving on http://"),
        "{lines:?}"
    );
    assert_eq!(documents(tmp.path()).len(), 6);
}

#[test]
fn serve_with_no_demo_leaves_the_data_directory_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let (child, lines) = serve(dir_arg(tmp.path()), true, 1);
    stop(child);
    assert!(
        lines[0].starts_with("Mitra is serving on http://"),
        "{lines:?}"
    );
    assert!(documents(tmp.path()).is_empty());
}
