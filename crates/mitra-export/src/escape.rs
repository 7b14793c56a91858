//! Escaping user text for Markdown (CommonMark with GitHub's tables), so
//! that whatever partners typed renders as the text they typed: a `|` does
//! not split a table cell, a `*` does not start emphasis, a line starting
//! with `#` or `1.` does not become a heading or a list, `<` never becomes
//! HTML and `&amp;` never an entity.
//!
//! - [`inline`]: one line of text (newlines become spaces), for headings,
//!   list items and emphasis.
//! - [`cell`]: a table cell (newlines become `<br>`).
//! - [`block`]: several paragraphs of free text (notes, purpose): blank
//!   lines separate paragraphs, single line breaks are kept, and lines
//!   written as bullet or numbered lists stay lists.

/// Escapes one line of text. Runs of whitespace, newlines included, become
/// one space; leading and trailing whitespace is removed.
pub fn inline(text: &str) -> String {
    let chars = collapse_whitespace(text);
    let mut out = String::with_capacity(chars.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if needs_escape(&chars, i) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes text for a table cell: like [`inline`] for each line, with the
/// lines joined by `<br>` (empty lines are dropped).
pub fn cell(text: &str) -> String {
    lines(text)
        .iter()
        .map(|l| inline(l))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Escapes free text of several paragraphs. Paragraphs are separated by one
/// blank line; a single line break inside a paragraph stays a line break
/// (a trailing backslash, CommonMark's hard break); a line starting with
/// `- `, `* `, `+ ` or `• ` stays a bullet item and one starting with
/// `1. ` (any number) a numbered item. Everything else is escaped as in
/// [`inline`]. The result has no leading, trailing or doubled blank lines
/// and no trailing spaces.
pub fn block(text: &str) -> String {
    let mut paragraphs: Vec<Vec<Line>> = Vec::new();
    let mut current: Vec<Line> = Vec::new();
    for line in lines(text) {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(Line::classify(line));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }

    let mut out = String::new();
    for (p, paragraph) in paragraphs.iter().enumerate() {
        if p > 0 {
            out.push_str("\n\n");
        }
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                let previous = &paragraph[i - 1];
                match (previous, line) {
                    (Line::Text(_), Line::Text(_)) => out.push_str("\\\n"),
                    (Line::Text(_), _) | (_, Line::Text(_)) => out.push_str("\n\n"),
                    _ => out.push('\n'),
                }
            }
            out.push_str(&line.render());
        }
    }
    out
}

/// A heading of `level` (1 to 6) with escaped `text`.
pub fn heading(level: usize, text: &str) -> String {
    let mut escaped = inline(text);
    // A trailing run of `#` after a space (or alone) would be read as the
    // heading's closing sequence.
    let before = escaped.trim_end_matches('#');
    if before.len() < escaped.len() && (before.is_empty() || before.ends_with(' ')) {
        escaped.insert(before.len(), '\\');
    }
    format!("{} {escaped}", "#".repeat(level.clamp(1, 6)))
}

enum Line {
    Text(String),
    Bullet(String),
    Numbered(String, String),
}

impl Line {
    fn classify(line: &str) -> Self {
        for marker in ["- ", "* ", "+ ", "• "] {
            if let Some(rest) = line.strip_prefix(marker) {
                return Self::Bullet(rest.to_owned());
            }
        }
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if (1..=9).contains(&digits) {
            let rest = &line[digits..];
            if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
                return Self::Numbered(line[..digits].to_owned(), rest.to_owned());
            }
        }
        Self::Text(line.to_owned())
    }

    fn render(&self) -> String {
        match self {
            Self::Text(t) => inline(t),
            Self::Bullet(t) => format!("- {}", inline(t)),
            Self::Numbered(n, t) => format!("{n}. {}", inline(t)),
        }
    }
}

/// The lines of `text`, whatever its line endings (`\n`, `\r\n`, `\r`).
fn lines(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(str::to_owned)
        .collect()
}

