//! Access control for Mitra: who may read and change which partnership's
//! documents, and who changed what.
//!
//! This crate holds the model and its persistent store; it does no HTTP and
//! no networking. The server (sign-in pages, cookies, the sync layer's
//! checks) and the `mitra` command (`mitra token create`, ...) call it.
//!
//! # The model
//!
//! - [`User`]s sign in (a username unique ignoring case, a display name, an
//!   organisation) and belong to [`Partnership`]s through a [`Membership`]
//!   with a [`Role`]: owner (manages members, invitations, tokens), editor,
//!   viewer (read only). A partnership always keeps at least one owner.
//! - Every document belongs to exactly one partnership
//!   ([`AccessStore::document_partnership`]). A document nobody has claimed
//!   does not exist for any peer. A peer's new document is claimed for a
//!   partnership where it may write ([`AccessStore::claim_document`]).
//! - A connection is a [`Principal`]: a signed-in user, or an API token
//!   bound to one partnership with the role editor or viewer.
//! - Every change the server accepts gets an [`Attribution`]: which user
//!   or token delivered it, their name and organisation, when.
//! - Every membership, role, invitation and token event goes to the
//!   [`AuditEvent`] log, in the same transaction as the change itself,
//!   exportable as JSON or CSV ([`audit_json`], [`audit_csv`]).
//!
//! # Secrets
//!
//! Session cookies, API tokens, invitation links and the setup link are
//! [`Secret`]s: 256 bits from the OS random number generator, with a
//! recognisable prefix (`mitra_ses_`, `mitra_tok_`, `mitra_inv_`,
//! `mitra_setup_`), stored only as a SHA-256 hash, redacted in `Debug` and
//! `Display`. Passwords are hashed with Argon2id; a login for an unknown
//! user costs the same as a wrong password. At most
//! [`AccessOptions::password_concurrency`] hashings or verifications run at
//! once; beyond that, after [`AccessOptions::password_wait`], a call fails
//! with [`AccessError::Busy`] (the server answers 503 with `Retry-After`).
//! Ids are refused unparsed when longer than any valid id
//! ([`MAX_ID_CHARS`]).
//!
//! # Decisions
//!
//! - **Sessions** last [`DEFAULT_SESSION_LIFETIME`] (30 days) from sign-in,
//!   fixed, not extended by use: looking a session up is a pure read (no
//!   write on every request), the cookie's `Max-Age` can say exactly when
//!   it ends, and a stolen cookie has a hard end. Signing out, changing the
//!   password and [`AccessStore::end_sessions_of`] end sessions early.
//! - **The setup link** exists while no user does. Only its hash is
//!   stored, so it cannot be printed again after a restart: the first
//!   [`AccessStore::setup_token`] call of each process makes a new one,
//!   replacing the old (which was only ever shown on the operator's
//!   console). [`AccessStore::complete_setup`] uses it once.
//! - **Revocation** reaches live connections in two ways: a bounded
//!   [`tokio::sync::broadcast`] channel of [`AccessChange`]s
//!   ([`AccessStore::subscribe`]) sent after each commit in this process,
//!   and [`AccessStore::access_changes_after`], read from the audit log, for
//!   changes another process (the command line) made. Authorization itself
//!   never trusts a cached principal: [`AccessStore::role_for`],
//!   `may_read`, `may_write` and `claim_document` read the current state.
//! - **Several partnerships**: a user in more than one partnership says
//!   which one a new document joins (the connection's chosen partnership,
//!   passed to [`AccessStore::claim_document`]); with only one partnership
//!   where they may write, that one is used.
//! - **Other identity providers** (OpenID Connect) plug in behind
//!   [`IdentityProvider`], mapping an [`ExternalIdentity`]
//!   `(issuer, subject)` to a user; see [`identity`].
//!
//! # Storage
//!
//! One SQLite file, [`DATABASE_FILE`] (`access.sqlite3`) in the data
//! directory, beside the documents' `mitra.sqlite3`: WAL,
//! `synchronous=FULL`, one writer thread with group commit, read
//! connections on the blocking pool, versioned migrations
//! ([`SCHEMA_VERSION`]). Backups must copy both files.

mod audit;
mod clock;
mod error;
pub mod identity;
mod ids;
mod model;
mod schema;
mod secret;
mod store;

pub use audit::{AUDIT_CSV_HEADER, audit_csv, audit_json};
pub use clock::{Clock, ManualClock, SystemClock, truncate};
pub use error::AccessError;
pub use identity::{
    ExternalIdentity, IdentityProvider, LinkedIdentities, LocalPasswords, PasswordCredentials,
};
pub use ids::{
    Actor, AuditId, InvitationId, MAX_ID_CHARS, PartnershipId, Role, SessionId, TokenId, UserId,
};
pub use model::{
    AccessChange, Attribution, AuditEvent, AuditKind, ChangeRecord, DocumentAccess, InvitationInfo,
    InvitationStatus, Member, Membership, NewUser, Partnership, PartnershipRole, Principal,
    Session, SetupOutcome, TokenInfo, User,
};
pub use schema::SCHEMA_VERSION;
pub use secret::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS, SECRET_BYTES, Secret, SecretKind};
pub use store::{
    AccessOptions, AccessStore, CHANGE_CHANNEL_CAPACITY, DATABASE_FILE, DEFAULT_PASSWORD_WAIT,
    DEFAULT_SESSION_LIFETIME, MAX_INVITATION_LIFETIME,
};
