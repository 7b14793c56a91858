//! The records the store keeps and hands out.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{Actor, AuditId, InvitationId, PartnershipId, Role, SessionId, TokenId, UserId};

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// The login name, unique ignoring case (stored as typed).
    pub username: String,
    /// The name shown to others, on presence, history and the audit log.
    pub display_name: String,
    /// The organisation the person speaks for.
    pub organisation: String,
    /// When the account was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What it takes to create a user.
///
/// `password` is `None` for a user who signs in only through an external
/// identity provider (see [`crate::identity`]). Its `Debug` hides the
/// password.
#[derive(Clone, Default)]
pub struct NewUser {
    /// The login name: 1 to 64 characters, no whitespace or control
    /// characters; unique ignoring case.
    pub username: String,
    /// The local password, at least 8 characters.
    pub password: Option<String>,
    /// The name shown to others: 1 to 200 characters.
    pub display_name: String,
    /// The person's organisation: 1 to 200 characters.
    pub organisation: String,
}

impl NewUser {
    /// A user with a local password.
    pub fn with_password(
        username: impl Into<String>,
        password: impl Into<String>,
        display_name: impl Into<String>,
        organisation: impl Into<String>,
    ) -> NewUser {
        NewUser {
            username: username.into(),
            password: Some(password.into()),
            display_name: display_name.into(),
            organisation: organisation.into(),
        }
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("display_name", &self.display_name)
            .field("organisation", &self.organisation)
            .finish()
    }
}

/// A partnership: the organisations that keep one record together, and the
/// unit every document, member and token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    /// Stable id.
    pub id: PartnershipId,
    /// Its name.
    pub name: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The id of its charter document (the partnership's home in the web
    /// client), once one is set.
    pub charter: Option<String>,
}

/// A user's role in a partnership.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// The member.
    pub user: UserId,
    /// The partnership.
    pub partnership: PartnershipId,
    /// What the member may do there.
    pub role: Role,
}

/// A member as listed for a partnership: the user and their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The user.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// When they joined.
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
}

/// A partnership as listed for one of its members, with the member's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnershipRole {
    /// The partnership.
    pub partnership: Partnership,
    /// The member's role in it.
    pub role: Role,
}

/// Who a connection or request is, once authenticated.
///
/// The memberships of a `User` principal are a snapshot taken when it was
/// built, for showing; every authorization decision of the store
/// ([`crate::AccessStore::role_for`], `may_read`, `may_write`,
/// `claim_document`) reads the current memberships and token state from the
/// database, so a stale principal never keeps a right that was taken away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    /// A signed-in user.
    User {
        /// The user.
        user: User,
        /// Their memberships when the principal was built.
        memberships: Vec<Membership>,
    },
    /// An API token, bound to one partnership and role.
    Token {
        /// The token's id (not its secret).
        token_id: TokenId,
        /// The one partnership it reaches.
        partnership: PartnershipId,
        /// Its role there: editor or viewer.
        role: Role,
        /// Its label, which stands for the name in attribution.
        label: String,
    },
}

impl Principal {
    /// The actor to record for what this principal does.
    pub fn actor(&self) -> Actor {
        match self {
            Principal::User { user, .. } => Actor::User(user.id.clone()),
            Principal::Token { token_id, .. } => Actor::Token(token_id.clone()),
        }
    }

    /// The user, for a user principal.
    pub fn user(&self) -> Option<&User> {
        match self {
            Principal::User { user, .. } => Some(user),
            Principal::Token { .. } => None,
        }
    }

    /// The token id, for a token principal.
    pub fn token_id(&self) -> Option<&TokenId> {
        match self {
            Principal::User { .. } => None,
            Principal::Token { token_id, .. } => Some(token_id),
        }
    }

    /// What the server records as the author of a change this principal
    /// delivered: a user's display name and organisation; for a token, its
    /// label and an empty organisation.
    pub fn change_record(&self, change_hash: impl Into<String>) -> ChangeRecord {
        let (display_name, organisation) = match self {
            Principal::User { user, .. } => (user.display_name.clone(), user.organisation.clone()),
            Principal::Token { label, .. } => (label.clone(), String::new()),
        };
        ChangeRecord {
            change_hash: change_hash.into(),
            actor: self.actor(),
            display_name,
            organisation,
        }
    }
}

/// A signed-in session (what a session cookie stands for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Its id (not its secret): what [`crate::AccessChange::SessionEnded`]
    /// names.
    pub id: SessionId,
    /// The signed-in user.
    pub user: User,
    /// When the user signed in.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the session stops working (fixed at sign-in).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// An API token as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Its id.
    pub id: TokenId,
    /// The partnership it reaches.
    pub partnership: PartnershipId,
    /// Editor or viewer.
    pub role: Role,
    /// What it is for, as its creator described it.
    pub label: String,
    /// Who created it (an owner, or the system for the command line).
    pub created_by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Can be accepted.
    Pending,
    /// Was accepted (invitations are single use).
    Used,
    /// Its expiry has passed.
    Expired,
    /// An owner revoked it, or its creator is no longer an owner of the
    /// partnership.
    Revoked,
}

