//! Creating the demo partnership ([`mitra_demo`]) in a data directory:
//! `mitra demo`, and `mitra serve` on its first start.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use mitra_demo::DemoIds;
use mitra_model::Language;
use mitra_storage::Storage;

/// A demo partnership written to storage.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// Its language.
    pub language: Language,
    /// The partnership's name.
    pub name: String,
    /// The charter's URL (`automerge:...`).
    pub charter_url: String,
    /// The meetings' URLs.
    pub meeting_urls: Vec<String>,
}

/// Writes the demo partnership in each of `languages` into `storage`, with
/// random document ids. Each partnership's meetings are written before its
/// charter, so a charter in storage always has its meetings.
pub async fn seed(storage: &dyn Storage, languages: &[Language]) -> anyhow::Result<Vec<Seeded>> {
    let mut seeded = Vec::new();
    for language in languages {
        let ids = DemoIds::from_bytes(rand::random());
        let demo = mitra_demo::build(language, &ids).context("building the demo partnership")?;
        let entry = Seeded {
            language: demo.language.clone(),
            name: demo.name.clone(),
            charter_url: ids.charter.url(),
            meeting_urls: ids.meetings.iter().map(|id| id.url()).collect(),
        };
        let mut documents = demo.into_saved();
        documents.rotate_left(1); // the charter last
        for (id, bytes) in documents {
            storage
                .append(&id, bytes)
                .await
                .with_context(|| format!("storing demo document {}", id.url()))?;
        }
        seeded.push(entry);
    }
    Ok(seeded)
}

/// When `storage` holds no documents at all (a new data directory or
/// database), creates the demo partnership in English and in Indonesian and
/// returns them; otherwise returns `None` and changes nothing.
pub async fn maybe_seed_demo(storage: &dyn Storage) -> anyhow::Result<Option<Vec<Seeded>>> {
    let documents = storage
        .list_documents()
        .await
        .context("listing documents")?;
    if !documents.is_empty() {
        return Ok(None);
    }
    seed(storage, &[Language::English, Language::Indonesian])
        .await
        .map(Some)
}

/// The lines `mitra serve` prints after its serving line when it created
/// the demo, `base` being the server's address (`http://HOST:PORT/`);
/// `auth_required`: clients need a session or a token.
pub fn serve_message(seeded: &[Seeded], base: &str, auth_required: bool) -> String {
    let mut out = String::new();
    for s in seeded {
        let _ = writeln!(
            out,
            "Created the demo partnership {:?} ({}): {}",
            s.name,
            language_name(&s.language),
            browser_link(base, &s.charter_url)
        );
    }
    if !seeded.is_empty() {
        let sync = format!("{}sync", base.replacen("http", "ws", 1));
        let (signed_in, sync) = if auth_required {
            (" and sign in", format!("{sync}?token=TOKEN"))
        } else {
            ("", sync)
        };
        let _ = writeln!(
            out,
            "Open a link in a browser{signed_in}, or open {} in any automerge-repo client syncing with {sync}; start with --no-demo (MITRA_NO_DEMO=1) to skip the demo in a new data directory.",
            seeded[0].charter_url
        );
    }
    out
}

/// The browser client's link to a charter (`base` is `http://HOST:PORT/`).
pub fn browser_link(base: &str, charter_url: &str) -> String {
    let id = charter_url
        .strip_prefix("automerge:")
        .unwrap_or(charter_url);
    format!("{base}#/p/{id}/charter")
}

/// What `mitra demo` prints.
pub fn demo_message(seeded: &[Seeded], data_dir: &Path) -> String {
    let dir = data_dir.display();
    let mut out = format!("Created the demo partnership in {dir}:\n");
    for s in seeded {
        let _ = writeln!(
            out,
            "  {} ({}): {}",
            s.name,
            language_name(&s.language),
            s.charter_url
        );
        let _ = writeln!(out, "    meetings: {}", s.meeting_urls.join(" "));
    }
    if let Some(first) = seeded.first() {
        let _ = writeln!(
            out,
            "\nTo open a partnership, run `mitra serve --data-dir {dir}` and open http://HOST:PORT/#/p/ID/charter (ID: the document id after `automerge:`) in a browser.\n\
             To export it: mitra export --data-dir {dir} {} --format markdown",
            first.charter_url
        );
    }
    out
}

fn language_name(language: &Language) -> &str {
    match language {
        Language::English => "English",
        Language::Indonesian => "Bahasa Indonesia",
        other => other.as_str(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use mitra_protocol::{AutomergeEngine, DocumentId};
    use mitra_storage::SqliteStorage;

    #[tokio::test]
    async fn an_empty_data_directory_gets_the_demo_once() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path()).await.unwrap();
        let started = std::time::Instant::now();
        let seeded = maybe_seed_demo(&storage).await.unwrap().unwrap();
        let took = started.elapsed();
        assert_eq!(seeded.len(), 2);
        assert!(maybe_seed_demo(&storage).await.unwrap().is_none());
        assert_eq!(storage.list_documents().await.unwrap().len(), 6);
        for s in &seeded {
            let id = DocumentId::parse_url_or_id(&s.charter_url).unwrap();
            let stored = storage.load(&id).await.unwrap().unwrap();
            let engine = AutomergeEngine::load(
                stored.snapshot.as_deref(),
                stored.chunks.iter().map(|(_, c)| c.as_slice()),
            )
            .unwrap();
            let (charter, problems) = mitra_model::charter::load(engine.document()).unwrap();
            assert!(problems.is_empty());
            assert_eq!(charter.name, s.name);
            assert_eq!(charter.language, s.language);
            let links: Vec<_> = charter.meetings.iter().map(|m| m.url.clone()).collect();
            assert_eq!(links, s.meeting_urls);
        }
        storage.close().await;
        // Seeding is on the start-up path of `mitra serve`: keep it fast (a
        // generous bound for slow debug builds on busy machines).
        assert!(
            took < std::time::Duration::from_secs(2),
            "seeding took {took:?}"
        );
    }

    #[tokio::test]
    async fn a_data_directory_with_documents_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path()).await.unwrap();
        seed(&storage, &[Language::Indonesian]).await.unwrap();
        assert!(maybe_seed_demo(&storage).await.unwrap().is_none());
        assert_eq!(storage.list_documents().await.unwrap().len(), 3);
        storage.close().await;
    }
}
