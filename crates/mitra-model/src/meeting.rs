//! A meeting of the partnership: its own automerge document, linked from the
//! charter's [`crate::charter::Charter::meetings`], with notes that several
//! people type into at once.
//!
//! [`load`], [`save`], [`update`] and [`create`] work as in
//! [`crate::charter`].

use automerge::AutoCommit;
use autosurgeon::ReadDoc;

use crate::document;
use crate::enums::{ActionStatus, DecisionMethod};
use crate::problem::{ModelError, Problem, ProblemKind};
use crate::read::{Check, Reader, check_date, check_timestamp, no_checks};
use crate::schema::DocType;
use crate::text::Text;
use crate::values;

record! {
    /// A meeting: the root of its document.
    pub struct Meeting {
        /// The meeting's title.
        "title" => pub title: String,
        /// When it starts: RFC 3339 with the offset in force at that time
        /// (`2025-03-04T09:30:00+07:00`).
        "start" => pub start: String,
        /// The IANA time zone it was planned in (`Asia/Jakarta`), so that a
        /// recurring time can be recomputed and readers can show it local.
        "timeZone" => pub time_zone: String,
        /// The charter document of the partnership (`automerge:...`).
        "charterUrl" => pub charter_url: Option<String>,
        /// Who attends.
        "attendees" => pub attendees: Vec<Attendee>,
        /// The agenda.
        "agenda" => pub agenda: Vec<AgendaItem>,
        /// The notes, written together during the meeting (collaborative
        /// text).
        "notes" => pub notes: Text,
        /// What was decided.
        "decisions" => pub decisions: Vec<Decision>,
        /// What is to be done.
        "actions" => pub actions: Vec<ActionItem>,
    }
}

record! {
    /// A person attending a meeting.
    pub struct Attendee {
        id;
        /// The person's name.
        "name" => pub name: String,
        /// Their organisation, as they gave it.
        "organisation" => pub organisation: String,
        /// Their organisation's partner id, when it is a partner.
        "partnerId" => pub partner_id: Option<String>,
    }
}

record! {
    /// An item on a meeting's agenda.
    pub struct AgendaItem {
        id;
        /// What is discussed.
        "title" => pub title: String,
        /// Who leads it.
        "presenter" => pub presenter: String,
        /// Time planned for it, in minutes.
        "durationMinutes" => pub duration_minutes: Option<u32>,
        /// Whether it has been dealt with.
        "done" => pub done: bool,
    }
}

record! {
    /// A decision taken in a meeting.
    pub struct Decision {
        id;
        /// What was decided.
        "text" => pub text: String,
        /// How it was decided.
        "method" => pub method: DecisionMethod,
        /// When (`YYYY-MM-DD`).
        "date" => pub date: String,
        /// The goal it concerns, if any.
        "goalId" => pub goal_id: Option<String>,
    }
}

record! {
    /// An action item from a meeting.
    pub struct ActionItem {
        id;
        /// What is to be done.
        "task" => pub task: String,
        /// The partner that does it.
        "ownerPartnerId" => pub owner_partner_id: Option<String>,
        /// When it is due (`YYYY-MM-DD`).
        "due" => pub due: Option<String>,
        /// Where it stands.
        "status" => pub status: ActionStatus,
        /// The goal it serves, if any.
        "goalId" => pub goal_id: Option<String>,
    }
}

no_checks!(Attendee, AgendaItem);

impl Check for Meeting {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        check_timestamp(r, &format!("{path}/start"), &self.start);
        if let Some(url) = &self.charter_url
            && !values::is_automerge_url(url)
        {
            r.problem(
                &format!("{path}/charterUrl"),
                ProblemKind::InvalidUrl { value: url.clone() },
            );
        }
    }
}

impl Check for Decision {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        check_date(r, &format!("{path}/date"), &self.date);
    }
}

impl Check for ActionItem {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        if let Some(d) = &self.due {
            check_date(r, &format!("{path}/due"), d);
        }
    }
}

/// Reads the meeting in `doc`; see [`crate::charter::load`].
pub fn load<D: ReadDoc>(doc: &D) -> Result<(Meeting, Vec<Problem>), ModelError> {
    document::load(doc, DocType::Meeting)
}

/// Writes `meeting` into `doc`; see [`crate::charter::save`].
pub fn save(doc: &mut AutoCommit, meeting: &Meeting) -> Result<(), ModelError> {
    document::save(doc, meeting, DocType::Meeting)
}

/// Loads the meeting, lets `edit` change it, and saves it; see
/// [`crate::charter::update`].
pub fn update(
    doc: &mut AutoCommit,
    edit: impl FnOnce(&mut Meeting),
) -> Result<Vec<Problem>, ModelError> {
    document::update(doc, DocType::Meeting, edit)
}

/// A new document holding `meeting`.
pub fn create(meeting: &Meeting) -> Result<AutoCommit, ModelError> {
    let mut doc = AutoCommit::new();
    save(&mut doc, meeting)?;
    Ok(doc)
}

impl Meeting {
    /// A meeting with a title, a start (RFC 3339 with offset) and a time
    /// zone (IANA name), everything else empty.
    pub fn new(
        title: impl Into<String>,
        start: impl Into<String>,
        time_zone: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            start: start.into(),
            time_zone: time_zone.into(),
            ..Self::default()
        }
    }

    /// The action item with id `id`, to change it.
    pub fn action_mut(&mut self, id: &str) -> Option<&mut ActionItem> {
        self.actions.iter_mut().find(|a| a.id == id)
    }

    /// The action items that serve goal `goal_id`.
    pub fn actions_for_goal<'a>(
        &'a self,
        goal_id: &'a str,
    ) -> impl Iterator<Item = &'a ActionItem> + 'a {
        self.actions
            .iter()
            .filter(move |a| a.goal_id.as_deref() == Some(goal_id))
    }
}

impl ActionItem {
    /// An open action item with an id and a task.
    pub fn new(id: impl Into<String>, task: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            task: task.into(),
            ..Self::default()
        }
    }
}
