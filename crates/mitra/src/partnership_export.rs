//! `mitra export-partnership`: a whole partnership (its charter and every
//! meeting the charter links) written to a directory, for partners who want
//! their data out.
//!
//! ```text
//! OUT/
//!   README.md            what is here, document by document
//!   manifest.json        the same, for programs (format mitra-partnership-export/1)
//!   charter.automerge    the charter: automerge save() of the whole document
//!   charter.md           ... as Markdown (mitra_export::charter_markdown)
//!   charter.json         ... as JSON (mitra_export::charter_json)
//!   meetings/2025-09-16-quarterly-steering-meeting.automerge / .md / .json
//! ```
//!
//! The `.automerge` files are the documents exactly as stored, with their
//! whole history: any automerge implementation loads them
//! (`Automerge.load(bytes)` in JavaScript, `Automerge::load` in Rust). The
//! renderings read the documents in the current schema (older ones are
//! migrated in memory, as `mitra export` does). Meetings the charter links
//! that are not in the store are listed as missing.
//!
//! Only reads: nothing in the store is changed, so it works next to a
//! running server.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use automerge::{AutoCommit, Automerge};
use mitra_model::{CURRENT_SCHEMA_VERSION, Charter, DocType, Problem, schema};
use mitra_protocol::DocumentId;
use mitra_storage::Storage;
use serde_json::json;

use crate::store::{self, StorageArgs};

/// The `format` of `manifest.json`.
pub const FORMAT: &str = "mitra-partnership-export/1";

/// `mitra export-partnership`.
#[derive(Debug, clap::Args)]
pub struct ExportPartnershipArgs {
    #[command(flatten)]
    source: StorageArgs,
    /// The partnership's charter: its URL (automerge:...) or bare id.
    charter_url: String,
    /// The directory to write into (created if missing; it must be empty
    /// unless --force).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into a directory that is not empty (files of the same name are
    /// replaced, others left alone).
    #[arg(long)]
    force: bool,
}

/// One exported document, for the index.
struct Entry {
    role: &'static str,
    url: String,
    title: String,
    start: Option<String>,
    heads: Vec<String>,
    changes: usize,
    problems: usize,
    /// The file names without extension, relative to the output directory.
    stem: String,
}

/// A meeting the charter links that is not exported.
struct Missing {
    url: String,
    title: String,
    reason: String,
}

/// Writes the partnership and prints what it wrote.
pub async fn export_partnership(args: ExportPartnershipArgs) -> anyhow::Result<()> {
    let url = args.source.url()?;
    let charter_id = DocumentId::parse_url_or_id(args.charter_url.trim()).with_context(|| {
        format!(
            "{:?} is not a document URL: expected automerge:<id>, as `mitra demo` and the web client show them",
            args.charter_url
        )
    })?;
    prepare_out_dir(&args.out, args.force)?;
    let storage = store::open_existing(&url).await?;
    let result = write_partnership(&storage, &charter_id, &args.out).await;
    storage.close().await;
    let (entries, missing, name) = result?;

    println!(
        "Exported the partnership {name:?}: {} document(s) to {}",
        entries.len(),
        args.out.display()
    );
    for entry in &entries {
        println!("  {} {} ({})", entry.stem, entry.url, entry.title);
    }
    for m in &missing {
        eprintln!(
            "warning: the charter links the meeting {} ({}), which is not exported: {}",
            m.url, m.title, m.reason
        );
    }
    Ok(())
}

/// Creates `out`, refusing a non-empty one unless `force`.
fn prepare_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            bail!("{} exists and is not a directory", out.display());
        }
        let mut entries =
            std::fs::read_dir(out).with_context(|| format!("reading {}", out.display()))?;
        if entries.next().is_some() && !force {
            bail!(
                "{} is not empty; choose a new directory or pass --force to write into it",
                out.display()
            );
        }
    }
    std::fs::create_dir_all(out.join("meetings"))
        .with_context(|| format!("creating {}", out.display()))
}

