//! The access store against real SQLite files in temporary directories:
//! setup, accounts, sessions, membership, invitations, tokens, document
//! ownership and authorization, attribution, audit, revocation
//! notifications, external identities, reopening and migrations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use mitra_access::{
    AUDIT_CSV_HEADER, AccessChange, AccessError, AccessOptions, AccessStore, Actor, AuditKind,
    ChangeRecord, Clock, DATABASE_FILE, DEFAULT_PASSWORD_WAIT, DEFAULT_SESSION_LIFETIME,
    DocumentAccess, ExternalIdentity, IdentityProvider, InvitationInfo, InvitationStatus,
    LinkedIdentities, LocalPasswords, MAX_ID_CHARS, ManualClock, Membership, NewUser, Partnership,
    PartnershipId, PasswordCredentials, Principal, Role, SCHEMA_VERSION, Secret, SecretKind,
    TokenId, User, UserId,
};
use rusqlite::Connection;
use tempfile::TempDir;
use time::OffsetDateTime;
use tokio::sync::broadcast;

const PASSWORD: &str = "correct horse battery";
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

struct Fixture {
    dir: TempDir,
    store: Arc<AccessStore>,
    clock: ManualClock,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap());
        let store = open(&dir, &clock).await;
        Fixture {
            dir,
            store: Arc::new(store),
            clock,
        }
    }

    /// Closes the store and opens the same directory again.
    async fn reopen(&mut self) {
        self.store.close().await;
        self.store = Arc::new(open(&self.dir, &self.clock).await);
    }

    async fn user(&self, name: &str) -> User {
        self.store
            .create_user(NewUser::with_password(
                name,
                PASSWORD,
                format!("{name} display"),
                format!("{name} org"),
            ))
            .await
            .unwrap()
    }

    /// A partnership owned by a new user `owner`.
    async fn partnership(&self, owner: &str) -> (User, Partnership) {
        let owner = self.user(owner).await;
        let partnership = self
            .store
            .create_partnership(&owner.id, &format!("{} partnership", owner.username))
            .await
            .unwrap();
        (owner, partnership)
    }

    /// A partnership of a new user `founder` with a second owner, `mallory`.
    async fn founder_and_mallory(&self) -> (User, User, Partnership) {
        let (founder, p) = self.partnership("founder").await;
        let mallory = self.add(&p, "mallory", Role::Owner).await;
        (founder, mallory, p)
    }

    async fn add(&self, partnership: &Partnership, name: &str, role: Role) -> User {
        let user = self.user(name).await;
        self.store
            .add_member(&Actor::System, &partnership.id, &user.id, role)
            .await
            .unwrap();
        user
    }

    /// An invitation to `partnership` with `role`, valid for `lifetime`,
    /// made by `by`.
    async fn invite(
        &self,
        by: &Actor,
        partnership: &Partnership,
        role: Role,
        lifetime: Duration,
    ) -> (InvitationInfo, Secret) {
        self.store
            .create_invitation(by, &partnership.id, role, lifetime)
            .await
            .unwrap()
    }

    /// `user` accepts the invitation `secret`.
    async fn accept(&self, secret: &Secret, user: &User) -> Result<Membership, AccessError> {
        self.store.accept_invitation(secret, &user.id).await
    }

    /// Why accepting `secret` as `user` is refused (failing the test if
    /// it is not).
    async fn refusal(&self, secret: &Secret, user: &User) -> AccessError {
        self.accept(secret, user)
            .await
            .expect_err("the invitation is refused")
    }

    async fn principal(&self, user: &User) -> Principal {
        self.store.principal_for_user(&user.id).await.unwrap()
    }

    async fn kinds(&self, partnership: &Partnership) -> Vec<AuditKind> {
        self.store
            .audit(&partnership.id, None)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.kind)
            .collect()
    }
}

async fn open(dir: &TempDir, clock: &ManualClock) -> AccessStore {
    AccessStore::open_with(
        dir.path(),
        AccessOptions {
            clock: Arc::new(clock.clone()),
            ..AccessOptions::default()
        },
    )
    .await
    .unwrap()
}

fn drain(receiver: &mut broadcast::Receiver<AccessChange>) -> Vec<AccessChange> {
    let mut changes = Vec::new();
    while let Ok(change) = receiver.try_recv() {
        changes.push(change);
    }
    changes
}

fn owner_setup(name: &str) -> NewUser {
    NewUser::with_password(name, PASSWORD, "Ayu Lestari", "Udara Bersih")
}

// ----- secrets -----

