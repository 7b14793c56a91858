//! `mitra serve`'s configuration through the real binary: the precedence of
//! flags over environment over file over defaults (seen in `mitra config
//! check` and in where `mitra serve` really listens), unknown keys and
//! invalid values (exit status 2, every problem explained), `mitra config
//! example`, and the README's table of settings.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Runs `mitra args` in `dir` with only `env` set (nothing of the test
/// runner's environment leaks in).
fn mitra(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mitra"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The standard output of a run that must succeed.
fn success(output: &Output) -> String {
    assert!(
        output.status.success(),
        "mitra failed: {}\n{}",
        output.status,
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// The standard error of a run that must fail with status 2.
fn status_2(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit status 2\nstdout: {}\nstderr: {}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stderr)
}

/// The value and origin `mitra config check` printed for `key`.
fn setting(out: &str, key: &str) -> (String, String) {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("# {key} (")))
        .unwrap_or_else(|| panic!("no line for {key} in:\n{out}"));
    let (assignment, origin) = line.rsplit_once("  # ").unwrap();
    let value = assignment
        .trim_start_matches("# ")
        .trim_start_matches(key)
        .trim()
        .trim_start_matches("= ")
        .trim();
    (value.to_owned(), origin.trim().to_owned())
}

fn check(dir: &Path, flags: &[&str], env: &[(&str, &str)]) -> String {
    let mut args = vec!["config", "check"];
    args.extend_from_slice(flags);
    let out = success(&mitra(dir, &args, env));
    assert!(out.ends_with("configuration is valid\n"), "{out}");
    out
}

#[test]
fn flags_beat_the_environment_which_beats_the_file_which_beats_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // No file, nothing set: the defaults, and nothing is created.
    let out = check(dir, &[], &[]);
    assert!(out.starts_with("# configuration file: none"), "{out}");
    let defaults = [
        ("listen", "\"127.0.0.1:8080\""),
        ("data_dir", "\"./mitra-data\""),
        ("demo", "true"),
        ("max_connections", "10000"),
        ("max_message_bytes", "4194304"),
        ("document_idle_secs", "300"),
        ("log", "\"info\""),
        ("log_json", "false"),
    ];
    for (key, value) in defaults {
        assert_eq!(
            setting(&out, key),
            (value.to_owned(), "default".to_owned()),
            "{out}"
        );
    }
    assert_eq!(
        setting(&out, "storage"),
        (
            "\"sqlite://./mitra-data\"".to_owned(),
            "default (SQLite in data_dir)".to_owned()
        )
    );
    assert_eq!(setting(&out, "max_frame_bytes").0, "4194304");
    assert!(!dir.join("mitra-data").exists(), "check creates nothing");

    // ./mitra.toml is read by default.
    std::fs::write(
        dir.join("mitra.toml"),
        "# the file layer\nlisten = \"127.0.0.1:1111\"\nmax_connections = 11\ndemo = false\nlog = \"debug\"\n",
    )
    .unwrap();
    let out = check(dir, &[], &[]);
    assert!(
        out.starts_with("# configuration file: mitra.toml (chosen by default)"),
        "{out}"
    );
    let from_file = |line: usize| format!("file mitra.toml:{line}");
    assert_eq!(
        setting(&out, "listen"),
        ("\"127.0.0.1:1111\"".to_owned(), from_file(2))
    );
    assert_eq!(
        setting(&out, "max_connections"),
        ("11".to_owned(), from_file(3))
    );
    assert_eq!(setting(&out, "demo"), ("false".to_owned(), from_file(4)));
    assert_eq!(setting(&out, "log"), ("\"debug\"".to_owned(), from_file(5)));
    assert_eq!(
        setting(&out, "document_idle_secs"),
        ("300".to_owned(), "default".to_owned())
    );

    // The environment beats the file (the historical names included).
    let env = [
        ("MITRA_LISTEN", "127.0.0.1:2222"),
        ("MITRA_MAX_CONNECTIONS", "22"),
        ("MITRA_NO_DEMO", "no"),
        ("MITRA_LOG", "warn"),
        ("MITRA_LOG_JSON", "1"),
        ("MITRA_UNRELATED_TOOL_SETTING", "ignored"),
    ];
    let out = check(dir, &[], &env);
    assert_eq!(
        setting(&out, "listen"),
        (
            "\"127.0.0.1:2222\"".to_owned(),
            "environment variable MITRA_LISTEN".to_owned()
        )
    );
    assert_eq!(
        setting(&out, "max_connections"),
        (
            "22".to_owned(),
            "environment variable MITRA_MAX_CONNECTIONS".to_owned()
        )
    );
    assert_eq!(
        setting(&out, "demo"),
        (
            "true".to_owned(),
            "environment variable MITRA_NO_DEMO".to_owned()
        )
    );
    assert_eq!(
        setting(&out, "log"),
        (
            "\"warn\"".to_owned(),
            "environment variable MITRA_LOG".to_owned()
        )
    );
    assert_eq!(
        setting(&out, "log_json"),
        (
            "true".to_owned(),
            "environment variable MITRA_LOG_JSON".to_owned()
        )
    );

    // Flags beat both.
    let out = check(
        dir,
        &[
            "--listen",
            "127.0.0.1:3333",
            "--max-connections",
            "33",
            "--no-demo",
            "--log",
            "error",
        ],
        &env,
    );
    assert_eq!(
        setting(&out, "listen"),
        ("\"127.0.0.1:3333\"".to_owned(), "flag --listen".to_owned())
    );
    assert_eq!(
        setting(&out, "max_connections"),
        ("33".to_owned(), "flag --max-connections".to_owned())
    );
    assert_eq!(
        setting(&out, "demo"),
        ("false".to_owned(), "flag --no-demo".to_owned())
    );
    assert_eq!(
        setting(&out, "log"),
        ("\"error\"".to_owned(), "flag --log".to_owned())
    );
    let out = check(dir, &["--log-json"], &[("MITRA_LOG_JSON", "0")]);
    assert_eq!(
        setting(&out, "log_json"),
        ("true".to_owned(), "flag --log-json".to_owned())
    );

    // MITRA_CONFIG names another file, and --config beats MITRA_CONFIG.
    std::fs::write(dir.join("env.toml"), "max_connections = 44\n").unwrap();
    std::fs::write(dir.join("flag.toml"), "\n\nmax_connections = 55\n").unwrap();
    let out = check(dir, &[], &[("MITRA_CONFIG", "env.toml")]);
    assert!(
        out.starts_with(
            "# configuration file: env.toml (chosen by environment variable MITRA_CONFIG)"
        ),
        "{out}"
    );
    assert_eq!(
        setting(&out, "max_connections"),
        ("44".to_owned(), "file env.toml:1".to_owned())
    );
    assert_eq!(
        setting(&out, "listen"),
        ("\"127.0.0.1:8080\"".to_owned(), "default".to_owned()),
        "./mitra.toml is not read when another file is named"
    );
    let out = check(
        dir,
        &["--config", "flag.toml"],
        &[("MITRA_CONFIG", "env.toml")],
    );
    assert_eq!(
        setting(&out, "max_connections"),
        ("55".to_owned(), "file flag.toml:3".to_owned())
    );
}

