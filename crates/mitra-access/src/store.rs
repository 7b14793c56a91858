//! [`AccessStore`]: users, partnerships, memberships, sessions, invitations,
//! API tokens, document ownership, attribution and the audit log, in one
//! SQLite file, `access.sqlite3`, in the data directory.
//!
//! # Threads, as in `mitra-storage`
//!
//! The file is opened in WAL mode with `synchronous=FULL`, so what a method
//! reports done survives a crash or power loss. Every write runs on one
//! dedicated writer thread that owns the only write connection: it takes a
//! request, drains the others already queued (group commit), runs each in
//! its own savepoint inside one `BEGIN IMMEDIATE` transaction and commits
//! once, then answers each. A request that fails rolls back its savepoint
//! only; if the commit fails, every request of the batch gets the error and
//! nothing of it is visible. One writer also makes every read-check-write
//! rule atomic: of two concurrent accepts of one invitation exactly one
//! wins, and the first assignment of a document wins. (Another process on
//! the same file, such as the `mitra token` command while the server runs,
//! is serialised by SQLite's write lock, with a 5 s busy timeout.)
//!
//! Reads run on a small pool of read-only connections inside
//! [`tokio::task::spawn_blocking`], and password hashing and verification
//! (Argon2id: tens of milliseconds of CPU and 19 MiB each) on the blocking
//! pool as well, never on the writer or an async worker. At most
//! [`AccessOptions::password_concurrency`] of those run at once: anyone may
//! ask for a sign-in, and unbounded Argon2 work would exhaust memory and
//! starve the blocking pool the reads (and the server's documents) share. A
//! caller that finds no free slot within [`AccessOptions::password_wait`]
//! gets [`AccessError::Busy`].
//!
//! Changes to someone's access are announced after their commit on a
//! broadcast channel ([`AccessStore::subscribe`]); see [`AccessChange`].

use std::fmt;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::types::Type;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Params, Row, TransactionBehavior, params,
};
use serde_json::json;
use time::OffsetDateTime;
use tokio::sync::{Semaphore, broadcast, mpsc, oneshot};

use crate::clock::{Clock, SystemClock, add, from_millis, to_millis};
use crate::error::{db, db_error};
use crate::identity::ExternalIdentity;
use crate::schema::migrate;
use crate::secret::{
    MAX_PASSWORD_BYTES, Secret, SecretKind, check_password_policy, hash_password, verify_password,
};
use crate::{
    AccessChange, AccessError, Actor, Attribution, AuditEvent, AuditId, AuditKind, ChangeRecord,
    DocumentAccess, InvitationId, InvitationInfo, InvitationStatus, Member, Membership, NewUser,
    Partnership, PartnershipId, PartnershipRole, Principal, Role, Session, SessionId, SetupOutcome,
    TokenId, TokenInfo, User, UserId,
};

/// Name of the database file inside the data directory.
pub const DATABASE_FILE: &str = "access.sqlite3";

/// How long a session lasts by default: 30 days from sign-in, fixed.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The longest an invitation may stay valid.
pub const MAX_INVITATION_LIFETIME: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// Capacity of the [`AccessChange`] broadcast channel. A subscriber that
/// falls further behind gets `RecvError::Lagged` and must re-check every
/// live connection.
pub const CHANGE_CHANNEL_CAPACITY: usize = 1024;

/// How long a password check or hashing waits for a free slot by default
/// before it gives up with [`AccessError::Busy`].
pub const DEFAULT_PASSWORD_WAIT: Duration = Duration::from_secs(2);

/// Capacity of the queue in front of the writer; callers wait when it is
/// full.
const WRITE_QUEUE_CAPACITY: usize = 256;

/// Most write requests folded into one transaction.
const MAX_BATCH: usize = 256;

/// How long a connection waits for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle read connections kept for reuse.
const MAX_IDLE_READERS: usize = 4;

/// Longest username, in characters.
const MAX_USERNAME_CHARS: usize = 64;

/// Longest display name, organisation, partnership name or token label.
const MAX_NAME_CHARS: usize = 200;

/// Longest document id, in bytes (automerge-repo ids are about 30).
const MAX_DOCUMENT_ID_BYTES: usize = 256;

/// Longest change hash, in hex digits (automerge's are 64).
const MAX_CHANGE_HASH_CHARS: usize = 128;

/// How an [`AccessStore`] is set up.
#[derive(Debug, Clone)]
pub struct AccessOptions {
    /// How long a session lasts from sign-in (fixed, not sliding).
    pub session_lifetime: Duration,
    /// Where the current time comes from.
    pub clock: Arc<dyn Clock>,
    /// The most password hashings and verifications (Argon2id: 19 MiB and
    /// tens of milliseconds of CPU each) that run at once, in this store.
    /// By default the number of CPUs, at least 2; 0 counts as 1.
    pub password_concurrency: usize,
    /// How long a sign-in, password change or new account waits for one of
    /// those slots before giving up with [`AccessError::Busy`]
    /// ([`DEFAULT_PASSWORD_WAIT`] by default).
    pub password_wait: Duration,
}

impl AccessOptions {
    /// The default [`AccessOptions::password_concurrency`]: the number of
    /// CPUs, at least 2.
    pub fn default_password_concurrency() -> usize {
        std::thread::available_parallelism()
            .map_or(2, std::num::NonZeroUsize::get)
            .max(2)
    }
}

impl Default for AccessOptions {
    fn default() -> AccessOptions {
        AccessOptions {
            session_lifetime: DEFAULT_SESSION_LIFETIME,
            clock: Arc::new(SystemClock),
            password_concurrency: AccessOptions::default_password_concurrency(),
            password_wait: DEFAULT_PASSWORD_WAIT,
        }
    }
}

/// The access-control store. Cheap to share behind an `Arc`; every method
/// takes `&self`.
pub struct AccessStore {
    path: PathBuf,
    options: AccessOptions,
    shared: Arc<Shared>,
    /// The writer's queue; `None` once closed.
    sender: Mutex<Option<mpsc::Sender<Box<dyn WriteJob>>>>,
    /// The writer thread; taken (and joined) by `close`.
    writer: Mutex<Option<JoinHandle<()>>>,
    changes: broadcast::Sender<AccessChange>,
    /// A hash of a random password, verified against when a username does
    /// not exist, so that costs as much as a wrong password.
    dummy_hash: Arc<str>,
    /// One permit per password hashing or verification allowed to run at
    /// once ([`AccessOptions::password_concurrency`]).
    password_permits: Arc<Semaphore>,
    /// How many password jobs run now, and the most ever at once.
    #[cfg(test)]
    password_gauge: Arc<tests::Gauge>,
    /// The setup secret generated by this process, while still unused.
    setup_secret: tokio::sync::Mutex<Option<Secret>>,
}

/// State shared by the handle and the read tasks.
struct Shared {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    closed: AtomicBool,
}

/// One write for the writer thread.
trait WriteJob: Send {
    /// Runs the job inside its savepoint; `false` if it failed (and its
    /// savepoint must be rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch's fate is known.
    fn finish(self: Box<Self>, committed: Result<(), AccessError>);
}

struct Job<T, F> {
    work: Option<F>,
    outcome: Option<Result<T, AccessError>>,
    reply: oneshot::Sender<Result<T, AccessError>>,
}

impl<T, F> WriteJob for Job<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, AccessError> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        match self.work.take() {
            Some(work) => {
                let outcome = work(conn);
                let ok = outcome.is_ok();
                self.outcome = Some(outcome);
                ok
            }
            None => false,
        }
    }

    fn finish(self: Box<Self>, committed: Result<(), AccessError>) {
        let result = match (committed, self.outcome) {
            (Err(e), _) => Err(e),
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => Err(AccessError::Internal("a write failed unexpectedly".into())),
        };
        // The caller may have given up waiting; what was committed stands.
        let _ = self.reply.send(result);
    }
}

impl AccessStore {
    /// Opens (creating if needed) `access.sqlite3` in `data_dir`, creating
    /// the directory too, migrates its schema and starts the writer thread.
    pub async fn open(data_dir: &Path) -> Result<AccessStore, AccessError> {
        AccessStore::open_with(data_dir, AccessOptions::default()).await
    }

    /// [`AccessStore::open`] with explicit options (session lifetime, a
    /// clock for tests).
    pub async fn open_with(
        data_dir: &Path,
        options: AccessOptions,
    ) -> Result<AccessStore, AccessError> {
        let data_dir = data_dir.to_path_buf();
        let (path, conn, dummy_hash) = tokio::task::spawn_blocking(move || {
            let (path, conn) = open_blocking(&data_dir)?;
            let dummy_password = bs58::encode(crate::secret::random_bytes::<16>()?).into_string();
            let dummy_hash = hash_password(&dummy_password)?;
            Ok::<_, AccessError>((path, conn, dummy_hash))
        })
        .await
        .map_err(|e| AccessError::Open(format!("opening task failed: {e}")))??;

        let shared = Arc::new(Shared {
            path: path.clone(),
            readers: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        });
        let (sender, receiver) = mpsc::channel(WRITE_QUEUE_CAPACITY);
        let writer = std::thread::Builder::new()
            .name("mitra-access-writer".into())
            .spawn(move || run_writer(conn, receiver))
            .map_err(|e| AccessError::Open(format!("starting the writer thread: {e}")))?;
        let (changes, _) = broadcast::channel(CHANGE_CHANNEL_CAPACITY);
        let password_permits = Arc::new(Semaphore::new(options.password_concurrency.max(1)));
        tracing::info!(path = %path.display(), "opened the access store");
        Ok(AccessStore {
            path,
            options,
            shared,
            sender: Mutex::new(Some(sender)),
            writer: Mutex::new(Some(writer)),
            changes,
            dummy_hash: dummy_hash.into(),
            password_permits,
            #[cfg(test)]
            password_gauge: Arc::default(),
            setup_secret: tokio::sync::Mutex::new(None),
        })
    }

    /// The database file (`<data_dir>/access.sqlite3`), for backups.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long a new session lasts (for the cookie's `Max-Age`).
    pub fn session_lifetime(&self) -> Duration {
        self.options.session_lifetime
    }

    /// Stops accepting calls, lets the writer finish what is queued and
    /// waits for it to exit. Afterwards every call returns
    /// [`AccessError::Closed`]. Dropping the store does the same without
    /// waiting.
    pub async fn close(&self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        drop(lock(&self.sender).take());
        let writer = lock(&self.writer).take();
        if let Some(writer) = writer {
            match tokio::task::spawn_blocking(move || writer.join()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => tracing::error!("the access writer thread panicked"),
                Err(e) => tracing::error!(error = %e, "waiting for the access writer failed"),
            }
            tracing::info!(path = %self.path.display(), "closed the access store");
        }
        lock(&self.shared.readers).clear();
    }

    /// Subscribes to [`AccessChange`]s: every membership removal, role
    /// change, token revocation and ended session, sent after it is
    /// committed. The channel is bounded ([`CHANGE_CHANNEL_CAPACITY`]); a
    /// receiver that lags must re-check all its connections (with
    /// [`AccessStore::role_for`], [`AccessStore::session`] and
    /// [`AccessStore::token_principal`]). Changes made by another process
    /// on the same file (the command line) are not sent here; poll
    /// [`AccessStore::access_changes_after`] for those.
    pub fn subscribe(&self) -> broadcast::Receiver<AccessChange> {
        self.changes.subscribe()
    }

    fn announce(&self, change: AccessChange) {
        // An error only means nobody is listening.
        let _ = self.changes.send(change);
    }