#[test]
fn secrets_are_long_prefixed_and_redacted() {
    for kind in [
        SecretKind::Session,
        SecretKind::ApiToken,
        SecretKind::Invitation,
        SecretKind::Setup,
    ] {
        let secret = Secret::generate(kind).unwrap();
        let text = secret.expose().to_owned();
        assert!(text.starts_with(kind.prefix()), "{kind:?}");
        let random = bs58::decode(&text[kind.prefix().len()..])
            .into_vec()
            .unwrap();
        assert_eq!(random.len(), 32, "256 bits of randomness");
        assert_eq!(secret.kind(), Some(kind));
        let random_part = &text[kind.prefix().len()..];
        for shown in [
            format!("{secret:?}"),
            format!("{secret}"),
            format!("{secret:#?}"),
        ] {
            assert!(!shown.contains(random_part), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        let other = Secret::generate(kind).unwrap();
        assert_ne!(other.expose(), secret.expose());
    }
    let presented = Secret::from_presented("whatever-a-client-sent");
    assert_eq!(presented.kind(), None);
    assert!(!format!("{presented:?}").contains("whatever"));
}

#[test]
fn passwords_are_redacted_in_debug() {
    let new = NewUser::with_password("ayu", "hunter2hunter2", "Ayu", "Org");
    assert!(!format!("{new:?}").contains("hunter2"));
    let credentials = PasswordCredentials {
        username: "ayu".into(),
        password: "hunter2hunter2".into(),
    };
    assert!(!format!("{credentials:?}").contains("hunter2"));
}

#[test]
fn ids_and_roles_parse_and_print() {
    let role: Role = "Editor".parse().unwrap();
    assert_eq!(role, Role::Editor);
    assert!(Role::Owner.can_write() && Role::Owner.can_manage());
    assert!(Role::Editor.can_write() && !Role::Editor.can_manage());
    assert!(!Role::Viewer.can_write() && !Role::Viewer.can_manage());
    assert!(matches!(
        "admin".parse::<Role>(),
        Err(AccessError::InvalidInput(_))
    ));
    assert!(PartnershipId::parse("not base58 0OIl").is_err());
    assert!(PartnershipId::parse("abc").is_err(), "too short");
    assert_eq!(
        serde_json::to_string(&Role::Viewer).unwrap(),
        "\"viewer\"".to_owned()
    );
    assert_eq!("system".parse::<Actor>().unwrap(), Actor::System);
}

// ----- setup -----

#[tokio::test]
async fn setup_link_creates_the_first_owner_once() {
    let f = Fixture::new().await;
    assert!(!f.store.has_users().await.unwrap());
    let secret = f.store.setup_token().await.unwrap().expect("no user yet");
    assert_eq!(secret.kind(), Some(SecretKind::Setup));
    // The same process gets the same secret while it is unused.
    let again = f.store.setup_token().await.unwrap().unwrap();
    assert_eq!(again.expose(), secret.expose());

    let wrong = Secret::generate(SecretKind::Setup).unwrap();
    assert_eq!(
        f.store
            .complete_setup(&wrong, owner_setup("ayu"), "Udara Bersih")
            .await
            .unwrap_err(),
        AccessError::InvalidCredentials
    );
    // No password: refused before anything is created.
    let mut no_password = owner_setup("ayu");
    no_password.password = None;
    assert!(matches!(
        f.store
            .complete_setup(&secret, no_password, "Udara Bersih")
            .await,
        Err(AccessError::InvalidInput(_))
    ));

    let outcome = f
        .store
        .complete_setup(&secret, owner_setup("ayu"), "Udara Bersih")
        .await
        .unwrap();
    assert_eq!(outcome.partnership.name, "Udara Bersih");
    let members = f.store.members(&outcome.partnership.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].user, outcome.user);
    assert_eq!(members[0].role, Role::Owner);
    f.store.verify_login("AYU", PASSWORD).await.unwrap();

    // Single use.
    assert_eq!(
        f.store
            .complete_setup(&secret, owner_setup("budi"), "Another")
            .await
            .unwrap_err(),
        AccessError::AlreadyUsed("setup link")
    );
    assert!(f.store.setup_token().await.unwrap().is_none());
    assert_eq!(
        f.kinds(&outcome.partnership).await,
        vec![
            AuditKind::SetupCompleted,
            AuditKind::PartnershipCreated,
            AuditKind::MemberAdded
        ]
    );
}

#[tokio::test]
async fn a_restart_replaces_an_unused_setup_link() {
    let mut f = Fixture::new().await;
    let first = f.store.setup_token().await.unwrap().unwrap();
    f.reopen().await;
    let second = f.store.setup_token().await.unwrap().unwrap();
    assert_ne!(first.expose(), second.expose());
    // The old link (only ever printed to the console) no longer works.
    assert_eq!(
        f.store
            .complete_setup(&first, owner_setup("ayu"), "P")
            .await
            .unwrap_err(),
        AccessError::InvalidCredentials
    );
    f.store
        .complete_setup(&second, owner_setup("ayu"), "P")
        .await
        .unwrap();
    f.reopen().await;
    assert!(f.store.setup_token().await.unwrap().is_none());
}

#[tokio::test]
async fn no_setup_link_once_a_user_exists() {
    let f = Fixture::new().await;
    f.user("ayu").await;
    assert!(f.store.setup_token().await.unwrap().is_none());
}

// ----- accounts -----

#[tokio::test]
async fn usernames_are_unique_ignoring_case_and_validated() {
    let f = Fixture::new().await;
    let ayu = f.user("Ayu").await;
    assert_eq!(ayu.username, "Ayu");
    assert!(matches!(
        f.store
            .create_user(NewUser::with_password("aYU", PASSWORD, "Other", "Org"))
            .await,
        Err(AccessError::Conflict(_))
    ));
    assert_eq!(
        f.store.user_by_username("AYU").await.unwrap(),
        Some(ayu.clone())
    );
    assert_eq!(f.store.user(&ayu.id).await.unwrap(), Some(ayu));
    for bad in [
        NewUser::with_password("", PASSWORD, "Name", "Org"),
        NewUser::with_password("two words", PASSWORD, "Name", "Org"),
        NewUser::with_password("x".repeat(65), PASSWORD, "Name", "Org"),
        NewUser::with_password("short", "seven77", "Name", "Org"),
        NewUser::with_password("noname", PASSWORD, "   ", "Org"),
        NewUser::with_password("noorg", PASSWORD, "Name", ""),
        NewUser::with_password("ctrl", PASSWORD, "Na\u{7}me", "Org"),
    ] {
        assert!(
            matches!(
                f.store.create_user(bad.clone()).await,
                Err(AccessError::InvalidInput(_))
            ),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    assert_eq!(f.store.verify_login(" AYU ", PASSWORD).await.unwrap(), ayu);
    assert_eq!(
        f.store.verify_login("ayu", "wrong password").await,
        Err(AccessError::InvalidCredentials)
    );
    assert_eq!(
        f.store.verify_login("nobody", PASSWORD).await,
        Err(AccessError::InvalidCredentials)
    );
    // A user without a password (external identity only) cannot log in
    // with one.
    f.store
        .create_user(NewUser {
            username: "oidc-only".into(),
            password: None,
            display_name: "Oidc".into(),
            organisation: "Org".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        f.store.verify_login("oidc-only", "").await,
        Err(AccessError::InvalidCredentials)
    );
}

#[tokio::test]
async fn changing_the_password_ends_sessions() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    let (_, cookie) = f.store.create_session(&ayu.id).await.unwrap();
    let mut changes = f.store.subscribe();
    assert_eq!(
        f.store
            .change_password(&ayu.id, "not it at all", "new password 1")
            .await,
        Err(AccessError::InvalidCredentials)
    );
    assert!(matches!(
        f.store.change_password(&ayu.id, PASSWORD, "short").await,
        Err(AccessError::InvalidInput(_))
    ));
    f.store
        .change_password(&ayu.id, PASSWORD, "new password 1")
        .await
        .unwrap();
    assert_eq!(
        f.store.verify_login("ayu", PASSWORD).await,
        Err(AccessError::InvalidCredentials)
    );
    f.store.verify_login("ayu", "new password 1").await.unwrap();
    assert!(f.store.session(&cookie).await.unwrap().is_none());
    assert_eq!(
        drain(&mut changes),
        vec![AccessChange::SessionsEnded {
            user: ayu.id.clone()
        }]
    );
    // The operator's reset.
    f.store
        .set_password(&ayu.id, "reset password")
        .await
        .unwrap();
    f.store.verify_login("ayu", "reset password").await.unwrap();
    let ghost = UserId::parse(&bs58::encode([7u8; 16]).into_string()).unwrap();
    assert_eq!(
        f.store.set_password(&ghost, "reset password").await,
        Err(AccessError::NotFound("user"))
    );
}

#[tokio::test]
async fn profiles_can_be_updated() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    let updated = f
        .store
        .update_profile(&ayu.id, "Ayu L.", "New Org")
        .await
        .unwrap();
    assert_eq!(updated.display_name, "Ayu L.");
    assert_eq!(updated.organisation, "New Org");
    assert_eq!(f.store.user(&ayu.id).await.unwrap(), Some(updated));
}

// ----- sessions -----

#[tokio::test]
async fn sessions_expire_after_their_fixed_lifetime() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    let (session, secret) = f.store.create_session(&ayu.id).await.unwrap();
    assert_eq!(secret.kind(), Some(SecretKind::Session));
    assert_eq!(
        session.expires_at - session.created_at,
        DEFAULT_SESSION_LIFETIME
    );
    assert_eq!(f.store.session_lifetime(), DEFAULT_SESSION_LIFETIME);
    assert_eq!(
        f.store.session(&secret).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        f.store.session_user(&secret).await.unwrap(),
        Some(ayu.clone())
    );

    // Use does not extend it.
    f.clock
        .advance(DEFAULT_SESSION_LIFETIME - Duration::from_millis(1));
    assert!(f.store.session(&secret).await.unwrap().is_some());
    f.clock.advance(Duration::from_millis(1));
    assert!(f.store.session(&secret).await.unwrap().is_none());
    assert_eq!(f.store.purge_expired_sessions().await.unwrap(), 1);

    assert!(
        f.store
            .session(&Secret::from_presented("mitra_ses_forged"))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn sign_out_ends_one_or_all_sessions() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    let (first, one) = f.store.create_session(&ayu.id).await.unwrap();
    let (_, two) = f.store.create_session(&ayu.id).await.unwrap();
    let (_, three) = f.store.create_session(&ayu.id).await.unwrap();
    let mut changes = f.store.subscribe();

    assert!(f.store.end_session(&one).await.unwrap());
    assert!(!f.store.end_session(&one).await.unwrap());
    assert!(f.store.session(&one).await.unwrap().is_none());
    assert!(f.store.session(&two).await.unwrap().is_some());
    assert_eq!(f.store.end_sessions_of(&ayu.id).await.unwrap(), 2);
    assert!(f.store.session(&two).await.unwrap().is_none());
    assert!(f.store.session(&three).await.unwrap().is_none());
    assert_eq!(
        drain(&mut changes),
        vec![
            AccessChange::SessionEnded {
                session: first.id,
                user: ayu.id.clone()
            },
            AccessChange::SessionsEnded { user: ayu.id }
        ]
    );
    let ghost = UserId::parse(&bs58::encode([9u8; 16]).into_string()).unwrap();
    assert_eq!(
        f.store.create_session(&ghost).await.unwrap_err(),
        AccessError::NotFound("user")
    );
}

// ----- partnerships and membership -----

#[tokio::test]
async fn owners_manage_members_and_the_last_owner_stays() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let editor = f.add(&p, "editor", Role::Editor).await;
    let viewer = f.add(&p, "viewer", Role::Viewer).await;
    let outsider = f.user("outsider").await;
    let owner_actor = Actor::User(owner.id.clone());
    let editor_actor = Actor::User(editor.id.clone());
    let mut changes = f.store.subscribe();

    let listed = f.store.partnerships_of(&editor.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].partnership, p);
    assert_eq!(listed[0].role, Role::Editor);
    let members = f.store.members(&p.id).await.unwrap();
    let roles: Vec<_> = members
        .iter()
        .map(|m| (m.user.id.clone(), m.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            (owner.id.clone(), Role::Owner),
            (editor.id.clone(), Role::Editor),
            (viewer.id.clone(), Role::Viewer)
        ]
    );

    // Only owners manage.
    for actor in [
        editor_actor.clone(),
        Actor::User(viewer.id.clone()),
        Actor::User(outsider.id.clone()),
    ] {
        assert!(matches!(
            f.store
                .set_role(&actor, &p.id, &viewer.id, Role::Editor)
                .await,
            Err(AccessError::Forbidden(_))
        ));
        assert!(matches!(
            f.store.remove_member(&actor, &p.id, &owner.id).await,
            Err(AccessError::Forbidden(_))
        ));
        assert!(matches!(
            f.store
                .add_member(&actor, &p.id, &outsider.id, Role::Viewer)
                .await,
            Err(AccessError::Forbidden(_))
        ));
    }
    assert!(matches!(
        f.store
            .add_member(&owner_actor, &p.id, &editor.id, Role::Viewer)
            .await,
        Err(AccessError::Conflict(_))
    ));

    // The last owner can be neither demoted nor removed, not even by the
    // system or themselves.
    assert_eq!(
        f.store
            .set_role(&owner_actor, &p.id, &owner.id, Role::Editor)
            .await,
        Err(AccessError::LastOwner)
    );
    assert_eq!(
        f.store
            .remove_member(&Actor::System, &p.id, &owner.id)
            .await,
        Err(AccessError::LastOwner)
    );
    assert_eq!(
        f.store.remove_member(&owner_actor, &p.id, &owner.id).await,
        Err(AccessError::LastOwner)
    );

    // With a second owner, the first may step down.
    f.store
        .set_role(&owner_actor, &p.id, &editor.id, Role::Owner)
        .await
        .unwrap();
    f.store
        .set_role(&editor_actor, &p.id, &owner.id, Role::Viewer)
        .await
        .unwrap();
    // Setting the same role again changes nothing.
    f.store
        .set_role(&editor_actor, &p.id, &owner.id, Role::Viewer)
        .await
        .unwrap();
    // A member may leave by themselves.
    f.store
        .remove_member(&Actor::User(viewer.id.clone()), &p.id, &viewer.id)
        .await
        .unwrap();
    assert_eq!(
        f.store
            .remove_member(&editor_actor, &p.id, &viewer.id)
            .await,
        Err(AccessError::NotFound("member"))
    );
    assert!(
        f.store
            .partnerships_of(&viewer.id)
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        drain(&mut changes),
        vec![
            AccessChange::RoleChanged {
                user: editor.id.clone(),
                partnership: p.id.clone(),
                role: Role::Owner
            },
            AccessChange::RoleChanged {
                user: owner.id.clone(),
                partnership: p.id.clone(),
                role: Role::Viewer
            },
            AccessChange::MemberRemoved {
                user: viewer.id.clone(),
                partnership: p.id.clone()
            },
        ]
    );
    assert_eq!(
        f.kinds(&p).await,
        vec![
            AuditKind::PartnershipCreated,
            AuditKind::MemberAdded,
            AuditKind::MemberAdded,
            AuditKind::MemberAdded,
            AuditKind::RoleChanged,
            AuditKind::RoleChanged,
            AuditKind::MemberRemoved,
        ]
    );
    let unknown = PartnershipId::parse(&bs58::encode([1u8; 16]).into_string()).unwrap();
    assert_eq!(
        f.store.members(&unknown).await.unwrap_err(),
        AccessError::NotFound("partnership")
    );
}