/// A port nothing listens on now (the listener is closed again).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A port held by this test, so that a server told to use it would fail.
fn taken_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Starts `mitra serve` and returns it with its first line of output
/// (waiting up to 20 s), or `None` if it printed nothing.
fn start_serve(dir: &Path, flags: &[&str], env: &[(&str, &str)]) -> (Child, Option<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mitra"))
        .arg("serve")
        .args(flags)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().copied())
        .env("MITRA_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .ok()
        .filter(|l| !l.is_empty());
    (child, line)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `GET /healthz` on `port`: its status line.
fn healthz(port: u16) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.lines().next().unwrap_or_default().to_owned()
}

/// Asserts `mitra serve` listens on `port` (and says so).
fn serves_on(dir: &Path, flags: &[&str], env: &[(&str, &str)], port: u16) {
    let (child, line) = start_serve(dir, flags, env);
    let health = line.as_ref().map(|_| healthz(port));
    stop(child);
    let line = line.unwrap_or_else(|| panic!("mitra serve printed nothing"));
    assert!(
        line.starts_with(&format!("Mitra is serving on http://127.0.0.1:{port}/")),
        "{line}"
    );
    assert_eq!(health.as_deref(), Some("HTTP/1.1 200 OK"));
}

#[test]
fn serve_listens_where_the_winning_value_says() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data-from-file");
    let file = dir.join("settings.toml");
    let write_file = |port: u16| {
        std::fs::write(
            &file,
            format!(
                "listen = \"127.0.0.1:{port}\"\ndata_dir = {:?}\ndemo = false\n",
                data.to_str().unwrap()
            ),
        )
        .unwrap()
    };
    let config = file.to_str().unwrap();

    // The file alone (named by --config).
    let port = free_port();
    write_file(port);
    serves_on(dir, &["--config", config], &[], port);
    // Its data directory was used, and (demo = false) left empty but for the database.
    assert!(data.join("mitra.sqlite3").is_file());

    // The environment beats the file (named by MITRA_CONFIG): the file's
    // port is taken, so only the environment's can work.
    let (_held, file_port) = taken_port();
    write_file(file_port);
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    serves_on(
        dir,
        &[],
        &[("MITRA_CONFIG", config), ("MITRA_LISTEN", &listen)],
        port,
    );

    // A flag beats both.
    let (_held_env, env_port) = taken_port();
    let env_listen = format!("127.0.0.1:{env_port}");
    let port = free_port();
    let flag_listen = format!("127.0.0.1:{port}");
    serves_on(
        dir,
        &["--config", config, "--listen", &flag_listen],
        &[("MITRA_LISTEN", &env_listen)],
        port,
    );

    // And the losing values were real: a server told to use one fails.
    let (child, line) = start_serve(dir, &["--config", config], &[]);
    stop(child);
    assert_eq!(line, None, "the file's port is taken");
}

