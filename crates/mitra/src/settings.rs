//! The settings of `mitra serve`: built-in defaults, a TOML file,
//! `MITRA_*` environment variables and command-line flags, layered with
//! [figment] in that order (a later layer wins: flags > environment > file >
//! defaults), then checked as a whole. `mitra serve` and `mitra config check`
//! both go through [`load`], so `config check` reports exactly what `serve`
//! would use or refuse.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use figment::providers::{Env, Format as _, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};
use mitra_server::config::{IpRange, TrustedProxies};
use mitra_server::{AuthMode, ServerConfig};
use mitra_storage::StorageUrl;

/// The configuration file `mitra serve` reads from the current directory
/// when neither `--config` nor `MITRA_CONFIG` names one.
pub const DEFAULT_FILE: &str = "mitra.toml";
/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "MITRA_CONFIG";
/// Every setting's environment variable is this prefix and its key in capitals.
const ENV_PREFIX: &str = "MITRA_";
/// The older, inverted spelling of `MITRA_DEMO`.
const NO_DEMO_ENV: &str = "MITRA_NO_DEMO";
/// Where the SQLite database lives unless configured.
const DEFAULT_DATA_DIR: &str = "./mitra-data";
/// The log filter unless configured.
const DEFAULT_LOG: &str = "info";
/// How long `mitra serve` waits for unreachable storage at startup unless
/// configured.
const DEFAULT_STORAGE_WAIT_SECS: u64 = 60;
/// The longest duration any setting accepts (a year): far below what would
/// overflow a clock, far above any sensible timeout.
const MAX_SECS: u64 = 365 * 24 * 60 * 60;

/// `mitra serve`'s flags. None has a default here: an absent flag leaves the
/// setting to the environment, the file or the default.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ServeArgs {
    /// Configuration file (TOML) [env: MITRA_CONFIG] [default: ./mitra.toml
    /// if it exists]. `mitra config example` prints one with every setting.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on [env: MITRA_LISTEN] [default: 127.0.0.1:8080].
    #[arg(long, value_name = "IP:PORT")]
    pub listen: Option<String>,
    /// Directory of the SQLite database, created if missing
    /// [env: MITRA_DATA_DIR] [default: ./mitra-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where documents are stored: sqlite://DIR or postgres://...
    /// [env: MITRA_STORAGE] [default: sqlite://DATA_DIR].
    #[arg(long, value_name = "URL")]
    pub storage: Option<String>,
    /// Seconds to wait at startup for storage that cannot be reached yet
    /// (a database still starting) before giving up
    /// [env: MITRA_STORAGE_WAIT_SECS] [default: 60].
    #[arg(long, value_name = "SECS")]
    pub storage_wait_secs: Option<u64>,
    /// Directory of the built browser client (`npm run build` in web/)
    /// [env: MITRA_WEB_DIR]. By default Mitra looks next to its binary
    /// (../share/mitra/web), then in ./web/dist, then in the repository the
    /// binary was built in.
    #[arg(long, value_name = "DIR")]
    pub web_dir: Option<PathBuf>,
    /// The address people open, e.g. https://mitra.example.org
    /// [env: MITRA_PUBLIC_URL].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Reverse proxies in front of Mitra whose X-Forwarded-For is believed:
    /// IP addresses or CIDR ranges, comma-separated
    /// [env: MITRA_TRUSTED_PROXIES] [default: none].
    #[arg(long, value_name = "LIST")]
    pub trusted_proxies: Option<String>,
    /// Who may connect: required (an API token or a signed-in session; on
    /// the first start Mitra prints a one-time setup link) or open (no
    /// sign-in; anyone who can reach the server reads and changes
    /// everything; local trials only) [env: MITRA_AUTH] [default: required].
    #[arg(long, value_name = "required|open")]
    pub auth: Option<String>,
    /// Run without authentication (auth = open), on purpose: anyone who can
    /// reach the server reads and changes every document. For local trials
    /// only; the server logs a warning saying so.
    #[arg(long, conflicts_with = "auth")]
    pub insecure_no_auth: bool,
    /// Create the demo partnership when storage is empty (the default)
    /// [env: MITRA_DEMO].
    #[arg(long, overrides_with = "no_demo")]
    pub demo: bool,
    /// Do not create the demo partnership when storage is empty
    /// [env: MITRA_NO_DEMO takes 1/0, true/false, yes/no, on/off].
    #[arg(long, overrides_with = "demo")]
    pub no_demo: bool,
    /// Seconds an unused document stays in memory
    /// [env: MITRA_DOCUMENT_IDLE_SECS] [default: 300].
    #[arg(long, value_name = "SECS")]
    pub document_idle_secs: Option<u64>,
    /// Largest message accepted, in bytes
    /// [env: MITRA_MAX_MESSAGE_BYTES] [default: 4194304].
    #[arg(long, value_name = "BYTES")]
    pub max_message_bytes: Option<u64>,
    /// Largest single WebSocket frame accepted, in bytes
    /// [env: MITRA_MAX_FRAME_BYTES] [default: the message limit].
    #[arg(long, value_name = "BYTES")]
    pub max_frame_bytes: Option<u64>,
    /// Most simultaneous connections
    /// [env: MITRA_MAX_CONNECTIONS] [default: 10000].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u64>,
    /// Messages queued for one connection before it counts as too slow
    /// [env: MITRA_OUTBOUND_QUEUE] [default: 1024].
    #[arg(long, value_name = "N")]
    pub outbound_queue: Option<u64>,
    /// Seconds a new connection has to join
    /// [env: MITRA_HANDSHAKE_TIMEOUT_SECS] [default: 10].
    #[arg(long, value_name = "SECS")]
    pub handshake_timeout_secs: Option<u64>,
    /// Seconds between pings to each connection
    /// [env: MITRA_PING_INTERVAL_SECS] [default: 10].
    #[arg(long, value_name = "SECS")]
    pub ping_interval_secs: Option<u64>,
    /// Seconds of silence (not even a pong) before a connection is closed
    /// [env: MITRA_IDLE_TIMEOUT_SECS] [default: 30].
    #[arg(long, value_name = "SECS")]
    pub idle_timeout_secs: Option<u64>,
    /// Seconds one socket write may take before the peer is disconnected
    /// [env: MITRA_WRITE_TIMEOUT_SECS] [default: 10].
    #[arg(long, value_name = "SECS")]
    pub write_timeout_secs: Option<u64>,
    /// Seconds shutdown waits for connections and documents to finish
    /// [env: MITRA_SHUTDOWN_DEADLINE_SECS] [default: 10].
    #[arg(long, value_name = "SECS")]
    pub shutdown_deadline_secs: Option<u64>,
    /// Log filter, e.g. debug or mitra_server=debug,info
    /// [env: MITRA_LOG] [default: info].
    #[arg(long, value_name = "FILTER")]
    pub log: Option<String>,
}

