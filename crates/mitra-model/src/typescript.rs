//! The TypeScript types of the model, for the browser client, generated
//! from the Rust types with ts-rs.
//!
//! The generated file is checked in at [`TYPES_PATH`]; the test
//! `types_are_up_to_date` fails when it differs from [`typescript`], and
//! `MITRA_UPDATE_TYPES=1 cargo test -p mitra-model` rewrites it.

use ts_rs::{Config, TS};

use crate::charter::*;
use crate::enums::*;
use crate::meeting::*;
use crate::schema::{CURRENT_SCHEMA_VERSION, DOC_TYPE_KEY, SCHEMA_VERSION_KEY};

/// Where the generated file lives, relative to the workspace root.
pub const TYPES_PATH: &str = "web/src/generated/model.ts";

/// The command that regenerates [`TYPES_PATH`].
pub const REGENERATE_COMMAND: &str = "MITRA_UPDATE_TYPES=1 cargo test -p mitra-model";

/// The content of [`TYPES_PATH`].
pub fn typescript() -> String {
    let cfg = Config::new();
    let mut out = format!(
        "// Generated from crates/mitra-model by ts-rs. Do not edit.\n\
         // Regenerate with: {REGENERATE_COMMAND}\n\
         //\n\
         // Field names are the keys of the automerge documents. Fields typed\n\
         // `string` whose docs say \"collaborative text\" are automerge text\n\
         // objects: edit them with `updateText`/`splice`, not by assignment.\n\
         // Enumerations accept unknown strings, which newer clients may write.\n\n\
         /** The schema version this model describes. */\n\
         export const CURRENT_SCHEMA_VERSION = {CURRENT_SCHEMA_VERSION};\n\n"
    );
    macro_rules! decls {
        ($($t:ty),* $(,)?) => {
            $(decl::<$t>(&cfg, &mut out);)*
        };
    }
    macro_rules! enums {
        ($($t:ident => $konst:literal),* $(,)?) => {
            $(
                decl::<$t>(&cfg, &mut out);
                let known: Vec<String> = $t::KNOWN.iter().map(|v| format!("\"{}\"", v.as_str())).collect();
                out.push_str(&format!(
                    "/** The values of {} this version knows, in display order. */\nexport const {} = [{}] as const;\n\n",
                    stringify!($t),
                    $konst,
                    known.join(", ")
                ));
            )*
        };
    }
    out.push_str(&format!(
        "/** The root of a charter document. */\n\
         export type CharterDocument = Charter & {{ {DOC_TYPE_KEY}: \"charter\", {SCHEMA_VERSION_KEY}: number, }};\n\n\
         /** The root of a meeting document. */\n\
         export type MeetingDocument = Meeting & {{ {DOC_TYPE_KEY}: \"meeting\", {SCHEMA_VERSION_KEY}: number, }};\n\n"
    ));
    decls!(
        Charter,
        Principle,
        Partner,
        Contribution,
        Representative,
        RoleAssignment,
        Goal,
        Smart,
        Indicator,
        Measurement,
        Feedback,
        CommunicationPlan,
        Channel,
        InformationDuty,
        Risk,
        Mitigation,
        Resource,
        MeetingLink,
        Meeting,
        Attendee,
        AgendaItem,
        Decision,
        ActionItem,
    );
    enums!(
        Language => "LANGUAGES",
        PartnershipType => "PARTNERSHIP_TYPES",
        Sector => "SECTORS",
        ContributionKind => "CONTRIBUTION_KINDS",
        Raci => "RACI_ROLES",
        GoalStatus => "GOAL_STATUSES",
        RiskCategory => "RISK_CATEGORIES",
        Level => "LEVELS",
        ResourceKind => "RESOURCE_KINDS",
        DecisionMethod => "DECISION_METHODS",
        ActionStatus => "ACTION_STATUSES",
    );
    let mut tidy: String = out.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    let trimmed = tidy.trim_end().len();
    tidy.truncate(trimmed);
    tidy.push('\n');
    tidy
}

/// A JSDoc comment from doc-comment lines, in ts-rs's format.
pub(crate) fn jsdoc(lines: &[&str]) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    let mut out = String::from("/**\n");
    for line in lines {
        out.push_str(&format!(" *{}\n", line.trim_end()));
    }
    out.push_str(" */\n");
    Some(out)
}

fn decl<T: TS>(cfg: &Config, out: &mut String) {
    if let Some(docs) = T::docs() {
        out.push_str(&docs);
    }
    out.push_str("export ");
    out.push_str(&T::decl(cfg));
    out.push_str("\n\n");
}
