//! The charter of a partnership: one automerge document per partnership,
//! co-edited by people from every partner organisation.
//!
//! [`load`] reads a document leniently into a [`Charter`] and reports
//! [`Problem`]s; [`save`] reconciles a `Charter` back into the document,
//! changing only what differs, matching list items by their ids, and leaving
//! keys this version does not know where they are. [`update`] does both
//! around a closure and is the safe way to edit: collaborative text
//! ([`Text`]) is edited relative to the state it was loaded from, so a
//! document that changed in between (a merge) makes [`save`] fail with
//! [`ModelError::Stale`].

use automerge::AutoCommit;
use autosurgeon::ReadDoc;

use crate::document;
use crate::enums::{
    ContributionKind, GoalStatus, Language, Level, PartnershipType, Raci, ResourceKind,
    RiskCategory, Sector,
};
use crate::problem::{ModelError, Problem, ProblemKind};
use crate::read::{Check, Reader, check_date, check_timestamp, no_checks};
use crate::schema::DocType;
use crate::text::Text;
use crate::values;

record! {
    /// The charter of a partnership: the root of its document.
    pub struct Charter {
        /// The partnership's name.
        "name" => pub name: String,
        /// Why the partnership exists and the problem it addresses
        /// (collaborative text).
        "purpose" => pub purpose: Text,
        /// The shared vision: what success looks like (collaborative text).
        "vision" => pub vision: Text,
        /// What kind of partnership this is (a set).
        "types" with "crate::write::reconcile_set" => pub types: Vec<PartnershipType>,
        /// The principles the partners commit to.
        "principles" => pub principles: Vec<Principle>,
        /// The partner organisations.
        "partners" => pub partners: Vec<Partner>,
        /// Who is responsible, accountable, consulted and informed, per goal
        /// or for the partnership as a whole.
        "roles" => pub roles: Vec<RoleAssignment>,
        /// The partnership's goals.
        "goals" => pub goals: Vec<Goal>,
        /// How the partners keep each other informed.
        "communication" => pub communication: CommunicationPlan,
        /// Challenges and risks, with their mitigations.
        "risks" => pub risks: Vec<Risk>,
        /// Funding and other resources.
        "resources" => pub resources: Vec<Resource>,
        /// How the work continues beyond the current resources
        /// (collaborative text).
        "sustainability" => pub sustainability: Text,
        /// The partnership's meetings, each its own document.
        "meetings" => pub meetings: Vec<MeetingLink>,
        /// The language the partnership works in.
        "language" => pub language: Language,
    }
}

record! {
    /// A principle the partners commit to (shared goal, mutual benefit,
    /// transparency, ...).
    pub struct Principle {
        id;
        /// Short name.
        "title" => pub title: String,
        /// What it means for this partnership.
        "description" => pub description: String,
    }
}

record! {
    /// A partner organisation.
    pub struct Partner {
        id;
        /// The organisation's name.
        "name" => pub name: String,
        /// Its sector.
        "sector" => pub sector: Sector,
        /// What it brings to the partnership.
        "contributions" => pub contributions: Vec<Contribution>,
        /// The people who represent it.
        "representatives" => pub representatives: Vec<Representative>,
    }
}

record! {
    /// Something a partner brings.
    pub struct Contribution {
        id;
        /// What kind of contribution.
        "kind" => pub kind: ContributionKind,
        /// Details.
        "description" => pub description: String,
    }
}

record! {
    /// A person who represents a partner.
    pub struct Representative {
        id;
        /// Full name.
        "name" => pub name: String,
        /// Role in the partnership or the organisation.
        "role" => pub role: String,
        /// E-mail address, if shared.
        "email" => pub email: Option<String>,
    }
}

record! {
    /// A partner's part (RACI) in a goal or in the partnership.
    pub struct RoleAssignment {
        id;
        /// The goal, or `None` for the partnership as a whole.
        "goalId" => pub goal_id: Option<String>,
        /// The partner.
        "partnerId" => pub partner_id: String,
        /// Responsible, accountable, consulted or informed.
        "raci" => pub raci: Raci,
        /// What exactly the partner does.
        "description" => pub description: String,
    }
}

record! {
    /// A goal of the partnership.
    pub struct Goal {
        id;
        /// Short title.
        "title" => pub title: String,
        /// The goal in full (collaborative text).
        "description" => pub description: Text,
        /// The goal's SMART parts.
        "smart" => pub smart: Smart,
        /// Where the goal stands.
        "status" => pub status: GoalStatus,
        /// The partners that own the goal (a set of partner ids).
        "ownerIds" with "crate::write::reconcile_set" => pub owner_ids: Vec<String>,
        /// How progress is measured.
        "indicators" => pub indicators: Vec<Indicator>,
    }
}

