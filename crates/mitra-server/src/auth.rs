//! Access control in the sync layer, when the server runs with
//! [`AuthMode::Required`](crate::AuthMode::Required).
//!
//! - **Credentials** are found by [`upgrade_credential`] (`/sync`: the
//!   `token` query parameter, since the JavaScript WebSocket adapter cannot
//!   set headers; else `Authorization: Bearer`; else the `mitra_session`
//!   cookie) and [`api_credential`] (`/api`: Bearer, else the cookie; never
//!   a query string), and resolved by one authenticator, [`identify`], for
//!   both the WebSocket upgrade and the HTTP API ([`crate::api`]).
//! - **The upgrade** (`/sync`, [`authenticate`]): a request with an
//!   `Origin` header must come from the configured public URL (or, without
//!   one, from the request's own `Host`): 403 otherwise, against cross-site
//!   WebSocket hijacking. Then the credential is checked first: a valid
//!   one connects whatever the address's failures. No credential at all is
//!   answered HTTP 401 before any protocol message, and is not a failure (a
//!   signed-out browser retrying). A credential the store does not know is
//!   401 and a failure of the client's address (see [`crate::http::Remote`]:
//!   behind a trusted proxy, the forwarded client; an IPv6 address counts
//!   per /64), logged with the address only (never the query string or the
//!   secret); an address with [`MAX_FAILURES`] in [`FAILURE_WINDOW`] is
//!   answered 429 instead.
//! - **Rate limits** ([`FailureLimiter`], [`UsernameLimiter`]) keep bounded
//!   maps that never forget a key while it is limited (see their docs).
//! - **Every document message** ([`decide`]): the connection's principal
//!   must have a role in the document's partnership. Otherwise a `request`
//!   or `sync` is answered `doc-unavailable` and an ephemeral message is
//!   dropped, exactly as for a document that does not exist. A `sync` from
//!   a principal who may write, for a document storage does not have,
//!   claims the document for the principal's partnership (it creates it).
//!   A refused `request` is answered after the same grace period as a
//!   request for a document nobody has (a creator's upload may be racing
//!   it), so the two cannot be told apart by timing either. That wait does
//!   not hold up the connection: [`decide`] answers [`Decision::Later`]
//!   and the connection sets the request aside while it goes on reading
//!   (see [`crate::connection`] for the order this keeps), then asks
//!   [`decide_later`].
//!   Positive decisions are cached per connection and document, and the
//!   cache is cleared when a role changes.
//! - **Documents that appear after a refusal**: a refused `request` for a
//!   document that belongs to no partnership (it does not exist yet: its
//!   creator's upload may be on its way) is remembered by the connection
//!   (at most [`MAX_REMEMBERED_MISSING`] per connection, the oldest
//!   forgotten first). When the document gets its first durable content
//!   ([`document_appeared`], called by its actor), every connection that
//!   remembered it is checked again: if its principal may read the
//!   document now, the connection is registered with the document's actor
//!   as if its `request` had just been allowed, so it receives the document
//!   without asking again (what open mode does for a peer told
//!   `doc-unavailable`); otherwise it is forgotten. A `request` refused
//!   because the document belongs to another partnership is not
//!   remembered. The peer cannot tell the two apart: both get the same
//!   `doc-unavailable` at the same moment, and the difference is only
//!   looked into after that answer is on its way.
//! - **Viewers** sync and receive documents, but the changes they send are
//!   stripped by the document actor before the engine sees them (never
//!   applied, stored or relayed), and the viewer gets an `error` message
//!   saying the document is read-only for it (without being disconnected).
//!   Their ephemeral messages (presence, cursors) are relayed: seeing who
//!   else reads along is part of reading.
//! - **Revocation** ([`watch_revocations`]): the access store's change
//!   channel, and a poll of its audit log every half second for changes
//!   made by another process (the command line), close the connections of a
//!   revoked token, a removed member or an ended session with 1008
//!   "access revoked". Should the channel lag, [`recheck_all`] looks every
//!   connection's token or session up again.
//! - **Session expiry**: a connection opened with a session cookie closes
//!   when the session ends ([`Authenticated::expires_at`], by the access
//!   store's clock) with 1008 "session expired"; the half-second poll
//!   checks too ([`close_if_expired`]), for a clock that jumped.
//! - **Documents of other partnerships**: a `sync` for one is refused
//!   without loading it from storage (only a document of no partnership is
//!   looked for in storage, to tell a new document from one stored before
//!   access control).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::HeaderMap;
use hyper::header;
use mitra_access::{AccessChange, AccessStore, Clock, Principal, Role, Secret, SessionId};
use mitra_protocol::{DocumentId, Message, Routed};
use time::OffsetDateTime;
use tokio::sync::broadcast;

use crate::documents::{DocumentCommand, DocumentRegistry};
use crate::http::Remote;
use crate::peers::{PeerHandle, close_code};
use crate::server::Shared;

/// The cookie that carries a session secret.
pub const SESSION_COOKIE: &str = "mitra_session";
/// The query parameter that carries an API token.
pub const TOKEN_PARAMETER: &str = "token";
/// Failed authentications one IP address may make per [`FAILURE_WINDOW`]
/// before it is answered 429.
pub const MAX_FAILURES: u32 = 10;
/// The window over which failed authentications are counted.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Most client addresses a [`FailureLimiter`] remembers (bounded memory).
pub const MAX_TRACKED_ADDRESSES: usize = 10_000;
/// Failed sign-ins one username may have per [`USERNAME_FAILURE_WINDOW`]
/// (from any address) before it is answered 429.
pub const MAX_USERNAME_FAILURES: u32 = 5;
/// The window over which failed sign-ins per username are counted.
pub const USERNAME_FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Most usernames a [`UsernameLimiter`] remembers (bounded memory).
pub const MAX_TRACKED_USERNAMES: usize = 10_000;
/// Longest username key kept (longer than any real username: 64).
const MAX_USERNAME_KEY_CHARS: usize = 128;
/// How often the audit log is polled for changes made by other processes.
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// The close reason of a connection whose access was taken away.
pub const REVOKED_REASON: &str = "access revoked";
/// Most documents one connection remembers having been refused before they
/// existed (see [`document_appeared`]); beyond it the oldest is forgotten.
pub const MAX_REMEMBERED_MISSING: usize = 64;

