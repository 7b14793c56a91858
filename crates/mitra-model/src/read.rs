//! The lenient reader: turns whatever is in a document into model values,
//! never failing on a field, and collects [`Problem`]s on the way.
//!
//! autosurgeon's `Hydrate` stops at the first mismatch; documents written by
//! other (older, newer, JavaScript) clients need a reader that takes what it
//! can. Writing still goes through autosurgeon's `Reconcile`.

use std::collections::HashSet;

use automerge::{ObjId, ObjType, ScalarValue, Value};
use autosurgeon::{Hydrate, ReadDoc};

use crate::problem::{Problem, ProblemKind};
use crate::values;

/// Reads one document, collecting problems.
pub(crate) struct Reader<'a, D> {
    doc: &'a D,
    problems: Vec<Problem>,
}

impl<'a, D: ReadDoc> Reader<'a, D> {
    pub(crate) fn new(doc: &'a D) -> Self {
        Self {
            doc,
            problems: Vec::new(),
        }
    }

    pub(crate) fn doc(&self) -> &'a D {
        self.doc
    }

    pub(crate) fn problem(&mut self, path: &str, kind: ProblemKind) {
        self.problems.push(Problem::new(path, kind));
    }

    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Reads the field `key` of the map `obj`; absent or unreadable fields
    /// give the type's default and a problem.
    pub(crate) fn field<T: Read>(&mut self, obj: &ObjId, key: &str, path: &str) -> T {
        let path = format!("{path}/{key}");
        let doc = self.doc;
        match doc.get(obj, key) {
            Ok(Some((value, id))) => match T::read(self, &value, &id, &path) {
                Ok(v) => v,
                Err(kind) => {
                    self.problem(&path, kind);
                    T::default()
                }
            },
            Ok(None) => {
                if !T::OPTIONAL {
                    self.problem(&path, ProblemKind::Missing);
                }
                T::default()
            }
            Err(e) => {
                self.problem(
                    &path,
                    ProblemKind::Unreadable {
                        message: e.to_string(),
                    },
                );
                T::default()
            }
        }
    }

    /// Reads the `id` of a list item, reporting an absent or empty one.
    pub(crate) fn id(&mut self, obj: &ObjId, path: &str) -> String {
        let doc = self.doc;
        let id = match doc.get(obj, "id") {
            Ok(Some((value, _))) => scalar_string(&value),
            _ => None,
        };
        match id {
            Some(id) if !id.is_empty() => id,
            _ => {
                self.problem(path, ProblemKind::MissingId);
                String::new()
            }
        }
    }
}

/// A model value that can be read leniently from a document.
pub(crate) trait Read: Sized + Default {
    /// Whether an absent value is normal (no [`ProblemKind::Missing`]).
    const OPTIONAL: bool = false;

    /// Reads a value found at `path`. An `Err` makes the caller use the
    /// default and report the kind; problems that still allow a value are
    /// reported through `r`.
    fn read<D: ReadDoc>(
        r: &mut Reader<'_, D>,
        value: &Value<'_>,
        obj: &ObjId,
        path: &str,
    ) -> Result<Self, ProblemKind>;

    /// The stable id of a list item, for items that have one.
    fn item_id(&self) -> Option<&str> {
        None
    }

    /// Tidies a list after reading (sets of values drop duplicates that
    /// concurrent additions produce).
    fn finish_list(_items: &mut Vec<Self>) {}
}

/// Describes a value for [`ProblemKind::WrongType`].
pub(crate) fn type_name(value: &Value<'_>) -> String {
    match value {
        Value::Object(ObjType::Map) => "map".into(),
        Value::Object(ObjType::Table) => "table".into(),
        Value::Object(ObjType::List) => "list".into(),
        Value::Object(ObjType::Text) => "text".into(),
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Bytes(_) => "bytes",
            ScalarValue::Str(_) => "string",
            ScalarValue::Int(_) => "int",
            ScalarValue::Uint(_) => "uint",
            ScalarValue::F64(_) => "float",
            ScalarValue::Counter(_) => "counter",
            ScalarValue::Timestamp(_) => "timestamp",
            ScalarValue::Boolean(_) => "boolean",
            ScalarValue::Unknown { .. } => "unknown",
            ScalarValue::Null => "null",
        }
        .into(),
    }
}

fn wrong(expected: &'static str, value: &Value<'_>) -> ProblemKind {
    ProblemKind::WrongType {
        expected,
        found: type_name(value),
    }
}

/// The string in a scalar string value.
pub(crate) fn scalar_string(value: &Value<'_>) -> Option<String> {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Checks that a value is a map, for records.
pub(crate) fn expect_map(value: &Value<'_>) -> Result<(), ProblemKind> {
    match value {
        Value::Object(ObjType::Map) => Ok(()),
        other => Err(wrong("map", other)),
    }
}

/// A number as `f64`, from any of automerge's numeric scalars.
pub(crate) fn scalar_number(value: &Value<'_>) -> Option<f64> {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::F64(f) => Some(*f),
            #[allow(clippy::cast_precision_loss)]
            ScalarValue::Int(i) => Some(*i as f64),
            #[allow(clippy::cast_precision_loss)]
            ScalarValue::Uint(u) => Some(*u as f64),
            _ => None,
        },
        _ => None,
    }
}

/// A non-negative integer, from any of automerge's numeric scalars.
pub(crate) fn scalar_u64(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Uint(u) => Some(*u),
            ScalarValue::Int(i) => u64::try_from(*i).ok(),
            ScalarValue::F64(f) if f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15 =>
            {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Some(*f as u64)
            }
            _ => None,
        },
        _ => None,
    }
}