/// `mitra config`.
#[derive(clap::Args, Debug)]
pub struct ConfigArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ConfigCommand,
}

/// The subcommands of `mitra config`.
#[derive(clap::Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub enum ConfigCommand {
    /// Load the configuration exactly as `mitra serve` would (same file,
    /// environment and flags) and print every setting with where its value
    /// came from; or print every problem and exit with status 2.
    Check(ServeArgs),
    /// Print an example mitra.toml: every setting, commented, at its default.
    Example,
}

/// The effective settings of `mitra serve`, every one checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The data directory setting (SQLite's directory unless `storage`
    /// says otherwise).
    pub data_dir: PathBuf,
    /// Where documents are stored.
    pub storage: StorageUrl,
    /// How long to wait at startup for storage that cannot be reached yet.
    pub storage_wait: Duration,
    /// The built browser client, if configured.
    pub web_dir: Option<PathBuf>,
    /// The address people open (an absolute http(s) URL in its ASCII
    /// form: an international domain name as punycode), if configured.
    pub public_url: Option<String>,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Whether connections must authenticate.
    pub auth: AuthMode,
    /// Whether to create the demo partnership in empty storage.
    pub demo: bool,
    /// How long a document nobody has open stays in memory.
    pub document_idle: Duration,
    /// Largest message accepted.
    pub max_message_bytes: usize,
    /// Largest WebSocket frame accepted.
    pub max_frame_bytes: usize,
    /// Most simultaneous connections.
    pub max_connections: usize,
    /// Messages queued per connection before it counts as too slow.
    pub outbound_queue: usize,
    /// Time a new connection has to join.
    pub handshake_timeout: Duration,
    /// Interval between pings.
    pub ping_interval: Duration,
    /// Silence after which a connection is closed.
    pub idle_timeout: Duration,
    /// Time one socket write may take.
    pub write_timeout: Duration,
    /// Time shutdown waits for connections and documents.
    pub shutdown_deadline: Duration,
    /// The log filter.
    pub log: String,
    /// JSON log lines instead of text.
    pub log_json: bool,
}

impl Settings {
    /// The server's configuration from these settings.
    pub fn server_config(&self) -> ServerConfig {
        let mut config = ServerConfig::new(self.listen, self.data_dir.clone());
        config.storage = self.storage.clone();
        config.web_dir = self.web_dir.clone();
        config.public_url = self.public_url.clone();
        config.trusted_proxies = self.trusted_proxies.clone();
        config.auth = self.auth;
        config.document_idle_timeout = self.document_idle;
        config.shutdown_deadline = self.shutdown_deadline;
        let limits = &mut config.limits;
        limits.max_message_bytes = self.max_message_bytes;
        limits.max_frame_bytes = self.max_frame_bytes;
        limits.max_connections = self.max_connections;
        limits.outbound_queue = self.outbound_queue;
        limits.handshake_timeout = self.handshake_timeout;
        limits.ping_interval = self.ping_interval;
        limits.idle_timeout = self.idle_timeout;
        limits.write_timeout = self.write_timeout;
        config
    }
}

/// What kind of value a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text: an address, a URL, a filter.
    Text,
    /// A file system path.
    Path,
    /// A list of text items: a TOML list, or comma-separated in the
    /// environment and on the command line.
    List,
    /// On or off.
    Switch,
    /// A whole number from 1 to `max`, counting `unit`.
    Number {
        /// What it counts ("bytes", "seconds", ...).
        unit: &'static str,
        /// The largest value accepted.
        max: u64,
    },
}

/// One setting: its key and what it means.
struct Spec {
    /// The TOML key; the environment variable is `MITRA_` and the key in
    /// capitals, the flag `--` and the key with dashes.
    key: &'static str,
    /// What it takes.
    kind: Kind,
    /// What it means (lines of the example's comment).
    about: &'static str,
    /// For a setting without a fixed default: a value to show, commented
    /// out, in the example.
    example: Option<&'static str>,
}

const BYTES: Kind = Kind::Number {
    unit: "bytes",
    max: 1 << 30,
};
const SECONDS: Kind = Kind::Number {
    unit: "seconds",
    max: MAX_SECS,
};
const COUNT: Kind = Kind::Number {
    unit: "",
    max: 1_000_000,
};

/// Every setting, in the order `config check` and `config example` show them.
const SPECS: &[Spec] = &[
    Spec {
        key: "listen",
        kind: Kind::Text,
        about: "Address and port to listen on (IP:PORT). 127.0.0.1 is this machine only;\n\
                0.0.0.0 every interface (in a container, or behind a proxy on another host).",
        example: None,
    },
    Spec {
        key: "data_dir",
        kind: Kind::Path,
        about: "Directory of the SQLite database (mitra.sqlite3), created if missing.\n\
                Relative paths are relative to the directory mitra runs in.",
        example: None,
    },
    Spec {
        key: "storage",
        kind: Kind::Text,
        about: "Where documents are stored: sqlite://DIRECTORY or\n\
                postgres://USER:PASSWORD@HOST:PORT/DATABASE. Default: sqlite://DATA_DIR.",
        example: Some("\"postgres://mitra:PASSWORD@127.0.0.1:5432/mitra\""),
    },
    Spec {
        key: "storage_wait_secs",
        kind: SECONDS,
        about: "Seconds mitra serve waits at startup for storage it cannot reach yet (a\n\
                database still starting), retrying, before it gives up and exits.",
        example: None,
    },
    Spec {
        key: "web_dir",
        kind: Kind::Path,
        about: "Directory of the built browser client (its index.html). Default: next to\n\
                the binary (../share/mitra/web), then ./web/dist.",
        example: Some("\"./web/dist\""),
    },
    Spec {
        key: "public_url",
        kind: Kind::Text,
        about: "The address people open in their browser (an absolute http or https URL).",
        example: Some("\"https://mitra.example.org\""),
    },
    Spec {
        key: "trusted_proxies",
        kind: Kind::List,
        about: "Reverse proxies in front of Mitra (IP addresses or CIDR ranges): for a request\n\
                from one of them, the client's address (what rate limits count and logs show)\n\
                is taken from X-Forwarded-For (the rightmost address that is not itself a\n\
                trusted proxy) or X-Real-IP. Empty (the default): every client is its TCP\n\
                peer, and those headers are ignored. Trust only proxies that set them: a\n\
                client that reaches Mitra directly from a trusted address can claim any\n\
                address. Comma-separated in MITRA_TRUSTED_PROXIES and --trusted-proxies.",
        example: Some("[\"10.231.57.0/24\"]"),
    },
    Spec {
        key: "auth",
        kind: Kind::Text,
        about: "Who may connect: \"required\" (an API token or a signed-in session; the first\n\
                start prints a one-time setup link) or \"open\" (no sign-in: anyone who can\n\
                reach this server reads and changes every document; local trials only).\n\
                --insecure-no-auth means open.",
        example: None,
    },
    Spec {
        key: "demo",
        kind: Kind::Switch,
        about: "Create the demo partnership when storage holds no documents at all.\n\
                MITRA_NO_DEMO=1 and --no-demo also turn it off.",
        example: None,
    },
    Spec {
        key: "document_idle_secs",
        kind: SECONDS,
        about: "Seconds a document nobody has open stays in memory.",
        example: None,
    },
    Spec {
        key: "max_message_bytes",
        kind: BYTES,
        about: "Largest message accepted; a bigger one closes the connection (1009).",
        example: None,
    },
    Spec {
        key: "max_frame_bytes",
        kind: BYTES,
        about: "Largest single WebSocket frame accepted, at most max_message_bytes.\n\
                Default: max_message_bytes.",
        example: Some("1048576"),
    },
    Spec {
        key: "max_connections",
        kind: COUNT,
        about: "Most simultaneous connections; more are refused with HTTP 503.",
        example: None,
    },
    Spec {
        key: "outbound_queue",
        kind: COUNT,
        about: "Messages queued for one connection before it counts as too slow and is\n\
                disconnected (it resyncs when it reconnects).",
        example: None,
    },
    Spec {
        key: "handshake_timeout_secs",
        kind: SECONDS,
        about: "Seconds a new connection has to send its request and join.",
        example: None,
    },
    Spec {
        key: "ping_interval_secs",
        kind: SECONDS,
        about: "Seconds between pings to each connection.",
        example: None,
    },
    Spec {
        key: "idle_timeout_secs",
        kind: SECONDS,
        about: "Seconds a connection may stay silent (not even a pong) before it is closed.",
        example: None,
    },
    Spec {
        key: "write_timeout_secs",
        kind: SECONDS,
        about: "Seconds one write to a socket may take before the peer is disconnected.",
        example: None,
    },
    Spec {
        key: "shutdown_deadline_secs",
        kind: SECONDS,
        about: "Seconds shutdown waits for connections and documents to finish.",
        example: None,
    },
    Spec {
        key: "log",
        kind: Kind::Text,
        about: "Log filter: a level (error, warn, info, debug, trace) or directives such as\n\
                \"mitra_server=debug,info\". automerge logs at warn unless named.",
        example: None,
    },
    Spec {
        key: "log_json",
        kind: Kind::Switch,
        about: "Log JSON lines instead of human-readable text.",
        example: None,
    },
];