/// Who an authenticated connection is.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The user or token.
    pub principal: Principal,
    /// The session, when the user came with a session cookie.
    pub session: Option<SessionId>,
    /// When that session ends (fixed at sign-in): its WebSocket connections
    /// are closed then (1008 "session expired"). `None` for an API token.
    pub expires_at: Option<OffsetDateTime>,
    /// The session's secret, to look the session up again when change
    /// events were missed ([`recheck_all`]). Its `Debug` is redacted.
    session_secret: Option<Secret>,
}

impl Authenticated {
    /// How long until the session ends by the store's clock (zero once it
    /// has); `None` for an API token.
    pub fn session_left(&self, clock: &dyn Clock) -> Option<Duration> {
        let left = self.expires_at? - clock.now();
        Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
    }
}

/// Why an upgrade was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No credentials, or credentials the store does not know: 401.
    Unauthenticated,
    /// The `Origin` is not this server's: 403.
    ForeignOrigin,
    /// Too many failed attempts from this address: 429.
    RateLimited,
    /// The access store failed: 503.
    Unavailable,
}

/// Counts attempts per key over a fixed window, in at most `capacity` keys.
///
/// When the map is full and a new key comes, expired windows are dropped
/// first, then the older half of the keys that are not limited (their
/// partial counts are forgotten); a key that is limited right now is never
/// forgotten. If every key is limited, the new key is refused (as if it
/// were limited itself, until the first window ends) rather than forget
/// one: under a flood from that many keys, newcomers wait.
struct Counter<K> {
    max: u32,
    window: Duration,
    capacity: usize,
    counts: Mutex<HashMap<K, Window>>,
}

/// One key's window: when it started and how many attempts it holds.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

impl<K: Hash + Eq> Counter<K> {
    fn new(max: u32, window: Duration, capacity: usize) -> Counter<K> {
        Counter {
            max,
            window,
            capacity,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// While `w` is limited at `now`: how long until it ends.
    fn wait(&self, w: &Window, now: Instant) -> Option<Duration> {
        let elapsed = now.saturating_duration_since(w.start);
        (elapsed < self.window && w.count >= self.max).then(|| self.window - elapsed)
    }

    /// Makes room for one more key in a full map (see the type's doc):
    /// `Err` with how long until room opens when every key is limited.
    fn make_room(&self, counts: &mut HashMap<K, Window>, now: Instant) -> Result<(), Duration> {
        if counts.len() < self.capacity {
            return Ok(());
        }
        let window = self.window;
        counts.retain(|_, w| now.saturating_duration_since(w.start) < window);
        if counts.len() < self.capacity {
            return Ok(());
        }
        let mut open: Vec<Instant> = counts
            .values()
            .filter(|w| self.wait(w, now).is_none())
            .map(|w| w.start)
            .collect();
        if !open.is_empty() {
            let drop = (open.len() / 2).max(1);
            let (_, cut, _) = open.select_nth_unstable(drop - 1);
            let cut = *cut;
            let mut left = drop;
            counts.retain(|_, w| {
                let forget = left > 0 && w.start <= cut && self.wait(w, now).is_none();
                if forget {
                    left -= 1;
                }
                !forget
            });
        }
        if counts.len() < self.capacity {
            return Ok(());
        }
        Err(counts
            .values()
            .filter_map(|w| self.wait(w, now))
            .min()
            .unwrap_or(self.window))
    }

    fn retry_after(&self, key: &K) -> Option<Duration> {
        let mut counts = self.counts.lock().ok()?;
        let now = Instant::now();
        match counts.get(key) {
            Some(w) => self.wait(w, now),
            None => self.make_room(&mut counts, now).err(),
        }
    }

    /// Counts one attempt of `key`: how many it has in its window, or
    /// `None` if it could not be counted (every remembered key is limited).
    fn fail(&self, key: K) -> Option<u32> {
        let mut counts = self.counts.lock().ok()?;
        let now = Instant::now();
        if !counts.contains_key(&key) {
            self.make_room(&mut counts, now).ok()?;
        }
        Some(self.count(&mut counts, key, now))
    }

    fn admit(&self, key: K) -> Result<(), Duration> {
        let Ok(mut counts) = self.counts.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        match counts.get(&key) {
            Some(w) => {
                if let Some(wait) = self.wait(w, now) {
                    return Err(wait);
                }
            }
            None => self.make_room(&mut counts, now)?,
        }
        self.count(&mut counts, key, now);
        Ok(())
    }

    /// Adds one attempt to `key`'s window at `now` (a new window once the
    /// old one ended); returns how many the window holds.
    fn count(&self, counts: &mut HashMap<K, Window>, key: K, now: Instant) -> u32 {
        let w = counts.entry(key).or_insert(Window {
            start: now,
            count: 0,
        });
        if now.saturating_duration_since(w.start) >= self.window {
            *w = Window {
                start: now,
                count: 0,
            };
        }
        w.count = w.count.saturating_add(1);
        w.count
    }

    fn clear(&self, key: &K) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(key);
        }
    }
}