#[test]
fn unknown_keys_are_errors_naming_the_key_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("mitra.toml");
    std::fs::write(
        &file,
        "# typos must not pass silently\nlisten = \"127.0.0.1:0\"\nlisen = \"127.0.0.1:9\"\n\n[server]\nport = 8080\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    for command in [
        &["config", "check", "--config", path][..],
        &["serve", "--config", path],
    ] {
        let output = mitra(dir, command, &[]);
        let err = status_2(&output);
        assert!(
            err.contains(&format!(
                "lisen (file {path}:3): unknown setting `lisen`\n    fix: did you mean `listen`?"
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("server (file {path}:5): unknown setting `server`")),
            "{err}"
        );
        assert!(err.contains("the configuration has 2 problems"), "{err}");
        assert!(!text(&output.stdout).contains("Mitra is serving"));
    }
    // A missing file named explicitly is an error too (a default one is optional).
    let err = status_2(&mitra(
        dir,
        &["config", "check", "--config", "nope.toml"],
        &[],
    ));
    assert!(
        err.contains("config (flag --config): the configuration file nope.toml does not exist"),
        "{err}"
    );
    // So is broken TOML, with its line.
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\ndemo = \n").unwrap();
    let err = status_2(&mitra(dir, &["config", "check"], &[]));
    assert!(
        err.contains("config (file mitra.toml:2): not valid TOML"),
        "{err}"
    );
}

#[test]
fn invalid_values_exit_2_and_every_problem_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let empty = dir.join("empty-web");
    std::fs::create_dir(&empty).unwrap();
    let a_file = dir.join("a-file");
    std::fs::write(&a_file, "not a directory").unwrap();
    std::fs::write(
        dir.join("mitra.toml"),
        format!(
            "listen = \"localhost\"\n\
             max_message_bytes = 1000\n\
             max_frame_bytes = 2000\n\
             public_url = \"ftp://mitra.example.org\"\n\
             web_dir = {:?}\n\
             handshake_timeout_secs = 0\n\
             max_connections = \"many\"\n\
             log = \"mitra_server=loud\"\n",
            empty.to_str().unwrap()
        ),
    )
    .unwrap();
    let env = [
        ("MITRA_PING_INTERVAL_SECS", "-5"),
        ("MITRA_DATA_DIR", a_file.to_str().unwrap()),
        ("MITRA_NO_DEMO", "maybe"),
    ];
    let flags = ["--idle-timeout-secs", "99999999999"];
    let mut args = vec!["config", "check"];
    args.extend_from_slice(&flags);
    let err = status_2(&mitra(dir, &args, &env));
    let expected = [
        "listen (file mitra.toml:1): \"localhost\" is not an IP address and port\n    fix: write IP:PORT".to_owned(),
        "max_frame_bytes (file mitra.toml:3): 2000 bytes is more than max_message_bytes (1000, file mitra.toml:2)".to_owned(),
        "public_url (file mitra.toml:4): \"ftp://mitra.example.org\" is not an http or https URL".to_owned(),
        format!("web_dir (file mitra.toml:5): {} has no index.html", empty.display()),
        "handshake_timeout_secs (file mitra.toml:6): 0 seconds is out of range\n    fix: use a whole number from 1 to 31536000 seconds".to_owned(),
        "max_connections (file mitra.toml:7): expected a whole number, found the text \"many\"".to_owned(),
        "log (file mitra.toml:8): \"mitra_server=loud\" is not a log filter".to_owned(),
        "ping_interval_secs (environment variable MITRA_PING_INTERVAL_SECS): expected a whole number, found the number -5".to_owned(),
        format!("data_dir (environment variable MITRA_DATA_DIR): {} exists but is not a directory", a_file.display()),
        "demo (environment variable MITRA_NO_DEMO): expected on or off, found the text \"maybe\"".to_owned(),
        "idle_timeout_secs (flag --idle-timeout-secs): 99999999999 seconds is out of range".to_owned(),
    ];
    for problem in &expected {
        assert!(
            err.contains(problem.as_str()),
            "missing {problem:?} in:\n{err}"
        );
    }
    assert!(
        err.starts_with(&format!(
            "the configuration has {} problems:",
            expected.len()
        )),
        "{err}"
    );
    // Every problem says how to fix it.
    assert_eq!(err.matches("\n    fix: ").count(), expected.len(), "{err}");

    // `serve` refuses the same configuration the same way, before starting.
    let mut args = vec!["serve"];
    args.extend_from_slice(&flags);
    let output = mitra(dir, &args, &env);
    let serve_err = status_2(&output);
    assert!(serve_err.contains(&err), "{serve_err}");
    assert!(text(&output.stdout).is_empty());

    // A flag's value that is not even a number is refused by the parser, also with 2.
    let err = status_2(&mitra(
        dir,
        &["config", "check", "--max-connections", "lots"],
        &[],
    ));
    assert!(err.contains("--max-connections"), "{err}");
}

