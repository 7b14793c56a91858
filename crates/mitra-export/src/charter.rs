//! A charter as Markdown.

use std::collections::BTreeMap;

use mitra_model::{Charter, Goal, Indicator, Problem};

use crate::escape;
use crate::format;
use crate::labels::{Labels, Lang};
use crate::markdown::{Align, Doc, NONE, Table, cell_or_none, field};

/// Renders `charter` as Markdown in its own language (English unless it is
/// Indonesian), with `problems` (from [`mitra_model::charter::load`]) listed
/// at the end when there are any.
///
/// Sections without content are left out. The output ends with a newline,
/// has no trailing spaces, and separates blocks with exactly one blank line.
pub fn charter_markdown(charter: &Charter, problems: &[Problem]) -> String {
    let lang = Lang::of(&charter.language);
    let l = lang.labels();
    let mut doc = Doc::default();
    let r = Renderer { charter, lang, l };

    let name = if charter.name.trim().is_empty() {
        l.untitled_partnership
    } else {
        &charter.name
    };
    doc.heading(1, name);
    let mut subtitle = vec![escape::inline(l.charter)];
    subtitle.extend(
        charter
            .types
            .iter()
            .map(|t| escape::inline(&lang.partnership_type(t))),
    );
    doc.raw(format!("*{}*", subtitle.join(" · ")));

    section_text(&mut doc, l.purpose, charter.purpose.as_str());
    section_text(&mut doc, l.vision, charter.vision.as_str());
    r.principles(&mut doc);
    r.partners(&mut doc);
    r.roles(&mut doc);
    r.goals(&mut doc);
    r.communication(&mut doc);
    r.risks(&mut doc);
    r.resources(&mut doc);
    section_text(&mut doc, l.sustainability, charter.sustainability.as_str());
    r.meetings(&mut doc);
    problems_section(&mut doc, l, problems);
    doc.raw(format!("*{}*", escape::inline(l.exported)));
    doc.finish()
}

/// A level-2 section holding free text; left out when the text is blank.
fn section_text(doc: &mut Doc, title: &str, text: &str) {
    if !text.trim().is_empty() {
        doc.heading(2, title);
        doc.text(text);
    }
}

/// The problems found while reading, if any.
pub(crate) fn problems_section(doc: &mut Doc, l: &Labels, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    doc.heading(2, l.problems);
    doc.raw(escape::inline(l.problems_intro));
    doc.list(problems.iter().map(|p| {
        let path = if p.path.is_empty() { "/" } else { &p.path };
        format!(
            "`{}`: {}",
            path.replace('`', "'"),
            escape::inline(&p.kind.to_string())
        )
    }));
}

struct Renderer<'a> {
    charter: &'a Charter,
    lang: Lang,
    l: &'static Labels,
}