/// The key an address is counted under: IPv4 addresses one by one (an
/// IPv4-mapped IPv6 address as its IPv4 address), IPv6 addresses by their
/// /64 network, since one subscriber usually holds a whole /64 and could
/// otherwise rotate through it.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        v4 @ IpAddr::V4(_) => v4,
        v6 @ IpAddr::V6(_) => crate::config::mask(v6, 64),
    }
}

/// Counts attempts per client address ([`address_key`]: IPv6 per /64)
/// over a fixed window: failed authentications ([`Shared::auth_failures`],
/// [`MAX_FAILURES`] per [`FAILURE_WINDOW`]), or every attempt of a kind that
/// costs the server (sign-ins, setup, invitations, token creation:
/// [`Shared::api_attempts`]). Memory is bounded: at most
/// [`MAX_TRACKED_ADDRESSES`] addresses are remembered, and an address that
/// is limited is never forgotten to make room (newcomers are refused
/// instead while every remembered address is limited).
pub struct FailureLimiter(Counter<IpAddr>);

impl Default for FailureLimiter {
    /// [`MAX_FAILURES`] per [`FAILURE_WINDOW`].
    fn default() -> Self {
        FailureLimiter::new(MAX_FAILURES, FAILURE_WINDOW)
    }
}

impl FailureLimiter {
    /// A limiter allowing `max` attempts per address in each `window`.
    pub fn new(max: u32, window: Duration) -> FailureLimiter {
        FailureLimiter::with_capacity(max, window, MAX_TRACKED_ADDRESSES)
    }

    /// The same, remembering at most `capacity` addresses.
    pub fn with_capacity(max: u32, window: Duration, capacity: usize) -> FailureLimiter {
        FailureLimiter(Counter::new(max, window, capacity))
    }

    /// True while `ip` has used up its attempts in the current window.
    pub fn is_limited(&self, ip: IpAddr) -> bool {
        self.retry_after(ip).is_some()
    }

    /// While `ip` is limited: how long until its window ends.
    pub fn retry_after(&self, ip: IpAddr) -> Option<Duration> {
        self.0.retry_after(&address_key(ip))
    }

    /// Counts one attempt (a failure) of `ip`: how many it has in the
    /// window, or `None` if it could not be counted (every remembered
    /// address is limited; the address is then refused as limited).
    pub fn fail(&self, ip: IpAddr) -> Option<u32> {
        self.0.fail(address_key(ip))
    }

    /// Counts one attempt of `ip` unless it is limited already: `Err`
    /// with how long to wait when it is (the attempt is then not counted).
    pub fn admit(&self, ip: IpAddr) -> Result<(), Duration> {
        self.0.admit(address_key(ip))
    }
}

/// Counts failed sign-ins per username ([`MAX_USERNAME_FAILURES`] per
/// [`USERNAME_FAILURE_WINDOW`], then 429 for that username from every
/// address), so that guessing one account's password from many addresses
/// is as slow as from one. Keyed by the username as the access store
/// compares them (trimmed, lowercase); at most [`MAX_TRACKED_USERNAMES`]
/// are remembered, as for addresses. Usernames are never logged: [`tag`]
/// gives a short keyed hash to follow one account across log lines.
///
/// [`tag`]: UsernameLimiter::tag
pub struct UsernameLimiter {
    counter: Counter<String>,
    tags: RandomState,
}

impl Default for UsernameLimiter {
    /// [`MAX_USERNAME_FAILURES`] per [`USERNAME_FAILURE_WINDOW`].
    fn default() -> Self {
        UsernameLimiter::new(MAX_USERNAME_FAILURES, USERNAME_FAILURE_WINDOW)
    }
}

impl UsernameLimiter {
    /// A limiter allowing `max` failures per username in each `window`,
    /// remembering at most [`MAX_TRACKED_USERNAMES`] usernames.
    pub fn new(max: u32, window: Duration) -> UsernameLimiter {
        UsernameLimiter {
            counter: Counter::new(max, window, MAX_TRACKED_USERNAMES),
            tags: RandomState::new(),
        }
    }

    /// The key of a username: as the store compares usernames, cut to a
    /// length no real username reaches.
    fn key(username: &str) -> String {
        username
            .trim()
            .to_lowercase()
            .chars()
            .take(MAX_USERNAME_KEY_CHARS)
            .collect()
    }

    /// While `username` is limited: how long until its window ends.
    pub fn retry_after(&self, username: &str) -> Option<Duration> {
        self.counter.retry_after(&Self::key(username))
    }

    /// Counts one failed sign-in as `username`: how many it has in the
    /// window (`None` if it could not be counted, see [`FailureLimiter::fail`]).
    pub fn fail(&self, username: &str) -> Option<u32> {
        self.counter.fail(Self::key(username))
    }

    /// Forgets `username`'s failures (after it signed in).
    pub fn clear(&self, username: &str) {
        self.counter.clear(&Self::key(username));
    }

    /// A short tag for `username` in logs: a hash with a key random to
    /// this process, so the log does not give the username away.
    pub fn tag(&self, username: &str) -> String {
        format!("{:08x}", self.tags.hash_one(Self::key(username)) >> 32)
    }
}

/// A secret a request presents. Never logged.
#[derive(Debug, Clone)]
pub enum Credential {
    /// An API token (`?token=` on `/sync`, or `Authorization: Bearer`).
    Token(Secret),
    /// A session (the `mitra_session` cookie).
    Session(Secret),
}

/// The credential of a WebSocket upgrade: the `token` query parameter,
/// else an `Authorization: Bearer` token, else the session cookie.
pub fn upgrade_credential(query: Option<&str>, headers: &HeaderMap) -> Option<Credential> {
    if let Some(query) = query {
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if key == TOKEN_PARAMETER && !value.is_empty() {
                return Some(Credential::Token(Secret::from_presented(
                    value.into_owned(),
                )));
            }
        }
    }
    api_credential(headers)
}