    fn now(&self) -> OffsetDateTime {
        self.options.clock.now()
    }

    // ----- setup -----

    /// The one-time setup secret, while no user exists; `None` once setup
    /// is done.
    ///
    /// The first call in a process generates a new secret and stores its
    /// hash, replacing any secret an earlier run printed (only its hash was
    /// ever stored, so it cannot be shown again); later calls in the same
    /// process return the same secret while it is unused. Print it to the
    /// operator's console, never to a log file.
    pub async fn setup_token(&self) -> Result<Option<Secret>, AccessError> {
        let mut cached = self.setup_secret.lock().await;
        let secret = match cached.as_ref() {
            Some(secret) => secret.clone(),
            None => Secret::generate(SecretKind::Setup)?,
        };
        let hash = secret.hash();
        let stored = self
            .write(move |conn| {
                if user_count(conn)? > 0 {
                    conn.execute("DELETE FROM meta WHERE key = 'setup_token_hash'", [])
                        .map_err(db("forgetting the setup secret"))?;
                    return Ok(false);
                }
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('setup_token_hash', ?1) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [hash],
                )
                .map_err(db("storing the setup secret"))?;
                Ok(true)
            })
            .await?;
        if stored {
            *cached = Some(secret.clone());
            Ok(Some(secret))
        } else {
            *cached = None;
            Ok(None)
        }
    }

    /// Uses the setup secret: creates the first user (an owner, with a
    /// password), the first partnership and the membership, in one
    /// transaction. Single use: afterwards (or whenever a user exists)
    /// [`AccessError::AlreadyUsed`]; a wrong secret gives
    /// [`AccessError::InvalidCredentials`].
    pub async fn complete_setup(
        &self,
        secret: &Secret,
        owner: NewUser,
        partnership_name: &str,
    ) -> Result<SetupOutcome, AccessError> {
        let checked = CheckedUser::new(&owner)?;
        let partnership_name = clean_name("partnership name", partnership_name)?;
        let Some(password) = owner.password else {
            return Err(AccessError::InvalidInput(
                "the first owner needs a password".into(),
            ));
        };
        let secret_hash = secret.hash();
        // Check the secret before the costly password hashing, so a wrong
        // guess is cheap to refuse; the write checks again.
        let presented = secret_hash.clone();
        self.read(move |conn| check_setup_secret(conn, &presented))
            .await?;
        let password_hash = self.hash_new_password(password).await?;
        let user_id = UserId::generate()?;
        let partnership_id = PartnershipId::generate()?;
        let actor = Actor::User(user_id.clone());
        let outcome = self
            .write_audited(&actor, &partnership_id, move |w| {
                check_setup_secret(w.conn, &secret_hash)?;
                let user = insert_user(w.conn, &user_id, &checked, Some(&password_hash), w.now)?;
                let partnership =
                    insert_partnership(w.conn, w.partnership, &partnership_name, w.now)?;
                insert_membership(w.conn, w.partnership, &user.id, Role::Owner, w.now)?;
                w.conn
                    .execute("DELETE FROM meta WHERE key = 'setup_token_hash'", [])
                    .map_err(db("forgetting the setup secret"))?;
                w.record(
                    AuditKind::SetupCompleted,
                    json!({ "user": user.id, "username": user.username }),
                )?;
                w.record(
                    AuditKind::PartnershipCreated,
                    json!({ "name": partnership.name }),
                )?;
                w.record(
                    AuditKind::MemberAdded,
                    member_details(&user, Role::Owner, "setup"),
                )?;
                Ok(SetupOutcome { user, partnership })
            })
            .await?;
        *self.setup_secret.lock().await = None;
        tracing::info!(user = %outcome.user.id, partnership = %outcome.partnership.id, "setup completed");
        Ok(outcome)
    }

    /// Does any user exist yet?
    pub async fn has_users(&self) -> Result<bool, AccessError> {
        self.read(|conn| Ok(user_count(conn)? > 0)).await
    }

    // ----- accounts -----

    /// Creates a user. [`AccessError::Conflict`] if the username is taken
    /// (ignoring case); [`AccessError::InvalidInput`] for an empty name or a
    /// password shorter than 8 characters.
    pub async fn create_user(&self, new: NewUser) -> Result<User, AccessError> {
        let checked = CheckedUser::new(&new)?;
        let password_hash = match new.password {
            Some(password) => Some(self.hash_new_password(password).await?),
            None => None,
        };
        let id = UserId::generate()?;
        let now = self.now();
        self.write(move |conn| insert_user(conn, &id, &checked, password_hash.as_deref(), now))
            .await
    }

    /// A user by id.
    pub async fn user(&self, id: &UserId) -> Result<Option<User>, AccessError> {
        let id = id.clone();
        self.read(move |conn| load_user(conn, &id)).await
    }

    /// A user by username (any case).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>, AccessError> {
        let key = username_key(username);
        self.read(move |conn| Ok(load_login(conn, &key)?.map(|(user, _)| user)))
            .await
    }

    /// Changes a user's display name and organisation (the names recorded
    /// on their future changes).
    pub async fn update_profile(
        &self,
        user: &UserId,
        display_name: &str,
        organisation: &str,
    ) -> Result<User, AccessError> {
        let display_name = clean_name("display name", display_name)?;
        let organisation = clean_name("organisation", organisation)?;
        let user = user.clone();
        self.write(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE users SET display_name = ?1, organisation = ?2 WHERE id = ?3",
                    params![display_name, organisation, user.as_str()],
                )
                .map_err(db("updating a profile"))?;
            if changed == 0 {
                return Err(AccessError::NotFound("user"));
            }
            require_user(conn, &user)
        })
        .await
    }

    /// Checks a username and password. A wrong password, an unknown
    /// username and a user without a password all give
    /// [`AccessError::InvalidCredentials`] after the same Argon2 work, so
    /// neither the answer nor its timing tells whether the user exists.
    pub async fn verify_login(&self, username: &str, password: &str) -> Result<User, AccessError> {
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(AccessError::InvalidCredentials);
        }
        let key = username_key(username);
        let found = self.read(move |conn| load_login(conn, &key)).await?;
        let (user, hash) = match found {
            Some((user, Some(hash))) => (Some(user), Some(hash)),
            _ => (None, None),
        };
        if self.check_password(password, hash).await? {
            user.ok_or(AccessError::InvalidCredentials)
        } else {
            Err(AccessError::InvalidCredentials)
        }
    }

    /// Changes a user's password after checking the current one
    /// ([`AccessError::InvalidCredentials`] if wrong), and ends every
    /// session of the user (announced as [`AccessChange::SessionsEnded`]);
    /// the server signs the current browser in again.
    pub async fn change_password(
        &self,
        user: &UserId,
        current: &str,
        new: &str,
    ) -> Result<(), AccessError> {
        check_password_policy(new)?;
        let stored: Option<String> = self
            .read_opt(
                "reading a password hash",
                "SELECT password_hash FROM users WHERE id = ?1",
                [user.to_string()],
                |row| row.get(0),
            )
            .await?
            .ok_or(AccessError::NotFound("user"))?;
        if current.len() > MAX_PASSWORD_BYTES || !self.check_password(current, stored).await? {
            return Err(AccessError::InvalidCredentials);
        }
        self.set_password(user, new).await
    }

    /// Sets a user's password without the current one (the operator's
    /// command line), and ends every session of the user.
    pub async fn set_password(&self, user: &UserId, new: &str) -> Result<(), AccessError> {
        check_password_policy(new)?;
        let hash = self.hash_new_password(new.to_owned()).await?;
        let id = user.clone();
        self.write(move |conn| {
            let changed = conn
                .execute(
                    "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                    params![hash, id.as_str()],
                )
                .map_err(db("setting a password"))?;
            if changed == 0 {
                return Err(AccessError::NotFound("user"));
            }
            delete_sessions_of(conn, &id)?;
            Ok(())
        })
        .await?;
        self.announce(AccessChange::SessionsEnded { user: user.clone() });
        Ok(())
    }

    async fn hash_new_password(&self, password: String) -> Result<String, AccessError> {
        check_password_policy(&password)?;
        self.password_job("password hashing", move || hash_password(&password))
            .await?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when
    /// there is none (same cost, always false).
    async fn check_password(
        &self,
        password: &str,
        hash: Option<String>,
    ) -> Result<bool, AccessError> {
        let password = password.to_owned();
        let dummy = Arc::clone(&self.dummy_hash);
        self.password_job("password checking", move || match hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                let _ = verify_password(&password, &dummy);
                false
            }
        })
        .await
    }

    /// Runs Argon2 `work` on the blocking pool once one of the
    /// [`AccessOptions::password_concurrency`] slots is free;
    /// [`AccessError::Busy`] if none frees up within
    /// [`AccessOptions::password_wait`]. The slot is held until `work` ends,
    /// even if the caller stops waiting for it.
    async fn password_job<T, F>(&self, what: &'static str, work: F) -> Result<T, AccessError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(AccessError::Closed);
        }
        let permits = Arc::clone(&self.password_permits);
        let permit =
            match tokio::time::timeout(self.options.password_wait, permits.acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(_)) => return Err(AccessError::Closed),
                Err(_) => {
                    tracing::debug!(what, "every password slot is busy; refusing");
                    return Err(AccessError::Busy);
                }
            };
        #[cfg(test)]
        let gauge = Arc::clone(&self.password_gauge);
        tokio::task::spawn_blocking(move || {
            #[cfg(test)]
            let running = gauge.enter();
            let outcome = work();
            #[cfg(test)]
            drop(running);
            drop(permit);
            outcome
        })
        .await
        .map_err(|e| AccessError::Internal(format!("{what} task failed: {e}")))
    }

    // ----- sessions -----

    /// Signs a user in: a new session lasting
    /// [`AccessStore::session_lifetime`] from now (fixed; it is not
    /// extended by use), and its secret for the cookie. Expired sessions
    /// of everyone are deleted on the way.
    pub async fn create_session(&self, user: &UserId) -> Result<(Session, Secret), AccessError> {
        let secret = Secret::generate(SecretKind::Session)?;
        let hash = secret.hash();
        let id = SessionId::generate()?;
        let user = user.clone();
        let now = self.now();
        let expires_at = add(now, self.options.session_lifetime);
        let session = self
            .write(move |conn| {
                let user = require_user(conn, &user)?;
                delete_expired_sessions(conn, now)?;
                conn.execute(
                    "INSERT INTO sessions (id, secret_hash, user, created_at, expires_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        id.as_str(),
                        hash,
                        user.id.as_str(),
                        to_millis(now),
                        to_millis(expires_at)
                    ],
                )
                .map_err(db("creating a session"))?;
                Ok(Session {
                    id,
                    user,
                    created_at: now,
                    expires_at,
                })
            })
            .await?;
        Ok((session, secret))
    }

    /// The live session a cookie's secret stands for; `None` if unknown,
    /// ended or expired.
    pub async fn session(&self, secret: &Secret) -> Result<Option<Session>, AccessError> {
        let hash = secret.hash();
        let now = to_millis(self.now());
        self.read_opt(
            "looking up a session",
            "SELECT s.id, s.created_at, s.expires_at, \
                    u.id, u.username, u.display_name, u.organisation, u.created_at \
             FROM sessions s JOIN users u ON u.id = s.user \
             WHERE s.secret_hash = ?1 AND s.expires_at > ?2",
            (hash, now),
            |row| {
                Ok(Session {
                    id: SessionId::from_db(row.get(0)?),
                    created_at: get_time(row, 1)?,
                    expires_at: get_time(row, 2)?,
                    user: user_at(row, 3)?,
                })
            },
        )
        .await
    }

    /// The user of a live session; `None` if unknown, ended or expired.
    pub async fn session_user(&self, secret: &Secret) -> Result<Option<User>, AccessError> {
        Ok(self.session(secret).await?.map(|session| session.user))
    }

    /// Ends one session (sign-out). Returns whether it existed; announces
    /// [`AccessChange::SessionEnded`] if it did.
    pub async fn end_session(&self, secret: &Secret) -> Result<bool, AccessError> {
        let hash = secret.hash();
        let ended: Option<(String, String)> = self
            .write(move |conn| {
                query_opt(
                    conn,
                    "ending a session",
                    "DELETE FROM sessions WHERE secret_hash = ?1 RETURNING id, user",
                    [hash],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
            })
            .await?;
        match ended {
            Some((session, user)) => {
                self.announce(AccessChange::SessionEnded {
                    session: SessionId::from_db(session),
                    user: UserId::from_db(user),
                });
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Ends every session of a user. Returns how many there were;
    /// announces [`AccessChange::SessionsEnded`].
    pub async fn end_sessions_of(&self, user: &UserId) -> Result<usize, AccessError> {
        let id = user.clone();
        let ended = self
            .write(move |conn| delete_sessions_of(conn, &id))
            .await?;
        self.announce(AccessChange::SessionsEnded { user: user.clone() });
        Ok(ended)
    }

    /// Deletes expired sessions; returns how many. (Expired sessions never
    /// work whether deleted or not; this only keeps the table small.)
    pub async fn purge_expired_sessions(&self) -> Result<usize, AccessError> {
        let now = self.now();
        self.write(move |conn| delete_expired_sessions(conn, now))
            .await
    }

    // ----- partnerships and membership -----

    /// Creates a partnership with `owner` as its first owner.
    pub async fn create_partnership(
        &self,
        owner: &UserId,
        name: &str,
    ) -> Result<Partnership, AccessError> {
        let name = clean_name("partnership name", name)?;
        let id = PartnershipId::generate()?;
        let owner = owner.clone();
        let actor = Actor::User(owner.clone());
        self.write_audited(&actor, &id, move |w| {
            let user = require_user(w.conn, &owner)?;
            let partnership = insert_partnership(w.conn, w.partnership, &name, w.now)?;
            insert_membership(w.conn, w.partnership, &owner, Role::Owner, w.now)?;
            w.record(
                AuditKind::PartnershipCreated,
                json!({ "name": partnership.name }),
            )?;
            w.record(
                AuditKind::MemberAdded,
                member_details(&user, Role::Owner, "partnership_created"),
            )?;
            Ok(partnership)
        })
        .await
    }

    /// Creates a partnership with no member yet, as the system (the
    /// operator's `mitra partnership create`, or the server's demo). Its
    /// documents are reached through API tokens until an owner is added.
    pub async fn create_partnership_as_system(
        &self,
        name: &str,
    ) -> Result<Partnership, AccessError> {
        let name = clean_name("partnership name", name)?;
        let id = PartnershipId::generate()?;
        self.write_audited(&Actor::System, &id, move |w| {
            let partnership = insert_partnership(w.conn, w.partnership, &name, w.now)?;
            w.record(
                AuditKind::PartnershipCreated,
                json!({ "name": partnership.name }),
            )?;
            Ok(partnership)
        })
        .await
    }

    /// Makes `owner` an owner of every partnership that has no member yet
    /// (such as the demo the server creates, or one made with `mitra
    /// partnership create`), each audited as `member_added` with `via`
    /// `setup`. For the server right after [`AccessStore::complete_setup`]:
    /// the first owner takes over what the operator prepared. Returns the
    /// partnerships adopted, oldest first.
    pub async fn adopt_memberless_partnerships(
        &self,
        owner: &UserId,
    ) -> Result<Vec<Partnership>, AccessError> {
        let owner = owner.clone();
        let actor = Actor::User(owner.clone());
        let now = self.now();
        self.write(move |conn| {
            let user = require_user(conn, &owner)?;
            let orphans = query_all(
                conn,
                "listing partnerships without members",
                "SELECT id, name, created_at, charter FROM partnerships p \
                 WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.partnership = p.id) \
                 ORDER BY created_at, rowid",
                [],
                |row| partnership_at(row, 0),
            )?;
            for partnership in &orphans {
                insert_membership(conn, &partnership.id, &user.id, Role::Owner, now)?;
                AuditedWrite::new(conn, now, &actor, &partnership.id).record(
                    AuditKind::MemberAdded,
                    member_details(&user, Role::Owner, "setup"),
                )?;
            }
            Ok(orphans)
        })
        .await
    }

    /// A partnership by id.
    pub async fn partnership(
        &self,
        id: &PartnershipId,
    ) -> Result<Option<Partnership>, AccessError> {
        let id = id.clone();
        self.read(move |conn| load_partnership(conn, &id)).await
    }

    /// Every partnership, oldest first (for the operator's command line).
    pub async fn partnerships(&self) -> Result<Vec<Partnership>, AccessError> {
        self.read_all(
            "listing partnerships",
            "SELECT id, name, created_at, charter FROM partnerships ORDER BY created_at, rowid",
            (),
            |row| partnership_at(row, 0),
        )
        .await
    }

    /// The partnerships a user belongs to, with their role in each, oldest
    /// first.
    pub async fn partnerships_of(
        &self,
        user: &UserId,
    ) -> Result<Vec<PartnershipRole>, AccessError> {
        self.read_all(
            "listing a user's partnerships",
            "SELECT p.id, p.name, p.created_at, p.charter, m.role \
             FROM memberships m JOIN partnerships p ON p.id = m.partnership \
             WHERE m.user = ?1 ORDER BY p.created_at, p.rowid",
            [user.to_string()],
            |row| {
                Ok(PartnershipRole {
                    partnership: partnership_at(row, 0)?,
                    role: get_parsed(row, 4)?,
                })
            },
        )
        .await
    }

    /// The members of a partnership with their roles, in the order they
    /// joined. [`AccessError::NotFound`] for an unknown partnership.
    pub async fn members(&self, partnership: &PartnershipId) -> Result<Vec<Member>, AccessError> {
        let partnership = partnership.clone();
        self.read(move |conn| {
            require_partnership(conn, &partnership)?;
            query_all(
                conn,
                "listing members",
                "SELECT u.id, u.username, u.display_name, u.organisation, u.created_at, \
                        m.role, m.added_at \
                 FROM memberships m JOIN users u ON u.id = m.user \
                 WHERE m.partnership = ?1 ORDER BY m.added_at, m.rowid",
                [partnership.as_str()],
                |row| {
                    Ok(Member {
                        user: user_at(row, 0)?,
                        role: get_parsed(row, 5)?,
                        added_at: get_time(row, 6)?,
                    })
                },
            )
        })
        .await
    }

    /// Adds an existing user to a partnership directly (owners, or the
    /// system). [`AccessError::Conflict`] if they are already a member.
    /// Invitations ([`AccessStore::create_invitation`]) are the usual way.
    pub async fn add_member(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        user: &UserId,
        role: Role,
    ) -> Result<Membership, AccessError> {
        let user = user.clone();
        self.manage(actor, partnership, move |w, _| {
            let member = require_user(w.conn, &user)?;
            if member_role(w.conn, w.partnership, &user)?.is_some() {
                return Err(AccessError::Conflict("already a member".into()));
            }
            insert_membership(w.conn, w.partnership, &user, role, w.now)?;
            w.record(
                AuditKind::MemberAdded,
                member_details(&member, role, "added"),
            )?;
            Ok(Membership {
                user,
                partnership: w.partnership.clone(),
                role,
            })
        })
        .await
    }

    /// Changes a member's role. Only owners (or the system) may;
    /// [`AccessError::LastOwner`] if it would demote the last owner.
    /// Announces [`AccessChange::RoleChanged`]; setting the role a member
    /// already has changes and announces nothing. Demoting an owner revokes
    /// the pending invitations they created for the partnership, in the same
    /// transaction (audited as `invitation_revoked`, reason `creator no
    /// longer owner`): what they offered as an owner no longer stands.
    pub async fn set_role(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        user: &UserId,
        role: Role,
    ) -> Result<(), AccessError> {
        let u = user.clone();
        let changed = self
            .manage(actor, partnership, move |w, _| {
                let current = require_member_role(w.conn, w.partnership, &u)?;
                if current == role {
                    return Ok(false);
                }
                keep_an_owner(w.conn, w.partnership, current)?;
                w.conn
                    .execute(
                        "UPDATE memberships SET role = ?1 WHERE partnership = ?2 AND user = ?3",
                        params![role.as_str(), w.partnership.as_str(), u.as_str()],
                    )
                    .map_err(db("changing a role"))?;
                w.record(
                    AuditKind::RoleChanged,
                    json!({ "user": u, "from": current, "to": role }),
                )?;
                if current == Role::Owner {
                    revoke_invitations_by(&w, &u, "creator no longer owner")?;
                }
                Ok(true)
            })
            .await?;
        if changed {
            self.announce(AccessChange::RoleChanged {
                user: user.clone(),
                partnership: partnership.clone(),
                role,
            });
        }
        Ok(())
    }

    /// Removes a member. Owners (or the system) may remove anyone, and a
    /// member may remove themselves (leave); [`AccessError::LastOwner`] if
    /// it is the last owner. Announces [`AccessChange::MemberRemoved`].
    /// The pending invitations the member created for the partnership are
    /// revoked in the same transaction (audited as `invitation_revoked`,
    /// reason `creator removed`, or `creator left` when they left).
    pub async fn remove_member(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        user: &UserId,
    ) -> Result<(), AccessError> {
        let u = user.clone();
        self.write_audited(actor, partnership, move |w| {
            require_partnership(w.conn, w.partnership)?;
            if *w.actor != Actor::User(u.clone()) {
                authorize_manager(w.conn, w.actor, w.partnership)?;
            }
            let current = require_member_role(w.conn, w.partnership, &u)?;
            keep_an_owner(w.conn, w.partnership, current)?;
            w.conn
                .execute(
                    "DELETE FROM memberships WHERE partnership = ?1 AND user = ?2",
                    params![w.partnership.as_str(), u.as_str()],
                )
                .map_err(db("removing a member"))?;
            w.record(
                AuditKind::MemberRemoved,
                json!({ "user": u, "role": current }),
            )?;
            let left = *w.actor == Actor::User(u.clone());
            let reason = if left {
                "creator left"
            } else {
                "creator removed"
            };
            revoke_invitations_by(&w, &u, reason)?;
            Ok(())
        })
        .await?;
        self.announce(AccessChange::MemberRemoved {
            user: user.clone(),
            partnership: partnership.clone(),
        });
        Ok(())
    }

    // ----- invitations -----

    /// Creates a single-use invitation to `partnership` with `role`, valid
    /// for `expires_in` (at most [`MAX_INVITATION_LIFETIME`]). Owners (or
    /// the system) only. Returns the invitation and the secret for its
    /// link, which is shown once.
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        role: Role,
        expires_in: Duration,
    ) -> Result<(InvitationInfo, Secret), AccessError> {
        if expires_in.is_zero() || expires_in > MAX_INVITATION_LIFETIME {
            return Err(AccessError::InvalidInput(format!(
                "an invitation must expire within {} days",
                MAX_INVITATION_LIFETIME.as_secs() / 86_400
            )));
        }
        let secret = Secret::generate(SecretKind::Invitation)?;
        let hash = secret.hash();
        let id = InvitationId::generate()?;
        let info = self
            .manage(actor, partnership, move |w, partnership| {
                let expires_at = add(w.now, expires_in);
                w.conn
                    .execute(
                        "INSERT INTO invitations \
                         (id, secret_hash, partnership, role, created_by, created_at, expires_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            id.as_str(),
                            hash,
                            w.partnership.as_str(),
                            role.as_str(),
                            w.actor.to_string(),
                            to_millis(w.now),
                            to_millis(expires_at)
                        ],
                    )
                    .map_err(db("creating an invitation"))?;
                w.record(
                    AuditKind::InvitationCreated,
                    json!({ "invitation": id, "role": role, "expires_at": rfc3339(expires_at) }),
                )?;
                Ok(InvitationInfo {
                    id,
                    partnership,
                    role,
                    created_by: w.actor.clone(),
                    created_at: w.now,
                    expires_at,
                    used_by: None,
                    status: InvitationStatus::Pending,
                })
            })
            .await?;
        Ok((info, secret))
    }

    /// What an invitation link offers (for its landing page), whatever its
    /// status. [`AccessError::NotFound`] for an unknown secret.
    pub async fn invitation_info(&self, secret: &Secret) -> Result<InvitationInfo, AccessError> {
        let hash = secret.hash();
        let now = self.now();
        self.read(move |conn| require_invitation(conn, &hash, now))
            .await
    }

    /// The invitations of a partnership, oldest first, with their status.
    pub async fn invitations(
        &self,
        partnership: &PartnershipId,
    ) -> Result<Vec<InvitationInfo>, AccessError> {
        let p = partnership.clone();
        let now = self.now();
        self.read(move |conn| {
            query_all(
                conn,
                "listing invitations",
                &format!(
                    "{INVITATION_SELECT} WHERE i.partnership = ?1 ORDER BY i.created_at, i.rowid"
                ),
                [p.as_str()],
                |row| invitation_at(row, now),
            )
        })
        .await
    }

    /// Accepts an invitation for `user`: makes them a member with the
    /// invitation's role. Atomic and single use: of concurrent accepts
    /// exactly one succeeds, the others get [`AccessError::AlreadyUsed`].
    /// [`AccessError::Expired`] past its expiry, [`AccessError::Revoked`]
    /// if an owner revoked it or its creator (a user) is no longer an
    /// owner of the partnership, [`AccessError::NotFound`] for an unknown
    /// secret, [`AccessError::Conflict`] if the user is already a member
    /// (the invitation stays unused).
    pub async fn accept_invitation(
        &self,
        secret: &Secret,
        user: &UserId,
    ) -> Result<Membership, AccessError> {
        let hash = secret.hash();
        let user = user.clone();
        let now = self.now();
        self.write(move |conn| {
            let member = require_user(conn, &user)?;
            accept_invitation_in(conn, &hash, &member, now)
        })
        .await
    }

    /// Accepts an invitation for a person without an account: creates the
    /// user (with a password) and makes them a member with the
    /// invitation's role, in one transaction, so an invitation that cannot
    /// be used leaves no account behind. The errors of
    /// [`AccessStore::accept_invitation`], and those of
    /// [`AccessStore::create_user`] for the new account (checked before the
    /// costly password hashing, as is the invitation's status).
    pub async fn accept_invitation_as_new_user(
        &self,
        secret: &Secret,
        new: NewUser,
    ) -> Result<(User, Membership), AccessError> {
        let checked = CheckedUser::new(&new)?;
        let Some(password) = new.password else {
            return Err(AccessError::InvalidInput(
                "a new account needs a password".into(),
            ));
        };
        check_password_policy(&password)?;
        // A used, revoked, expired or unknown invitation is refused before
        // the password is hashed; the write checks again.
        let info = self.invitation_info(secret).await?;
        invitation_usable(info.status)?;
        let password_hash = self.hash_new_password(password).await?;
        let hash = secret.hash();
        let id = UserId::generate()?;
        let now = self.now();
        self.write(move |conn| {
            let user = insert_user(conn, &id, &checked, Some(&password_hash), now)?;
            let membership = accept_invitation_in(conn, &hash, &user, now)?;
            Ok((user, membership))
        })
        .await
    }

    /// Revokes a pending invitation (owners, or the system). Revoking one
    /// that is no longer pending changes nothing.
    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        invitation: &InvitationId,
    ) -> Result<(), AccessError> {
        let (actor, id) = (actor.clone(), invitation.clone());
        let now = self.now();
        self.write(move |conn| {
            let partnership: String = query_opt(
                conn,
                "looking up an invitation",
                "SELECT partnership FROM invitations WHERE id = ?1",
                [id.as_str()],
                |row| row.get(0),
            )?
            .ok_or(AccessError::NotFound("invitation"))?;
            let p = PartnershipId::from_db(partnership);
            authorize_manager(conn, &actor, &p)?;
            let revoked = conn
                .execute(
                    "UPDATE invitations SET revoked_at = ?1 \
                     WHERE id = ?2 AND used_at IS NULL AND revoked_at IS NULL",
                    params![to_millis(now), id.as_str()],
                )
                .map_err(db("revoking an invitation"))?;
            if revoked == 1 {
                AuditedWrite::new(conn, now, &actor, &p)
                    .record(AuditKind::InvitationRevoked, json!({ "invitation": id }))?;
            }
            Ok(())
        })
        .await
    }

    // ----- API tokens -----

    /// Creates an API token for `partnership` with `role` (editor or
    /// viewer; [`AccessError::InvalidInput`] for owner). Owners may, and
    /// the system (`mitra token create` at the command line). Returns the
    /// token and its secret, which is shown once.
    pub async fn create_token(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        role: Role,
        label: &str,
    ) -> Result<(TokenInfo, Secret), AccessError> {
        if role == Role::Owner {
            return Err(AccessError::InvalidInput(
                "an API token is an editor or a viewer, never an owner".into(),
            ));
        }
        let label = clean_name("token label", label)?;
        let secret = Secret::generate(SecretKind::ApiToken)?;
        let hash = secret.hash();
        let id = TokenId::generate()?;
        let info = self
            .manage(actor, partnership, move |w, _| {
                w.conn
                    .execute(
                        "INSERT INTO tokens \
                         (id, secret_hash, partnership, role, label, created_by, created_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            id.as_str(),
                            hash,
                            w.partnership.as_str(),
                            role.as_str(),
                            label,
                            w.actor.to_string(),
                            to_millis(w.now)
                        ],
                    )
                    .map_err(db("creating a token"))?;
                w.record(
                    AuditKind::TokenCreated,
                    json!({ "token": id, "role": role, "label": label }),
                )?;
                Ok(TokenInfo {
                    id,
                    partnership: w.partnership.clone(),
                    role,
                    label,
                    created_by: w.actor.clone(),
                    created_at: w.now,
                    revoked_at: None,
                })
            })
            .await?;
        Ok((info, secret))
    }

    /// The principal an API token's secret stands for; `None` if unknown or
    /// revoked.
    pub async fn token_principal(&self, secret: &Secret) -> Result<Option<Principal>, AccessError> {
        self.read_opt(
            "looking up a token",
            "SELECT id, partnership, role, label FROM tokens \
             WHERE secret_hash = ?1 AND revoked_at IS NULL",
            [secret.hash()],
            |row| {
                Ok(Principal::Token {
                    token_id: TokenId::from_db(row.get(0)?),
                    partnership: PartnershipId::from_db(row.get(1)?),
                    role: get_parsed(row, 2)?,
                    label: row.get(3)?,
                })
            },
        )
        .await
    }

    /// Revokes an API token (owners of its partnership, or the system).
    /// Announces [`AccessChange::TokenRevoked`]; revoking a revoked token
    /// changes and announces nothing.
    pub async fn revoke_token(&self, actor: &Actor, token: &TokenId) -> Result<(), AccessError> {
        let (actor, id) = (actor.clone(), token.clone());
        let now = self.now();
        let revoked = self
            .write(move |conn| {
                let (partnership, role, label, revoked_at): (String, String, String, Option<i64>) =
                    query_opt(
                        conn,
                        "looking up a token",
                        "SELECT partnership, role, label, revoked_at FROM tokens WHERE id = ?1",
                        [id.as_str()],
                        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                    )?
                    .ok_or(AccessError::NotFound("token"))?;
                let p = PartnershipId::from_db(partnership);
                authorize_manager(conn, &actor, &p)?;
                if revoked_at.is_some() {
                    return Ok(None);
                }
                conn.execute(
                    "UPDATE tokens SET revoked_at = ?1 WHERE id = ?2",
                    params![to_millis(now), id.as_str()],
                )
                .map_err(db("revoking a token"))?;
                AuditedWrite::new(conn, now, &actor, &p).record(
                    AuditKind::TokenRevoked,
                    json!({ "token": id, "role": role, "label": label }),
                )?;
                Ok(Some(p))
            })
            .await?;
        if let Some(partnership) = revoked {
            self.announce(AccessChange::TokenRevoked {
                token: token.clone(),
                partnership,
            });
        }
        Ok(())
    }

    /// The API tokens of a partnership, revoked ones included, oldest
    /// first; never their secrets.
    pub async fn tokens(&self, partnership: &PartnershipId) -> Result<Vec<TokenInfo>, AccessError> {
        self.read_all(
            "listing tokens",
            "SELECT id, partnership, role, label, created_by, created_at, revoked_at \
             FROM tokens WHERE partnership = ?1 ORDER BY created_at, rowid",
            [partnership.to_string()],
            |row| {
                Ok(TokenInfo {
                    id: TokenId::from_db(row.get(0)?),
                    partnership: PartnershipId::from_db(row.get(1)?),
                    role: get_parsed(row, 2)?,
                    label: row.get(3)?,
                    created_by: get_parsed(row, 4)?,
                    created_at: get_time(row, 5)?,
                    revoked_at: get_opt_time(row, 6)?,
                })
            },
        )
        .await
    }

    // ----- documents and authorization -----

    /// The partnership a document belongs to, if it was assigned.
    pub async fn document_partnership(
        &self,
        document: &str,
    ) -> Result<Option<PartnershipId>, AccessError> {
        check_document_id(document)?;
        let document = document.to_owned();
        self.read(move |conn| load_document_partnership(conn, &document))
            .await
    }

    /// Assigns a document to a partnership unless it already belongs to
    /// one: the first assignment wins, also under concurrency. Returns the
    /// partnership the document belongs to now. For the server's own use
    /// (documents existing before access control, the demo); a peer's new
    /// document goes through [`AccessStore::claim_document`].
    pub async fn assign_document(
        &self,
        document: &str,
        partnership: &PartnershipId,
    ) -> Result<PartnershipId, AccessError> {
        check_document_id(document)?;
        let (document, p) = (document.to_owned(), partnership.clone());
        let now = self.now();
        self.write(move |conn| {
            require_partnership(conn, &p)?;
            conn.execute(
                "INSERT INTO documents (document, partnership, assigned_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (document) DO NOTHING",
                params![document, p.as_str(), to_millis(now)],
            )
            .map_err(db("assigning a document"))?;
            load_document_partnership(conn, &document)?
                .ok_or_else(|| AccessError::Internal("an assigned document vanished".into()))
        })
        .await
    }

    /// Makes `document` the partnership's charter (its home in the web
    /// client). The document must already belong to the partnership
    /// ([`AccessError::Forbidden`] otherwise); the caller checks that whoever
    /// asks may manage it. Returns the partnership as it is now.
    pub async fn set_charter(
        &self,
        partnership: &PartnershipId,
        document: &str,
    ) -> Result<Partnership, AccessError> {
        check_document_id(document)?;
        let (document, p) = (document.to_owned(), partnership.clone());
        self.write(move |conn| {
            require_partnership(conn, &p)?;
            if load_document_partnership(conn, &document)?.as_ref() != Some(&p) {
                return Err(AccessError::Forbidden(
                    "the charter must be a document of the partnership",
                ));
            }
            conn.execute(
                "UPDATE partnerships SET charter = ?1 WHERE id = ?2",
                params![document, p.as_str()],
            )
            .map_err(db("setting a partnership's charter"))?;
            require_partnership(conn, &p)
        })
        .await
    }

    /// The documents of a partnership, in the order they were assigned.
    pub async fn documents(&self, partnership: &PartnershipId) -> Result<Vec<String>, AccessError> {
        self.read_all(
            "listing documents",
            "SELECT document FROM documents WHERE partnership = ?1 ORDER BY assigned_at, rowid",
            [partnership.to_string()],
            |row| row.get(0),
        )
        .await
    }

    /// A user principal with the user's current memberships (after a
    /// session or an identity provider said who they are).
    pub async fn principal_for_user(&self, user: &UserId) -> Result<Principal, AccessError> {
        let user = user.clone();
        self.read(move |conn| {
            let user = require_user(conn, &user)?;
            let memberships = query_all(
                conn,
                "listing memberships",
                "SELECT partnership, role FROM memberships WHERE user = ?1 \
                 ORDER BY added_at, rowid",
                [user.id.as_str()],
                |row| {
                    Ok(Membership {
                        user: user.id.clone(),
                        partnership: PartnershipId::from_db(row.get(0)?),
                        role: get_parsed(row, 1)?,
                    })
                },
            )?;
            Ok(Principal::User { user, memberships })
        })
        .await
    }

    /// The principal's current role in a partnership, read from the
    /// database (not from the principal's snapshot): a user's membership,
    /// or a token's role if it is that partnership's and not revoked.
    pub async fn role_for(
        &self,
        principal: &Principal,
        partnership: &PartnershipId,
    ) -> Result<Option<Role>, AccessError> {
        let (principal, p) = (principal.clone(), partnership.clone());
        self.read(move |conn| principal_role(conn, &principal, &p))
            .await
    }

    /// The principal's access to a document: its partnership and the
    /// principal's role there. `None` if the document is not assigned
    /// (it does not exist for anyone) or the principal has no role in its
    /// partnership. The sync layer answers `doc-unavailable` for `None`.
    pub async fn document_access(
        &self,
        principal: &Principal,
        document: &str,
    ) -> Result<Option<DocumentAccess>, AccessError> {
        check_document_id(document)?;
        let (principal, document) = (principal.clone(), document.to_owned());
        self.read(move |conn| {
            let Some(partnership) = load_document_partnership(conn, &document)? else {
                return Ok(None);
            };
            Ok(principal_role(conn, &principal, &partnership)?
                .map(|role| DocumentAccess { partnership, role }))
        })
        .await
    }

    /// May the principal read (sync, request, send ephemeral messages for)
    /// this document? Unassigned documents are readable by nobody.
    pub async fn may_read(
        &self,
        principal: &Principal,
        document: &str,
    ) -> Result<bool, AccessError> {
        Ok(self.document_access(principal, document).await?.is_some())
    }

    /// May the principal change this existing document (owner or editor of
    /// its partnership)? `false` for an unassigned document: creating one
    /// is [`AccessStore::claim_document`].
    pub async fn may_write(
        &self,
        principal: &Principal,
        document: &str,
    ) -> Result<bool, AccessError> {
        Ok(self
            .document_access(principal, document)
            .await?
            .is_some_and(|access| access.can_write()))
    }

    /// Write access to a document the principal is creating, assigning it
    /// to a partnership if it has none yet (atomically: of concurrent
    /// claims the first wins, and the others are checked against the
    /// winner's partnership).
    ///
    /// The partnership of a new document: a token's own; for a user, the
    /// one the connection chose (`partnership`, e.g. from the workspace
    /// the browser has open), else their only partnership where they may
    /// write, else [`AccessError::PartnershipRequired`]. The principal must
    /// be an owner or editor there ([`AccessError::Forbidden`] otherwise,
    /// also when a token names another partnership). For a document that
    /// already belongs to a partnership this is [`AccessStore::may_write`]
    /// as a `Result`.
    ///
    /// The server must call this only for documents its storage does not
    /// have: an unassigned document that exists (one from before access
    /// control) is assigned by the operator, not claimed by a peer.
    pub async fn claim_document(
        &self,
        principal: &Principal,
        document: &str,
        partnership: Option<&PartnershipId>,
    ) -> Result<DocumentAccess, AccessError> {
        check_document_id(document)?;
        let principal = principal.clone();
        let document = document.to_owned();
        let chosen = partnership.cloned();
        let now = self.now();
        self.write(move |conn| {
            if let Some(partnership) = load_document_partnership(conn, &document)? {
                return match principal_role(conn, &principal, &partnership)? {
                    Some(role) if role.can_write() => Ok(DocumentAccess { partnership, role }),
                    Some(_) => Err(AccessError::Forbidden("read-only access to this document")),
                    None => Err(AccessError::Forbidden("no access to this document")),
                };
            }
            let target = match (&principal, chosen) {
                (Principal::Token { partnership, .. }, Some(chosen)) if chosen != *partnership => {
                    return Err(AccessError::Forbidden(
                        "an API token reaches only its own partnership",
                    ));
                }
                (Principal::Token { partnership, .. }, _) => partnership.clone(),
                (Principal::User { .. }, Some(chosen)) => chosen,
                (Principal::User { user, .. }, None) => {
                    let writable = writable_partnerships(conn, &user.id)?;
                    match writable.as_slice() {
                        [only] => only.clone(),
                        [] => {
                            return Err(AccessError::Forbidden(
                                "no partnership where this user may write",
                            ));
                        }
                        _ => return Err(AccessError::PartnershipRequired),
                    }
                }
            };
            let role = match principal_role(conn, &principal, &target)? {
                Some(role) if role.can_write() => role,
                Some(_) => {
                    return Err(AccessError::Forbidden(
                        "read-only access to this partnership",
                    ));
                }
                None => return Err(AccessError::Forbidden("not a member of this partnership")),
            };
            conn.execute(
                "INSERT INTO documents (document, partnership, assigned_at) VALUES (?1, ?2, ?3)",
                params![document, target.as_str(), to_millis(now)],
            )
            .map_err(db("assigning a document"))?;
            Ok(DocumentAccess {
                partnership: target,
                role,
            })
        })
        .await
    }

    // ----- attribution -----

    /// Records who delivered each change the server accepted for a
    /// document, attested at `at`, in one transaction. A change already
    /// recorded keeps its first record (the first delivery is the one the
    /// server accepted). Returns how many were new.
    pub async fn record_changes(
        &self,
        document: &str,
        changes: &[ChangeRecord],
        at: OffsetDateTime,
    ) -> Result<usize, AccessError> {
        check_document_id(document)?;
        for change in changes {
            check_change_hash(&change.change_hash)?;
        }
        let document = document.to_owned();
        let changes = changes.to_vec();
        self.write(move |conn| {
            let mut stmt = conn
                .prepare_cached(
                    "INSERT INTO attributions \
                     (document, change_hash, user, token, display_name, organisation, at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                     ON CONFLICT (document, change_hash) DO NOTHING",
                )
                .map_err(db("recording changes"))?;
            let mut added = 0;
            for change in &changes {
                let (user, token) = match &change.actor {
                    Actor::User(id) => (Some(id.as_str()), None),
                    Actor::Token(id) => (None, Some(id.as_str())),
                    Actor::System => (None, None),
                };
                added += stmt
                    .execute(params![
                        document,
                        change.change_hash.to_ascii_lowercase(),
                        user,
                        token,
                        change.display_name,
                        change.organisation,
                        to_millis(at)
                    ])
                    .map_err(db("recording a change"))?;
            }
            Ok(added)
        })
        .await
    }

    /// Who delivered each recorded change of a document, in the order the
    /// server accepted them.
    pub async fn history(&self, document: &str) -> Result<Vec<Attribution>, AccessError> {
        check_document_id(document)?;
        self.read_all(
            "reading a document's history",
            "SELECT change_hash, user, token, display_name, organisation, at \
             FROM attributions WHERE document = ?1 ORDER BY seq",
            [document.to_owned()],
            |row| {
                Ok(Attribution {
                    change_hash: row.get(0)?,
                    user_id: row.get::<_, Option<String>>(1)?.map(UserId::from_db),
                    token_id: row.get::<_, Option<String>>(2)?.map(TokenId::from_db),
                    display_name: row.get(3)?,
                    organisation: row.get(4)?,
                    at: get_time(row, 5)?,
                })
            },
        )
        .await
    }

    // ----- audit -----

    /// A partnership's audit events, oldest first, from `since` on (all if
    /// `None`).
    pub async fn audit(
        &self,
        partnership: &PartnershipId,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<AuditEvent>, AccessError> {
        let p = partnership.clone();
        let since = since.map_or(i64::MIN, to_millis);
        self.read(move |conn| {
            query_all(
                conn,
                "reading the audit log",
                &format!("{AUDIT_SELECT} WHERE partnership = ?1 AND at >= ?2 ORDER BY id"),
                params![p.as_str(), since],
                audit_row,
            )?
            .into_iter()
            .map(RawAudit::into_event)
            .collect()
        })
        .await
    }

    /// [`AccessStore::audit`] rendered as JSON (see [`crate::audit_json`]).
    pub async fn audit_json(
        &self,
        partnership: &PartnershipId,
        since: Option<OffsetDateTime>,
    ) -> Result<String, AccessError> {
        crate::audit::audit_json(&self.audit(partnership, since).await?)
    }

    /// [`AccessStore::audit`] rendered as CSV (see [`crate::audit_csv`]).
    pub async fn audit_csv(
        &self,
        partnership: &PartnershipId,
        since: Option<OffsetDateTime>,
    ) -> Result<String, AccessError> {
        crate::audit::audit_csv(&self.audit(partnership, since).await?)
    }

    /// The id of the newest audit event (0 if none): where to start
    /// polling [`AccessStore::access_changes_after`].
    pub async fn last_audit_id(&self) -> Result<AuditId, AccessError> {
        self.read(|conn| {
            conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |row| {
                row.get(0)
            })
            .map(AuditId)
            .map_err(db("reading the audit log"))
        })
        .await
    }

    /// Membership removals, role changes and token revocations recorded
    /// after `after`, whoever made them, this process or another (the
    /// command line): a server polls this, say every second, to close
    /// connections whose rights another process took away.
    pub async fn access_changes_after(
        &self,
        after: AuditId,
    ) -> Result<Vec<(AuditId, AccessChange)>, AccessError> {
        self.read(move |conn| {
            let rows = query_all(
                conn,
                "reading the audit log",
                &format!(
                    "{AUDIT_SELECT} \
                     WHERE id > ?1 AND kind IN ('member_removed', 'role_changed', 'token_revoked') \
                     ORDER BY id"
                ),
                [after.0],
                audit_row,
            )?;
            let mut changes = Vec::with_capacity(rows.len());
            for row in rows {
                let event = row.into_event()?;
                if let Some(change) = change_of(&event)? {
                    changes.push((event.id, change));
                }
            }
            Ok(changes)
        })
        .await
    }

    // ----- external identities -----

    /// Links an external identity (an OpenID Connect issuer and subject) to
    /// a user, so [`crate::LinkedIdentities`] signs them in.
    /// [`AccessError::Conflict`] if it is linked to another user; linking
    /// it again to the same user changes nothing.
    pub async fn link_external_identity(
        &self,
        user: &UserId,
        identity: &ExternalIdentity,
    ) -> Result<(), AccessError> {
        if identity.issuer.is_empty() || identity.subject.is_empty() {
            return Err(AccessError::InvalidInput(
                "an external identity needs an issuer and a subject".into(),
            ));
        }
        let (user, identity) = (user.clone(), identity.clone());
        let now = self.now();
        self.write(move |conn| {
            require_user(conn, &user)?;
            let linked: Option<String> = query_opt(
                conn,
                "looking up an external identity",
                "SELECT user FROM external_identities WHERE issuer = ?1 AND subject = ?2",
                params![identity.issuer, identity.subject],
                |row| row.get(0),
            )?;
            match linked {
                Some(existing) if existing == user.as_str() => Ok(()),
                Some(_) => Err(AccessError::Conflict(
                    "this identity is linked to another user".into(),
                )),
                None => {
                    conn.execute(
                        "INSERT INTO external_identities (issuer, subject, user, created_at) \
                         VALUES (?1, ?2, ?3, ?4)",
                        params![
                            identity.issuer,
                            identity.subject,
                            user.as_str(),
                            to_millis(now)
                        ],
                    )
                    .map_err(db("linking an external identity"))?;
                    Ok(())
                }
            }
        })
        .await
    }

    /// The user an external identity is linked to.
    pub async fn user_by_external_identity(
        &self,
        identity: &ExternalIdentity,
    ) -> Result<Option<User>, AccessError> {
        let ExternalIdentity { issuer, subject } = identity.clone();
        self.read_opt(
            "looking up an external identity",
            "SELECT u.id, u.username, u.display_name, u.organisation, u.created_at \
             FROM external_identities e JOIN users u ON u.id = e.user \
             WHERE e.issuer = ?1 AND e.subject = ?2",
            (issuer, subject),
            |row| user_at(row, 0),
        )
        .await
    }

    /// The external identities linked to a user.
    pub async fn external_identities_of(
        &self,
        user: &UserId,
    ) -> Result<Vec<ExternalIdentity>, AccessError> {
        self.read_all(
            "listing external identities",
            "SELECT issuer, subject FROM external_identities WHERE user = ?1 \
             ORDER BY created_at, rowid",
            [user.to_string()],
            |row| {
                Ok(ExternalIdentity {
                    issuer: row.get(0)?,
                    subject: row.get(1)?,
                })
            },
        )
        .await
    }

    // ----- plumbing -----

    /// Sends one write to the writer and waits until it is committed.
    async fn write<T, F>(&self, work: F) -> Result<T, AccessError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AccessError> + Send + 'static,
    {
        let sender = lock(&self.sender).clone().ok_or(AccessError::Closed)?;
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn WriteJob> = Box::new(Job {
            work: Some(work),
            outcome: None,
            reply,
        });
        sender.send(job).await.map_err(|_| AccessError::Closed)?;
        drop(sender);
        answer.await.map_err(|_| AccessError::Closed)?
    }

    /// [`AccessStore::write`] by `actor` concerning `partnership`, at the
    /// current time: `work` gets the [`AuditedWrite`] that records its
    /// audit events.
    async fn write_audited<T, F>(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        work: F,
    ) -> Result<T, AccessError>
    where
        T: Send + 'static,
        F: FnOnce(AuditedWrite<'_>) -> Result<T, AccessError> + Send + 'static,
    {
        let (actor, partnership) = (actor.clone(), partnership.clone());
        let now = self.now();
        self.write(move |conn| work(AuditedWrite::new(conn, now, &actor, &partnership)))
            .await
    }

    /// [`AccessStore::write_audited`] of a change only a partnership's
    /// managers may make: the partnership must exist
    /// ([`AccessError::NotFound`]) and `actor` must manage it (see
    /// [`authorize_manager`]); `work` gets the partnership as well.
    async fn manage<T, F>(
        &self,
        actor: &Actor,
        partnership: &PartnershipId,
        work: F,
    ) -> Result<T, AccessError>
    where
        T: Send + 'static,
        F: FnOnce(AuditedWrite<'_>, Partnership) -> Result<T, AccessError> + Send + 'static,
    {
        self.write_audited(actor, partnership, move |w| {
            let partnership = require_partnership(w.conn, w.partnership)?;
            authorize_manager(w.conn, w.actor, w.partnership)?;
            work(w, partnership)
        })
        .await
    }

    /// [`query_all`] on a read connection.
    async fn read_all<T, P>(
        &self,
        what: &'static str,
        sql: &'static str,
        params: P,
        row_to: impl FnMut(&Row<'_>) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<Vec<T>, AccessError>
    where
        T: Send + 'static,
        P: Params + Send + 'static,
    {
        self.read(move |conn| query_all(conn, what, sql, params, row_to))
            .await
    }

    /// [`query_opt`] on a read connection.
    async fn read_opt<T, P>(
        &self,
        what: &'static str,
        sql: &'static str,
        params: P,
        row_to: impl FnOnce(&Row<'_>) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<Option<T>, AccessError>
    where
        T: Send + 'static,
        P: Params + Send + 'static,
    {
        self.read(move |conn| query_opt(conn, what, sql, params, row_to))
            .await
    }

    /// Runs `work` on a pooled read connection on the blocking pool.
    async fn read<T, F>(&self, work: F) -> Result<T, AccessError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, AccessError> + Send + 'static,
    {
        if self.shared.closed.load(Ordering::SeqCst) {
            return Err(AccessError::Closed);
        }
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let mut conn = match lock(&shared.readers).pop() {
                Some(conn) => conn,
                None => open_reader(&shared.path)?,
            };
            let result = work(&mut conn);
            if conn.is_autocommit() && !shared.closed.load(Ordering::SeqCst) {
                let mut readers = lock(&shared.readers);
                if readers.len() < MAX_IDLE_READERS {
                    readers.push(conn);
                }
            }
            result
        })
        .await
        .map_err(|e| {
            if e.is_cancelled() {
                AccessError::Closed
            } else {
                AccessError::Internal(format!("read task failed: {e}"))
            }
        })?
    }
}

impl fmt::Debug for AccessStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessStore")
            .field("path", &self.path)
            .field("session_lifetime", &self.options.session_lifetime)
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ----- opening -----

fn open_blocking(data_dir: &Path) -> Result<(PathBuf, Connection), AccessError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        AccessError::Open(format!(
            "creating data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    let path = data_dir.join(DATABASE_FILE);
    let existed = path.exists();
    let open_error = |what: &str, e: rusqlite::Error| {
        AccessError::Open(format!("{}: {what}: {e}", path.display()))
    };
    let mut conn = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error("opening database", e))?;
    if !existed {
        restrict_permissions(&path)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| open_error("setting busy_timeout", e))?;
    let journal_mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(|e| open_error("setting journal_mode=WAL", e))?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(AccessError::Open(format!(
            "{}: journal_mode is {journal_mode}, WAL is required",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(|e| open_error("setting synchronous=FULL", e))?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(|e| open_error("enabling foreign_keys", e))?;
    migrate(&mut conn).map_err(|e| match e {
        AccessError::Open(msg) => AccessError::Open(format!("{}: {msg}", path.display())),
        other => other,
    })?;
    Ok((path, conn))
}

/// The file holds password hashes: readable by its owner only.
#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<(), AccessError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| AccessError::Open(format!("{}: restricting permissions: {e}", path.display())))
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> Result<(), AccessError> {
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection, AccessError> {
    let context = |e| db_error(&format!("opening read connection to {}", path.display()), e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(context)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(context)?;
    conn.pragma_update(None, "query_only", true)
        .map_err(context)?;
    Ok(conn)
}

// ----- the writer -----

fn run_writer(mut conn: Connection, mut receiver: mpsc::Receiver<Box<dyn WriteJob>>) {
    let mut batch: Vec<Box<dyn WriteJob>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = receiver.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = run_batch(&mut conn, &mut batch);
        if let Err(error) = &committed {
            tracing::error!(writes = batch.len(), %error, "access batch failed; rolled back");
        }
        for job in batch.drain(..) {
            job.finish(committed.clone());
        }
    }
    tracing::debug!("access writer queue closed; writer exiting");
    if let Err((_, e)) = conn.close() {
        tracing::warn!(error = %e, "closing the access write connection");
    }
}

/// Runs every job in its own savepoint inside one transaction, and commits.
fn run_batch(conn: &mut Connection, batch: &mut [Box<dyn WriteJob>]) -> Result<(), AccessError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db("beginning a write transaction"))?;
    for job in batch.iter_mut() {
        tx.execute_batch("SAVEPOINT job")
            .map_err(db("opening a savepoint"))?;
        // A panic inside a job (a bug) fails that job only; the writer
        // carries on.
        let ok = std::panic::catch_unwind(AssertUnwindSafe(|| job.run(&tx))).unwrap_or_else(|_| {
            tracing::error!("an access write panicked; its savepoint is rolled back");
            false
        });
        if ok {
            tx.execute_batch("RELEASE job")
                .map_err(db("releasing a savepoint"))?;
        } else {
            tx.execute_batch("ROLLBACK TO job; RELEASE job")
                .map_err(db("rolling back a savepoint"))?;
        }
    }
    tx.commit().map_err(db("committing"))
}

// ----- validation -----

/// A new user's fields, checked and trimmed.
struct CheckedUser {
    username: String,
    username_key: String,
    display_name: String,
    organisation: String,
}

impl CheckedUser {
    fn new(new: &NewUser) -> Result<CheckedUser, AccessError> {
        let username = new.username.trim();
        let chars = username.chars().count();
        if chars == 0 || chars > MAX_USERNAME_CHARS {
            return Err(AccessError::InvalidInput(format!(
                "a username has 1 to {MAX_USERNAME_CHARS} characters"
            )));
        }
        if username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(AccessError::InvalidInput(
                "a username has no spaces or control characters".into(),
            ));
        }
        Ok(CheckedUser {
            username: username.to_owned(),
            username_key: username_key(username),
            display_name: clean_name("display name", &new.display_name)?,
            organisation: clean_name("organisation", &new.organisation)?,
        })
    }
}

/// The case-insensitive form usernames are unique in.
fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Trims a name and checks it has 1 to [`MAX_NAME_CHARS`] characters and no
/// control characters.
fn clean_name(what: &str, value: &str) -> Result<String, AccessError> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(AccessError::InvalidInput(format!(
            "a {what} has 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(AccessError::InvalidInput(format!(
            "a {what} has no control characters"
        )));
    }
    Ok(value.to_owned())
}

fn check_document_id(document: &str) -> Result<(), AccessError> {
    if document.is_empty()
        || document.len() > MAX_DOCUMENT_ID_BYTES
        || document
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AccessError::InvalidInput("not a document id".into()));
    }
    Ok(())
}

