//! The HTTP surface of the server, on hyper: the WebSocket upgrade at
//! `/sync` and the operational endpoints.
//!
//! | path | answer |
//! | --- | --- |
//! | `/sync` | WebSocket upgrade to the automerge-repo protocol |
//! | `/healthz` | 200 while the process is alive |
//! | `/readyz` | 200 once storage is open and the listener is up; 503 otherwise |
//! | `/metrics` | Prometheus text |
//! | `/api/...` | the JSON HTTP API ([`crate::api`]) |
//! | anything else | the browser client's files ([`crate::web`]) |
//!
//! Who a request comes from is a [`Remote`]: its TCP peer, and the client
//! address rate limits and logs use, which is the peer itself unless the
//! peer is a trusted reverse proxy ([`crate::config::TrustedProxies`]).

use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use crate::auth::{self, Refusal};
use crate::config::TrustedProxies;
use crate::connection;
use crate::server::Shared;

use crate::web::{Body, fixed};

/// Most `X-Forwarded-For` entries looked at, from the right: more hops of
/// trusted proxies than this is a misconfiguration.
const MAX_FORWARDED_HOPS: usize = 16;

/// Where a request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remote {
    /// The TCP peer (a reverse proxy, when there is one in front).
    pub peer: SocketAddr,
    /// The client's address: the peer's, or, when the peer is a trusted
    /// proxy, the one it forwarded. What rate limits count and logs show.
    pub client: IpAddr,
}

impl Remote {
    /// A request straight from `peer` (no proxy believed).
    pub fn direct(peer: SocketAddr) -> Remote {
        Remote {
            peer,
            client: peer.ip().to_canonical(),
        }
    }

    /// Where a request from `peer` with `headers` comes from: when `peer`
    /// is one of the `trusted` proxies, the rightmost `X-Forwarded-For`
    /// address that is not itself a trusted proxy (the client as the
    /// outermost trusted proxy saw it; addresses further left were written
    /// by the client and are never believed), else `X-Real-IP`; otherwise,
    /// and whenever the headers say nothing usable, the peer.
    pub fn of(peer: SocketAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> Remote {
        let direct = Remote::direct(peer);
        if trusted.is_empty() || !trusted.contains(direct.client) {
            return direct;
        }
        let client = forwarded_for(headers, trusted, direct.client)
            .or_else(|| {
                headers
                    .get("x-real-ip")
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_forwarded)
            })
            .unwrap_or(direct.client);
        Remote { peer, client }
    }
}

impl fmt::Display for Remote {
    /// The client's address, and the proxy it came through if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.client == self.peer.ip().to_canonical() {
            write!(f, "{}", self.peer)
        } else {
            write!(f, "{} via {}", self.client, self.peer)
        }
    }
}

/// The client of `X-Forwarded-For` (every such header, in order, is one
/// list): walking from the right, the first address that is not a trusted
/// proxy; the leftmost if all are. `None` without the header. An entry that
/// is not an address ends the walk at the last trusted hop before it.
fn forwarded_for(headers: &HeaderMap, trusted: &TrustedProxies, peer: IpAddr) -> Option<IpAddr> {
    let mut values = headers.get_all("x-forwarded-for").iter().peekable();
    values.peek()?;
    let mut nearest = peer;
    let entries = values
        .rev()
        .flat_map(|value| value.to_str().unwrap_or("").rsplit(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .take(MAX_FORWARDED_HOPS);
    for entry in entries {
        let Some(ip) = parse_forwarded(entry) else {
            return Some(nearest);
        };
        if !trusted.contains(ip) {
            return Some(ip);
        }
        nearest = ip;
    }
    Some(nearest)
}

/// An address as proxies write them: `203.0.113.7`, `2001:db8::1`,
/// `[2001:db8::1]`, or either with a port.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse().ok())
        })?;
    Some(ip.to_canonical())
}