/// The credential of an API request: an `Authorization: Bearer` token,
/// else the session cookie. (The API takes no secret from a query string.)
pub fn api_credential(headers: &HeaderMap) -> Option<Credential> {
    bearer_token(headers)
        .map(Credential::Token)
        .or_else(|| session_cookie(headers).map(Credential::Session))
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<Secret> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
        .then(|| Secret::from_presented(token.to_owned()))
}

/// The secret of the `mitra_session` cookie.
pub fn session_cookie(headers: &HeaderMap) -> Option<Secret> {
    for cookies in headers.get_all(header::COOKIE) {
        let Ok(cookies) = cookies.to_str() else {
            continue;
        };
        for pair in cookies.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=')
                && name.trim() == SESSION_COOKIE
                && !value.trim().is_empty()
            {
                return Some(Secret::from_presented(value.trim().to_owned()));
            }
        }
    }
    None
}

/// Who a credential stands for: a token's principal, or a live session's
/// user with their current memberships; `None` if the store does not know
/// it (unknown, revoked, ended or expired). The one authenticator of the
/// WebSocket upgrade and the HTTP API.
pub async fn identify(
    store: &AccessStore,
    credential: &Credential,
) -> Result<Option<Authenticated>, mitra_access::AccessError> {
    match credential {
        Credential::Token(secret) => {
            Ok(store
                .token_principal(secret)
                .await?
                .map(|principal| Authenticated {
                    principal,
                    session: None,
                    expires_at: None,
                    session_secret: None,
                }))
        }
        Credential::Session(secret) => {
            let Some(session) = store.session(secret).await? else {
                return Ok(None);
            };
            let principal = store.principal_for_user(&session.user.id).await?;
            Ok(Some(Authenticated {
                principal,
                session: Some(session.id),
                expires_at: Some(session.expires_at),
                session_secret: Some(secret.clone()),
            }))
        }
    }
}

/// `scheme://host[:port]` of a URL, lowercased, with the default port
/// dropped; `None` if it is not an http(s) or ws(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let default_port = match scheme.as_str() {
        "http" | "ws" => ":80",
        "https" | "wss" => ":443",
        _ => return None,
    };
    let authority = authority
        .strip_suffix(default_port)
        .unwrap_or(&authority)
        .to_owned();
    Some(format!("{scheme}://{authority}"))
}

/// Whether the request's `Origin` (if any) is this server's.
pub fn origin_allowed(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Not a browser (browsers always send Origin on WebSocket upgrades).
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(origin_of) else {
        return false;
    };
    match public_url {
        Some(public) => origin_of(public).is_some_and(|p| p == origin),
        None => {
            let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
                return false;
            };
            let host = host.to_ascii_lowercase();
            // The scheme is whatever the browser used; the host must match.
            ["http", "https"]
                .iter()
                .filter_map(|scheme| origin_of(&format!("{scheme}://{host}")))
                .any(|candidate| candidate == origin)
        }
    }
}

/// Authenticates a WebSocket upgrade (only called with an access store).
///
/// The Origin first (403), then the credential: one the store knows is
/// accepted whatever the address's failures (a valid session or token is
/// never locked out by someone else's guessing, and guessing a 256-bit
/// secret is hopeless anyway); no credential at all is 401 without
/// counting as a failure (a signed-out browser retrying is no attack); a
/// credential the store does not know is a failure of the client's
/// address, and once the address has [`MAX_FAILURES`] of them in
/// [`FAILURE_WINDOW`] it is answered 429.
pub async fn authenticate(
    shared: &Shared,
    store: &AccessStore,
    query: Option<&str>,
    headers: &HeaderMap,
    remote: Remote,
) -> Result<Authenticated, Refusal> {
    if !origin_allowed(headers, shared.config.public_url.as_deref()) {
        shared.metrics.error("auth_foreign_origin");
        tracing::warn!(%remote, "WebSocket upgrade from a foreign Origin refused");
        return Err(Refusal::ForeignOrigin);
    }
    let Some(credential) = upgrade_credential(query, headers) else {
        shared.metrics.error("auth_missing");
        tracing::debug!(%remote, "WebSocket upgrade without credentials refused");
        return Err(Refusal::Unauthenticated);
    };
    match identify(store, &credential).await {
        Ok(Some(authenticated)) => Ok(authenticated),
        Ok(None) => {
            if shared.auth_failures.is_limited(remote.client) {
                shared.metrics.error("auth_rate_limited");
                tracing::warn!(%remote, "too many failed authentications: refusing a WebSocket upgrade");
                return Err(Refusal::RateLimited);
            }
            shared.metrics.error("auth_failed");
            let failures = shared.auth_failures.fail(remote.client);
            tracing::warn!(%remote, failures = failures.unwrap_or(0), "WebSocket upgrade without valid credentials refused");
            Err(Refusal::Unauthenticated)
        }
        Err(e) => {
            shared.metrics.error("access_store");
            tracing::error!(%remote, error = %e, "the access store failed while authenticating");
            Err(Refusal::Unavailable)
        }
    }
}

/// One connection's identity and its cached access decisions.
pub struct ConnectionAccess {
    /// Who the connection is.
    pub authenticated: Authenticated,
    /// The principal, shared with the document actors (for attribution).
    pub principal: Arc<Principal>,
    /// Role per document, as last decided (positive decisions only).
    roles: Mutex<HashMap<DocumentId, Role>>,
    /// Documents whose `request` was refused while they belonged to no
    /// partnership, oldest first (at most [`MAX_REMEMBERED_MISSING`]).
    missing: Mutex<VecDeque<DocumentId>>,
}