async fn write_partnership(
    storage: &Arc<dyn Storage>,
    charter_id: &DocumentId,
    out: &Path,
) -> anyhow::Result<(Vec<Entry>, Vec<Missing>, String)> {
    let charter_url = charter_id.url();
    let stored_charter = load(storage, charter_id)
        .await?
        .with_context(|| format!("unknown document {charter_url}: it is not in this store"))?;
    let mut doc = AutoCommit::load(&stored_charter.save())
        .with_context(|| format!("reading {charter_url}"))?;
    match schema::detect(&doc) {
        Ok(DocType::Charter) => {}
        Ok(DocType::Meeting) => {
            bail!("{charter_url} is a meeting, not a partnership charter; give the charter's URL")
        }
        Err(e) => bail!("{charter_url} is not a partnership charter: {e}"),
    }
    current(&mut doc, &charter_url)?;
    let (charter, problems) = mitra_model::charter::load(&doc)
        .with_context(|| format!("reading charter {charter_url}"))?;

    let mut entries = Vec::new();
    let mut missing = Vec::new();
    write_files(
        out,
        "charter",
        &stored_charter,
        &mitra_export::charter_markdown(&charter, &problems),
        &mitra_export::charter_json(&charter, &problems)?,
    )?;
    entries.push(entry(
        "charter",
        charter_url.clone(),
        charter.name.clone(),
        None,
        &stored_charter,
        &problems,
        "charter".into(),
    ));

    let mut stems = BTreeSet::new();
    for link in &charter.meetings {
        let title = if link.title.is_empty() {
            link.url.clone()
        } else {
            link.title.clone()
        };
        let id = match DocumentId::parse_url_or_id(&link.url) {
            Ok(id) => id,
            Err(e) => {
                missing.push(Missing {
                    url: link.url.clone(),
                    title,
                    reason: format!("not a document URL ({e})"),
                });
                continue;
            }
        };
        let url = id.url();
        let stored = match load(storage, &id).await {
            Ok(Some(doc)) => doc,
            Ok(None) => {
                missing.push(Missing {
                    url,
                    title,
                    reason: "not in this store".into(),
                });
                continue;
            }
            Err(e) => {
                missing.push(Missing {
                    url,
                    title,
                    reason: format!("{e:#}"),
                });
                continue;
            }
        };
        let rendered = meeting_renderings(&stored, &url, &charter);
        let (meeting, markdown, json, problems) = match rendered {
            Ok(r) => r,
            Err(e) => {
                missing.push(Missing {
                    url,
                    title,
                    reason: format!("{e:#}"),
                });
                continue;
            }
        };
        let stem = unique_stem(&mut stems, &meeting.start, &meeting.title, &id);
        write_files(out, &stem, &stored, &markdown, &json)?;
        entries.push(entry(
            "meeting",
            url,
            meeting.title.clone(),
            Some(meeting.start.clone()),
            &stored,
            &problems,
            stem,
        ));
    }

    let exported_at = store::now_rfc3339();
    write_manifest(out, &charter, &entries, &missing, &exported_at)?;
    write_readme(out, &charter, &entries, &missing, &exported_at)?;
    Ok((entries, missing, charter.name))
}

/// A meeting's model, Markdown and JSON, and the problems found reading it.
fn meeting_renderings(
    stored: &Automerge,
    url: &str,
    charter: &Charter,
) -> anyhow::Result<(mitra_model::Meeting, String, String, Vec<Problem>)> {
    let mut doc = AutoCommit::load(&stored.save()).with_context(|| format!("reading {url}"))?;
    match schema::detect(&doc) {
        Ok(DocType::Meeting) => {}
        Ok(DocType::Charter) => bail!("it is a charter, not a meeting"),
        Err(e) => bail!("it is not a Mitra meeting: {e}"),
    }
    current(&mut doc, url)?;
    let (meeting, problems) =
        mitra_model::meeting::load(&doc).with_context(|| format!("reading meeting {url}"))?;
    let markdown =
        mitra_export::meeting_markdown(&meeting, Some(charter), &charter.language, &problems);
    let json = mitra_export::meeting_json(&meeting, &problems)?;
    Ok((meeting, markdown, json, problems))
}

/// The document from storage, loaded strictly, or `None` when it is not there.
async fn load(storage: &Arc<dyn Storage>, id: &DocumentId) -> anyhow::Result<Option<Automerge>> {
    let url = id.url();
    let Some(stored) = storage
        .load(id)
        .await
        .with_context(|| format!("loading {url}"))?
    else {
        return Ok(None);
    };
    tokio::task::spawn_blocking(move || store::load_document(&stored))
        .await
        .map_err(|e| anyhow::anyhow!("loading task failed: {e}"))?
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{url} is stored but damaged: {e}"))
}

/// Brings `doc` to the current schema in memory (nothing is written back).
fn current(doc: &mut AutoCommit, url: &str) -> anyhow::Result<()> {
    if schema::version(doc).is_none_or(|v| v < CURRENT_SCHEMA_VERSION) {
        schema::migrate(doc).with_context(|| format!("migrating {url} to the current schema"))?;
    }
    Ok(())
}

fn write_files(
    out: &Path,
    stem: &str,
    doc: &Automerge,
    markdown: &str,
    json: &str,
) -> anyhow::Result<()> {
    for (extension, bytes) in [
        ("automerge", doc.save()),
        ("md", markdown.as_bytes().to_vec()),
        ("json", json.as_bytes().to_vec()),
    ] {
        let path = out.join(format!("{stem}.{extension}"));
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn entry(
    role: &'static str,
    url: String,
    title: String,
    start: Option<String>,
    doc: &Automerge,
    problems: &[Problem],
    stem: String,
) -> Entry {
    Entry {
        role,
        url,
        title,
        start,
        heads: store::heads(doc).iter().map(|h| h.to_string()).collect(),
        changes: doc.get_changes(&[]).len(),
        problems: problems.len(),
        stem,
    }
}

/// `meetings/<date>-<title>`, unique among `taken` (the id's start breaks
/// ties).
fn unique_stem(taken: &mut BTreeSet<String>, start: &str, title: &str, id: &DocumentId) -> String {
    let date: String = start.chars().take(10).collect();
    let date_ok = date.len() == 10
        && date.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let slug = slug(title);
    let mut stem = match (date_ok, slug.is_empty()) {
        (true, false) => format!("{date}-{slug}"),
        (true, true) => format!("{date}-meeting"),
        (false, false) => slug,
        (false, true) => "meeting".to_owned(),
    };
    if taken.contains(&stem) {
        let short: String = id.to_string().chars().take(8).collect();
        stem = format!("{stem}-{short}");
    }
    taken.insert(stem.clone());
    format!("meetings/{stem}")
}

/// Lower-case letters and digits of `title`, words joined by `-` (at most
/// 60 characters).
fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.chars().count() >= 60 {
            break;
        }
    }
    slug.trim_end_matches('-').to_owned()
}