fn spec(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// A setting's environment variable.
fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

/// A setting's flag.
fn flag_name(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// The built-in defaults, from the server's own defaults.
fn defaults() -> Dict {
    let server = ServerConfig::default();
    let limits = &server.limits;
    let count = |n: usize| Value::from(n as u64);
    let secs = |d: Duration| Value::from(d.as_secs());
    Dict::from([
        ("listen".to_owned(), Value::from(server.listen.to_string())),
        ("data_dir".to_owned(), Value::from(DEFAULT_DATA_DIR)),
        (
            "storage_wait_secs".to_owned(),
            Value::from(DEFAULT_STORAGE_WAIT_SECS),
        ),
        ("auth".to_owned(), Value::from("required")),
        ("demo".to_owned(), Value::from(true)),
        (
            "document_idle_secs".to_owned(),
            secs(server.document_idle_timeout),
        ),
        (
            "max_message_bytes".to_owned(),
            count(limits.max_message_bytes),
        ),
        ("max_connections".to_owned(), count(limits.max_connections)),
        ("outbound_queue".to_owned(), count(limits.outbound_queue)),
        (
            "handshake_timeout_secs".to_owned(),
            secs(limits.handshake_timeout),
        ),
        ("ping_interval_secs".to_owned(), secs(limits.ping_interval)),
        ("idle_timeout_secs".to_owned(), secs(limits.idle_timeout)),
        ("write_timeout_secs".to_owned(), secs(limits.write_timeout)),
        (
            "shutdown_deadline_secs".to_owned(),
            secs(server.shutdown_deadline),
        ),
        ("log".to_owned(), Value::from(DEFAULT_LOG)),
        ("log_json".to_owned(), Value::from(false)),
    ])
}

/// One layer of the configuration for figment: its values and its name.
/// (figment's own providers are renamed this way so that every value says
/// plainly where it came from: default, file, environment or flag.)
struct Layer {
    metadata: Metadata,
    values: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

const DEFAULT_LAYER: &str = "default";
const FILE_LAYER: &str = "file";
const ENV_LAYER: &str = "environment variable";
const FLAG_LAYER: &str = "flag";

fn default_layer() -> Layer {
    Layer {
        metadata: Metadata::named(DEFAULT_LAYER),
        values: defaults(),
    }
}

/// The `MITRA_*` variables naming settings, through figment's `Env`.
/// Text and paths are taken as written (a directory called `2024` stays
/// text); numbers and switches are parsed as figment parses them.
fn env_layer() -> Layer {
    let keys: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
    let mut values = Dict::new();
    for (key, raw) in Env::prefixed(ENV_PREFIX).only(&keys).iter() {
        let raw = raw.trim();
        let Some(spec) = spec(key.as_str()) else {
            continue;
        };
        if raw.is_empty() {
            continue; // `MITRA_WEB_DIR=` means unset, as it always did
        }
        let value = match spec.kind {
            Kind::Text | Kind::Path | Kind::List => Value::from(raw),
            Kind::Switch | Kind::Number { .. } => parse_value(raw),
        };
        values.insert(spec.key.to_owned(), value);
    }
    Layer {
        metadata: Metadata::named(ENV_LAYER)
            .interpolater(|_: &Profile, keys: &[&str]| env_name(&keys.join("_"))),
        values,
    }
}

/// `MITRA_NO_DEMO`, the inverted older spelling of `MITRA_DEMO`.
fn no_demo_layer() -> Layer {
    let mut values = Dict::new();
    if let Some(raw) = env_var(NO_DEMO_ENV) {
        // A value that is not on/off stays as written, so that `demo` is
        // reported invalid with this variable as its source.
        let value = match parse_value(&raw).to_bool_lossy() {
            Some(no_demo) => Value::from(!no_demo),
            None => Value::from(raw),
        };
        values.insert("demo".to_owned(), value);
    }
    Layer {
        metadata: Metadata::named(ENV_LAYER)
            .interpolater(|_: &Profile, _: &[&str]| NO_DEMO_ENV.to_owned()),
        values,
    }
}

/// The flags given on the command line.
fn flag_layer(args: &ServeArgs, log_json_flag: bool) -> Layer {
    let mut values = Dict::new();
    let mut names = BTreeMap::new();
    let mut set = |key: &str, value: Value| {
        values.insert(key.to_owned(), value);
        names.insert(key.to_owned(), flag_name(key));
    };
    let path = |p: &Path| Value::from(p.to_string_lossy().into_owned());
    if let Some(v) = &args.listen {
        set("listen", Value::from(v.as_str()));
    }
    if let Some(v) = &args.data_dir {
        set("data_dir", path(v));
    }
    if let Some(v) = &args.storage {
        set("storage", Value::from(v.as_str()));
    }
    if let Some(v) = &args.web_dir {
        set("web_dir", path(v));
    }
    if let Some(v) = &args.public_url {
        set("public_url", Value::from(v.as_str()));
    }
    if let Some(v) = &args.trusted_proxies {
        set("trusted_proxies", Value::from(v.as_str()));
    }
    if let Some(v) = &args.auth {
        set("auth", Value::from(v.as_str()));
    }
    if args.demo {
        set("demo", Value::from(true));
    }
    let numbers = [
        ("storage_wait_secs", args.storage_wait_secs),
        ("document_idle_secs", args.document_idle_secs),
        ("max_message_bytes", args.max_message_bytes),
        ("max_frame_bytes", args.max_frame_bytes),
        ("max_connections", args.max_connections),
        ("outbound_queue", args.outbound_queue),
        ("handshake_timeout_secs", args.handshake_timeout_secs),
        ("ping_interval_secs", args.ping_interval_secs),
        ("idle_timeout_secs", args.idle_timeout_secs),
        ("write_timeout_secs", args.write_timeout_secs),
        ("shutdown_deadline_secs", args.shutdown_deadline_secs),
    ];
    for (key, value) in numbers {
        if let Some(n) = value {
            set(key, Value::from(n));
        }
    }
    if let Some(v) = &args.log {
        set("log", Value::from(v.as_str()));
    }
    if log_json_flag {
        set("log_json", Value::from(true));
    }
    if args.no_demo {
        values.insert("demo".to_owned(), Value::from(false));
        names.insert("demo".to_owned(), "--no-demo".to_owned());
    }
    if args.insecure_no_auth {
        values.insert("auth".to_owned(), Value::from("open"));
        names.insert("auth".to_owned(), "--insecure-no-auth".to_owned());
    }
    let names = Arc::new(names);
    Layer {
        metadata: Metadata::named(FLAG_LAYER).interpolater(move |_: &Profile, keys: &[&str]| {
            let key = keys.join(".");
            names.get(&key).cloned().unwrap_or_else(|| flag_name(&key))
        }),
        values,
    }
}

/// A value as figment parses an environment variable.
fn parse_value(raw: &str) -> Value {
    match raw.parse::<Value>() {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// A variable's value, unless it is unset or blank.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The built-in default.
    Default,
    /// A line of the configuration file (the line when known).
    File(PathBuf, Option<usize>),
    /// An environment variable.
    Env(String),
    /// A command-line flag.
    Flag(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File(path, Some(line)) => write!(f, "file {}:{line}", path.display()),
            Self::File(path, None) => write!(f, "file {}", path.display()),
            Self::Env(name) => write!(f, "environment variable {name}"),
            Self::Flag(name) => write!(f, "flag {name}"),
        }
    }
}

/// One thing wrong with the configuration, said so that a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The setting (or `config` for the file itself).
    pub key: String,
    /// Where the offending value came from.
    pub origin: Origin,
    /// What is wrong.
    pub what: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}\n    fix: {}",
            self.key, self.origin, self.what, self.fix
        )
    }
}

