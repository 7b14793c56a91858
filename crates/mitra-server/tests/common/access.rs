//! Helpers for tests of access control (`auth = required`): captured
//! server logs, partnerships, tokens and accounts made in the access
//! store, joining `/sync` with a token or a session cookie, upgrade
//! statuses, and a small client of the JSON API that plays a browser (cookie and
//! `Origin`) or a script (`Authorization: Bearer`).

use std::fmt::Display;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use mitra_access::{
    AccessOptions, AccessStore, Actor, ManualClock, NewUser, PartnershipId, Role, Secret,
    TokenInfo, User,
};
use mitra_protocol::DocumentId;
use mitra_server::{AuthMode, ServerConfig};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{
    self, client::IntoClientRequest, handshake::client::Response, http::HeaderName,
};

use super::{HttpResponse, RawClient, TIMEOUT, TestServer, Ws, http_request, unique_peer};

/// Everything the server logs in this test binary (installs the capture
/// on first use).
pub fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&buffer);
        let _ = tracing_subscriber::fmt()
            // The server side only: clients (samod) may log their own URLs.
            .with_env_filter("off,mitra_server=trace,mitra_access=trace,mitra_protocol=trace")
            .with_ansi(false)
            .with_writer(move || LogWriter(Arc::clone(&writer)))
            .try_init();
        buffer
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The captured logs so far.
pub fn logged() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap()).into_owned()
}

/// Asserts that none of `secrets` appears in the captured logs.
pub fn assert_not_logged(secrets: &[&str]) {
    let logs = logged();
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !logs.contains(secret),
            "{secret:?} was logged: {:?}",
            logs.lines()
                .filter(|l| l.contains(secret))
                .collect::<Vec<_>>()
        );
    }
}

/// A server with `auth = required` (capturing the logs).
pub async fn start_required() -> TestServer {
    start_required_with(|_| {}).await
}

/// A server with `auth = required` (capturing the logs), after `tweak`
/// adjusted the rest of its configuration.
pub async fn start_required_with(tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
    logs();
    TestServer::start_with(|c| {
        c.auth = AuthMode::Required;
        tweak(c);
    })
    .await
}

/// Access options whose clock is `clock` (for a test that moves time).
pub fn clocked(clock: &ManualClock) -> AccessOptions {
    AccessOptions {
        clock: Arc::new(clock.clone()),
        ..AccessOptions::default()
    }
}

/// The access store of a server started with `auth = required`.
pub fn store(server: &TestServer) -> &AccessStore {
    server.shared.access.as_deref().unwrap()
}

/// Joins `/sync` with a session cookie (what a signed-in browser sends).
pub async fn join_with_cookie(server: &TestServer, session: &Secret) -> RawClient {
    let mut client = connect_with(server, "/sync", &[("Cookie", &cookie_header(session))]).await;
    client.join(&unique_peer("browser")).await.unwrap();
    client
}

/// The `Cookie` header of a signed-in browser.
pub fn cookie_header(session: &Secret) -> String {
    format!("theme=dark; mitra_session={}", session.expose())
}

