//! The JSON HTTP API under `/api/` (described for its users in
//! `docs/api.md`): signing in and out, first-run setup, partnerships and
//! their members, invitations, API tokens, where documents belong, their
//! attested history, and the audit log. Documents themselves sync over
//! `/sync`, never through here.
//!
//! Every request goes through one pipeline ([`serve`]):
//!
//! 1. With `auth = open` (no access store) only `GET /api/me` answers
//!    (`{"auth": "open"}`); every other path is 404 `auth_disabled`.
//! 2. The path names an endpoint (404 otherwise) that takes the method
//!    (405 otherwise, with `Allow`).
//! 3. The caller is identified by [`crate::auth::identify`], the same
//!    authenticator as the WebSocket upgrade: `Authorization: Bearer
//!    <API token>`, else the `mitra_session` cookie. A credential the store
//!    knows is accepted whatever its address's failures. An unknown token
//!    is 401 and counts as a failed attempt of the address (429 while the
//!    address is limited); an unknown cookie (ended or expired: normal
//!    browser state) makes the request anonymous, and the response clears
//!    the cookie.
//! 4. A `POST`, `PUT`, `PATCH` or `DELETE` not authenticated by a token
//!    must not come from another site: a browser's `Origin` must be this
//!    server's ([`crate::auth::origin_allowed`]), else 403
//!    `foreign_origin`.
//! 5. A body is JSON (`Content-Type: application/json`, else 415) of at
//!    most [`MAX_BODY_BYTES`] (else 413), read within the handshake
//!    timeout.
//! 6. The endpoint runs (`account`, `partnerships`); every refusal is
//!    an [`ApiError`], answered in one shape. Every response carries
//!    `Cache-Control: no-store`.
//!
//! Rate limits per client address ([`crate::http::Remote`]: behind a
//! trusted proxy the forwarded client, an IPv6 address per /64): failed
//! sign-ins, wrong setup secrets, unknown invitation secrets and unknown
//! API tokens count in [`Shared::auth_failures`] (shared with failed
//! WebSocket upgrades); and every sign-in, setup, invitation and
//! token-creating request, failed or not, counts in [`Shared::api_attempts`]
//! ([`MAX_ATTEMPTS`] per [`ATTEMPT_WINDOW`]), so password guessing cannot
//! run hot even when it succeeds now and then. Failed sign-ins also count
//! per username, from any address ([`Shared::sign_in_failures`]). Over any
//! limit: 429 with `Retry-After`. Failures are logged with the remote
//! address only: never a secret, a password, a username typed (a keyed
//! hash tag at most), a cookie or a query string.

mod account;
mod error;
mod partnerships;
mod views;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use mitra_access::{AccessStore, Actor, PartnershipId, Principal, Role, Secret, User};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::ApiError;

use crate::auth::{self, Authenticated, Credential, SESSION_COOKIE};
use crate::http::Remote;
use crate::server::Shared;
use crate::web::{Body, fixed};

/// The largest request body accepted: 64 KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Sign-in, setup, invitation and token-creating requests one IP address
/// may make per [`ATTEMPT_WINDOW`], failed or not.
pub const MAX_ATTEMPTS: u32 = 30;
/// The window of [`MAX_ATTEMPTS`].
pub const ATTEMPT_WINDOW: Duration = Duration::from_secs(60);

/// What an endpoint answers.
type Reply = Result<Response<Body>, ApiError>;

/// Answers one request under `/api`.
pub async fn serve(shared: Arc<Shared>, req: Request<Incoming>, remote: Remote) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let mut response = match shared.access.clone() {
        None => open_mode(req.method(), &path),
        Some(store) => handle(shared, store, req, remote).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `auth = open`: only `GET /api/me` answers.
fn open_mode(method: &Method, path: &str) -> Response<Body> {
    if method == Method::GET && path == "/api/me" {
        json(StatusCode::OK, &serde_json::json!({ "auth": "open" }))
            .unwrap_or_else(ApiError::into_response)
    } else {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "auth_disabled",
            "this server runs with auth = open: there is no sign-in and no access control",
        )
        .into_response()
    }
}