#[test]
fn trusted_proxies_are_a_list_from_the_file_the_environment_or_a_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // None by default: every client is its TCP peer.
    let out = check(dir, &[], &[]);
    assert_eq!(
        setting(&out, "trusted_proxies"),
        (
            "(none)".to_owned(),
            "default: every client is its TCP peer".to_owned()
        )
    );
    // A TOML list in the file.
    std::fs::write(
        dir.join("mitra.toml"),
        "trusted_proxies = [\"10.231.57.0/24\", \"::1\"]\n",
    )
    .unwrap();
    let out = check(dir, &[], &[]);
    assert_eq!(
        setting(&out, "trusted_proxies"),
        (
            "[\"10.231.57.0/24\", \"::1\"]".to_owned(),
            "file mitra.toml:1".to_owned()
        )
    );
    // Comma-separated in the environment (as docker-compose.yml sets it),
    // and on the command line, which wins.
    let env = [("MITRA_TRUSTED_PROXIES", "172.16.0.0/12, 192.0.2.1")];
    let out = check(dir, &[], &env);
    assert_eq!(
        setting(&out, "trusted_proxies"),
        (
            "[\"172.16.0.0/12\", \"192.0.2.1\"]".to_owned(),
            "environment variable MITRA_TRUSTED_PROXIES".to_owned()
        )
    );
    let out = check(dir, &["--trusted-proxies", "fd00::/8"], &env);
    assert_eq!(
        setting(&out, "trusted_proxies"),
        (
            "[\"fd00::/8\"]".to_owned(),
            "flag --trusted-proxies".to_owned()
        )
    );

    // Anything else is refused, saying what is wrong and how to fix it.
    let err = status_2(&mitra(
        dir,
        &["config", "check"],
        &[("MITRA_TRUSTED_PROXIES", "caddy,10.0.0.5/8,10.0.0.0/40")],
    ));
    for expected in [
        "trusted_proxies (environment variable MITRA_TRUSTED_PROXIES): \"caddy\" is not an IP address or CIDR range",
        "\"10.0.0.5/8\" is not an IP address or CIDR range: it has bits set after the first 8: did you mean 10.0.0.0/8?",
        "\"10.0.0.0/40\" is not an IP address or CIDR range: the prefix length must be a number from 0 to 32",
        "fix: list IP addresses or CIDR ranges",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    std::fs::write(dir.join("mitra.toml"), "trusted_proxies = 10\n").unwrap();
    let err = status_2(&mitra(dir, &["config", "check"], &[]));
    assert!(
        err.contains(
            "trusted_proxies (file mitra.toml:1): expected a list of addresses, found the number 10"
        ),
        "{err}"
    );
    std::fs::write(dir.join("mitra.toml"), "trusted_proxies = [\"::1\", 7]\n").unwrap();
    let err = status_2(&mitra(dir, &["config", "check"], &[]));
    assert!(
        err.contains("expected addresses in quotes, found the number 7"),
        "{err}"
    );
}

#[test]
fn an_international_public_url_is_normalised_to_its_ascii_form() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (given, normalised) in [
        (
            "https://ü-partner.example",
            "https://xn---partner-55a.example",
        ),
        (
            "http://ü-partner.example/",
            "http://xn---partner-55a.example",
        ),
        (
            "HTTPS://Mitra.Example.ORG:443/",
            "https://mitra.example.org",
        ),
        (
            "https://mitra.example.org:8443/mitra/",
            "https://mitra.example.org:8443/mitra/",
        ),
    ] {
        let out = check(dir, &["--public-url", given], &[]);
        assert_eq!(
            setting(&out, "public_url"),
            (format!("\"{normalised}\""), "flag --public-url".to_owned()),
            "{given}"
        );
    }
}

