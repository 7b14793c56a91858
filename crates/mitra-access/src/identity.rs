//! The seam between "who is this person" (an identity provider) and "what
//! may they do" (the store's users, memberships and sessions).
//!
//! Every way of signing in ends in the same place: an [`IdentityProvider`]
//! turns credentials into a [`User`] of the store, and the server then calls
//! [`AccessStore::create_session`] for that user and sets the cookie. Roles,
//! partnerships and attribution never depend on how the person signed in.
//!
//! Two providers exist:
//!
//! - [`LocalPasswords`]: username and password checked against the Argon2id
//!   hash in the store (what a self-hosting partnership runs with no outside
//!   service).
//! - [`LinkedIdentities`]: an identity an external provider has *already
//!   verified*, `(issuer, subject)`, looked up in the store's
//!   `external_identities` table ([`AccessStore::link_external_identity`]).
//!
//! # How OpenID Connect plugs in
//!
//! OpenID Connect needs HTTP (discovery, the authorization-code flow with
//! PKCE, the token endpoint, the issuer's signing keys), so it belongs to
//! the server, not to this crate. The server's OIDC module:
//!
//! 1. redirects to the issuer with `state`, `nonce` and a PKCE challenge;
//! 2. on the callback, exchanges the code and validates the ID token
//!    (signature against the issuer's JWKS, `iss`, `aud`, `exp`, `nonce`);
//! 3. builds an [`ExternalIdentity`] `{ issuer: iss, subject: sub }` and
//!    calls [`LinkedIdentities::authenticate`] with it;
//! 4. if no user is linked yet, either links the identity to a signed-in
//!    local user (settings page: "connect my organisation's account"), or
//!    provisions one: an invitation link accepted through OIDC creates the
//!    user with [`AccessStore::create_user`] (no password, display name and
//!    organisation from the `name` claim and the provider's configuration),
//!    then [`AccessStore::link_external_identity`] and
//!    [`AccessStore::accept_invitation`].
//!
//! Users created that way have no password, so the password provider never
//! accepts them; the `(issuer, subject)` pair, not the e-mail address, is
//! the key, as the OpenID Connect specification asks.

use std::fmt;
use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::{AccessError, AccessStore, User};

/// A person as an external identity provider knows them: the provider's
/// issuer URL and the subject (`sub`) it gives that person. Stable, unlike
/// e-mail addresses and names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExternalIdentity {
    /// The issuer (`iss`), e.g. `https://login.example.org`.
    pub issuer: String,
    /// The subject (`sub`), unique within the issuer.
    pub subject: String,
}

/// Turns credentials into a user of the store.
pub trait IdentityProvider: Send + Sync {
    /// What the provider checks.
    type Credentials: Send;

    /// A short name for logs and settings (`password`, `oidc:<issuer>`).
    fn name(&self) -> &str;

    /// The user the credentials prove, or
    /// [`AccessError::InvalidCredentials`] (without saying which part was
    /// wrong).
    fn authenticate(
        &self,
        store: &AccessStore,
        credentials: Self::Credentials,
    ) -> impl Future<Output = Result<User, AccessError>> + Send;
}

/// A username and password typed into the sign-in form. `Debug` hides the
/// password.
#[derive(Clone)]
pub struct PasswordCredentials {
    /// The username (any case).
    pub username: String,
    /// The password.
    pub password: String,
}

impl fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordCredentials")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .finish()
    }
}

/// Local accounts: usernames and Argon2id password hashes in the store.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalPasswords;

impl IdentityProvider for LocalPasswords {
    type Credentials = PasswordCredentials;

    fn name(&self) -> &str {
        "password"
    }

    async fn authenticate(
        &self,
        store: &AccessStore,
        credentials: PasswordCredentials,
    ) -> Result<User, AccessError> {
        store
            .verify_login(&credentials.username, &credentials.password)
            .await
    }
}

/// Identities already verified by an external provider (OpenID Connect),
/// mapped to users through the store's link table. Only identities of the
/// configured issuer are accepted.
#[derive(Debug, Clone)]
pub struct LinkedIdentities {
    issuer: String,
    name: String,
}

impl LinkedIdentities {
    /// Accepts identities issued by `issuer`.
    pub fn new(issuer: impl Into<String>) -> LinkedIdentities {
        let issuer = issuer.into();
        let name = format!("oidc:{issuer}");
        LinkedIdentities { issuer, name }
    }
}

impl IdentityProvider for LinkedIdentities {
    type Credentials = ExternalIdentity;

    fn name(&self) -> &str {
        &self.name
    }

    async fn authenticate(
        &self,
        store: &AccessStore,
        identity: ExternalIdentity,
    ) -> Result<User, AccessError> {
        if identity.issuer != self.issuer {
            return Err(AccessError::InvalidCredentials);
        }
        store
            .user_by_external_identity(&identity)
            .await?
            .ok_or(AccessError::InvalidCredentials)
    }
}