fn collapse_whitespace(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}') {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether the character at `i` must be preceded by a backslash.
fn needs_escape(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let next = chars.get(i + 1).copied();
    let previous = i.checked_sub(1).map(|p| chars[p]);
    match c {
        // Emphasis, code, links, HTML, tables, strikethrough, escapes.
        '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' => true,
        // `_` inside a word never starts emphasis (`budi_santoso`).
        '_' => {
            !(previous.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric))
        }
        // At the start of a line: headings, bullets, thematic breaks and
        // setext underlines (`# `, `- `, `+ `, `---`, `===`).
        '#' | '-' | '+' | '=' => i == 0 && next.is_none_or(|n| n == ' ' || n == c),
        // `&amp;`, `&#38;`: an entity reference would show as its character.
        '&' => {
            let name = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
                .count();
            name > 0 && chars.get(i + 1 + name) == Some(&';')
        }
        // `1. ` or `1) ` at the start: a numbered list.
        '.' | ')' => {
            (1..=9).contains(&i)
                && chars[..i].iter().all(char::is_ascii_digit)
                && next.is_none_or(|n| n == ' ')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_syntax_is_escaped_in_cells() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("first\nsecond"), "first<br>second");
        assert_eq!(cell("first\r\n\r\nsecond\r"), "first<br>second");
        assert_eq!(cell("  padded  "), "padded");
        assert_eq!(cell(""), "");
        assert_eq!(cell("\n\n"), "");
        // A backslash before a pipe cannot swallow the pipe's escape.
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
    }

    #[test]
    fn inline_markup_is_escaped() {
        assert_eq!(inline("*bold* and `code`"), "\\*bold\\* and \\`code\\`");
        assert_eq!(inline("[link](x)"), "\\[link\\](x)");
        assert_eq!(inline("<script>"), "\\<script\\>");
        assert_eq!(inline("~~gone~~"), "\\~\\~gone\\~\\~");
        assert_eq!(inline("two\nlines"), "two lines");
        assert_eq!(inline("a  \t b"), "a b");
    }

    #[test]
    fn underscores_inside_words_stay_readable() {
        assert_eq!(
            inline("budi_santoso@example.org"),
            "budi_santoso@example.org"
        );
        assert_eq!(inline("_emphasis_"), "\\_emphasis\\_");
        assert_eq!(inline("snake_ case"), "snake\\_ case");
    }

    #[test]
    fn block_markers_at_the_start_are_escaped() {
        assert_eq!(inline("# not a heading"), "\\# not a heading");
        assert_eq!(inline("#hashtag"), "#hashtag");
        assert_eq!(inline("- not a list"), "\\- not a list");
        assert_eq!(inline("-5 degrees"), "-5 degrees");
        assert_eq!(inline("---"), "\\---");
        assert_eq!(inline("==="), "\\===");
        assert_eq!(inline("2025. A year"), "2025\\. A year");
        assert_eq!(inline("3) third"), "3\\) third");
        assert_eq!(inline("3.5 µg/m³"), "3.5 µg/m³");
        assert_eq!(inline("Goal #2"), "Goal #2");
        assert_eq!(inline("a - b"), "a - b");
        assert_eq!(
            inline("&amp; &#38; AT&T & co;"),
            "\\&amp; \\&#38; AT&T & co;"
        );
    }

    #[test]
    fn headings_keep_a_trailing_hash() {
        assert_eq!(heading(2, "Goal #"), "## Goal \\#");
        assert_eq!(heading(3, "C##"), "### C##");
        assert_eq!(heading(3, "#"), "### \\#");
        assert_eq!(heading(3, "a ##"), "### a \\##");
        assert_eq!(heading(1, "# x"), "# \\# x");
    }

    #[test]
    fn blocks_keep_paragraphs_lines_and_lists() {
        let text = "First paragraph\nsecond line.\n\n\n\nSecond | paragraph.  \n- item *one*\n- item two\n1. first\nAfter the list.\n";
        assert_eq!(
            block(text),
            "First paragraph\\\nsecond line.\n\nSecond \\| paragraph.\n\n- item \\*one\\*\n- item two\n1. first\n\nAfter the list."
        );
        assert_eq!(block("\n\n  \n"), "");
        assert_eq!(block("one\r\ntwo"), "one\\\ntwo");
    }

    #[test]
    fn escaped_text_has_no_trailing_whitespace() {
        for text in ["a \n", " b\t", "c\n\n", "- d  \n  e  "] {
            for out in [inline(text), cell(text), block(text)] {
                for line in out.lines() {
                    assert_eq!(line, line.trim_end(), "{text:?} gave {out:?}");
                }
            }
        }
    }
}