// ----- invitations -----

#[tokio::test]
async fn invitations_are_single_use_and_expire() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let owner_actor = Actor::User(owner.id.clone());
    let editor = f.add(&p, "editor", Role::Editor).await;
    let guest = f.user("guest").await;
    let late = f.user("late").await;

    assert!(matches!(
        f.store
            .create_invitation(&Actor::User(editor.id.clone()), &p.id, Role::Viewer, DAY)
            .await,
        Err(AccessError::Forbidden(_))
    ));
    for bad in [Duration::ZERO, 91 * DAY] {
        assert!(matches!(
            f.store
                .create_invitation(&owner_actor, &p.id, Role::Viewer, bad)
                .await,
            Err(AccessError::InvalidInput(_))
        ));
    }

    let (info, secret) = f.invite(&owner_actor, &p, Role::Editor, DAY).await;
    assert_eq!(secret.kind(), Some(SecretKind::Invitation));
    assert_eq!(info.status, InvitationStatus::Pending);
    let shown = f.store.invitation_info(&secret).await.unwrap();
    assert_eq!(shown, info);
    assert_eq!(shown.partnership.name, p.name);
    assert_eq!(shown.role, Role::Editor);

    // Already a member: refused, and the invitation stays usable.
    assert!(matches!(
        f.accept(&secret, &editor).await,
        Err(AccessError::Conflict(_))
    ));
    let membership = f.accept(&secret, &guest).await.unwrap();
    assert_eq!(membership.role, Role::Editor);
    assert_eq!(membership.partnership, p.id);
    assert_eq!(
        f.refusal(&secret, &late).await,
        AccessError::AlreadyUsed("invitation")
    );
    let used = f.store.invitation_info(&secret).await.unwrap();
    assert_eq!(used.status, InvitationStatus::Used);
    assert_eq!(used.used_by, Some(guest.id.clone()));

    // Expiry.
    let (_, short) = f
        .invite(&owner_actor, &p, Role::Viewer, Duration::from_secs(60))
        .await;
    f.clock.advance(Duration::from_secs(60));
    assert_eq!(
        f.store.invitation_info(&short).await.unwrap().status,
        InvitationStatus::Expired
    );
    assert_eq!(
        f.refusal(&short, &late).await,
        AccessError::Expired("invitation")
    );

    // Revocation.
    let (revoked, revoked_secret) = f.invite(&Actor::System, &p, Role::Viewer, DAY).await;
    assert!(matches!(
        f.store
            .revoke_invitation(&Actor::User(guest.id.clone()), &revoked.id)
            .await,
        Err(AccessError::Forbidden(_))
    ));
    f.store
        .revoke_invitation(&owner_actor, &revoked.id)
        .await
        .unwrap();
    assert_eq!(
        f.refusal(&revoked_secret, &late).await,
        AccessError::Revoked("invitation")
    );

    assert_eq!(
        f.accept(&Secret::from_presented("mitra_inv_nope"), &late)
            .await,
        Err(AccessError::NotFound("invitation"))
    );
    let statuses: Vec<_> = f
        .store
        .invitations(&p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.status)
        .collect();
    assert_eq!(
        statuses,
        vec![
            InvitationStatus::Used,
            InvitationStatus::Expired,
            InvitationStatus::Revoked
        ]
    );
    assert_eq!(
        f.kinds(&p).await,
        vec![
            AuditKind::PartnershipCreated,
            AuditKind::MemberAdded,
            AuditKind::MemberAdded,
            AuditKind::InvitationCreated,
            AuditKind::InvitationAccepted,
            AuditKind::MemberAdded,
            AuditKind::InvitationCreated,
            AuditKind::InvitationCreated,
            AuditKind::InvitationRevoked,
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_accepts_of_one_invitation_let_exactly_one_in() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let first = f.user("first").await;
    let second = f.user("second").await;
    for round in 0..10 {
        let (_, secret) = f
            .invite(&Actor::User(owner.id.clone()), &p, Role::Viewer, DAY)
            .await;
        let tasks: Vec<_> = [first.id.clone(), second.id.clone()]
            .into_iter()
            .map(|user| {
                let store = Arc::clone(&f.store);
                let secret = secret.clone();
                tokio::spawn(async move { store.accept_invitation(&secret, &user).await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        assert!(
            results.contains(&Err(AccessError::AlreadyUsed("invitation"))),
            "round {round}: {results:?}"
        );
        // Put the winner back outside for the next round.
        let winner = won[0].as_ref().unwrap().user.clone();
        f.store
            .remove_member(&Actor::System, &p.id, &winner)
            .await
            .unwrap();
    }
}

/// The invitation-revoked events of a partnership's audit log, as (actor,
/// invitation, reason).
async fn revocations(f: &Fixture, p: &Partnership) -> Vec<(Actor, String, String)> {
    f.store
        .audit(&p.id, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|event| event.kind == AuditKind::InvitationRevoked)
        .map(|event| {
            let field = |name: &str| event.details[name].as_str().unwrap_or_default().to_owned();
            (event.actor.clone(), field("invitation"), field("reason"))
        })
        .collect()
}

#[tokio::test]
async fn a_removed_owner_cannot_return_through_their_own_invitations() {
    let f = Fixture::new().await;
    let (founder, mallory, p) = f.founder_and_mallory().await;
    let founder_actor = Actor::User(founder.id.clone());
    let mallory_actor = Actor::User(mallory.id.clone());
    let guest = f.user("guest").await;
    let other = f.user("other").await;

    // Mallory, still an owner, prepares a way back: a 720-hour owner
    // invitation, and an editor one for a friend.
    let (own_way_back, own_secret) = f.invite(&mallory_actor, &p, Role::Owner, 30 * DAY).await;
    let (friend_invitation, friend_secret) =
        f.invite(&mallory_actor, &p, Role::Editor, 30 * DAY).await;
    // The founder's and the operator's (system) invitations.
    let (_, founder_secret) = f.invite(&founder_actor, &p, Role::Viewer, DAY).await;
    let (_, system_secret) = f.invite(&Actor::System, &p, Role::Editor, DAY).await;

    f.store
        .remove_member(&founder_actor, &p.id, &mallory.id)
        .await
        .unwrap();

    // Mallory's invitations died with her ownership.
    assert_eq!(
        f.refusal(&own_secret, &mallory).await,
        AccessError::Revoked("invitation")
    );
    assert_eq!(
        f.store.role_for(&f.principal(&mallory).await, &p.id).await,
        Ok(None)
    );
    assert_eq!(
        f.refusal(&friend_secret, &guest).await,
        AccessError::Revoked("invitation")
    );
    // Also for someone without an account, and no account is left behind.
    assert_eq!(
        f.store
            .accept_invitation_as_new_user(&own_secret, owner_setup("mallory2"))
            .await,
        Err(AccessError::Revoked("invitation"))
    );
    assert_eq!(f.store.user_by_username("mallory2").await.unwrap(), None);
    assert_eq!(
        f.store.invitation_info(&own_secret).await.unwrap().status,
        InvitationStatus::Revoked
    );

    // The remaining owner's and the system's invitations still work.
    assert_eq!(
        f.accept(&founder_secret, &guest).await.unwrap().role,
        Role::Viewer
    );
    assert_eq!(
        f.accept(&system_secret, &other).await.unwrap().role,
        Role::Editor
    );

    // The audit says who revoked which, and why.
    let mut expected = vec![
        (
            founder_actor.clone(),
            own_way_back.id.to_string(),
            "creator removed".to_owned(),
        ),
        (
            founder_actor.clone(),
            friend_invitation.id.to_string(),
            "creator removed".to_owned(),
        ),
    ];
    expected.sort_by(|a, b| a.1.cmp(&b.1));
    let mut recorded = revocations(&f, &p).await;
    recorded.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(recorded, expected);
    let event = f
        .store
        .audit(&p.id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|event| event.kind == AuditKind::InvitationRevoked)
        .unwrap();
    assert_eq!(
        event.details["created_by"].as_str(),
        Some(mallory_actor.to_string().as_str())
    );
    // The revocations come right after the removal, in its transaction.
    let kinds = f.kinds(&p).await;
    let removed = kinds
        .iter()
        .position(|k| *k == AuditKind::MemberRemoved)
        .unwrap();
    assert_eq!(
        kinds[removed + 1..removed + 3],
        [AuditKind::InvitationRevoked, AuditKind::InvitationRevoked]
    );
}

#[tokio::test]
async fn a_demoted_owners_invitations_are_revoked_for_good() {
    let f = Fixture::new().await;
    let (founder, mallory, p) = f.founder_and_mallory().await;
    let founder_actor = Actor::User(founder.id.clone());
    let mallory_actor = Actor::User(mallory.id.clone());
    let guest = f.user("guest").await;

    let (invitation, secret) = f.invite(&mallory_actor, &p, Role::Owner, 30 * DAY).await;
    // A used and an expired invitation of hers are left as they are.
    let (_, used) = f.invite(&mallory_actor, &p, Role::Viewer, DAY).await;
    f.accept(&used, &guest).await.unwrap();
    let (_, expired) = f
        .invite(&mallory_actor, &p, Role::Viewer, Duration::from_secs(60))
        .await;
    f.clock.advance(Duration::from_secs(60));

    // Setting the role she already has changes nothing: nothing revoked.
    f.store
        .set_role(&founder_actor, &p.id, &mallory.id, Role::Owner)
        .await
        .unwrap();
    assert!(revocations(&f, &p).await.is_empty());

    f.store
        .set_role(&founder_actor, &p.id, &mallory.id, Role::Editor)
        .await
        .unwrap();
    let stranger = f.user("stranger").await;
    assert_eq!(
        f.refusal(&secret, &stranger).await,
        AccessError::Revoked("invitation")
    );
    assert_eq!(
        revocations(&f, &p).await,
        vec![(
            founder_actor.clone(),
            invitation.id.to_string(),
            "creator no longer owner".to_owned()
        )]
    );
    assert_eq!(
        f.store.invitation_info(&used).await.unwrap().status,
        InvitationStatus::Used
    );
    assert_eq!(
        f.store.invitation_info(&expired).await.unwrap().status,
        InvitationStatus::Expired
    );

    // Made an owner again, her old invitation stays revoked.
    f.store
        .set_role(&founder_actor, &p.id, &mallory.id, Role::Owner)
        .await
        .unwrap();
    assert_eq!(
        f.refusal(&secret, &stranger).await,
        AccessError::Revoked("invitation")
    );
    // What she creates as an owner now works.
    let (_, fresh) = f.invite(&mallory_actor, &p, Role::Viewer, DAY).await;
    assert!(f.accept(&fresh, &stranger).await.is_ok());
}

#[tokio::test]
async fn an_owner_who_leaves_takes_their_invitations_along() {
    let f = Fixture::new().await;
    let (_founder, p) = f.partnership("founder").await;
    let leaver = f.add(&p, "leaver", Role::Owner).await;
    let leaver_actor = Actor::User(leaver.id.clone());
    let guest = f.user("guest").await;
    let (invitation, secret) = f.invite(&leaver_actor, &p, Role::Owner, 30 * DAY).await;
    f.store
        .remove_member(&leaver_actor, &p.id, &leaver.id)
        .await
        .unwrap();
    assert_eq!(
        f.refusal(&secret, &guest).await,
        AccessError::Revoked("invitation")
    );
    assert_eq!(
        revocations(&f, &p).await,
        vec![(
            leaver_actor,
            invitation.id.to_string(),
            "creator left".to_owned()
        )]
    );
}

#[tokio::test]
async fn an_invitation_whose_creator_is_no_longer_an_owner_is_refused_even_unrevoked() {
    // An invitation left pending by a demotion made before invitations
    // were revoked with it (or by another writer of the file): the accept
    // itself checks that the creator still owns the partnership.
    let f = Fixture::new().await;
    let (_founder, mallory, p) = f.founder_and_mallory().await;
    let guest = f.user("guest").await;
    let (_, secret) = f
        .invite(&Actor::User(mallory.id.clone()), &p, Role::Owner, DAY)
        .await;
    let conn = Connection::open(f.dir.path().join(DATABASE_FILE)).unwrap();
    conn.execute(
        "UPDATE memberships SET role = 'editor' WHERE user = ?1",
        [mallory.id.as_str()],
    )
    .unwrap();
    let revoked_at: Option<i64> = conn
        .query_row("SELECT revoked_at FROM invitations", [], |row| row.get(0))
        .unwrap();
    assert_eq!(revoked_at, None);
    assert_eq!(
        f.store.invitation_info(&secret).await.unwrap().status,
        InvitationStatus::Revoked
    );
    assert_eq!(
        f.refusal(&secret, &guest).await,
        AccessError::Revoked("invitation")
    );
    // Owner again: the invitation is hers to give once more.
    conn.execute(
        "UPDATE memberships SET role = 'owner' WHERE user = ?1",
        [mallory.id.as_str()],
    )
    .unwrap();
    assert_eq!(f.accept(&secret, &guest).await.unwrap().role, Role::Owner);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn password_checks_beyond_the_limit_are_refused_as_busy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(
        AccessStore::open_with(
            dir.path(),
            AccessOptions {
                password_concurrency: 1,
                password_wait: Duration::from_millis(5),
                ..AccessOptions::default()
            },
        )
        .await
        .unwrap(),
    );
    let ayu = store.create_user(owner_setup("ayu")).await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.verify_login("ayu", PASSWORD).await })
        })
        .collect();
    let (mut signed_in, mut busy) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(user) => {
                assert_eq!(user.id, ayu.id);
                signed_in += 1;
            }
            Err(AccessError::Busy) => busy += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    // One check at a time, each far longer than 5 ms: the first is
    // served, the callers that cannot start in time are told to retry.
    assert!(signed_in >= 1, "{signed_in} signed in, {busy} busy");
    assert!(busy >= 1, "{signed_in} signed in, {busy} busy");
    assert!(
        AccessError::Busy.to_string().contains("try again"),
        "a clear message"
    );
    // Retrying once the rush is over works.
    assert_eq!(
        store.verify_login("ayu", PASSWORD).await.unwrap().id,
        ayu.id
    );
    // The defaults: as many as CPUs, at least 2, waiting 2 s.
    let defaults = AccessOptions::default();
    assert!(defaults.password_concurrency >= 2);
    assert_eq!(defaults.password_wait, DEFAULT_PASSWORD_WAIT);
}

#[test]
fn an_overlong_id_is_refused_fast() {
    let huge = "z".repeat(1 << 20);
    let started = std::time::Instant::now();
    assert!(matches!(
        PartnershipId::parse(&huge),
        Err(AccessError::InvalidInput(_))
    ));
    assert!(format!("token:{huge}").parse::<Actor>().is_err());
    assert!(started.elapsed() < Duration::from_millis(50));
    assert!(PartnershipId::parse(&"z".repeat(MAX_ID_CHARS + 1)).is_err());
}

// ----- authorization -----

#[tokio::test]
async fn roles_decide_reading_and_writing() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let editor = f.add(&p, "editor", Role::Editor).await;
    let viewer = f.add(&p, "viewer", Role::Viewer).await;
    let (stranger, other) = f.partnership("stranger").await;
    let doc = "2j9ZfTVkGzk1p3xQ8dLbaHFsvhUX";

    let owner_p = f.principal(&owner).await;
    let editor_p = f.principal(&editor).await;
    let viewer_p = f.principal(&viewer).await;
    let stranger_p = f.principal(&stranger).await;

    // Unassigned: nobody reads or writes it.
    for principal in [&owner_p, &editor_p, &viewer_p, &stranger_p] {
        assert!(!f.store.may_read(principal, doc).await.unwrap());
        assert!(!f.store.may_write(principal, doc).await.unwrap());
    }
    assert_eq!(f.store.document_partnership(doc).await.unwrap(), None);

    // A viewer cannot create it.
    assert!(matches!(
        f.store.claim_document(&viewer_p, doc, None).await,
        Err(AccessError::Forbidden(_))
    ));
    // An editor can: it joins their (only) partnership.
    let access = f.store.claim_document(&editor_p, doc, None).await.unwrap();
    assert_eq!(access.partnership, p.id);
    assert_eq!(access.role, Role::Editor);
    assert_eq!(
        f.store.document_partnership(doc).await.unwrap(),
        Some(p.id.clone())
    );
    assert_eq!(
        f.store.documents(&p.id).await.unwrap(),
        vec![doc.to_owned()]
    );

    for (principal, read, write) in [
        (&owner_p, true, true),
        (&editor_p, true, true),
        (&viewer_p, true, false),
        (&stranger_p, false, false),
    ] {
        assert_eq!(f.store.may_read(principal, doc).await.unwrap(), read);
        assert_eq!(f.store.may_write(principal, doc).await.unwrap(), write);
    }
    assert_eq!(
        f.store.role_for(&viewer_p, &p.id).await.unwrap(),
        Some(Role::Viewer)
    );
    assert_eq!(f.store.role_for(&viewer_p, &other.id).await.unwrap(), None);

    // Claiming an assigned document is a write check against its
    // partnership, wherever the claimer asks to put it.
    assert!(matches!(
        f.store
            .claim_document(&stranger_p, doc, Some(&other.id))
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store.claim_document(&viewer_p, doc, None).await,
        Err(AccessError::Forbidden(_))
    ));
    assert_eq!(
        f.store.claim_document(&owner_p, doc, None).await.unwrap(),
        DocumentAccess {
            partnership: p.id.clone(),
            role: Role::Owner
        }
    );
    assert_eq!(
        f.store.document_partnership(doc).await.unwrap(),
        Some(p.id.clone())
    );

    // A demoted editor loses writing at once, whatever their stale
    // principal says.
    f.store
        .set_role(&Actor::System, &p.id, &editor.id, Role::Viewer)
        .await
        .unwrap();
    assert!(!f.store.may_write(&editor_p, doc).await.unwrap());
    assert!(f.store.may_read(&editor_p, doc).await.unwrap());
    f.store
        .remove_member(&Actor::System, &p.id, &editor.id)
        .await
        .unwrap();
    assert!(!f.store.may_read(&editor_p, doc).await.unwrap());

    assert!(matches!(
        f.store.may_read(&owner_p, "").await,
        Err(AccessError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn a_user_in_several_partnerships_chooses_where_a_document_goes() {
    let f = Fixture::new().await;
    let (ayu, first) = f.partnership("ayu").await;
    let second = f.store.create_partnership(&ayu.id, "Second").await.unwrap();
    let (_, foreign) = f.partnership("foreign").await;
    let viewing = f
        .store
        .create_partnership(&ayu.id, "Viewing")
        .await
        .unwrap();
    let budi = f.add(&viewing, "budi", Role::Owner).await;
    f.store
        .set_role(
            &Actor::User(budi.id.clone()),
            &viewing.id,
            &ayu.id,
            Role::Viewer,
        )
        .await
        .unwrap();
    let ayu_p = f.principal(&ayu).await;

    assert_eq!(
        f.store.claim_document(&ayu_p, "doc-a", None).await,
        Err(AccessError::PartnershipRequired)
    );
    let access = f
        .store
        .claim_document(&ayu_p, "doc-a", Some(&second.id))
        .await
        .unwrap();
    assert_eq!(access.partnership, second.id);
    assert!(matches!(
        f.store
            .claim_document(&ayu_p, "doc-b", Some(&foreign.id))
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store
            .claim_document(&ayu_p, "doc-b", Some(&viewing.id))
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert_eq!(f.store.document_partnership("doc-b").await.unwrap(), None);
    f.store
        .claim_document(&ayu_p, "doc-c", Some(&first.id))
        .await
        .unwrap();
    assert_eq!(f.store.documents(&first.id).await.unwrap(), vec!["doc-c"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_first_assignment_of_a_document_wins() {
    let f = Fixture::new().await;
    let (_, a) = f.partnership("a").await;
    let (_, b) = f.partnership("b").await;
    for round in 0..5 {
        let doc = format!("contested-{round}");
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let store = Arc::clone(&f.store);
                let target = if i % 2 == 0 {
                    a.id.clone()
                } else {
                    b.id.clone()
                };
                let doc = doc.clone();
                tokio::spawn(async move { store.assign_document(&doc, &target).await })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            winners.push(task.await.unwrap().unwrap());
        }
        let stored = f.store.document_partnership(&doc).await.unwrap().unwrap();
        assert!(winners.iter().all(|w| *w == stored), "{winners:?}");
    }

    // Concurrent claims by editors of two partnerships: one partnership
    // gets the document, and only its editor gets write access.
    let (_, c) = f.partnership("c").await;
    let (_, d) = f.partnership("d").await;
    let c_editor = f
        .principal(&f.add(&c, "c-editor", Role::Editor).await)
        .await;
    let d_editor = f
        .principal(&f.add(&d, "d-editor", Role::Editor).await)
        .await;
    for round in 0..5 {
        let doc = format!("claimed-{round}");
        let tasks: Vec<_> = [c_editor.clone(), d_editor.clone()]
            .into_iter()
            .map(|principal| {
                let store = Arc::clone(&f.store);
                let doc = doc.clone();
                tokio::spawn(async move { store.claim_document(&principal, &doc, None).await })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.unwrap());
        }
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        let owner = f.store.document_partnership(&doc).await.unwrap().unwrap();
        let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
        assert_eq!(winner.partnership, owner);
    }
}

// ----- API tokens -----

#[tokio::test]
async fn tokens_are_scoped_revocable_and_listed_without_secrets() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let (_, other) = f.partnership("other").await;
    let editor = f.add(&p, "editor", Role::Editor).await;
    let owner_actor = Actor::User(owner.id.clone());
    f.store.assign_document("doc-p", &p.id).await.unwrap();
    f.store
        .assign_document("doc-other", &other.id)
        .await
        .unwrap();

    assert!(matches!(
        f.store
            .create_token(&owner_actor, &p.id, Role::Owner, "script")
            .await,
        Err(AccessError::InvalidInput(_))
    ));
    assert!(matches!(
        f.store
            .create_token(
                &Actor::User(editor.id.clone()),
                &p.id,
                Role::Viewer,
                "script"
            )
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store
            .create_token(&owner_actor, &other.id, Role::Viewer, "script")
            .await,
        Err(AccessError::Forbidden(_))
    ));

    let (reader_info, reader) = f
        .store
        .create_token(&owner_actor, &p.id, Role::Viewer, "dashboard")
        .await
        .unwrap();
    // The command line creates tokens as the system.
    let (writer_info, writer) = f
        .store
        .create_token(&Actor::System, &p.id, Role::Editor, "importer")
        .await
        .unwrap();
    assert_eq!(writer.kind(), Some(SecretKind::ApiToken));
    assert_eq!(writer_info.created_by, Actor::System);

    let reader_p = f.store.token_principal(&reader).await.unwrap().unwrap();
    let writer_p = f.store.token_principal(&writer).await.unwrap().unwrap();
    assert_eq!(
        reader_p,
        Principal::Token {
            token_id: reader_info.id.clone(),
            partnership: p.id.clone(),
            role: Role::Viewer,
            label: "dashboard".into()
        }
    );
    assert!(f.store.may_read(&reader_p, "doc-p").await.unwrap());
    assert!(!f.store.may_write(&reader_p, "doc-p").await.unwrap());
    assert!(f.store.may_write(&writer_p, "doc-p").await.unwrap());
    assert!(!f.store.may_read(&writer_p, "doc-other").await.unwrap());
    assert_eq!(f.store.role_for(&writer_p, &other.id).await.unwrap(), None);

    // A token creates documents only in its own partnership.
    assert_eq!(
        f.store
            .claim_document(&writer_p, "new-doc", None)
            .await
            .unwrap()
            .partnership,
        p.id
    );
    assert!(matches!(
        f.store
            .claim_document(&writer_p, "new-doc-2", Some(&other.id))
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store.claim_document(&reader_p, "new-doc-3", None).await,
        Err(AccessError::Forbidden(_))
    ));

    // Listed without secrets.
    let listed = f.store.tokens(&p.id).await.unwrap();
    assert_eq!(listed, vec![reader_info.clone(), writer_info.clone()]);
    let json = serde_json::to_string(&listed).unwrap();
    assert!(!json.contains(reader.expose()) && !json.contains(writer.expose()));

    // Revocation.
    let mut changes = f.store.subscribe();
    assert!(matches!(
        f.store
            .revoke_token(&Actor::User(editor.id.clone()), &writer_info.id)
            .await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store
            .revoke_token(&Actor::Token(reader_info.id.clone()), &writer_info.id)
            .await,
        Err(AccessError::Forbidden(_))
    ));
    f.store
        .revoke_token(&owner_actor, &writer_info.id)
        .await
        .unwrap();
    f.store
        .revoke_token(&owner_actor, &writer_info.id)
        .await
        .unwrap();
    assert!(f.store.token_principal(&writer).await.unwrap().is_none());
    assert!(!f.store.may_read(&writer_p, "doc-p").await.unwrap());
    assert!(f.store.token_principal(&reader).await.unwrap().is_some());
    assert_eq!(
        drain(&mut changes),
        vec![AccessChange::TokenRevoked {
            token: writer_info.id.clone(),
            partnership: p.id.clone()
        }]
    );
    let listed = f.store.tokens(&p.id).await.unwrap();
    assert!(listed[1].revoked_at.is_some());
    let ghost = TokenId::parse(&bs58::encode([3u8; 16]).into_string()).unwrap();
    assert_eq!(
        f.store.revoke_token(&Actor::System, &ghost).await,
        Err(AccessError::NotFound("token"))
    );
    assert!(
        f.store
            .token_principal(&Secret::from_presented("mitra_tok_guess"))
            .await
            .unwrap()
            .is_none()
    );
}

// ----- attribution -----

#[tokio::test]
async fn attribution_round_trips_in_order() {
    let mut f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let (_, secret) = f
        .store
        .create_token(&Actor::System, &p.id, Role::Editor, "importer")
        .await
        .unwrap();
    let token_p = f.store.token_principal(&secret).await.unwrap().unwrap();
    let owner_p = f.principal(&owner).await;
    let doc = "attributed-doc";
    let at = f.clock.now();
    let hashes = ["aa".repeat(32), "bb".repeat(32), "cc".repeat(32)];

    let added = f
        .store
        .record_changes(
            doc,
            &[
                owner_p.change_record(hashes[0].clone()),
                owner_p.change_record(hashes[1].clone()),
            ],
            at,
        )
        .await
        .unwrap();
    assert_eq!(added, 2);
    let later = at + time::Duration::seconds(5);
    // A change delivered again keeps its first attribution.
    let added = f
        .store
        .record_changes(
            doc,
            &[
                token_p.change_record(hashes[1].clone()),
                token_p.change_record(hashes[2].clone()),
            ],
            later,
        )
        .await
        .unwrap();
    assert_eq!(added, 1);
    assert!(matches!(
        f.store
            .record_changes(doc, &[token_p.change_record("not hex!")], later)
            .await,
        Err(AccessError::InvalidInput(_))
    ));

    f.reopen().await;
    let history = f.store.history(doc).await.unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].change_hash, hashes[0]);
    assert_eq!(history[0].user_id, Some(owner.id.clone()));
    assert_eq!(history[0].token_id, None);
    assert_eq!(history[0].display_name, owner.display_name);
    assert_eq!(history[0].organisation, owner.organisation);
    assert_eq!(history[0].at, at);
    assert_eq!(history[1].user_id, Some(owner.id.clone()));
    assert_eq!(history[2].change_hash, hashes[2]);
    assert_eq!(history[2].user_id, None);
    assert_eq!(history[2].token_id, token_p.token_id().cloned());
    assert_eq!(history[2].display_name, "importer");
    assert_eq!(history[2].at, later);
    assert!(f.store.history("other-doc").await.unwrap().is_empty());

    let system = ChangeRecord {
        change_hash: "dd".repeat(32),
        actor: Actor::System,
        display_name: "Mitra".into(),
        organisation: String::new(),
    };
    f.store.record_changes(doc, &[system], later).await.unwrap();
    let last = f.store.history(doc).await.unwrap().pop().unwrap();
    assert_eq!((last.user_id, last.token_id), (None, None));
}

// ----- audit -----

#[tokio::test]
async fn every_mutation_is_audited_and_exports_are_valid() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let owner_actor = Actor::User(owner.id.clone());
    let guest = f.user("guest").await;
    let (invitation, invitation_secret) = f.invite(&owner_actor, &p, Role::Viewer, DAY).await;
    f.accept(&invitation_secret, &guest).await.unwrap();
    f.clock.advance(Duration::from_secs(10));
    let checkpoint = f.clock.now();
    f.store
        .set_role(&owner_actor, &p.id, &guest.id, Role::Editor)
        .await
        .unwrap();
    let (token, token_secret) = f
        .store
        .create_token(&owner_actor, &p.id, Role::Editor, "=cmd|' /C calc'!A0")
        .await
        .unwrap();
    f.store.revoke_token(&owner_actor, &token.id).await.unwrap();
    f.store
        .remove_member(&owner_actor, &p.id, &guest.id)
        .await
        .unwrap();
    let (revoked, _) = f.invite(&owner_actor, &p, Role::Owner, DAY).await;
    f.store
        .revoke_invitation(&owner_actor, &revoked.id)
        .await
        .unwrap();

    let events = f.store.audit(&p.id, None).await.unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            AuditKind::PartnershipCreated,
            AuditKind::MemberAdded,
            AuditKind::InvitationCreated,
            AuditKind::InvitationAccepted,
            AuditKind::MemberAdded,
            AuditKind::RoleChanged,
            AuditKind::TokenCreated,
            AuditKind::TokenRevoked,
            AuditKind::MemberRemoved,
            AuditKind::InvitationCreated,
            AuditKind::InvitationRevoked,
        ]
    );
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
    assert!(events.iter().all(|e| e.partnership.as_ref() == Some(&p.id)));
    assert_eq!(events[3].actor, Actor::User(guest.id.clone()));
    assert_eq!(events[5].actor, owner_actor);
    assert_eq!(events[5].details["from"], "viewer");
    assert_eq!(events[5].details["to"], "editor");
    assert_eq!(events[2].details["invitation"], invitation.id.as_str());
    assert_eq!(events[7].details["token"], token.id.as_str());

    let since = f.store.audit(&p.id, Some(checkpoint)).await.unwrap();
    assert_eq!(since.first().map(|e| e.kind), Some(AuditKind::RoleChanged));
    assert_eq!(since.len(), 6);

    // JSON: an array of the same events.
    let json = f.store.audit_json(&p.id, None).await.unwrap();
    let parsed: Vec<mitra_access::AuditEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, events);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["kind"], "partnership_created");
    assert!(value[0]["at"].as_str().unwrap().ends_with('Z'));

    // CSV: a header and one parseable row per event.
    let csv_text = f.store.audit_csv(&p.id, None).await.unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, AUDIT_CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), events.len());
    for (row, event) in rows.iter().zip(&events) {
        assert_eq!(row.len(), 6);
        assert_eq!(row[0], event.id.to_string());
        assert_eq!(row[2], event.actor.to_string());
        assert_eq!(row[3], *p.id.as_str());
        assert_eq!(row[4], *event.kind.as_str());
        let details: serde_json::Value = serde_json::from_str(&row[5]).unwrap();
        assert_eq!(details, event.details);
        // No cell starts a spreadsheet formula.
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }

    // No secret anywhere in the exports.
    for secret in [&token_secret, &invitation_secret] {
        assert!(!json.contains(secret.expose()));
        assert!(!csv_text.contains(secret.expose()));
    }
}