impl Renderer<'_> {
    /// The partner's name (escaped), or its id when it is not a partner.
    fn partner_name(&self, id: &str) -> String {
        match self.charter.partner(id) {
            Some(p) if !p.name.trim().is_empty() => escape::inline(&p.name),
            _ => escape::inline(id),
        }
    }

    fn optional_partner(&self, id: Option<&str>) -> String {
        match id.map(str::trim).filter(|id| !id.is_empty()) {
            Some(id) => self.partner_name(id),
            None => NONE.to_owned(),
        }
    }

    fn principles(&self, doc: &mut Doc) {
        if self.charter.principles.is_empty() {
            return;
        }
        doc.heading(2, self.l.principles);
        doc.list(self.charter.principles.iter().map(|p| {
            match (p.title.trim().is_empty(), p.description.trim().is_empty()) {
                (false, false) => format!(
                    "**{}:** {}",
                    escape::inline(&p.title),
                    escape::inline(&p.description)
                ),
                (false, true) => format!("**{}**", escape::inline(&p.title)),
                _ => escape::inline(&p.description),
            }
        }));
    }

    fn partners(&self, doc: &mut Doc) {
        if self.charter.partners.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        doc.heading(2, l.partners);
        let mut overview = Table::new(&[
            (l.partner, Align::Left),
            (l.sector, Align::Left),
            (l.representatives, Align::Left),
        ]);
        for p in &self.charter.partners {
            overview.row(vec![
                cell_or_none(&p.name),
                escape::cell(&lang.sector(&p.sector)),
                cell_or_none(
                    &p.representatives
                        .iter()
                        .map(|r| r.name.trim())
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ]);
        }
        doc.table(overview);
        for p in &self.charter.partners {
            doc.heading(
                3,
                if p.name.trim().is_empty() {
                    &p.id
                } else {
                    &p.name
                },
            );
            doc.raw(field(l.sector, &escape::inline(&lang.sector(&p.sector))));
            if !p.contributions.is_empty() {
                doc.raw(format!("**{}:**", escape::inline(l.brings)));
                doc.list(p.contributions.iter().map(|c| {
                    format!(
                        "**{}:** {}",
                        escape::inline(&lang.contribution(&c.kind)),
                        escape::inline(&c.description)
                    )
                }));
            }
            if !p.representatives.is_empty() {
                doc.raw(format!("**{}:**", escape::inline(l.representatives)));
                doc.list(p.representatives.iter().map(|r| {
                    let mut item = escape::inline(&r.name);
                    if !r.role.trim().is_empty() {
                        item.push_str(&format!(", {}", escape::inline(&r.role)));
                    }
                    if let Some(email) = r.email.as_deref().filter(|e| !e.trim().is_empty()) {
                        item.push_str(&format!(" ({})", escape::inline(email)));
                    }
                    item
                }));
            }
        }
    }

    /// The RACI overview (partners × goals) and the roles for the whole
    /// partnership; the roles per goal are shown with each goal.
    fn roles(&self, doc: &mut Doc) {
        let charter = self.charter;
        if charter.roles.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        doc.heading(2, l.roles);
        let whole: Vec<_> = charter
            .roles
            .iter()
            .filter(|r| r.goal_id.is_none())
            .collect();
        let goals: Vec<&Goal> = charter
            .goals
            .iter()
            .filter(|g| charter.roles_for_goal(&g.id).next().is_some())
            .collect();

        let mut columns: Vec<(String, Align)> = vec![(l.partner.to_owned(), Align::Left)];
        if !whole.is_empty() {
            columns.push((l.whole_partnership.to_owned(), Align::Center));
        }
        for g in &goals {
            columns.push((goal_title(g), Align::Center));
        }
        let column_refs: Vec<(&str, Align)> =
            columns.iter().map(|(c, a)| (c.as_str(), *a)).collect();
        let mut matrix = Table::new(&column_refs);
        // Partners in charter order, then ids that appear only in roles.
        let mut partner_ids: Vec<&str> = charter.partners.iter().map(|p| p.id.as_str()).collect();
        for r in &charter.roles {
            if !partner_ids.contains(&r.partner_id.as_str()) {
                partner_ids.push(&r.partner_id);
            }
        }
        let letters = |partner: &str, goal: Option<&str>| {
            let letters: Vec<String> = charter
                .roles
                .iter()
                .filter(|r| r.partner_id == partner && r.goal_id.as_deref() == goal)
                .map(|r| escape::cell(&lang.raci_letter(&r.raci)))
                .collect();
            letters.join(", ")
        };
        for partner in partner_ids {
            let mut row = vec![self.partner_name(partner)];
            if !whole.is_empty() {
                row.push(letters(partner, None));
            }
            for g in &goals {
                row.push(letters(partner, Some(&g.id)));
            }
            matrix.row(row);
        }
        doc.table(matrix);
        doc.raw(format!("*{}*", escape::inline(l.raci_legend)));

        if !whole.is_empty() {
            doc.heading(3, l.whole_partnership);
            doc.table(self.role_table(whole.into_iter()));
        }
    }

    fn role_table<'r>(
        &self,
        roles: impl Iterator<Item = &'r mitra_model::RoleAssignment>,
    ) -> Table {
        let l = self.l;
        let mut table = Table::new(&[
            (l.partner, Align::Left),
            (l.role, Align::Left),
            (l.responsibility, Align::Left),
        ]);
        for r in roles {
            table.row(vec![
                self.partner_name(&r.partner_id),
                escape::cell(&self.lang.raci(&r.raci)),
                cell_or_none(&r.description),
            ]);
        }
        table
    }

    fn goals(&self, doc: &mut Doc) {
        if self.charter.goals.is_empty() {
            return;
        }
        doc.heading(2, self.l.goals);
        for (i, goal) in self.charter.goals.iter().enumerate() {
            self.goal(doc, i + 1, goal);
        }
    }

    fn goal(&self, doc: &mut Doc, number: usize, goal: &Goal) {
        let (l, lang) = (self.l, self.lang);
        doc.numbered_heading(3, number, &goal_title(goal));
        let mut facts = vec![field(
            l.status,
            &escape::inline(&lang.goal_status(&goal.status)),
        )];
        if !goal.owner_ids.is_empty() {
            let owners: Vec<String> = goal
                .owner_ids
                .iter()
                .map(|o| self.partner_name(o))
                .collect();
            facts.push(field(l.owners, &owners.join("; ")));
        }
        doc.raw(facts.join(" · "));
        doc.text(goal.description.as_str());

        let s = &goal.smart;
        let time_bound = s.time_bound.as_deref().map(|d| format::date(d, lang));
        let smart: Vec<String> = [
            (l.specific, Some(escape::inline(&s.specific))),
            (l.measurable, Some(escape::inline(&s.measurable))),
            (l.achievable, Some(escape::inline(&s.achievable))),
            (l.relevant, Some(escape::inline(&s.relevant))),
            (l.time_bound, time_bound),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.filter(|v| !v.is_empty()).map(|v| field(label, &v)))
        .collect();
        if !smart.is_empty() {
            doc.heading(4, l.smart);
            doc.list(smart);
        }

        if self.charter.roles_for_goal(&goal.id).next().is_some() {
            doc.heading(4, l.roles);
            doc.table(self.role_table(self.charter.roles_for_goal(&goal.id)));
        }

        if !goal.indicators.is_empty() {
            doc.heading(4, l.indicators);
            let mut summary = Table::new(&[
                (l.indicator, Align::Left),
                (l.unit, Align::Left),
                (l.baseline, Align::Right),
                (l.target, Align::Right),
                (l.latest, Align::Right),
                (l.progress, Align::Left),
            ]);
            for i in &goal.indicators {
                summary.row(self.indicator_row(i));
            }
            doc.table(summary);
            for i in &goal.indicators {
                self.indicator_detail(doc, i);
            }
        }
    }

    fn indicator_row(&self, i: &Indicator) -> Vec<String> {
        let lang = self.lang;
        let value = |v: Option<f64>| v.map_or_else(|| NONE.to_owned(), |v| format::number(v, lang));
        let target = match (i.target, i.target_date.as_deref()) {
            (Some(t), Some(d)) => {
                format!("{} ({})", format::number(t, lang), format::date(d, lang))
            }
            (t, _) => value(t),
        };
        let latest = i.latest().map_or_else(
            || NONE.to_owned(),
            |m| {
                format!(
                    "{} ({})",
                    format::number(m.value, lang),
                    format::date(&m.date, lang)
                )
            },
        );
        vec![
            cell_or_none(&i.name),
            cell_or_none(&i.unit),
            value(i.baseline),
            target,
            latest,
            i.progress()
                .map_or_else(|| NONE.to_owned(), format::progress),
        ]
    }

    /// An indicator's measurements (oldest first) and qualitative feedback.
    fn indicator_detail(&self, doc: &mut Doc, i: &Indicator) {
        if i.measurements.is_empty() && i.feedback.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        let name = if i.name.trim().is_empty() {
            &i.id
        } else {
            &i.name
        };
        if i.measurements.is_empty() {
            doc.raw(format!("**{}**", escape::inline(name)));
        } else {
            doc.raw(format!(
                "**{} — {}**",
                escape::inline(name),
                escape::inline(l.measurements)
            ));
        }
        let value_header = if i.unit.trim().is_empty() {
            l.value.to_owned()
        } else {
            format!("{} ({})", l.value, i.unit.trim())
        };
        let mut measurements: Vec<_> = i.measurements.iter().collect();
        measurements.sort_by(|a, b| a.date.cmp(&b.date));
        // A source shared by every measurement is named once, below the
        // table; a column of notes is shown only when there are notes.
        let first_source = measurements.first().map(|m| m.source.trim());
        let shared_source =
            first_source.filter(|s| measurements.iter().all(|m| m.source.trim() == *s));
        let notes = measurements.iter().any(|m| !m.note.trim().is_empty());
        let mut columns = vec![(l.date, Align::Left), (value_header.as_str(), Align::Right)];
        if shared_source.is_none() {
            columns.push((l.source, Align::Left));
        }
        if notes {
            columns.push((l.note, Align::Left));
        }
        let mut table = Table::new(&columns);
        for m in measurements {
            let mut row = vec![format::date(&m.date, lang), format::number(m.value, lang)];
            if shared_source.is_none() {
                row.push(cell_or_none(&m.source));
            }
            if notes {
                row.push(escape::cell(&m.note));
            }
            table.row(row);
        }
        doc.table(table);
        if let Some(source) = shared_source.filter(|s| !s.is_empty()) {
            doc.raw(format!(
                "*{}: {}*",
                escape::inline(l.source),
                escape::inline(source)
            ));
        }
        if !i.feedback.is_empty() {
            doc.raw(format!("**{}:**", escape::inline(l.feedback)));
            doc.list(i.feedback.iter().map(|f| {
                let mut by = Vec::new();
                if !f.source.trim().is_empty() {
                    by.push(escape::inline(&f.source));
                }
                if !f.date.trim().is_empty() {
                    by.push(format::date(&f.date, lang));
                }
                let quote = format!("“{}”", escape::inline(&f.text));
                if by.is_empty() {
                    quote
                } else {
                    format!("{quote} — *{}*", by.join(", "))
                }
            }));
        }
    }

    fn communication(&self, doc: &mut Doc) {
        let c = &self.charter.communication;
        if c.cadence.trim().is_empty() && c.channels.is_empty() && c.information_duties.is_empty() {
            return;
        }
        let l = self.l;
        doc.heading(2, l.communication);
        if !c.cadence.trim().is_empty() {
            doc.raw(field(l.cadence, &escape::inline(&c.cadence)));
        }
        if !c.channels.is_empty() {
            doc.heading(3, l.channels);
            let mut table = Table::new(&[
                (l.channel, Align::Left),
                (l.channel_purpose, Align::Left),
                (l.run_by, Align::Left),
            ]);
            for ch in &c.channels {
                table.row(vec![
                    cell_or_none(&ch.name),
                    cell_or_none(&ch.purpose),
                    self.optional_partner(ch.owner_partner_id.as_deref()),
                ]);
            }
            doc.table(table);
        }
        if !c.information_duties.is_empty() {
            doc.heading(3, l.information_duties);
            let mut table = Table::new(&[
                (l.partner, Align::Left),
                (l.person, Align::Left),
                (l.what_they_share, Align::Left),
            ]);
            for d in &c.information_duties {
                table.row(vec![
                    self.optional_partner(Some(&d.partner_id)),
                    cell_or_none(&d.person),
                    cell_or_none(&d.what),
                ]);
            }
            doc.table(table);
        }
    }

    fn risks(&self, doc: &mut Doc) {
        if self.charter.risks.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        doc.heading(2, l.risks);
        let mut table = Table::new(&[
            (l.risk, Align::Left),
            (l.category, Align::Left),
            (l.likelihood, Align::Left),
            (l.impact, Align::Left),
            (l.mitigations, Align::Left),
        ]);
        for r in &self.charter.risks {
            let mut risk = Vec::new();
            if !r.title.trim().is_empty() {
                risk.push(format!("**{}**", escape::inline(&r.title)));
            }
            let description = escape::cell(&r.description);
            if !description.is_empty() {
                risk.push(description);
            }
            let mitigations: Vec<String> = r
                .mitigations
                .iter()
                .map(|m| {
                    let action = escape::cell(&m.action);
                    match m
                        .owner_partner_id
                        .as_deref()
                        .filter(|o| !o.trim().is_empty())
                    {
                        Some(owner) => format!("{action} (*{}*)", self.partner_name(owner)),
                        None => action,
                    }
                })
                .collect();
            table.row(vec![
                if risk.is_empty() {
                    NONE.to_owned()
                } else {
                    risk.join("<br>")
                },
                escape::cell(&lang.risk_category(&r.category)),
                escape::cell(&lang.level(&r.likelihood)),
                escape::cell(&lang.level(&r.impact)),
                if mitigations.is_empty() {
                    NONE.to_owned()
                } else {
                    mitigations.join("<br>")
                },
            ]);
        }
        doc.table(table);
    }

    fn resources(&self, doc: &mut Doc) {
        if self.charter.resources.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        doc.heading(2, l.resources);
        let mut table = Table::new(&[
            (l.kind, Align::Left),
            (l.description, Align::Left),
            (l.provided_by, Align::Left),
            (l.amount, Align::Right),
        ]);
        // Totals per currency, in order of first appearance.
        let mut totals: Vec<(String, f64)> = Vec::new();
        for r in &self.charter.resources {
            let currency = r
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let amount = r.amount.filter(|a| a.is_finite());
            if let Some(a) = amount {
                let key = currency.unwrap_or_default().to_owned();
                match totals.iter_mut().find(|(c, _)| *c == key) {
                    Some((_, t)) => *t += a,
                    None => totals.push((key, a)),
                }
            }
            table.row(vec![
                escape::cell(&lang.resource_kind(&r.kind)),
                cell_or_none(&r.description),
                self.optional_partner(r.partner_id.as_deref()),
                amount.map_or_else(|| NONE.to_owned(), |a| format::money(a, currency, lang)),
            ]);
        }
        doc.table(table);
        if !totals.is_empty() {
            let totals: Vec<String> = totals
                .iter()
                .map(|(c, t)| format::money(*t, Some(c.as_str()), lang))
                .collect();
            doc.raw(field(l.total, &totals.join(" · ")));
        }
    }

    fn meetings(&self, doc: &mut Doc) {
        if self.charter.meetings.is_empty() {
            return;
        }
        let (l, lang) = (self.l, self.lang);
        doc.heading(2, l.meetings);
        let mut table = Table::new(&[
            (l.when, Align::Left),
            (l.meeting, Align::Left),
            (l.document, Align::Left),
        ]);
        // By start time where the offsets agree (the usual case); stable.
        let mut meetings: BTreeMap<(String, usize), &mitra_model::MeetingLink> = BTreeMap::new();
        for (i, m) in self.charter.meetings.iter().enumerate() {
            meetings.insert((m.start.clone(), i), m);
        }
        for m in meetings.values() {
            table.row(vec![
                format::timestamp(&m.start, "", lang, false),
                cell_or_none(&m.title),
                code(&m.url),
            ]);
        }
        doc.table(table);
    }
}

/// The goal's title, or its id when it has none.
pub(crate) fn goal_title(goal: &Goal) -> String {
    if goal.title.trim().is_empty() {
        goal.id.clone()
    } else {
        goal.title.clone()
    }
}

/// `text` as an inline code span (or [`NONE`] when blank).
pub(crate) fn code(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return NONE.to_owned();
    }
    if text.contains(['`', '|', '\n', '\r']) {
        return escape::cell(text);
    }
    format!("`{text}`")
}