impl ConnectionAccess {
    /// A connection's access state, with nothing decided yet.
    pub fn new(authenticated: Authenticated) -> ConnectionAccess {
        ConnectionAccess {
            principal: Arc::new(authenticated.principal.clone()),
            authenticated,
            roles: Mutex::new(HashMap::new()),
            missing: Mutex::new(VecDeque::new()),
        }
    }

    /// Remembers that this connection was refused `document` before it
    /// existed; forgets the oldest such document beyond
    /// [`MAX_REMEMBERED_MISSING`].
    fn remember_missing(&self, document: DocumentId) {
        let Ok(mut missing) = self.missing.lock() else {
            return;
        };
        if missing.contains(&document) {
            return;
        }
        while missing.len() >= MAX_REMEMBERED_MISSING {
            missing.pop_front();
        }
        missing.push_back(document);
    }

    /// Forgets `document` as refused-before-it-existed; true if it was
    /// remembered (so of two callers, only one goes on).
    fn take_missing(&self, document: &DocumentId) -> bool {
        let Ok(mut missing) = self.missing.lock() else {
            return false;
        };
        match missing.iter().position(|d| d == document) {
            Some(at) => missing.remove(at).is_some(),
            None => false,
        }
    }

    /// Whether this connection remembers being refused `document` before
    /// it existed (it will be sent the document if it appears and the
    /// connection may read it).
    pub fn remembers_missing(&self, document: &DocumentId) -> bool {
        self.missing
            .lock()
            .is_ok_and(|missing| missing.contains(document))
    }

    fn cached(&self, document: &DocumentId) -> Option<Role> {
        self.roles.lock().ok()?.get(document).copied()
    }

    fn remember(&self, document: DocumentId, role: Role) {
        if let Ok(mut roles) = self.roles.lock() {
            roles.insert(document, role);
        }
    }

    /// Forgets every decision, so the next message re-checks the store.
    pub fn forget(&self) {
        if let Ok(mut roles) = self.roles.lock() {
            roles.clear();
        }
    }

    /// Should this connection close because of `change`? (A role change
    /// only clears the cache.)
    fn affected_by(&self, change: &AccessChange) -> bool {
        let principal = &self.authenticated.principal;
        match change {
            AccessChange::TokenRevoked { token, .. } => principal.token_id() == Some(token),
            AccessChange::MemberRemoved { user, .. } => {
                principal.user().is_some_and(|u| &u.id == user)
            }
            AccessChange::SessionEnded { session, .. } => {
                self.authenticated.session.as_ref() == Some(session)
            }
            AccessChange::SessionsEnded { user } => {
                self.authenticated.session.is_some()
                    && principal.user().is_some_and(|u| &u.id == user)
            }
            AccessChange::RoleChanged { user, .. } => {
                if principal.user().is_some_and(|u| &u.id == user) {
                    self.forget();
                }
                false
            }
        }
    }
}

/// What to do with a document message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Route it; `read_only` for a viewer (its changes are stripped).
    Allow {
        /// The connection may not change this document.
        read_only: bool,
    },
    /// Answer as for a document that does not exist.
    Unavailable,
    /// A `request` for a document the principal does not reach (yet): ask
    /// [`decide_later`] once the grace period is over, and refuse it with
    /// [`refuse_request`] if it is still unreachable then.
    Later,
}

/// Looks the principal's access to `document` up in the store (and caches
/// a positive answer).
async fn look_up(
    shared: &Shared,
    store: &AccessStore,
    access: &ConnectionAccess,
    document: DocumentId,
) -> Result<Option<mitra_access::DocumentAccess>, ()> {
    match store
        .document_access(&access.authenticated.principal, &document.to_string())
        .await
    {
        Ok(found) => {
            if let Some(found) = &found {
                access.remember(document, found.role);
            }
            Ok(found)
        }
        Err(e) => {
            shared.metrics.error("access_store");
            tracing::error!(document = %document, error = %e, "the access store failed; treating the document as unavailable");
            Err(())
        }
    }
}

/// Decides whether a `sync`, `request` or ephemeral message for a document
/// may reach the document's actor. Never waits for the grace period: a
/// `request` the principal does not reach is [`Decision::Later`].
pub async fn decide(
    shared: &Shared,
    store: &AccessStore,
    access: &ConnectionAccess,
    routed: &Routed,
    document: DocumentId,
) -> Decision {
    if let Some(role) = access.cached(&document) {
        return Decision::Allow {
            read_only: !role.can_write(),
        };
    }
    match look_up(shared, store, access, document).await {
        Ok(Some(found)) => {
            return Decision::Allow {
                read_only: !found.can_write(),
            };
        }
        Ok(None) => {}
        Err(()) => return Decision::Unavailable,
    }
    // A `request` racing its creator's first upload waits the same grace
    // as in open mode before it is refused, whatever the reason: a
    // document of another partnership looks exactly like one not yet
    // created.
    let message = match routed {
        Routed::Sync { request: true, .. } => return Decision::Later,
        Routed::Sync {
            message,
            request: false,
        } => message,
        _ => return Decision::Unavailable,
    };
    // Not reachable for this principal. A peer that syncs (not requests)
    // a document with content, which storage does not have, is creating it.
    let has_content = automerge::sync::Message::decode(&message.data)
        .is_ok_and(|m| !m.heads.is_empty() || !m.changes.is_empty());
    if !has_content || shared.documents.is_loaded(&document) {
        return Decision::Unavailable;
    }
    // A document of a partnership exists: refused without reading it from
    // storage (a stranger's sync must not make the server load another
    // partnership's document).
    match store.document_partnership(&document.to_string()).await {
        Ok(None) => {}
        Ok(Some(_)) => return Decision::Unavailable,
        Err(e) => {
            shared.metrics.error("access_store");
            tracing::error!(document = %document, error = %e, "the access store failed; treating the document as unavailable");
            return Decision::Unavailable;
        }
    }
    // Belonging to no partnership: new, or stored from before access
    // control (which nobody may claim by syncing).
    match shared.load_stored(&document).await {
        Ok(None) => {}
        Ok(Some(stored)) if stored.snapshot.is_none() && stored.chunks.is_empty() => {}
        Ok(Some(_)) => return Decision::Unavailable,
        Err(e) => {
            tracing::warn!(document = %document, error = %e, "storage failed while checking a new document");
            return Decision::Unavailable;
        }
    }
    let principal = &access.authenticated.principal;
    match store
        .claim_document(principal, &document.to_string(), None)
        .await
    {
        Ok(claimed) => {
            tracing::info!(document = %document, partnership = %claimed.partnership,
                actor = %principal.actor(), "new document claimed for its creator's partnership");
            access.remember(document, claimed.role);
            Decision::Allow {
                read_only: !claimed.can_write(),
            }
        }
        Err(e) => {
            tracing::debug!(document = %document, error = %e, "new document not claimed");
            Decision::Unavailable
        }
    }
}

