//! JSON export: the model as serde writes it (document keys, camelCase),
//! with the document's type, the schema version and the problems found
//! while reading.
//!
//! ```json
//! {
//!   "docType": "charter",
//!   "schemaVersion": 1,
//!   "document": { "name": "...", "goals": [ ... ], ... },
//!   "problems": [ { "path": "/goals/0/status", "kind": { "kind": "unknownValue", "value": "paused" } } ]
//! }
//! ```
//!
//! `problems` is always present (empty when there are none).
//! [`charter_from_json`] and [`meeting_from_json`] read the `document` back.

use mitra_model::{CURRENT_SCHEMA_VERSION, Charter, DocType, Meeting, Problem};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Export<'a, T> {
    #[serde(rename = "docType")]
    doc_type: &'static str,
    #[serde(rename = "schemaVersion")]
    schema_version: u64,
    document: &'a T,
    problems: &'a [Problem],
}

#[derive(Deserialize)]
struct Import<T> {
    #[serde(rename = "docType")]
    doc_type: Option<String>,
    document: T,
}

fn to_json<T: Serialize>(
    doc_type: DocType,
    document: &T,
    problems: &[Problem],
) -> Result<String, serde_json::Error> {
    let mut json = serde_json::to_string_pretty(&Export {
        doc_type: doc_type.as_str(),
        schema_version: CURRENT_SCHEMA_VERSION,
        document,
        problems,
    })?;
    json.push('\n');
    Ok(json)
}

fn from_json<T: for<'de> Deserialize<'de>>(
    doc_type: DocType,
    json: &str,
) -> Result<T, serde_json::Error> {
    let import: Import<T> = serde_json::from_str(json)?;
    match import.doc_type {
        Some(found) if found != doc_type.as_str() => Err(serde::de::Error::custom(format!(
            "the export is a {found}, not a {doc_type}"
        ))),
        _ => Ok(import.document),
    }
}

/// The charter as pretty-printed JSON (ending in a newline). Fails only if
/// serde_json does (it writes non-finite numbers as `null`).
pub fn charter_json(charter: &Charter, problems: &[Problem]) -> Result<String, serde_json::Error> {
    to_json(DocType::Charter, charter, problems)
}

/// The meeting as pretty-printed JSON (ending in a newline).
pub fn meeting_json(meeting: &Meeting, problems: &[Problem]) -> Result<String, serde_json::Error> {
    to_json(DocType::Meeting, meeting, problems)
}

/// The charter in a JSON export made by [`charter_json`].
pub fn charter_from_json(json: &str) -> Result<Charter, serde_json::Error> {
    from_json(DocType::Charter, json)
}

/// The meeting in a JSON export made by [`meeting_json`].
pub fn meeting_from_json(json: &str) -> Result<Meeting, serde_json::Error> {
    from_json(DocType::Meeting, json)
}