#[test]
fn storage_urls_are_checked_and_passwords_never_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let url = "postgres://mitra:s3cret-pw@127.0.0.1:5432/mitra";
    let output = mitra(dir, &["config", "check"], &[("MITRA_STORAGE", url)]);
    let out = success(&output);
    assert_eq!(
        setting(&out, "storage"),
        (
            "\"postgres://mitra:***@127.0.0.1:5432/mitra\"".to_owned(),
            "environment variable MITRA_STORAGE".to_owned()
        )
    );
    assert!(!out.contains("s3cret"), "{out}");

    let output = mitra(
        dir,
        &[
            "config",
            "check",
            "--storage",
            "mysql://mitra:s3cret-pw@127.0.0.1/mitra",
        ],
        &[],
    );
    let err = status_2(&output);
    assert!(
        err.contains(
            "storage (flag --storage): \"mysql://mitra:***@127.0.0.1/mitra\" is not a storage URL"
        ),
        "{err}"
    );
    assert!(!err.contains("s3cret") && !text(&output.stdout).contains("s3cret"));

    // A SQLite URL and a data directory that disagree are a problem; one
    // that agrees, or a data_dir left at its default, is not.
    let err = status_2(&mitra(
        dir,
        &["config", "check", "--storage", "sqlite://elsewhere"],
        &[("MITRA_DATA_DIR", "here")],
    ));
    assert!(
        err.contains("storage (flag --storage): storage keeps SQLite in elsewhere but data_dir (environment variable MITRA_DATA_DIR) says here"),
        "{err}"
    );
    let out = check(dir, &["--storage", "sqlite://elsewhere"], &[]);
    assert_eq!(
        setting(&out, "storage"),
        (
            "\"sqlite://elsewhere\"".to_owned(),
            "flag --storage".to_owned()
        )
    );
}

#[test]
fn the_example_configuration_round_trips_to_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let example = success(&mitra(dir, &["config", "example"], &[]));
    let defaults = check(dir, &[], &[]);
    std::fs::write(dir.join("example.toml"), &example).unwrap();
    let from_example = check(dir, &["--config", "example.toml"], &[]);
    let keys: Vec<&str> = defaults
        .lines()
        .filter(|l| !l.starts_with("# configuration file") && l.contains("  # "))
        .map(|l| l.trim_start_matches("# ").split([' ', '=']).next().unwrap())
        .collect();
    assert!(keys.len() >= 18, "{defaults}");
    let mut from_file = 0;
    for key in keys {
        let (default_value, default_origin) = setting(&defaults, key);
        let (value, origin) = setting(&from_example, key);
        assert_eq!(value, default_value, "{key}");
        if default_origin == "default" && !default_value.starts_with('(') {
            assert!(origin.starts_with("file example.toml:"), "{key}: {origin}");
            from_file += 1;
        } else {
            assert_eq!(origin, default_origin, "{key}");
        }
    }
    assert!(from_file >= 14, "{from_example}");
    // Each setting in the example is explained and names its variable and flag.
    assert!(example.contains("# Environment: MITRA_LISTEN. Flag: --listen."));
    assert!(example.contains("# storage = \"postgres://"));
}

/// The settings `mitra config example` lists: (key, commented out).
fn example_keys() -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let example = success(&mitra(tmp.path(), &["config", "example"], &[]));
    example
        .lines()
        .filter_map(|l| {
            let l = l.strip_prefix("# ").unwrap_or(l);
            let (key, _) = l.split_once(" = ")?;
            key.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
                .then(|| key.to_owned())
        })
        .collect()
}

#[test]
fn the_readme_lists_every_setting() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme.find("### Configuration").unwrap();
    let rest = &readme[start + 3..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let keys = example_keys();
    assert!(keys.len() >= 18, "{keys:?}");
    for key in keys {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{key}` |")))
            .unwrap_or_else(|| panic!("no row for `{key}` in the README's Configuration table"));
        let env = format!("`MITRA_{}`", key.to_ascii_uppercase());
        let flag = format!("`--{}`", key.replace('_', "-"));
        assert!(row.contains(&env), "{row}");
        assert!(row.contains(&flag), "{row}");
    }
    for name in ["MITRA_CONFIG", "MITRA_NO_DEMO", "--no-demo", "mitra.toml"] {
        assert!(section.contains(name), "{name}");
    }
}