/// Upgrades `/sync`-like `path` with extra `headers`, without joining
/// (panics if the upgrade is refused).
pub async fn connect_with(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> RawClient {
    let (ws, _) = upgrade(server, path, headers).await.unwrap();
    RawClient {
        ws,
        peer_id: mitra_protocol::PeerId::new(""),
        server_id: mitra_protocol::PeerId::new(""),
        server_storage_id: None,
    }
}

/// The WebSocket handshake at `path` with extra `headers` (failing the
/// test if it does not end in time).
async fn upgrade(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<(Ws, Response), tungstenite::Error> {
    let mut request = format!("ws://{}{path}", server.addr)
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    tokio::time::timeout(TIMEOUT, tokio_tungstenite::client_async(request, stream))
        .await
        .unwrap()
}

/// The HTTP status of a WebSocket upgrade at `path` with extra `headers`
/// (101 when it succeeds).
pub async fn upgrade_status_headers(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> u16 {
    match upgrade(server, path, headers).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("upgrade failed: {e}"),
    }
}

/// The HTTP status of a WebSocket upgrade at `path` (101 when it
/// succeeds), with an optional `Origin` and `Cookie`.
pub async fn upgrade_status_with(
    server: &TestServer,
    path: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
) -> u16 {
    let headers: Vec<(&str, &str)> = [("Origin", origin), ("Cookie", cookie)]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect();
    upgrade_status_headers(server, path, &headers).await
}

/// The HTTP status of a WebSocket upgrade at `path` (101 when it succeeds).
pub async fn upgrade_status(server: &TestServer, path: &str, origin: Option<&str>) -> u16 {
    upgrade_status_with(server, path, origin, None).await
}

/// Waits for the server to close `client` within `limit`; returns the
/// close code and reason.
pub async fn closed_within(client: &mut RawClient, limit: Duration) -> (u16, String) {
    let started = Instant::now();
    let closed = client.expect_closed(limit).await.unwrap();
    assert!(started.elapsed() <= limit, "took {:?}", started.elapsed());
    (closed.code.unwrap_or(0), closed.reason)
}

/// Asserts that the server closes `client` within `limit` with `code` and
/// `reason` (e.g. 1008, "access revoked").
pub async fn assert_closed_within(
    client: &mut RawClient,
    limit: Duration,
    code: u16,
    reason: &str,
) {
    let closed = closed_within(client, limit).await;
    assert_eq!((closed.0, closed.1.as_str()), (code, reason));
}

/// A partnership made by the operator (no members); its id.
pub async fn partnership(server: &TestServer, name: &str) -> PartnershipId {
    store(server)
        .create_partnership_as_system(name)
        .await
        .unwrap()
        .id
}

/// An API token of partnership `p` with `role`, made by the operator and
/// labelled "test token".
pub async fn token(server: &TestServer, p: &PartnershipId, role: Role) -> (TokenInfo, Secret) {
    store(server)
        .create_token(&Actor::System, p, role, "test token")
        .await
        .unwrap()
}

/// `/sync` with an API token.
pub fn token_path(secret: &Secret) -> String {
    format!("/sync?token={}", secret.expose())
}

/// Joins `/sync` with an API token (and a fresh peer id).
pub async fn join_with_token(server: &TestServer, secret: &Secret) -> RawClient {
    RawClient::join_at(server, &token_path(secret))
        .await
        .unwrap()
}

/// Creates an account with a password in the server's access store.
pub async fn create_user(
    server: &TestServer,
    username: &str,
    password: &str,
    display_name: &str,
    organisation: &str,
) -> User {
    store(server)
        .create_user(NewUser::with_password(
            username,
            password,
            display_name,
            organisation,
        ))
        .await
        .unwrap()
}

/// The partnership the access store files document `id` under.
pub async fn partnership_of(server: &TestServer, id: DocumentId) -> Option<PartnershipId> {
    store(server)
        .document_partnership(&id.to_string())
        .await
        .unwrap()
}

/// A client of the JSON API.
#[derive(Debug, Clone)]
pub struct Api {
    /// The server.
    pub addr: SocketAddr,
    /// The session cookie's value, once signed in.
    pub cookie: Option<String>,
    /// An API token sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// The `Origin` header sent with every request (a browser's).
    pub origin: Option<String>,
    /// Other headers sent with every request (as a proxy in front adds them).
    pub extra_headers: Vec<(String, String)>,
}

impl Api {
    /// A browser on the server's own origin, not signed in.
    pub fn browser(server: &TestServer) -> Api {
        Api {
            addr: server.addr,
            cookie: None,
            bearer: None,
            origin: Some(format!("http://{}", server.addr)),
            extra_headers: Vec::new(),
        }
    }

    /// A script with an API token (no cookie, no Origin).
    pub fn script(server: &TestServer, token: &str) -> Api {
        Api {
            addr: server.addr,
            cookie: None,
            bearer: Some(token.to_owned()),
            origin: None,
            extra_headers: Vec::new(),
        }
    }

    /// The session cookie as a [`Secret`] (for joining `/sync`).
    pub fn session(&self) -> Secret {
        Secret::from_presented(self.cookie.clone().expect("signed in"))
    }

    /// Sends a request with a JSON body (or none) and returns the response.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        let body = body.map(|b| b.to_string());
        self.send_raw(method, path, body.as_deref(), Some("application/json"))
            .await
    }

    /// Sends a request with `body` as is, with `content_type` if given.
    pub async fn send_raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        content_type: Option<&str>,
    ) -> HttpResponse {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(cookie) = &self.cookie {
            head.push_str(&format!("Cookie: lang=id; mitra_session={cookie}\r\n"));
        }
        if let Some(token) = &self.bearer {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if let Some(origin) = &self.origin {
            head.push_str(&format!("Origin: {origin}\r\n"));
        }
        for (name, value) in &self.extra_headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            if let Some(content_type) = content_type {
                head.push_str(&format!("Content-Type: {content_type}\r\n"));
            }
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        head.push_str(body.unwrap_or(""));
        let response = http_request(self.addr, &head).await.unwrap();
        assert_eq!(
            response.header("cache-control"),
            Some("no-store"),
            "{method} {path}: {response:?}"
        );
        response
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> HttpResponse {
        self.send("GET", path, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> HttpResponse {
        self.send("POST", path, Some(&body)).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> HttpResponse {
        self.send("PUT", path, Some(&body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> HttpResponse {
        self.send("PATCH", path, Some(&body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> HttpResponse {
        self.send("DELETE", path, None).await
    }

    /// Signs in: `POST /api/session` with a username and password.
    pub async fn sign_in(&self, username: &str, password: &str) -> HttpResponse {
        self.post(
            "/api/session",
            json!({ "username": username, "password": password }),
        )
        .await
    }

    /// Invites someone to partnership `p`: `POST .../invitations` with
    /// `body` (a role, perhaps a lifetime).
    pub async fn invite(&self, p: impl Display, body: Value) -> HttpResponse {
        self.post(&format!("/api/partnerships/{p}/invitations"), body)
            .await
    }

    /// Looks at what an invitation offers (`POST /api/invitations/inspect`).
    pub async fn inspect(&self, invitation: impl Serialize) -> HttpResponse {
        self.post(
            "/api/invitations/inspect",
            json!({ "invitation": invitation }),
        )
        .await
    }

    /// Accepts an invitation (`POST /api/invitations/accept`), creating
    /// `account` with it when given.
    pub async fn accept(&self, invitation: impl Serialize, account: Option<Value>) -> HttpResponse {
        let mut body = json!({ "invitation": invitation });
        if let Some(account) = account {
            body["account"] = account;
        }
        self.post("/api/invitations/accept", body).await
    }

    /// Creates an API token of partnership `p` (`POST .../tokens`).
    pub async fn create_token(&self, p: impl Display, label: &str, role: &str) -> HttpResponse {
        self.post(
            &format!("/api/partnerships/{p}/tokens"),
            json!({ "label": label, "role": role }),
        )
        .await
    }

    /// Claims `document` (an id or URL) for partnership `p` before its
    /// first sync (`POST .../documents`).
    pub async fn claim(&self, p: impl Display, document: impl Serialize) -> HttpResponse {
        self.post(
            &format!("/api/partnerships/{p}/documents"),
            json!({ "document": document }),
        )
        .await
    }

    /// Gives member `user` of partnership `p` another role (`PUT`).
    pub async fn set_role(&self, p: impl Display, user: impl Display, role: &str) -> HttpResponse {
        self.put(
            &format!("/api/partnerships/{p}/members/{user}"),
            json!({ "role": role }),
        )
        .await
    }

    /// Removes member `user` from partnership `p` (`DELETE`).
    pub async fn remove_member(&self, p: impl Display, user: impl Display) -> HttpResponse {
        self.delete(&format!("/api/partnerships/{p}/members/{user}"))
            .await
    }

    /// Keeps the session cookie `response` set; panics if it set none.
    pub fn keep_cookie(&mut self, response: &HttpResponse) {
        self.cookie = Some(session_cookie_of(response).expect("a session cookie"));
    }
}

/// The `mitra_session` value a response's `Set-Cookie` sets (`Some("")`
/// when it clears it).
pub fn session_cookie_of(response: &HttpResponse) -> Option<String> {
    let set = response.header("set-cookie")?;
    let value = set.strip_prefix("mitra_session=")?;
    Some(value.split(';').next().unwrap_or_default().to_owned())
}

impl HttpResponse {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    /// The `error` code of an error body.
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }
}

/// Asserts the status of a response, showing it when it differs.
#[track_caller]
pub fn expect(response: &HttpResponse, status: u16) {
    assert_eq!(response.status, status, "{response:#?}");
}

/// Asserts an error response: status and `error` code.
#[track_caller]
pub fn expect_error(response: &HttpResponse, status: u16, code: &str) {
    assert_eq!(
        (response.status, response.error().as_str()),
        (status, code),
        "{response:#?}"
    );
    assert!(
        response.json()["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{response:#?}"
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/json"),
        "{response:#?}"
    );
}