record! {
    /// The SMART parts of a goal.
    pub struct Smart {
        /// Specific: what exactly will be achieved.
        "specific" => pub specific: String,
        /// Measurable: the measurable target.
        "measurable" => pub measurable: String,
        /// Achievable: with which resources.
        "achievable" => pub achievable: String,
        /// Relevant: why it matters to the purpose.
        "relevant" => pub relevant: String,
        /// Time-bound: the date by which it is achieved (`YYYY-MM-DD`).
        "timeBound" => pub time_bound: Option<String>,
    }
}

record! {
    /// A measure of a goal's progress: quantitative measurements and
    /// qualitative feedback.
    pub struct Indicator {
        id;
        /// What is measured.
        "name" => pub name: String,
        /// The unit of the values (people, %, tonnes, ...).
        "unit" => pub unit: String,
        /// The value at the start.
        "baseline" => pub baseline: Option<f64>,
        /// The value aimed for.
        "target" => pub target: Option<f64>,
        /// When the target should be reached (`YYYY-MM-DD`).
        "targetDate" => pub target_date: Option<String>,
        /// Measurements over time.
        "measurements" => pub measurements: Vec<Measurement>,
        /// Qualitative feedback (for example from the community).
        "feedback" => pub feedback: Vec<Feedback>,
    }
}

record! {
    /// One dated measurement of an indicator.
    pub struct Measurement {
        id;
        /// When it was measured (`YYYY-MM-DD`).
        "date" => pub date: String,
        /// The value, in the indicator's unit.
        "value" => pub value: f64,
        /// Where the value comes from (survey, register, ...).
        "source" => pub source: String,
        /// Anything worth knowing about it.
        "note" => pub note: String,
    }
}

record! {
    /// A piece of qualitative feedback.
    pub struct Feedback {
        id;
        /// When it was given (`YYYY-MM-DD`).
        "date" => pub date: String,
        /// Who or where it comes from.
        "source" => pub source: String,
        /// What was said.
        "text" => pub text: String,
    }
}

record! {
    /// How the partners keep each other informed.
    pub struct CommunicationPlan {
        /// How often the partners meet (e.g. "monthly").
        "cadence" => pub cadence: String,
        /// The channels they use.
        "channels" => pub channels: Vec<Channel>,
        /// Who spreads which information.
        "informationDuties" => pub information_duties: Vec<InformationDuty>,
    }
}

record! {
    /// A communication channel.
    pub struct Channel {
        id;
        /// Its name (e.g. "WhatsApp group", "monthly newsletter").
        "name" => pub name: String,
        /// What it is used for.
        "purpose" => pub purpose: String,
        /// The partner that runs it.
        "ownerPartnerId" => pub owner_partner_id: Option<String>,
    }
}

record! {
    /// A partner's duty to spread information.
    pub struct InformationDuty {
        id;
        /// The partner.
        "partnerId" => pub partner_id: String,
        /// The person, if one is named.
        "person" => pub person: String,
        /// What they share, with whom.
        "what" => pub what: String,
    }
}

record! {
    /// A challenge or risk.
    pub struct Risk {
        id;
        /// Short title.
        "title" => pub title: String,
        /// Its kind.
        "category" => pub category: RiskCategory,
        /// Details.
        "description" => pub description: String,
        /// How likely it is.
        "likelihood" => pub likelihood: Level,
        /// How much harm it would do.
        "impact" => pub impact: Level,
        /// What the partners do about it.
        "mitigations" => pub mitigations: Vec<Mitigation>,
    }
}

record! {
    /// Something done about a risk.
    pub struct Mitigation {
        id;
        /// The action.
        "action" => pub action: String,
        /// The partner that takes it.
        "ownerPartnerId" => pub owner_partner_id: Option<String>,
    }
}

record! {
    /// A resource of the partnership.
    pub struct Resource {
        id;
        /// Its kind.
        "kind" => pub kind: ResourceKind,
        /// Details.
        "description" => pub description: String,
        /// The partner that provides it.
        "partnerId" => pub partner_id: Option<String>,
        /// Its amount, in `currency`.
        "amount" => pub amount: Option<f64>,
        /// ISO 4217 currency code (e.g. "IDR").
        "currency" => pub currency: Option<String>,
    }
}

record! {
    /// A link from the charter to a meeting document, with what a list of
    /// meetings shows.
    pub struct MeetingLink {
        id;
        /// The meeting document's automerge URL (`automerge:...`).
        "url" => pub url: String,
        /// The meeting's title.
        "title" => pub title: String,
        /// When it starts (RFC 3339 with offset).
        "start" => pub start: String,
    }
}

no_checks!(
    Charter,
    Principle,
    Partner,
    Contribution,
    Representative,
    RoleAssignment,
    Goal,
    CommunicationPlan,
    Channel,
    InformationDuty,
    Risk,
    Mitigation,
    Resource,
);

impl Check for Smart {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        if let Some(d) = &self.time_bound {
            check_date(r, &format!("{path}/timeBound"), d);
        }
    }
}

impl Check for Indicator {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        if let Some(d) = &self.target_date {
            check_date(r, &format!("{path}/targetDate"), d);
        }
    }
}

