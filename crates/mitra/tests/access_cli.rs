//! `mitra partnership`, `mitra token` and `mitra document`: the operator's
//! access-control commands.

#![allow(clippy::unwrap_used)]

mod common;

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

#[test]
fn serve_with_auth_required_gives_the_demo_to_a_partnership() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (lines, stderr) = serve_until(
        dir,
        &["--auth", "required"],
        "mitra token create",
        std::time::Duration::ZERO,
    );
    let hint = lines
        .iter()
        .find(|l| l.contains("mitra token create"))
        .unwrap_or_else(|| panic!("no token hint in {lines:?}\n{stderr}"));
    assert!(hint.contains("--role editor"), "{hint}");
    assert!(
        !stderr.contains("anyone who can reach this server"),
        "{stderr}"
    );
    let listed = stdout(&mitra(&["partnership", "list", "--data-dir", dir]));
    let demo = listed
        .lines()
        .find(|l| l.ends_with("\tDemo"))
        .unwrap_or_else(|| panic!("{listed}"));
    let id = demo.split('\t').next().unwrap();
    assert!(hint.contains(id), "{hint}");
}

#[test]
fn open_mode_warns_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let warning = "anyone who can reach this server can read and change every document";
    for flags in [&["--no-demo"][..], &["--no-demo", "--insecure-no-auth"][..]] {
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
        assert!(stderr.contains(warning), "{flags:?}: {stderr}");
    }
}