async fn handle(
    shared: Arc<Shared>,
    store: Arc<AccessStore>,
    req: Request<Incoming>,
    remote: Remote,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let mut ctx = Ctx {
        shared,
        store,
        remote,
        method: parts.method,
        headers: parts.headers,
        query: parts.uri.query().map(str::to_owned),
        caller: None,
        stale_cookie: false,
        body: Bytes::new(),
    };
    let Some(decoded) = percent_decode(&path) else {
        return ApiError::not_found("endpoint").into_response();
    };
    let Some(endpoint) = Endpoint::parse(&decoded) else {
        return ApiError::not_found("endpoint").into_response();
    };
    if !endpoint.allows(&ctx.method) {
        return ApiError {
            allow: Some(endpoint.allow().to_owned()),
            ..ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!(
                    "{} takes {}, not {}",
                    endpoint.pattern(),
                    endpoint.allow(),
                    ctx.method
                ),
            )
        }
        .into_response();
    }
    let result = async {
        ctx.authenticate().await?;
        ctx.check_origin()?;
        if changes(&ctx.method) {
            ctx.body = ctx.read_body(body).await?;
        }
        dispatch(&ctx, endpoint).await
    }
    .await;
    let mut response = match result {
        Ok(response) => response,
        Err(error) => {
            if let Some(cause) = &error.cause {
                // The endpoint's pattern, not the path: nothing a client
                // typed reaches the log.
                ctx.shared.metrics.error("api_internal");
                tracing::error!(remote = %ctx.remote, method = %ctx.method,
                    endpoint = endpoint.pattern(), status = error.status.as_u16(),
                    error = %cause, "API request failed");
            }
            error.into_response()
        }
    };
    if ctx.stale_cookie && !response.headers().contains_key(header::SET_COOKIE) {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, ctx.clear_cookie());
    }
    response
}

