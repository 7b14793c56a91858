//! The JSON objects the API answers with (see `docs/api.md`): built from
//! the access store's records, never carrying a secret unless the object
//! is the one-time answer that must.

use mitra_access::{
    Actor, Attribution, InvitationId, InvitationInfo, InvitationStatus, Member, Partnership,
    PartnershipId, PartnershipRole, Role, TokenId, TokenInfo, User, UserId,
};
use serde::Serialize;
use time::OffsetDateTime;

/// A partnership as seen by one member (or token): with their role.
#[derive(Debug, Clone, Serialize)]
pub struct PartnershipView {
    /// Its id.
    pub id: PartnershipId,
    /// Its name.
    pub name: String,
    /// Its charter document's id, once set.
    pub charter: Option<String>,
    /// The caller's role there.
    pub role: Role,
}

impl PartnershipView {
    /// `partnership` as seen with `role`.
    pub fn new(partnership: Partnership, role: Role) -> PartnershipView {
        PartnershipView {
            id: partnership.id,
            name: partnership.name,
            charter: partnership.charter,
            role,
        }
    }
}

impl From<PartnershipRole> for PartnershipView {
    fn from(found: PartnershipRole) -> PartnershipView {
        PartnershipView::new(found.partnership, found.role)
    }
}

/// An API token as `GET /api/me` describes the caller.
#[derive(Debug, Clone, Serialize)]
pub struct TokenSelf {
    /// Its id.
    pub id: TokenId,
    /// Its label.
    pub label: String,
    /// Its role in its partnership.
    pub role: Role,
}

/// Who the caller is: `GET /api/me` and what signing in answers.
#[derive(Debug, Clone, Serialize)]
pub struct Me {
    /// `required` (with `auth = open` the answer is `{"auth": "open"}`).
    pub auth: &'static str,
    /// The signed-in user (`null` for an API token).
    pub user: Option<User>,
    /// The API token, when a token is the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<TokenSelf>,
    /// The caller's partnerships with their role in each, oldest first.
    pub partnerships: Vec<PartnershipView>,
}

/// A member of a partnership.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    /// The user.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// When they joined.
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
}

impl From<Member> for MemberView {
    fn from(member: Member) -> MemberView {
        MemberView {
            user: member.user,
            role: member.role,
            added_at: member.added_at,
        }
    }
}

/// A document's place: its partnership and the caller's role there.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    /// The document id.
    pub document: String,
    /// Its partnership.
    pub partnership: PartnershipView,
    /// The caller's role there.
    pub role: Role,
}

/// A document claimed for a partnership.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimedView {
    /// The document id.
    pub document: String,
    /// The partnership's id.
    pub partnership: PartnershipId,
    /// The caller's role there.
    pub role: Role,
}

/// One change in a document's history.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// The automerge change hash, hex.
    pub hash: String,
    /// When the server accepted it.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The user who delivered it, if a user did.
    pub user_id: Option<UserId>,
    /// The API token that delivered it, if a token did.
    pub token_id: Option<TokenId>,
    /// Their display name then (a token's label).
    pub display_name: String,
    /// Their organisation then (empty for a token).
    pub organisation: String,
}

impl From<Attribution> for ChangeView {
    fn from(a: Attribution) -> ChangeView {
        ChangeView {
            hash: a.change_hash,
            at: a.at,
            user_id: a.user_id,
            token_id: a.token_id,
            display_name: a.display_name,
            organisation: a.organisation,
        }
    }
}

/// A document's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// The document id.
    pub document: String,
    /// Its changes in the order the server accepted them.
    pub changes: Vec<ChangeView>,
}

/// A new invitation: the only time its secret is shown.
#[derive(Debug, Clone, Serialize)]
pub struct NewInvitationView {
    /// Its id.
    pub id: InvitationId,
    /// The role it gives.
    pub role: Role,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// The secret of its link.
    pub secret: String,
    /// The link to send: `BASE/#/invite/<secret>`.
    pub link: String,
}

/// An invitation as owners list it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    /// Its id.
    pub id: InvitationId,
    /// The role it gives.
    pub role: Role,
    /// Who created it.
    pub created_by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Where it stands.
    pub status: InvitationStatus,
}

impl From<InvitationInfo> for InvitationView {
    fn from(i: InvitationInfo) -> InvitationView {
        InvitationView {
            id: i.id,
            role: i.role,
            created_by: i.created_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
            status: i.status,
        }
    }
}

/// The partnership an invitation leads to, as its landing page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitedTo {
    /// Its id.
    pub id: PartnershipId,
    /// Its name.
    pub name: String,
}

/// What an invitation offers (`POST /api/invitations/inspect`).
#[derive(Debug, Clone, Serialize)]
pub struct InspectedInvitation {
    /// The partnership.
    pub partnership: InvitedTo,
    /// The role it gives.
    pub role: Role,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Where it stands.
    pub status: InvitationStatus,
}

impl From<InvitationInfo> for InspectedInvitation {
    fn from(i: InvitationInfo) -> InspectedInvitation {
        InspectedInvitation {
            partnership: InvitedTo {
                id: i.partnership.id,
                name: i.partnership.name,
            },
            role: i.role,
            expires_at: i.expires_at,
            status: i.status,
        }
    }
}

/// An API token as owners list it (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Its id.
    pub id: TokenId,
    /// Its label.
    pub label: String,
    /// Editor or viewer.
    pub role: Role,
    /// Who created it.
    pub created_by: Actor,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<TokenInfo> for TokenView {
    fn from(t: TokenInfo) -> TokenView {
        TokenView {
            id: t.id,
            label: t.label,
            role: t.role,
            created_by: t.created_by,
            created_at: t.created_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new API token: the only time its secret is shown.
#[derive(Debug, Clone, Serialize)]
pub struct NewTokenView {
    /// Its id.
    pub id: TokenId,
    /// Its label.
    pub label: String,
    /// Editor or viewer.
    pub role: Role,
    /// The token itself.
    pub secret: String,
}
