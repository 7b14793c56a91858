//! `mitra serve` waiting for its storage at startup (`storage_wait_secs`):
//! started while its PostgreSQL database is down, it keeps waiting (alive,
//! not serving, saying so in its log) and serves once the database is up;
//! with a database that never comes, it gives up after `storage_wait_secs`
//! and exits non-zero with a clear message that shows no password.
//!
//! The first test needs the throwaway cluster of `scripts/with-postgres.sh`
//! (it stops and restarts it through `MITRA_TEST_POSTGRES_CTL`): run as
//! `scripts/with-postgres.sh cargo test -p mitra --test storage_wait`.
//! Without it that test says it is skipped and passes, except in CI (`CI`
//! set), where it fails. The second needs no database at all.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// True when running in CI (`CI` set to anything but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The throwaway cluster of `scripts/with-postgres.sh`, and a fresh
/// database of this test's on it (dropped at the end).
struct Cluster {
    /// The server URL (its `mitra_test` database).
    url: String,
    /// The script running `pg_ctl` on the cluster as the right user.
    ctl: PathBuf,
    /// True while this test has the cluster stopped (restarted on drop).
    stopped: bool,
    /// This test's database.
    database: Option<String>,
}

impl Cluster {
    /// The cluster named by the environment, or `None` (after saying so)
    /// when the test is to be skipped. Panics when it is missing in CI.
    fn from_env() -> Option<Cluster> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (
            var("MITRA_TEST_POSTGRES_URL"),
            var("MITRA_TEST_POSTGRES_CTL"),
        ) {
            (Some(url), Some(ctl)) => Some(Cluster {
                url,
                ctl: ctl.into(),
                stopped: false,
                database: None,
            }),
            _ if in_ci() => panic!(
                "MITRA_TEST_POSTGRES_URL or _CTL is not set, and CI is: the storage wait test \
                 must run in CI. Run the tests through scripts/with-postgres.sh."
            ),
            _ => {
                // Straight to stderr, past the harness's capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped storage_wait (waiting for a database that is down): \
                     MITRA_TEST_POSTGRES_URL/_CTL are not set (run through scripts/with-postgres.sh)"
                );
                None
            }
        }
    }

    /// Runs one SQL statement on the server's own database.
    fn execute(&self, sql: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("connecting to the test server: {e}"));
            let connection = tokio::spawn(connection);
            client
                .batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            drop(client);
            let _ = connection.await;
        });
    }

    /// Creates a fresh database and returns its URL.
    fn create_database(&mut self) -> String {
        let name = format!("mitra_wait_{:016x}", rand::random::<u64>());
        self.execute(&format!("CREATE DATABASE {name}"));
        self.database = Some(name.clone());
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let (base, query) = match rest.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (rest, String::new()),
        };
        let authority = base.split_once('/').map_or(base, |(a, _)| a);
        format!("{scheme}://{authority}/{name}{query}")
    }

    /// Runs the cluster's `pg_ctl` with `args`, panicking if it fails.
    fn ctl(&self, args: &[&str]) {
        let output = Command::new("sh")
            .arg(&self.ctl)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "pg_ctl {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Stops the database server.
    fn stop(&mut self) {
        self.stopped = true;
        self.ctl(&["stop", "-m", "fast"]);
    }

    /// Starts it again and waits until it accepts connections.
    fn start(&mut self) {
        self.ctl(&["start"]);
        self.stopped = false;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Leave the cluster as we found it, even when the test failed.
        if self.stopped {
            let _ = Command::new("sh").arg(&self.ctl).arg("start").output();
            self.stopped = false;
        }
        if let Some(name) = self.database.take()
            && !std::thread::panicking()
        {
            self.execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A running `mitra serve`, its output collected as it comes.
struct Serve {
    child: Child,
    /// Standard output lines, as they come.
    stdout: mpsc::Receiver<String>,
    /// Everything it wrote to standard error so far.
    stderr: Arc<Mutex<String>>,
}

impl Serve {
    /// Starts `mitra serve args` in `dir`, with none of the test runner's
    /// environment (plain-text logs at info).
    fn start(dir: &Path, args: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mitra"))
            .arg("serve")
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("MITRA_LOG", "info")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut all = collected.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        Serve {
            child,
            stdout,
            stderr,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The address of the "Mitra is serving on http://ADDR/" line, waiting
    /// up to `limit` for it.
    fn serving_addr(&self, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.stdout.recv_timeout(left).ok()?;
            if let Some(rest) = line.strip_prefix("Mitra is serving on http://") {
                return rest.split('/').next().map(str::to_owned);
            }
        }
    }

    /// Its exit status, waiting up to `limit`; `None` if it still runs.
    fn exit_status(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code of `GET path` on `addr`.
fn get_status(addr: &str, path: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {response:?}"))
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn serve_waits_for_a_database_that_is_down_then_serves() {
    let Some(mut cluster) = Cluster::from_env() else {
        return;
    };
    let storage = cluster.create_database();
    let tmp = tempfile::tempdir().unwrap();
    cluster.stop();

    let mut serve = Serve::start(
        tmp.path(),
        &[
            "--storage",
            &storage,
            "--listen",
            "127.0.0.1:0",
            "--storage-wait-secs",
            "300",
        ],
    );
    // While the database is down: alive, not serving, saying it waits.
    assert_eq!(
        serve.serving_addr(Duration::from_secs(4)),
        None,
        "mitra served without its database: {}",
        serve.stderr()
    );
    assert_eq!(
        serve.exit_status(Duration::ZERO),
        None,
        "mitra exited instead of waiting for its database: {}",
        serve.stderr()
    );
    let log = serve.stderr();
    let waits = log
        .matches("storage is unreachable; waiting for it before serving")
        .count();
    assert!(waits >= 2, "the log must say it waits, each time: {log}");
    assert!(
        log.contains("mitra_wait_"),
        "the log names the storage: {log}"
    );
    assert!(
        !log.contains("could not create the demo"),
        "the demo must wait for the storage too: {log}"
    );

    // Once the database is up, it serves (and, in an empty database,
    // creates the demo partnership first).
    cluster.start();
    let addr = serve
        .serving_addr(Duration::from_secs(60))
        .unwrap_or_else(|| {
            panic!(
                "mitra did not serve once its database was up: {}",
                serve.stderr()
            )
        });
    assert_eq!(get_status(&addr, "/readyz"), 200);
    let log = serve.stderr();
    assert!(log.contains("storage is reachable"), "{log}");
    assert!(!log.contains("could not create the demo"), "{log}");
    let mut demo = false;
    while let Ok(line) = serve.stdout.recv_timeout(Duration::from_secs(5)) {
        if line.starts_with("Created the demo partnership") {
            demo = true;
            break;
        }
    }
    assert!(
        demo,
        "the demo partnership was created once the database was up"
    );
}

#[test]
fn serve_gives_up_on_an_unreachable_database_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let storage = format!(
        "postgres://mitra:s3cret0password@127.0.0.1:{}/mitra",
        closed_port()
    );
    let started = Instant::now();
    let mut serve = Serve::start(
        tmp.path(),
        &[
            "--storage",
            &storage,
            "--listen",
            "127.0.0.1:0",
            "--storage-wait-secs",
            "1",
        ],
    );
    let status = serve
        .exit_status(Duration::from_secs(60))
        .unwrap_or_else(|| panic!("mitra kept waiting past 1 s: {}", serve.stderr()));
    assert!(!status.success(), "{status}");
    // The pipes close as it exits; let the reader collect the last lines.
    std::thread::sleep(Duration::from_millis(200));
    let log = serve.stderr();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it gave up after {:?}",
        started.elapsed()
    );
    assert!(
        log.contains("storage is unreachable; waiting for it before serving"),
        "{log}"
    );
    assert!(
        log.contains("gave up waiting for the storage postgres://mitra:***@127.0.0.1:"),
        "{log}"
    );
    assert!(log.contains("storage_wait_secs = 1"), "{log}");
    assert!(
        !log.contains("s3cret0password"),
        "a password in the log: {log}"
    );
    let printed: Vec<String> = serve.stdout.try_iter().collect();
    assert!(printed.is_empty(), "it printed {printed:?}; {log}");
}
