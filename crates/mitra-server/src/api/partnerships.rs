//! Partnerships and what belongs to them: documents, members,
//! invitations, API tokens and the audit log.

use std::time::Duration;

use hyper::StatusCode;
use hyper::header::{self, HeaderValue};
use mitra_access::{AccessError, InvitationId, PartnershipId, Role, TokenId, UserId};
use mitra_protocol::DocumentId;
use serde::Deserialize;

use super::views::{
    ChangeView, ClaimedView, DocumentView, HistoryView, InvitationView, MemberView,
    NewInvitationView, NewTokenView, PartnershipView, TokenView,
};
use super::{ApiError, Ctx, Reply, json, no_content};
use crate::web::fixed;

/// Default lifetime of an invitation, in hours (a week).
const DEFAULT_INVITATION_HOURS: u64 = 168;
/// Longest lifetime of an invitation the API creates, in hours (30 days).
const MAX_INVITATION_HOURS: u64 = 720;

/// A document id from a request body: a bare id or an `automerge:` URL;
/// 400 otherwise. Returns the bare id, as the sync layer keys it.
fn body_document(text: &str) -> Result<String, ApiError> {
    DocumentId::parse_url_or_id(text.trim())
        .map(|id| id.to_string())
        .map_err(|e| ApiError::invalid(format!("document: {e}")))
}

/// A document id from the path; 404 when malformed.
fn path_document(text: &str) -> Result<String, ApiError> {
    DocumentId::parse_url_or_id(text)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::not_found("document"))
}

/// A role from a request body; 400 otherwise.
fn body_role(text: &str) -> Result<Role, ApiError> {
    text.parse::<Role>()
        .map_err(|e| ApiError::invalid(format!("role: {e}")))
}

/// The partnership `id` as the caller with `role` sees it.
async fn view(ctx: &Ctx, id: &PartnershipId, role: Role) -> Result<PartnershipView, ApiError> {
    let partnership = ctx
        .store
        .partnership(id)
        .await?
        .ok_or_else(|| ApiError::not_found("partnership"))?;
    Ok(PartnershipView::new(partnership, role))
}

#[derive(Deserialize)]
struct NewPartnership {
    name: String,
}

/// `POST /api/partnerships`: the caller owns it.
pub(super) async fn create(ctx: &Ctx) -> Reply {
    let user = ctx.user().await?;
    let request: NewPartnership = ctx.json()?;
    let partnership = ctx
        .store
        .create_partnership(&user.id, &request.name)
        .await?;
    tracing::info!(user = %user.id, partnership = %partnership.id, "partnership created");
    json(
        StatusCode::CREATED,
        &PartnershipView::new(partnership, Role::Owner),
    )
}

/// `GET /api/partnerships/:id`.
pub(super) async fn get(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, role) = ctx.role_in(id).await?;
    json(StatusCode::OK, &view(ctx, &partnership, role).await?)
}

#[derive(Deserialize)]
struct DocumentBody {
    document: String,
}

