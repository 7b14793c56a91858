//! Mitra's exports: a partnership's charter and its meeting minutes as
//! Markdown that a partner can send to a funder, and as JSON.
//!
//! Everything here is a pure function from the model ([`mitra_model`]) to a
//! `String`: no IO, no clock, so the same document always gives the same
//! bytes.
//!
//! - [`charter_markdown`]: purpose and vision, partners and what each
//!   brings, a RACI overview and a responsibility table per goal, SMART
//!   goals with status, owners and indicators (baseline, target, latest
//!   measurement, progress), measurements and community feedback, the
//!   communication plan, risks with mitigations, resources with totals,
//!   sustainability and the list of meetings.
//! - [`meeting_markdown`]: minutes with time and zone, attendees, agenda,
//!   notes, decisions and action items (owner, due date, status, goal).
//! - [`charter_json`], [`meeting_json`] and their inverses (module
//!   [`json`]).
//! - [`escape`]: the escaping that keeps user text from breaking the
//!   Markdown (table cells, emphasis, headings, HTML).
//!
//! Labels follow the partnership's language: English, or Bahasa Indonesia
//! with the terms partnerships use (*tujuan bersama*, *mitra*, *peran dan
//! tanggung jawab*, *rencana komunikasi*, *tantangan*, *keberlanjutan*).

mod charter;
pub mod escape;
mod format;
pub mod json;
mod labels;
mod markdown;
mod meeting;

pub use charter::charter_markdown;
pub use json::{charter_from_json, charter_json, meeting_from_json, meeting_json};
pub use meeting::meeting_markdown;
