//! [`Text`]: collaborative text, edited character by character by several
//! people at once.

use std::fmt;

use automerge::ObjId;
use autosurgeon::reconcile::{LoadKey, TextReconciler};
use autosurgeon::{Prop, ReadDoc, Reconcile, ReconcileError, Reconciler};

/// Collaborative text: an automerge text object, edited by splices that
/// merge with other people's typing.
///
/// A thin wrapper around [`autosurgeon::Text`] (reachable with
/// [`Text::as_autosurgeon`]) that also
/// - survives being written into a new object: autosurgeon 0.14 panics when
///   text loaded from a document is reconciled into a list item it inserts
///   anew (a moved goal, for example); this type then writes its whole
///   value;
/// - is a plain string in serde and in TypeScript.
///
/// Edit it with [`Text::splice`] or [`Text::update`]; assigning a new
/// `Text::from("...")` to a field replaces the whole text object, and
/// concurrent typing into the old one is lost.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(autosurgeon::Text);

impl Text {
    /// New text (not yet in any document).
    pub fn new(value: impl AsRef<str>) -> Self {
        Self(autosurgeon::Text::with_value(value))
    }

    /// The current content.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Deletes `del` bytes at byte offset `pos` (negative: before `pos`) and
    /// inserts `insert` there, as [`String::replace_range`]; panics when an
    /// offset is not on a char boundary or out of range, like it.
    pub fn splice(&mut self, pos: usize, del: isize, insert: impl AsRef<str>) {
        self.0.splice(pos, del, insert);
    }

    /// Changes the content to `new_value` by the smallest splices (a
    /// grapheme diff), so that concurrent edits elsewhere in the text merge.
    pub fn update(&mut self, new_value: impl AsRef<str>) {
        self.0.update(new_value);
    }

    /// The wrapped autosurgeon text.
    pub fn as_autosurgeon(&self) -> &autosurgeon::Text {
        &self.0
    }

    /// Unwraps the autosurgeon text.
    pub fn into_autosurgeon(self) -> autosurgeon::Text {
        self.0
    }
}

impl From<autosurgeon::Text> for Text {
    fn from(t: autosurgeon::Text) -> Self {
        Self(t)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reconcile for Text {
    type Key<'a> = ObjId;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        if reconciler.heads().is_empty() {
            // autosurgeon is building a new value outside the document (an
            // inserted list item, a replaced object, a new document): there
            // is nothing to splice relative to, so write the whole value.
            let mut t = reconciler.text()?;
            return t.update(self.as_str());
        }
        self.0.reconcile(reconciler)
    }

    fn hydrate_key<'a, D: ReadDoc>(
        doc: &D,
        obj: &ObjId,
        prop: Prop<'_>,
    ) -> Result<LoadKey<Self::Key<'a>>, ReconcileError> {
        autosurgeon::Text::hydrate_key(doc, obj, prop)
    }

    fn key(&self) -> LoadKey<Self::Key<'_>> {
        self.0.key()
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(d).map(Self::new)
    }
}

impl ts_rs::TS for Text {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }

    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}