/// Serves one TCP connection (HTTP/1.1, with upgrades) until it ends or the server shuts down.
pub async fn serve_connection(shared: Arc<Shared>, stream: TcpStream, remote: SocketAddr) {
    let service_shared = Arc::clone(&shared);
    let service = hyper::service::service_fn(move |req| {
        let shared = Arc::clone(&service_shared);
        async move { Ok::<_, Infallible>(route(shared, req, remote).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(shared.config.limits.handshake_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(peer = %remote, error = %e, "http connection ended with an error");
            }
        }
        _ = shared.shutdown.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

fn text(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    fixed(status, content_type, body)
}

async fn route(shared: Arc<Shared>, req: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    let remote = Remote::of(peer, req.headers(), &shared.config.trusted_proxies);
    match (req.method(), req.uri().path()) {
        (_, "/sync") => upgrade(shared, req, remote).await,
        (_, path) if path == "/api" || path.starts_with("/api/") => {
            crate::api::serve(shared, req, remote).await
        }
        (&Method::GET, "/healthz") => text(StatusCode::OK, PLAIN, "ok\n"),
        (&Method::GET, "/readyz") => {
            if shared.is_ready() && storage_answers(&shared).await {
                text(StatusCode::OK, PLAIN, "ready\n")
            } else {
                text(StatusCode::SERVICE_UNAVAILABLE, PLAIN, "not ready\n")
            }
        }
        (&Method::GET, "/metrics") => text(
            StatusCode::OK,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            shared.metrics.render(),
        ),
        _ => shared.web.serve(req).await,
    }
}

/// Whether storage answers a readiness check (timed and counted in the metrics).
async fn storage_answers(shared: &Shared) -> bool {
    let started = std::time::Instant::now();
    let checked = shared.storage.check().await;
    shared
        .metrics
        .storage_result("check", started.elapsed(), &checked);
    checked.is_ok()
}

/// Answers the WebSocket handshake and hands the upgraded socket to a connection task.
async fn upgrade(
    shared: Arc<Shared>,
    mut req: Request<Incoming>,
    remote: Remote,
) -> Response<Body> {
    const PLAIN: &str = "text/plain; charset=utf-8";
    let headers = req.headers();
    let is_upgrade = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let version_ok = headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return text(
            StatusCode::BAD_REQUEST,
            PLAIN,
            "this endpoint speaks the automerge-repo protocol over WebSocket\n",
        );
    };
    if req.method() != Method::GET || !is_upgrade || !version_ok {
        return text(
            StatusCode::BAD_REQUEST,
            PLAIN,
            "expected a WebSocket upgrade (GET, Upgrade: websocket, version 13)\n",
        );
    }
    // Credentials and Origin before anything else: an unauthenticated
    // upgrade gets no protocol message at all. The query string (which may
    // hold a token) is never logged.
    let authenticated = match &shared.access {
        None => None,
        Some(store) => {
            let query = req.uri().query().map(str::to_owned);
            match auth::authenticate(&shared, store, query.as_deref(), req.headers(), remote).await
            {
                Ok(authenticated) => Some(authenticated),
                Err(refusal) => {
                    let (status, body) = match refusal {
                        Refusal::Unauthenticated => (
                            StatusCode::UNAUTHORIZED,
                            "authentication required: pass ?token=API_TOKEN or sign in\n",
                        ),
                        Refusal::ForeignOrigin => {
                            (StatusCode::FORBIDDEN, "cross-origin WebSocket refused\n")
                        }
                        Refusal::RateLimited => (
                            StatusCode::TOO_MANY_REQUESTS,
                            "too many failed attempts; try again later\n",
                        ),
                        Refusal::Unavailable => (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "access control is unavailable; try again later\n",
                        ),
                    };
                    return text(status, PLAIN, body);
                }
            }
        }
    };
    let Ok(permit) = Arc::clone(&shared.connection_slots).try_acquire_owned() else {
        shared.metrics.error("connection_limit");
        tracing::warn!(%remote, "connection limit reached: refusing a WebSocket upgrade");
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            PLAIN,
            "too many connections; try again later\n",
        );
    };
    if shared.shutdown.is_cancelled() {
        return text(StatusCode::SERVICE_UNAVAILABLE, PLAIN, "shutting down\n");
    }
    let on_upgrade = hyper::upgrade::on(&mut req);
    let limits = shared.config.limits.clone();
    let task_shared = Arc::clone(&shared);
    shared.connections.spawn(async move {
        match on_upgrade.await {
            Ok(upgraded) => {
                let config = WebSocketConfig::default()
                    .max_message_size(Some(limits.max_message_bytes))
                    .max_frame_size(Some(limits.max_frame_bytes));
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(config),
                )
                .await;
                connection::run(task_shared, ws, remote, authenticated).await;
            }
            Err(e) => tracing::debug!(%remote, error = %e, "WebSocket upgrade failed"),
        }
        drop(permit);
    });
    let mut response = fixed(StatusCode::SWITCHING_PROTOCOLS, "text/plain", Bytes::new());
    response.headers_mut().remove(header::CONTENT_TYPE);
    let h = response.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn remote(peer: &str, headers: &[(&str, &str)], trusted: &str) -> Remote {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                hyper::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        let trusted = TrustedProxies::parse_list(trusted).unwrap();
        Remote::of(peer.parse().unwrap(), &map, &trusted)
    }

    fn client(peer: &str, headers: &[(&str, &str)], trusted: &str) -> String {
        remote(peer, headers, trusted).client.to_string()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let xff = [("X-Forwarded-For", "198.51.100.7")];
        // No trusted proxy, or a peer that is not one: the peer.
        assert_eq!(client("10.0.0.2:5000", &xff, ""), "10.0.0.2");
        assert_eq!(client("10.0.0.2:5000", &xff, "10.0.0.1"), "10.0.0.2");
        // A trusted proxy: the address it forwarded.
        assert_eq!(client("10.0.0.2:5000", &xff, "10.0.0.0/24"), "198.51.100.7");
        // The rightmost address that is not a trusted proxy: what the
        // client wrote further left is never believed.
        let chain = [("X-Forwarded-For", "1.1.1.1, 203.0.113.5, 10.0.0.9")];
        assert_eq!(client("10.0.0.2:1", &chain, "10.0.0.0/24"), "203.0.113.5");
        // Several header lines are one list, in order.
        let lines = [
            ("X-Forwarded-For", "1.1.1.1"),
            ("X-Forwarded-For", "203.0.113.6"),
        ];
        assert_eq!(client("10.0.0.2:1", &lines, "10.0.0.0/24"), "203.0.113.6");
        // Every hop trusted: the leftmost.
        let inside = [("X-Forwarded-For", "10.0.0.5, 10.0.0.9")];
        assert_eq!(client("10.0.0.2:1", &inside, "10.0.0.0/24"), "10.0.0.5");
        // Ports, brackets, IPv6 and mapped addresses.
        let forms = [("X-Forwarded-For", "[2001:db8::7]:443")];
        assert_eq!(client("[::1]:1", &forms, "::1"), "2001:db8::7");
        let forms = [("X-Forwarded-For", "198.51.100.9:1234")];
        assert_eq!(
            client("[::ffff:10.0.0.2]:1", &forms, "10.0.0.2"),
            "198.51.100.9"
        );
        // Garbage stops the walk at the nearest trusted hop.
        let garbage = [("X-Forwarded-For", "1.1.1.1, nonsense")];
        assert_eq!(client("10.0.0.2:1", &garbage, "10.0.0.0/24"), "10.0.0.2");
        // X-Real-IP when there is no X-Forwarded-For.
        let real = [("X-Real-IP", "198.51.100.8")];
        assert_eq!(client("10.0.0.2:1", &real, "10.0.0.0/24"), "198.51.100.8");
        assert_eq!(client("10.0.0.3:1", &real, "10.0.0.2"), "10.0.0.3");
        assert_eq!(client("10.0.0.2:1", &[], "10.0.0.0/24"), "10.0.0.2");
        // Logs show the client and the proxy it came through.
        assert_eq!(
            remote("10.0.0.2:5000", &xff, "10.0.0.0/24").to_string(),
            "198.51.100.7 via 10.0.0.2:5000"
        );
        assert_eq!(
            remote("10.0.0.2:5000", &xff, "").to_string(),
            "10.0.0.2:5000"
        );
    }
}
