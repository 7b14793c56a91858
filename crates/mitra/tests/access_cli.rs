//! `mitra partnership`, `mitra token` and `mitra document`: the operator's
//! access-control commands.

#![allow(clippy::unwrap_used)]

mod common;

use mitra_access::AccessStore;
use mitra_protocol::DocumentId;

use common::{mitra, succeeds as stdout};

#[test]
fn partnerships_and_tokens_are_created_listed_and_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();

    let out = stdout(&mitra(&[
        "partnership",
        "create",
        "--data-dir",
        dir,
        "--name",
        "Clean Air",
    ]));
    let partnership = out.trim().to_owned();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(!partnership.is_empty());
    let listed = stdout(&mitra(&["partnership", "list", "--data-dir", dir]));
    assert!(
        listed.contains(&format!("{partnership}\tClean Air")),
        "{listed}"
    );

    // The secret is the only thing on standard output.
    let created = mitra(&[
        "token",
        "create",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
        "--role",
        "editor",
        "--label",
        "sensor script",
    ]);
    let secret = stdout(&created);
    assert_eq!(secret.lines().count(), 1, "{secret}");
    let secret = secret.trim();
    assert!(secret.starts_with("mitra_tok_"), "{secret}");
    let stderr = String::from_utf8_lossy(&created.stderr);
    assert!(!stderr.contains(secret), "the secret went to stderr too");

    let listed = stdout(&mitra(&[
        "token",
        "list",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
    ]));
    assert!(!listed.contains(secret), "list shows a secret");
    let line = listed.lines().next().unwrap().to_owned();
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(
        &fields[1..],
        ["editor", "active", "sensor script"],
        "{line}"
    );
    let token_id = fields[0].to_owned();

    stdout(&mitra(&["token", "revoke", "--data-dir", dir, &token_id]));
    let listed = stdout(&mitra(&[
        "token",
        "list",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
    ]));
    assert!(
        listed.contains(&format!("{token_id}\teditor\trevoked")),
        "{listed}"
    );

    // Owners are not tokens; viewers are.
    let owner = mitra(&[
        "token",
        "create",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
        "--role",
        "owner",
    ]);
    assert!(!owner.status.success());
    stdout(&mitra(&[
        "token",
        "create",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
        "--role",
        "viewer",
    ]));
    // An unknown partnership is an error.
    let unknown = mitra(&[
        "token",
        "create",
        "--data-dir",
        dir,
        "--partnership",
        "1111111111111111111111",
        "--role",
        "viewer",
    ]);
    assert!(!unknown.status.success());

    // Documents are assigned once.
    let id = DocumentId::from_bytes(rand_bytes());
    stdout(&mitra(&[
        "document",
        "assign",
        "--data-dir",
        dir,
        "--partnership",
        &partnership,
        &id.url(),
    ]));
    let other = stdout(&mitra(&[
        "partnership",
        "create",
        "--data-dir",
        dir,
        "--name",
        "Other",
    ]));
    let again = mitra(&[
        "document",
        "assign",
        "--data-dir",
        dir,
        "--partnership",
        other.trim(),
        &id.url(),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already belongs"));
}

fn rand_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_le_bytes();
    bytes.copy_from_slice(&nanos);
    bytes
}