impl Read for String {
    fn read<D: ReadDoc>(
        r: &mut Reader<'_, D>,
        value: &Value<'_>,
        obj: &ObjId,
        path: &str,
    ) -> Result<Self, ProblemKind> {
        match value {
            Value::Object(ObjType::Text) => {
                // Collaborative text where a label is expected: take its content.
                let text = r.doc().text(obj).map_err(|e| ProblemKind::Unreadable {
                    message: e.to_string(),
                })?;
                r.problem(path, wrong("string", value));
                Ok(text)
            }
            other => scalar_string(other).ok_or_else(|| wrong("string", other)),
        }
    }

    fn finish_list(items: &mut Vec<Self>) {
        dedupe(items);
    }
}

/// Drops later duplicates, keeping the order of first appearance.
pub(crate) fn dedupe<T: Clone + Eq + std::hash::Hash>(items: &mut Vec<T>) {
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert(i.clone()));
}

impl Read for f64 {
    fn read<D: ReadDoc>(
        _r: &mut Reader<'_, D>,
        value: &Value<'_>,
        _obj: &ObjId,
        _path: &str,
    ) -> Result<Self, ProblemKind> {
        scalar_number(value).ok_or_else(|| wrong("number", value))
    }
}

impl Read for u32 {
    fn read<D: ReadDoc>(
        _r: &mut Reader<'_, D>,
        value: &Value<'_>,
        _obj: &ObjId,
        _path: &str,
    ) -> Result<Self, ProblemKind> {
        scalar_u64(value)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| wrong("non-negative integer", value))
    }
}

impl Read for bool {
    fn read<D: ReadDoc>(
        _r: &mut Reader<'_, D>,
        value: &Value<'_>,
        _obj: &ObjId,
        _path: &str,
    ) -> Result<Self, ProblemKind> {
        match value {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Boolean(b) => Ok(*b),
                _ => Err(wrong("boolean", value)),
            },
            _ => Err(wrong("boolean", value)),
        }
    }
}

impl Read for crate::text::Text {
    fn read<D: ReadDoc>(
        r: &mut Reader<'_, D>,
        value: &Value<'_>,
        obj: &ObjId,
        path: &str,
    ) -> Result<Self, ProblemKind> {
        match value {
            Value::Object(ObjType::Text) => autosurgeon::Text::hydrate_text(r.doc(), obj)
                .map(Self::from)
                .map_err(|e| ProblemKind::Unreadable {
                    message: e.to_string(),
                }),
            other => match scalar_string(other) {
                // A plain string (an older or a careless client): keep its
                // content; saving turns it into collaborative text.
                Some(s) => {
                    r.problem(path, wrong("text", other));
                    Ok(Self::new(s))
                }
                None => Err(wrong("text", other)),
            },
        }
    }
}

impl<T: Read> Read for Option<T> {
    const OPTIONAL: bool = true;

    fn read<D: ReadDoc>(
        r: &mut Reader<'_, D>,
        value: &Value<'_>,
        obj: &ObjId,
        path: &str,
    ) -> Result<Self, ProblemKind> {
        if let Value::Scalar(s) = value
            && matches!(s.as_ref(), ScalarValue::Null)
        {
            return Ok(None);
        }
        T::read(r, value, obj, path).map(Some)
    }
}

impl<T: Read> Read for Vec<T> {
    fn read<D: ReadDoc>(
        r: &mut Reader<'_, D>,
        value: &Value<'_>,
        obj: &ObjId,
        path: &str,
    ) -> Result<Self, ProblemKind> {
        if !matches!(value, Value::Object(ObjType::List)) {
            return Err(wrong("list", value));
        }
        let doc = r.doc();
        let mut items = Vec::new();
        let mut ids = HashSet::new();
        for (index, item) in doc.list_range(obj, ..).enumerate() {
            let item_path = format!("{path}/{index}");
            let id = item.id();
            let value = item.value.into_value();
            match T::read(r, &value, &id, &item_path) {
                Ok(v) => {
                    if let Some(id) = v.item_id()
                        && !id.is_empty()
                        && !ids.insert(id.to_owned())
                    {
                        // Concurrent moves of one item leave two copies:
                        // keep the first, so ids stay unique for readers;
                        // the next save removes the copy.
                        r.problem(&item_path, ProblemKind::DuplicateId { id: id.to_owned() });
                        continue;
                    }
                    items.push(v);
                }
                Err(kind) => r.problem(&item_path, kind),
            }
        }
        T::finish_list(&mut items);
        Ok(items)
    }
}

/// A `YYYY-MM-DD` date, kept as read but reported when malformed.
pub(crate) fn check_date<D: ReadDoc>(r: &mut Reader<'_, D>, path: &str, value: &str) {
    if !value.is_empty() && !values::is_date(value) {
        r.problem(
            path,
            ProblemKind::InvalidDate {
                value: value.to_owned(),
            },
        );
    }
}

/// An RFC 3339 timestamp, kept as read but reported when malformed.
pub(crate) fn check_timestamp<D: ReadDoc>(r: &mut Reader<'_, D>, path: &str, value: &str) {
    if !value.is_empty() && !values::is_timestamp(value) {
        r.problem(
            path,
            ProblemKind::InvalidTimestamp {
                value: value.to_owned(),
            },
        );
    }
}

/// Checks of a record's values after reading (dates, timestamps, links),
/// reporting problems but keeping the values.
pub(crate) trait Check {
    /// Reports problems in `self`, read at `path`.
    fn check<D: ReadDoc>(&mut self, _r: &mut Reader<'_, D>, _path: &str) {}
}

/// Records whose values need no checks beyond their types.
macro_rules! no_checks {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::read::Check for $t {})*
    };
}
pub(crate) use no_checks;
