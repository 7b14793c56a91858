//! Server configuration: where to listen, where data lives, and every limit.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use mitra_access::AccessOptions;
use mitra_storage::StorageUrl;

/// Everything the server needs to start. Every field has a sensible default.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Where documents are stored (default: SQLite in the data directory).
    pub storage: StorageUrl,
    /// Limits that keep one client from hurting the others.
    pub limits: Limits,
    /// How long a document with no peers stays in memory before it is evicted.
    pub document_idle_timeout: Duration,
    /// Compact a document when its appended chunks exceed both this many bytes
    /// and the size of its snapshot.
    pub compaction_threshold_bytes: usize,
    /// How long shutdown waits for connections and documents to finish.
    pub shutdown_deadline: Duration,
    /// How long a request for a document nobody has waits before it is
    /// answered `doc-unavailable` (covers a creator's upload racing a finder's request).
    pub unavailable_grace: Duration,
    /// The browser client's built files; `None` looks in the usual places
    /// (see [`crate::web`]).
    pub web_dir: Option<PathBuf>,
    /// The address people open (an absolute http or https URL such as
    /// `https://mitra.example.org`, checked by the `mitra` command), when
    /// configured; for checks of the browser's `Origin`.
    pub public_url: Option<String>,
    /// Whether `/sync` requires credentials (see [`AuthMode`]).
    pub auth: AuthMode,
    /// The data directory: where `access.sqlite3` lives when
    /// [`AuthMode::Required`] (also with PostgreSQL storage).
    pub data_dir: PathBuf,
    /// How the access store is opened: session lifetime, and its clock
    /// (tests move a manual clock to expire invitations).
    pub access_options: AccessOptions,
    /// The reverse proxies in front of the server (default: none). Only a
    /// request whose TCP peer is one of them has its client address taken
    /// from `X-Forwarded-For` (or `X-Real-IP`); see
    /// [`crate::http::Remote`]. Rate limits and logs use that address.
    pub trusted_proxies: TrustedProxies,
}

/// Whether connections must authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// No authentication: anyone who can reach the server reads and changes
    /// every document. For local trials only (the default until the browser
    /// client can sign in).
    #[default]
    Open,
    /// Every WebSocket upgrade must carry an API token (`?token=`) or a
    /// session cookie, and every document message is checked against the
    /// access store (`access.sqlite3` in the data directory).
    Required,
}

/// Limits on connections and messages.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest protocol message accepted; a bigger one closes the connection with 1009.
    pub max_message_bytes: usize,
    /// Largest single WebSocket frame accepted.
    pub max_frame_bytes: usize,
    /// Most simultaneous connections; more are refused with HTTP 503.
    pub max_connections: usize,
    /// Messages queued for one connection before it counts as too slow and is disconnected.
    pub outbound_queue: usize,
    /// Commands queued for one document before senders wait (backpressure).
    pub document_queue: usize,
    /// Documents one connection may have open; more closes it (1008).
    pub max_documents_per_connection: usize,
    /// Time a new connection has to send `join`.
    pub handshake_timeout: Duration,
    /// Interval between pings to each connection.
    pub ping_interval: Duration,
    /// A connection that sends nothing at all (not even a pong) for this long is closed.
    pub idle_timeout: Duration,
    /// A single write to a socket that takes longer than this disconnects the peer.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_bytes: 4 * 1024 * 1024,
            max_frame_bytes: 4 * 1024 * 1024,
            max_connections: 10_000,
            outbound_queue: 1024,
            document_queue: 1024,
            max_documents_per_connection: 10_000,
            handshake_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(10),
        }
    }
}

impl ServerConfig {
    /// The defaults, listening on `listen` with SQLite in `data_dir`.
    pub fn new(listen: SocketAddr, data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            listen,
            storage: StorageUrl::sqlite(data_dir.clone()),
            limits: Limits::default(),
            document_idle_timeout: Duration::from_secs(300),
            compaction_threshold_bytes: 256 * 1024,
            shutdown_deadline: Duration::from_secs(10),
            unavailable_grace: Duration::from_millis(250),
            web_dir: None,
            public_url: None,
            auth: AuthMode::Open,
            data_dir,
            access_options: AccessOptions::default(),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::new(SocketAddr::from(([127, 0, 0, 1], 8080)), "mitra-data")
    }
}

/// One IP address, or a CIDR range of them (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// Why a text is not an [`IpRange`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an IP address or CIDR range: {reason}")]
pub struct InvalidIpRange {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl IpRange {
    /// The range of addresses whose first `prefix` bits are `network`'s;
    /// `None` if `prefix` is longer than the address or `network` has bits
    /// set beyond it.
    pub fn new(network: IpAddr, prefix: u8) -> Option<IpRange> {
        let network = network.to_canonical();
        let bits = bits_of(network);
        if prefix > bits {
            return None;
        }
        (mask(network, prefix) == network).then_some(IpRange { network, prefix })
    }