fn check_change_hash(hash: &str) -> Result<(), AccessError> {
    if hash.is_empty()
        || hash.len() > MAX_CHANGE_HASH_CHARS
        || !hash.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(AccessError::InvalidInput(
            "a change hash is 1 to 128 hex digits".into(),
        ));
    }
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

// ----- rows -----

fn conversion_error(column: usize, kind: Type, error: AccessError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, kind, Box::new(error))
}

fn get_time(row: &Row<'_>, column: usize) -> rusqlite::Result<OffsetDateTime> {
    from_millis(row.get(column)?).map_err(|e| conversion_error(column, Type::Integer, e))
}

fn get_opt_time(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<OffsetDateTime>> {
    row.get::<_, Option<i64>>(column)?
        .map(|millis| from_millis(millis).map_err(|e| conversion_error(column, Type::Integer, e)))
        .transpose()
}

/// A text column parsed into a `T` (a [`Role`], an [`Actor`]).
fn get_parsed<T: FromStr<Err = AccessError>>(row: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    row.get::<_, String>(column)?
        .parse()
        .map_err(|e| conversion_error(column, Type::Text, e))
}

/// A user from five columns starting at `start`: id, username,
/// display_name, organisation, created_at.
fn user_at(row: &Row<'_>, start: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: UserId::from_db(row.get(start)?),
        username: row.get(start + 1)?,
        display_name: row.get(start + 2)?,
        organisation: row.get(start + 3)?,
        created_at: get_time(row, start + 4)?,
    })
}