impl Check for Measurement {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        check_date(r, &format!("{path}/date"), &self.date);
    }
}

impl Check for Feedback {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        check_date(r, &format!("{path}/date"), &self.date);
    }
}

impl Check for MeetingLink {
    fn check<D: ReadDoc>(&mut self, r: &mut Reader<'_, D>, path: &str) {
        if !values::is_automerge_url(&self.url) {
            r.problem(
                &format!("{path}/url"),
                ProblemKind::InvalidUrl {
                    value: self.url.clone(),
                },
            );
        }
        check_timestamp(r, &format!("{path}/start"), &self.start);
    }
}

/// Reads the charter in `doc` (an [`automerge::Automerge`], an
/// [`AutoCommit`] or a transaction).
///
/// Absent or malformed fields take their defaults and are reported as
/// [`Problem`]s, as are documents of an older or newer schema. Only a
/// document that is empty or of another type is an error.
pub fn load<D: ReadDoc>(doc: &D) -> Result<(Charter, Vec<Problem>), ModelError> {
    document::load(doc, DocType::Charter)
}

/// Writes `charter` into `doc`, changing only what differs from the
/// document. Keys the model does not know are left alone.
///
/// `doc` must be empty (a new charter), or a charter of the current schema
/// ([`ModelError::NeedsMigration`] otherwise). Collaborative text fields must
/// come from a [`load`] of this document at its current heads, or be new
/// ([`ModelError::Stale`] otherwise). Assigning a fresh [`Text`] to a field
/// replaces the whole text object (concurrent typing into it is lost): edit
/// text with [`Text::splice`] or [`Text::update`].
pub fn save(doc: &mut AutoCommit, charter: &Charter) -> Result<(), ModelError> {
    document::save(doc, charter, DocType::Charter)
}

/// Loads the charter, lets `edit` change it, and saves it: the way to make
/// one edit. An outdated document is migrated first. Returns the problems
/// found while loading.
pub fn update(
    doc: &mut AutoCommit,
    edit: impl FnOnce(&mut Charter),
) -> Result<Vec<Problem>, ModelError> {
    document::update(doc, DocType::Charter, edit)
}

/// A new document holding `charter`.
pub fn create(charter: &Charter) -> Result<AutoCommit, ModelError> {
    let mut doc = AutoCommit::new();
    save(&mut doc, charter)?;
    Ok(doc)
}

impl Charter {
    /// A charter with a name and language, everything else empty.
    pub fn new(name: impl Into<String>, language: Language) -> Self {
        Self {
            name: name.into(),
            language,
            ..Self::default()
        }
    }

    /// The goal with id `id`.
    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    /// The goal with id `id`, to change it.
    pub fn goal_mut(&mut self, id: &str) -> Option<&mut Goal> {
        self.goals.iter_mut().find(|g| g.id == id)
    }

    /// The partner with id `id`.
    pub fn partner(&self, id: &str) -> Option<&Partner> {
        self.partners.iter().find(|p| p.id == id)
    }

    /// The partner with id `id`, to change it.
    pub fn partner_mut(&mut self, id: &str) -> Option<&mut Partner> {
        self.partners.iter_mut().find(|p| p.id == id)
    }

    /// The role assignments for goal `goal_id`.
    pub fn roles_for_goal<'a>(
        &'a self,
        goal_id: &'a str,
    ) -> impl Iterator<Item = &'a RoleAssignment> + 'a {
        self.roles
            .iter()
            .filter(move |r| r.goal_id.as_deref() == Some(goal_id))
    }
}

impl Partner {
    /// A partner with an id, a name and a sector.
    pub fn new(id: impl Into<String>, name: impl Into<String>, sector: Sector) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            sector,
            ..Self::default()
        }
    }
}

impl Goal {
    /// A proposed goal with an id and a title.
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            ..Self::default()
        }
    }

    /// The indicator with id `id`, to change it.
    pub fn indicator_mut(&mut self, id: &str) -> Option<&mut Indicator> {
        self.indicators.iter_mut().find(|i| i.id == id)
    }
}

impl Indicator {
    /// An indicator with an id, a name and a unit.
    pub fn new(id: impl Into<String>, name: impl Into<String>, unit: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            unit: unit.into(),
            ..Self::default()
        }
    }

    /// The most recent measurement (by date, then by position).
    pub fn latest(&self) -> Option<&Measurement> {
        self.measurements
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| a.date.cmp(&b.date).then(ia.cmp(ib)))
            .map(|(_, m)| m)
    }

    /// How far the latest measurement is from the baseline towards the
    /// target, as a fraction (0 at the baseline, 1 at the target; may be
    /// below 0 or above 1). `None` without baseline, target or measurement,
    /// or when baseline and target are equal.
    pub fn progress(&self) -> Option<f64> {
        let (baseline, target) = (self.baseline?, self.target?);
        let latest = self.latest()?.value;
        let span = target - baseline;
        (span != 0.0).then(|| (latest - baseline) / span)
    }
}