/// Whether the method changes something (and so carries a body and must
/// pass the Origin check).
fn changes(method: &Method) -> bool {
    matches!(method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE")
}

/// `path` with its `%XX` escapes decoded (a client may escape the `:` of
/// an `automerge:` URL); `None` if an escape is broken or the result is
/// not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    if !path.contains('%') {
        return Some(path.to_owned());
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// One endpoint of the API: a path, with its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint<'a> {
    Me,
    MePassword,
    Setup,
    Session,
    Partnerships,
    Partnership(&'a str),
    Charter(&'a str),
    PartnershipDocuments(&'a str),
    Document(&'a str),
    History(&'a str),
    Members(&'a str),
    Member(&'a str, &'a str),
    Invitations(&'a str),
    Invitation(&'a str, &'a str),
    InspectInvitation,
    AcceptInvitation,
    Tokens(&'a str),
    Token(&'a str, &'a str),
    Audit(&'a str),
}

impl<'a> Endpoint<'a> {
    fn parse(path: &'a str) -> Option<Endpoint<'a>> {
        let rest = path.strip_prefix("/api/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(match segments.as_slice() {
            ["me"] => Endpoint::Me,
            ["me", "password"] => Endpoint::MePassword,
            ["setup"] => Endpoint::Setup,
            ["session"] => Endpoint::Session,
            ["partnerships"] => Endpoint::Partnerships,
            ["partnerships", p] => Endpoint::Partnership(p),
            ["partnerships", p, "charter"] => Endpoint::Charter(p),
            ["partnerships", p, "documents"] => Endpoint::PartnershipDocuments(p),
            ["partnerships", p, "members"] => Endpoint::Members(p),
            ["partnerships", p, "members", u] => Endpoint::Member(p, u),
            ["partnerships", p, "invitations"] => Endpoint::Invitations(p),
            ["partnerships", p, "invitations", i] => Endpoint::Invitation(p, i),
            ["partnerships", p, "tokens"] => Endpoint::Tokens(p),
            ["partnerships", p, "tokens", t] => Endpoint::Token(p, t),
            ["partnerships", p, "audit"] => Endpoint::Audit(p),
            ["documents", d] => Endpoint::Document(d),
            ["documents", d, "history"] => Endpoint::History(d),
            ["invitations", "inspect"] => Endpoint::InspectInvitation,
            ["invitations", "accept"] => Endpoint::AcceptInvitation,
            _ => return None,
        })
    }

    /// The methods the endpoint takes, as an `Allow` header says them.
    fn allow(&self) -> &'static str {
        match self {
            Endpoint::Me => "GET, PATCH",
            Endpoint::Setup => "GET, POST",
            Endpoint::Session => "POST, DELETE",
            Endpoint::Partnership(_)
            | Endpoint::Document(_)
            | Endpoint::History(_)
            | Endpoint::Members(_)
            | Endpoint::Audit(_) => "GET",
            Endpoint::Charter(_) => "PUT",
            Endpoint::Member(_, _) => "PUT, DELETE",
            Endpoint::Invitations(_) | Endpoint::Tokens(_) => "GET, POST",
            Endpoint::Invitation(_, _) | Endpoint::Token(_, _) => "DELETE",
            Endpoint::MePassword
            | Endpoint::Partnerships
            | Endpoint::PartnershipDocuments(_)
            | Endpoint::InspectInvitation
            | Endpoint::AcceptInvitation => "POST",
        }
    }

    /// The endpoint as documented, ids as placeholders (for messages and
    /// logs).
    fn pattern(&self) -> &'static str {
        match self {
            Endpoint::Me => "/api/me",
            Endpoint::MePassword => "/api/me/password",
            Endpoint::Setup => "/api/setup",
            Endpoint::Session => "/api/session",
            Endpoint::Partnerships => "/api/partnerships",
            Endpoint::Partnership(_) => "/api/partnerships/:id",
            Endpoint::Charter(_) => "/api/partnerships/:id/charter",
            Endpoint::PartnershipDocuments(_) => "/api/partnerships/:id/documents",
            Endpoint::Document(_) => "/api/documents/:document",
            Endpoint::History(_) => "/api/documents/:document/history",
            Endpoint::Members(_) => "/api/partnerships/:id/members",
            Endpoint::Member(_, _) => "/api/partnerships/:id/members/:user",
            Endpoint::Invitations(_) => "/api/partnerships/:id/invitations",
            Endpoint::Invitation(_, _) => "/api/partnerships/:id/invitations/:invitation",
            Endpoint::InspectInvitation => "/api/invitations/inspect",
            Endpoint::AcceptInvitation => "/api/invitations/accept",
            Endpoint::Tokens(_) => "/api/partnerships/:id/tokens",
            Endpoint::Token(_, _) => "/api/partnerships/:id/tokens/:token",
            Endpoint::Audit(_) => "/api/partnerships/:id/audit",
        }
    }

    fn allows(&self, method: &Method) -> bool {
        self.allow().split(", ").any(|m| m == method.as_str())
    }
}

async fn dispatch(ctx: &Ctx, endpoint: Endpoint<'_>) -> Reply {
    use Endpoint as E;
    match (endpoint, ctx.method.as_str()) {
        (E::Me, "GET") => account::me(ctx).await,
        (E::Me, "PATCH") => account::update_me(ctx).await,
        (E::MePassword, "POST") => account::change_password(ctx).await,
        (E::Setup, "GET") => account::setup_needed(ctx).await,
        (E::Setup, "POST") => account::setup(ctx).await,
        (E::Session, "POST") => account::sign_in(ctx).await,
        (E::Session, "DELETE") => account::sign_out(ctx).await,
        (E::InspectInvitation, "POST") => account::inspect_invitation(ctx).await,
        (E::AcceptInvitation, "POST") => account::accept_invitation(ctx).await,
        (E::Partnerships, "POST") => partnerships::create(ctx).await,
        (E::Partnership(p), "GET") => partnerships::get(ctx, p).await,
        (E::Charter(p), "PUT") => partnerships::set_charter(ctx, p).await,
        (E::PartnershipDocuments(p), "POST") => partnerships::claim_document(ctx, p).await,
        (E::Document(d), "GET") => partnerships::document(ctx, d).await,
        (E::History(d), "GET") => partnerships::history(ctx, d).await,
        (E::Members(p), "GET") => partnerships::members(ctx, p).await,
        (E::Member(p, u), "PUT") => partnerships::set_role(ctx, p, u).await,
        (E::Member(p, u), "DELETE") => partnerships::remove_member(ctx, p, u).await,
        (E::Invitations(p), "GET") => partnerships::invitations(ctx, p).await,
        (E::Invitations(p), "POST") => partnerships::invite(ctx, p).await,
        (E::Invitation(p, i), "DELETE") => partnerships::revoke_invitation(ctx, p, i).await,
        (E::Tokens(p), "GET") => partnerships::tokens(ctx, p).await,
        (E::Tokens(p), "POST") => partnerships::create_token(ctx, p).await,
        (E::Token(p, t), "DELETE") => partnerships::revoke_token(ctx, p, t).await,
        (E::Audit(p), "GET") => partnerships::audit(ctx, p).await,
        _ => Err(ApiError::not_found("endpoint")),
    }
}

/// One API request: who asks, from where, with what.
pub(crate) struct Ctx {
    shared: Arc<Shared>,
    store: Arc<AccessStore>,
    /// Where the request comes from (the client behind a trusted proxy).
    remote: Remote,
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    /// Who the caller is, once [`Ctx::authenticate`] found out.
    caller: Option<Authenticated>,
    /// The request carried a session cookie the store no longer knows.
    stale_cookie: bool,
    body: Bytes,
}

impl Ctx {
    /// The client's address, as rate limits count it.
    fn ip(&self) -> IpAddr {
        self.remote.client
    }

    /// Identifies the caller by token or cookie (see the module docs). A
    /// credential the store knows is accepted whatever the address's
    /// failures; only an unknown token counts as one (and is answered 429
    /// while the address is limited).
    async fn authenticate(&mut self) -> Result<(), ApiError> {
        let Some(credential) = auth::api_credential(&self.headers) else {
            return Ok(());
        };
        match auth::identify(&self.store, &credential).await? {
            Some(found) => self.caller = Some(found),
            None => match credential {
                Credential::Token(_) => {
                    if let Some(wait) = self.shared.auth_failures.retry_after(self.ip()) {
                        return Err(self.limited(wait));
                    }
                    self.failed("request with an unknown API token refused");
                    return Err(ApiError::unauthenticated(self.setup_needed().await?));
                }
                Credential::Session(_) => self.stale_cookie = true,
            },
        }
        Ok(())
    }

    /// Refuses a change request from another site, unless an API token
    /// (which browsers never attach by themselves) authenticates it.
    fn check_origin(&self) -> Result<(), ApiError> {
        let by_token = self
            .caller
            .as_ref()
            .is_some_and(|c| matches!(c.principal, Principal::Token { .. }));
        if changes(&self.method)
            && !by_token
            && !auth::origin_allowed(&self.headers, self.shared.config.public_url.as_deref())
        {
            self.shared.metrics.error("api_foreign_origin");
            tracing::warn!(remote = %self.remote, "API change request from a foreign Origin refused");
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "foreign_origin",
                "a change request from another site is refused",
            ));
        }
        Ok(())
    }

    /// Reads a JSON body of at most [`MAX_BODY_BYTES`].
    async fn read_body(&self, body: Incoming) -> Result<Bytes, ApiError> {
        let content_type = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::trim);
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("a request body is at most {} KiB", MAX_BODY_BYTES / 1024),
            )
        };
        let declared = self
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(too_large());
        }
        let is_json = content_type.is_some_and(|t| t.eq_ignore_ascii_case("application/json"));
        if !is_json {
            // A DELETE needs no body; one without a body needs no type.
            if self.method == Method::DELETE && declared.unwrap_or(0) == 0 {
                return Ok(Bytes::new());
            }
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON, with Content-Type: application/json",
            ));
        }
        let reading = Limited::new(body, MAX_BODY_BYTES).collect();
        match tokio::time::timeout(self.shared.config.limits.handshake_timeout, reading).await {
            Err(_) => Err(ApiError::invalid("the request body did not arrive in time")),
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
            Ok(Err(_)) => Err(ApiError::invalid("the request body could not be read")),
        }
    }

    /// The body as a `T`; 400 naming what is wrong otherwise.
    fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.body.is_empty() {
            return Err(ApiError::invalid("a JSON body is required"));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::invalid(format!("the JSON body is not valid: {e}")))
    }

    /// Whether no user exists yet (for 401 answers).
    async fn setup_needed(&self) -> Result<bool, ApiError> {
        Ok(!self.store.has_users().await?)
    }

    /// The caller; 401 if nobody is signed in.
    async fn caller(&self) -> Result<&Authenticated, ApiError> {
        match &self.caller {
            Some(caller) => Ok(caller),
            None => Err(ApiError::unauthenticated(self.setup_needed().await?)),
        }
    }

    /// The signed-in user; 401 if nobody, 403 for an API token.
    async fn user(&self) -> Result<&User, ApiError> {
        self.caller()
            .await?
            .principal
            .user()
            .ok_or_else(|| ApiError::forbidden("API tokens cannot do this; sign in"))
    }

    /// The caller's role in partnership `id` (a path segment); 404 if the
    /// id is malformed, the partnership unknown, or the caller has no role
    /// there (which looks the same).
    async fn role_in(&self, id: &str) -> Result<(PartnershipId, Role), ApiError> {
        let caller = self.caller().await?;
        let partnership =
            PartnershipId::parse(id).map_err(|_| ApiError::not_found("partnership"))?;
        match self.store.role_for(&caller.principal, &partnership).await? {
            Some(role) => Ok((partnership, role)),
            None => Err(ApiError::not_found("partnership")),
        }
    }

    /// The caller as an owner of partnership `id`; 403 for other members
    /// and API tokens, 404 for everyone else.
    async fn owner_of(&self, id: &str) -> Result<(PartnershipId, Actor), ApiError> {
        let (partnership, role) = self.role_in(id).await?;
        let principal = &self.caller().await?.principal;
        if matches!(principal, Principal::Token { .. }) {
            return Err(ApiError::forbidden(
                "API tokens cannot manage members, invitations, tokens or the audit log",
            ));
        }
        if !role.can_manage() {
            return Err(ApiError::forbidden(
                "only owners of the partnership may do this",
            ));
        }
        Ok((partnership, principal.actor()))
    }

    /// Counts a request that costs the server (sign-in, setup,
    /// invitations, token creation): 429 over [`MAX_ATTEMPTS`], or while
    /// the address is limited for failures.
    fn attempt(&self) -> Result<(), ApiError> {
        if let Some(wait) = self.shared.auth_failures.retry_after(self.ip()) {
            return Err(self.limited(wait));
        }
        self.shared
            .api_attempts
            .admit(self.ip())
            .map_err(|wait| self.limited(wait))
    }

    /// Counts a costly request of a signed-in caller (token creation):
    /// 429 over [`MAX_ATTEMPTS`]. Unlike [`Ctx::attempt`], others' failed
    /// authentications from the same address do not hold it up: a valid
    /// session is never refused because its address is limited.
    fn attempt_signed_in(&self) -> Result<(), ApiError> {
        self.shared
            .api_attempts
            .admit(self.ip())
            .map_err(|wait| self.limited(wait))
    }

    fn limited(&self, wait: Duration) -> ApiError {
        self.shared.metrics.error("auth_rate_limited");
        tracing::warn!(remote = %self.remote, "too many attempts: API request refused");
        ApiError::rate_limited(wait)
    }

    /// Counts and logs a failed attempt (with the address only).
    fn failed(&self, what: &'static str) {
        self.shared.metrics.error("auth_failed");
        let failures = self.shared.auth_failures.fail(self.ip()).unwrap_or(0);
        tracing::warn!(remote = %self.remote, failures, "{what}");
    }

    /// `Set-Cookie` for a new session.
    fn session_cookie(&self, secret: &Secret) -> Result<HeaderValue, ApiError> {
        let max_age = self.store.session_lifetime().as_secs();
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{}",
            secret.expose(),
            self.secure()
        ))
        .map_err(|_| ApiError::internal("a session secret is not a valid cookie value"))
    }

    /// `Set-Cookie` that removes the session cookie.
    fn clear_cookie(&self) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}",
            self.secure()
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("mitra_session=; Path=/; Max-Age=0"))
    }

    /// `; Secure` when people reach this server over https: its
    /// `public_url` says so, or a TLS-terminating proxy in front of it (the
    /// Compose `https` profile's Caddy) sends `X-Forwarded-Proto: https`.
    /// Trusting that header cannot hurt anyone else: a client that forges it
    /// over plain HTTP only gets a cookie its own browser will not send back.
    fn secure(&self) -> &'static str {
        if self.scheme() == "https" {
            "; Secure"
        } else {
            ""
        }
    }

    /// `https` or `http`, as in [`Ctx::secure`].
    fn scheme(&self) -> &'static str {
        let public_https = self
            .shared
            .config
            .public_url
            .as_deref()
            .and_then(|u| u.get(..8))
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        let forwarded_https = self
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        if public_https || (self.shared.config.public_url.is_none() && forwarded_https) {
            "https"
        } else {
            "http"
        }
    }

    /// Where people open this server: `public_url`, else `http://` and the
    /// request's `Host` (when it looks like a host), else the listen
    /// address. No trailing slash.
    fn base_url(&self) -> String {
        if let Some(public) = &self.shared.config.public_url {
            return public.trim_end_matches('/').to_owned();
        }
        let host = self
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.len() <= 255
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            });
        match host {
            Some(host) => format!("{}://{host}", self.scheme()),
            None => format!("http://{}", self.shared.config.listen),
        }
    }

    /// A query parameter (only non-secret ones are ever read).
    fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    }
}