/// Every problem found, printable as `mitra` prints them.
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "the configuration has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.0 {
            writeln!(f, "\n{problem}")?;
        }
        Ok(())
    }
}

/// The configuration as loaded: the settings and where each came from.
#[derive(Debug)]
pub struct Loaded {
    /// The checked settings.
    pub settings: Settings,
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    /// How the file was chosen (`--config`, `MITRA_CONFIG` or the default).
    file_origin: Option<Origin>,
    /// Every setting as `config check` shows it: key, value, origin.
    entries: Vec<(&'static str, String, String)>,
}

/// Loads the settings of `mitra serve` from the defaults, the configuration
/// file (`--config`, else `MITRA_CONFIG`, else `./mitra.toml` if present),
/// the environment and `args`, and checks them. `log_json_flag` is whether
/// the global `--log-json` flag was given on the command line.
pub fn load(args: &ServeArgs, log_json_flag: bool) -> Result<Loaded, Problems> {
    let mut problems = Vec::new();
    let chosen = choose_file(args, &mut problems);
    let mut figment = Figment::from(default_layer());
    let mut lines = BTreeMap::new();
    if let Some((path, origin)) = &chosen
        && let Some(layer) = file_layer(path, origin, &mut lines, &mut problems)
    {
        figment = figment.merge(layer);
    }
    figment = figment
        .merge(env_layer())
        .merge(no_demo_layer())
        .merge(flag_layer(args, log_json_flag));
    let mut resolver = Resolver {
        figment,
        lines,
        problems,
        entries: Vec::new(),
    };
    resolver.check_demo_variables();
    let settings = resolver.resolve();
    match settings {
        Some(settings) if resolver.problems.is_empty() => {
            let (file, file_origin) = chosen.map_or((None, None), |(p, o)| (Some(p), Some(o)));
            Ok(Loaded {
                settings,
                file,
                file_origin,
                entries: resolver.entries,
            })
        }
        _ => Err(Problems(resolver.problems)),
    }
}

/// The configuration file to read and how it was chosen.
fn choose_file(args: &ServeArgs, problems: &mut Vec<Problem>) -> Option<(PathBuf, Origin)> {
    let (path, origin) = if let Some(path) = &args.config {
        (path.clone(), Origin::Flag("--config".to_owned()))
    } else if let Some(path) = env_var(CONFIG_ENV) {
        (PathBuf::from(path), Origin::Env(CONFIG_ENV.to_owned()))
    } else if Path::new(DEFAULT_FILE).is_file() {
        return Some((PathBuf::from(DEFAULT_FILE), Origin::Default));
    } else {
        return None;
    };
    let what = match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() => return Some((path, origin)),
        Ok(_) => format!("{} is not a file", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("the configuration file {} does not exist", path.display())
        }
        Err(e) => format!("cannot read {}: {e}", path.display()),
    };
    problems.push(Problem {
        key: "config".to_owned(),
        origin,
        what,
        fix: format!(
            "give the path of a TOML file (`mitra config example > {DEFAULT_FILE}` writes one), or leave it unset"
        ),
    });
    None
}

