//! The escaping and the exports checked with a real CommonMark parser with
//! GitHub's tables (pulldown-cmark): user text renders as the text typed,
//! whatever Markdown syntax it contains.

#![allow(clippy::unwrap_used)]

use mitra_demo::{DemoIds, build};
use mitra_export::escape;
use mitra_model::{Language, charter, meeting};
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn parse(markdown: &str) -> Vec<Event<'_>> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .collect()
}

/// Plain text of `events`: text as is, breaks and `<br>` as `\n`.
fn text(events: &[Event<'_>]) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::InlineHtml(h) if h.as_ref() == "<br>" => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// `s` as `inline` promises to show it: whitespace runs as one space.
fn collapsed(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r', '\u{b}', '\u{c}'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Only paragraphs (and, in `allowed`, other tags) with plain text inside.
fn only_plain_text(events: &[Event<'_>], allowed: &[fn(&Tag<'_>) -> bool]) -> Result<(), String> {
    for e in events {
        let ok = match e {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => true,
            Event::Start(tag) => allowed.iter().any(|f| f(tag)),
            Event::End(_) => true,
            Event::Text(_) | Event::SoftBreak | Event::HardBreak => true,
            Event::InlineHtml(h) => h.as_ref() == "<br>",
            _ => false,
        };
        if !ok {
            return Err(format!("unexpected {e:?} in {events:?}"));
        }
    }
    Ok(())
}

/// Strings full of Markdown syntax.
fn markdownish() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r"[a-zA-Z0-9 \t\n\r*_`#>|\\\[\]<>!~=+\-.():;&/é]{0,40}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn inline_text_renders_as_typed(s in markdownish()) {
        let md = escape::inline(&s);
        let events = parse(&md);
        only_plain_text(&events, &[]).map_err(TestCaseError::fail)?;
        prop_assert_eq!(text(&events), collapsed(&s), "markdown: {:?}", md);
    }

    #[test]
    fn headings_render_as_typed(s in markdownish()) {
        if collapsed(&s).is_empty() {
            return Ok(());
        }
        let md = escape::heading(2, &s);
        let events = parse(&md);
        prop_assert!(matches!(events.first(), Some(Event::Start(Tag::Heading { .. }))), "{:?}", events);
        prop_assert_eq!(text(&events), collapsed(&s), "markdown: {:?}", md);
    }

    #[test]
    fn cells_stay_in_their_table_cell(a in markdownish(), b in markdownish()) {
        let md = format!("| x | y |\n| --- | --- |\n| {} | {} |\n", escape::cell(&a), escape::cell(&b));
        let events = parse(&md);
        // The body row's two cells, in order.
        let mut cells = Vec::new();
        let mut current: Option<Vec<Event<'_>>> = None;
        let mut in_head = false;
        for e in &events {
            match e {
                Event::Start(Tag::TableHead) => in_head = true,
                Event::End(TagEnd::TableHead) => in_head = false,
                Event::Start(Tag::TableCell) if !in_head => current = Some(Vec::new()),
                Event::End(TagEnd::TableCell) if !in_head => cells.extend(current.take()),
                e => {
                    if let Some(c) = current.as_mut() {
                        c.push(e.clone());
                    }
                }
            }
        }
        prop_assert_eq!(cells.len(), 2, "markdown: {:?}", md);
        for (cell, original) in cells.iter().zip([&a, &b]) {
            let expected: Vec<String> = original
                .replace("\r\n", "\n")
                .split(['\n', '\r'])
                .map(collapsed)
                .filter(|l| !l.is_empty())
                .collect();
            only_plain_text(cell, &[]).map_err(TestCaseError::fail)?;
            prop_assert_eq!(text(cell), expected.join("\n"), "markdown: {:?}", md);
        }
    }

    #[test]
    fn blocks_are_paragraphs_and_lists_only(s in markdownish()) {
        let md = escape::block(&s);
        let events = parse(&md);
        only_plain_text(&events, &[|t| matches!(t, Tag::List(_) | Tag::Item)])
            .map_err(TestCaseError::fail)?;
        for line in md.lines() {
            prop_assert_eq!(line, line.trim_end());
        }
    }
}

#[test]
fn demo_exports_parse_into_the_expected_structure() {
    for language in [Language::English, Language::Indonesian] {
        let demo = build(&language, &DemoIds::from_seed(1)).unwrap();
        let (c, _) = charter::load(&demo.charter).unwrap();
        let md = mitra_export::charter_markdown(&c, &[]);
        let events = parse(&md);
        let count = |f: fn(&Event<'_>) -> bool| events.iter().filter(|e| f(e)).count();
        // Partners overview, RACI overview, whole-partnership roles; per goal
        // roles, indicators and one table per indicator; two communication
        // tables; risks; resources; meetings.
        let indicators: usize = c.goals.iter().map(|g| g.indicators.len()).sum();
        let expected_tables = 3 + c.goals.len() * 2 + indicators + 2 + 1 + 1 + 1;
        assert_eq!(
            count(|e| matches!(e, Event::Start(Tag::Table(_)))),
            expected_tables
        );
        assert_eq!(count(|e| matches!(e, Event::Html(_))), 0);
        // Every `*` and `|` is markup: the demo's text has none.
        let rendered = text(&events);
        assert!(!rendered.contains(['*', '|', '\\']), "{rendered}");
        assert_eq!(
            count(|e| matches!(
                e,
                Event::Start(Tag::Heading {
                    level: pulldown_cmark::HeadingLevel::H1,
                    ..
                })
            )),
            1
        );
        for (_, doc) in &demo.meetings {
            let (m, _) = meeting::load(doc).unwrap();
            let md = mitra_export::meeting_markdown(&m, Some(&c), &c.language, &[]);
            let events = parse(&md);
            assert!(!text(&events).contains(['*', '|', '\\']));
            // Agenda, decisions, action items.
            assert_eq!(
                events
                    .iter()
                    .filter(|e| matches!(e, Event::Start(Tag::Table(_))))
                    .count(),
                3
            );
        }
    }
}
