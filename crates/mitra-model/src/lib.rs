//! Mitra's shared document model: a partnership's charter and its meetings,
//! mapped onto automerge documents with autosurgeon.
//!
//! # Contents
//!
//! - [`charter`]: the [`Charter`] of a partnership (one document per
//!   partnership: purpose, partners, RACI roles, SMART goals with
//!   indicators, communication plan, risks, resources, links to meetings)
//!   and its [`charter::load`], [`charter::save`], [`charter::update`],
//!   [`charter::create`].
//! - [`meeting`]: a [`Meeting`] (its own document: attendees, agenda,
//!   collaborative notes, decisions, action items) and the same functions.
//! - [`enums`]: the enumerations (goal status, sector, RACI, ...), stored as
//!   strings, keeping values from newer clients in `Other(String)`.
//! - [`schema`]: `docType` and `schemaVersion`, [`CURRENT_SCHEMA_VERSION`],
//!   and [`schema::migrate`], which upgrades older documents in place.
//! - [`problem`]: the [`Problem`]s reading reports instead of failing, and
//!   [`ModelError`] for documents that cannot be used at all.
//! - [`values`]: dates, timestamps, document URLs, and [`IdGenerator`] for
//!   the ids of list items.
//! - [`text`]: [`Text`], collaborative text.
//! - [`typescript`]: the TypeScript types for the browser client, checked
//!   in at `web/src/generated/model.ts`.
//!
//! # How documents are read and written
//!
//! Reading is lenient: absent fields take defaults, malformed ones are
//! replaced by defaults, unknown enum values are kept, and everything
//! noticed is returned as a list of [`Problem`]s with a path. Writing
//! reconciles the model into the document with autosurgeon: only values that
//! differ are written, list items are matched by their `id` (so concurrent
//! edits of different items, and of different fields of one item, merge),
//! sets of strings are matched by value, and map keys the model does not
//! know are never deleted, so fields added by newer clients survive an
//! older client's save. Collaborative [`Text`] (automerge text through
//! [`autosurgeon::Text`]) is edited character by character
//! ([`Text::splice`], [`Text::update`]) and merges with other people's
//! typing.
//!
//! Document keys are camelCase, as the JavaScript client reads them.
//!
//! # Limits
//!
//! - automerge has no move: reordering a list deletes and re-inserts the
//!   moved items (autosurgeon matches the others by id), so a concurrent
//!   edit *of a moved item* is lost, as are keys unknown to this version on
//!   it; two replicas moving the same item leave two copies, of which
//!   reading keeps the first (reporting [`ProblemKind::DuplicateId`]) and the
//!   next save removes the other.
//! - A save writes the whole model: values loaded before a merge overwrite
//!   what the merge brought. Use `update` (load, edit, save in one go); text
//!   loaded before a merge is refused with [`ModelError::Stale`].
//! - Dates, timestamps and zone names are checked for shape only (no time
//!   zone database).

#[macro_use]
mod macros;

pub mod charter;
mod document;
pub mod enums;
pub mod meeting;
pub mod problem;
mod read;
pub mod schema;
pub mod text;
pub mod typescript;
pub mod values;
mod write;

pub use charter::{
    Channel, Charter, CommunicationPlan, Contribution, Feedback, Goal, Indicator, InformationDuty,
    Measurement, MeetingLink, Mitigation, Partner, Principle, Representative, Resource, Risk,
    RoleAssignment, Smart,
};
pub use enums::{
    ActionStatus, ContributionKind, DecisionMethod, GoalStatus, Language, Level, PartnershipType,
    Raci, ResourceKind, RiskCategory, Sector,
};
pub use meeting::{ActionItem, AgendaItem, Attendee, Decision, Meeting};
pub use problem::{ModelError, Problem, ProblemKind};
pub use schema::{CURRENT_SCHEMA_VERSION, DocType, MigrationReport};
pub use text::Text;
pub use values::{IdGenerator, SequentialIds};