/// Reads the configuration file as a layer, noting each key's line and
/// reporting syntax errors and unknown keys.
fn file_layer(
    path: &Path,
    chosen_by: &Origin,
    lines: &mut BTreeMap<String, usize>,
    problems: &mut Vec<Problem>,
) -> Option<Layer> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(Problem {
                key: "config".to_owned(),
                origin: chosen_by.clone(),
                what: format!("cannot read {}: {e}", path.display()),
                fix: "make the file readable by the user mitra runs as".to_owned(),
            });
            return None;
        }
    };
    let line_of = |offset: usize| {
        let before = text.get(..offset).unwrap_or(text.as_str());
        before.matches('\n').count() + 1
    };
    let syntax_fix = "correct the TOML syntax (`mitra config example` shows every setting)";
    // Spans (for line numbers) come from toml_edit, the parser figment's
    // TOML format uses underneath.
    let document = match toml_edit::ImDocument::parse(text.as_str()) {
        Ok(document) => document,
        Err(e) => {
            problems.push(Problem {
                key: "config".to_owned(),
                origin: Origin::File(path.to_owned(), e.span().map(|s| line_of(s.start))),
                what: format!("not valid TOML: {}", e.message().trim()),
                fix: syntax_fix.to_owned(),
            });
            return None;
        }
    };
    let table = document.as_table();
    let mut unknown = Vec::new();
    for (key, _) in table.iter() {
        let line = table
            .key(key)
            .and_then(|k| k.span())
            .map(|s| line_of(s.start));
        if spec(key).is_some() {
            if let Some(line) = line {
                lines.insert(key.to_owned(), line);
            }
            continue;
        }
        unknown.push(key.to_owned());
        problems.push(Problem {
            key: key.to_owned(),
            origin: Origin::File(path.to_owned(), line),
            what: format!("unknown setting `{key}`"),
            fix: suggestion(key),
        });
    }
    let mut values = match Toml::string(&text).data() {
        Ok(mut map) => map.remove(&Profile::Default).unwrap_or_default(),
        Err(e) => {
            problems.push(Problem {
                key: "config".to_owned(),
                origin: Origin::File(path.to_owned(), None),
                what: format!("not valid TOML: {e}"),
                fix: syntax_fix.to_owned(),
            });
            return None;
        }
    };
    for key in unknown {
        values.remove(&key);
    }
    Some(Layer {
        metadata: Metadata::from(FILE_LAYER, path),
        values,
    })
}

/// How to fix an unknown key: the known key it most resembles.
fn suggestion(key: &str) -> String {
    let lower = key.to_ascii_lowercase().replace('-', "_");
    if matches!(lower.as_str(), "no_demo" | "nodemo") {
        return "write `demo = false`".to_owned();
    }
    let best = SPECS
        .iter()
        .map(|s| (strsim::jaro_winkler(&lower, s.key), s.key))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, known)) if score >= 0.8 => {
            format!("did you mean `{known}`? (`mitra config example` lists every setting)")
        }
        _ => "remove it; `mitra config example` lists every setting".to_owned(),
    }
}

/// Reads each setting from the merged layers, checking as it goes.
struct Resolver {
    figment: Figment,
    lines: BTreeMap<String, usize>,
    problems: Vec<Problem>,
    entries: Vec<(&'static str, String, String)>,
}

impl Resolver {
    /// Where the winning value of `key` came from.
    fn origin(&self, key: &str) -> Origin {
        let Some(metadata) = self.figment.find_metadata(key) else {
            return Origin::Default;
        };
        let named = metadata.interpolate(&Profile::Default, &[key]);
        match metadata.name.as_ref() {
            FILE_LAYER => match &metadata.source {
                Some(Source::File(path)) => {
                    Origin::File(path.clone(), self.lines.get(key).copied())
                }
                _ => Origin::Default,
            },
            ENV_LAYER => Origin::Env(named),
            FLAG_LAYER => Origin::Flag(named),
            _ => Origin::Default,
        }
    }

    fn problem(&mut self, key: &str, what: String, fix: impl Into<String>) {
        let origin = self.origin(key);
        self.problems.push(Problem {
            key: key.to_owned(),
            origin,
            what,
            fix: fix.into(),
        });
    }

    /// Notes `key`'s effective value for `config check`.
    fn show(&mut self, key: &'static str, value: String, origin: String) {
        self.entries.push((key, value, origin));
    }

    fn show_set(&mut self, key: &'static str, value: String) {
        let origin = self.origin(key).to_string();
        self.show(key, value, origin);
    }

    /// The raw value of `key`, if any layer sets it.
    fn value(&self, key: &str) -> Option<Value> {
        self.figment.find_value(key).ok()
    }

    fn text(&mut self, key: &'static str) -> Option<String> {
        match self.value(key)? {
            Value::String(_, s) => Some(s),
            other => {
                let what = format!("expected text in quotes, found {}", describe(&other));
                self.problem(key, what, format!("write {key} = \"...\""));
                None
            }
        }
    }

    fn switch(&mut self, key: &'static str) -> Option<bool> {
        let value = self.value(key)?;
        let on = value.to_bool_lossy();
        if on.is_none() {
            let what = format!("expected on or off, found {}", describe(&value));
            self.problem(
                key,
                what,
                "write true or false (in the environment also 1/0, yes/no, on/off)",
            );
        }
        on
    }

    fn number(&mut self, key: &'static str) -> Option<u64> {
        let value = self.value(key)?;
        let Some(Kind::Number { unit, max }) = spec(key).map(|s| s.kind) else {
            return None;
        };
        let number = match &value {
            Value::Num(_, n) => n.to_u128_lossy(),
            _ => None,
        };
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        match number {
            Some(n) if (1..=u128::from(max)).contains(&n) => u64::try_from(n).ok(),
            Some(n) => {
                self.problem(
                    key,
                    format!("{n}{unit} is out of range"),
                    format!("use a whole number from 1 to {max}{unit}"),
                );
                None
            }
            None => {
                self.problem(
                    key,
                    format!("expected a whole number, found {}", describe(&value)),
                    format!("use a whole number from 1 to {max}{unit}, without quotes"),
                );
                None
            }
        }
    }

    /// `MITRA_DEMO` and `MITRA_NO_DEMO` must not contradict each other.
    fn check_demo_variables(&mut self) {
        let read = |name: &str| env_var(name).and_then(|raw| parse_value(&raw).to_bool_lossy());
        if let (Some(demo), Some(no_demo)) = (read(&env_name("demo")), read(NO_DEMO_ENV))
            && demo == no_demo
        {
            self.problems.push(Problem {
                key: "demo".to_owned(),
                origin: Origin::Env(NO_DEMO_ENV.to_owned()),
                what: format!(
                    "MITRA_DEMO and MITRA_NO_DEMO contradict each other (MITRA_DEMO={demo}, MITRA_NO_DEMO={no_demo})"
                ),
                fix: "set only one of them".to_owned(),
            });
        }
    }

