//! Schema versions and migrations.
//!
//! Every document carries `docType` (`"charter"` or `"meeting"`) and
//! `schemaVersion` (an integer) at its root. [`migrate`] upgrades an older
//! document in place, one version step at a time; each step is
//! deterministic and idempotent, so two replicas that migrate the same
//! document concurrently merge into the same content.
//!
//! # Versions
//!
//! **0**: the prototype layout, without `docType` or `schemaVersion`.
//! - charter: the partnership's name at `title`, its language at `lang`,
//!   `purpose` a plain string, each goal's owner a single partner id at
//!   `owner`;
//! - meeting: its start at `date`, no `timeZone` (times were UTC), `notes` a
//!   plain string.
//!
//! **1**: the current layout, described by the types of [`crate::charter`]
//! and [`crate::meeting`] (and `web/src/generated/model.ts`).

use std::fmt;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ROOT, ScalarValue, Value};
use autosurgeon::ReadDoc;

use crate::document::schema_version_value;
use crate::problem::ModelError;
use crate::read::{scalar_string, scalar_u64};

/// The schema version this crate reads and writes.
pub const CURRENT_SCHEMA_VERSION: u64 = 1;

/// The root key holding the schema version.
pub const SCHEMA_VERSION_KEY: &str = "schemaVersion";

/// The root key holding the document type.
pub const DOC_TYPE_KEY: &str = "docType";

/// The kinds of document the model knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocType {
    /// A partnership's charter ([`crate::charter`]).
    Charter,
    /// A meeting ([`crate::meeting`]).
    Meeting,
}

impl DocType {
    /// The `docType` stored in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Charter => "charter",
            Self::Meeting => "meeting",
        }
    }

    /// The type for a stored `docType`.
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "charter" => Some(Self::Charter),
            "meeting" => Some(Self::Meeting),
            _ => None,
        }
    }
}

impl fmt::Display for DocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The document's `schemaVersion`, if it has a readable one.
pub fn version<D: ReadDoc>(doc: &D) -> Option<u64> {
    match doc.get(&ROOT, SCHEMA_VERSION_KEY) {
        Ok(Some((value, _))) => scalar_u64(&value),
        _ => None,
    }
}

/// The document's `docType` string, if it has one.
pub fn doc_type<D: ReadDoc>(doc: &D) -> Option<String> {
    match doc.get(&ROOT, DOC_TYPE_KEY) {
        Ok(Some((value, _))) => scalar_string(&value),
        _ => None,
    }
}

/// Keys only a version-0 charter has at its root.
const V0_CHARTER_KEYS: &[&str] = &[
    "goals",
    "partners",
    "purpose",
    "principles",
    "meetings",
    "lang",
];
/// Keys only a version-0 meeting has at its root.
const V0_MEETING_KEYS: &[&str] = &[
    "notes",
    "attendees",
    "agenda",
    "decisions",
    "actions",
    "date",
];

/// What kind of document `doc` is: its `docType`, or for a document without
/// one, what its keys suggest.
pub fn detect<D: ReadDoc>(doc: &D) -> Result<DocType, ModelError> {
    if doc.length(ROOT) == 0 {
        return Err(ModelError::Empty);
    }
    if let Some(found) = doc_type(doc) {
        return DocType::from_wire(&found).ok_or(ModelError::UnknownDocumentType);
    }
    let has = |keys: &[&str]| {
        keys.iter()
            .any(|k| matches!(doc.get(&ROOT, *k), Ok(Some(_))))
    };
    match (has(V0_CHARTER_KEYS), has(V0_MEETING_KEYS)) {
        (true, false) => Ok(DocType::Charter),
        (false, true) => Ok(DocType::Meeting),
        _ => Err(ModelError::UnknownDocumentType),
    }
}

/// What [`migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    /// The kind of document.
    pub doc_type: DocType,
    /// The version before (0 for a document without one).
    pub from: u64,
    /// The version after: [`CURRENT_SCHEMA_VERSION`].
    pub to: u64,
    /// One line per change made, in order, for logs.
    pub changes: Vec<String>,
}

