//! What the `mitra` binary's tests share: running the real binary with no
//! `MITRA_*` setting inherited from outside, checking how it ended, and
//! reading a running server's output line by line.

#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{ChildStdout, Command, Output};
use std::sync::mpsc;

/// `mitra` with `args`, with no `MITRA_*` variable from the environment the
/// tests run in (CI sets some) and no backtraces in its messages.
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mitra"));
    command.args(args).env("RUST_BACKTRACE", "0");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("MITRA_") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `mitra` with `args` to the end.
pub fn mitra(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

/// Runs `mitra` with `args` in `cwd` to the end.
pub fn mitra_in(cwd: &Path, args: &[&str]) -> Output {
    command(args).current_dir(cwd).output().unwrap()
}

/// The standard output of a run that must have succeeded.
pub fn succeeds(output: &Output) -> String {
    assert!(
        output.status.success(),
        "mitra failed: {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The standard error of a run that must have failed.
pub fn fails(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "mitra should have failed; stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The standard output of a run that must have succeeded, which must
/// say each of `expected`.
pub fn succeeds_saying(output: &Output, expected: &[&str]) -> String {
    let out = succeeds(output);
    for words in expected {
        assert!(out.contains(words), "{words:?} not said: {out}");
    }
    out
}

/// The standard error of a run that must have failed, which must say
/// each of `expected`.
pub fn fails_saying(output: &Output, expected: &[&str]) -> String {
    let err = fails(output);
    for words in expected {
        assert!(err.contains(words), "{words:?} not said: {err}");
    }
    err
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The lines a child writes to `stdout`, as they come. Once the receiver
/// is gone the rest is read and dropped, so the child never writes into a
/// closed pipe.
pub fn lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}