/// `PUT /api/partnerships/:id/charter` (owners).
pub(super) async fn set_charter(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, _) = ctx.owner_of(id).await?;
    let request: DocumentBody = ctx.json()?;
    let document = body_document(&request.document)?;
    let updated = match ctx.store.set_charter(&partnership, &document).await {
        Ok(updated) => updated,
        Err(AccessError::Forbidden(_)) => {
            return Err(ApiError::invalid(
                "document: the charter must be a document of the partnership",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    json(StatusCode::OK, &PartnershipView::new(updated, Role::Owner))
}

/// Whether the sync server has (or holds in memory) content for `document`.
async fn document_exists(ctx: &Ctx, document: &str) -> Result<bool, ApiError> {
    let Ok(id) = document.parse::<DocumentId>() else {
        return Ok(false);
    };
    if ctx.shared.documents.is_loaded(&id) {
        return Ok(true);
    }
    match ctx.shared.storage.load(&id).await {
        Ok(None) => Ok(false),
        Ok(Some(stored)) => Ok(stored.snapshot.is_some() || !stored.chunks.is_empty()),
        Err(e) => Err(ApiError::unavailable(format!(
            "storage failed while checking a document: {e}"
        ))),
    }
}

/// `POST /api/partnerships/:id/documents` (owners and editors): claims a
/// new document id for the partnership before its first sync.
pub(super) async fn claim_document(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, role) = ctx.role_in(id).await?;
    if !role.can_write() {
        return Err(ApiError::forbidden(
            "only owners and editors add documents to a partnership",
        ));
    }
    let request: DocumentBody = ctx.json()?;
    let document = body_document(&request.document)?;
    let claimed = |status, role| {
        json(
            status,
            &ClaimedView {
                document: document.clone(),
                partnership: partnership.clone(),
                role,
            },
        )
    };
    let taken = || ApiError::conflict("the document id belongs to another partnership");
    match ctx.store.document_partnership(&document).await? {
        Some(owner) if owner == partnership => return claimed(StatusCode::OK, role),
        Some(_) => return Err(taken()),
        None => {}
    }
    // A document that exists without a partnership (from before access
    // control) is the operator's to assign, not anyone's to claim.
    if document_exists(ctx, &document).await? {
        return Err(ApiError::conflict(
            "the document exists already; the operator assigns it to a partnership",
        ));
    }
    let principal = &ctx.caller().await?.principal;
    match ctx
        .store
        .claim_document(principal, &document, Some(&partnership))
        .await
    {
        Ok(access) if access.partnership == partnership => {
            tracing::info!(document = %document, partnership = %partnership,
                actor = %principal.actor(), "document claimed before its first sync");
            claimed(StatusCode::CREATED, access.role)
        }
        Ok(_) => Err(taken()),
        Err(AccessError::Forbidden(reason)) => {
            // Claimed for another partnership meanwhile, or the caller's
            // role changed.
            match ctx.store.document_partnership(&document).await? {
                Some(owner) if owner != partnership => Err(taken()),
                _ => Err(ApiError::forbidden(reason)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The caller's access to a document; 404 unless they have a role in its
/// partnership.
async fn document_access(
    ctx: &Ctx,
    document: &str,
) -> Result<(String, mitra_access::DocumentAccess), ApiError> {
    let principal = &ctx.caller().await?.principal;
    let document = path_document(document)?;
    match ctx.store.document_access(principal, &document).await? {
        Some(access) => Ok((document, access)),
        None => Err(ApiError::not_found("document")),
    }
}

/// `GET /api/documents/:document`.
pub(super) async fn document(ctx: &Ctx, document: &str) -> Reply {
    let (document, access) = document_access(ctx, document).await?;
    let partnership = view(ctx, &access.partnership, access.role).await?;
    json(
        StatusCode::OK,
        &DocumentView {
            document,
            partnership,
            role: access.role,
        },
    )
}

/// `GET /api/documents/:document/history`.
pub(super) async fn history(ctx: &Ctx, document: &str) -> Reply {
    let (document, _) = document_access(ctx, document).await?;
    let changes = ctx
        .store
        .history(&document)
        .await?
        .into_iter()
        .map(ChangeView::from)
        .collect();
    json(StatusCode::OK, &HistoryView { document, changes })
}

/// `GET /api/partnerships/:id/members` (any role).
pub(super) async fn members(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, _) = ctx.role_in(id).await?;
    let members: Vec<MemberView> = ctx
        .store
        .members(&partnership)
        .await?
        .into_iter()
        .map(MemberView::from)
        .collect();
    json(StatusCode::OK, &members)
}

fn path_user(text: &str) -> Result<UserId, ApiError> {
    UserId::parse(text).map_err(|_| ApiError::not_found("member"))
}

#[derive(Deserialize)]
struct RoleBody {
    role: String,
}

/// `PUT /api/partnerships/:id/members/:user` (owners).
pub(super) async fn set_role(ctx: &Ctx, id: &str, user: &str) -> Reply {
    let (partnership, actor) = ctx.owner_of(id).await?;
    let user = path_user(user)?;
    let request: RoleBody = ctx.json()?;
    let role = body_role(&request.role)?;
    ctx.store
        .set_role(&actor, &partnership, &user, role)
        .await?;
    tracing::info!(partnership = %partnership, user = %user, %role, actor = %actor, "role changed");
    let member = ctx
        .store
        .members(&partnership)
        .await?
        .into_iter()
        .find(|m| m.user.id == user)
        .ok_or_else(|| ApiError::not_found("member"))?;
    json(StatusCode::OK, &MemberView::from(member))
}

/// `DELETE /api/partnerships/:id/members/:user` (owners; or a member
/// leaving).
pub(super) async fn remove_member(ctx: &Ctx, id: &str, user: &str) -> Reply {
    let (partnership, _) = ctx.role_in(id).await?;
    let user = path_user(user)?;
    let principal = &ctx.caller().await?.principal;
    let leaving = principal.user().is_some_and(|me| me.id == user);
    let actor = if leaving {
        principal.actor()
    } else {
        ctx.owner_of(id).await?.1
    };
    ctx.store.remove_member(&actor, &partnership, &user).await?;
    tracing::info!(partnership = %partnership, user = %user, actor = %actor, "member removed");
    Ok(no_content())
}

/// `GET /api/partnerships/:id/invitations` (owners).
pub(super) async fn invitations(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, _) = ctx.owner_of(id).await?;
    let invitations: Vec<InvitationView> = ctx
        .store
        .invitations(&partnership)
        .await?
        .into_iter()
        .map(InvitationView::from)
        .collect();
    json(StatusCode::OK, &invitations)
}

#[derive(Deserialize)]
struct NewInvitation {
    role: String,
    expires_in_hours: Option<u64>,
}

/// `POST /api/partnerships/:id/invitations` (owners).
pub(super) async fn invite(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, actor) = ctx.owner_of(id).await?;
    let request: NewInvitation = ctx.json()?;
    let role = body_role(&request.role)?;
    let hours = request.expires_in_hours.unwrap_or(DEFAULT_INVITATION_HOURS);
    if !(1..=MAX_INVITATION_HOURS).contains(&hours) {
        return Err(ApiError::invalid(format!(
            "expires_in_hours: 1 to {MAX_INVITATION_HOURS}"
        )));
    }
    let (info, secret) = ctx
        .store
        .create_invitation(
            &actor,
            &partnership,
            role,
            Duration::from_secs(hours * 3600),
        )
        .await?;
    tracing::info!(partnership = %partnership, invitation = %info.id, %role, actor = %actor, "invitation created");
    let link = format!("{}/#/invite/{}", ctx.base_url(), secret.expose());
    json(
        StatusCode::CREATED,
        &NewInvitationView {
            id: info.id,
            role: info.role,
            expires_at: info.expires_at,
            secret: secret.expose().to_owned(),
            link,
        },
    )
}

/// `DELETE /api/partnerships/:id/invitations/:invitation` (owners).
pub(super) async fn revoke_invitation(ctx: &Ctx, id: &str, invitation: &str) -> Reply {
    let (partnership, actor) = ctx.owner_of(id).await?;
    let invitation =
        InvitationId::parse(invitation).map_err(|_| ApiError::not_found("invitation"))?;
    let known = ctx
        .store
        .invitations(&partnership)
        .await?
        .iter()
        .any(|i| i.id == invitation);
    if !known {
        return Err(ApiError::not_found("invitation"));
    }
    ctx.store.revoke_invitation(&actor, &invitation).await?;
    tracing::info!(partnership = %partnership, invitation = %invitation, actor = %actor, "invitation revoked");
    Ok(no_content())
}

/// `GET /api/partnerships/:id/tokens` (owners).
pub(super) async fn tokens(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, _) = ctx.owner_of(id).await?;
    let tokens: Vec<TokenView> = ctx
        .store
        .tokens(&partnership)
        .await?
        .into_iter()
        .map(TokenView::from)
        .collect();
    json(StatusCode::OK, &tokens)
}

#[derive(Deserialize)]
struct NewToken {
    label: String,
    role: String,
}

/// `POST /api/partnerships/:id/tokens` (owners).
pub(super) async fn create_token(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, actor) = ctx.owner_of(id).await?;
    let request: NewToken = ctx.json()?;
    let role = body_role(&request.role)?;
    ctx.attempt_signed_in()?;
    let (info, secret) = ctx
        .store
        .create_token(&actor, &partnership, role, &request.label)
        .await?;
    tracing::info!(partnership = %partnership, token = %info.id, %role, actor = %actor, "API token created");
    json(
        StatusCode::CREATED,
        &NewTokenView {
            id: info.id,
            label: info.label,
            role: info.role,
            secret: secret.expose().to_owned(),
        },
    )
}

/// `DELETE /api/partnerships/:id/tokens/:token` (owners).
pub(super) async fn revoke_token(ctx: &Ctx, id: &str, token: &str) -> Reply {
    let (partnership, actor) = ctx.owner_of(id).await?;
    let token = TokenId::parse(token).map_err(|_| ApiError::not_found("token"))?;
    let known = ctx
        .store
        .tokens(&partnership)
        .await?
        .iter()
        .any(|t| t.id == token);
    if !known {
        return Err(ApiError::not_found("token"));
    }
    ctx.store.revoke_token(&actor, &token).await?;
    tracing::info!(partnership = %partnership, token = %token, actor = %actor, "API token revoked");
    Ok(no_content())
}

/// `GET /api/partnerships/:id/audit[?format=csv]` (owners).
pub(super) async fn audit(ctx: &Ctx, id: &str) -> Reply {
    let (partnership, _) = ctx.owner_of(id).await?;
    let format = ctx.query_param("format");
    let (mut response, extension) = match format.as_deref() {
        None | Some("json") => {
            let events = ctx.store.audit(&partnership, None).await?;
            (json(StatusCode::OK, &events)?, "json")
        }
        Some("csv") => {
            let csv = ctx.store.audit_csv(&partnership, None).await?;
            (fixed(StatusCode::OK, "text/csv; charset=utf-8", csv), "csv")
        }
        Some(_) => return Err(ApiError::invalid("format: json or csv")),
    };
    // Asked for a format: a download.
    if format.is_some() {
        let disposition = format!("attachment; filename=\"mitra-audit-{partnership}.{extension}\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}