impl MigrationReport {
    /// Whether the document was changed.
    pub fn migrated(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Upgrades `doc` in place to [`CURRENT_SCHEMA_VERSION`]. A current
/// document is left unchanged; a newer one is an error
/// ([`ModelError::NewerSchema`]), as are empty documents and documents whose
/// type cannot be recognised.
pub fn migrate(doc: &mut AutoCommit) -> Result<MigrationReport, ModelError> {
    let doc_type = detect(doc)?;
    let from = version(doc).unwrap_or(0);
    if from > CURRENT_SCHEMA_VERSION {
        return Err(ModelError::NewerSchema {
            found: from,
            supported: CURRENT_SCHEMA_VERSION,
        });
    }
    let mut m = Migration {
        doc,
        changes: Vec::new(),
    };
    if from < 1 {
        match doc_type {
            DocType::Charter => m.charter_v0_to_v1()?,
            DocType::Meeting => m.meeting_v0_to_v1()?,
        }
        m.doc.put(ROOT, DOC_TYPE_KEY, doc_type.as_str())?;
        m.doc
            .put(ROOT, SCHEMA_VERSION_KEY, schema_version_value())?;
        m.changes
            .push(format!("set {DOC_TYPE_KEY} and {SCHEMA_VERSION_KEY} 1"));
    }
    Ok(MigrationReport {
        doc_type,
        from,
        to: CURRENT_SCHEMA_VERSION,
        changes: m.changes,
    })
}

struct Migration<'a> {
    doc: &'a mut AutoCommit,
    changes: Vec<String>,
}

impl Migration<'_> {
    fn charter_v0_to_v1(&mut self) -> Result<(), ModelError> {
        self.rename_scalar(&ROOT, "", "title", "name")?;
        self.rename_scalar(&ROOT, "", "lang", "language")?;
        self.string_to_text(&ROOT, "", "purpose")?;
        if let Some((Value::Object(ObjType::List), goals)) = self.doc.get(&ROOT, "goals")? {
            let len = self.doc.length(&goals);
            for i in 0..len {
                if let Some((Value::Object(ObjType::Map), goal)) = self.doc.get(&goals, i)? {
                    self.owner_to_owner_ids(&goal, &format!("/goals/{i}"))?;
                }
            }
        }
        Ok(())
    }

    fn meeting_v0_to_v1(&mut self) -> Result<(), ModelError> {
        self.rename_scalar(&ROOT, "", "date", "start")?;
        if self.doc.get(&ROOT, "timeZone")?.is_none() {
            self.doc.put(ROOT, "timeZone", "UTC")?;
            self.changes.push("/timeZone: set to UTC".into());
        }
        self.string_to_text(&ROOT, "", "notes")
    }

    /// Moves the scalar at `from` to `to` (unless `to` already has a value)
    /// and deletes `from`.
    fn rename_scalar(
        &mut self,
        obj: &ObjId,
        path: &str,
        from: &str,
        to: &str,
    ) -> Result<(), ModelError> {
        let Some((Value::Scalar(value), _)) = self.doc.get(obj, from)? else {
            return Ok(());
        };
        let value: ScalarValue = value.into_owned();
        if self.doc.get(obj, to)?.is_none() {
            self.doc.put(obj, to, value)?;
        }
        self.doc.delete(obj, from)?;
        self.changes.push(format!("{path}/{from}: renamed to {to}"));
        Ok(())
    }

    /// Replaces a plain string with collaborative text of the same content.
    fn string_to_text(&mut self, obj: &ObjId, path: &str, key: &str) -> Result<(), ModelError> {
        let Some((value, _)) = self.doc.get(obj, key)? else {
            return Ok(());
        };
        let Some(s) = scalar_string(&value) else {
            return Ok(());
        };
        let text = self.doc.put_object(obj, key, ObjType::Text)?;
        self.doc.splice_text(&text, 0, 0, &s)?;
        self.changes.push(format!("{path}/{key}: string to text"));
        Ok(())
    }

    /// A goal's single `owner` becomes the list `ownerIds`.
    fn owner_to_owner_ids(&mut self, goal: &ObjId, path: &str) -> Result<(), ModelError> {
        let Some((value, _)) = self.doc.get(goal, "owner")? else {
            return Ok(());
        };
        let owner = scalar_string(&value).unwrap_or_default();
        if self.doc.get(goal, "ownerIds")?.is_none() {
            let list = self.doc.put_object(goal, "ownerIds", ObjType::List)?;
            if !owner.is_empty() {
                self.doc.insert(&list, 0, owner)?;
            }
        }
        self.doc.delete(goal, "owner")?;
        self.changes.push(format!("{path}/owner: to ownerIds"));
        Ok(())
    }
}
