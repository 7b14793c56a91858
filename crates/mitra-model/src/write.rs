//! Writing helpers on top of autosurgeon's `Reconcile`.

use automerge::ObjId;
use autosurgeon::reconcile::LoadKey;
use autosurgeon::{Prop, ReadDoc, Reconcile, ReconcileError, Reconciler};

use crate::read::scalar_string;

/// Reconciles a list of strings that is a set (partner ids, partnership
/// types): items are matched by value, so removing one deletes exactly that
/// element and concurrent additions and removals of other values merge.
/// (autosurgeon matches unkeyed list items by position, which would rewrite
/// every element after a removed one.)
pub(crate) fn reconcile_set<T: AsRef<str>, R: Reconciler>(
    items: &[T],
    reconciler: R,
) -> Result<(), R::Error> {
    let keyed: Vec<ByValue<'_>> = items.iter().map(|i| ByValue(i.as_ref())).collect();
    keyed.reconcile(reconciler)
}

/// A string whose identity in a list is its value.
struct ByValue<'a>(&'a str);

impl Reconcile for ByValue<'_> {
    type Key<'k> = String;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.0)
    }

    fn hydrate_key<'k, D: ReadDoc>(
        doc: &D,
        obj: &ObjId,
        prop: Prop<'_>,
    ) -> Result<LoadKey<Self::Key<'k>>, ReconcileError> {
        let prop: automerge::Prop = (&prop).into();
        Ok(match doc.get(obj, prop)? {
            Some((value, _)) => scalar_string(&value).map_or(LoadKey::KeyNotFound, LoadKey::Found),
            None => LoadKey::KeyNotFound,
        })
    }

    fn key(&self) -> LoadKey<Self::Key<'_>> {
        LoadKey::Found(self.0.to_owned())
    }
}