/// A partnership from three columns starting at `start`: id, name,
/// created_at.
fn partnership_at(row: &Row<'_>, start: usize) -> rusqlite::Result<Partnership> {
    Ok(Partnership {
        id: PartnershipId::from_db(row.get(start)?),
        name: row.get(start + 1)?,
        created_at: get_time(row, start + 2)?,
        charter: row.get(start + 3)?,
    })
}

/// The invitation whose secret hashes to `hash`, with its status at `now`;
/// [`AccessError::NotFound`] if there is none.
fn require_invitation(
    conn: &Connection,
    hash: &[u8],
    now: OffsetDateTime,
) -> Result<InvitationInfo, AccessError> {
    query_opt(
        conn,
        "looking up an invitation",
        &format!("{INVITATION_SELECT} WHERE i.secret_hash = ?1"),
        [hash],
        |row| invitation_at(row, now),
    )?
    .ok_or(AccessError::NotFound("invitation"))
}

/// [`AccessError::AlreadyUsed`], [`AccessError::Revoked`] or
/// [`AccessError::Expired`] unless an invitation in `status` can be used.
fn invitation_usable(status: InvitationStatus) -> Result<(), AccessError> {
    match status {
        InvitationStatus::Used => Err(AccessError::AlreadyUsed("invitation")),
        InvitationStatus::Revoked => Err(AccessError::Revoked("invitation")),
        InvitationStatus::Expired => Err(AccessError::Expired("invitation")),
        InvitationStatus::Pending => Ok(()),
    }
}

