//! The caller's own account: who am I, profile and password, first-run
//! setup, signing in and out, and invitations seen from the invited side.

use hyper::StatusCode;
use mitra_access::{AccessError, NewUser, Principal, Secret, User};
use serde::Deserialize;

use super::views::{InspectedInvitation, Me, PartnershipView, TokenSelf};
use super::{ApiError, Ctx, Reply, json, no_content, with_cookie};
use crate::auth;

/// `Me` for whoever the principal is.
async fn me_of(ctx: &Ctx, principal: &Principal) -> Result<Me, ApiError> {
    match principal {
        Principal::User { user, .. } => me_of_user(ctx, user.clone()).await,
        Principal::Token {
            token_id,
            partnership,
            role,
            label,
        } => {
            let partnerships = match ctx.store.partnership(partnership).await? {
                Some(p) => vec![PartnershipView::new(p, *role)],
                None => Vec::new(),
            };
            Ok(Me {
                auth: "required",
                user: None,
                token: Some(TokenSelf {
                    id: token_id.clone(),
                    label: label.clone(),
                    role: *role,
                }),
                partnerships,
            })
        }
    }
}

/// `Me` of a user, with their partnerships as they are now.
async fn me_of_user(ctx: &Ctx, user: User) -> Result<Me, ApiError> {
    let partnerships = ctx
        .store
        .partnerships_of(&user.id)
        .await?
        .into_iter()
        .map(PartnershipView::from)
        .collect();
    Ok(Me {
        auth: "required",
        user: Some(user),
        token: None,
        partnerships,
    })
}

/// Signs `user` in: a new session, and `Me` with its cookie.
async fn signed_in(ctx: &Ctx, status: StatusCode, user: User) -> Reply {
    let (session, secret) = ctx.store.create_session(&user.id).await?;
    tracing::info!(remote = %ctx.remote, user = %user.id, session = %session.id, "signed in");
    let cookie = ctx.session_cookie(&secret)?;
    let me = me_of_user(ctx, user).await?;
    Ok(with_cookie(json(status, &me)?, cookie))
}

/// `GET /api/me`.
pub(super) async fn me(ctx: &Ctx) -> Reply {
    let caller = ctx.caller().await?;
    json(StatusCode::OK, &me_of(ctx, &caller.principal).await?)
}

#[derive(Deserialize)]
struct ProfileChange {
    display_name: Option<String>,
    organisation: Option<String>,
}

/// `PATCH /api/me`.
pub(super) async fn update_me(ctx: &Ctx) -> Reply {
    let user = ctx.user().await?;
    let change: ProfileChange = ctx.json()?;
    let updated = ctx
        .store
        .update_profile(
            &user.id,
            change.display_name.as_deref().unwrap_or(&user.display_name),
            change.organisation.as_deref().unwrap_or(&user.organisation),
        )
        .await?;
    json(StatusCode::OK, &me_of_user(ctx, updated).await?)
}

#[derive(Deserialize)]
struct PasswordChange {
    current: String,
    new: String,
}