// ----- revocation across processes -----

#[tokio::test]
async fn changes_made_by_another_process_are_seen_by_polling() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let member = f.add(&p, "member", Role::Editor).await;
    let (token, _) = f
        .store
        .create_token(&Actor::System, &p.id, Role::Viewer, "script")
        .await
        .unwrap();
    let start = f.store.last_audit_id().await.unwrap();
    assert!(
        f.store
            .access_changes_after(start)
            .await
            .unwrap()
            .is_empty()
    );

    // The command line opens the same file while the server runs.
    let cli = open(&f.dir, &f.clock).await;
    cli.revoke_token(&Actor::System, &token.id).await.unwrap();
    cli.set_role(&Actor::System, &p.id, &member.id, Role::Viewer)
        .await
        .unwrap();
    cli.remove_member(&Actor::User(owner.id.clone()), &p.id, &member.id)
        .await
        .unwrap();
    cli.close().await;

    let changes = f.store.access_changes_after(start).await.unwrap();
    let only: Vec<_> = changes.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(
        only,
        vec![
            AccessChange::TokenRevoked {
                token: token.id.clone(),
                partnership: p.id.clone()
            },
            AccessChange::RoleChanged {
                user: member.id.clone(),
                partnership: p.id.clone(),
                role: Role::Viewer
            },
            AccessChange::MemberRemoved {
                user: member.id.clone(),
                partnership: p.id.clone()
            },
        ]
    );
    let last = changes.last().unwrap().0;
    assert_eq!(f.store.last_audit_id().await.unwrap(), last);
    assert!(f.store.access_changes_after(last).await.unwrap().is_empty());
}