/// Uses the invitation whose secret hashes to `hash` for `member`: marks
/// it used and adds the membership, with its audit events (see
/// [`AccessStore::accept_invitation`]).
fn accept_invitation_in(
    conn: &Connection,
    hash: &[u8],
    member: &User,
    now: OffsetDateTime,
) -> Result<Membership, AccessError> {
    let invitation = require_invitation(conn, hash, now)?;
    invitation_usable(invitation.status)?;
    let user = member.id.clone();
    let p = invitation.partnership.id.clone();
    if member_role(conn, &p, &user)?.is_some() {
        return Err(AccessError::Conflict("already a member".into()));
    }
    let taken = conn
        .execute(
            "UPDATE invitations SET used_at = ?1, used_by = ?2 \
             WHERE id = ?3 AND used_at IS NULL AND revoked_at IS NULL",
            params![to_millis(now), user.as_str(), invitation.id.as_str()],
        )
        .map_err(db("using an invitation"))?;
    if taken != 1 {
        return Err(AccessError::AlreadyUsed("invitation"));
    }
    insert_membership(conn, &p, &user, invitation.role, now)?;
    let actor = Actor::User(user.clone());
    let w = AuditedWrite::new(conn, now, &actor, &p);
    w.record(
        AuditKind::InvitationAccepted,
        json!({ "invitation": invitation.id, "user": user, "role": invitation.role }),
    )?;
    w.record(
        AuditKind::MemberAdded,
        member_details(member, invitation.role, "invitation"),
    )?;
    Ok(Membership {
        user,
        partnership: p,
        role: invitation.role,
    })
}