/// A JSON response.
fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Reply {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal(format!("rendering a response: {e}")))?;
    Ok(fixed(status, "application/json", body))
}

/// 204 No Content.
fn no_content() -> Response<Body> {
    let mut response = fixed(StatusCode::NO_CONTENT, "application/json", Bytes::new());
    response.headers_mut().remove(header::CONTENT_TYPE);
    response
}

/// `response` with a `Set-Cookie` header.
fn with_cookie(mut response: Response<Body>, cookie: HeaderValue) -> Response<Body> {
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_endpoints_and_their_methods() {
        assert_eq!(Endpoint::parse("/api/me"), Some(Endpoint::Me));
        assert_eq!(
            Endpoint::parse("/api/partnerships/P/members/U"),
            Some(Endpoint::Member("P", "U"))
        );
        assert_eq!(
            Endpoint::parse("/api/documents/D/history"),
            Some(Endpoint::History("D"))
        );
        for missing in [
            "/api",
            "/api/",
            "/api/me/",
            "/api//me",
            "/api/partnerships/P/unknown",
            "/api/documents",
        ] {
            assert_eq!(Endpoint::parse(missing), None, "{missing}");
        }
        assert!(Endpoint::Me.allows(&Method::PATCH));
        assert!(!Endpoint::Me.allows(&Method::POST));
        assert!(Endpoint::Token("P", "T").allows(&Method::DELETE));
        assert!(!Endpoint::Token("P", "T").allows(&Method::GET));
        assert!(!Endpoint::Session.allows(&Method::HEAD));
        assert!(!Endpoint::Members("P").allows(&Method::POST));
    }

    #[test]
    fn escaped_paths_are_decoded() {
        assert_eq!(percent_decode("/api/me").unwrap(), "/api/me");
        assert_eq!(
            percent_decode("/api/documents/automerge%3Aabc").unwrap(),
            "/api/documents/automerge:abc"
        );
        assert_eq!(percent_decode("/api/%4"), None);
        assert_eq!(percent_decode("/api/%+1x"), None);
        assert_eq!(percent_decode("/api/%FF"), None);
    }
}
