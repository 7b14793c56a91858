//! Loading and saving a whole document, shared by charters and meetings.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ScalarValue, Value};
use autosurgeon::{ReadDoc, Reconcile};

use crate::problem::{ModelError, Problem, ProblemKind};
use crate::read::{Read, Reader};
use crate::schema::{self, CURRENT_SCHEMA_VERSION, DOC_TYPE_KEY, DocType, SCHEMA_VERSION_KEY};

pub(crate) fn load<T: Read, D: ReadDoc>(
    doc: &D,
    ty: DocType,
) -> Result<(T, Vec<Problem>), ModelError> {
    if doc.length(ROOT) == 0 {
        return Err(ModelError::Empty);
    }
    check_type(doc, ty)?;
    let mut r = Reader::new(doc);
    match schema::version(doc) {
        None => r.problem("", ProblemKind::OutdatedSchema { found: 0 }),
        Some(v) if v < CURRENT_SCHEMA_VERSION => {
            r.problem("", ProblemKind::OutdatedSchema { found: v });
        }
        Some(v) if v > CURRENT_SCHEMA_VERSION => {
            r.problem("", ProblemKind::NewerSchema { found: v });
        }
        Some(_) => {
            if schema::doc_type(doc).is_none() {
                r.problem(&format!("/{DOC_TYPE_KEY}"), ProblemKind::Missing);
            }
        }
    }
    let value = match T::read(&mut r, &Value::Object(ObjType::Map), &ROOT, "") {
        Ok(v) => v,
        Err(kind) => {
            r.problem("", kind);
            T::default()
        }
    };
    Ok((value, r.into_problems()))
}

/// A `docType` of another type is an error; an absent one is not.
fn check_type<D: ReadDoc>(doc: &D, ty: DocType) -> Result<(), ModelError> {
    match schema::doc_type(doc) {
        Some(found) if found != ty.as_str() => Err(ModelError::WrongDocumentType {
            expected: ty,
            found,
        }),
        _ => Ok(()),
    }
}

pub(crate) fn save<T: Reconcile>(
    doc: &mut AutoCommit,
    value: &T,
    ty: DocType,
) -> Result<(), ModelError> {
    let empty = doc.length(ROOT) == 0;
    let version = schema::version(doc);
    if !empty {
        check_type(doc, ty)?;
        let found = version.unwrap_or(0);
        if found < CURRENT_SCHEMA_VERSION {
            return Err(ModelError::NeedsMigration { found });
        }
    }
    autosurgeon::reconcile(doc, value)?;
    doc.put(ROOT, DOC_TYPE_KEY, ty.as_str())?;
    if version.is_none_or(|v| v < CURRENT_SCHEMA_VERSION) {
        doc.put(ROOT, SCHEMA_VERSION_KEY, schema_version_value())?;
    }
    Ok(())
}

/// The stored `schemaVersion`: an Int, as the JavaScript client writes
/// whole numbers, so both sides write the identical value.
pub(crate) fn schema_version_value() -> ScalarValue {
    ScalarValue::Int(i64::try_from(CURRENT_SCHEMA_VERSION).unwrap_or(i64::MAX))
}

pub(crate) fn update<T: Read + Reconcile>(
    doc: &mut AutoCommit,
    ty: DocType,
    edit: impl FnOnce(&mut T),
) -> Result<Vec<Problem>, ModelError> {
    if doc.length(ROOT) > 0 && schema::version(doc).is_none_or(|v| v < CURRENT_SCHEMA_VERSION) {
        let found = schema::detect(doc)?;
        if found != ty {
            return Err(ModelError::WrongDocumentType {
                expected: ty,
                found: found.as_str().to_owned(),
            });
        }
        schema::migrate(doc)?;
    }
    let (mut value, problems) = if doc.length(ROOT) == 0 {
        (T::default(), Vec::new())
    } else {
        load::<T, _>(doc, ty)?
    };
    edit(&mut value);
    save(doc, &value, ty)?;
    Ok(problems)
}