/// The columns [`invitation_at`] reads. The last says whether the
/// invitation's creator still stands behind it: the system always does, a
/// user only while an owner of the partnership (nobody else may invite).
const INVITATION_SELECT: &str = "SELECT i.id, i.role, i.created_by, i.created_at, i.expires_at, \
            i.used_at, i.used_by, i.revoked_at, p.id, p.name, p.created_at, p.charter, \
            CASE WHEN i.created_by = 'system' THEN 1 \
                 WHEN substr(i.created_by, 1, 5) = 'user:' THEN EXISTS ( \
                     SELECT 1 FROM memberships m \
                     WHERE m.partnership = i.partnership \
                       AND m.user = substr(i.created_by, 6) AND m.role = 'owner') \
                 ELSE 0 END \
     FROM invitations i JOIN partnerships p ON p.id = i.partnership";

fn invitation_at(row: &Row<'_>, now: OffsetDateTime) -> rusqlite::Result<InvitationInfo> {
    let expires_at = get_time(row, 4)?;
    let used_at = get_opt_time(row, 5)?;
    let revoked_at = get_opt_time(row, 7)?;
    let creator_is_owner: bool = row.get(12)?;
    let status = if used_at.is_some() {
        InvitationStatus::Used
    } else if revoked_at.is_some() {
        InvitationStatus::Revoked
    } else if expires_at <= now {
        InvitationStatus::Expired
    } else if !creator_is_owner {
        // An invitation whose creator was removed or demoted is revoked
        // with it; this also covers invitations from before that rule.
        InvitationStatus::Revoked
    } else {
        InvitationStatus::Pending
    };
    Ok(InvitationInfo {
        id: InvitationId::from_db(row.get(0)?),
        role: get_parsed(row, 1)?,
        created_by: get_parsed(row, 2)?,
        created_at: get_time(row, 3)?,
        expires_at,
        used_by: row.get::<_, Option<String>>(6)?.map(UserId::from_db),
        status,
        partnership: partnership_at(row, 8)?,
    })
}