// ----- identity providers -----

#[tokio::test]
async fn identity_providers_map_credentials_to_users() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    let budi = f.user("budi").await;

    let local = LocalPasswords;
    assert_eq!(local.name(), "password");
    let user = local
        .authenticate(
            &f.store,
            PasswordCredentials {
                username: "Ayu".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(user, ayu);
    assert_eq!(
        local
            .authenticate(
                &f.store,
                PasswordCredentials {
                    username: "ayu".into(),
                    password: "nope nope".into(),
                },
            )
            .await,
        Err(AccessError::InvalidCredentials)
    );

    let identity = ExternalIdentity {
        issuer: "https://login.example.org".into(),
        subject: "248289761001".into(),
    };
    let oidc = LinkedIdentities::new("https://login.example.org");
    assert_eq!(
        oidc.authenticate(&f.store, identity.clone()).await,
        Err(AccessError::InvalidCredentials)
    );
    f.store
        .link_external_identity(&ayu.id, &identity)
        .await
        .unwrap();
    f.store
        .link_external_identity(&ayu.id, &identity)
        .await
        .unwrap();
    assert!(matches!(
        f.store.link_external_identity(&budi.id, &identity).await,
        Err(AccessError::Conflict(_))
    ));
    assert_eq!(
        oidc.authenticate(&f.store, identity.clone()).await.unwrap(),
        ayu
    );
    let elsewhere = LinkedIdentities::new("https://other.example.org");
    assert_eq!(
        elsewhere.authenticate(&f.store, identity.clone()).await,
        Err(AccessError::InvalidCredentials)
    );
    assert_eq!(
        f.store.external_identities_of(&ayu.id).await.unwrap(),
        vec![identity]
    );
}

// ----- persistence and schema -----

#[tokio::test]
async fn reopening_keeps_everything() {
    let mut f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let member = f.add(&p, "member", Role::Viewer).await;
    let (_, cookie) = f.store.create_session(&owner.id).await.unwrap();
    let (token, token_secret) = f
        .store
        .create_token(&Actor::System, &p.id, Role::Editor, "script")
        .await
        .unwrap();
    let (_, invitation) = f.invite(&Actor::System, &p, Role::Editor, DAY).await;
    f.store.assign_document("kept-doc", &p.id).await.unwrap();
    let audit_before = f.store.audit(&p.id, None).await.unwrap();

    f.reopen().await;
    assert_eq!(
        f.store.verify_login("owner", PASSWORD).await.unwrap(),
        owner
    );
    assert_eq!(
        f.store.session_user(&cookie).await.unwrap(),
        Some(owner.clone())
    );
    assert_eq!(f.store.partnership(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(f.store.partnerships().await.unwrap(), vec![p.clone()]);
    assert_eq!(f.store.members(&p.id).await.unwrap().len(), 2);
    let token_p = f
        .store
        .token_principal(&token_secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token_p.token_id(), Some(&token.id));
    assert_eq!(
        f.store.invitation_info(&invitation).await.unwrap().status,
        InvitationStatus::Pending
    );
    assert_eq!(
        f.store.document_partnership("kept-doc").await.unwrap(),
        Some(p.id.clone())
    );
    let member_p = f.principal(&member).await;
    assert!(f.store.may_read(&member_p, "kept-doc").await.unwrap());
    assert_eq!(f.store.audit(&p.id, None).await.unwrap(), audit_before);
}

#[tokio::test]
async fn the_schema_is_versioned_durable_and_newer_versions_are_refused() {
    let f = Fixture::new().await;
    let path = f.dir.path().join(DATABASE_FILE);
    assert_eq!(f.store.path(), path);
    {
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the file is private: {mode:o}");
    }
    f.store.close().await;

    // Opening again does not migrate again.
    let reopened = AccessStore::open(f.dir.path()).await.unwrap();
    reopened.close().await;

    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let err = AccessStore::open(f.dir.path()).await.unwrap_err();
    assert!(matches!(err, AccessError::Open(_)), "{err}");
}

#[tokio::test]
async fn no_secret_or_password_reaches_the_database_in_clear() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let (_, cookie) = f.store.create_session(&owner.id).await.unwrap();
    let (_, token) = f
        .store
        .create_token(&Actor::System, &p.id, Role::Editor, "script")
        .await
        .unwrap();
    let (_, invitation) = f.invite(&Actor::System, &p, Role::Editor, DAY).await;
    f.store.close().await;
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for needle in [
        cookie.expose(),
        token.expose(),
        invitation.expose(),
        PASSWORD,
    ] {
        assert!(!haystack.contains(needle), "found a secret in the files");
    }
}

#[tokio::test]
async fn calls_after_close_fail_with_closed() {
    let f = Fixture::new().await;
    let ayu = f.user("ayu").await;
    f.store.close().await;
    f.store.close().await;
    assert_eq!(f.store.user(&ayu.id).await, Err(AccessError::Closed));
    assert_eq!(
        f.store.create_session(&ayu.id).await.unwrap_err(),
        AccessError::Closed
    );
}

#[tokio::test]
async fn a_partnership_names_its_charter_among_its_own_documents() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let (_, other) = f.partnership("other").await;
    assert_eq!(p.charter, None);
    f.store.assign_document("charter-doc", &p.id).await.unwrap();
    f.store
        .assign_document("foreign-doc", &other.id)
        .await
        .unwrap();

    // Only a document of the partnership can be its charter.
    assert!(matches!(
        f.store.set_charter(&p.id, "foreign-doc").await,
        Err(AccessError::Forbidden(_))
    ));
    assert!(matches!(
        f.store.set_charter(&p.id, "unassigned-doc").await,
        Err(AccessError::Forbidden(_))
    ));
    let set = f.store.set_charter(&p.id, "charter-doc").await.unwrap();
    assert_eq!(set.charter.as_deref(), Some("charter-doc"));

    // Every way of reading a partnership shows it.
    let loaded = f.store.partnership(&p.id).await.unwrap().unwrap();
    assert_eq!(loaded.charter.as_deref(), Some("charter-doc"));
    let mine = f.store.partnerships_of(&owner.id).await.unwrap();
    assert_eq!(mine[0].partnership.charter.as_deref(), Some("charter-doc"));
    let all = f.store.partnerships().await.unwrap();
    let listed = all.iter().find(|q| q.id == p.id).unwrap();
    assert_eq!(listed.charter.as_deref(), Some("charter-doc"));
}

#[tokio::test]
async fn a_new_account_joins_through_an_invitation_or_is_not_created_at_all() {
    let f = Fixture::new().await;
    let (owner, p) = f.partnership("owner").await;
    let owner_actor = Actor::User(owner.id.clone());
    let (_, secret) = f.invite(&owner_actor, &p, Role::Viewer, DAY).await;
    let newcomer = || NewUser::with_password("Sari", PASSWORD, "Sari Dewi", "Sekolah Hijau");

    // Bad input and a taken username change nothing: the invitation stays
    // usable and no account appears.
    let mut short = newcomer();
    short.password = Some("short".into());
    assert!(matches!(
        f.store.accept_invitation_as_new_user(&secret, short).await,
        Err(AccessError::InvalidInput(_))
    ));
    let taken = NewUser::with_password("OWNER", PASSWORD, "Someone", "Else");
    assert!(matches!(
        f.store.accept_invitation_as_new_user(&secret, taken).await,
        Err(AccessError::Conflict(_))
    ));
    assert!(f.store.user_by_username("sari").await.unwrap().is_none());

    let (user, membership) = f
        .store
        .accept_invitation_as_new_user(&secret, newcomer())
        .await
        .unwrap();
    assert_eq!(user.username, "Sari");
    assert_eq!(membership.role, Role::Viewer);
    assert_eq!(membership.partnership, p.id);
    assert_eq!(f.store.verify_login("sari", PASSWORD).await.unwrap(), user);
    assert_eq!(
        f.store.invitation_info(&secret).await.unwrap().used_by,
        Some(user.id.clone())
    );

    // Used: a second newcomer gets no account.
    let late = NewUser::with_password("late", PASSWORD, "Late", "Org");
    assert_eq!(
        f.store.accept_invitation_as_new_user(&secret, late).await,
        Err(AccessError::AlreadyUsed("invitation"))
    );
    assert!(f.store.user_by_username("late").await.unwrap().is_none());
    // Expired and unknown invitations likewise.
    let (_, short_lived) = f
        .invite(&owner_actor, &p, Role::Editor, Duration::from_secs(60))
        .await;
    f.clock.advance(Duration::from_secs(61));
    let late = NewUser::with_password("late", PASSWORD, "Late", "Org");
    assert_eq!(
        f.store
            .accept_invitation_as_new_user(&short_lived, late.clone())
            .await,
        Err(AccessError::Expired("invitation"))
    );
    assert_eq!(
        f.store
            .accept_invitation_as_new_user(&Secret::from_presented("mitra_inv_nope"), late)
            .await,
        Err(AccessError::NotFound("invitation"))
    );
    assert!(f.store.user_by_username("late").await.unwrap().is_none());
    assert_eq!(
        f.kinds(&p).await[3..5],
        [AuditKind::InvitationAccepted, AuditKind::MemberAdded]
    );
}

#[tokio::test]
async fn the_first_owner_adopts_every_partnership_without_members() {
    let f = Fixture::new().await;
    let demo = f.store.create_partnership_as_system("Demo").await.unwrap();
    let empty = f
        .store
        .create_partnership_as_system("Prepared")
        .await
        .unwrap();
    let (other_owner, owned) = f.partnership("someone").await;
    let secret = f.store.setup_token().await.unwrap();
    // A user exists already, so setup is done in this store; adoption works
    // for whoever the server names.
    assert!(secret.is_none());
    let first = f.user("first").await;

    let adopted = f
        .store
        .adopt_memberless_partnerships(&first.id)
        .await
        .unwrap();
    let ids: Vec<_> = adopted.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids, vec![demo.id.clone(), empty.id.clone()]);
    for p in [&demo, &empty] {
        let members = f.store.members(&p.id).await.unwrap();
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].user.id, first.id);
        assert_eq!(members[0].role, Role::Owner);
        let events = f.store.audit(&p.id, None).await.unwrap();
        let added = events.last().unwrap();
        assert_eq!(added.kind, AuditKind::MemberAdded);
        assert_eq!(added.actor, Actor::User(first.id.clone()));
        assert_eq!(added.details["via"], "setup");
        assert_eq!(added.details["role"], "owner");
    }
    // A partnership with members is left alone, and adopting again finds
    // nothing.
    let members = f.store.members(&owned.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].user.id, other_owner.id);
    assert!(
        f.store
            .adopt_memberless_partnerships(&first.id)
            .await
            .unwrap()
            .is_empty()
    );
    // An unknown user adopts nothing.
    let later = f.store.create_partnership_as_system("Later").await.unwrap();
    let nobody = UserId::parse("1111111111111111").unwrap();
    assert_eq!(
        f.store.adopt_memberless_partnerships(&nobody).await,
        Err(AccessError::NotFound("user"))
    );
    assert!(f.store.members(&later.id).await.unwrap().is_empty());
}
