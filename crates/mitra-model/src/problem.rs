//! What can be wrong with a document: [`Problem`]s that reading works around,
//! and the [`ModelError`] for what it cannot.

use std::fmt;

use crate::schema::DocType;

/// Something in a document that did not match the model, found while reading.
///
/// Reading never stops at a problem: the value is replaced by its default (or
/// kept as read, for example an unknown status), and the problem is reported
/// so that a user interface can show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Where in the document, as a JSON-pointer-like path of keys and list
    /// indices, e.g. `/goals/2/indicators/0/target`; the empty string is the
    /// document itself.
    pub path: String,
    /// What is wrong there.
    pub kind: ProblemKind,
}

impl Problem {
    /// A problem of `kind` at `path`.
    pub fn new(path: impl Into<String>, kind: ProblemKind) -> Self {
        Self {
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "{path}: {}", self.kind)
    }
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ProblemKind {
    /// A field the model expects is absent; its default was used.
    Missing,
    /// A value of another type than the model expects; its default was used
    /// unless the value could be converted (a plain string where text was
    /// expected is read as that text).
    WrongType {
        /// The type the model expects (`"string"`, `"text"`, `"number"`, ...).
        expected: &'static str,
        /// The type found.
        found: String,
    },
    /// A string outside the known values of an enumeration, probably written
    /// by a newer client; kept as it is.
    UnknownValue {
        /// The value found.
        value: String,
    },
    /// A date that is not `YYYY-MM-DD`; kept as it is.
    InvalidDate {
        /// The value found.
        value: String,
    },
    /// A timestamp that is not RFC 3339 with an offset; kept as it is.
    InvalidTimestamp {
        /// The value found.
        value: String,
    },
    /// A link to a document that is not an `automerge:` URL; kept as it is.
    InvalidUrl {
        /// The value found.
        value: String,
    },
    /// A list item without an id (or with an empty one).
    MissingId,
    /// A list item whose id an earlier item of the same list already has
    /// (concurrent moves of one item leave two copies); the later item is
    /// left out, and the next save removes it from the document.
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// The document was written with an older schema; run
    /// [`crate::schema::migrate`] before saving into it.
    OutdatedSchema {
        /// The version found (0 when the document has none).
        found: u64,
    },
    /// The document was written by a newer client; fields this version does
    /// not know are kept but not shown.
    NewerSchema {
        /// The version found.
        found: u64,
    },
    /// automerge could not read the value.
    Unreadable {
        /// automerge's message.
        message: String,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => write!(f, "missing"),
            Self::WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::UnknownValue { value } => write!(f, "unknown value {value:?}"),
            Self::InvalidDate { value } => write!(f, "not a YYYY-MM-DD date: {value:?}"),
            Self::InvalidTimestamp { value } => {
                write!(f, "not an RFC 3339 timestamp with offset: {value:?}")
            }
            Self::InvalidUrl { value } => write!(f, "not an automerge URL: {value:?}"),
            Self::MissingId => write!(f, "list item without id"),
            Self::DuplicateId { id } => write!(f, "duplicate id {id:?}"),
            Self::OutdatedSchema { found } => write!(f, "older schema version {found}"),
            Self::NewerSchema { found } => write!(f, "newer schema version {found}"),
            Self::Unreadable { message } => write!(f, "unreadable: {message}"),
        }
    }
}

/// Why a document could not be read, written or migrated at all.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The document has no content at all (for example a document just
    /// created by automerge-repo that nobody has initialised yet).
    #[error("the document is empty")]
    Empty,
    /// The document is of another type (e.g. a meeting read as a charter).
    #[error("the document is a {found:?}, not a {expected}")]
    WrongDocumentType {
        /// The type asked for.
        expected: DocType,
        /// The `docType` found in the document.
        found: String,
    },
    /// The type of a document without `docType` could not be recognised.
    #[error("the document's type cannot be recognised")]
    UnknownDocumentType,
    /// The document's schema is newer than this version understands, so it
    /// cannot be migrated.
    #[error("the document's schema version {found} is newer than {supported}")]
    NewerSchema {
        /// The version found.
        found: u64,
        /// [`crate::CURRENT_SCHEMA_VERSION`].
        supported: u64,
    },
    /// The document's schema is older than this version and must be
    /// migrated ([`crate::schema::migrate`]) before it is written to.
    #[error("the document's schema version {found} must be migrated before saving")]
    NeedsMigration {
        /// The version found (0 when the document has none).
        found: u64,
    },
    /// The document changed between loading a value and saving it back
    /// (collaborative text is edited relative to the state it was read
    /// from). Load again, redo the edit, save.
    #[error("the document changed since it was loaded; load it again")]
    Stale,
    /// automerge refused an operation.
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
    /// autosurgeon could not reconcile the value into the document.
    #[error(transparent)]
    Reconcile(autosurgeon::ReconcileError),
}

impl From<autosurgeon::ReconcileError> for ModelError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        match e {
            autosurgeon::ReconcileError::StaleHeads(_) => Self::Stale,
            autosurgeon::ReconcileError::Automerge(e) => Self::Automerge(e),
            other => Self::Reconcile(other),
        }
    }
}