/// Revokes the pending (unused, unrevoked, unexpired) invitations `creator`
/// made for the write's partnership, because they are no longer an owner
/// there; each is audited as `invitation_revoked` with `reason`. Returns
/// how many.
fn revoke_invitations_by(
    w: &AuditedWrite<'_>,
    creator: &UserId,
    reason: &str,
) -> Result<usize, AccessError> {
    let created_by = Actor::User(creator.clone()).to_string();
    let mut revoked: Vec<String> = query_all(
        w.conn,
        "revoking a former owner's invitations",
        "UPDATE invitations SET revoked_at = ?1 \
         WHERE partnership = ?2 AND created_by = ?3 \
           AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1 \
         RETURNING id",
        params![to_millis(w.now), w.partnership.as_str(), created_by],
        |row| row.get(0),
    )?;
    revoked.sort();
    for id in &revoked {
        w.record(
            AuditKind::InvitationRevoked,
            json!({ "invitation": id, "created_by": created_by, "reason": reason }),
        )?;
    }
    Ok(revoked.len())
}

/// The columns [`audit_row`] reads, from the audit log.
const AUDIT_SELECT: &str = "SELECT id, at, actor, partnership, kind, details FROM audit";

/// An audit row before its JSON and names are parsed.
struct RawAudit {
    id: i64,
    at: OffsetDateTime,
    actor: Actor,
    partnership: Option<String>,
    kind: String,
    details: String,
}

fn audit_row(row: &Row<'_>) -> rusqlite::Result<RawAudit> {
    Ok(RawAudit {
        id: row.get(0)?,
        at: get_time(row, 1)?,
        actor: get_parsed(row, 2)?,
        partnership: row.get(3)?,
        kind: row.get(4)?,
        details: row.get(5)?,
    })
}

impl RawAudit {
    fn into_event(self) -> Result<AuditEvent, AccessError> {
        let kind = AuditKind::parse(&self.kind).ok_or_else(|| {
            AccessError::Corrupt(format!(
                "audit event {}: unknown kind {:?}",
                self.id, self.kind
            ))
        })?;
        let details = serde_json::from_str(&self.details)
            .map_err(|e| AccessError::Corrupt(format!("audit event {}: details: {e}", self.id)))?;
        Ok(AuditEvent {
            id: AuditId(self.id),
            at: self.at,
            actor: self.actor,
            partnership: self.partnership.map(PartnershipId::from_db),
            kind,
            details,
        })
    }
}

/// The access change an audit event records, if it records one.
fn change_of(event: &AuditEvent) -> Result<Option<AccessChange>, AccessError> {
    let corrupt = |what: &str| AccessError::Corrupt(format!("audit event {}: {what}", event.id));
    let field = |name: &str| -> Result<String, AccessError> {
        event
            .details
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .ok_or_else(|| corrupt(&format!("no {name}")))
    };
    let partnership = || {
        event
            .partnership
            .clone()
            .ok_or_else(|| corrupt("no partnership"))
    };
    Ok(match event.kind {
        AuditKind::MemberRemoved => Some(AccessChange::MemberRemoved {
            user: UserId::from_db(field("user")?),
            partnership: partnership()?,
        }),
        AuditKind::RoleChanged => Some(AccessChange::RoleChanged {
            user: UserId::from_db(field("user")?),
            partnership: partnership()?,
            role: field("to")?.parse()?,
        }),
        AuditKind::TokenRevoked => Some(AccessChange::TokenRevoked {
            token: TokenId::from_db(field("token")?),
            partnership: partnership()?,
        }),
        _ => None,
    })
}

// ----- queries shared by reads and writes -----

/// Every row `sql` finds with `params`, each made a `T` by `row_to`;
/// `what` says what was being done if it fails.
fn query_all<T, P: Params>(
    conn: &Connection,
    what: &'static str,
    sql: &str,
    params: P,
    row_to: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, AccessError> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_map(params, row_to)?.collect())
        .map_err(db(what))
}

/// The row `sql` finds with `params`, if any, made a `T` by `row_to`;
/// `what` says what was being done if it fails.
fn query_opt<T, P: Params>(
    conn: &Connection,
    what: &'static str,
    sql: &str,
    params: P,
    row_to: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, AccessError> {
    conn.query_row(sql, params, row_to)
        .optional()
        .map_err(db(what))
}

/// Setup is possible (no user yet) and `hash` is the stored setup
/// secret's hash.
fn check_setup_secret(conn: &Connection, hash: &[u8]) -> Result<(), AccessError> {
    if user_count(conn)? > 0 {
        return Err(AccessError::AlreadyUsed("setup link"));
    }
    let stored: Option<Vec<u8>> = query_opt(
        conn,
        "reading the setup secret",
        "SELECT value FROM meta WHERE key = 'setup_token_hash'",
        [],
        |row| row.get(0),
    )?;
    if stored.as_deref() == Some(hash) {
        Ok(())
    } else {
        Err(AccessError::InvalidCredentials)
    }
}

fn user_count(conn: &Connection) -> Result<i64, AccessError> {
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .map_err(db("counting users"))
}

fn load_user(conn: &Connection, id: &UserId) -> Result<Option<User>, AccessError> {
    query_opt(
        conn,
        "loading a user",
        "SELECT id, username, display_name, organisation, created_at FROM users WHERE id = ?1",
        [id.as_str()],
        |row| user_at(row, 0),
    )
}

fn require_user(conn: &Connection, id: &UserId) -> Result<User, AccessError> {
    load_user(conn, id)?.ok_or(AccessError::NotFound("user"))
}

/// A user and their password hash, by username key.
fn load_login(conn: &Connection, key: &str) -> Result<Option<(User, Option<String>)>, AccessError> {
    query_opt(
        conn,
        "loading a user",
        "SELECT id, username, display_name, organisation, created_at, password_hash \
         FROM users WHERE username_key = ?1",
        [key],
        |row| Ok((user_at(row, 0)?, row.get(5)?)),
    )
}

fn insert_user(
    conn: &Connection,
    id: &UserId,
    user: &CheckedUser,
    password_hash: Option<&str>,
    now: OffsetDateTime,
) -> Result<User, AccessError> {
    let taken: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE username_key = ?1)",
            [&user.username_key],
            |row| row.get(0),
        )
        .map_err(db("checking a username"))?;
    if taken {
        return Err(AccessError::Conflict("the username is taken".into()));
    }
    conn.execute(
        "INSERT INTO users \
         (id, username, username_key, display_name, organisation, password_hash, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.as_str(),
            user.username,
            user.username_key,
            user.display_name,
            user.organisation,
            password_hash,
            to_millis(now)
        ],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            AccessError::Conflict("the username is taken".into())
        }
        other => db_error("creating a user", other),
    })?;
    Ok(User {
        id: id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        organisation: user.organisation.clone(),
        created_at: now,
    })
}