/// Decides a `request` that [`decide`] deferred ([`Decision::Later`]),
/// once its grace period is over (or earlier, when the same connection
/// sends something else for the document): [`Decision::Allow`] if the
/// principal reaches the document now, else [`Decision::Unavailable`].
pub async fn decide_later(
    shared: &Shared,
    store: &AccessStore,
    access: &ConnectionAccess,
    document: DocumentId,
) -> Decision {
    match look_up(shared, store, access, document).await {
        Ok(Some(found)) => Decision::Allow {
            read_only: !found.can_write(),
        },
        Ok(None) | Err(()) => Decision::Unavailable,
    }
}

/// Refuses a `request`: answers `doc-unavailable` (exactly as for a
/// document that does not exist), then, with the answer on its way,
/// remembers the document if it belongs to no partnership yet, so that the
/// connection is sent it should it appear in a partnership the connection
/// reaches ([`document_appeared`]).
pub async fn refuse_request(
    shared: &Arc<Shared>,
    store: &AccessStore,
    handle: &Arc<PeerHandle>,
    document: DocumentId,
) {
    shared.metrics.error("access_denied");
    unavailable(shared, handle, document);
    let Some(access) = &handle.access else {
        return;
    };
    let key = document.to_string();
    let assigned = match store.document_partnership(&key).await {
        Ok(assigned) => assigned,
        Err(e) => {
            shared.metrics.error("access_store");
            tracing::warn!(document = %document, error = %e, "the access store failed; a refused request is not remembered");
            return;
        }
    };
    if assigned.is_none() {
        // Not created yet (or stored from before access control, which
        // never "appears": remembering it costs one slot, and spares
        // loading it from storage here).
        access.remember_missing(document);
    }
    // The document may have been created (or claimed) since it was
    // refused, and its creation noticed before it was remembered: check
    // once more, so that it cannot slip between the two.
    if let Ok(Some(found)) = look_up(shared, store, access, document).await
        && (assigned.is_some() || access.take_missing(&document))
    {
        tracing::debug!(peer = %handle.peer.peer, document = %document,
            "a refused document was created meanwhile: sending it");
        admit(shared, handle, document, &found).await;
    }
}

/// A document just got its first durable content (its actor calls this):
/// every connection that was refused it before it existed is checked
/// again, and sent the document if its principal may read it now.
pub async fn document_appeared(shared: Arc<Shared>, store: Arc<AccessStore>, document: DocumentId) {
    for handle in shared.peers.handles() {
        let Some(access) = &handle.access else {
            continue;
        };
        if !access.take_missing(&document) {
            continue;
        }
        match look_up(&shared, &store, access, document).await {
            Ok(Some(found)) => {
                tracing::debug!(peer = %handle.peer.peer, connection = handle.peer.connection.0,
                    document = %document, "a document refused before it existed appeared: sending it");
                admit(&shared, &handle, document, &found).await;
            }
            Ok(None) => {
                tracing::debug!(peer = %handle.peer.peer, connection = handle.peer.connection.0,
                    document = %document, "a document refused before it existed appeared elsewhere: forgotten");
            }
            Err(()) => {}
        }
    }
}

/// Registers a connection with a document's actor as if its `request` had
/// just been allowed (the actor starts a session for it unless it has one).
async fn admit(
    shared: &Arc<Shared>,
    handle: &Arc<PeerHandle>,
    document: DocumentId,
    found: &mitra_access::DocumentAccess,
) {
    let limit = shared.config.limits.max_documents_per_connection;
    if !handle.touch_document(document, limit) {
        shared.metrics.error("too_many_documents");
        tracing::warn!(peer = %handle.peer.peer, document = %document,
            "a refused document appeared, but the connection has too many documents open: not sent");
        return;
    }
    DocumentRegistry::send(
        shared,
        document,
        DocumentCommand::Resume {
            from: handle.peer.clone(),
            read_only: !found.can_write(),
        },
    )
    .await;
}

/// The `doc-unavailable` answer to a peer for a document it may not see.
pub fn unavailable(shared: &Shared, handle: &PeerHandle, document: DocumentId) {
    let message = Message::DocUnavailable {
        sender_id: shared.identity.peer_id.clone(),
        target_id: handle.peer.peer.clone(),
        document_id: document,
    };
    shared.peers.send(&handle.peer, &message, &shared.metrics);
}

