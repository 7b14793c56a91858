//! The first run with `auth = required` (the default): `mitra serve` on an
//! empty data directory prints a one-time setup link on standard output
//! (never in the log); a restart before it is used prints a new one and
//! the old one stops working; setup through `POST /api/setup` makes the
//! first owner the owner of the demo partnerships; afterwards no link is
//! printed.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Patience for anything a test waits on.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A running `mitra serve`, killed on drop.
struct Serving {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every standard output line so far.
    out: Vec<String>,
    log: tempfile::NamedTempFile,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Serving {
    fn start(dir: &str, extra: &[&str]) -> Serving {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut child = common::command(&["serve", "--listen", "127.0.0.1:0", "--data-dir", dir])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log.reopen().unwrap())
            .spawn()
            .unwrap();
        let lines = common::lines(child.stdout.take().unwrap());
        let mut serving = Serving {
            child,
            lines,
            out: Vec::new(),
            log,
            addr: String::new(),
        };
        let line = serving.wait_for("Mitra is serving on http://");
        serving.addr = line
            .strip_prefix("Mitra is serving on http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap()
            .to_owned();
        serving
    }

    /// Waits for a standard output line containing `needle`.
    fn wait_for(&mut self, needle: &str) -> String {
        if let Some(line) = self.out.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.out.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "mitra serve never printed {needle:?}; it printed {:?}\n{}",
                    self.out,
                    self.log()
                ),
            }
        }
    }

    /// Everything printed once the server is ready (it prints before it
    /// starts answering `/readyz` with 200), plus a moment for the pipe.
    fn everything_printed(&mut self) -> Vec<String> {
        let deadline = Instant::now() + TIMEOUT;
        while http(&self.addr, "GET", "/readyz", None).0 != 200 {
            assert!(Instant::now() < deadline, "never ready:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(300));
        while let Ok(line) = self.lines.try_recv() {
            self.out.push(line);
        }
        self.out.clone()
    }

    /// The setup secret of the link it printed.
    fn setup_secret(&mut self) -> String {
        let line = self.wait_for("#/setup/");
        let link = line.trim();
        let (base, secret) = link.split_once("#/setup/").unwrap();
        assert_eq!(base, format!("http://{}/", self.addr), "{link}");
        assert!(secret.starts_with("mitra_setup_"), "{link}");
        secret.to_owned()
    }

    /// Its log (standard error) so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request (`Connection: close`); the status, the headers
/// (lowercased names) and the body.
fn http(addr: &str, method: &str, path: &str, json: Option<&str>) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\n"
    );
    if let Some(body) = json {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response}"));
    (status, head.to_ascii_lowercase(), body.to_owned())
}

fn setup_body(secret: &str) -> String {
    serde_json::json!({
        "setup_secret": secret,
        "username": "ayu",
        "password": "a long enough password",
        "display_name": "Ayu Lestari",
        "organisation": "Yayasan Air Bersih",
        "partnership_name": "Kemitraan Air",
    })
    .to_string()
}

#[test]
fn the_first_run_prints_a_one_time_setup_link_until_setup_is_done() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();

    // An empty data directory: the demo, then the setup link, on stdout.
    let mut first = Serving::start(dir, &[]);
    let old_secret = first.setup_secret();
    let printed = first.everything_printed().join("\n");
    assert!(
        printed.contains("single use") || printed.contains("works once"),
        "{printed}"
    );
    assert!(printed.contains("first owner"), "{printed}");
    assert!(printed.contains("restart"), "{printed}");
    assert!(
        printed.contains("mitra token create --data-dir"),
        "how to create a token for scripts: {printed}"
    );
    let log = first.log();
    assert!(
        !log.contains(&old_secret),
        "the secret is in the log: {log}"
    );
    assert!(!log.contains("mitra_setup_"), "{log}");
    assert!(
        !log.contains("anyone who can reach this server"),
        "auth = required is the default: {log}"
    );
    drop(first);

    // A restart before setup prints a new link; the old one stops working.
    let mut second = Serving::start(dir, &[]);
    let secret = second.setup_secret();
    assert_ne!(secret, old_secret);
    let (status, _, body) = http(
        &second.addr,
        "POST",
        "/api/setup",
        Some(&setup_body(&old_secret)),
    );
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("invalid_credentials"), "{body}");

    // Setup with the printed link: the first owner, signed in, owns the new
    // partnership and the two demo partnerships.
    let (status, head, body) = http(
        &second.addr,
        "POST",
        "/api/setup",
        Some(&setup_body(&secret)),
    );
    assert_eq!(status, 201, "{body}");
    assert!(head.contains("set-cookie: mitra_session="), "{head}");
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["user"]["username"], "ayu", "{me}");
    let partnerships = me["partnerships"].as_array().unwrap();
    assert_eq!(partnerships.len(), 3, "{me}");
    assert!(partnerships.iter().all(|p| p["role"] == "owner"), "{me}");
    for name in [
        "Kemitraan Air",
        "Clean Air Sukamaju Partnership",
        "Kemitraan Udara Bersih Sukamaju",
    ] {
        assert!(
            partnerships.iter().any(|p| p["name"] == name),
            "{name}: {me}"
        );
    }
    // Single use.
    let (status, _, body) = http(
        &second.addr,
        "POST",
        "/api/setup",
        Some(&setup_body(&secret)),
    );
    assert_eq!(status, 409, "{body}");
    assert!(!second.log().contains(&secret));
    drop(second);

    // Once a user exists, a restart prints no link.
    let mut third = Serving::start(dir, &[]);
    let printed = third.everything_printed();
    assert!(
        printed
            .iter()
            .all(|l| !l.contains("#/setup/") && !l.contains("mitra_setup_")),
        "{printed:?}"
    );
    let (status, _, body) = http(&third.addr, "GET", "/api/setup", None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"needed\":false"), "{body}");
}

#[test]
fn the_setup_link_uses_the_public_url() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let mut serving = Serving::start(
        dir,
        &["--no-demo", "--public-url", "https://mitra.example.org/"],
    );
    let line = serving.wait_for("#/setup/mitra_setup_");
    assert!(
        line.trim()
            .starts_with("https://mitra.example.org/#/setup/mitra_setup_"),
        "{line}"
    );
}

#[test]
fn open_mode_prints_no_setup_link() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let mut serving = Serving::start(dir, &["--insecure-no-auth"]);
    let printed = serving.everything_printed();
    assert!(
        printed.iter().all(|l| !l.contains("#/setup/")),
        "{printed:?}"
    );
    assert!(
        !tmp.path().join("access.sqlite3").exists(),
        "open mode does not create an access store"
    );
}