fn load_partnership(
    conn: &Connection,
    id: &PartnershipId,
) -> Result<Option<Partnership>, AccessError> {
    query_opt(
        conn,
        "loading a partnership",
        "SELECT id, name, created_at, charter FROM partnerships WHERE id = ?1",
        [id.as_str()],
        |row| partnership_at(row, 0),
    )
}

fn require_partnership(conn: &Connection, id: &PartnershipId) -> Result<Partnership, AccessError> {
    load_partnership(conn, id)?.ok_or(AccessError::NotFound("partnership"))
}

fn insert_partnership(
    conn: &Connection,
    id: &PartnershipId,
    name: &str,
    now: OffsetDateTime,
) -> Result<Partnership, AccessError> {
    conn.execute(
        "INSERT INTO partnerships (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![id.as_str(), name, to_millis(now)],
    )
    .map_err(db("creating a partnership"))?;
    Ok(Partnership {
        id: id.clone(),
        name: name.to_owned(),
        created_at: now,
        charter: None,
    })
}

fn insert_membership(
    conn: &Connection,
    partnership: &PartnershipId,
    user: &UserId,
    role: Role,
    now: OffsetDateTime,
) -> Result<(), AccessError> {
    conn.execute(
        "INSERT INTO memberships (partnership, user, role, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            partnership.as_str(),
            user.as_str(),
            role.as_str(),
            to_millis(now)
        ],
    )
    .map_err(db("adding a member"))?;
    Ok(())
}

fn member_role(
    conn: &Connection,
    partnership: &PartnershipId,
    user: &UserId,
) -> Result<Option<Role>, AccessError> {
    query_opt(
        conn,
        "reading a membership",
        "SELECT role FROM memberships WHERE partnership = ?1 AND user = ?2",
        params![partnership.as_str(), user.as_str()],
        |row| get_parsed(row, 0),
    )
}

/// A member's role; [`AccessError::NotFound`] if `user` is not a member.
fn require_member_role(
    conn: &Connection,
    partnership: &PartnershipId,
    user: &UserId,
) -> Result<Role, AccessError> {
    member_role(conn, partnership, user)?.ok_or(AccessError::NotFound("member"))
}

/// [`AccessError::LastOwner`] if a member whose role is `current` is the
/// partnership's last owner, who may be neither demoted nor removed.
fn keep_an_owner(
    conn: &Connection,
    partnership: &PartnershipId,
    current: Role,
) -> Result<(), AccessError> {
    if current == Role::Owner && owner_count(conn, partnership)? <= 1 {
        return Err(AccessError::LastOwner);
    }
    Ok(())
}

fn owner_count(conn: &Connection, partnership: &PartnershipId) -> Result<i64, AccessError> {
    conn.query_row(
        "SELECT count(*) FROM memberships WHERE partnership = ?1 AND role = 'owner'",
        [partnership.as_str()],
        |row| row.get(0),
    )
    .map_err(db("counting owners"))
}

fn writable_partnerships(
    conn: &Connection,
    user: &UserId,
) -> Result<Vec<PartnershipId>, AccessError> {
    query_all(
        conn,
        "listing writable partnerships",
        "SELECT partnership FROM memberships \
         WHERE user = ?1 AND role IN ('owner', 'editor') ORDER BY partnership",
        [user.as_str()],
        |row| Ok(PartnershipId::from_db(row.get(0)?)),
    )
}

/// The principal's role in a partnership as the database has it now.
fn principal_role(
    conn: &Connection,
    principal: &Principal,
    partnership: &PartnershipId,
) -> Result<Option<Role>, AccessError> {
    match principal {
        Principal::User { user, .. } => member_role(conn, partnership, &user.id),
        Principal::Token { token_id, .. } => query_opt(
            conn,
            "reading a token",
            "SELECT role FROM tokens \
             WHERE id = ?1 AND partnership = ?2 AND revoked_at IS NULL",
            params![token_id.as_str(), partnership.as_str()],
            |row| get_parsed(row, 0),
        ),
    }
}

/// Only owners of the partnership (and the system) manage it.
fn authorize_manager(
    conn: &Connection,
    actor: &Actor,
    partnership: &PartnershipId,
) -> Result<(), AccessError> {
    match actor {
        Actor::System => Ok(()),
        Actor::User(user) => match member_role(conn, partnership, user)? {
            Some(role) if role.can_manage() => Ok(()),
            _ => Err(AccessError::Forbidden("only owners manage a partnership")),
        },
        Actor::Token(_) => Err(AccessError::Forbidden(
            "API tokens cannot manage a partnership",
        )),
    }
}

fn load_document_partnership(
    conn: &Connection,
    document: &str,
) -> Result<Option<PartnershipId>, AccessError> {
    query_opt(
        conn,
        "looking up a document",
        "SELECT partnership FROM documents WHERE document = ?1",
        [document],
        |row| Ok(PartnershipId::from_db(row.get(0)?)),
    )
}

/// Ends every session of `user`; returns how many there were.
fn delete_sessions_of(conn: &Connection, user: &UserId) -> Result<usize, AccessError> {
    conn.execute("DELETE FROM sessions WHERE user = ?1", [user.as_str()])
        .map_err(db("ending sessions"))
}

fn delete_expired_sessions(conn: &Connection, now: OffsetDateTime) -> Result<usize, AccessError> {
    conn.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1",
        [to_millis(now)],
    )
    .map_err(db("deleting expired sessions"))
}

fn member_details(user: &User, role: Role, via: &str) -> serde_json::Value {
    json!({
        "user": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "organisation": user.organisation,
        "role": role,
        "via": via,
    })
}

/// One write by `actor` at `now` concerning `partnership`: the connection
/// it runs on, and what every audit event it records says.
#[derive(Clone, Copy)]
struct AuditedWrite<'a> {
    conn: &'a Connection,
    now: OffsetDateTime,
    actor: &'a Actor,
    partnership: &'a PartnershipId,
}

impl<'a> AuditedWrite<'a> {
    /// The write on `conn` by `actor` at `now` concerning `partnership`.
    fn new(
        conn: &'a Connection,
        now: OffsetDateTime,
        actor: &'a Actor,
        partnership: &'a PartnershipId,
    ) -> AuditedWrite<'a> {
        AuditedWrite {
            conn,
            now,
            actor,
            partnership,
        }
    }

    /// Appends an event of `kind` with `details` to the audit log.
    fn record(&self, kind: AuditKind, details: serde_json::Value) -> Result<(), AccessError> {
        self.conn
            .prepare_cached(
                "INSERT INTO audit (at, actor, partnership, kind, details) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    to_millis(self.now),
                    self.actor.to_string(),
                    self.partnership.as_str(),
                    kind.as_str(),
                    details.to_string()
                ])
            })
            .map_err(db("writing the audit log"))?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Instant;

    use super::*;

    /// Counts the password jobs running now and the most ever at once.
    #[derive(Debug, Default)]
    pub(super) struct Gauge {
        running: AtomicUsize,
        peak: AtomicUsize,
    }

    /// One running job; leaving its scope ends it.
    pub(super) struct Running<'a>(&'a Gauge);

    impl Gauge {
        pub(super) fn enter(&self) -> Running<'_> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            Running(self)
        }

        fn peak(&self) -> usize {
            self.peak.load(Ordering::SeqCst)
        }
    }

    impl Drop for Running<'_> {
        fn drop(&mut self) {
            self.0.running.fetch_sub(1, Ordering::SeqCst);
        }
    }

    const PASSWORD: &str = "correct horse battery";

    async fn store(dir: &Path, concurrency: usize, wait: Duration) -> Arc<AccessStore> {
        let options = AccessOptions {
            password_concurrency: concurrency,
            password_wait: wait,
            ..AccessOptions::default()
        };
        Arc::new(AccessStore::open_with(dir, options).await.unwrap())
    }

    async fn user(store: &AccessStore, name: &str) -> User {
        store
            .create_user(NewUser::with_password(name, PASSWORD, name, "org"))
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_password_checks_never_exceed_the_limit() {
        for limit in [1, 2] {
            let dir = tempfile::tempdir().unwrap();
            let store = store(dir.path(), limit, Duration::from_secs(120)).await;
            let ayu = user(&store, "ayu").await;
            let mut tasks = Vec::new();
            for i in 0..8 {
                let store = Arc::clone(&store);
                tasks.push(tokio::spawn(async move {
                    let (name, password) = match i % 3 {
                        0 => ("ayu", PASSWORD),
                        1 => ("ayu", "wrong password"),
                        _ => ("nobody", PASSWORD),
                    };
                    (i, store.verify_login(name, password).await)
                }));
            }
            for task in tasks {
                let (i, outcome) = task.await.unwrap();
                match i % 3 {
                    0 => assert_eq!(outcome.unwrap().id, ayu.id),
                    _ => assert_eq!(outcome, Err(AccessError::InvalidCredentials)),
                }
            }
            // The limit, never more, and (with 8 waiting) reached.
            assert_eq!(store.password_gauge.peak(), limit, "limit {limit}");
            store.close().await;
        }
    }

    #[tokio::test]
    async fn callers_get_busy_when_no_slot_frees_up_in_time() {
        let dir = tempfile::tempdir().unwrap();
        let wait = Duration::from_millis(200);
        let store = store(dir.path(), 1, wait).await;
        user(&store, "ayu").await;

        // Hold the only slot, as a long password check would.
        let held = Arc::clone(&store.password_permits)
            .acquire_owned()
            .await
            .unwrap();
        let started = Instant::now();
        assert_eq!(
            store.verify_login("ayu", PASSWORD).await,
            Err(AccessError::Busy)
        );
        let waited = started.elapsed();
        assert!(waited >= wait, "gave up after {waited:?}");
        assert!(waited < Duration::from_secs(2), "gave up after {waited:?}");
        // Every kind of password work is held back, and nothing is done.
        let new = NewUser::with_password("budi", PASSWORD, "Budi", "org");
        assert_eq!(store.create_user(new).await, Err(AccessError::Busy));
        assert_eq!(store.user_by_username("budi").await.unwrap(), None);
        assert_eq!(store.password_gauge.peak(), 1, "only the setup's hashing");

        // Once the slot is free, sign-ins work again.
        drop(held);
        assert!(store.verify_login("ayu", PASSWORD).await.is_ok());
        store.close().await;
    }
}
