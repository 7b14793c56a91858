//! The database schema and its versioned migrations.
//!
//! The version lives in `PRAGMA user_version`; [`migrate`] runs each missing
//! step in its own transaction on open, and a database written by a newer
//! Mitra is refused rather than misread. A step is never edited once
//! released: a change to the schema is a new entry at the end of
//! [`MIGRATIONS`].
//!
//! Times are integers, milliseconds since the Unix epoch (UTC). Secrets are
//! stored only as their SHA-256 hash (`secret_hash`, 32 bytes).

use rusqlite::{Connection, TransactionBehavior};

use crate::AccessError;

/// The schema version this code writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 2;

/// Migrations in order: entry `i` brings the schema from version `i` to
/// `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the initial schema.
    "CREATE TABLE meta (
         key   TEXT PRIMARY KEY NOT NULL,
         value ANY NOT NULL
     ) STRICT;

     -- password_hash: an Argon2id PHC string; NULL for users who sign in only
     -- through an external identity provider.
     CREATE TABLE users (
         id            TEXT PRIMARY KEY NOT NULL,
         username      TEXT NOT NULL,
         username_key  TEXT NOT NULL UNIQUE,
         display_name  TEXT NOT NULL,
         organisation  TEXT NOT NULL,
         password_hash TEXT,
         created_at    INTEGER NOT NULL
     ) STRICT;

     CREATE TABLE external_identities (
         issuer     TEXT NOT NULL,
         subject    TEXT NOT NULL,
         user       TEXT NOT NULL REFERENCES users (id),
         created_at INTEGER NOT NULL,
         PRIMARY KEY (issuer, subject)
     ) STRICT;
     CREATE INDEX external_identities_by_user ON external_identities (user);

     CREATE TABLE partnerships (
         id         TEXT PRIMARY KEY NOT NULL,
         name       TEXT NOT NULL,
         created_at INTEGER NOT NULL
     ) STRICT;

     CREATE TABLE memberships (
         partnership TEXT NOT NULL REFERENCES partnerships (id),
         user        TEXT NOT NULL REFERENCES users (id),
         role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
         added_at    INTEGER NOT NULL,
         PRIMARY KEY (partnership, user)
     ) STRICT;
     CREATE INDEX memberships_by_user ON memberships (user);

     CREATE TABLE sessions (
         id          TEXT PRIMARY KEY NOT NULL,
         secret_hash BLOB NOT NULL UNIQUE,
         user        TEXT NOT NULL REFERENCES users (id),
         created_at  INTEGER NOT NULL,
         expires_at  INTEGER NOT NULL
     ) STRICT;
     CREATE INDEX sessions_by_user ON sessions (user);
     CREATE INDEX sessions_by_expiry ON sessions (expires_at);

     CREATE TABLE invitations (
         id          TEXT PRIMARY KEY NOT NULL,
         secret_hash BLOB NOT NULL UNIQUE,
         partnership TEXT NOT NULL REFERENCES partnerships (id),
         role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
         created_by  TEXT NOT NULL,
         created_at  INTEGER NOT NULL,
         expires_at  INTEGER NOT NULL,
         used_at     INTEGER,
         used_by     TEXT REFERENCES users (id),
         revoked_at  INTEGER
     ) STRICT;
     CREATE INDEX invitations_by_partnership ON invitations (partnership);

     CREATE TABLE tokens (
         id          TEXT PRIMARY KEY NOT NULL,
         secret_hash BLOB NOT NULL UNIQUE,
         partnership TEXT NOT NULL REFERENCES partnerships (id),
         role        TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
         label       TEXT NOT NULL,
         created_by  TEXT NOT NULL,
         created_at  INTEGER NOT NULL,
         revoked_at  INTEGER
     ) STRICT;
     CREATE INDEX tokens_by_partnership ON tokens (partnership);

     -- Which partnership each document belongs to; first assignment wins.
     CREATE TABLE documents (
         document    TEXT PRIMARY KEY NOT NULL,
         partnership TEXT NOT NULL REFERENCES partnerships (id),
         assigned_at INTEGER NOT NULL
     ) STRICT;
     CREATE INDEX documents_by_partnership ON documents (partnership);

     -- Who delivered each change the server accepted; seq keeps the order.
     CREATE TABLE attributions (
         seq          INTEGER PRIMARY KEY,
         document     TEXT NOT NULL,
         change_hash  TEXT NOT NULL,
         user         TEXT,
         token        TEXT,
         display_name TEXT NOT NULL,
         organisation TEXT NOT NULL,
         at           INTEGER NOT NULL,
         UNIQUE (document, change_hash)
     ) STRICT;

     CREATE TABLE audit (
         id          INTEGER PRIMARY KEY,
         at          INTEGER NOT NULL,
         actor       TEXT NOT NULL,
         partnership TEXT,
         kind        TEXT NOT NULL,
         details     TEXT NOT NULL
     ) STRICT;
     CREATE INDEX audit_by_partnership ON audit (partnership, id);",
    // 1 -> 2: a partnership's charter document (its home in the client).
    "ALTER TABLE partnerships ADD COLUMN charter TEXT;",
];

/// Brings the schema up to [`SCHEMA_VERSION`], one immediate transaction
/// per step (so two processes opening the same file do not both migrate).
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), AccessError> {
    let open = |what: &str, e: rusqlite::Error| AccessError::Open(format!("{what}: {e}"));
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| open("beginning a migration", e))?;
        let current: i64 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| open("reading user_version", e))?;
        if current > SCHEMA_VERSION {
            return Err(AccessError::Open(format!(
                "schema version {current} is newer than this Mitra supports ({SCHEMA_VERSION})"
            )));
        }
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        let from = usize::try_from(current.max(0)).unwrap_or(0);
        let Some(sql) = MIGRATIONS.get(from) else {
            return Err(AccessError::Open(format!(
                "no migration from schema version {from}"
            )));
        };
        let to = current.max(0) + 1;
        let what = format!("migrating the access schema from version {from} to {to}");
        tx.execute_batch(sql).map_err(|e| open(&what, e))?;
        tx.pragma_update(None, "user_version", to)
            .map_err(|e| open(&what, e))?;
        tx.commit().map_err(|e| open(&what, e))?;
        tracing::info!(from, to, "migrated the access schema");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_migration_per_version() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION);
    }
}