    /// Whether `ip` is in this range (an IPv4-mapped IPv6 address counts as
    /// its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.network.is_ipv4() && mask(ip, self.prefix) == self.network
    }
}

/// How many bits an address has.
fn bits_of(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `ip` with every bit after the first `prefix` cleared.
pub(crate) fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let keep = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & keep))
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & keep))
        }
    }
}

impl FromStr for IpRange {
    type Err = InvalidIpRange;

    fn from_str(text: &str) -> Result<IpRange, InvalidIpRange> {
        let invalid = |reason: String| InvalidIpRange {
            text: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();
        let (address, prefix) = match trimmed.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (trimmed, None),
        };
        let address = address.trim_start_matches('[').trim_end_matches(']');
        let network: IpAddr = address.parse().map_err(|_| {
            invalid(
                "write an IP address such as 10.0.0.7, or a CIDR range such as 10.231.57.0/24 or fd00::/8"
                    .to_owned(),
            )
        })?;
        let network = network.to_canonical();
        let bits = bits_of(network);
        let prefix = match prefix {
            None => bits,
            Some(prefix) => match prefix.trim().parse::<u8>() {
                Ok(p) if p <= bits => p,
                _ => {
                    return Err(invalid(format!(
                        "the prefix length must be a number from 0 to {bits}"
                    )));
                }
            },
        };
        IpRange::new(network, prefix).ok_or_else(|| {
            invalid(format!(
                "it has bits set after the first {prefix}: did you mean {}/{prefix}?",
                mask(network, prefix)
            ))
        })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix == bits_of(self.network) {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (see
/// [`ServerConfig::trusted_proxies`]). Empty by default: no header is
/// believed, and every client is its TCP peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// Trusts the proxies in `ranges`.
    pub fn new(ranges: Vec<IpRange>) -> TrustedProxies {
        TrustedProxies(ranges)
    }

    /// Parses a comma-separated list (`MITRA_TRUSTED_PROXIES`); empty
    /// items are skipped.
    pub fn parse_list(text: &str) -> Result<TrustedProxies, InvalidIpRange> {
        text.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The trusted ranges.
    pub fn ranges(&self) -> &[IpRange] {
        &self.0
    }
}

impl fmt::Display for TrustedProxies {
    /// Comma-separated, as `MITRA_TRUSTED_PROXIES` takes them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, range) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{range}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_contain_addresses() {
        let range: IpRange = "10.231.57.0/24".parse().unwrap();
        assert!(range.contains(ip("10.231.57.1")));
        assert!(range.contains(ip("10.231.57.255")));
        assert!(range.contains(ip("::ffff:10.231.57.9")));
        assert!(!range.contains(ip("10.231.58.1")));
        assert!(!range.contains(ip("::1")));
        assert_eq!(range.to_string(), "10.231.57.0/24");
        let one: IpRange = " 10.0.0.7 ".parse().unwrap();
        assert!(one.contains(ip("10.0.0.7")) && !one.contains(ip("10.0.0.8")));
        assert_eq!(one.to_string(), "10.0.0.7");
        let v6: IpRange = "[fd00::]/8".parse().unwrap();
        assert!(v6.contains(ip("fd12:3456::1")) && !v6.contains(ip("fe80::1")));
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")) && !all.contains(ip("2001:db8::1")));

        for (bad, says) in [
            ("localhost", "write an IP address"),
            ("10.0.0.0/33", "from 0 to 32"),
            ("fd00::/129", "from 0 to 128"),
            ("10.0.0.0/x", "from 0 to 32"),
            ("10.0.0.5/8", "did you mean 10.0.0.0/8?"),
            ("", "write an IP address"),
        ] {
            let error = bad.parse::<IpRange>().unwrap_err().to_string();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn lists_are_comma_separated() {
        let list = TrustedProxies::parse_list("10.231.57.0/24, ::1,").unwrap();
        assert_eq!(list.ranges().len(), 2);
        assert!(list.contains(ip("::1")) && list.contains(ip("10.231.57.3")));
        assert!(!list.contains(ip("127.0.0.1")));
        assert_eq!(list.to_string(), "10.231.57.0/24,::1");
        assert!(TrustedProxies::parse_list("").unwrap().is_empty());
        assert!(TrustedProxies::parse_list("10.0.0.1,nope").is_err());
    }
}
