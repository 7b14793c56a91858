//! The one error type of this crate.

/// Why an access-control operation failed.
///
/// The server maps these onto responses: `InvalidCredentials` and
/// `NotFound` of a presented secret onto 401, `Forbidden` onto 403 (or, in
/// the sync layer, `doc-unavailable`), `Conflict` onto 409, `Expired`,
/// `AlreadyUsed` and `Revoked` onto 410, `InvalidInput` onto 400, `Busy`
/// onto 503 with a `Retry-After`, and the rest onto 500. None of the
/// messages ever contains a secret or a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The named thing (user, partnership, member, invitation, token, ...)
    /// does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change clashes with what exists, e.g. the username is taken or
    /// the user is already a member.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The invitation or setup link has expired.
    #[error("the {0} has expired")]
    Expired(&'static str),
    /// The single-use invitation or setup link was already used.
    #[error("the {0} was already used")]
    AlreadyUsed(&'static str),
    /// The invitation was revoked by an owner.
    #[error("the {0} was revoked")]
    Revoked(&'static str),
    /// The actor may not do this (not an owner, a read-only role, ...).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Wrong username or password, unknown or wrong setup secret. Which one
    /// is deliberately not said.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The change would leave a partnership without an owner.
    #[error("a partnership must keep at least one owner")]
    LastOwner,
    /// A user who may write in several partnerships created a document
    /// without saying which partnership it belongs to.
    #[error("the user belongs to several partnerships; choose one for the new document")]
    PartnershipRequired,
    /// A value given by the caller is malformed (empty name, short
    /// password, bad id, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The database file could not be opened, created or migrated.
    #[error("opening the access database: {0}")]
    Open(String),
    /// A database operation failed.
    #[error("access database error: {0}")]
    Database(String),
    /// The database holds something this code cannot read.
    #[error("access database is corrupt: {0}")]
    Corrupt(String),
    /// The store was closed.
    #[error("the access store is closed")]
    Closed,
    /// Too many password checks or hashings (sign-ins, new accounts,
    /// password changes) are running or waiting: none could start within
    /// [`crate::AccessOptions::password_wait`]. Nothing was done; the
    /// caller may try again in a moment.
    #[error("too many sign-ins at once; try again in a moment")]
    Busy,
    /// Something that should not fail did: the OS random number generator,
    /// password hashing, a worker thread.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Wraps a rusqlite error with what was being done.
pub(crate) fn db_error(context: &str, error: rusqlite::Error) -> AccessError {
    match error {
        rusqlite::Error::FromSqlConversionFailure(column, _, e) => {
            AccessError::Corrupt(format!("{context}: column {column}: {e}"))
        }
        other => AccessError::Database(format!("{context}: {other}")),
    }
}

/// Builds the closure `map_err` wants for [`db_error`].
pub(crate) fn db(context: &'static str) -> impl Fn(rusqlite::Error) -> AccessError {
    move |e| db_error(context, e)
}
