//! Markdown documents built from blocks (headings, paragraphs, lists,
//! tables) separated by exactly one blank line.

use crate::escape;

/// A Markdown document under construction.
#[derive(Default)]
pub(crate) struct Doc {
    blocks: Vec<String>,
}

impl Doc {
    pub(crate) fn heading(&mut self, level: usize, text: &str) {
        self.blocks.push(escape::heading(level, text));
    }

    /// A heading `number. text` (the number is not escaped, as it would be
    /// at the start of a line of text).
    pub(crate) fn numbered_heading(&mut self, level: usize, number: usize, text: &str) {
        let heading = escape::heading(level, text);
        let (hashes, text) = heading.split_once(' ').unwrap_or((&heading, ""));
        self.blocks.push(format!("{hashes} {number}. {text}"));
    }

    /// A block of already escaped Markdown; empty blocks are skipped.
    pub(crate) fn raw(&mut self, markdown: impl Into<String>) {
        let markdown = markdown.into();
        if !markdown.trim().is_empty() {
            self.blocks.push(markdown);
        }
    }

    /// Free text of several paragraphs, escaped.
    pub(crate) fn text(&mut self, text: &str) {
        self.raw(escape::block(text));
    }

    /// A bullet list of already escaped items.
    pub(crate) fn list(&mut self, items: impl IntoIterator<Item = String>) {
        let items: Vec<String> = items.into_iter().map(|i| format!("- {i}")).collect();
        self.raw(items.join("\n"));
    }

    pub(crate) fn table(&mut self, table: Table) {
        if !table.rows.is_empty() {
            self.raw(table.render());
        }
    }

    /// The document: blocks separated by blank lines, ending in a newline.
    pub(crate) fn finish(self) -> String {
        let mut out = self.blocks.join("\n\n");
        out.push('\n');
        out
    }
}

/// How a table column is aligned.
#[derive(Clone, Copy)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// A GitHub-flavoured Markdown table. Cells are already escaped (see
/// [`escape::cell`]).
pub(crate) struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            columns: columns.iter().map(|(h, a)| (escape::cell(h), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty, extra cells dropped.
    pub(crate) fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.columns.len(), String::new());
        self.rows.push(cells);
    }

    fn render(&self) -> String {
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut s = String::from("|");
            for c in cells {
                if c.is_empty() {
                    s.push_str("  |");
                } else {
                    s.push(' ');
                    s.push_str(c);
                    s.push_str(" |");
                }
            }
            s
        };
        let mut out = vec![line(&mut self.columns.iter().map(|(h, _)| h.as_str()))];
        out.push(line(&mut self.columns.iter().map(|(_, a)| match a {
            Align::Left => "---",
            Align::Right => "---:",
            Align::Center => ":---:",
        })));
        for row in &self.rows {
            out.push(line(&mut row.iter().map(String::as_str)));
        }
        out.join("\n")
    }
}

/// `**label:** value` (the value already escaped).
pub(crate) fn field(label: &str, value: &str) -> String {
    format!("**{}:** {value}", escape::inline(label))
}

/// What a table cell or a list shows for a missing value.
pub(crate) const NONE: &str = "—";

/// `value` escaped as a cell, or [`NONE`] when it is blank.
pub(crate) fn cell_or_none(value: &str) -> String {
    let escaped = escape::cell(value);
    if escaped.is_empty() {
        NONE.to_owned()
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_have_a_header_a_delimiter_row_and_equal_widths() {
        let mut t = Table::new(&[
            ("a|b", Align::Left),
            ("n", Align::Right),
            ("c", Align::Center),
        ]);
        t.row(vec!["x".into(), "1".into()]);
        t.row(vec!["y".into(), "2".into(), "z".into(), "dropped".into()]);
        let mut doc = Doc::default();
        doc.table(t);
        assert_eq!(
            doc.finish(),
            "| a\\|b | n | c |\n| --- | ---: | :---: |\n| x | 1 |  |\n| y | 2 | z |\n"
        );
    }

    #[test]
    fn empty_blocks_and_tables_are_left_out() {
        let mut doc = Doc::default();
        doc.heading(1, "Title");
        doc.text("\n\n");
        doc.table(Table::new(&[("a", Align::Left)]));
        doc.list(Vec::new());
        doc.text("Body");
        assert_eq!(doc.finish(), "# Title\n\nBody\n");
    }
}