/// Applies one access change to the live connections: closes those it
/// takes access from; clears cached decisions on a role change.
pub fn apply_change(shared: &Shared, change: &AccessChange) {
    for handle in shared.peers.handles() {
        if let Some(access) = &handle.access
            && access.affected_by(change)
        {
            tracing::info!(peer = %handle.peer.peer, connection = handle.peer.connection.0,
                actor = %access.authenticated.principal.actor(), "access revoked: closing connection");
            shared.metrics.error("access_revoked");
            handle.close(close_code::POLICY_VIOLATION, REVOKED_REASON);
        }
    }
}

/// The close reason of a connection whose session ended by itself.
pub const EXPIRED_REASON: &str = "session expired";

/// Whether the connection's session has expired by the store's clock.
fn expired(shared: &Shared, access: &ConnectionAccess) -> bool {
    access
        .authenticated
        .session_left(shared.config.access_options.clock.as_ref())
        .is_some_and(|left| left.is_zero())
}

/// Closes a connection whose session has expired, with 1008 "session
/// expired"; true if it did. (Each connection also closes itself when its
/// session's time is up; this catches a store clock that jumped.)
pub fn close_if_expired(shared: &Shared, handle: &PeerHandle) -> bool {
    let Some(access) = &handle.access else {
        return false;
    };
    if !expired(shared, access) {
        return false;
    }
    shared.metrics.error("session_expired");
    tracing::info!(peer = %handle.peer.peer, connection = handle.peer.connection.0,
        actor = %access.authenticated.principal.actor(), "session expired: closing connection");
    handle.close(close_code::POLICY_VIOLATION, EXPIRED_REASON);
    true
}

/// After missing change events: re-checks every connection against the
/// store (tokens still valid, sessions still live: not ended, not expired,
/// their user still there) and clears cached decisions. Closes those that
/// are not with 1008 ("session expired" or "access revoked"). The
/// revocation watcher calls it when its change channel lagged; public for
/// tests.
pub async fn recheck_all(shared: &Shared, store: &AccessStore) {
    for handle in shared.peers.handles() {
        let Some(access) = &handle.access else {
            continue;
        };
        access.forget();
        if close_if_expired(shared, &handle) {
            continue;
        }
        let authenticated = &access.authenticated;
        let still = match (&authenticated.principal, &authenticated.session_secret) {
            (principal @ Principal::Token { partnership, .. }, _) => store
                .role_for(principal, partnership)
                .await
                .map(|r| r.is_some()),
            (Principal::User { .. }, Some(secret)) => store
                .session(secret)
                .await
                .map(|s| s.is_some_and(|s| Some(&s.id) == authenticated.session.as_ref())),
            (Principal::User { user, .. }, None) => store.user(&user.id).await.map(|u| u.is_some()),
        };
        if matches!(still, Ok(false)) {
            tracing::info!(peer = %handle.peer.peer, connection = handle.peer.connection.0,
                actor = %authenticated.principal.actor(), "access gone on re-check: closing connection");
            shared.metrics.error("access_revoked");
            handle.close(close_code::POLICY_VIOLATION, REVOKED_REASON);
        }
    }
}

