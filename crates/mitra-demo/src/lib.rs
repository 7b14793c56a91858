//! The demo partnership: a multi-sector clean-air partnership in the
//! (fictional) city of Sukamaju, with its charter and two meetings, in
//! English or in Bahasa Indonesia.
//!
//! Five partners from five sectors (the city environment agency, a business
//! association, an environmental foundation, a university research centre
//! and a residents' forum) share principles, RACI roles per goal, four
//! SMART goals with indicators and a year of monthly measurements (PM2.5,
//! fleet emission tests, sensors installed, households reached, school
//! clinic visits), community feedback, a communication plan, risks with
//! mitigations, resources, a sustainability plan, and two meetings with
//! attendees, agenda, notes, decisions and action items linked to goals.
//!
//! Everything is deterministic: the caller passes the document ids in
//! ([`DemoIds`]), each document is written by a fixed automerge actor
//! derived from its id, and its one change has a fixed timestamp, so the
//! same ids give the same saved bytes.
//!
//! ```
//! use mitra_demo::{DemoIds, build};
//! use mitra_model::Language;
//!
//! let demo = build(&Language::Indonesian, &DemoIds::from_seed(1)).expect("demo");
//! let (charter, problems) = mitra_model::charter::load(&demo.charter).expect("charter");
//! assert!(problems.is_empty());
//! assert_eq!(charter.name, "Kemitraan Udara Bersih Sukamaju");
//! assert_eq!(demo.meetings.len(), 2);
//! ```

mod charter;
mod meetings;

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use mitra_model::{Charter, Language, Meeting, ModelError};
use mitra_protocol::DocumentId;

/// The ids of the demo's documents, chosen by the caller (random for a real
/// server, fixed in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoIds {
    /// The charter document.
    pub charter: DocumentId,
    /// The two meeting documents, oldest first.
    pub meetings: [DocumentId; 2],
}

impl DemoIds {
    /// Fixed ids derived from `seed`, for tests and reproducible output:
    /// different seeds give different ids.
    pub fn from_seed(seed: u8) -> Self {
        let id = |n: u8| {
            let mut bytes = [0u8; 16];
            bytes[0] = 0xde;
            bytes[1] = 0x40;
            bytes[14] = seed;
            bytes[15] = n;
            DocumentId::from_bytes(bytes)
        };
        Self {
            charter: id(0),
            meetings: [id(1), id(2)],
        }
    }

    /// Ids from 48 bytes (for example random ones): the charter's, then each
    /// meeting's 16.
    pub fn from_bytes(bytes: [u8; 48]) -> Self {
        let id = |i: usize| {
            let mut b = [0u8; 16];
            b.copy_from_slice(&bytes[i * 16..(i + 1) * 16]);
            DocumentId::from_bytes(b)
        };
        Self {
            charter: id(0),
            meetings: [id(1), id(2)],
        }
    }
}

/// The demo's documents, ready to store.
#[derive(Debug)]
pub struct Demo {
    /// The language it is written in.
    pub language: Language,
    /// The partnership's name.
    pub name: String,
    /// The charter document's id.
    pub charter_id: DocumentId,
    /// The charter document. Its meeting links hold the meetings' URLs.
    pub charter: AutoCommit,
    /// The meeting documents with their ids, oldest first.
    pub meetings: Vec<(DocumentId, AutoCommit)>,
}

impl Demo {
    /// Every document with its id, charter first, as saved bytes (a full
    /// `save()`, which storage accepts as a chunk).
    pub fn into_saved(self) -> Vec<(DocumentId, Vec<u8>)> {
        let mut charter = self.charter;
        let mut saved = vec![(self.charter_id, charter.save())];
        for (id, mut doc) in self.meetings {
            saved.push((id, doc.save()));
        }
        saved
    }
}

/// Builds the demo partnership in `language` (English for any language other
/// than Indonesian) with the document ids `ids`.
pub fn build(language: &Language, ids: &DemoIds) -> Result<Demo, DemoError> {
    let tr = Tr::of(language);
    let charter_model = charter::charter(tr, ids);
    let charter_doc = document(
        &ids.charter,
        charter::CREATED_AT,
        tr.t("Demo partnership created", "Kemitraan contoh dibuat"),
        |doc| Ok(mitra_model::charter::save(doc, &charter_model)?),
    )?;
    let mut meeting_docs = Vec::new();
    for (id, (meeting, created_at)) in ids.meetings.iter().zip(
        meetings::meetings(tr, ids)
            .into_iter()
            .zip(meetings::CREATED_AT),
    ) {
        let doc = document(
            id,
            created_at,
            tr.t("Minutes written", "Notulen ditulis"),
            |doc| Ok(mitra_model::meeting::save(doc, &meeting)?),
        )?;
        meeting_docs.push((*id, doc));
    }
    Ok(Demo {
        language: tr.language(),
        name: charter_model.name.clone(),
        charter_id: ids.charter,
        charter: charter_doc,
        meetings: meeting_docs,
    })
}

