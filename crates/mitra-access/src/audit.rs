//! Exports of the audit log, for owners: JSON and CSV.

use time::format_description::well_known::Rfc3339;

use crate::{AccessError, AuditEvent};

/// The column names of [`audit_csv`], in order.
pub const AUDIT_CSV_HEADER: [&str; 6] = ["id", "at", "actor", "partnership", "kind", "details"];

/// The events as a pretty-printed JSON array of [`AuditEvent`]s (times in
/// RFC 3339, `details` as objects).
pub fn audit_json(events: &[AuditEvent]) -> Result<String, AccessError> {
    serde_json::to_string_pretty(events)
        .map_err(|e| AccessError::Internal(format!("rendering the audit log as JSON: {e}")))
}

/// The events as CSV (RFC 4180, with a header row): `id`, `at` (RFC 3339),
/// `actor` (`user:<id>`, `token:<id>` or `system`), `partnership`, `kind`,
/// and `details` as compact JSON. Every field a person chose (names,
/// labels) sits inside the `details` JSON, which starts with `{`, so no
/// cell can start a spreadsheet formula.
pub fn audit_csv(events: &[AuditEvent]) -> Result<String, AccessError> {
    let error = |e: &dyn std::fmt::Display| {
        AccessError::Internal(format!("rendering the audit log as CSV: {e}"))
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(AUDIT_CSV_HEADER)
        .map_err(|e| error(&e))?;
    for event in events {
        let at = event.at.format(&Rfc3339).map_err(|e| error(&e))?;
        let details = serde_json::to_string(&event.details).map_err(|e| error(&e))?;
        writer
            .write_record([
                event.id.to_string().as_str(),
                at.as_str(),
                event.actor.to_string().as_str(),
                event.partnership.as_ref().map_or("", |p| p.as_str()),
                event.kind.as_str(),
                details.as_str(),
            ])
            .map_err(|e| error(&e))?;
    }
    let bytes = writer.into_inner().map_err(|e| error(&e))?;
    String::from_utf8(bytes).map_err(|e| error(&e))
}