/// Watches the access store for revocations until the server shuts down:
/// its change channel (this process) and its audit log (other processes).
pub async fn watch_revocations(shared: Arc<Shared>, store: Arc<AccessStore>) {
    let mut changes = store.subscribe();
    let mut last = match store.last_audit_id().await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, "reading the audit log failed; revocations by other processes are not watched");
            mitra_access::AuditId(i64::MAX)
        }
    };
    let mut poll = tokio::time::interval(POLL_INTERVAL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shared.shutdown.cancelled() => return,
            received = changes.recv() => match received {
                Ok(change) => apply_change(&shared, &change),
                Err(broadcast::error::RecvError::Lagged(_)) => recheck_all(&shared, &store).await,
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = poll.tick() => {
                for handle in shared.peers.handles() {
                    close_if_expired(&shared, &handle);
                }
                if last.0 == i64::MAX {
                    continue;
                }
                match store.access_changes_after(last).await {
                    Ok(found) => {
                        for (id, change) in found {
                            apply_change(&shared, &change);
                            last = id;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "polling the audit log failed"),
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Mitra.example.org:443/x").as_deref(),
            Some("https://mitra.example.org")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("file://x"), None);
        assert_eq!(origin_of("garbage"), None);
        let mut headers = HeaderMap::new();
        assert!(origin_allowed(&headers, Some("https://a.example")));
        headers.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!origin_allowed(&headers, Some("https://a.example")));
        headers.insert(header::ORIGIN, "https://a.example".parse().unwrap());
        assert!(origin_allowed(&headers, Some("https://a.example/")));
        headers.insert(header::HOST, "127.0.0.1:9000".parse().unwrap());
        headers.insert(header::ORIGIN, "http://127.0.0.1:9000".parse().unwrap());
        assert!(origin_allowed(&headers, None));
        headers.insert(header::ORIGIN, "http://127.0.0.1:9001".parse().unwrap());
        assert!(!origin_allowed(&headers, None));
    }

    #[test]
    fn token_and_cookie_are_found() {
        let secret_of = |credential: Option<Credential>| match credential {
            Some(Credential::Token(s)) => ("token", s.expose().to_owned()),
            Some(Credential::Session(s)) => ("session", s.expose().to_owned()),
            None => ("none", String::new()),
        };
        let mut headers = HeaderMap::new();
        assert!(upgrade_credential(Some("a=b"), &headers).is_none());
        assert_eq!(
            secret_of(upgrade_credential(
                Some("x=1&token=mitra_tok_abc"),
                &headers
            )),
            ("token", "mitra_tok_abc".into())
        );
        headers.insert(
            header::COOKIE,
            "a=b; mitra_session=mitra_ses_xyz".parse().unwrap(),
        );
        assert_eq!(
            secret_of(upgrade_credential(None, &headers)),
            ("session", "mitra_ses_xyz".into())
        );
        assert_eq!(
            secret_of(api_credential(&headers)),
            ("session", "mitra_ses_xyz".into())
        );
        // A bearer token wins over the cookie; the API never reads the query.
        headers.insert(
            header::AUTHORIZATION,
            "Bearer  mitra_tok_def ".parse().unwrap(),
        );
        assert_eq!(
            secret_of(api_credential(&headers)),
            ("token", "mitra_tok_def".into())
        );
        assert_eq!(
            secret_of(upgrade_credential(Some("token=mitra_tok_abc"), &headers)),
            ("token", "mitra_tok_abc".into())
        );
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(
            secret_of(api_credential(&headers)),
            ("session", "mitra_ses_xyz".into())
        );
    }

    #[test]
    fn failures_are_limited_per_address() {
        let limiter = FailureLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(!limiter.is_limited(ip));
            limiter.fail(ip);
        }
        assert!(limiter.is_limited(ip));
        let wait = limiter.retry_after(ip).unwrap();
        assert!(
            wait <= FAILURE_WINDOW && wait > FAILURE_WINDOW / 2,
            "{wait:?}"
        );
        assert!(!limiter.is_limited("127.0.0.2".parse().unwrap()));

        // Admitting counts every attempt and refuses past the limit.
        let attempts = FailureLimiter::new(3, Duration::from_millis(200));
        for _ in 0..3 {
            attempts.admit(ip).unwrap();
        }
        assert!(attempts.admit(ip).is_err());
        std::thread::sleep(Duration::from_millis(250));
        attempts.admit(ip).unwrap();
    }

    #[test]
    fn ipv6_addresses_are_counted_per_64() {
        let limiter = FailureLimiter::new(3, FAILURE_WINDOW);
        // Rotating through one /64 does not help.
        for ip in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"] {
            assert!(!limiter.is_limited(ip.parse().unwrap()));
            limiter.fail(ip.parse().unwrap());
        }
        assert!(limiter.is_limited("2001:db8:1:2:abcd::1".parse().unwrap()));
        // Another /64 is someone else.
        assert!(!limiter.is_limited("2001:db8:1:3::1".parse().unwrap()));
        // An IPv4-mapped address is its IPv4 address; IPv4 counts per address.
        for _ in 0..3 {
            limiter.fail("::ffff:192.0.2.7".parse().unwrap());
        }
        assert!(limiter.is_limited("192.0.2.7".parse().unwrap()));
        assert!(!limiter.is_limited("192.0.2.8".parse().unwrap()));
        assert_eq!(
            address_key("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
    }

    fn v4(n: u32) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n))
    }

    #[test]
    fn a_full_limiter_never_forgets_a_limited_address() {
        let limiter = FailureLimiter::with_capacity(2, FAILURE_WINDOW, 4);
        // Two limited addresses, two that failed once.
        for n in [1, 2] {
            limiter.fail(v4(n));
            limiter.fail(v4(n));
            assert!(limiter.is_limited(v4(n)));
        }
        limiter.fail(v4(3));
        limiter.fail(v4(4));
        // A flood of new addresses pushes out those not limited, never the
        // limited ones.
        for n in 5..200 {
            assert!(limiter.fail(v4(n)).is_some(), "{n}");
            assert!(
                limiter.is_limited(v4(1)) && limiter.is_limited(v4(2)),
                "{n}"
            );
        }
        // Once every remembered address is limited, a newcomer is refused
        // (as if limited, until the first window ends) rather than one
        // forgotten.
        let full = FailureLimiter::with_capacity(1, FAILURE_WINDOW, 3);
        for n in 1..=3 {
            full.fail(v4(n));
        }
        assert!((1..=3).all(|n| full.is_limited(v4(n))));
        let wait = full.retry_after(v4(9)).expect("a newcomer waits");
        assert!(wait <= FAILURE_WINDOW);
        assert_eq!(full.fail(v4(9)), None);
        assert!(full.admit(v4(9)).is_err());
        assert!((1..=3).all(|n| full.is_limited(v4(n))));
        // Expired windows make room first.
        let short = FailureLimiter::with_capacity(1, Duration::from_millis(100), 2);
        short.fail(v4(1));
        short.fail(v4(2));
        assert!(short.is_limited(v4(3)));
        std::thread::sleep(Duration::from_millis(150));
        assert!(!short.is_limited(v4(3)));
        assert_eq!(short.fail(v4(3)), Some(1));
    }

    #[test]
    fn failed_sign_ins_are_limited_per_username() {
        let accounts = UsernameLimiter::default();
        for n in 1..=MAX_USERNAME_FAILURES {
            assert!(accounts.retry_after("ayu").is_none());
            assert_eq!(
                accounts.fail(if n % 2 == 0 { " AYU " } else { "ayu" }),
                Some(n)
            );
        }
        let wait = accounts.retry_after("Ayu").expect("limited");
        assert!(
            wait > USERNAME_FAILURE_WINDOW - Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(accounts.retry_after("budi").is_none());
        // The tag follows one account across log lines without naming it.
        assert_eq!(accounts.tag("ayu"), accounts.tag(" AYU"));
        assert_ne!(accounts.tag("ayu"), accounts.tag("budi"));
        assert!(!accounts.tag("ayu").contains("ayu"));
        // A sign-in clears the count; a huge username costs a bounded key.
        accounts.clear("AYU");
        assert!(accounts.retry_after("ayu").is_none());
        assert_eq!(accounts.fail(&"x".repeat(60_000)), Some(1));
        assert_eq!(accounts.fail(&"x".repeat(70_000)), Some(2));
    }
}
