//! `mitra partnership`, `mitra token` and `mitra document`: the operator's
//! access-control commands.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use mitra_protocol::DocumentId;

fn mitra(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(args)
        .env_remove("MITRA_DATA_DIR")
        .env_remove("MITRA_LOG")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "mitra failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

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