    /// Every setting, checked; `None` when one could not be read.
    fn resolve(&mut self) -> Option<Settings> {
        let listen = self.listen();
        let data_dir = self.text("data_dir").and_then(|dir| {
            if dir.is_empty() {
                self.problem(
                    "data_dir",
                    "the data directory is empty".to_owned(),
                    "name a directory, e.g. ./mitra-data",
                );
                None
            } else {
                Some(PathBuf::from(dir))
            }
        });
        if let Some(dir) = &data_dir {
            self.show_set("data_dir", toml_string(&dir.to_string_lossy()));
        }
        let storage = data_dir.as_deref().and_then(|dir| self.storage(dir));
        let storage_wait = self.seconds("storage_wait_secs");
        let web_dir = self.web_dir();
        let public_url = self.public_url();
        let trusted_proxies = self.trusted_proxies();
        let auth = self.auth();
        let demo = self.switch("demo");
        self.show_switch("demo", demo);
        let document_idle = self.seconds("document_idle_secs");
        let max_message_bytes = self.count("max_message_bytes");
        let max_frame_bytes = self.max_frame_bytes(max_message_bytes);
        let max_connections = self.count("max_connections");
        let outbound_queue = self.count("outbound_queue");
        let handshake_timeout = self.seconds("handshake_timeout_secs");
        let ping_interval = self.seconds("ping_interval_secs");
        let idle_timeout = self.seconds("idle_timeout_secs");
        let write_timeout = self.seconds("write_timeout_secs");
        let shutdown_deadline = self.seconds("shutdown_deadline_secs");
        let log = self.log();
        let log_json = self.switch("log_json");
        self.show_switch("log_json", log_json);
        Some(Settings {
            listen: listen?,
            data_dir: data_dir?,
            storage: storage?,
            storage_wait: storage_wait?,
            web_dir: web_dir?,
            public_url: public_url?,
            trusted_proxies: trusted_proxies?,
            auth: auth?,
            demo: demo?,
            document_idle: document_idle?,
            max_message_bytes: max_message_bytes?,
            max_frame_bytes: max_frame_bytes?,
            max_connections: max_connections?,
            outbound_queue: outbound_queue?,
            handshake_timeout: handshake_timeout?,
            ping_interval: ping_interval?,
            idle_timeout: idle_timeout?,
            write_timeout: write_timeout?,
            shutdown_deadline: shutdown_deadline?,
            log: log?,
            log_json: log_json?,
        })
    }

    fn show_switch(&mut self, key: &'static str, value: Option<bool>) {
        if let Some(on) = value {
            self.show_set(key, on.to_string());
        }
    }

    fn seconds(&mut self, key: &'static str) -> Option<Duration> {
        let secs = self.number(key)?;
        self.show_set(key, secs.to_string());
        Some(Duration::from_secs(secs))
    }

    fn count(&mut self, key: &'static str) -> Option<usize> {
        let n = self.number(key)?;
        self.show_set(key, n.to_string());
        usize::try_from(n).ok()
    }

    fn listen(&mut self) -> Option<SocketAddr> {
        let text = self.text("listen")?;
        match text.trim().parse::<SocketAddr>() {
            Ok(addr) => {
                self.show_set("listen", toml_string(&addr.to_string()));
                Some(addr)
            }
            Err(_) => {
                self.problem(
                    "listen",
                    format!("{text:?} is not an IP address and port"),
                    "write IP:PORT, e.g. 127.0.0.1:8080 (this machine only) or 0.0.0.0:8080 (every interface)",
                );
                None
            }
        }
    }

    /// The storage URL (default: SQLite in `data_dir`), and the data
    /// directory check when it keeps files.
    fn storage(&mut self, data_dir: &Path) -> Option<StorageUrl> {
        let key = "storage";
        let storage = match self.value(key) {
            None => {
                let url = StorageUrl::sqlite(data_dir);
                self.show(
                    key,
                    toml_string(&redact(&url.to_string())),
                    "default (SQLite in data_dir)".to_owned(),
                );
                url
            }
            Some(_) => {
                let text = self.text(key)?;
                match text.trim().parse::<StorageUrl>() {
                    Ok(url) => {
                        self.show_set(key, toml_string(&redact(&url.to_string())));
                        if let Some(dir) = url.data_dir()
                            && dir != data_dir
                            && self.origin("data_dir") != Origin::Default
                        {
                            let what = format!(
                                "storage keeps SQLite in {} but data_dir ({}) says {}",
                                dir.display(),
                                self.origin("data_dir"),
                                data_dir.display()
                            );
                            self.problem(
                                key,
                                what,
                                "set only one of them: storage = \"sqlite://DIR\" or data_dir = \"DIR\"",
                            );
                            return None;
                        }
                        url
                    }
                    Err(e) => {
                        self.problem(
                            key,
                            format!("{:?} is not a storage URL: {}", redact(&text), e.reason),
                            "write sqlite://DIRECTORY or postgres://USER:PASSWORD@HOST:PORT/DATABASE, or leave storage unset for SQLite in data_dir",
                        );
                        return None;
                    }
                }
            }
        };
        if let Some(dir) = storage.data_dir() {
            let blame = if self.value(key).is_some() {
                key
            } else {
                "data_dir"
            };
            if let Err((what, fix)) = check_writable_dir(dir) {
                self.problem(blame, what, fix);
                return None;
            }
        }
        Some(storage)
    }

    fn web_dir(&mut self) -> Option<Option<PathBuf>> {
        let key = "web_dir";
        if self.value(key).is_none() {
            self.show(
                key,
                "(not set)".to_owned(),
                "default: next to the binary, then ./web/dist".to_owned(),
            );
            return Some(None);
        }
        let dir = PathBuf::from(self.text(key)?);
        let fix = "build the client (./scripts/build-web.sh) and name its output (web/dist), or leave web_dir unset";
        let what = if !dir.is_dir() {
            format!("{} is not a directory", dir.display())
        } else if !dir.join("index.html").is_file() {
            format!(
                "{} has no index.html (it is not a built browser client)",
                dir.display()
            )
        } else {
            self.show_set(key, toml_string(&dir.to_string_lossy()));
            return Some(Some(dir));
        };
        self.problem(key, what, fix);
        None
    }

    fn auth(&mut self) -> Option<AuthMode> {
        let key = "auth";
        let text = self.text(key)?;
        let mode = match text.trim().to_ascii_lowercase().as_str() {
            "open" => AuthMode::Open,
            "required" => AuthMode::Required,
            _ => {
                self.problem(
                    key,
                    format!("{:?} is not an authentication mode", text.trim()),
                    "write auth = \"open\" (local trials only) or auth = \"required\"",
                );
                return None;
            }
        };
        let shown = match mode {
            AuthMode::Open => "open",
            AuthMode::Required => "required",
        };
        self.show_set(key, toml_string(shown));
        Some(mode)
    }