/// Runs `mitra serve` on `dir` with `extra` flags until a stdout line
/// contains `until` (at most 30 s); returns stdout and stderr so far.
fn serve_until(
    dir: &str,
    extra: &[&str],
    until: &str,
    linger: std::time::Duration,
) -> (Vec<String>, String) {
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = common::command(&["serve", "--listen", "127.0.0.1:0", "--data-dir", dir])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let rx = common::lines(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !lines.iter().any(|l: &String| l.contains(until)) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    std::thread::sleep(linger);
    let _ = child.kill();
    let _ = child.wait();
    let stderr = std::fs::read_to_string(log.path()).unwrap();
    (lines, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_gives_each_demo_partnership_an_access_partnership_with_its_charter() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap().to_owned();
    // auth = required is the default.
    let (lines, stderr) = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            serve_until(&dir, &[], "#/setup/", std::time::Duration::ZERO)
        })
        .await
        .unwrap()
    };
    let printed = lines.join("\n");
    let hint = lines
        .iter()
        .find(|l| l.contains("mitra token create"))
        .unwrap_or_else(|| panic!("no token hint in {printed}\n{stderr}"));
    assert!(hint.contains("--role editor"), "{hint}");
    assert!(hint.contains(&format!("--data-dir {dir}")), "{hint}");
    assert!(
        printed.contains("whoever completes the setup"),
        "the first owner adopts the demo: {printed}"
    );
    assert!(
        !stderr.contains("anyone who can reach this server"),
        "{stderr}"
    );

    // The charters the demo lines link to.
    let charters: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| {
            let rest = l.strip_prefix("Created the demo partnership \"")?;
            let (name, rest) = rest.split_once('"')?;
            let (_, link) = rest.split_once("#/p/")?;
            Some((name.to_owned(), link.strip_suffix("/charter")?.to_owned()))
        })
        .collect();
    assert_eq!(charters.len(), 2, "{printed}");

    let store = AccessStore::open(tmp.path()).await.unwrap();
    let partnerships = store.partnerships().await.unwrap();
    assert_eq!(partnerships.len(), 2, "{partnerships:?}");
    for (name, charter) in &charters {
        let p = partnerships
            .iter()
            .find(|p| &p.name == name)
            .unwrap_or_else(|| panic!("no partnership named {name}: {partnerships:?}"));
        assert_eq!(p.charter.as_deref(), Some(charter.as_str()));
        let documents = store.documents(&p.id).await.unwrap();
        assert_eq!(documents.len(), 3, "the charter and two meetings");
        assert!(documents.contains(charter));
        assert!(store.members(&p.id).await.unwrap().is_empty());
    }
    assert!(
        hint.contains(partnerships[0].id.as_str()) || hint.contains(partnerships[1].id.as_str()),
        "{hint}"
    );
    store.close().await;

    // `partnership list` shows each with its charter.
    let listed = stdout(&mitra(&["partnership", "list", "--data-dir", &dir]));
    for (name, charter) in &charters {
        assert!(
            listed
                .lines()
                .any(|l| l.ends_with(&format!("\t{name}\tautomerge:{charter}"))),
            "{listed}"
        );
    }
}

#[test]
fn open_mode_warns_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let warning = "anyone who can reach this server can read and change every document";
    for flags in [
        &["--no-demo", "--insecure-no-auth"][..],
        &["--no-demo", "--auth", "open"][..],
        &["--no-demo"][..],
    ] {
        let (lines, stderr) = serve_until(
            dir,
            flags,
            "Mitra is serving",
            std::time::Duration::from_millis(1000),
        );
        assert!(
            lines.iter().any(|l| l.contains("Mitra is serving")),
            "{lines:?}"
        );
        let open = flags.contains(&"open") || flags.contains(&"--insecure-no-auth");
        assert_eq!(stderr.contains(warning), open, "{flags:?}: {stderr}");
    }
}

#[test]
fn mitra_demo_gives_each_demo_partnership_to_access_control() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let out = stdout(&mitra(&["demo", "--data-dir", dir]));
    assert!(out.contains("mitra token create --data-dir"), "{out}");
    assert!(out.contains("whoever completes the setup"), "{out}");
    // "  NAME (LANGUAGE): automerge:CHARTER"
    let charters: Vec<(&str, &str)> = out
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.strip_prefix("  ")?.split_once(" (")?;
            Some((name, rest.split_once("): ")?.1))
        })
        .collect();
    assert_eq!(charters.len(), 2, "{out}");
    let listed = stdout(&mitra(&["partnership", "list", "--data-dir", dir]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    for (name, charter) in charters {
        assert!(
            listed
                .lines()
                .any(|l| l.ends_with(&format!("\t{name}\t{charter}"))),
            "{name} {charter}: {listed}"
        );
    }
}