/// The demo's charter as a model value (what [`build`] writes).
pub fn charter(language: &Language, ids: &DemoIds) -> Charter {
    charter::charter(Tr::of(language), ids)
}

/// The demo's two meetings as model values, oldest first (what [`build`]
/// writes).
pub fn meetings(language: &Language, ids: &DemoIds) -> Vec<Meeting> {
    meetings::meetings(Tr::of(language), ids).into()
}

/// A new document written by an actor derived from its id, in one change
/// with a fixed time and a message.
fn document(
    id: &DocumentId,
    time: i64,
    message: String,
    write: impl FnOnce(&mut AutoCommit) -> Result<(), DemoError>,
) -> Result<AutoCommit, DemoError> {
    let mut actor = b"mitra-demo:".to_vec();
    actor.extend_from_slice(id.as_bytes());
    let mut doc = AutoCommit::new().with_actor(ActorId::from(actor));
    write(&mut doc)?;
    doc.commit_with(
        CommitOptions::default()
            .with_message(message)
            .with_time(time),
    );
    Ok(doc)
}

/// Why the demo could not be built: the model refused to write it, which
/// would be a bug in this crate or in [`mitra_model`].
#[derive(Debug)]
pub struct DemoError(Box<ModelError>);

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writing the demo documents failed: {}", self.0)
    }
}

impl std::error::Error for DemoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl From<ModelError> for DemoError {
    fn from(e: ModelError) -> Self {
        Self(Box::new(e))
    }
}

/// The demo's language: picks the English or the Indonesian text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tr {
    En,
    Id,
}

impl Tr {
    fn of(language: &Language) -> Self {
        match language {
            Language::Indonesian => Self::Id,
            _ => Self::En,
        }
    }

    fn language(self) -> Language {
        match self {
            Self::En => Language::English,
            Self::Id => Language::Indonesian,
        }
    }

    /// `en` or `id`.
    pub(crate) fn t(self, en: &str, id: &str) -> String {
        match self {
            Self::En => en,
            Self::Id => id,
        }
        .to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mitra_model::{GoalStatus, schema};

    #[test]
    fn both_languages_load_without_problems() {
        for language in [Language::English, Language::Indonesian] {
            let ids = DemoIds::from_seed(7);
            let demo = build(&language, &ids).unwrap();
            let (charter, problems) = mitra_model::charter::load(&demo.charter).unwrap();
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(charter, self::charter(&language, &ids));
            assert_eq!(charter.language, language);
            assert_eq!(charter.partners.len(), 5);
            assert!((3..=4).contains(&charter.goals.len()));
            for goal in &charter.goals {
                assert!(!goal.indicators.is_empty(), "{}", goal.id);
                for i in &goal.indicators {
                    assert_eq!(i.measurements.len(), 12, "{}", i.id);
                    assert!(i.progress().is_some(), "{}", i.id);
                }
                // Every goal has an accountable partner and RACI for every partner.
                let roles: Vec<_> = charter.roles_for_goal(&goal.id).collect();
                assert_eq!(roles.len(), 5, "{}", goal.id);
                assert!(
                    roles
                        .iter()
                        .any(|r| r.raci == mitra_model::Raci::Accountable)
                );
            }
            assert!(
                charter
                    .goals
                    .iter()
                    .any(|g| g.status == GoalStatus::Achieved)
            );
            let expected: Vec<String> = ids.meetings.iter().map(|id| id.url()).collect();
            let linked: Vec<String> = charter.meetings.iter().map(|m| m.url.clone()).collect();
            assert_eq!(linked, expected);

            let models = self::meetings(&language, &ids);
            for ((id, doc), model) in demo.meetings.iter().zip(&models) {
                assert_eq!(schema::detect(doc).unwrap(), schema::DocType::Meeting);
                let (meeting, problems) = mitra_model::meeting::load(doc).unwrap();
                assert!(problems.is_empty(), "{problems:?}");
                assert_eq!(&meeting, model);
                assert_eq!(meeting.charter_url, Some(ids.charter.url()));
                assert!(ids.meetings.contains(id));
                for a in &meeting.actions {
                    let goal = a.goal_id.as_deref();
                    assert!(goal.is_none_or(|g| charter.goal(g).is_some()), "{goal:?}");
                    let owner = a.owner_partner_id.as_deref().unwrap();
                    assert!(charter.partner(owner).is_some(), "{owner}");
                }
            }
        }
    }

    #[test]
    fn same_ids_give_the_same_bytes() {
        let ids = DemoIds::from_seed(3);
        let a = build(&Language::English, &ids).unwrap().into_saved();
        let b = build(&Language::English, &ids).unwrap().into_saved();
        assert_eq!(a, b);
        let other = build(&Language::English, &DemoIds::from_seed(4))
            .unwrap()
            .into_saved();
        assert_ne!(a[0].0, other[0].0);
    }

    #[test]
    fn unknown_languages_get_english() {
        let demo = build(&Language::Other("fr".into()), &DemoIds::from_seed(1)).unwrap();
        assert_eq!(demo.language, Language::English);
        assert_eq!(demo.name, "Clean Air Sukamaju Partnership");
    }
}