    fn public_url(&mut self) -> Option<Option<String>> {
        let key = "public_url";
        if self.value(key).is_none() {
            self.show(key, "(not set)".to_owned(), "default".to_owned());
            return Some(None);
        }
        let text = self.text(key)?.trim().to_owned();
        let checked = match url::Url::parse(&text) {
            Err(e) => Err(format!("{text:?} is not an absolute URL ({e})")),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => Err(format!(
                "{text:?} is not an http or https URL (scheme {:?})",
                url.scheme()
            )),
            Ok(url) if url.host_str().is_none_or(str::is_empty) => {
                Err(format!("{text:?} names no host"))
            }
            Ok(url) if !url.username().is_empty() || url.password().is_some() => Err(format!(
                "{:?} contains a user name or password",
                redact(&text)
            )),
            Ok(url) if url.query().is_some() || url.fragment().is_some() => {
                Err(format!("{text:?} has a query or fragment"))
            }
            Ok(url) => Ok(url),
        };
        let url = match checked {
            Ok(url) => url,
            Err(what) => {
                self.problem(
                    key,
                    what,
                    "write the address people open in their browser, e.g. https://mitra.example.org",
                );
                return None;
            }
        };
        // The ASCII form, as browsers send it in `Origin`: an international
        // domain name as punycode, the scheme and host lowercase, a default
        // port dropped. A bare origin keeps no trailing slash.
        let mut normalised = url.as_str().to_owned();
        if url.path() == "/" {
            normalised.pop();
        }
        self.show_set(key, toml_string(&normalised));
        Some(Some(normalised))
    }

    fn trusted_proxies(&mut self) -> Option<TrustedProxies> {
        let key = "trusted_proxies";
        let Some(value) = self.value(key) else {
            self.show(
                key,
                "(none)".to_owned(),
                "default: every client is its TCP peer".to_owned(),
            );
            return Some(TrustedProxies::default());
        };
        let fix = "list IP addresses or CIDR ranges of your reverse proxies: trusted_proxies = [\"10.231.57.0/24\"] in the file, comma-separated in MITRA_TRUSTED_PROXIES or --trusted-proxies";
        let items: Vec<String> = match value {
            Value::String(_, text) => text.split(',').map(str::to_owned).collect(),
            Value::Array(_, values) => {
                let mut items = Vec::with_capacity(values.len());
                for value in values {
                    match value {
                        Value::String(_, text) => items.push(text),
                        other => {
                            let what =
                                format!("expected addresses in quotes, found {}", describe(&other));
                            self.problem(key, what, fix);
                            return None;
                        }
                    }
                }
                items
            }
            other => {
                let what = format!("expected a list of addresses, found {}", describe(&other));
                self.problem(key, what, fix);
                return None;
            }
        };
        let mut ranges = Vec::with_capacity(items.len());
        let mut bad = Vec::new();
        for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
            match item.parse::<IpRange>() {
                Ok(range) => ranges.push(range),
                Err(e) => bad.push(e.to_string()),
            }
        }
        if !bad.is_empty() {
            self.problem(key, bad.join("; "), fix);
            return None;
        }
        let shown: Vec<String> = ranges.iter().map(|r| toml_string(&r.to_string())).collect();
        self.show_set(key, format!("[{}]", shown.join(", ")));
        Some(TrustedProxies::new(ranges))
    }

    fn max_frame_bytes(&mut self, max_message_bytes: Option<usize>) -> Option<usize> {
        let key = "max_frame_bytes";
        if self.value(key).is_none() {
            let message = max_message_bytes?;
            self.show(
                key,
                message.to_string(),
                "default (max_message_bytes)".to_owned(),
            );
            return Some(message);
        }
        let frame = usize::try_from(self.number(key)?).ok()?;
        let message = max_message_bytes?;
        if frame > message {
            let what = format!(
                "{frame} bytes is more than max_message_bytes ({message}, {})",
                self.origin("max_message_bytes")
            );
            self.problem(
                key,
                what,
                "lower max_frame_bytes to at most max_message_bytes (or raise max_message_bytes), or leave it unset",
            );
            return None;
        }
        self.show_set(key, frame.to_string());
        Some(frame)
    }

    fn log(&mut self) -> Option<String> {
        let key = "log";
        let text = self.text(key)?;
        let filter = if text.trim().is_empty() {
            DEFAULT_LOG.to_owned()
        } else {
            text.trim().to_owned()
        };
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&filter) {
            self.problem(
                key,
                format!("{filter:?} is not a log filter ({e})"),
                "use a level (error, warn, info, debug, trace) or directives such as mitra_server=debug,info",
            );
            return None;
        }
        self.show_set(key, toml_string(&filter));
        Some(filter)
    }
}

/// `value` in TOML syntax.
fn toml_string(value: &str) -> String {
    toml_edit::Value::from(value).to_string()
}

/// A short description of a value that was not what a setting takes.
fn describe(value: &Value) -> String {
    match value {
        Value::String(_, s) => format!("the text {s:?}"),
        Value::Char(_, c) => format!("the text {:?}", c.to_string()),
        Value::Bool(_, b) => format!("the switch {b}"),
        Value::Num(_, n) => match n.to_f64() {
            Some(f) if n.to_i128().is_none() && n.to_u128().is_none() => format!("the number {f}"),
            _ => n
                .to_i128()
                .map(|i| format!("the number {i}"))
                .or_else(|| n.to_u128().map(|u| format!("the number {u}")))
                .unwrap_or_else(|| "a number".to_owned()),
        },
        Value::Empty(..) => "nothing".to_owned(),
        Value::Dict(..) => "a table".to_owned(),
        Value::Array(..) => "a list".to_owned(),
    }
}

/// `url` with any password replaced by `***` (the storage crate's one rule).
pub fn redact(url: &str) -> String {
    mitra_storage::redact_url(url)
}