/// An invitation as shown on its landing page or listed for owners (never
/// with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    /// Its id.
    pub id: InvitationId,
    /// The partnership it invites to.
    pub partnership: Partnership,
    /// The role the invited person gets.
    pub role: Role,
    /// Who created it.
    pub created_by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Who accepted it, if someone did.
    pub used_by: Option<UserId>,
    /// Where it stands now.
    pub status: InvitationStatus,
}

/// A principal's access to one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentAccess {
    /// The partnership the document belongs to.
    pub partnership: PartnershipId,
    /// The principal's role there.
    pub role: Role,
}

impl DocumentAccess {
    /// May the principal change the document?
    pub fn can_write(&self) -> bool {
        self.role.can_write()
    }
}

/// One change the server accepted, with who delivered it, for
/// [`crate::AccessStore::record_changes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// The automerge change hash, hex.
    pub change_hash: String,
    /// The authenticated user or token that delivered it.
    pub actor: Actor,
    /// Their display name at the time (a token's label).
    pub display_name: String,
    /// Their organisation at the time (empty for a token).
    pub organisation: String,
}

/// Who delivered a change, as the server attested it when it accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The automerge change hash, hex.
    pub change_hash: String,
    /// The user who delivered it, if a user did.
    pub user_id: Option<UserId>,
    /// The token that delivered it, if a token did.
    pub token_id: Option<TokenId>,
    /// Their display name at the time.
    pub display_name: String,
    /// Their organisation at the time.
    pub organisation: String,
    /// When the server accepted it.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What happened, in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// The first owner and partnership were created through the setup link.
    SetupCompleted,
    /// A partnership was created.
    PartnershipCreated,
    /// Someone became a member (details: user, role, via).
    MemberAdded,
    /// A member was removed or left (details: user, role).
    MemberRemoved,
    /// A member's role changed (details: user, from, to).
    RoleChanged,
    /// An owner created an invitation (details: invitation, role, expires_at).
    InvitationCreated,
    /// An invitation was accepted (details: invitation, user, role).
    InvitationAccepted,
    /// An owner revoked an invitation (details: invitation), or its
    /// creator was removed, left or stopped being an owner (details:
    /// invitation, created_by, reason: `creator removed`, `creator left` or
    /// `creator no longer owner`).
    InvitationRevoked,
    /// An API token was created (details: token, role, label).
    TokenCreated,
    /// An API token was revoked (details: token, role, label).
    TokenRevoked,
}

impl AuditKind {
    /// The snake_case name, as stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::SetupCompleted => "setup_completed",
            AuditKind::PartnershipCreated => "partnership_created",
            AuditKind::MemberAdded => "member_added",
            AuditKind::MemberRemoved => "member_removed",
            AuditKind::RoleChanged => "role_changed",
            AuditKind::InvitationCreated => "invitation_created",
            AuditKind::InvitationAccepted => "invitation_accepted",
            AuditKind::InvitationRevoked => "invitation_revoked",
            AuditKind::TokenCreated => "token_created",
            AuditKind::TokenRevoked => "token_revoked",
        }
    }

    /// The inverse of [`AuditKind::as_str`].
    pub fn parse(text: &str) -> Option<AuditKind> {
        [
            AuditKind::SetupCompleted,
            AuditKind::PartnershipCreated,
            AuditKind::MemberAdded,
            AuditKind::MemberRemoved,
            AuditKind::RoleChanged,
            AuditKind::InvitationCreated,
            AuditKind::InvitationAccepted,
            AuditKind::InvitationRevoked,
            AuditKind::TokenCreated,
            AuditKind::TokenRevoked,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for AuditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the audit log of membership, role, invitation and token
/// events. Login failures are not here: they go to the server's log.
/// `details` never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the log.
    pub id: AuditId,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who did it.
    pub actor: Actor,
    /// The partnership concerned.
    pub partnership: Option<PartnershipId>,
    /// What happened.
    pub kind: AuditKind,
    /// The specifics, as a JSON object (ids, roles, names).
    pub details: serde_json::Value,
}

/// The first owner and partnership, made by
/// [`crate::AccessStore::complete_setup`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupOutcome {
    /// The first owner.
    pub user: User,
    /// The first partnership.
    pub partnership: Partnership,
}

/// A change of someone's access that live connections must act on: sent on
/// the channel of [`crate::AccessStore::subscribe`] after the change is
/// committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessChange {
    /// A user is no longer a member of a partnership: close their
    /// connections' access to its documents.
    MemberRemoved {
        /// The former member.
        user: UserId,
        /// The partnership.
        partnership: PartnershipId,
    },
    /// A member's role changed (e.g. editor to viewer): re-check their
    /// connections' rights in that partnership.
    RoleChanged {
        /// The member.
        user: UserId,
        /// The partnership.
        partnership: PartnershipId,
        /// The new role.
        role: Role,
    },
    /// An API token was revoked: close the connections it opened.
    TokenRevoked {
        /// The token.
        token: TokenId,
        /// The partnership it reached.
        partnership: PartnershipId,
    },
    /// One session ended (sign-out): close the connections it opened.
    SessionEnded {
        /// The session.
        session: SessionId,
        /// Its user.
        user: UserId,
    },
    /// Every session of a user ended (password change, administrator):
    /// close every connection of that user opened with a session.
    SessionsEnded {
        /// The user.
        user: UserId,
    },
}
