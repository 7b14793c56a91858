//! Meeting minutes as Markdown.

use mitra_model::{Charter, Language, Meeting, Problem};

use crate::charter::{code, goal_title, problems_section};
use crate::escape;
use crate::format;
use crate::labels::Lang;
use crate::markdown::{Align, Doc, NONE, Table, cell_or_none, field};

/// Renders `meeting` as minutes in Markdown, in `language` (English unless
/// it is Indonesian), with `problems` (from [`mitra_model::meeting::load`])
/// listed at the end when there are any.
///
/// With the partnership's `charter`, partners and goals are shown by name
/// (action owners, linked goals) and the partnership is named; without it
/// they are shown by id. A meeting document does not record a language:
/// pass the charter's [`Charter::language`] when you have it.
pub fn meeting_markdown(
    meeting: &Meeting,
    charter: Option<&Charter>,
    language: &Language,
    problems: &[Problem],
) -> String {
    let lang = Lang::of(language);
    let l = lang.labels();
    let mut doc = Doc::default();

    let partner = |id: &str| -> String {
        match charter.and_then(|c| c.partner(id)) {
            Some(p) if !p.name.trim().is_empty() => escape::cell(&p.name),
            _ => escape::cell(id),
        }
    };
    let goal = |id: Option<&str>| -> String {
        match id.map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => match charter.and_then(|c| c.goal(id)) {
                Some(g) => escape::cell(&goal_title(g)),
                None => escape::cell(id),
            },
            None => NONE.to_owned(),
        }
    };

    let title = if meeting.title.trim().is_empty() {
        l.untitled_meeting
    } else {
        &meeting.title
    };
    doc.heading(1, title);
    let subtitle = match charter {
        Some(c) if !c.name.trim().is_empty() => {
            format!(
                "{} · {}",
                escape::inline(l.minutes),
                escape::inline(&c.name)
            )
        }
        _ => escape::inline(l.minutes),
    };
    doc.raw(format!("*{subtitle}*"));
    doc.raw(field(
        l.when,
        &format::timestamp(&meeting.start, &meeting.time_zone, lang, true),
    ));
    if charter.is_none()
        && let Some(url) = meeting
            .charter_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
    {
        doc.raw(field(l.partnership, &code(url)));
    }

    if !meeting.attendees.is_empty() {
        doc.heading(2, l.attendees);
        doc.list(meeting.attendees.iter().map(|a| {
            let organisation = if a.organisation.trim().is_empty() {
                a.partner_id.as_deref().map(&partner).unwrap_or_default()
            } else {
                escape::inline(&a.organisation)
            };
            let name = escape::inline(&a.name);
            match (name.is_empty(), organisation.is_empty()) {
                (_, true) => name,
                (true, false) => organisation,
                (false, false) => format!("{name} — {organisation}"),
            }
        }));
    }

    if !meeting.agenda.is_empty() {
        doc.heading(2, l.agenda);
        let mut table = Table::new(&[
            (l.number, Align::Right),
            (l.item, Align::Left),
            (l.presenter, Align::Left),
            (l.duration, Align::Right),
            (l.done, Align::Center),
        ]);
        for (i, a) in meeting.agenda.iter().enumerate() {
            table.row(vec![
                (i + 1).to_string(),
                cell_or_none(&a.title),
                cell_or_none(&a.presenter),
                a.duration_minutes
                    .map_or_else(|| NONE.to_owned(), |m| format!("{m} {}", l.minutes_unit)),
                if a.done { l.yes } else { l.no }.to_owned(),
            ]);
        }
        doc.table(table);
    }

    if !meeting.notes.as_str().trim().is_empty() {
        doc.heading(2, l.notes);
        doc.text(meeting.notes.as_str());
    }

    if !meeting.decisions.is_empty() {
        doc.heading(2, l.decisions);
        let mut table = Table::new(&[
            (l.number, Align::Right),
            (l.decision, Align::Left),
            (l.method, Align::Left),
            (l.date, Align::Left),
            (l.goal, Align::Left),
        ]);
        for (i, d) in meeting.decisions.iter().enumerate() {
            table.row(vec![
                (i + 1).to_string(),
                cell_or_none(&d.text),
                escape::cell(&lang.decision_method(&d.method)),
                if d.date.trim().is_empty() {
                    NONE.to_owned()
                } else {
                    format::date(&d.date, lang)
                },
                goal(d.goal_id.as_deref()),
            ]);
        }
        doc.table(table);
    }

    if !meeting.actions.is_empty() {
        doc.heading(2, l.actions);
        let mut table = Table::new(&[
            (l.number, Align::Right),
            (l.task, Align::Left),
            (l.owner, Align::Left),
            (l.due, Align::Left),
            (l.status, Align::Left),
            (l.goal, Align::Left),
        ]);
        for (i, a) in meeting.actions.iter().enumerate() {
            table.row(vec![
                (i + 1).to_string(),
                cell_or_none(&a.task),
                a.owner_partner_id
                    .as_deref()
                    .filter(|o| !o.trim().is_empty())
                    .map_or_else(|| NONE.to_owned(), partner),
                a.due
                    .as_deref()
                    .filter(|d| !d.trim().is_empty())
                    .map_or_else(|| NONE.to_owned(), |d| format::date(d, lang)),
                escape::cell(&lang.action_status(&a.status)),
                goal(a.goal_id.as_deref()),
            ]);
        }
        doc.table(table);
    }

    problems_section(&mut doc, l, problems);
    doc.raw(format!("*{}*", escape::inline(l.exported)));
    doc.finish()
}