/// Whether `dir` is (or can be created as) a writable directory, without
/// creating it: a probe file is written and removed in `dir` or in its
/// nearest existing ancestor.
fn check_writable_dir(dir: &Path) -> Result<(), (String, String)> {
    let fix_file = format!(
        "choose another data directory, or remove the file at {}",
        dir.display()
    );
    let mut existing = dir;
    loop {
        match std::fs::metadata(existing) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) if existing == dir => {
                return Err((
                    format!("{} exists but is not a directory", dir.display()),
                    fix_file,
                ));
            }
            Ok(_) => {
                return Err((
                    format!(
                        "{} cannot be created: {} is a file",
                        dir.display(),
                        existing.display()
                    ),
                    fix_file,
                ));
            }
            Err(_) => match existing.parent() {
                Some(parent) if parent.as_os_str().is_empty() => {
                    existing = Path::new(".");
                }
                Some(parent) => existing = parent,
                None => {
                    return Err((
                        format!("{} cannot be created", dir.display()),
                        "choose a directory under one that exists".to_owned(),
                    ));
                }
            },
        }
    }
    let probe = existing.join(format!(".mitra-write-check-{}", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match written {
        Ok(file) => {
            drop(file);
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => {
            let what = if existing == dir {
                format!("cannot write in {}: {e}", dir.display())
            } else {
                format!(
                    "{} cannot be created: cannot write in {}: {e}",
                    dir.display(),
                    existing.display()
                )
            };
            Err((
                what,
                "choose a directory the user mitra runs as can write to, or give it that permission"
                    .to_owned(),
            ))
        }
    }
}

/// What `mitra config check` prints for a valid configuration.
pub fn describe_loaded(loaded: &Loaded) -> String {
    let mut out = String::new();
    match (&loaded.file, &loaded.file_origin) {
        (Some(file), Some(origin)) => {
            let _ = writeln!(
                out,
                "# configuration file: {} (chosen by {origin})",
                file.display()
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "# configuration file: none (no ./{DEFAULT_FILE}; --config FILE or {CONFIG_ENV} names one)"
            );
        }
    }
    let width = loaded
        .entries
        .iter()
        .map(|(key, value, _)| key.len() + value.len() + 3)
        .max()
        .unwrap_or(0);
    for (key, value, origin) in &loaded.entries {
        let assignment = if value.starts_with('(') {
            format!("# {key} {value}")
        } else {
            format!("{key} = {value}")
        };
        let _ = writeln!(out, "{assignment:<width$}  # {origin}");
    }
    out.push_str("configuration is valid\n");
    out
}

/// The example configuration file: every setting at its default, commented.
pub fn example() -> String {
    let defaults = defaults();
    let mut out = String::from(
        "# mitra.toml: the configuration of `mitra serve`.\n\
         #\n\
         # mitra serve reads ./mitra.toml, or the file named by --config FILE or\n\
         # MITRA_CONFIG. Precedence: flags > MITRA_* environment variables > this\n\
         # file > built-in defaults. Every setting below is at its default;\n\
         # `mitra config check` shows the effective configuration.\n",
    );
    for spec in SPECS {
        out.push('\n');
        for line in spec.about.lines() {
            let _ = writeln!(out, "# {}", line.trim());
        }
        let _ = writeln!(
            out,
            "# Environment: {}. Flag: {}.",
            env_name(spec.key),
            flag_name(spec.key)
        );
        match (defaults.get(spec.key), spec.example) {
            (Some(value), _) => {
                let _ = writeln!(out, "{} = {}", spec.key, toml_value(value));
            }
            (None, Some(example)) => {
                let _ = writeln!(out, "# {} = {example}", spec.key);
            }
            (None, None) => {}
        }
    }
    out
}

/// A default value in TOML syntax.
fn toml_value(value: &Value) -> String {
    match value {
        Value::String(_, s) => toml_string(s),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, n) => n
            .to_u128_lossy()
            .map_or_else(|| format!("{n:?}"), |n| n.to_string()),
        other => format!("{other:?}"),
    }
}

/// `mitra config ...`: prints, and returns the exit status.
pub fn config_command(args: &ConfigArgs, log_json_flag: bool) -> i32 {
    match &args.command {
        ConfigCommand::Example => {
            print!("{}", example());
            0
        }
        ConfigCommand::Check(serve) => match load(serve, log_json_flag) {
            Ok(loaded) => {
                print!("{}", describe_loaded(&loaded));
                0
            }
            Err(problems) => {
                eprint!("{problems}");
                2
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings from `figment` (defaults, maybe a file) without the
    /// process environment, which tests do not control.
    fn resolve(figment: Figment) -> Result<Settings, Vec<Problem>> {
        let mut resolver = Resolver {
            figment,
            lines: BTreeMap::new(),
            problems: Vec::new(),
            entries: Vec::new(),
        };
        match resolver.resolve() {
            Some(settings) if resolver.problems.is_empty() => Ok(settings),
            _ => Err(resolver.problems),
        }
    }

    #[test]
    fn the_example_parses_and_equals_the_defaults() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("mitra.toml");
        std::fs::write(&path, example()).unwrap_or_else(|e| panic!("{e}"));
        let mut lines = BTreeMap::new();
        let mut problems = Vec::new();
        let layer = file_layer(&path, &Origin::Default, &mut lines, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let layer = layer.unwrap_or_else(|| panic!("no layer"));
        // Every setting with a default is written out, on its own line.
        assert_eq!(lines.len(), defaults().len(), "{lines:?}");
        let from_file = resolve(Figment::from(default_layer()).merge(layer));
        let from_defaults = resolve(Figment::from(default_layer()));
        assert!(from_defaults.is_ok(), "{from_defaults:?}");
        assert_eq!(from_file, from_defaults);
        // Every setting is described.
        let text = example();
        for spec in SPECS {
            assert!(text.contains(&env_name(spec.key)), "{}", spec.key);
        }
    }

    #[test]
    fn the_defaults_are_the_servers() {
        let settings = resolve(Figment::from(default_layer())).unwrap_or_else(|e| panic!("{e:?}"));
        let config = settings.server_config();
        let server = ServerConfig::default();
        assert_eq!(config.listen, server.listen);
        assert_eq!(config.storage, StorageUrl::sqlite(DEFAULT_DATA_DIR));
        assert_eq!(
            format!("{:?}", config.limits),
            format!("{:?}", server.limits)
        );
        assert_eq!(config.document_idle_timeout, server.document_idle_timeout);
        assert_eq!(config.shutdown_deadline, server.shutdown_deadline);
        assert!(settings.demo);
        assert_eq!(settings.log, "info");
        assert_eq!(
            settings.storage_wait,
            Duration::from_secs(DEFAULT_STORAGE_WAIT_SECS)
        );
    }

    #[test]
    fn passwords_are_redacted() {
        for (url, redacted) in [
            (
                "postgres://mitra:s3cret@127.0.0.1:5432/mitra",
                "postgres://mitra:***@127.0.0.1:5432/mitra",
            ),
            (
                "postgres://mitra:p@ss@127.0.0.1/mitra",
                "postgres://mitra:***@127.0.0.1/mitra",
            ),
            (
                "postgres://127.0.0.1/mitra?user=mitra&password=s3cret&sslmode=disable",
                "postgres://127.0.0.1/mitra?user=mitra&password=***&sslmode=disable",
            ),
            (
                "postgres://mitra@127.0.0.1/mitra",
                "postgres://mitra@127.0.0.1/mitra",
            ),
            ("sqlite://./mitra-data", "sqlite://./mitra-data"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(redact(url), redacted);
        }
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_setting() {
        assert!(suggestion("lisen").contains("`listen`"));
        assert!(suggestion("max_connection").contains("`max_connections`"));
        assert!(suggestion("no_demo").contains("demo = false"));
        assert!(!suggestion("colour").contains("did you mean"));
    }

    #[test]
    fn a_data_directory_must_be_a_writable_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(check_writable_dir(dir.path()).is_ok());
        assert!(check_writable_dir(&dir.path().join("new/deeper")).is_ok());
        assert!(
            !dir.path().join("new").exists(),
            "the check creates nothing"
        );
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap_or_else(|e| panic!("{e}"));
        let err = check_writable_dir(&file).err().map(|e| e.0);
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("not a directory")),
            "{err:?}"
        );
        let err = check_writable_dir(&file.join("sub")).err().map(|e| e.0);
        assert!(
            err.as_deref().is_some_and(|e| e.contains("is a file")),
            "{err:?}"
        );
        assert_eq!(
            std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            1,
            "no probe file is left behind"
        );
    }
}
