//! The demo partnership's Markdown exports, compared with the files in
//! `tests/golden/`. After an intended change of the output (or of the demo),
//! regenerate them with
//!
//! ```sh
//! MITRA_UPDATE_GOLDEN=1 cargo test -p mitra-export
//! ```
//!
//! and review the diff.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use mitra_demo::{DemoIds, build};
use mitra_export::{charter_markdown, meeting_markdown};
use mitra_model::{Language, charter, meeting};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `actual` with the golden file `name`, or rewrites the file when
/// `MITRA_UPDATE_GOLDEN` is set. Returns a description of a mismatch.
fn check(name: &str, actual: &str) -> Option<String> {
    let path = golden_dir().join(name);
    if std::env::var_os("MITRA_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(e) => e,
        Err(e) => return Some(format!("{name}: cannot read {}: {e}", path.display())),
    };
    if expected == actual {
        return None;
    }
    let (line, (want, got)) = expected
        .lines()
        .chain(std::iter::repeat(""))
        .zip(actual.lines().chain(std::iter::repeat("")))
        .enumerate()
        .find(|(_, (e, a))| e != a)
        .unwrap_or((0, ("", "")));
    Some(format!(
        "{name} differs from the golden file at line {}:\n  golden: {want:?}\n  actual: {got:?}",
        line + 1
    ))
}

fn exports(language: &Language, suffix: &str) -> Vec<(String, String)> {
    let demo = build(language, &DemoIds::from_seed(1)).unwrap();
    let (c, problems) = charter::load(&demo.charter).unwrap();
    assert!(problems.is_empty());
    let mut out = vec![(
        format!("charter.{suffix}.md"),
        charter_markdown(&c, &problems),
    )];
    for (i, (_, doc)) in demo.meetings.iter().enumerate() {
        let (m, problems) = meeting::load(doc).unwrap();
        assert!(problems.is_empty());
        out.push((
            format!("meeting-{}.{suffix}.md", i + 1),
            meeting_markdown(&m, Some(&c), &c.language, &problems),
        ));
    }
    out
}

#[test]
fn demo_markdown_matches_the_golden_files() {
    let mut failures = Vec::new();
    for (language, suffix) in [(Language::English, "en"), (Language::Indonesian, "id")] {
        for (name, markdown) in exports(&language, suffix) {
            failures.extend(check(&name, &markdown));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the change is intended, regenerate the golden files with\n    MITRA_UPDATE_GOLDEN=1 cargo test -p mitra-export\nand review the diff.",
        failures.join("\n\n")
    );
}

#[test]
fn markdown_is_well_formed() {
    for (language, suffix) in [(Language::English, "en"), (Language::Indonesian, "id")] {
        for (name, markdown) in exports(&language, suffix) {
            assert!(
                markdown.ends_with('\n') && !markdown.ends_with("\n\n"),
                "{name}"
            );
            assert!(!markdown.contains("\n\n\n"), "{name}: doubled blank line");
            let lines: Vec<&str> = markdown.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                assert_eq!(
                    *line,
                    line.trim_end(),
                    "{name}:{}: trailing whitespace",
                    i + 1
                );
            }
            // Every table: blank line before, a delimiter row, the same
            // number of cells in every row.
            let mut i = 0;
            while i < lines.len() {
                if !lines[i].starts_with('|') {
                    i += 1;
                    continue;
                }
                assert!(
                    i > 0 && lines[i - 1].is_empty(),
                    "{name}:{}: no blank line before table",
                    i + 1
                );
                let cells = |l: &str| {
                    let unescaped = l.replace("\\\\", "").replace("\\|", "");
                    unescaped.matches('|').count()
                };
                let width = cells(lines[i]);
                assert!(
                    lines[i + 1].starts_with("| ---") || lines[i + 1].starts_with("| :---"),
                    "{name}:{}",
                    i + 2
                );
                while i < lines.len() && lines[i].starts_with('|') {
                    assert_eq!(cells(lines[i]), width, "{name}:{}: {}", i + 1, lines[i]);
                    assert!(
                        lines[i].ends_with(" |") || lines[i].ends_with("  |"),
                        "{name}:{}",
                        i + 1
                    );
                    i += 1;
                }
            }
        }
    }
}

#[test]
fn indonesian_exports_use_the_partnership_terms() {
    let out = exports(&Language::Indonesian, "id");
    let charter = &out[0].1;
    for term in [
        "## Tujuan bersama",
        "## Visi bersama",
        "## Prinsip",
        "## Mitra",
        "## Peran dan tanggung jawab",
        "## Tujuan dan sasaran (SMART)",
        "## Rencana komunikasi",
        "## Tantangan dan risiko",
        "## Sumber daya",
        "## Keberlanjutan",
        "IDR 1.070.000.000",
    ] {
        assert!(charter.contains(term), "missing {term:?}");
    }
    let minutes = &out[1].1;
    for term in [
        "## Peserta",
        "## Keputusan",
        "## Tindak lanjut",
        "Selasa, 16 September 2025, pukul 09.30 (Asia/Jakarta, UTC+07:00)",
    ] {
        assert!(minutes.contains(term), "missing {term:?}");
    }
}

#[test]
fn minutes_without_the_charter_show_ids() {
    let ids = DemoIds::from_seed(1);
    let m = &mitra_demo::meetings(&Language::English, &ids)[0];
    let md = meeting_markdown(m, None, &Language::English, &[]);
    assert!(md.contains("| g-pm25 |"), "{md}");
    assert!(md.contains("| p-aphs |"), "{md}");
    assert!(
        md.contains(&format!("**Partnership:** `{}`", ids.charter.url())),
        "{md}"
    );
}