fn write_manifest(
    out: &Path,
    charter: &Charter,
    entries: &[Entry],
    missing: &[Missing],
    exported_at: &str,
) -> anyhow::Result<()> {
    let documents: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "role": e.role,
                "url": e.url,
                "title": e.title,
                "start": e.start,
                "heads": e.heads,
                "changes": e.changes,
                "problems": e.problems,
                "files": {
                    "automerge": format!("{}.automerge", e.stem),
                    "markdown": format!("{}.md", e.stem),
                    "json": format!("{}.json", e.stem),
                },
            })
        })
        .collect();
    let missing: Vec<_> = missing
        .iter()
        .map(|m| json!({ "url": m.url, "title": m.title, "reason": m.reason }))
        .collect();
    let manifest = json!({
        "format": FORMAT,
        "exportedAt": exported_at,
        "mitraVersion": env!("CARGO_PKG_VERSION"),
        "partnership": {
            "name": charter.name,
            "language": charter.language.as_str(),
            "charterUrl": entries.first().map(|e| e.url.clone()),
        },
        "documents": documents,
        "missing": missing,
    });
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    let path = out.join("manifest.json");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

fn write_readme(
    out: &Path,
    charter: &Charter,
    entries: &[Entry],
    missing: &[Missing],
    exported_at: &str,
) -> anyhow::Result<()> {
    let cell = mitra_export::escape::cell;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# {}: exported data\n",
        mitra_export::escape::inline(&charter.name)
    );
    let _ = writeln!(
        text,
        "Exported from Mitra {} at {exported_at}: the partnership's charter and every meeting it links, {} document(s).\n",
        env!("CARGO_PKG_VERSION"),
        entries.len()
    );
    let _ = writeln!(
        text,
        "Each document is here three times:\n\n\
         - `.automerge`: the document itself with its whole history, as automerge saves it; \
         any automerge implementation loads it (`Automerge.load(bytes)` in JavaScript, \
         `Automerge::load` in Rust).\n\
         - `.md`: readable Markdown, to share or print.\n\
         - `.json`: the content as JSON, for other programs.\n\n\
         `manifest.json` lists the same in a form programs read.\n"
    );
    let _ = writeln!(text, "| document | title | files |");
    let _ = writeln!(text, "| --- | --- | --- |");
    for e in entries {
        let _ = writeln!(
            text,
            "| {} `{}` | {} | [{stem}.md]({stem}.md), [{stem}.json]({stem}.json), [{stem}.automerge]({stem}.automerge) |",
            e.role,
            e.url,
            cell(&e.title),
            stem = e.stem
        );
    }
    if !missing.is_empty() {
        let _ = writeln!(text, "\nLinked from the charter but not exported:\n");
        for m in missing {
            let _ = writeln!(
                text,
                "- {} (`{}`): {}",
                cell(&m.title),
                m.url,
                cell(&m.reason)
            );
        }
    }
    let path = out.join("README.md");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_file_names_are_dated_slugs_and_unique() {
        let mut taken = BTreeSet::new();
        let a = DocumentId::from_bytes([1; 16]);
        let b = DocumentId::from_bytes([2; 16]);
        assert_eq!(
            unique_stem(
                &mut taken,
                "2025-09-16T09:30:00+07:00",
                "Quarterly steering meeting: Q3!",
                &a
            ),
            "meetings/2025-09-16-quarterly-steering-meeting-q3"
        );
        let second = unique_stem(
            &mut taken,
            "2025-09-16T10:00:00+07:00",
            "Quarterly steering meeting: Q3",
            &b,
        );
        assert!(
            second.starts_with("meetings/2025-09-16-quarterly-steering-meeting-q3-"),
            "{second}"
        );
        assert_ne!(second, "meetings/2025-09-16-quarterly-steering-meeting-q3");
        assert_eq!(
            unique_stem(&mut taken, "soon", "../../etc/passwd", &a),
            "meetings/etc-passwd"
        );
        assert_eq!(unique_stem(&mut taken, "", "", &b), "meetings/meeting");
        assert_eq!(slug("Rapat Koordinasi Bulanan"), "rapat-koordinasi-bulanan");
    }
}