/// `POST /api/me/password`: every session of the user ends (their live
/// WebSockets close); this browser gets a new one.
pub(super) async fn change_password(ctx: &Ctx) -> Reply {
    let user = ctx.user().await?.clone();
    let change: PasswordChange = ctx.json()?;
    ctx.attempt()?;
    match ctx
        .store
        .change_password(&user.id, &change.current, &change.new)
        .await
    {
        Ok(()) => {}
        Err(AccessError::InvalidCredentials) => {
            ctx.failed("password change with a wrong current password refused");
            return Err(ApiError::invalid_credentials());
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(remote = %ctx.remote, user = %user.id, "password changed; every session of the user ended");
    let (_, secret) = ctx.store.create_session(&user.id).await?;
    Ok(with_cookie(no_content(), ctx.session_cookie(&secret)?))
}

/// `GET /api/setup`.
pub(super) async fn setup_needed(ctx: &Ctx) -> Reply {
    json(
        StatusCode::OK,
        &serde_json::json!({ "needed": ctx.setup_needed().await? }),
    )
}

#[derive(Deserialize)]
struct SetupRequest {
    setup_secret: String,
    username: String,
    password: String,
    display_name: String,
    organisation: String,
    partnership_name: String,
}

/// `POST /api/setup`: the first owner, their partnership, and every
/// partnership without members (the demo); signed in.
pub(super) async fn setup(ctx: &Ctx) -> Reply {
    let request: SetupRequest = ctx.json()?;
    ctx.attempt()?;
    let secret = Secret::from_presented(request.setup_secret);
    let owner = NewUser::with_password(
        request.username,
        request.password,
        request.display_name,
        request.organisation,
    );
    let outcome = match ctx
        .store
        .complete_setup(&secret, owner, &request.partnership_name)
        .await
    {
        Ok(outcome) => outcome,
        Err(AccessError::InvalidCredentials) => {
            ctx.failed("setup with a wrong setup secret refused");
            return Err(ApiError::invalid_credentials());
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(remote = %ctx.remote, user = %outcome.user.id,
        partnership = %outcome.partnership.id, "setup completed through the API");
    match ctx
        .store
        .adopt_memberless_partnerships(&outcome.user.id)
        .await
    {
        Ok(adopted) => {
            for p in adopted {
                tracing::info!(partnership = %p.id, user = %outcome.user.id,
                    "the first owner owns a partnership that had no member");
            }
        }
        // Setup itself is done; the operator can still add the owner.
        Err(e) => {
            tracing::error!(error = %e, "giving partnerships without members to the first owner failed")
        }
    }
    signed_in(ctx, StatusCode::CREATED, outcome.user).await
}

#[derive(Deserialize)]
struct SignIn {
    username: String,
    password: String,
}

/// `POST /api/session`: limited per client address (before the password
/// is checked), and per username: after
/// [`MAX_USERNAME_FAILURES`](crate::auth::MAX_USERNAME_FAILURES) failures
/// in [`USERNAME_FAILURE_WINDOW`](crate::auth::USERNAME_FAILURE_WINDOW),
/// 429 for that username from every address, right password or not.
/// Logs name the username only by a tag ([`crate::auth::UsernameLimiter::tag`]).
pub(super) async fn sign_in(ctx: &Ctx) -> Reply {
    let request: SignIn = ctx.json()?;
    ctx.attempt()?;
    let accounts = &ctx.shared.sign_in_failures;
    if let Some(wait) = accounts.retry_after(&request.username) {
        ctx.shared.metrics.error("auth_rate_limited");
        tracing::warn!(remote = %ctx.remote, account = %accounts.tag(&request.username),
            "too many failed sign-ins for one username: sign-in refused");
        return Err(ApiError::rate_limited(wait));
    }
    match ctx
        .store
        .verify_login(&request.username, &request.password)
        .await
    {
        Ok(user) => {
            accounts.clear(&request.username);
            signed_in(ctx, StatusCode::OK, user).await
        }
        Err(AccessError::InvalidCredentials) => {
            ctx.failed("sign-in with a wrong username or password refused");
            let failures = accounts.fail(&request.username).unwrap_or(0);
            tracing::info!(remote = %ctx.remote, account = %accounts.tag(&request.username),
                failures, "failed sign-in counted for its username");
            Err(ApiError::invalid_credentials())
        }
        Err(e) => Err(e.into()),
    }
}

/// `DELETE /api/session`: ends the cookie's session (its live WebSockets
/// close through the store's change channel) and clears the cookie.
/// Answers 204 whether or not there was a session.
pub(super) async fn sign_out(ctx: &Ctx) -> Reply {
    if let Some(secret) = auth::session_cookie(&ctx.headers)
        && ctx.store.end_session(&secret).await?
    {
        tracing::info!(remote = %ctx.remote, "signed out");
    }
    Ok(with_cookie(no_content(), ctx.clear_cookie()))
}

#[derive(Deserialize)]
struct InvitationSecret {
    invitation: String,
}

/// Maps an unknown invitation secret to a counted, logged 404.
fn unknown_invitation(ctx: &Ctx, error: AccessError) -> ApiError {
    if error == AccessError::NotFound("invitation") {
        ctx.failed("unknown invitation secret refused");
    }
    error.into()
}

/// `POST /api/invitations/inspect` (no sign-in needed).
pub(super) async fn inspect_invitation(ctx: &Ctx) -> Reply {
    let request: InvitationSecret = ctx.json()?;
    ctx.attempt()?;
    let secret = Secret::from_presented(request.invitation);
    let info = ctx
        .store
        .invitation_info(&secret)
        .await
        .map_err(|e| unknown_invitation(ctx, e))?;
    json(StatusCode::OK, &InspectedInvitation::from(info))
}

#[derive(Deserialize)]
struct Account {
    username: String,
    password: String,
    display_name: String,
    organisation: String,
}

#[derive(Deserialize)]
struct Acceptance {
    invitation: String,
    account: Option<Account>,
}

/// `POST /api/invitations/accept`: the signed-in user joins, or a new
/// account is created, joins and is signed in.
pub(super) async fn accept_invitation(ctx: &Ctx) -> Reply {
    let request: Acceptance = ctx.json()?;
    ctx.attempt()?;
    let secret = Secret::from_presented(request.invitation);
    match ctx.caller.as_ref().map(|c| &c.principal) {
        Some(Principal::Token { .. }) => Err(ApiError::forbidden(
            "API tokens cannot accept invitations; sign in",
        )),
        Some(Principal::User { user, .. }) => {
            let membership = ctx
                .store
                .accept_invitation(&secret, &user.id)
                .await
                .map_err(|e| unknown_invitation(ctx, e))?;
            tracing::info!(remote = %ctx.remote, user = %user.id,
                partnership = %membership.partnership, "invitation accepted");
            json(StatusCode::OK, &me_of_user(ctx, user.clone()).await?)
        }
        None => {
            let Some(account) = request.account else {
                return Err(ApiError::invalid(
                    "account is required when not signed in: username, password, display_name, organisation",
                ));
            };
            let new = NewUser::with_password(
                account.username,
                account.password,
                account.display_name,
                account.organisation,
            );
            let (user, membership) = ctx
                .store
                .accept_invitation_as_new_user(&secret, new)
                .await
                .map_err(|e| unknown_invitation(ctx, e))?;
            tracing::info!(remote = %ctx.remote, user = %user.id,
                partnership = %membership.partnership, "invitation accepted by a new account");
            signed_in(ctx, StatusCode::OK, user).await
        }
    }
}
